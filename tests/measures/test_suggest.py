import datetime as dt

import pytest

from ita.history.models import Event
from measures.models import Measure, MeasureTemplate
from measures.services.measures import measures_suggest
from tests.measures.helpers import home_assessment, report_url

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 8, 20)


def test_it_drafts_one_measure_per_lowest_indicator_from_the_templates(demo) -> None:
    a = home_assessment(demo)
    Measure.objects.all().delete()
    drafts = measures_suggest(assessment=a, actor=demo.users["legal"], today=TODAY)
    assert [list(m.indicators.values_list("number", flat=True)) for m in drafts] == [[4], [7], [10]]
    first = drafts[0]
    template = MeasureTemplate.objects.get(indicator_number=4)
    assert first.draft and first.title == template.title == "แนวทางการใช้ทรัพย์สินของราชการ"
    assert [s.text for s in first.steps.order_by("order")] == template.step_lines()
    assert first.responsible_unit == "สำนักปลัดฯ" and first.follow_up == "รายงานผลการดำเนินงาน"
    assert (first.start_month, first.end_month) == (dt.date(2021, 9, 1), dt.date(2021, 11, 1))
    assert first.period_display == "ก.ย.๖๔ – พ.ย.๖๔"
    # The drafts answer the findings of their indicator.
    assert {f.indicator.number for f in drafts[1].findings.all()} == {7}
    assert drafts[1].findings.count() == 3
    assert Event.objects.filter(action="measure.suggest").count() == 3


def test_it_skips_indicators_that_already_have_a_measure(demo) -> None:
    a = home_assessment(demo)
    # The seed's measures answer 4, 7 and 10 already.
    assert measures_suggest(assessment=a, actor=None, today=TODAY) == []
    Measure.objects.filter(table=2).delete()
    drafts = measures_suggest(assessment=a, actor=None, today=TODAY)
    assert [m.indicators.get().number for m in drafts] == [10]
    assert measures_suggest(assessment=a, actor=None, today=TODAY) == []


def test_an_edited_template_changes_the_next_drafts_and_a_tool_template_fills_gaps(demo) -> None:
    a = home_assessment(demo)
    Measure.objects.all().delete()
    MeasureTemplate.objects.filter(indicator_number=4).update(title="มาตรการใหม่", months=6)
    MeasureTemplate.objects.filter(indicator_number=7).delete()
    MeasureTemplate.objects.create(tool="EIT", title="แนวทางทั่วไปของ EIT", steps="ขั้นเดียว")
    drafts = measures_suggest(assessment=a, actor=None, today=TODAY)
    assert [m.title for m in drafts][:2] == ["มาตรการใหม่", "แนวทางทั่วไปของ EIT"]
    assert drafts[0].end_month == dt.date(2022, 2, 1)


def test_staff_keep_edit_and_drop_drafts_through_the_page(client, demo) -> None:
    Measure.objects.all().delete()
    client.force_login(demo.users["legal"])
    response = client.post(report_url(demo) + "suggest/")
    assert response.status_code == 302
    keep, edit, drop = Measure.objects.filter(draft=True).order_by("pk")
    html = client.get(report_url(demo)).content.decode()
    assert html.count('class="draft"') == 3

    client.post(f"/measures/{keep.pk}/keep/")
    keep.refresh_from_db()
    assert not keep.draft

    data = {
        "title": "แนวทางที่แก้แล้ว", "steps": "๑. ขั้นแรก\n๒. ขั้นสอง", "responsible_unit": "กองคลัง",
        "start_month": "ม.ค. 2565", "end_month": "มี.ค.65", "follow_up": "รายงาน", "table": "1",
        "indicators": [i.pk for i in edit.indicators.all()],
    }  # fmt: skip
    assert client.post(f"/measures/{edit.pk}/edit/", data).status_code == 302
    edit.refresh_from_db()
    assert edit.draft and edit.title == "แนวทางที่แก้แล้ว" and edit.responsible_unit == "กองคลัง"
    assert [s.text for s in edit.steps.all()] == ["ขั้นแรก", "ขั้นสอง"]
    assert (edit.start_month, edit.end_month) == (dt.date(2022, 1, 1), dt.date(2022, 3, 1))

    client.post(f"/measures/{drop.pk}/delete/")
    assert not Measure.objects.filter(pk=drop.pk).exists()
    assert Event.objects.filter(action="measure.drop", object_id=str(drop.pk)).exists()
    assert Event.objects.filter(action="measure.keep", object_id=str(keep.pk)).exists()


def test_a_report_without_scores_gets_no_drafts_and_says_why(client, demo) -> None:
    from ita.results.models import Assessment

    other = Assessment.objects.get(organisation=demo.home, year__year=2563)
    client.force_login(demo.users["legal"])
    response = client.post(f"/measures/report/{demo.home.pk}/2563/suggest/", follow=True)
    assert "ยังไม่มีคะแนนรายตัวชี้วัด" in response.content.decode()
    assert not Measure.objects.filter(assessment=other).exists()
