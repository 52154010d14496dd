"""A signature that outlives its certificate: PAdES-B-T with a timestamp from the configured
authority (a local one, started here), B-LT when its chain validates, B-B without one."""

from __future__ import annotations

import pytest

from ita.documents import inspection, signing
from memos import archive, services
from memos.models import Memo, MemoArchive
from memos.signing import install_credentials
from tests import tsa
from tests.memos.conftest import bring_to
from tests.pdfa import assert_pdfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(org, tmp_media):
    install_credentials(
        organisation=org.organisation,
        credentials=signing.make_test_credentials(org.organisation.name),
    )


@pytest.fixture
def authority(settings, tmp_path):
    with tsa.running() as running:
        settings.TIMESTAMP_URL = running.url
        yield running


def _decide(org, callbacks) -> Memo:
    memo = bring_to(org, "mayor")
    with callbacks(execute=True):
        services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    return Memo.objects.select_related("organisation", "report_year").get(pk=memo.pk)


def test_with_an_authority_the_decided_memo_is_timestamped_b_t_and_verify_says_so(
    org, certified, authority, client, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    stored = MemoArchive.objects.get(memo=memo)
    assert stored.signature_level == "B-T" and authority.requests
    pdf = archive.memo_pdf_bytes(memo)
    (found,) = inspection.inspect(pdf).signatures
    assert found.timestamp_ok and found.timestamp_authority == authority.name
    assert_pdfa(pdf)
    page = client.post("/verify/", {"file": _upload(pdf)}).content.decode()
    assert authority.name in page and "verify-no-timestamp" not in page
    client.force_login(org["author"])
    assert "PAdES-B-T" in client.get(f"/memos/{memo.pk}/").content.decode()


def test_with_the_authoritys_roots_the_validation_data_is_embedded_b_lt(
    org, certified, authority, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    roots = tmp_path / "tsa.pem"
    roots.write_bytes(
        x509.load_der_x509_certificate(authority.root).public_bytes(serialization.Encoding.PEM)
    )
    settings.TIMESTAMP_ROOTS = str(roots)
    memo = _decide(org, django_capture_on_commit_callbacks)
    assert MemoArchive.objects.get(memo=memo).signature_level == "B-LT"
    pdf = archive.memo_pdf_bytes(memo)
    read = inspection.inspect(pdf)
    assert read.validation_data
    (found,) = read.signatures
    assert found.intact and found.valid and found.whole_file and found.timestamp_ok
    assert_pdfa(pdf)


def test_without_an_authority_it_is_b_b_and_the_page_says_so_before_and_after(
    org, certified, client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TIMESTAMP_URL = ""
    memo = bring_to(org, "clerk")
    client.force_login(org["author"])
    assert "PAdES-B-B" in client.get(f"/memos/{memo.pk}/").content.decode()
    memo = _decide(org, django_capture_on_commit_callbacks)
    assert MemoArchive.objects.get(memo=memo).signature_level == "B-B"
    assert "PAdES-B-B" in client.get(f"/memos/{memo.pk}/").content.decode()


def test_an_authority_that_does_not_answer_delays_the_stored_copy_never_unsigned(
    org, certified, settings, client, django_capture_on_commit_callbacks
) -> None:
    settings.TIMESTAMP_URL = "http://127.0.0.1:9/"  # nothing listens there
    memo = bring_to(org, "mayor")
    services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    with pytest.raises(archive.SigningDelayed):
        archive.memo_archive(memo.pk)
    assert not MemoArchive.objects.filter(memo=memo).exists()
    client.force_login(org["author"])
    response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 503 and response["Retry-After"]


def _upload(pdf: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("memo.pdf", pdf)
