"""The province overview and the organisation's trends: figures, ranks, charts and downloads."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from xml.etree import ElementTree

import pytest
from django.test import Client
from openpyxl import load_workbook

from ita.demo import synthetic
from ita.demo.seed import seed_rows
from ita.organisations.models import Organisation, Province
from ita.results import insights, rules, services
from ita.results.models import Assessment, AssessmentYear
from ita.results.selectors import competition_ranks, year_table
from tests.factories import (
    make_assessment,
    make_district,
    make_organisation,
    make_province,
    make_year,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _scores(base: str) -> dict[int, D]:
    return {n: D(base) + n for n in range(1, 11)}


def _trang() -> tuple[AssessmentYear, Province]:
    year = AssessmentYear.objects.prefetch_related("indicators", "levels").get(year=2564)
    return year, Province.objects.get(name="ตรัง")


def test_the_summary_counts_the_seed_table(demo) -> None:
    year, trang = _trang()
    summary = insights.province_summary(year, trang)
    totals = [r.total for r in seed_rows()]
    assert (summary.assessed, summary.with_total) == (85, 85)
    assert summary.passed == sum(1 for t in totals if t >= 85) == 42
    assert summary.pass_rate == D("49.41")
    assert summary.mean == rules.round2(sum(totals) / len(totals))
    assert (summary.lowest, summary.highest) == (min(totals), max(totals))
    assert sum(b.count for b in summary.bins) == 85
    for b in summary.bins:
        assert b.count == sum(1 for t in totals if b.holds(t)), b


def test_the_top_band_holds_a_total_of_100_and_the_edges_fall_upwards(db) -> None:
    year = make_year(2564)
    province = make_province()
    district = make_district(province)
    for total in ("100.00", "95.00", "94.99", "85.00", "49.99"):
        make_assessment(make_organisation(district), year, total)
    bins = {b.label: b.count for b in insights.province_summary(year, province).bins}
    assert bins["95–100"] == 2 and bins["90–95"] == 1 and bins["85–90"] == 1 and bins["0–50"] == 1


def test_levels_come_in_the_years_order_with_unknown_levels_kept(demo) -> None:
    year, trang = _trang()
    Assessment.objects.filter(year=year, organisation__name__contains="ลิพัง").update(
        level="", level_source=""
    )
    counts = insights.level_counts(year, trang)
    assert [lv for lv, _ in counts][:7] == ["AA", "A", "B", "C", "D", "E", "F"]
    assert counts[-1][0] == "" and counts[-1][1] == 1
    assert sum(n for _, n in counts) == 85


def test_ranks_agree_with_the_province_table(demo) -> None:
    year, trang = _trang()
    expected = {r.organisation.pk: r.rank for r in year_table(year, trang)}
    rows = insights.ranked_rows(year, trang)
    assert {r.organisation_id: r.province_rank for r in rows} == expected
    by_district: dict[int, list] = {}
    for r in rows:
        by_district.setdefault(r.district_id, []).append(r)
    for group in by_district.values():
        ranks = competition_ranks(r.total for r in sorted(group, key=lambda r: -r.total))
        assert sorted(r.district_rank for r in group) == sorted(ranks)


def test_pass_rates_by_district_and_kind_add_up(demo) -> None:
    year, trang = _trang()
    districts = insights.pass_rates_by_district(year, trang)
    kinds = insights.pass_rates_by_kind(year, trang)
    for groups in (districts, kinds):
        assert sum(g.organisations for g in groups) == 85
        assert sum(g.passed for g in groups) == 42
    sao = next(g for g in kinds if g.key == "sao")
    passed = Assessment.objects.filter(year=year, organisation__kind="sao", passed=True).count()
    assert sao.passed == passed and sao.organisations == 60


def test_the_overview_highlights_the_chosen_organisation(demo, client: Client) -> None:
    _, trang = _trang()
    response = client.get(f"/results/2564/{trang.pk}/overview/?highlight={demo.home.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "อันดับที่ 12 จาก 85 ในจังหวัด" in html
    assert "อันดับที่ 2 จาก 12 ในอำเภอปะเหลียน" in html
    assert html.count('class="highlight"') >= 5  # band, level, district, kind, rankings
    assert f'<option value="{demo.home.pk}" selected>' in html


@pytest.mark.parametrize("value", ["abc", "-3", "99999999"])
def test_a_bad_or_foreign_highlight_is_reported_not_a_server_error(
    demo, client: Client, value: str
) -> None:
    _, trang = _trang()
    response = client.get(f"/results/2564/{trang.pk}/overview/?highlight={value}")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert 'class="highlight"' not in response.content.decode()


def test_every_chart_is_accessible_svg_with_its_table_one_click_away(demo, client: Client) -> None:
    _, trang = _trang()
    for url in (
        f"/results/2564/{trang.pk}/overview/?highlight={demo.home.pk}",
        f"/organisations/{demo.home.pk}/insights/",
    ):
        html = client.get(url).content.decode()
        assert "<script" not in html
        figures = html.count('<figure class="figure"')
        assert figures >= 3
        assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == figures
        assert html.count("<details>") == figures
        start = 0
        for _ in range(figures):
            start = html.index("<svg", start)
            end = html.index("</svg>", start) + len("</svg>")
            svg = ElementTree.fromstring(html[start:end])  # well-formed XML
            assert svg.get("role") == "img"
            title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
            assert title.text and desc.text
            assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
            assert svg.findall(f".//{SVG}text"), "values and labels are written as text"
            start = end


def test_downloads_give_the_tables_as_csv_and_xlsx(demo, client: Client) -> None:
    _, trang = _trang()
    url = f"/results/2564/{trang.pk}/overview/?highlight={demo.home.pk}"
    csv = client.get(url + "&download=district-ranking&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 13 and "องค์การบริหารส่วนตำบลสุโสะ" in lines[2] and "93.26" in lines[2]
    xlsx = client.get(url + "&download=districts&format=xlsx")
    assert 'filename="ita-2564-province-' in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "อำเภอ"
    palian = next(r for r in rows if r[0] == "ปะเหลียน")
    assert palian[1] == 12 and isinstance(palian[4], float)
    assert sum(r[1] for r in rows[1:]) == 85


def test_an_unknown_table_to_download_is_a_400(demo, client: Client) -> None:
    _, trang = _trang()
    response = client.get(f"/results/2564/{trang.pk}/overview/?download=nope")
    assert response.status_code == 400 and "nope" in response.content.decode()
    response = client.get(f"/results/2564/{trang.pk}/overview/?download=levels&format=pdf")
    assert response.status_code == 200  # an unknown format is ignored: the page is shown


def test_the_overview_of_an_empty_province_or_unknown_year_does_not_fail(
    db, client: Client
) -> None:
    make_year(2567)
    province = make_province()
    assert client.get(f"/results/2567/{province.pk}/overview/").status_code == 200
    assert client.get(f"/results/2599/{province.pk}/overview/").status_code == 404
    assert client.get(f"/results/2567/{province.pk + 99}/overview/").status_code == 404


def test_the_organisation_trends_follow_the_rules(db) -> None:
    y1, y2 = make_year(2566), make_year(2567)
    province = make_province()
    home_district, other_district = make_district(province), make_district(province)
    home = make_organisation(home_district)
    rivals = [make_organisation(other_district) for _ in range(3)]
    neighbour = make_organisation(home_district, kind=Organisation.Kind.TOWN)
    stranger = make_organisation(make_district(), kind=Organisation.Kind.SAO)
    totals = {
        y1: {
            home: "80.00",
            neighbour: "90.00",
            rivals[0]: "95.00",
            rivals[1]: "80.00",
            rivals[2]: "70.00",
        },
        y2: {
            home: "96.00",
            neighbour: "90.00",
            rivals[0]: "95.00",
            rivals[1]: "80.00",
            rivals[2]: None,
        },
    }
    for year, by_org in totals.items():
        for org, total in by_org.items():
            make_assessment(org, year, total)
    make_assessment(stranger, y2, "50.00")
    a = Assessment.objects.get(organisation=home, year=y2)
    services.assessment_set_scores(assessment=a, scores=_scores("85"), actor=None)
    services.assessment_set_scores(
        assessment=Assessment.objects.get(organisation=stranger, year=y2),
        scores=_scores("40"),
        actor=None,
    )

    results = insights.organisation_years(home)
    assert [r.year for r in results] == [2566, 2567]
    first, second = results
    # 2566: 95, 90, 80 (home, tied), 80, 70 → home 3rd of 5; in its district 2nd of 2.
    assert (
        first.province_rank,
        first.province_count,
        first.district_rank,
        first.district_count,
    ) == (3, 5, 2, 2)
    # 2567: 96 first of 4 ranked (one without a total); up 2 places, up 1 in the district.
    assert (second.province_rank, second.province_count) == (1, 4)
    assert (second.province_rank_change, second.district_rank_change) == (2, 1)
    expected_tools = rules.tool_scores(
        AssessmentYear.objects.get(pk=y2.pk).indicator_specs, _scores("85")
    )
    assert {k: rules.round2(v) for k, v in second.tools.items()} == {
        k: rules.round2(v) for k, v in expected_tools.items()
    }
    assert first.tools == {}
    assert second.province_mean == rules.round2(D(96 + 90 + 95 + 80) / 4)

    year = AssessmentYear.objects.prefetch_related("indicators").get(pk=y2.pk)
    profile = insights.indicator_profile(home, year)
    four = next(line for line in profile.indicators if line.number == 4)
    # Only home has indicator scores in its province, and two of its kind nationwide (home, 89,
    # and the stranger in another province, 44): no average of fewer than three is shown, but
    # each line says how many it would cover.
    assert four.own == D("89.00") and four.province is None and four.versus_province is None
    assert four.kind is None and (four.province_n, four.kind_n) == (1, 2)
    # Totals of its kind (อบต.) in 2567: 96, 95, 80 and the stranger's 50; the town is left out.
    assert profile.total.own == D("96.00") and profile.total.kind == D("80.25")
    assert profile.total.province == rules.round2(D(96 + 90 + 95 + 80) / 4)
    assert (profile.total.province_n, profile.total.kind_n) == (4, 4)
    assert profile.province_count == 1 and profile.kind_count == 2
    assert [t.tool for t in profile.tools] == ["IIT", "EIT", "OIT"]


def test_the_insights_page_shows_ranks_and_downloads(demo, client: Client) -> None:
    url = f"/organisations/{demo.home.pk}/insights/"
    html = client.get(url).content.decode()
    assert "อันดับที่ 12 จาก 85 ในจังหวัด" in html
    assert "93.26" in html and "96.67" in html  # total; IIT of the seed's scores
    ranks = client.get(url + "?download=ranks&format=csv").content.decode("utf-8-sig").splitlines()
    assert ranks[2].startswith("2564,93.26,12,85,")
    profile = client.get(url + "?download=profile&format=xlsx")
    sheet = load_workbook(io.BytesIO(profile.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[4][1] == pytest.approx(83.85)  # indicator 4
    assert client.get(url + "?year=2500").status_code == 200
    assert client.get(url + "?year=x").status_code == 200


def test_an_organisation_without_results_has_an_insights_page(db, client: Client) -> None:
    org = make_organisation()
    response = client.get(f"/organisations/{org.pk}/insights/")
    assert response.status_code == 200
    assert client.get(f"/organisations/{org.pk + 1}/insights/").status_code == 404


def test_the_province_results_table_downloads_as_xlsx(demo, client: Client) -> None:
    _, trang = _trang()
    response = client.get(f"/results/2564/{trang.pk}/?district=&passed=yes&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("rank", "organisation", "kind") and len(rows) == 43
    suso = next(r for r in rows if r[1] == "องค์การบริหารส่วนตำบลสุโสะ")
    assert suso[0] == 12 and suso[5] == 93.26 and suso[6] == 93.26 and suso[9] == 26.19
    assert (suso[8], suso[11]) == ("published", "published")  # where the level and pass came from
    page = client.get(f"/results/2564/{trang.pk}/").content.decode()
    assert f"/results/2564/{trang.pk}/overview/" in page and "format=xlsx" in page


def test_the_2567_labels_are_counted_in_the_years_order(db, client: Client) -> None:
    data = synthetic.build(organisations=60, provinces=1, districts=4, years=(2566, 2567), seed=7)
    province = data.provinces[0]
    year = AssessmentYear.objects.prefetch_related("levels").get(year=2567)
    counts = insights.level_counts(year, province)
    assert [lv for lv, _ in counts][:5] == [
        "ผ่านดีเยี่ยม",
        "ผ่านดี",
        "ผ่าน",
        "ต้องปรับปรุง",
        "ต้องปรับปรุงโดยด่วน",
    ]
    assert sum(n for _, n in counts) == Assessment.objects.filter(year=year).count()
    html = client.get(f"/results/2567/{province.pk}/overview/").content.decode()
    assert "ต้องปรับปรุงโดยด่วน" in html and "<svg" in html


def test_the_organisation_page_links_its_tables_as_downloads(demo, client: Client) -> None:
    html = client.get(f"/organisations/{demo.home.pk}/").content.decode()
    url = f"/organisations/{demo.home.pk}/insights/?year=2564&amp;download=profile&amp;format=xlsx"
    assert url in html
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200 and response.content[:2] == b"PK"  # a zip: XLSX


def test_no_average_of_fewer_than_three_and_each_says_how_many(demo, client: Client) -> None:
    # In the demo only สุโสะ has indicator scores: an "average" of them would be its own scores.
    url = f"/organisations/{demo.home.pk}/insights/"
    html = client.get(url).content.decode()
    assert "ไม่แสดงค่าเฉลี่ยที่มีหน่วยงานน้อยกว่า 3 แห่ง" in html
    rows = list(
        csv.reader(
            client.get(url + "?download=profile&format=csv")
            .content.decode("utf-8-sig")
            .splitlines()
        )
    )
    header, four = rows[0], next(r for r in rows if r[0].startswith("4."))
    assert header[2:6] == [
        "ค่าเฉลี่ยจังหวัด",
        "จำนวนหน่วยงานในค่าเฉลี่ยจังหวัด",
        "ค่าเฉลี่ยหน่วยงานประเภทเดียวกัน",
        "จำนวนหน่วยงานในค่าเฉลี่ยหน่วยงานประเภทเดียวกัน",
    ]
    assert four[1] == "83.85" and four[2:6] == ["", "1", "", "1"]
    total = rows[-1]
    assert total[2] != "" and int(total[3]) == 85  # the province's 85 published totals


def test_a_year_without_a_confirmed_method_gives_no_pass_mark_and_no_made_up_rate(
    db, client: Client
) -> None:
    """ITAS 2561 published scores only: no level, no pass/fail. The province's pages must not
    say "0 passed the pass mark of 85.00 (0%)" as if the NACC had judged them."""
    year = services.year_create(year=2561, actor=None, confirmed=False)
    province = make_province()
    district = make_district(province)
    for total in ("91.20", "84.10", "70.00"):
        make_assessment(make_organisation(district=district), year, total, level="", passed=None)
    summary = insights.province_summary(year, province)
    assert (summary.with_total, summary.passed, summary.judged) == (3, 0, 0)
    assert summary.pass_rate is None
    (group,) = insights.pass_rates_by_district(year, province)
    assert group.pass_rate is None
    mark = year.pass_mark
    for url in (
        f"/results/2561/{province.pk}/overview/",
        f"/results/2561/{province.pk}/",
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="th")
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f"ผ่านเกณฑ์ {mark:.2f}" not in page, url
        assert "ยังไม่ได้ยืนยันวิธีการประเมินของปี 2561" in page, url
    # Published pass/fail of some rows in a year without a method: the rate is of those judged.
    make_assessment(make_organisation(district=district), year, "88.00", level="", passed=True)
    summary = insights.province_summary(year, province)
    assert (summary.passed, summary.judged, summary.pass_rate) == (1, 1, D("100.00"))
