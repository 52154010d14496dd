"""The ITA report: cover, per-tool tables, measures, the province's table with our row marked."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ita.models import Assessment, AssessmentYear, Organisation
from ita.pdf import documents, engine, extract
from ita.pdf.context import report_doc
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report_only(demo_docs) -> tuple[str, engine.RenderResult]:  # noqa: ANN001
    _memo, report = demo_docs
    html = documents.report_html(report)
    return html, engine.render_document(html)


def _pages(pdf: bytes, count: int) -> list[str]:
    return [extract.pdftotext(pdf, "-raw", "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


def test_the_cover_names_the_year_the_organisation_and_the_author(report_only) -> None:  # noqa: ANN001
    _html, result = report_only
    cover = _pages(result.pdf, 1)[0].replace("\n", "")
    assert "รายงานผลการประเมินคุณธรรมและความโปร่งใส" in cover
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๔" in cover
    assert "ขององค์การบริหารส่วนตำบลสุโสะ" in cover
    assert "จัดทำโดยนายณัชพล รังสิปการนิติกรปฏิบัติการ" in cover


def test_each_tool_lists_its_indicators_scores_and_issues(report_only) -> None:  # noqa: ANN001
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


def test_the_annex_prints_the_whole_province_with_our_row_marked(report_only, demo_docs) -> None:  # noqa: ANN001
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


def test_table_headers_repeat_on_every_annex_page(report_only) -> None:  # noqa: ANN001
    _html, result = report_only
    annex_pages = [p for p in _pages(result.pdf, result.pages) if "องค์การบริหารส่วนตำบล" in p]
    annex_pages = [p for p in annex_pages if re.search(r"^[๐-๙]+ ", p, re.M)]
    assert len(annex_pages) >= 2
    for page in annex_pages:
        assert "หน่วยงาน อำเภอ คะแนน ๒๕๖๔" in " ".join(page.split())


def test_report_pages_are_numbered_in_thai_digits_after_the_cover(report_only) -> None:  # noqa: ANN001
    _html, result = report_only
    for number in range(2, result.pages + 1):
        words = re.findall(
            r'yMax="([\d.]+)"[^>]*>([^<]+)</word>',
            extract.pdftotext(result.pdf, "-bbox", "-f", str(number), "-l", str(number)),
        )
        lowest = max(words, key=lambda w: float(w[0]))[1]
        assert lowest == str(number - 1).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def test_building_the_report_takes_the_same_queries_for_a_bigger_province(db) -> None:  # noqa: ANN001
    demo = factories.load_demo()
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
