from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ita.results.models import Indicator
from measures.models import Finding
from measures.selectors import indicator_lines, lowest_indicators
from measures.services.findings import finding_create
from measures.services.progress import progress_add
from tests import factories
from tests.measures.helpers import home_assessment, make_measure, report_url

pytestmark = pytest.mark.django_db


def test_gain_per_point_comes_from_the_years_weights(demo) -> None:
    a = home_assessment(demo)
    lines = {line.indicator.number: line for line in indicator_lines(a.year, a.scores_by_number())}
    assert lines[4].gain_per_point == D("0.06")
    assert lines[7].gain_per_point == D("0.10")
    assert lines[10].gain_per_point == D("0.20")
    # An OIT point is worth 20/6 of an IIT point.
    assert lines[10].gain_per_point / lines[4].gain_per_point == D(20) / D(6)
    assert lines[4].room == (D(100) - D("83.85")) * D("0.06")


def test_changing_a_years_weights_changes_the_gains(demo) -> None:
    year = factories.make_year(2566)
    Indicator.objects.filter(year=year, number=9).update(weight=D("0.25"))
    Indicator.objects.filter(year=year, number=10).update(weight=D("0.15"))
    year.refresh_from_db()
    lines = {line.indicator.number: line for line in indicator_lines(year, {})}
    assert lines[9].gain_per_point == D("0.25") and lines[10].gain_per_point == D("0.15")


def test_the_lowest_indicator_of_each_tool_is_flagged(demo) -> None:
    a = home_assessment(demo)
    assert [line.indicator.number for line in lowest_indicators(a)] == [4, 7, 10]


def test_ties_are_all_flagged_and_a_perfect_tool_has_none(demo) -> None:
    a = home_assessment(demo)
    scores = a.scores_by_number() | {1: D(90), 4: D(90), 9: D(100), 10: D(100)}
    flagged = [line.indicator.number for line in indicator_lines(a.year, scores) if line.lowest]
    assert flagged == [1, 4, 7]


def test_the_report_page_shows_scores_gains_findings_and_both_tables(client, demo) -> None:
    client.force_login(demo.users["legal"])
    html = client.get(report_url(demo)).content.decode()
    assert "83.85" in html and "0.06" in html and "0.20" in html
    assert html.count('class="lowest"') == 3
    assert "ม.ค.๖๔ – มี.ค.๖๔" in html and "ม.ค.๖๕ – มี.ค.๖๕" in html
    assert "แนวทางการใช้ทรัพย์สินของราชการ" in html
    assert 'data-check="period_ends_before_date"' in html


def test_the_report_checks_against_the_chosen_memo_date(client, demo) -> None:
    client.force_login(demo.users["legal"])
    html = client.get(report_url(demo) + "?on=1/12/2563").content.decode()
    assert 'data-check="period_ends_before_date"' not in html
    assert 'name="on" value="01/12/2563"' in html and 'type="date"' not in html
    html = client.get(report_url(demo) + "?on=not-a-date").content.decode()
    assert 'data-check="period_ends_before_date"' in html  # falls back to today
    assert "not-a-date" in html and 'role="alert"' in html


def _grow(assessment, n: int) -> None:
    indicator = Indicator.objects.get(year=assessment.year, number=6)
    item = assessment.year.oit_items.first()
    for k in range(n):
        f = finding_create(
            assessment=assessment, tool="EIT", indicator=indicator, text=f"ประเด็น {k}",
            oit_items=[item], actor=None,
        )  # fmt: skip
        m = make_measure(assessment, title=f"มาตรการ {k}", findings=[f], draft=k % 2 == 0)
        if not m.draft:
            progress_add(measure=m, note="คืบหน้า", actor=None)


@pytest.mark.parametrize("path", ["", "oit/"])
def test_report_pages_make_the_same_number_of_queries_at_two_sizes(client, demo, path: str) -> None:
    a = home_assessment(demo)
    client.force_login(demo.users["legal"])
    url = report_url(demo) + path
    _grow(a, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(a, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large)


def test_the_measures_list_and_home_page_make_constant_queries(client, demo) -> None:
    a = home_assessment(demo)
    client.force_login(demo.users["mayor"])
    counts = []
    for n in (1, 10):
        _grow(a, n)
        with CaptureQueriesContext(connection) as q1:
            client.get("/measures/")
        with CaptureQueriesContext(connection) as q2:
            client.get("/")
        counts.append((len(q1), len(q2)))
    assert counts[0] == counts[1]
    assert Finding.objects.filter(assessment=a).count() > 12


def test_the_report_links_each_measure_and_finding_to_what_it_names(client, demo) -> None:
    """The report reads links as pairs of ids (``report_contents``): each measure shows its own
    indicators in number order, OIT codes and steps; a finding lists the kept measures that
    answer it, and one answered only by a draft says it has none and is flagged."""
    a = home_assessment(demo)
    year_indicators = {i.number: i for i in a.year.indicators.all()}
    items = list(a.year.oit_items.order_by("number")[:2])
    answered = finding_create(
        assessment=a, tool="EIT", indicator=year_indicators[6], text="ประเด็นมีมาตรการ",
        oit_items=[items[1], items[0]], actor=None,
    )  # fmt: skip
    only_draft = finding_create(
        assessment=a, tool="EIT", indicator=None, text="ประเด็นมีแต่ร่าง", oit_items=[], actor=None
    )
    kept = make_measure(a, title="มาตรการที่เก็บไว้", findings=[answered])
    kept.indicators.set([year_indicators[9], year_indicators[2]])
    kept.oit_items.set(items)
    draft = make_measure(a, title="มาตรการร่าง", findings=[only_draft], draft=True)
    client.force_login(demo.users["legal"])
    html = client.get(report_url(demo)).content.decode()

    def block(start: str, end: str) -> str:
        i = html.index(start)
        return html[i : html.index(end, i)]

    row = block(f'<tr id="measure-{kept.pk}">', "</tr>")
    assert row.index(f"2. {year_indicators[2].name}") < row.index(f"9. {year_indicators[9].name}")
    assert items[0].code in row and items[1].code in row
    assert f'href="/measures/{kept.pk}/"' in row and f'href="/measures/{kept.pk}/edit/"' in row
    assert row.index("ขั้นที่หนึ่ง") < row.index("ขั้นที่สอง")
    item = block(f'<li id="finding-{answered.pk}">', "</li>")
    assert "มาตรการที่เก็บไว้" in item and f'href="/measures/findings/{answered.pk}/edit/"' in item
    assert item.index(items[0].code) < item.index(items[1].code)
    lonely = block(f'<li id="finding-{only_draft.pk}">', "</li>")
    assert "มาตรการร่าง" not in lonely and 'class="fail"' in lonely
    assert f"?finding={only_draft.pk}" in block('id="checks"', "</section>")
    assert f"?finding={answered.pk}" not in block('id="checks"', "</section>")
    assert f'id="draft-{draft.pk}"' in html
