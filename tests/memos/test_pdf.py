"""The demo memo's official PDF, downloaded through the view after the real sign-off chain.

The demo (legal's draft with the ITA report of 2564) is sent and approved by the head of the
clerk's office, the deputy clerk, the clerk and the mayor through ``memos.services``; the PDF is
downloaded from the memo page and read back with poppler's tools, as a user's tools read it.
Rendering takes a second or two, so each state is rendered once per module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from ita.demo import memos as demo_memos
from ita.documents.data import MemoDoc, ReportDoc
from ita.lib import thai
from memos import documents, services
from memos.models import Memo
from tests import factories, readers
from tests.pdf import extract

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

# The demo's people in chain order: (username, heading, name, position, comment).
CHAIN = [
    (
        "head",
        "ความเห็นหัวหน้าสำนักปลัด",
        "นางศิริยศ บิลดาวูด",
        "หัวหน้าสำนักปลัด",
        "เห็นควรเสนอปลัดเพื่อโปรดพิจารณา",
    ),
    (
        "deputy",
        "ความเห็นรองปลัด อบต.",
        "นายธีรศักดิ์ ศรีโกศา",
        "รองปลัดองค์การบริหารส่วนตำบลสุโสะ",
        "ทราบ เห็นควรนำเสนอนายกเพื่อโปรดทราบ",
    ),
    (
        "clerk",
        "ความเห็นปลัด อบต.",
        "นายเด่นทยา วุ่นแก้ว",
        "ปลัดองค์การบริหารส่วนตำบลสุโสะ",
        "เห็นควรอนุมัติ ให้ดำเนินการตามมาตรการ ๒ ข้อ",
    ),
    (
        "mayor",
        "ความเห็นนายก อบต.",
        "นายสมคิด ร่องเดช",
        "นายกองค์การบริหารส่วนตำบลสุโสะ",
        "ให้ดำเนินการตามเสนอ",
    ),
]
HOSTILE = (
    'ดูไฟล์ <img src="file:///etc/passwd"> และ <script>alert("x")</script> จบ\n\n'
    "ตามข้อ O17 E-Service ของปี 2564"
)


@dataclass
class Downloaded:
    memo_id: int
    pdf: bytes
    response_headers: dict[str, str]
    doc: MemoDoc
    report: ReportDoc | None
    command_pdf: bytes = b""

    @property
    def raw(self) -> str:
        return extract.pdftotext(self.pdf, "-raw")


def _demo_memo() -> Memo:
    """The seed's memo written again as a draft (the demo's own was decided in 2564), and the
    same memo at each later call."""
    memo = (
        Memo.objects.select_related("organisation", "report_year")
        .filter(author__username="legal", report_year__year=2564)
        .exclude(pk=factories.decided_2564().pk)
        .order_by("pk")
        .last()
    )
    return memo or _demo_memo_written()


def _demo_memo_written() -> Memo:
    demo_memos.seed_draft()
    return _demo_memo()


def _download(client: Client, memo: Memo) -> Downloaded:
    response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 200
    memo = _demo_memo()
    return Downloaded(
        memo_id=memo.pk,
        pdf=b"".join(response.streaming_content),
        response_headers=dict(response.headers),
        doc=documents.memo_doc(memo),
        report=documents.memo_report(memo),
    )


def _through_the_chain(users: dict, upto: int) -> None:
    memo = _demo_memo()
    services.memo_send(memo=memo, actor=users["legal"])
    for username, _heading, _name, _position, comment in CHAIN[:upto]:
        memo = _demo_memo()
        outcome = Memo.Outcome.APPROVED if username == "mayor" else ""
        services.memo_approve(memo=memo, actor=users[username], comment=comment, outcome=outcome)


@pytest.fixture(scope="module")
def rendered(demo_snapshot, django_db_blocker, tmp_path_factory) -> dict[str, Downloaded]:
    """The demo memo as a draft, at the deputy clerk's step, and decided (then rolled back)."""
    out: dict[str, Downloaded] = {}
    media = tmp_path_factory.mktemp("media")  # the decided memo's stored PDF goes here
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=media):
        demo = demo_snapshot.restore()
        client = Client()
        client.force_login(demo.users["mayor"])  # a member who is not the author may download
        out["draft"] = _download(client, _demo_memo())
        _through_the_chain(demo.users, upto=1)
        out["at_deputy"] = _download(client, _demo_memo())
        _through_the_chain_rest(demo.users)
        decided = _download(client, _demo_memo())
        target = tmp_path_factory.mktemp("render") / "out.pdf"
        call_command("render_memo", str(decided.memo_id), "-o", str(target))
        decided.command_pdf = target.read_bytes()
        out["decided"] = decided
        transaction.set_rollback(True)
    return out


