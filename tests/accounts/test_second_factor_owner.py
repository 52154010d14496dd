"""The second factor belongs to its owner. A session that has only the password (the audit's
``deputy``) cannot replace or remove a confirmed device: that needs a code from the device or
one of the one-time recovery codes issued at enrolment (shown once, stored hashed). Every change
is mailed to the person. Wrong codes hold back the session and the address that sent them, never
the device for its owner."""

from __future__ import annotations

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts.models import RecoveryCode
from ita.history.models import Event, EventKind
from tests.accounts.helpers import FACTOR, RECOVERY, REMOVE, VERIFY, code, log_in, wrong_code
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(db):
    """The signer, set up as the audit found her: a confirmed device on her phone."""
    user = make_user("deputy", first_name="รองปลัด", last_name="ทดสอบ")
    device = TOTPDevice.objects.create(user=user, name="ITA", confirmed=True)
    return user, device


@pytest.fixture
def mailed():
    """The e-mails the changes queued, sent by the (immediate) task backend as each commits
    (the tests that read them commit: ``transaction=True``)."""
    return mail.outbox


def _enrol(client, next_url: str = "/"):
    """Set up a device in this session from its page: the new device and the page after."""
    page = client.get(FACTOR)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=page.context["user"], confirmed=False)
    return device, client.post(FACTOR, {"token": code(device), "next": next_url})


def test_a_password_alone_does_not_replace_the_signer_s_device(client, signer) -> None:
    """The audit's attack: logged in as deputy with the password, take a fresh key, confirm it."""
    user, device = signer
    assert log_in(client, "deputy").status_code == 302
    page = client.get(FACTOR)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" not in html and "otp-secret" not in html  # no new key offered
    # Even a pending device made some other way cannot be confirmed in its place.
    pending = TOTPDevice.objects.create(user=user, name="ITA", confirmed=False)
    response = client.post(FACTOR, {"token": code(pending), "next": "/"})
    assert response.status_code in (400, 403)
    assert TOTPDevice.objects.get(user=user, confirmed=True).pk == device.pk
    assert not TOTPDevice.objects.filter(pk=pending.pk, confirmed=True).exists()
    assert not client.get("/").wsgi_request.user.is_verified()
    assert not Event.objects.filter(action=EventKind.SECOND_FACTOR_ENROL).exists()
    # Nor can it remove the device.
    assert client.post(REMOVE, {"proof": wrong_code(device)}).status_code in (400, 403)
    assert client.post(REMOVE, {}).status_code in (400, 403)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_first_device_issues_recovery_codes_shown_once_and_stored_hashed(client, mailed) -> None:
    user = make_user("head")
    client.force_login(user)
    device, done = _enrol(client)
    html = done.content.decode()
    assert done.status_code == 200  # the codes, on this page only
    codes = RECOVERY.findall(html)
    assert len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(stored) == 10
    for c in codes:
        assert all(c not in d and c.replace("-", "") not in d for d in stored)
    again = client.get(FACTOR).content.decode()
    assert not any(c in again for c in codes)
    assert TOTPDevice.objects.get(user=user, confirmed=True).pk == device.pk
    assert client.get("/").wsgi_request.user.is_verified()
    (message,) = mailed
    assert message.to == [user.email] and "head" in message.subject
    assert Event.objects.filter(action=EventKind.RECOVERY_CODES_ISSUED, actor=user).exists()


@pytest.mark.django_db(transaction=True)
def test_a_code_from_the_device_lets_its_owner_replace_it(client, signer, mailed) -> None:
    user, device = signer
    log_in(client, "deputy")
    refused = client.post(FACTOR, {"proof": wrong_code(device)})
    assert refused.status_code == 400 and "<svg" not in refused.content.decode()
    proven = client.post(FACTOR, {"proof": code(device)})
    assert proven.status_code == 302
    new, done = _enrol(client)
    assert done.status_code == 200 and len(set(RECOVERY.findall(done.content.decode()))) == 10
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    assert Event.objects.filter(action=EventKind.SECOND_FACTOR_REPLACE, actor=user).exists()
    (message,) = mailed
    assert message.to == ["deputy@example.org"] and "แอปใหม่" in message.body.replace(
        "แอปยืนยันตัวตนตัวใหม่", "แอปใหม่"
    )


