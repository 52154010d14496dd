import datetime as dt

import pytest

from ita.results.models import AssessmentYear
from measures.checks import Code, report_checks
from measures.models import Finding, Measure
from tests import factories
from tests.measures.helpers import home_assessment, make_measure

pytestmark = pytest.mark.django_db
MEMO_DATE = dt.date(2021, 8, 31)  # the seed memo: สิงหาคม ๒๕๖๔


def codes(checks: list) -> list[tuple[str, str, int]]:
    return [(c.code, c.object_type, c.object_id) for c in checks]


def test_the_seeds_first_table_ends_before_the_memo_and_the_second_does_not(demo) -> None:
    checks = report_checks(demo.home, 2564, MEMO_DATE)
    period = [c for c in checks if c.code == Code.PERIOD_ENDS_BEFORE_DATE]
    first_table = list(Measure.objects.filter(table=1).order_by("order"))
    assert [c.object_id for c in period] == [m.pk for m in first_table]
    assert "ม.ค.๖๔ – มี.ค.๖๔" in period[0].message
    assert period[0].fix_url == f"/measures/{first_table[0].pk}/edit/#id_end_month"
    second = Measure.objects.get(table=2)
    assert second.pk not in [c.object_id for c in checks]


def test_the_seeds_eit_finding_on_public_benefit_has_no_measure(demo) -> None:
    checks = report_checks(demo.home, AssessmentYear.objects.get(year=2564), MEMO_DATE)
    lonely = [c for c in checks if c.code == Code.FINDING_WITHOUT_MEASURE]
    finding = Finding.objects.get(text__startswith="ส่งเสริมการทำงานที่คำนึงถึงประโยชน์ของประชาชน")
    assert [(c.object_type, c.object_id) for c in lonely] == [("finding", finding.pk)]
    assert lonely[0].fix_url.endswith(f"/measures/new/?finding={finding.pk}")


def test_a_period_ending_on_the_memo_date_is_fine_and_the_next_day_is_not(demo) -> None:
    a = home_assessment(demo)
    Measure.objects.all().delete()
    m = make_measure(a, start=dt.date(2021, 6, 1), end=dt.date(2021, 8, 1))
    assert Code.PERIOD_ENDS_BEFORE_DATE not in {
        c.code for c in report_checks(demo.home, 2564, dt.date(2021, 8, 31))
    }
    late = report_checks(demo.home, 2564, dt.date(2021, 9, 1))
    assert (Code.PERIOD_ENDS_BEFORE_DATE, "measure", m.pk) in codes(late)


def test_a_done_measure_is_not_flagged_for_its_past_period(demo) -> None:
    Measure.objects.filter(table=1).update(done_on=dt.date(2021, 3, 31))
    checks = report_checks(demo.home, 2564, MEMO_DATE)
    assert Code.PERIOD_ENDS_BEFORE_DATE not in {c.code for c in checks}


def test_a_measure_without_unit_or_period_is_flagged(demo) -> None:
    a = home_assessment(demo)
    m = make_measure(a, unit="", start=None, end=None)
    checks = codes(report_checks(demo.home, 2564, MEMO_DATE))
    assert (Code.MEASURE_WITHOUT_UNIT, "measure", m.pk) in checks
    assert (Code.MEASURE_WITHOUT_PERIOD, "measure", m.pk) in checks
    assert (Code.PERIOD_ENDS_BEFORE_DATE, "measure", m.pk) not in checks


def test_drafts_neither_answer_findings_nor_get_checked(demo) -> None:
    a = home_assessment(demo)
    lonely = Finding.objects.get(text__startswith="ส่งเสริมการทำงานที่คำนึงถึงประโยชน์ของประชาชน")
    draft = make_measure(a, unit="", start=None, end=None, findings=[lonely], draft=True)
    checks = codes(report_checks(demo.home, 2564, MEMO_DATE))
    assert (Code.FINDING_WITHOUT_MEASURE, "finding", lonely.pk) in checks
    assert draft.pk not in [c[2] for c in checks if c[1] == "measure"]


def test_a_fixed_report_has_no_checks(demo) -> None:
    a = home_assessment(demo)
    Measure.objects.filter(table=1).update(
        start_month=dt.date(2021, 9, 1), end_month=dt.date(2021, 12, 1)
    )
    lonely = Finding.objects.get(text__startswith="ส่งเสริมการทำงานที่คำนึงถึงประโยชน์ของประชาชน")
    make_measure(a, findings=[lonely])
    assert report_checks(demo.home, 2564, MEMO_DATE) == []


def test_no_report_means_nothing_to_check(db) -> None:
    org = factories.make_organisation()
    assert report_checks(org, 2564, MEMO_DATE) == []
    assert report_checks(org.pk, factories.make_year(2565), MEMO_DATE) == []


def test_the_author_fixes_a_warning_in_place_from_the_report(client, demo) -> None:
    from html import unescape

    from tests.measures.helpers import report_url

    client.force_login(demo.users["legal"])
    page = client.get(report_url(demo) + "?on=31/08/2564").content.decode()
    m = Measure.objects.get(table=1, order=1)
    start = page.index(f"/measures/{m.pk}/edit/?next=")
    fix_url = unescape(page[start : page.index('"', start)])
    form = client.get(fix_url)
    assert 'name="next"' in form.content.decode()
    next_url = form.context["next"]
    assert next_url == report_url(demo) + "?on=31/08/2564#checks"
    data = {
        "title": m.title, "steps": "\n".join(s.text for s in m.steps.all()),
        "responsible_unit": "สำนักปลัดฯ", "start_month": "ก.ย.64", "end_month": "12/2564",
        "follow_up": m.follow_up, "table": "1", "findings": [f.pk for f in m.findings.all()],
        "next": next_url,
    }  # fmt: skip
    response = client.post(fix_url, data)
    assert response.status_code == 302 and response["Location"] == next_url
    remaining = report_checks(demo.home, 2564, MEMO_DATE)
    assert m.pk not in [c.object_id for c in remaining if c.object_type == "measure"]


def test_a_fix_form_never_returns_to_another_site(client, demo) -> None:
    client.force_login(demo.users["legal"])
    m = Measure.objects.get(table=2)
    data = {"title": m.title, "table": "1", "next": "https://evil.example/"}
    response = client.post(f"/measures/{m.pk}/edit/", data)
    # Not the other site: back to the report, at the measure (measure forms return to it).
    assert response["Location"] == f"/measures/report/{demo.home.pk}/2564/#measure-{m.pk}"
