import datetime as dt

import pytest
from django.utils import timezone

from ita.demo import memos as demo_memos
from ita.documents import signing
from memos import archive, services
from memos.models import Memo, MemoArchive, SigningCertificate, State
from tests import factories
from tests.pdf import extract

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_seed_memo_as_it_went_in_2564(demo) -> None:
    memo = factories.decided_2564()
    assert memo.state == State.DECIDED and memo.author.username == "legal"
    assert memo.outcome == Memo.Outcome.APPROVED
    assert memo.organisation == demo.home
    assert memo.unit_name == "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ"
    assert memo.addressee == "นายกองค์การบริหารส่วนตำบลสุโสะ"
    assert memo.subject.startswith("รายงานผลการประเมินคุณธรรมและความโปร่งใส")
    assert len(memo.paragraphs) == 3
    assert "๙๓.๒๖ คะแนน" in memo.paragraphs[1]
    assert "หน่วยงานภาครัฐทุกภาคส่วน" in memo.paragraphs[0]  # the scan's "หน่วยงานรัฐ" mended
    assert memo.paragraphs[2] == "จึงเรียนมาเพื่อโปรดทราบและพิจารณา"
    assert (memo.signature_name, memo.signature_position) == ("นายณัชพล รังสิปการ", "นิติกรปฏิบัติการ")
    assert memo.report_year == demo.year and memo.report_sent
    assert (memo.register_year, memo.number) == (2564, "ตง 78201/1")
    assert memo.date == dt.date(2021, 8, 25)
    signoffs = list(memo.signoffs.order_by("signed_at"))
    assert [s.step for s in signoffs] == ["head", "deputy", "clerk", "mayor"]
    assert [s.signer.username for s in signoffs] == ["head", "deputy", "clerk", "mayor"]
    assert all(s.comment for s in signoffs)  # four comments
    assert all(timezone.localdate(s.signed_at).year == 2021 for s in signoffs)
    assert timezone.localdate(memo.decided_at) == dt.date(2021, 8, 31)
    assert {s.content_hash for s in signoffs} == {memo.content_hash()}


def test_beside_it_a_fresh_draft_for_the_current_year(demo) -> None:
    draft = Memo.objects.get(state=State.DRAFT)
    assert draft.author.username == "legal" and draft.round == 0 and draft.number == ""
    fiscal_year = timezone.localdate().year + 543 + (timezone.localdate().month >= 10)
    assert str(fiscal_year) in draft.subject.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))


def test_its_archival_pdf_is_signed_with_the_demo_certificate(tmp_media, demo) -> None:
    memo = factories.decided_2564()
    certificate = SigningCertificate.objects.get(organisation=demo.home)
    assert certificate.self_signed and "TEST ONLY" in certificate.subject
    pdf = archive.memo_pdf_bytes(memo)  # the download makes it when the commit did not
    stored = MemoArchive.objects.get(memo=memo)
    assert stored.signed and archive.memo_pdf_bytes(memo) == pdf
    (check,) = signing.check_signatures(pdf, [bytes(certificate.certificate)])
    assert check.ok
    text = " ".join(extract.pdftotext(pdf, "-raw").split())
    # The comments wrap in their blocks (two by two, as a paper memo): compare without spaces.
    joined = "".join(text.split())
    assert "เห็นควรเสนอปลัดเพื่อโปรดพิจารณา" in joined and "อนุมัติให้ดำเนินการตามเสนอ" in joined
    assert memo.verify_code in text


def test_the_seed_memo_goes_through_the_seed_people(demo) -> None:
    users = demo.users
    memo = services.memo_send(memo=demo_memos.seed_draft(), actor=users["legal"])
    assert memo.number_display.startswith("ตง ๗๘๒๐๑/")
    for role in ("head", "deputy", "clerk"):
        services.memo_approve(memo=Memo.objects.get(pk=memo.pk), actor=users[role], comment="ok")
    signoff = services.memo_approve(
        memo=Memo.objects.get(pk=memo.pk), actor=users["mayor"], outcome="approved"
    )
    assert signoff.signer_name == "นายสมคิด ร่องเดช"
    assert signoff.signer_position == "นายกองค์การบริหารส่วนตำบลสุโสะ"
    assert Memo.objects.get(pk=memo.pk).state == State.DECIDED
