"""The delivery log: one row per message a task sends, with every attempt to send it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """A message, by the key of the task that sends it (``ita.mail.delivery.deliver``).

    ``copies`` counts the times the whole message went to the mail server and may have been
    delivered: taken (250), or no answer came. ``tries`` lists every attempt: when, its outcome
    (``not sent``, ``refused``, ``uncertain``, ``accepted``), whether it was a resend after an
    uncertain attempt, and the error.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("not delivered yet")
        SENDING = "sending", _("being sent")
        UNCERTAIN = "uncertain", _("perhaps delivered: no answer from the mail server")
        SENT = "sent", _("delivered to the mail server")

    key = models.CharField(_("key"), max_length=200, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    copies = models.PositiveIntegerField(_("copies sent"), default=0)
    tries = models.JSONField(_("attempts"), default=list, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"
