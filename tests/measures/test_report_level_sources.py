"""The printed report (frozen into the memo and published with it) and the province overview
never show a level or a pass/fail without where it came from: the NACC's table, or computed from
the year's confirmed method (the demo's 2563: its table published scores only), or none (a year
without a method: only the score).
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ita.documents import render
from ita.documents.templatetags.pdf_tags import thai_score
from ita.results.models import Assessment
from measures.documents import report_doc

pytestmark = pytest.mark.django_db

PHUKET = Path(__file__).parent.parent / "imports" / "data" / "itas_phuket_2561.txt"
COMPUTED = "(คำนวณ)"
NOT_PUBLISHED_NOTE = "ป.ป.ช. ไม่ได้ประกาศ"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _summary(html: str) -> str:
    return _text(re.search(r'<table class="summary">(.*?)</table>', html, re.S).group(1))


def _annex_rows(html: str) -> list[str]:
    annex = re.search(r'<table class="grid results">(.*?)</table>', html, re.S).group(1)
    return [_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", annex, re.S)[1:]]


def test_a_computed_level_prints_as_computed_in_the_report_and_its_annex(demo) -> None:
    home = Assessment.objects.select_related("year").get(organisation=demo.home, year__year=2563)
    assert home.level and home.level_source == "computed"  # the demo's 2563: scores published
    html = render.report_part_html(report_doc(assessment=home))
    summary = _summary(html)
    assert f"{home.level} {COMPUTED}" in summary
    assert summary.count(COMPUTED) == 2  # the level and the pass/fail
    rows = _annex_rows(html)
    computed = Assessment.objects.filter(
        year=home.year, organisation__district__province=demo.home.district.province
    ).exclude(level="")
    assert computed.exists() and not computed.exclude(level_source="computed").exists()
    assert all(COMPUTED in row for row in rows if re.search(r"\b(AA|A|B|C|D|E|F)\b", row))
    assert NOT_PUBLISHED_NOTE in _text(html)


def test_a_published_level_prints_as_published(demo) -> None:
    home = Assessment.objects.select_related("year").get(organisation=demo.home, year__year=2564)
    assert home.level_source == "published"
    html = render.report_part_html(report_doc(assessment=home))
    assert home.level in _summary(html) and COMPUTED not in html
    assert NOT_PUBLISHED_NOTE not in _text(html)


def test_a_year_without_a_method_prints_no_level_and_says_why(demo) -> None:
    call_command(
        "import_scores", str(PHUKET), "--year", "2561", "--create-missing", stdout=StringIO()
    )
    assessment = Assessment.objects.get(organisation__name="เทศบาลนครภูเก็ต", year__year=2561)
    html = render.report_part_html(report_doc(assessment=assessment))
    summary = _summary(html)
    assert "ผ่าน" not in summary and "–" in summary
    assert "ไม่ได้ประกาศระดับ" in _text(html)
    # No pass mark of a method nobody confirmed: the report says there is none.
    mark = thai_score(assessment.year.pass_mark)
    assert f"เปรียบเทียบกับเกณฑ์ {mark}" not in summary and "เปรียบเทียบกับเกณฑ์" in summary
    assert f"เกณฑ์ผ่าน {mark} คะแนน" not in _text(html)
    assert "ยังไม่มีการยืนยันวิธีการประเมินของปี ๒๕๖๑" in _text(html)


def test_the_overview_says_which_levels_were_computed(demo) -> None:
    province = demo.home.district.province
    url = reverse("province_overview", args=[2563, province.pk])
    page = Client().get(url, {"highlight": demo.home.pk}).content.decode()
    standing = _text(re.search(r'<section class="standing".*?</section>', page, re.S).group(0))
    home = Assessment.objects.get(organisation=demo.home, year__year=2563)
    assert f"({home.level} {COMPUTED})" in standing or f"{home.level} {COMPUTED}" in standing
    assert NOT_PUBLISHED_NOTE in _text(page)
    # The downloads carry each row's source, as the results table's do.
    csv = Client().get(
        url, {"highlight": demo.home.pk, "download": "province-ranking", "format": "csv"}
    )
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    header = body.decode("utf-8-sig").splitlines()[0]
    assert "ที่มาของระดับ" in header and "ที่มาของผลเทียบเกณฑ์" in header, header
    assert "คำนวณจากวิธีการประเมินที่ยืนยันแล้ว" in body.decode("utf-8-sig")
