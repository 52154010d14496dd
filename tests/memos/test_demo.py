import pytest

from memos import services
from memos.models import Memo, State

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_seed_memo_as_legal_officers_draft(demo) -> None:  # noqa: ANN001
    memo = Memo.objects.get()
    assert memo.state == State.DRAFT and memo.author.username == "legal"
    assert memo.organisation == demo.home
    assert memo.unit_name == "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ"
    assert memo.addressee == "นายกองค์การบริหารส่วนตำบลสุโสะ"
    assert memo.subject.startswith("รายงานผลการประเมินคุณธรรมและความโปร่งใส")
    assert len(memo.paragraphs) == 3
    assert "๙๓.๒๖ คะแนน" in memo.paragraphs[1]
    assert "หน่วยงานภาครัฐทุกภาคส่วน" in memo.paragraphs[0]  # the scan's "หน่วยงานรัฐ" mended
    assert memo.paragraphs[2] == "จึงเรียนมาเพื่อโปรดทราบและพิจารณา"
    assert (memo.signature_name, memo.signature_position) == ("นายณัชพล รังสิปการ", "นิติกรปฏิบัติการ")
    assert memo.report_year == demo.year and memo.number == ""


def test_the_demo_memo_goes_through_the_seed_people(demo) -> None:  # noqa: ANN001
    users = demo.users
    memo = services.memo_send(memo=Memo.objects.get(), actor=users["legal"])
    assert memo.number_display.startswith("ตง ๗๘๒๐๑/")
    for role in ("head", "deputy", "clerk"):
        services.memo_approve(memo=Memo.objects.get(), actor=users[role], comment="เห็นชอบ")
    signoff = services.memo_approve(
        memo=Memo.objects.get(), actor=users["mayor"], outcome="approved"
    )
    assert signoff.signer_name == "นายสมคิด ร่องเดช"
    assert signoff.signer_position == "นายกองค์การบริหารส่วนตำบลสุโสะ"
    assert Memo.objects.get().state == State.DECIDED