@pytest.mark.django_db(transaction=True)
def test_a_recovery_code_replaces_a_lost_phone_once(client, mailed) -> None:
    user = make_user("head")
    client.force_login(user)
    _device, done = _enrol(client)
    first, second = RECOVERY.findall(done.content.decode())[:2]
    mailed.clear()

    other = client.__class__()  # a new browser, the phone lost: the password and a code
    log_in(other, "head", ip="10.0.0.9")
    assert other.post(FACTOR, {"proof": first.lower().replace("-", " ")}).status_code == 302
    _new, done = _enrol(other)
    assert done.status_code == 200
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10  # new set
    kinds = set(Event.objects.filter(actor=user).values_list("action", flat=True))
    assert {EventKind.RECOVERY_CODE_USED, EventKind.SECOND_FACTOR_REPLACE} <= kinds
    assert len(mailed) == 2 and all(m.to == [user.email] for m in mailed)
    # The old codes went with the old device; a code works once in any case.
    third = client.__class__()
    log_in(third, "head", ip="10.0.0.10")
    for used in (first, second):
        assert third.post(FACTOR, {"proof": used}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_removing_the_device_needs_a_code_and_is_mailed(client, signer, mailed) -> None:
    user, device = signer
    log_in(client, "deputy")
    assert client.post(REMOVE, {"proof": wrong_code(device)}).status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists() and mailed == []
    response = client.post(REMOVE, {"proof": code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert Event.objects.filter(action=EventKind.SECOND_FACTOR_REMOVE, actor=user).exists()
    (message,) = mailed
    assert message.to == ["deputy@example.org"] and "ยกเลิก" in message.body
    assert client.get(REMOVE).status_code == 405


def test_wrong_codes_hold_back_the_sender_not_the_owner(client, signer) -> None:
    """Someone with the password sends wrong codes; the signer's right code, from her own
    session and address, is taken at once (django-otp's throttle delayed the device itself)."""
    _user, device = signer
    attacker = client.__class__()
    log_in(attacker, "deputy", ip="203.0.113.9")
    for _ in range(12):  # the session is held after 5, the address after 10
        attacker.post(VERIFY, {"token": wrong_code(device)}, REMOTE_ADDR="203.0.113.9")
    held = attacker.post(VERIFY, {"token": code(device)}, REMOTE_ADDR="203.0.113.9")
    assert held.status_code == 429 and "ลอง" in held.content.decode()
    assert not attacker.get("/").wsgi_request.user.is_verified()

    log_in(client, "deputy", ip="10.0.0.5")
    ok = client.post(VERIFY, {"token": code(device), "next": "/memos/"}, REMOTE_ADDR="10.0.0.5")
    assert ok.status_code == 302 and ok["Location"] == "/memos/"
    assert client.get("/").wsgi_request.user.is_verified()
    # Another session from the attacker's address is held too.
    again = client.__class__()
    log_in(again, "deputy", ip="203.0.113.9")
    assert again.post(VERIFY, {"token": code(device)}, REMOTE_ADDR="203.0.113.9").status_code == 429


def test_wrong_proofs_of_ownership_are_held_back_too(client, signer) -> None:
    _user, device = signer
    log_in(client, "deputy", ip="203.0.113.9")
    for _ in range(8):
        client.post(FACTOR, {"proof": wrong_code(device)}, REMOTE_ADDR="203.0.113.9")
    assert (
        client.post(FACTOR, {"proof": code(device)}, REMOTE_ADDR="203.0.113.9").status_code == 429
    )
    assert (
        client.post(REMOVE, {"proof": code(device)}, REMOTE_ADDR="203.0.113.9").status_code == 429
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