def _through_the_chain_rest(users: dict) -> None:
    for username, _heading, _name, _position, comment in CHAIN[1:]:
        memo = _demo_memo()
        outcome = Memo.Outcome.APPROVED if username == "mayor" else ""
        services.memo_approve(memo=memo, actor=users[username], comment=comment, outcome=outcome)


def _in_order(text: str, needles: list[str]) -> None:
    """Each needle found after the previous one (lines joined: long values wrap)."""
    text = text.replace("\n", "")
    start = 0
    for needle in needles:
        found = text.find(needle, start)
        assert found >= 0, f"{needle!r} missing after …{text[max(0, start - 60) : start]!r}"
        start = found + len(needle)


def _today() -> str:
    return thai.date_th(timezone.localdate(), digits=True)


def test_the_download_is_a_pdf_attachment_named_after_its_number(rendered) -> None:
    decided = rendered["decided"]
    year = thai.fiscal_year_be(timezone.localdate())
    assert decided.response_headers["Content-Type"] == "application/pdf"
    assert decided.response_headers["Content-Disposition"] == (
        f'attachment; filename="memo-{year}-1.pdf"'
    )
    assert decided.pdf.startswith(b"%PDF-")
    draft = rendered["draft"]
    assert draft.response_headers["Content-Disposition"] == (
        f'attachment; filename="memo-{draft.memo_id}.pdf"'
    )


def test_the_decided_memo_prints_its_fields_in_the_regulations_order(rendered) -> None:
    _in_order(
        rendered["decided"].raw,
        [
            "บันทึกข้อความ",
            "ส่วนราชการ",
            "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ",
            "โทร. ๐๗๕-๒๘๙๖๘๙",
            "ที่",
            "ตง ๗๘๒๐๑/๑",
            "วันที่",
            "๒๕ สิงหาคม ๒๕๖๔",
            "เรื่อง",
            "รายงานผลการประเมินคุณธรรมและความโปร่งใส",
            "เรียน",
            "นายกองค์การบริหารส่วนตำบลสุโสะ",
            "ตามที่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ",
            "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
            # Sent through the system: the typed name is the author's signature.
            "ลงชื่อ นายณัชพล รังสิปการ",
            "(นายณัชพล รังสิปการ)",
            "นิติกรปฏิบัติการ",
        ],
    )


def test_the_executives_sign_in_chain_order_with_their_comments_and_dates(rendered) -> None:
    needles = ["(นายณัชพล รังสิปการ)"]
    for username, heading, name, position, comment in CHAIN:
        needles += [heading]
        if username == "mayor":
            needles += ["อนุมัติ"]  # the decision, printed before the comment
        needles += [comment, f"ลงชื่อ {name}", f"({name})", position, f"วันที่ {_today()}"]
    _in_order(rendered["decided"].raw, needles)


def test_every_number_and_date_is_in_thai_digits(rendered) -> None:
    text = rendered["decided"].raw
    # The footer's verification code and address are identifiers: they keep Arabic digits.
    text = re.sub(r"รหัสตรวจสอบ \S+ ตรวจสอบได้ที่ \S+", "", text)
    # Latin words of the subject and body carry no digits: every digit printed is Thai.
    assert re.findall(r"[0-9]", text) == []
    assert "ตง ๗๘๒๐๑/๑" in text
    assert "๒๕ สิงหาคม ๒๕๖๔" in text


def test_the_font_is_embedded(rendered) -> None:
    fonts = extract.pdffonts(rendered["decided"].pdf)
    assert {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in fonts} == {
        "ITA-Laksaman",
        "ITA-Laksaman-Bold",
    }
    assert {(f["emb"], f["sub"], f["uni"]) for f in fonts} == {("yes", "yes", "yes")}


