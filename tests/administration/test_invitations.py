"""Invitations: the mail is a task; the link works once, until it expires, and only as sent; the
person chooses their own login name and password and lands on their desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ita.accounts.models import Invitation
from ita.accounts.tokens import token
from ita.administration import services
from ita.history.models import Event, EventKind
from ita.organisations.models import Position

pytestmark = pytest.mark.django_db

PASSWORD = "ชาวสุโสะ-2567-ok"


def _invite(org, email: str = "newhead@example.org", role: str = "head") -> Invitation:
    return services.person_invite(
        organisation=org.organisation,
        position=org.positions[role],
        email=email,
        first_name="นางสาวใหม่",
        last_name="หัวหน้า",
        actor=org["clerk"],
    )


def _path(invitation: Invitation) -> str:
    return reverse("accounts:invitation", args=[invitation.pk, token(invitation)])


def _accept(client: Client, path: str, username: str = "newhead", **extra: str):
    return client.post(
        path,
        {
            "username": username,
            "first_name": "นางสาวใหม่",
            "last_name": "หัวหน้า",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_the_invitation_is_mailed_with_its_one_time_link(org) -> None:
    invitation = _invite(org)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newhead@example.org"]
    assert "หัวหน้าสำนักปลัด" in message.subject and org.organisation.name in message.subject
    assert _path(invitation) in message.body
    assert "นายclerk ทดสอบ" in message.body  # who invites
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    event = Event.objects.get(action=EventKind.INVITATION_CREATE)
    assert event.organisation_id == org.organisation.pk and event.actor == org["clerk"]


def test_the_invitee_sets_a_password_and_lands_on_their_desk_holding_the_position(
    client: Client, org
) -> None:
    invitation = _invite(org)
    path = _path(invitation)
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "หัวหน้าสำนักปลัด" in text and org.organisation.name in text
    response = _accept(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("memos:desk")
    user = User.objects.get(username="newhead")
    assert user.email == "newhead@example.org" and user.check_password(PASSWORD)
    assert user.get_full_name() == "นางสาวใหม่ หัวหน้า"
    assert Position.objects.get(pk=org.positions["head"].pk).holder == user
    assert client.get(reverse("memos:desk")).wsgi_request.user == user  # logged in
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED and invitation.accepted_by == user
    kinds = set(
        Event.objects.filter(organisation=org.organisation).values_list("action", flat=True)
    )
    assert {EventKind.INVITATION_ACCEPT, EventKind.POSITION_UPDATE} <= kinds


def test_a_reused_link_is_refused_and_changes_nothing(client: Client, org) -> None:
    invitation = _invite(org)
    path = _path(invitation)
    _accept(client, path)
    client.logout()
    events = Event.objects.count()
    again = client.get(path)
    assert again.status_code == 410
    assert "ใช้ไปแล้ว" in again.content.decode()
    response = _accept(client, path, username="someone-else")
    assert response.status_code == 410
    assert not User.objects.filter(username="someone-else").exists()
    assert Event.objects.count() == events


def test_an_expired_link_is_refused_and_says_who_can_send_another(client: Client, org) -> None:
    invitation = _invite(org)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    path = _path(invitation)
    response = client.get(path)
    assert response.status_code == 410
    assert "หมดอายุ" in response.content.decode()
    assert _accept(client, path).status_code == 410
    assert not User.objects.filter(username="newhead").exists()
    assert Position.objects.get(pk=org.positions["head"].pk).holder == org["head"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda inv, t: (inv.pk, t[:-1] + ("0" if t[-1] != "0" else "1")),  # one character off
        lambda inv, t: (inv.pk, "0" * 40),
        lambda inv, t: (inv.pk + 1000, t),  # another row's number with this token
        lambda inv, t: (inv.pk, t[:20]),  # cut short
    ],
    ids=["one-character", "zeros", "other-row", "truncated"],
)
def test_a_forged_link_is_not_found_and_changes_nothing(client: Client, org, forge) -> None:
    invitation = _invite(org)
    pk, secret = forge(invitation, token(invitation))
    path = reverse("accounts:invitation", args=[pk, secret])
    assert client.get(path).status_code == 404
    events = Event.objects.count()
    assert _accept(client, path).status_code == 404
    assert Event.objects.count() == events
    assert not User.objects.filter(username="newhead").exists()


def test_a_token_made_without_the_sites_secret_key_is_refused(
    client: Client, org, settings
) -> None:
    invitation = _invite(org)
    settings.SECRET_KEY = "another-installation's-key-" + "x" * 40
    forged = token(invitation)  # the same row, the same nonce, another key
    settings.SECRET_KEY = settings.SECRET_KEY.replace("another", "the")
    assert (
        client.get(reverse("accounts:invitation", args=[invitation.pk, forged])).status_code == 404
    )


def test_sending_again_ends_the_old_link(client: Client, org) -> None:
    invitation = _invite(org)
    old = _path(invitation)
    services.invitation_renew(invitation=invitation, actor=org["clerk"])
    invitation.refresh_from_db()
    assert len(mail.outbox) == 2 and _path(invitation) in mail.outbox[1].body
    assert client.get(old).status_code == 404
    assert client.get(_path(invitation)).status_code == 200
    assert Invitation.objects.filter(email="newhead@example.org").count() == 1  # renewed, not new
    assert Event.objects.filter(action=EventKind.INVITATION_RENEW).count() == 1


def test_a_withdrawn_invitation_is_refused(client: Client, org) -> None:
    invitation = _invite(org)
    services.invitation_withdraw(invitation=invitation, actor=org["clerk"])
    assert client.get(_path(invitation)).status_code == 410


def test_a_password_too_weak_or_mistyped_is_refused_in_thai_and_nothing_changes(
    client: Client, org
) -> None:
    invitation = _invite(org)
    path = _path(invitation)
    weak = _accept(client, path, password1="1234", password2="1234")
    assert weak.status_code == 400
    assert "รหัสผ่าน" in weak.content.decode()
    differ = _accept(client, path, password2=PASSWORD + "x")
    assert differ.status_code == 400 and "ไม่ตรงกัน" in differ.content.decode()
    taken = _accept(client, path, username=org["clerk"].username)
    assert taken.status_code == 400 and "ถูกใช้แล้ว" in taken.content.decode()
    assert not User.objects.filter(email="newhead@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_someone_with_an_account_logs_in_and_accepts_no_second_account(client: Client, org) -> None:
    """A member of another organisation (same address) is invited: they log in and accept."""
    person = org["outsider"]
    person.email = "outsider@example.org"
    person.save()
    invitation = _invite(org, email="Outsider@Example.org", role="deputy")
    path = _path(invitation)
    page = client.get(path)
    assert page.status_code == 200 and "เข้าสู่ระบบ" in page.content.decode()
    assert _accept(client, path).status_code == 200  # no form to post: nothing made
    assert User.objects.filter(email__iexact="outsider@example.org").count() == 1
    client.force_login(org["member"])  # someone else's account: not theirs to accept
    client.post(path)
    assert Position.objects.get(pk=org.positions["deputy"].pk).holder == org["deputy"]
    client.force_login(person)
    response = client.post(path)
    assert response.status_code == 302
    assert Position.objects.get(pk=org.positions["deputy"].pk).holder == person


def test_a_signer_is_asked_to_set_up_the_second_factor_first_where_required(
    client: Client, org
) -> None:
    org.organisation.signers_need_second_factor = True
    org.organisation.save()
    invitation = _invite(org)
    response = _accept(client, _path(invitation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))
    assert "next=/memos/desk/" in response["Location"]


def test_staff_are_not_asked_for_the_second_factor(client: Client, org) -> None:
    org.organisation.signers_need_second_factor = True
    org.organisation.save()
    invitation = _invite(org, role="member", email="clerkstaff@example.org")
    response = _accept(client, _path(invitation), username="clerkstaff")
    assert response["Location"] == reverse("memos:desk")


def test_accepting_takes_the_position_and_ends_other_invitations_to_it(client: Client, org) -> None:
    first = _invite(org, email="a@example.org")
    second = _invite(org, email="b@example.org")
    _accept(client, _path(first), username="a")
    second.refresh_from_db()
    assert second.state == Invitation.State.CANCELLED
    client.logout()
    assert client.get(_path(second)).status_code == 410


def test_inviting_the_holder_to_their_own_position_is_refused(org) -> None:
    from django.core.exceptions import ValidationError

    org["head"].email = "head@example.org"
    org["head"].save()
    with pytest.raises(ValidationError):
        _invite(org, email="HEAD@example.org")
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_the_invite_form_makes_a_new_position_and_says_what_is_wrong_in_thai(
    client: Client, org
) -> None:
    client.force_login(org["clerk"])
    url = reverse("administration:invite", args=[org.organisation.pk])
    bad = client.post(url, {"email": "not-an-address", "new_title": ""})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "อีเมล" in text and "ตำแหน่ง" in text
    assert Invitation.objects.count() == 0
    good = client.post(
        url,
        {
            "email": "analyst@example.org",
            "new_title": "นักวิเคราะห์นโยบายและแผน",
            "new_role": "staff",
            "new_unit": "สำนักปลัด",
        },
    )
    assert good.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.position.title == "นักวิเคราะห์นโยบายและแผน"
    assert invitation.position.organisation == org.organisation
    assert invitation.position.holder is None
    people = client.get(reverse("administration:people", args=[org.organisation.pk]))
    assert "analyst@example.org" in people.content.decode()
