"""What the accounts keep besides Django's users and django-otp's devices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecoveryCode(models.Model):
    """One of a person's one-time recovery codes, issued with the second factor and shown once.

    Kept as a salted SHA-256 (``ita.accounts.recovery``), never as typed: each code is random
    (50 bits), so a fast hash is enough, and checking a person's ten costs nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("user"),
    )
    digest = models.CharField(_("digest"), max_length=100)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        ordering = ["user", "pk"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.pk}"
