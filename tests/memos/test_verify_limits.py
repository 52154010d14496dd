"""``/verify/`` cannot be exhausted: files counted before they are parsed, parsed in a child
process within a budget, a few at once per machine, codes looked up in one query, and a limit
per address that ends when it says."""

from __future__ import annotations

import subprocess
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from ita.documents import inspection, signing
from memos import archive, services, verification
from memos.models import Memo
from memos.signing import install_credentials
from memos.views import record
from tests import hostile, locks
from tests.memos.conftest import bring_to

pytestmark = pytest.mark.django_db


def _post(client, data: bytes, **extra):
    return client.post("/verify/", {"file": SimpleUploadedFile("memo.pdf", data)}, **extra)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def test_a_pdf_with_1000_signature_fields_is_refused_before_any_parser_sees_it(client) -> None:
    data = hostile.many_signature_fields_pdf()
    with mock.patch.object(subprocess, "run", side_effect=AssertionError("parsed")):
        response = _post(client, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1000" in page and "10" in page and "ลายมือชื่อ" in page


def test_a_compression_bomb_is_read_in_a_child_process_that_stops_at_its_budget(
    client, monkeypatch
) -> None:
    # 512 MB of page content from half a megabyte: poppler is stopped at its second of CPU.
    monkeypatch.setattr(inspection, "TEXT_CPU_SECONDS", 1)
    bomb = hostile.compression_bomb_pdf(512)
    assert len(bomb) < 600_000
    found = verification.by_file(bomb)
    assert found.readable and found.refusal is not None and found.refusal.code == "budget"
    assert found.memo is None and found.signatures == ()
    response = _post(client, bomb)
    assert "ไม่ได้ตรวจ" in response.content.decode()


def test_codes_on_a_page_are_looked_up_in_one_query(
    org, client, django_assert_max_num_queries
) -> None:
    memo = bring_to(org, "deputy")
    page = hostile.code_strings_pdf(codes=2000)
    inspected = inspection.inspect(page)
    assert len(verification.CODE.findall(inspected.first_page_text)) > 100
    with mock.patch.object(inspection, "inspect", return_value=inspected):
        with django_assert_max_num_queries(3):
            assert verification.by_file(page).memo is None
        text = inspected.first_page_text + f"\n{memo.verify_code}\n"
        mine = inspection.Inspection(readable=True, first_page_text=text)
        with mock.patch.object(inspection, "inspect", return_value=mine):
            found = verification.by_file(page)
    assert found.memo is not None and found.memo.code == memo.verify_code


def test_only_a_few_files_are_checked_at_once_on_a_machine(client, settings) -> None:
    settings.VERIFY_SLOTS = 1
    settings.VERIFY_WAIT = 0.1
    holder = locks.hold(settings.RENDER_LOCK_DIR / "verify")
    try:
        response = _post(client, b"%PDF-1.7\n")
    finally:
        locks.release(holder)
    assert response.status_code == 503 and response["Retry-After"]
    assert "ลองใหม่" in response.content.decode()
    assert _post(client, b"%PDF-1.7\n").status_code == 200


def test_the_limit_per_address_ends_when_it_says_however_often_it_is_tried(
    client, settings
) -> None:
    settings.VERIFY_FILES_PER_MINUTE = 3
    start = 1_800_000_000.0  # a minute's first second
    with mock.patch.object(record.time, "time", return_value=start + 20):
        for _ in range(3):
            assert _post(client, b"x").status_code == 200
        for _ in range(10):  # blocked tries do not push the end further
            response = _post(client, b"x")
            assert response.status_code == 429
    assert response["Retry-After"] == "40"
    assert "40" in response.content.decode()
    with mock.patch.object(record.time, "time", return_value=start + 61):
        assert _post(client, b"x").status_code == 200


@pytest.fixture
def decided(org, tmp_media, django_capture_on_commit_callbacks) -> Memo:
    install_credentials(
        organisation=org.organisation,
        credentials=signing.make_test_credentials(org.organisation.name),
    )
    memo = bring_to(org, "mayor")
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    return Memo.objects.select_related("organisation", "report_year").get(pk=memo.pk)


def test_a_test_only_certificate_is_named_as_such_in_amber_never_green(client, decided) -> None:
    response = _post(client, archive.memo_pdf_bytes(decided))
    page = response.content.decode()
    signature = page[page.index('class="verify-signature"') :]
    signature = signature[: signature.index("</div>")]
    assert "status-ok" not in signature and "status-warning" in signature
    assert "verify-test-only" in signature and "TEST ONLY" in signature
    # Signed without a timestamp authority: the time is the signer's own word, and it says so.
    assert "verify-no-timestamp" in signature
    assert "ตรวจสอบผ่าน" in signature  # the signature itself is intact
    code_page = client.get(f"/verify/?code={decided.verify_code}").content.decode()
    assert "verify-test-only" in code_page
