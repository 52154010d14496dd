"""The accounts' e-mail, sent by the task worker (``ita.lib.tasks``) and retried until the mail
server takes it, once (``ita.mail.delivery``): a change of a person's second factor, told to that
person; an invitation with its one-time link; a password reset link; a link that lets a browser
past the login lockout.

The reset and unlock tasks are queued with what was typed, known or not
(``ita.accounts.requests``): only here is the account looked for.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from ita.accounts.models import Invitation
from ita.accounts.tokens import token, unlock_tokens
from ita.lib.tasks import retrying_task
from ita.lib.urls import absolute
from ita.mail.delivery import deliver
from ita.organisations.people import person_name

# What changed, as the notice names it (the values are the task's argument).
FACTOR_CHANGES = ("enrol", "replace", "remove", "reset", "recovery_code")


@retrying_task(label=_("Second factor change notice by e-mail"))
def factor_change_notify(user_id: int, change: str, by: str, ip: str, at: str) -> str:
    """Tell ``user_id`` that their second factor changed (``change``: one of FACTOR_CHANGES),
    when (ISO time), by whom (empty: themselves) and from which address."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "no address"
    with translation.override("th"):
        context = {
            "user": user,
            "change": change,
            "by": by,
            "ip": ip,
            "at": dt.datetime.fromisoformat(at),
            "url": absolute(reverse("accounts:otp_enrol")),
        }
        subject = render_to_string("registration/email/factor_changed_subject.txt", context)
        body = render_to_string("registration/email/factor_changed_body.txt", context)
    return deliver(EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email]))


@retrying_task(label=_("Invitation by e-mail"))
def invitation_mail(invitation_id: int, nonce: str, site: str) -> bool:
    """Mail the invitation's link; whether it was sent. Nothing is sent for an invitation since
    renewed (another nonce: the newer task sends), accepted, cancelled, expired, or already
    mailed (a task that runs twice sends once)."""
    invitation = (
        Invitation.objects.select_related("organisation", "position", "invited_by")
        .filter(pk=invitation_id, nonce=nonce, sent_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.state != Invitation.State.PENDING:
        return False
    link = site.rstrip("/") + reverse(
        "accounts:invitation", args=[invitation.pk, token(invitation)]
    )
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": person_name(invitation.invited_by) if invitation.invited_by else "",
        "site": site,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation.txt", context)
    # Through the delivery log like every message: a retry after the server took it sends
    # nothing again.
    deliver(EmailMessage(subject=" ".join(subject.split()), body=body, to=[invitation.email]))
    Invitation.objects.filter(pk=invitation.pk, nonce=nonce).update(sent_at=timezone.now())
    return True


def _thai_mail(templates: str, context: dict, to: str, part: str) -> str:
    with translation.override("th"):
        subject = render_to_string(f"registration/email/{templates}_subject.txt", context)
        body = render_to_string(f"registration/email/{templates}_body.txt", context)
    return deliver(EmailMessage(subject=" ".join(subject.split()), body=body, to=[to]), part=part)


@retrying_task(label=_("Password reset link by e-mail"))
def password_reset_send(email: str, site: str) -> int:
    """A link to set a new password, to each active account of ``email`` that has a usable
    password (as Django's reset form chooses them); how many accounts it was."""
    users = list(PasswordResetForm().get_users(email))
    for user in users:
        path = reverse(
            "accounts:password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
        # The address the request was made at (``site``), said once under a path.
        context = {"user": user, "link": absolute(path, site)}
        _thai_mail("password_reset", context, user.email, part=str(user.pk))
    return len(users)


@retrying_task(label=_("Unlock link by e-mail"))
def unlock_link_send(username: str, site: str) -> str:
    """A link that lets a browser log in to ``username`` despite the lockout, to its address."""
    user = (
        get_user_model()
        .objects.filter(**{get_user_model().USERNAME_FIELD: username}, is_active=True)
        .exclude(email="")
        .first()
    )
    if user is None:
        return "no such account"
    path = reverse(
        "accounts:unlock_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), unlock_tokens.make_token(user)],
    )
    return _thai_mail(
        "unlock", {"user": user, "url": absolute(path, site)}, user.email, part="unlock"
    )
