"""An organisation may require its signers' second factor (TOTP): a signer without a device is
sent to set one up, one with a device gives a code, both before the decision is recorded; the
typed comment comes back."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.history.models import Event, EventKind
from ita.organisations import services as organisation_services
from memos.models import State
from tests.memos.conftest import bring_to, fresh

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _require_second_factor(org) -> None:
    """As the admin's organisation page sets it (tests/ita/test_admin_history.py goes through it)."""
    org.organisation.signers_need_second_factor = True
    organisation_services.organisation_save(organisation=org.organisation, actor=None)


def _decide(client, memo, comment: str = "เห็นควรอนุมัติ"):
    data = {"expected_state": "head", "expected_round": 1, "action": "forward", "comment": comment}
    return client.post(f"/memos/{memo.pk}/decide/", data)


def test_without_the_requirement_a_signer_signs_with_the_password_alone(client, org) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["head"])
    assert _decide(client, memo).status_code == 302
    assert fresh(memo).state == State.DEPUTY


def test_a_signer_without_a_device_sets_one_up_before_signing(client, org, settings) -> None:
    # django-otp makes each failure wait (1 s, doubling); here the right code follows at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _require_second_factor(org)
    memo = bring_to(org, "head")
    client.force_login(org["head"])
    response = _decide(client, memo, comment="ความเห็นที่พิมพ์ไว้")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/?next=")
    assert fresh(memo).state == State.HEAD  # nothing signed

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html  # the QR code, and the key as text
    device = TOTPDevice.objects.get(user=org["head"], confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")

    wrong = client.post(response["Location"], {"token": "000000", "next": f"/memos/{memo.pk}/"})
    if wrong.status_code == 302:  # 000000 was by chance the right code
        pytest.skip("the random key's code was 000000")
    assert wrong.status_code == 400 and "รหัสไม่ถูกต้อง" in wrong.content.decode()
    ok = client.post(response["Location"], {"token": _code(device), "next": f"/memos/{memo.pk}/"})
    # The recovery codes, shown once, and the way back to the memo.
    assert ok.status_code == 200 and f'href="/memos/{memo.pk}/"' in ok.content.decode()
    assert Event.objects.filter(action=EventKind.SECOND_FACTOR_ENROL, actor=org["head"]).exists()

    # The typed comment is back on the memo, and signing goes through now.
    page = client.get(f"/memos/{memo.pk}/")
    assert page.context["decision_form"].initial["comment"] == "ความเห็นที่พิมพ์ไว้"
    assert _decide(client, memo).status_code == 302
    assert fresh(memo).state == State.DEPUTY


def test_a_signer_with_a_device_gives_a_code_in_each_new_session(client, org) -> None:
    _require_second_factor(org)
    device = TOTPDevice.objects.create(user=org["head"], name="ITA", confirmed=True)
    memo = bring_to(org, "head")
    client.force_login(org["head"])
    response = _decide(client, memo)
    assert response["Location"].startswith("/accounts/second-factor/verify/?next=")
    assert fresh(memo).state == State.HEAD
    verify = client.post(
        "/accounts/second-factor/verify/", {"token": _code(device), "next": f"/memos/{memo.pk}/"}
    )
    assert verify.status_code == 302, verify.content.decode()[:500]
    assert _decide(client, memo).status_code == 302
    assert fresh(memo).state == State.DEPUTY


def test_asking_for_a_code_without_a_device_leads_to_the_set_up(client, org) -> None:
    client.force_login(org["head"])
    response = client.get("/accounts/second-factor/verify/?next=/memos/1/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/?next=/memos/1/"
    assert client.get("/accounts/second-factor/?next=https://evil.example/").context["next"] == "/"
