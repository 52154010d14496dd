"""The ITA report: cover, per-tool tables, measures, the province's table with our row marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ita.documents import engine
from ita.documents import render as documents
from ita.organisations.models import Organisation
from ita.results.models import Assessment, AssessmentYear
from measures.documents import report_doc
from tests import factories
from tests.pdf import extract

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report_only(demo_docs) -> tuple[str, engine.RenderResult]:
    _memo, report = demo_docs
    html = documents.report_html(report)
    return html, engine.render_document(html)


def _pages(pdf: bytes, count: int) -> list[str]:
    return [extract.pdftotext(pdf, "-raw", "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


@pytest.mark.engine_free
def test_the_cover_names_the_year_the_organisation_and_the_author(report_only) -> None:
    _html, result = report_only
    cover = _pages(result.pdf, 1)[0].replace("\n", "")
    assert "รายงานผลการประเมินคุณธรรมและความโปร่งใส" in cover
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๔" in cover
    assert "ขององค์การบริหารส่วนตำบลสุโสะ" in cover
    assert "จัดทำโดยนายณัชพล รังสิปการนิติกรปฏิบัติการ" in cover


@pytest.mark.engine_free
def test_each_tool_lists_its_indicators_scores_and_issues(report_only) -> None:
    _html, result = report_only
    # Lines joined as they wrap (Thai breaks lines between words without a space).
    text = extract.pdftotext(result.pdf, "-raw").replace("\n", "")
    order = [
        "๑.๑ แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)",
        "๔. การใช้ทรัพย์สินของราชการ ๘๓.๘๕ คะแนน",
        "เพิ่มกลไกกำกับติดตามไม่ให้บุคลากรในหน่วยงานของท่าน",
        "๑.๒ แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)",
        "๗. ประสิทธิภาพการสื่อสาร ๘๕.๙๕ คะแนน",
        "๑.๓ แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)",
        "๑๐. การป้องกันการทุจริต ๙๒.๘๖ คะแนน",
        "๒. มาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "มาตรการ/แนวทาง",
        "วิธีการดำเนินการ",
        "ผู้รับผิดชอบ",
        "ระยะเวลาดำเนินการ",
        "การติดตามผล",
        "แนวทางการใช้ทรัพย์สินของราชการ",
        "ม.ค.๖๔",
        "มี.ค.๖๔",  # never split inside a month: มี.ค. / ๖๔
        "แนวทางการเปิดเผยข้อมูลและการบริการผ่านช่องทางออนไลน์",
        "ม.ค.๖๕",
        "ภาคผนวก",
    ]
    start = 0
    for needle in order:
        found = text.find(needle, start)
        assert found >= 0, needle
        start = found
    assert "มี.ค.๖๕" in text
    assert "คะแนน ๑๐๐ คะแนน" not in text  # a whole score prints as ๑๐๐, not ๑๐๐.๐๐
    assert "๑. การปฏิบัติหน้าที่ ๑๐๐ คะแนน" in text


@pytest.mark.engine_free
def test_the_annex_prints_the_whole_province_with_our_row_marked(report_only, demo_docs) -> None:
    html, result = report_only
    _memo, report = demo_docs
    text = extract.pdftotext(result.pdf, "-raw").replace("\n", "")
    assert len(report.annex) == 85
    for row in report.annex:
        assert row.name in text
    marked = re.findall(r'<tr class="home">(.*?)</tr>', html, re.S)
    assert len(marked) == 1
    assert "องค์การบริหารส่วนตำบลสุโสะ" in marked[0]
    assert "๙๓.๒๖" in marked[0]
    assert "องค์การบริหารส่วนตำบลอุยไธสง" not in text  # the scan's misspelling is not reprinted


@pytest.mark.engine_free
def test_table_headers_repeat_on_every_annex_page(report_only) -> None:
    _html, result = report_only
    annex_pages = [p for p in _pages(result.pdf, result.pages) if "องค์การบริหารส่วนตำบล" in p]
    annex_pages = [p for p in annex_pages if re.search(r"^[๐-๙]+ ", p, re.M)]
    assert len(annex_pages) >= 2
    for page in annex_pages:
        assert "หน่วยงาน อำเภอ คะแนน ๒๕๖๔" in " ".join(page.split())


@pytest.mark.engine_free
def test_report_pages_are_numbered_in_thai_digits_after_the_cover(report_only) -> None:
    _html, result = report_only
    for number in range(2, result.pages + 1):
        words = re.findall(
            r'yMax="([\d.]+)"[^>]*>([^<]+)</word>',
            extract.pdftotext(result.pdf, "-bbox", "-f", str(number), "-l", str(number)),
        )
        lowest = max(words, key=lambda w: float(w[0]))[1]
        assert lowest == str(number - 1).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def test_building_the_report_takes_the_same_queries_for_a_bigger_province(demo) -> None:
    home = Assessment.objects.get(organisation=demo.home, year__year=2564)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            report_doc(assessment=home)
        return len(queries)

    before = count()
    year = AssessmentYear.objects.get(year=2564)
    district = demo.home.district
    for n in range(30):
        org = factories.make_organisation(district=district, name=f"องค์การบริหารส่วนตำบลเพิ่ม{n}")
        factories.make_assessment(org, year, total=Decimal("80.00"))
    assert Organisation.objects.filter(district__province=district.province).count() == 115
    assert count() == before
    assert len(report_doc(assessment=home).annex) == 115


# A4 with the correspondence regulation's margins (document.css): the tables end 2 cm from
# the page's right edge, in PDF points.
PAGE_WIDTH = 595.28
RIGHT_EDGE = PAGE_WIDTH - 2 / 2.54 * 72


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def _words(pdf: bytes, page: int) -> list[Word]:
    found = re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
        extract.pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page)),
    )
    return [Word(t, float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def _annex_first_page(result: engine.RenderResult) -> int:
    for page in range(1, result.pages + 1):
        if any(w.text == "ภาคผนวก:" for w in _words(result.pdf, page)):
            return page
    raise AssertionError("no annex page")


@pytest.mark.engine_free
def test_the_annex_headers_wrap_between_words_inside_their_own_columns(report_only) -> None:
    _html, result = report_only
    words = _words(result.pdf, _annex_first_page(result))
    compare = [w for w in words if w.text == "เปรียบเทียบ"]
    assert len(compare) == 2  # whole words: never broken inside เปรียบเทียบ
    change_head, pass_head = sorted(compare, key=lambda w: w.x_min)
    (last_year,) = [w for w in words if w.text == "ปีที่ผ่านมา"]
    (criterion,) = [w for w in words if w.text == "กับเกณฑ์"]
    # Each header on two lines, its second line under its first, in its own column.
    assert last_year.y_min > change_head.y_min and criterion.y_min > pass_head.y_min
    change_column = (change_head, last_year)
    pass_column = (pass_head, criterion)
    assert max(w.x_max for w in change_column) < min(w.x_min for w in pass_column)
    assert max(w.x_max for w in pass_column) <= RIGHT_EDGE
    # The values stay in their columns too: signed changes left of the verdicts, the verdicts
    # inside the table's right edge.
    changes = [w for w in words if re.fullmatch(r"[+-][๐-๙]+\.[๐-๙]{2}", w.text)]
    verdicts = [w for w in words if w.text in ("ผ่าน", "ไม่ผ่าน") and w.y_min > criterion.y_max]
    assert len(changes) > 20 and len(verdicts) == len(changes)
    assert max(w.x_max for w in changes) < min(w.x_min for w in verdicts)
    assert max(w.x_max for w in changes) < min(w.x_min for w in pass_column)
    assert max(w.x_max for w in verdicts) <= RIGHT_EDGE


@pytest.mark.engine_free
def test_annex_rows_leave_room_for_thai_marks_above_and_below_the_line(report_only) -> None:
    """Laksaman's marks reach 1.27 em above the baseline and 0.37 em below it: a row is taller."""
    _html, result = report_only
    words = _words(result.pdf, _annex_first_page(result))
    numbers = sorted(
        (w for w in words if re.fullmatch(r"[๐-๙]+", w.text) and w.x_max < 120),
        key=lambda w: w.y_min,
    )
    pitches = [b.y_min - a.y_min for a, b in zip(numbers, numbers[1:], strict=False)]
    assert len(pitches) > 20
    font_size = 12  # .results in document.css
    assert min(pitches) >= (1.27 + 0.37) * font_size


