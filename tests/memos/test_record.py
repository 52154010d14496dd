"""The document of record: the decided memo stored, signed (pyHanko) and served as those bytes;
the verification code, ``/verify/``, and a memo changed after signing."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ita.documents import signing
from memos import archive, services
from memos.models import Memo, MemoArchive, SignOff, State
from memos.signing import install_credentials
from tests.memos.conftest import bring_to, fresh, make_memo
from tests.pdf import extract

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(org, tmp_media):
    """The organisation with a test certificate, as ``make_signing_certificate`` makes it."""
    credentials = signing.make_test_credentials(org.organisation.name)
    install_credentials(organisation=org.organisation, credentials=credentials)
    return credentials


def _decide(org, django_capture_on_commit_callbacks) -> Memo:
    """A memo taken up the chain; the mayor's decision commits and runs the archiving."""
    memo = bring_to(org, "mayor")
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    return Memo.objects.select_related("organisation", "report_year").get(pk=memo.pk)


def _download(client, memo: Memo) -> bytes:
    response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_decided_pdf_is_signed_stored_and_served_as_the_same_bytes(
    org, certified, client, tmp_path, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    stored = MemoArchive.objects.get(memo=memo)  # made on commit of the decision
    assert stored.signed and "TEST ONLY" in stored.signer
    client.force_login(org["member"])
    first, second = _download(client, memo), _download(client, memo)
    assert first == second
    assert (
        hashlib.sha256(first).hexdigest() == stored.sha256 == archive.record_of(memo).archive.sha256
    )
    target = tmp_path / "out.pdf"
    call_command("render_memo", str(memo.pk), "-o", str(target))
    assert target.read_bytes() == first
    # pyHanko, with the organisation's certificate as the only trust root.
    reader = PdfFileReader(io.BytesIO(first))
    (embedded,) = reader.embedded_signatures
    root = signing._asn1_cert(certified.certificate)
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    # Running the archiving again changes nothing (a retried task).
    assert archive.memo_archive(memo.pk).pk == stored.pk
    assert MemoArchive.objects.count() == 1


def test_another_certificate_is_not_trusted(
    org, certified, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    pdf = archive.memo_pdf_bytes(memo)
    stranger = signing.make_test_credentials("ผู้อื่น")
    (check,) = signing.check_signatures(pdf, [stranger.der()])
    assert check.intact and check.valid and not check.trusted and not check.ok
    (check,) = signing.check_signatures(pdf, [certified.der()])
    assert check.ok


def test_signing_is_an_incremental_update_that_keeps_pdf_a(tmp_path) -> None:
    """The rendered bytes stay in front, unchanged; the catalogue keeps its XMP and intent."""
    from weasyprint import HTML

    pdf = HTML(string="<p>บันทึกข้อความ</p>").write_pdf(pdf_variant="pdf/a-3b")
    signed = signing.sign_pdf(pdf, signing.make_test_credentials("ทดสอบ"))
    assert signed.startswith(pdf) and len(signed) > len(pdf)
    root = PdfFileReader(io.BytesIO(signed)).root
    assert "/Metadata" in root and "/OutputIntents" in root
    assert b"pdfaid:part" in root["/Metadata"].get_object().data
    assert b"GTS_PDFA1" in signed


def test_without_a_certificate_the_memo_is_stored_unsigned_and_the_page_says_so(
    org, tmp_media, client, django_capture_on_commit_callbacks
) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["author"])
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert "หน่วยงานยังไม่มีใบรับรอง" in page
    memo = _decide(org, django_capture_on_commit_callbacks)
    stored = MemoArchive.objects.get(memo=memo)
    assert not stored.signed and stored.certificate in (b"", memoryview(b""))
    assert signing.check_signatures(archive.memo_pdf_bytes(memo), []) == []
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert "จัดเก็บโดยไม่มีลายมือชื่ออิเล็กทรอนิกส์" in page and stored.sha256 in page


def test_a_pdf_before_the_decision_is_rendered_once_per_version(org, client, monkeypatch) -> None:
    renders = []
    real = archive.documents.memo_pdf

    def counting(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(archive.documents, "memo_pdf", counting)
    memo = make_memo(org)
    client.force_login(org["author"])
    assert _download(client, memo) == _download(client, memo)
    assert len(renders) == 1
    services.memo_update(memo=fresh(memo), data={"body": "ข้อความใหม่"}, actor=org["author"])
    changed = _download(client, memo)
    assert len(renders) == 2 and "ข้อความใหม่" in extract.pdftotext(changed)


def test_every_page_carries_the_verification_code(org) -> None:
    memo = make_memo(org, body="\n\n".join(["ย่อหน้ายาว " * 60] * 6))
    pdf = archive.memo_pdf_bytes(fresh(memo))
    pages = extract.pdftotext(pdf).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for text in pages:
        assert memo.verify_code in text and "รหัสตรวจสอบ" in text


def test_a_signed_memo_changed_in_the_database_keeps_its_signatures_and_says_so(
    org, client
) -> None:
    memo = bring_to(org, "clerk")  # signed by the head and the deputy
    Memo.objects.filter(pk=memo.pk).update(body="ข้อความที่ถูกแก้ในฐานข้อมูล")
    memo = fresh(memo)
    text = extract.pdftotext(archive.memo_pdf_bytes(memo), "-raw")
    assert "แก้ไขหลังลงนาม" in text
    assert "ชื่อhead ทดสอบ" in text and "ชื่อdeputy ทดสอบ" in text  # the blocks still print
    client.force_login(org["member"])
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert "แก้ไขหลังลงนาม" in page


def test_editing_a_decided_memo_is_reported_and_the_stored_file_stays(
    org, certified, client, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    before = archive.memo_pdf_bytes(memo)
    Memo.objects.filter(pk=memo.pk).update(body="ข้อความที่ถูกแก้หลังวินิจฉัย")
    memo = fresh(memo)
    client.force_login(org["member"])
    assert "แก้ไขหลังลงนาม" in client.get(f"/memos/{memo.pk}/").content.decode()
    assert _download(client, memo) == before  # the document of record does not follow the edit
    client.logout()
    page = client.get(f"/verify/?code={memo.verify_code}").content.decode()
    assert "แก้ไขหลังลงนาม" in page and memo.subject in page
    untouched = bring_to(org, "decided")
    page = client.get(f"/verify/?code={untouched.verify_code}").content.decode()
    assert "แก้ไขหลังลงนาม" not in page


def test_verify_by_code_says_which_memo_and_who_signed_without_its_body(
    org, certified, client, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    response = client.get("/verify/", {"code": memo.verify_code.lower().replace("-", " ")})
    assert response.status_code == 200
    page = response.content.decode()
    assert memo.subject in page and memo.number in page
    assert org.organisation.name in page
    for key in ("head", "deputy", "clerk", "mayor"):
        assert f"ชื่อ{key} ทดสอบ" in page
    assert "อนุมัติ" in page and MemoArchive.objects.get(memo=memo).sha256 in page
    assert "ย่อหน้าที่สอง" not in page and "เห็นควรอนุมัติ" not in page  # body and comments
    assert "ไม่พบบันทึกข้อความที่มีรหัสตรวจสอบนี้" in client.get("/verify/?code=ZZZZZ-ZZZZZ").content.decode()


def test_verify_says_nothing_of_a_draft_but_that_it_is_one(org, client) -> None:
    memo = make_memo(org, subject="เรื่องลับที่ยังไม่ส่ง")
    page = client.get(f"/verify/?code={memo.verify_code}").content.decode()
    assert "ร่างที่ยังไม่ได้ส่ง" in page and "เรื่องลับที่ยังไม่ส่ง" not in page


def _verify_file(client, data: bytes, name: str = "memo.pdf") -> str:
    response = client.post("/verify/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    return response.content.decode()


def test_verify_by_file_tells_the_decided_file_from_a_changed_or_foreign_one(
    org, certified, client, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    pdf = archive.memo_pdf_bytes(memo)

    page = _verify_file(client, pdf)
    assert "ตรงกับบันทึกข้อความที่วินิจฉัยแล้วทุกไบต์" in page
    assert "ตรวจสอบผ่าน" in page and memo.subject in page

    # One byte changed inside the signed range (the producer's name, which the signing update
    # writes as pyHanko's in the Info and the XMP alike): same memo, not the file.
    at = pdf.index(b"pyHanko")
    changed = pdf[:at] + b"pyHankO" + pdf[at + len(b"pyHanko") :]
    page = _verify_file(client, changed)
    assert "ไม่ใช่ไฟล์ที่วินิจฉัย" in page and memo.subject in page
    assert "ตรวจสอบไม่ผ่าน" in page

    from weasyprint import HTML

    foreign = HTML(string="<p>Another document ABCDE-FGHJK</p>").write_pdf()
    page = _verify_file(client, foreign)
    assert "ไม่พบบันทึกข้อความของระบบนี้ที่ตรงกับไฟล์นี้" in page and memo.subject not in page

    page = _verify_file(client, b"not a pdf at all", "x.pdf")
    assert "ไม่ใช่ไฟล์ PDF ที่อ่านได้" in page


def test_verify_a_copy_of_an_undecided_memo_by_its_file(org, client) -> None:
    memo = bring_to(org, "deputy")
    page = _verify_file(client, archive.memo_pdf_bytes(fresh(memo)))
    assert memo.subject in page and "ยังไม่ได้วินิจฉัย" in page


def test_a_stored_file_changed_on_disk_is_never_served(
    org, certified, client, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    stored = MemoArchive.objects.get(memo=memo)
    with open(stored.file.path, "ab") as file:
        file.write(b"%tampered")
    client.force_login(org["member"])
    response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 503
    assert MemoArchive.objects.get(memo=memo).sha256 == stored.sha256


def test_a_memo_not_yet_decided_is_not_stored(org, tmp_media) -> None:
    memo = bring_to(org, "mayor")
    assert archive.memo_archive(memo.pk) is None
    assert archive.memo_archive(987654) is None
    assert not MemoArchive.objects.exists()
    assert not list(tmp_media.rglob("*.pdf"))


def test_signoff_hashes_cover_the_stored_content(
    org, certified, django_capture_on_commit_callbacks
) -> None:
    memo = _decide(org, django_capture_on_commit_callbacks)
    stored = MemoArchive.objects.get(memo=memo)
    hashes = set(SignOff.objects.filter(memo=memo).values_list("content_hash", flat=True))
    assert hashes == {stored.content_hash} == {memo.content_hash()}
    assert memo.state == State.DECIDED


def test_verify_limits_files_per_minute_and_says_so(client, settings) -> None:
    from django.core.cache import cache

    settings.VERIFY_FILES_PER_MINUTE = 5
    cache.clear()
    for _ in range(settings.VERIFY_FILES_PER_MINUTE):
        assert (
            client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", b"x")}).status_code == 200
        )
    response = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", b"x")})
    assert response.status_code == 429 and "ลองใหม่ในอีก" in response.content.decode()
    assert client.get("/verify/?code=ZZZZZ-ZZZZZ").status_code == 200  # codes are not limited
    cache.clear()


def test_a_forged_forwarded_address_does_not_escape_the_limit(client, settings) -> None:
    """Without a proxy in front (PROXY_COUNT 0), X-Forwarded-For is the client's own words."""
    from django.core.cache import cache

    settings.PROXY_COUNT = 0
    settings.VERIFY_FILES_PER_MINUTE = 5
    cache.clear()
    for n in range(settings.VERIFY_FILES_PER_MINUTE):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"}
        upload = {"file": SimpleUploadedFile("x.pdf", b"x")}
        assert client.post("/verify/", upload, **forged).status_code == 200
    upload = {"file": SimpleUploadedFile("x.pdf", b"x")}
    response = client.post("/verify/", upload, HTTP_X_FORWARDED_FOR="203.0.113.250")
    assert response.status_code == 429
    cache.clear()


def test_signing_and_checking_work_inside_a_running_event_loop() -> None:
    """An ASGI server or a browser test's driver runs a loop in the thread that signs."""
    import asyncio

    from weasyprint import HTML

    credentials = signing.make_test_credentials("ทดสอบ")
    pdf = HTML(string="<p>x</p>").write_pdf()

    async def inside() -> list[signing.SignatureCheck]:
        return signing.check_signatures(signing.sign_pdf(pdf, credentials), [credentials.der()])

    (check,) = asyncio.run(inside())
    assert check.ok
