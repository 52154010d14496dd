"""What the accounts keep besides Django's users and django-otp's devices: recovery codes, and
invitations (how a person gets an account: nobody types another person's password)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ita.organisations.models import Organisation, Position


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


def new_nonce() -> str:
    return secrets.token_hex(16)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor cancelled (expired ones too: renewing one keeps its row)."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)

    def pending(self) -> InvitationQuerySet:
        """Open and not yet expired: the link in its mail works."""
        return self.open().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An e-mail invitation to hold a position of an organisation.

    Its mail carries a one-time link (``ita.accounts.invitations.token``: an HMAC of the row and
    its ``nonce``, never stored) that expires at ``expires_at``; renewing the invitation draws a
    new nonce, so an older link stops working. Whoever opens the link chooses their own login
    name and password (or, with an account of that address already, logs in), and then holds
    the position. Written by ``ita.accounts.invitations`` only, each step with a history row.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the person")
        EXPIRED = "expired", _("Expired")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("position"),
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("mailed"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open invitation per person and position: inviting again renews it.
            models.UniqueConstraint(
                fields=["position", "email"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_open",
            )
        ]
        indexes = [models.Index(fields=["organisation", "created_at"])]
        permissions = [
            (
                "onboard_administrators",
                _("Can invite organisations' administrators in bulk (onboarding)"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.position.title}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.cancelled_at is not None:
            return self.State.CANCELLED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self) -> str:
        return str(self.State(self.state).label)


class Attempt(models.Model):
    """One thing the accounts' limits count (``ita.accounts.limits``): a failed login, a refused
    code of the second factor, a request for a password reset or an unlock link. Rows older than
    a day are dropped as new ones are written."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("failed login")
        CODE = "code", _("refused code")
        RESET = "reset", _("password reset asked")
        UNLOCK = "unlock", _("unlock link asked")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The name typed at login, or the address typed for a reset (lower case).
    account = models.CharField(_("account"), max_length=254, blank=True)
    address = models.CharField(_("address"), max_length=45, blank=True)
    # The device cookie's id, when the browser showed one valid for the account.
    device = models.CharField(_("device"), max_length=32, blank=True)
    # A digest of the session's key (codes of the second factor).
    session = models.CharField(_("session"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("counted attempt")
        verbose_name_plural = _("counted attempts")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["kind", "account", "at"]),
            models.Index(fields=["kind", "address", "at"]),
            models.Index(fields=["kind", "session", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.account} {self.address}"