@pytest.mark.engine_free
def test_measure_headers_wrap_only_between_words(report_only) -> None:
    _html, result = report_only
    headers = {"ผู้รับผิดชอบ", "ระยะเวลา", "ดำเนินการ", "การติดตาม", "วิธีการดำเนินการ"}
    for page in range(1, result.pages + 1):
        words = _words(result.pdf, page)
        top = [w for w in words if w.text == "มาตรการ/"]
        if top:
            # The header row: its two lines (the body's first line starts below them).
            texts = {w.text for w in words if top[0].y_min <= w.y_min < top[0].y_max + 10}
            assert headers <= texts, headers - texts
            assert not texts & {"ผู้", "รับผิดชอบ", "ระยะ", "เวลา", "การ", "ติดตาม"}
            break
    else:
        raise AssertionError("no measures table")


def test_a_computed_level_reads_as_computed_in_the_pdf(demo) -> None:
    """The demo's 2563 (a table of scores; levels computed from the confirmed method): the
    printed summary and annex say so, in the PDF's text layer."""
    home = Assessment.objects.get(organisation=demo.home, year__year=2563)
    assert home.level_source == "computed"
    result = engine.render_document(documents.report_html(report_doc(assessment=home)))
    text = " ".join(extract.pdftotext(result.pdf, "-raw").split())
    assert f"{home.level} (คำนวณ)" in text
    assert "(คำนวณ) ป.ป.ช. ไม่ได้ประกาศ" in text
