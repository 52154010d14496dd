"""The accounts' e-mail, sent by the task worker (``ita.lib.tasks``) and retried until the mail
server takes it: a change of a person's second factor is always told to that person; an
invitation carries its one-time link."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ita.accounts.models import Invitation
from ita.accounts.tokens import token
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
