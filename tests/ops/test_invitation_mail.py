"""An invitation's mail survives a mail server that is down: the real worker and a real SMTP
server; it arrives once, and an invitation renewed meanwhile sends only its newest link."""

from __future__ import annotations

import pytest

from ita.accounts import invitations
from ita.accounts.models import Invitation
from ita.accounts.tokens import token
from tests.ops.conftest import statuses, time_passes, work

MAIL = "ita.accounts.tasks.invitation_mail"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queue")]


def test_the_invitation_waits_for_the_mail_server_and_arrives_once(org, smtp) -> None:
    smtp.stop()
    invitation, _new = invitations.invitation_create(
        organisation=org.organisation,
        position=org.positions["head"],
        email="newhead@example.org",
        actor=org["clerk"],
    )
    assert statuses(MAIL) == {"READY": 1}
    assert work() == 1
    assert statuses(MAIL) == {"FAILED": 1, "READY": 1}  # the failure queued its retry
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    smtp.start()
    time_passes()
    assert work() == 1
    assert [to for to, _subject in smtp.mailbox.deliveries()] == [["newhead@example.org"]]
    body = smtp.mailbox.messages[0][1].get_payload(decode=True).decode()
    assert f"/accounts/invitation/{invitation.pk}/{token(invitation)}/" in body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    time_passes()
    assert work() == 0 and len(smtp.mailbox.messages) == 1


def test_an_invitation_renewed_before_its_mail_left_sends_only_the_new_link(org, smtp) -> None:
    first, _new = invitations.invitation_create(
        organisation=org.organisation,
        position=org.positions["head"],
        email="newhead@example.org",
        actor=org["clerk"],
    )
    renewed, created = invitations.invitation_create(
        organisation=org.organisation,
        position=org.positions["head"],
        email="newhead@example.org",
        actor=org["clerk"],
    )
    assert not created and renewed.pk == first.pk
    assert work() == 2
    assert len(smtp.mailbox.messages) == 1
    body = smtp.mailbox.messages[0][1].get_payload(decode=True).decode()
    current = Invitation.objects.get(pk=first.pk)
    assert token(current) in body and token(first) not in body