def test_the_page_count_is_the_memo_and_the_report(rendered) -> None:
    decided = rendered["decided"]
    # Two memo pages (the body and author, then the four blocks), then the report's nine: its
    # cover, three pages of results (a row moves whole), the measures from the last of them on
    # two more (a long measure breaks, its headers repeated), the annex on three.
    assert extract.pdfinfo_pages(decided.pdf) == 11
    # The draft, its four blank blocks two by two, takes two memo pages too.
    assert extract.pdfinfo_pages(rendered["draft"].pdf) == 11
    text = decided.raw
    assert text.index("นายสมคิด ร่องเดช") < text.index("รายงานผลการประเมินคุณธรรม", 2000)


def test_every_thai_word_of_the_demo_memo_and_its_report_extracts_exactly(rendered) -> None:
    decided = rendered["decided"]
    words = extract.thai_words(extract.document_texts(decided.doc, decided.report))
    share = extract.word_share(words, decided.raw)
    print(f"decided demo memo + report, pdftotext -raw: {share.exact}/{share.total} Thai words")
    assert share.missing == ()
    assert share.total > 300
    # pdftotext's default layout mode reads narrow wrapped table cells side by side, and so the
    # comment blocks printed two by two: a comment wrapped in its half of the page reads across
    # into its neighbour's line. The rest of the memo reads back whole.
    layout = extract.word_share(words, extract.pdftotext(decided.pdf))
    memo_words = extract.thai_words(extract.document_texts(decided.doc))
    memo_layout = extract.word_share(memo_words, extract.pdftotext(decided.pdf))
    print(
        f"layout mode: {layout.exact}/{layout.total}; the memo alone {memo_layout.exact}/{memo_layout.total}"
    )
    comments = set(extract.thai_words(b.comment for b in decided.doc.steps))
    assert set(memo_layout.missing) <= comments
    assert layout.share > 0.97


def test_the_attached_report_is_the_memo_years_with_its_measures(rendered) -> None:
    report = rendered["decided"].report
    assert (report.organisation, report.year) == ("องค์การบริหารส่วนตำบลสุโสะ", 2564)
    assert (report.author_name, report.author_position) == ("นายณัชพล รังสิปการ", "นิติกรปฏิบัติการ")
    assert len(report.measures) >= 2
    _in_order(
        rendered["decided"].raw,
        [
            "ประจำปีงบประมาณ พ.ศ. ๒๕๖๔",
            "การปฏิบัติหน้าที่",
            report.measures[0].title,
            "องค์การบริหารส่วนตำบลสุโสะ",
        ],
    )


def test_the_draft_prints_every_step_blank_to_sign_by_hand(rendered) -> None:
    draft = rendered["draft"]
    text = draft.raw
    assert "ตง ๗๘๒๐๑/-" in text  # no number before the register gives one
    # Not yet sent: the author signs by hand too.
    assert re.search(r"ลงชื่อ\s*\(นายณัชพล รังสิปการ\)", text)
    for _username, heading, name, position, _comment in CHAIN:
        block = text[text.index(heading) :]
        # A long position wraps in its half of the page: read without the line breaks.
        flat = re.sub(r"\s+", "", block)
        assert flat.startswith(re.sub(r"\s+", "", f"{heading}ลงชื่อ({name}){position}วันที่")), flat
    assert [s.pending for s in draft.doc.steps] == [True] * 4


def test_at_the_deputys_step_the_head_has_signed_and_the_rest_are_blank(rendered) -> None:
    text = rendered["at_deputy"].raw
    _username, heading, name, position, comment = CHAIN[0]
    _in_order(text, [heading, comment, f"ลงชื่อ {name}", f"({name})", f"วันที่ {_today()}"])
    for _username, heading, name, position, _comment in CHAIN[1:]:
        block = text[text.index(heading) :]
        # A long position wraps in its half of the page: read without the line breaks.
        flat = re.sub(r"\s+", "", block)
        assert flat.startswith(re.sub(r"\s+", "", f"{heading}ลงชื่อ({name}){position}วันที่")), flat


def test_render_memo_writes_the_same_document_as_the_download(rendered) -> None:
    decided = rendered["decided"]
    assert decided.command_pdf == decided.pdf


