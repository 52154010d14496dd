"""The organisation's signing certificate: uploaded by its clerk (PKCS#12 + password), kept
protected, never shown; ``make_signing_certificate`` makes a TEST ONLY one."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from ita.documents import signing
from ita.history.models import Event, EventKind
from memos.models import SigningCertificate
from memos.signing import credentials_of

pytestmark = pytest.mark.django_db

PASSWORD = "รหัส-ลับ 123"


def _url(org) -> str:
    return f"/memos/organisations/{org.organisation.pk}/certificate/"


def _post(client, org, data: bytes, password: str = PASSWORD, name: str = "org.p12"):
    return client.post(
        _url(org),
        {"action": "upload", "file": SimpleUploadedFile(name, data), "password": password},
    )


def _p12(
    name: str = "องค์การบริหารส่วนตำบลทดสอบ", **kwargs: object
) -> tuple[bytes, signing.Credentials]:
    credentials = signing.make_test_credentials(name, **kwargs)  # type: ignore[arg-type]
    return credentials.pkcs12(PASSWORD.encode()), credentials


def test_the_clerk_uploads_the_certificate_and_its_key_is_kept_protected(client, org) -> None:
    data, credentials = _p12()
    client.force_login(org["clerk"])
    response = _post(client, org, data)
    assert response.status_code == 302
    row = SigningCertificate.objects.get(organisation=org.organisation)
    assert row.fingerprint == credentials.fingerprint and row.self_signed
    assert row.uploaded_by == org["clerk"]
    # Re-encrypted: the uploaded password does not open what is stored; the server's key does.
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(bytes(row.protected_key), PASSWORD.encode())
    assert credentials_of(org.organisation).fingerprint == credentials.fingerprint
    page = client.get(_url(org)).content.decode()
    assert credentials.fingerprint in page and "ลงนามตนเอง" in page
    assert PASSWORD not in page and "PRIVATE KEY" not in page
    assert Event.objects.filter(action=EventKind.MEMO_CERTIFICATE).count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("password", "รหัสผ่านไม่ถูกต้อง เปิดไฟล์ใบรับรองนี้ไม่ได้"),
        ("not_p12", "ไฟล์นี้ไม่ใช่ใบรับรองแบบ PKCS#12"),
        ("expired", "ใบรับรองหมดอายุแล้วเมื่อ"),
    ],
)
def test_a_bad_certificate_is_refused_in_thai_and_changes_nothing(
    client, org, case, message
) -> None:
    data, _credentials = _p12()
    password = PASSWORD
    if case == "password":
        password = "ผิด"
    elif case == "not_p12":
        data = b"-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n"
    elif case == "expired":
        long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        data, _credentials = _p12(now=long_ago, days=30)
    client.force_login(org["head"])  # the head of the clerk's office administers too
    response = _post(client, org, data, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SigningCertificate.objects.exists()
    assert not Event.objects.filter(action=EventKind.MEMO_CERTIFICATE).exists()


def test_only_the_organisations_administrators_may_change_it(client, org) -> None:
    data, _credentials = _p12()
    client.force_login(org["member"])
    assert client.get(_url(org)).status_code == 403
    assert _post(client, org, data).status_code == 403
    client.force_login(org["outsider"])
    assert client.get(_url(org)).status_code == 404
    assert not SigningCertificate.objects.exists()


def test_the_clerk_removes_it(client, org) -> None:
    data, _credentials = _p12()
    client.force_login(org["clerk"])
    _post(client, org, data)
    response = client.post(_url(org), {"action": "remove"})
    assert response.status_code == 302 and not SigningCertificate.objects.exists()
    assert "ยังไม่มีใบรับรอง" in client.get(_url(org)).content.decode()


def test_make_signing_certificate_makes_a_test_only_certificate(org, tmp_path) -> None:
    target = tmp_path / "demo.p12"
    call_command(
        "make_signing_certificate", "-o", str(target), "--password", "pw", "--name", "อบต.ทดสอบ"
    )
    credentials = signing.load_pkcs12(target.read_bytes(), b"pw")
    assert credentials.subject == "อบต.ทดสอบ (ทดสอบ/TEST ONLY)" and credentials.self_signed
    call_command("make_signing_certificate", "--organisation", str(org.organisation.pk))
    row = SigningCertificate.objects.get(organisation=org.organisation)
    assert row.subject == f"{org.organisation.name} (ทดสอบ/TEST ONLY)" and row.uploaded_by is None
    with pytest.raises(CommandError, match="needs a password"):
        call_command("make_signing_certificate", "-o", str(tmp_path / "x.p12"))
    assert not (tmp_path / "x.p12").exists()


def test_a_key_stored_under_the_old_secret_key_opens_while_it_is_a_fallback(org, settings) -> None:
    """Changing SECRET_KEY: the stored signing keys open again once the old key is listed in
    SECRET_KEY_FALLBACKS (from the environment, as every other setting)."""
    from memos.signing import install_credentials

    credentials = signing.make_test_credentials("องค์การบริหารส่วนตำบลทดสอบ")
    old = settings.SECRET_KEY
    install_credentials(organisation=org.organisation, credentials=credentials)
    settings.SECRET_KEY = "a-new-key-" + "n" * 50
    assert credentials_of(org.organisation) is None
    settings.SECRET_KEY_FALLBACKS = [old]
    assert credentials_of(org.organisation).fingerprint == credentials.fingerprint