def test_render_memo_refuses_an_unknown_memo(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no memo 987654"):
        call_command("render_memo", "987654", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_render_memo_refuses_a_path_it_cannot_write(demo, tmp_path: Path) -> None:
    memo = _demo_memo()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("render_memo", str(memo.pk), "-o", str(tmp_path / "missing" / "x.pdf"))
    with pytest.raises(CommandError, match="is a directory"):
        call_command("render_memo", str(memo.pk), "-o", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_render_memo_exits_non_zero_with_a_message(demo, tmp_path: Path, capsys) -> None:
    from memos.management.commands.render_memo import Command

    argv = ["manage.py", "render_memo", "987654", "-o", str(tmp_path / "x.pdf")]
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(argv)
    assert exit_.value.code == 1
    assert "There is no memo 987654." in capsys.readouterr().err


def test_html_typed_into_the_memo_prints_as_text_and_identifiers_keep_their_digits(
    demo,
    client,
) -> None:
    memo = _demo_memo()
    services.memo_update(memo=memo, data={"body": HOSTILE}, actor=demo.users["legal"])
    client.force_login(demo.users["legal"])
    response = client.get(f"/memos/{memo.pk}/pdf/")
    pdf = b"".join(response.streaming_content)
    flat = " ".join(extract.pdftotext(pdf, "-raw").split())
    assert '<img src="file:///etc/passwd">' in flat
    assert '<script>alert("x")</script>' in flat
    assert "root:" not in flat
    assert extract.pdfimages_count(pdf) == 0
    # The OIT item code is an identifier (Arabic digits); the year is a number (Thai digits).
    assert "ตามข้อ O17 E-Service ของปี ๒๕๖๔" in flat


def test_an_outsider_gets_404_and_a_visitor_is_sent_to_log_in(demo, client) -> None:
    memo = _demo_memo()
    url = f"/memos/{memo.pk}/pdf/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(demo.users["outsider"])
    assert client.get(url).status_code == 404
    assert client.get("/memos/987654/pdf/").status_code == 404
    client.force_login(demo.users["legal"])
    assert client.post(url).status_code == 405


def test_the_memo_page_links_to_the_pdf(demo, client) -> None:
    memo = _demo_memo()
    client.force_login(demo.users["head"])
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert f'href="/memos/{memo.pk}/pdf/"' in page


def test_a_withdrawn_memo_prints_withdrawn_and_the_day_on_its_first_page(demo, client) -> None:
    memo = _demo_memo()
    services.memo_send(memo=memo, actor=demo.users["legal"])
    memo = services.memo_withdraw(memo=Memo.objects.get(pk=memo.pk), actor=demo.users["legal"])
    client.force_login(demo.users["legal"])
    response = client.get(f"/memos/{memo.pk}/pdf/")
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    first = " ".join(extract.pdftotext(pdf, "-raw", "-f", "1", "-l", "1").split())
    day = thai.date_th(timezone.localdate(), digits=True)
    assert f"ถอนเรื่องแล้ว เมื่อวันที่ {day} โดยผู้เสนอ ไม่ต้องพิจารณาสั่งการ" in first
    # The mark comes before the number it keeps, right under the title.
    assert first.index("บันทึกข้อความ") < first.index("ถอนเรื่องแล้ว") < first.index("ที่ ตง")
    second = extract.pdftotext(pdf, "-raw", "-f", "2", "-l", "2")
    assert "ถอนเรื่องแล้ว" not in second


def test_a_memo_still_in_the_chain_prints_no_withdrawn_mark(rendered) -> None:
    for state in ("draft", "decided"):
        assert "ถอนเรื่องแล้ว" not in rendered[state].raw
        assert rendered[state].doc.withdrawn_on is None


@pytest.mark.engine_free
def test_every_reader_gives_back_the_decided_memo_as_typed(rendered) -> None:
    """Decided by the five demo users: PDFium, pdf.js, MuPDF, poppler and pdfminer.six alike."""
    decided = rendered["decided"]
    memo_words = extract.thai_words(extract.document_texts(decided.doc))
    words = extract.thai_words(extract.document_texts(decided.doc, decided.report))
    for name, read in readers.ENGINES.items():
        text = read(decided.pdf)
        memo, whole = extract.word_share(memo_words, text), extract.word_share(words, text)
        print(
            f"{name}: memo {memo.exact}/{memo.total}, with the report {whole.exact}/{whole.total}"
        )
        assert memo.share >= 0.97, (name, memo.missing)
        assert whole.share >= 0.97, (name, whole.missing)
        # Where it is printed: the unit line, the head of the clerk's office's heading.
        assert readers.joined(text).count("สำนักปลัด") >= 2, name
    for word in ("สำนักปลัด", "ผู้บริหาร", "บันทึกข้อความ", "ความเห็น"):
        assert readers.pdfium_search(decided.pdf, word) >= 1, word
