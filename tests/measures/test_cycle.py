"""The year's turn: the scores arrive and the members are told, the report prepares itself, the
checks mean it, the checklist opens with the year, and next year looks back."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from ita.history.models import Event, EventKind
from ita.imports.services import import_commit, import_revert
from ita.organisations.models import Notice
from ita.results.models import Assessment
from measures import publishing, selectors
from measures.checks import Code, assessment_checks
from measures.forms import FindingForm
from measures.models import Finding, Measure, MeasureTemplate, OitItem, OitItemCorrection
from measures.selectors import look_back
from measures.services.checklist import (
    Correction,
    ItemData,
    oit_checklist_open,
    oit_items_correct,
    oit_items_update,
)
from measures.services.findings import finding_create
from measures.services.measures import measures_carry
from measures.services.report import report_prepare
from tests.imports.helpers import indicator_csv
from tests.imports.test_services import _preview
from tests.measures.helpers import make_measure

pytestmark = pytest.mark.django_db

TODAY = dt.date(2022, 11, 15)
# The lowest of each tool: 2 (IIT), 8 (EIT), 10 (OIT).
SCORES = [
    Decimal(v) for v in ("97.5", "88.1", "96", "93.4", "99", "91.2", "90.75", "86.3", "94", "81.25")
]


def _import_2565(demo):
    data = indicator_csv([("องค์การบริหารส่วนตำบลสุโสะ", "ปะเหลียน", "ตรัง", SCORES, None)])
    batch = _preview(data, year=2565)
    return import_commit(batch=batch, actor=demo.users["admin"])


def _assessment_2565(demo) -> Assessment:
    return Assessment.objects.select_related("organisation", "year").get(
        organisation=demo.home, year__year=2565
    )


def test_members_are_told_once_in_the_app_and_by_mail_when_their_scores_arrive(
    demo, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch = _import_2565(demo)
    members = {
        u.pk
        for u in demo.users.values()
        if u.username in ("legal", "head", "deputy", "clerk", "mayor")
    }
    notices = Notice.objects.filter(organisation=demo.home, key="scores-2565")
    assert {n.recipient_id for n in notices} == members
    assert "2565" in notices.first().subject and notices.first().url.endswith(
        f"/measures/report/{demo.home.pk}/2565/"
    )
    [message] = [m for m in mail.outbox if "2565" in m.subject]
    assert sorted(message.to) == sorted(u.email for u in demo.users.values() if u.pk in members)
    assert Event.objects.filter(action=EventKind.NOTICE_SCORES, organisation=demo.home).count() == 1
    # The outsider's organisation got no result from this table: nobody there is told.
    assert not Notice.objects.filter(recipient=demo.users["outsider"]).exists()
    # Reverted and imported again: nobody is told twice.
    import_revert(batch=batch, actor=demo.users["admin"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _import_2565(demo)
    assert notices.count() == len(members) and mail.outbox == []


def test_the_imported_year_gets_its_checklist_to_review(demo) -> None:
    """The year opens with its scores: a copy of 2564's list, marked to review, no shell."""
    assert not OitItem.objects.filter(year__year=2565).exists()
    loads = Event.objects.filter(action=EventKind.OIT_LOAD)
    before = loads.count()
    _import_2565(demo)
    items = OitItem.objects.filter(year__year=2565)
    assert items.count() == 43 and all(i.to_review for i in items)
    assert loads.count() == before + 1 and loads.latest("pk").data["source"] != "builtin"
    client = Client()
    client.force_login(demo.users["legal"])
    page = client.get(f"/measures/report/{demo.home.pk}/2565/oit/").content.decode()
    assert "O43" in page and "oit_checklist --year" not in page


def test_a_failed_import_tells_nobody(demo) -> None:
    data = indicator_csv([("องค์การบริหารส่วนตำบลสุโสะ", "ปะเหลียน", "ตรัง", SCORES, Decimal("10"))])
    batch = _preview(data, year=2565)  # the total disagrees with the scores: an error row
    with pytest.raises(Exception):  # noqa: B017 (the import's own refusal)
        import_commit(batch=batch, actor=demo.users["admin"])
    assert not Notice.objects.exists() and mail.outbox == []


def test_preparing_writes_a_finding_and_a_linked_measure_per_lowest_indicator(demo) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    assert {c.code for c in assessment_checks(assessment, TODAY)} >= {
        Code.EMPTY_REPORT,
        Code.LOWEST_WITHOUT_FINDING,
        Code.LOWEST_WITHOUT_MEASURE,
    }
    done = report_prepare(assessment=assessment, actor=demo.users["legal"], today=TODAY)
    findings = Finding.objects.filter(assessment=assessment).select_related("indicator")
    assert sorted((f.tool, f.indicator.number) for f in findings) == [
        ("EIT", 8),
        ("IIT", 2),
        ("OIT", 10),
    ]
    assert "86.30" in findings.get(indicator__number=8).text
    measures = Measure.objects.kept().filter(assessment=assessment)
    assert len(done.measures) == 3 == measures.count()
    for m in measures:
        [indicator] = m.indicators.all()
        assert [f.indicator_id for f in m.findings.all()] == [indicator.pk]
        assert m.start_month == dt.date(2022, 12, 1) and m.responsible_unit
    assert assessment_checks(assessment, TODAY) == []
    # The year got its checklist, a copy of 2564's, marked to review.
    items = OitItem.objects.filter(year=assessment.year)
    assert items.count() == 43 and all(i.to_review for i in items)
    assert set(items.filter(from_implementation=True).values_list("number", flat=True)) == {43}
    # Again: nothing new.
    again = report_prepare(assessment=assessment, actor=demo.users["legal"], today=TODAY)
    assert (again.findings, again.measures, again.oit_items) == ([], [], 0)
    assert Event.objects.filter(action=EventKind.REPORT_PREPARE).count() == 2


def test_a_measure_drafted_without_a_template_answers_to_the_authors_unit(demo) -> None:
    """Templates switched off by the administrator (or a template without a unit): the drafted
    measures name the author's unit, else the clerk's office, never nobody; the checks pass."""
    _import_2565(demo)
    MeasureTemplate.objects.update(active=False)
    assessment = _assessment_2565(demo)
    report_prepare(assessment=assessment, actor=demo.users["legal"], today=TODAY)
    units = set(
        Measure.objects.filter(assessment=assessment).values_list("responsible_unit", flat=True)
    )
    assert units == {"งานกฎหมายและคดี สำนักปลัด"}
    assert assessment_checks(assessment, TODAY) == []
    # Prepared by someone without a unit there (the administrator): the clerk's office.
    Measure.objects.filter(assessment=assessment).delete()
    report_prepare(assessment=assessment, actor=demo.users["admin"], today=TODAY)
    units = set(
        Measure.objects.filter(assessment=assessment).values_list("responsible_unit", flat=True)
    )
    assert units == {"สำนักปลัดฯ"}


def test_preparing_links_a_finding_to_the_measure_already_covering_its_indicator(demo) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    indicator = assessment.year.indicators.get(number=8)
    own = make_measure(assessment, title="มาตรการเดิมของตัวชี้วัด 8", actor=demo.users["legal"])
    own.indicators.set([indicator])
    report_prepare(assessment=assessment, actor=demo.users["legal"], today=TODAY)
    finding = Finding.objects.get(assessment=assessment, indicator=indicator)
    assert list(finding.measures.all()) == [own]
    assert Measure.objects.filter(assessment=assessment, indicators=indicator).count() == 1


def test_the_checks_question_an_empty_report_and_a_lowest_indicator_left_alone(demo) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    checks = assessment_checks(assessment, TODAY)
    assert [c.code for c in checks if c.code == Code.EMPTY_REPORT] == [Code.EMPTY_REPORT]
    lowest = {c.object_id for c in checks if c.code == Code.LOWEST_WITHOUT_FINDING}
    assert {assessment.year.indicators.get(pk=i).number for i in lowest} == {2, 8, 10}
    # A finding of indicator 8 without a measure: its fix opens the form with it preselected.
    eight = assessment.year.indicators.get(number=8)
    finding = finding_create(
        assessment=assessment, tool="EIT", indicator=eight, text="ประเด็น", actor=None
    )
    codes = {(c.code, c.object_id) for c in assessment_checks(assessment, TODAY)}
    assert (Code.LOWEST_WITHOUT_FINDING, eight.pk) not in codes
    assert (Code.LOWEST_WITHOUT_MEASURE, eight.pk) in codes
    assert (Code.FINDING_WITHOUT_MEASURE, finding.pk) in codes
    # A measure of that indicator exists: the fix links the finding to it, not a new one.
    measure = make_measure(assessment, actor=None)
    measure.indicators.set([eight])
    fix = next(c for c in assessment_checks(assessment, TODAY) if c.object_id == finding.pk)
    assert fix.fix_url.startswith(f"/measures/{measure.pk}/edit/?finding={finding.pk}")
    client = Client()
    client.force_login(demo.users["legal"])
    page = client.get(fix.fix_url).content.decode()
    [box] = re.findall(rf'<input type="checkbox" name="findings" value="{finding.pk}"[^>]*>', page)
    assert " checked" in box


def test_the_finding_form_offers_the_tools_indicators_with_its_lowest_chosen(demo) -> None:
    _import_2565(demo)
    client = Client()
    client.force_login(demo.users["legal"])
    page = client.get(f"/measures/report/{demo.home.pk}/2565/findings/new/?tool=EIT").content
    html = page.decode()
    eight = _assessment_2565(demo).year.indicators.get(number=8)
    assert f'<option value="{eight.pk}" selected>' in html
    assert "ความโปร่งใสในการใช้งบประมาณ" not in html and "การใช้งบประมาณ</option>" not in html


def test_a_measure_form_returns_to_the_report(demo) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    client = Client()
    client.force_login(demo.users["legal"])
    response = client.post(
        f"/measures/report/{demo.home.pk}/2565/measures/new/", {"title": "มาตรการใหม่", "table": "1"}
    )
    measure = Measure.objects.get(assessment=assessment)
    assert response["Location"] == f"/measures/report/{demo.home.pk}/2565/#measure-{measure.pk}"


def test_the_copied_checklist_is_corrected_by_an_operator_then_confirmed(demo) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    oit_checklist_open(year=assessment.year, actor=None)
    item = OitItem.objects.get(year=assessment.year, number=43)
    url = "/measures/oit/2565/items/"
    legal, operator, outsider = Client(), Client(), Client()
    legal.force_login(demo.users["legal"])
    operator.force_login(User.objects.get(username="operator"))
    form = operator.get(url)
    assert form.status_code == 200 and form.context["editable"]
    data = {k: v for k, v in _form_values(form.context["form"]).items()}
    data[f"item-{item.pk}-name"] = "การดำเนินการตามมาตรการส่งเสริมคุณธรรม (ปรับชื่อ)"
    # The list is the country's: one organisation's member reads it, never changes it for all.
    page = legal.get(url)
    assert page.status_code == 200 and not page.context["editable"]
    assert 'name="reviewed"' not in page.content.decode()
    assert legal.post(url, data).status_code == 403
    item.refresh_from_db()
    assert item.to_review and not item.name.endswith("(ปรับชื่อ)")
    # A staff flag alone changes nothing either: the permission does.
    staff = User.objects.create_user("staff-only", is_staff=True)
    staff_client = Client()
    staff_client.force_login(staff)
    assert staff_client.post(url, data).status_code == 404
    data["reviewed"] = "on"
    assert operator.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.name.endswith("(ปรับชื่อ)") and not item.to_review
    event = Event.objects.get(action=EventKind.OIT_ITEMS)
    assert event.data == {"items": ["O43"], "reviewed": True}
    outsider.force_login(demo.users["outsider"])
    assert outsider.post(url, data).status_code == 403
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize(
    "elsewhere", ["//evil.example/", "https://evil.example/", "/\\evil.example/"]
)
def test_the_corrected_checklist_returns_only_to_a_page_of_this_site(demo, elsewhere) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    oit_checklist_open(year=assessment.year, actor=None)
    operator = Client()
    operator.force_login(User.objects.get(username="operator"))
    url = "/measures/oit/2565/items/"
    data = _form_values(operator.get(url).context["form"])
    report = f"/measures/report/{demo.home.pk}/2565/"
    assert operator.post(url, {**data, "next": report})["Location"] == report
    assert operator.post(url, {**data, "next": elsewhere})["Location"] == url


def test_the_legal_officer_corrects_the_checklist_for_his_organisation_only(demo) -> None:
    """The country's list stays the operators'; the organisation reads it through its own
    corrections (renamed, not applicable with the reason, an item of its own), which no other
    organisation sees, and an operator's later correction shows through where it has none."""
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    oit_checklist_open(year=assessment.year, actor=None)
    home, lipang = demo.home, demo.users["outsider"].positions.get().organisation
    o12, o42, o43 = (OitItem.objects.get(year=assessment.year, number=n) for n in (12, 42, 43))
    country_o43 = o43.name
    legal = Client()
    legal.force_login(demo.users["legal"])
    url = f"/measures/report/{home.pk}/2565/oit/ours/"
    form = legal.get(url)
    assert form.status_code == 200
    data = _form_values(form.context["form"])
    data[f"c-{o43.pk}-name"] = "การดำเนินการตามมาตรการภายในของ อบต. (ปรับชื่อ)"
    data[f"c-{o43.pk}-description"] = "รายงานผลรอบ ๑๒ เดือน"
    data[f"c-{o12.pk}-na"] = "on"  # no reason: refused whole, nothing stored
    data[f"c-{o42.pk}-na"] = "on"
    data[f"c-{o42.pk}-reason"] = "เผยแพร่ร่วมกับข้อ O43"
    data["new_name"] = "ประกาศเจตนารมณ์ต่อต้านการทุจริตของหน่วยงาน"
    events = Event.objects.filter(action=EventKind.OIT_CORRECTIONS, organisation=home)
    refused = legal.post(url, data)
    assert refused.status_code == 400
    assert "O12: โปรดระบุเหตุผล" in refused.content.decode()
    assert not OitItemCorrection.objects.exists() and not events.exists()
    assert not OitItem.objects.filter(organisation__isnull=False).exists()
    data[f"c-{o12.pk}-reason"] = "หน่วยงานไม่มีงานบริการที่ต้องรายงาน"
    response = legal.post(url, {**data, "next": f"/measures/report/{home.pk}/2565/"})
    assert response["Location"] == f"/measures/report/{home.pk}/2565/"
    [event] = events
    assert event.data == {"corrected": ["O12", "O42", "O43"], "added": ["A1"]}
    o43.refresh_from_db()
    assert o43.name == country_o43  # the country's list is as the operators keep it
    # An operator corrects the country's O1 and O43 afterwards.
    o1 = OitItem.objects.country().get(year=assessment.year, number=1)
    operator_data = {
        pk: ItemData(number=i.number, name=i.name, indicator=i.indicator, group=i.group,
                           from_report=i.from_report, from_implementation=i.from_implementation)
        for pk, i in ((o1.pk, o1), (o43.pk, o43))
    }  # fmt: skip
    operator_data[o1.pk].name = "โครงสร้างหน่วยงาน (ฉบับประเทศ)"
    operator_data[o43.pk].name = "การดำเนินการตามมาตรการ (ฉบับประเทศ)"
    oit_items_update(year=assessment.year, items=operator_data, reviewed=False, actor=None)
    ours = {i.code: i for i in selectors.oit_items_for(home.pk, 2565)}
    theirs = {i.code: i for i in selectors.oit_items_for(lipang.pk, 2565)}
    assert ours["O43"].name.endswith("(ปรับชื่อ)") and ours["O43"].description
    assert ours["O1"].name == theirs["O1"].name == "โครงสร้างหน่วยงาน (ฉบับประเทศ)"
    assert theirs["O43"].name == "การดำเนินการตามมาตรการ (ฉบับประเทศ)"
    assert ours["O12"].not_applicable and not theirs["O12"].not_applicable
    assert "A1" in ours and "A1" not in theirs and len(theirs) == 43
    # The pages and the marking read it so: the checklist, the summary, the finding form.
    page = legal.get(f"/measures/report/{home.pk}/2565/oit/").content.decode()
    assert "(ปรับชื่อ)" in page and "หน่วยงานไม่มีงานบริการที่ต้องรายงาน" in page
    assert "ประกาศเจตนารมณ์ต่อต้านการทุจริตของหน่วยงาน" in page
    assert f'name="state_{o12.pk}"' not in page
    assert selectors.oit_summary(home, assessment.year)["total"] == 43 - 2 + 1
    assert [i.code for i in publishing._answered(home, 2565, "from_report")] == []
    assert [i.code for i in publishing._answered(lipang, 2565, "from_report")] == ["O42"]
    own = OitItem.objects.get(organisation=home)
    [theirs_own] = oit_items_correct(
        organisation=lipang,
        year=assessment.year,
        corrections={},
        added=Correction(name="รายการของ อบต.ลิพัง"),
        actor=demo.users["outsider"],
    )
    offered = FindingForm(assessment=assessment).fields["oit_items"]
    assert own in offered.queryset and theirs_own == "A1"
    assert not offered.queryset.filter(organisation=lipang).exists()
    assert any(str(label).startswith("O43 ") and "(ปรับชื่อ)" in label for _, label in offered.choices)
    outsider = Client()
    outsider.force_login(demo.users["outsider"])
    page = outsider.get(f"/measures/report/{lipang.pk}/2565/oit/")
    assert "(ปรับชื่อ)" not in page.content.decode()


def test_the_organisations_corrections_are_its_members_only(demo) -> None:
    _import_2565(demo)
    oit_checklist_open(year=_assessment_2565(demo).year, actor=None)
    url = f"/measures/report/{demo.home.pk}/2565/oit/ours/"
    data = {"new_name": "รายการของคนนอก"}
    outsider, staff, operator = Client(), Client(), Client()
    outsider.force_login(demo.users["outsider"])
    staff.force_login(User.objects.create_user("staff-only", is_staff=True))
    operator.force_login(User.objects.get(username="operator"))
    for client in (outsider, staff, operator):  # a staff flag or the operators' group: not his
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert "/accounts/login/" in Client().post(url, data)["Location"]
    assert not OitItem.objects.filter(organisation__isnull=False).exists()
    assert not Event.objects.filter(
        action__in=[EventKind.OIT_ITEMS, EventKind.OIT_CORRECTIONS]
    ).exists()


def _form_values(form) -> dict[str, str]:
    values = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                values[name] = "on"
        elif value is not None:
            values[name] = str(value)
    return values


def test_next_year_looks_back_and_carries_unfinished_measures_forward(demo) -> None:
    _import_2565(demo)
    assessment = _assessment_2565(demo)
    legal = demo.users["legal"]
    last = list(
        Measure.objects.kept().filter(
            assessment__organisation=demo.home, assessment__year__year=2564
        )
    )
    done = last[0]
    done.done_on = dt.date(2022, 3, 1)
    done.save()
    rows = look_back(assessment, TODAY)
    assert [r.measure for r in rows] == last
    assert rows[0].status == "done" and all(r.status == "overdue" for r in rows[1:])
    moves = {n: (before, after) for r in rows for n, _name, before, after in r.moves}
    assert moves[4] == (Decimal("83.85"), Decimal("93.40"))  # indicator 4 moved up
    carried = measures_carry(assessment=assessment, measures=last, actor=legal, today=TODAY)
    assert [m.carried_from for m in carried] == last[1:]  # the done one stays behind
    assert all(
        m.assessment == assessment and m.start_month == dt.date(2022, 12, 1) for m in carried
    )
    numbers = {i.number for m in carried for i in m.indicators.all()}
    assert numbers and all(
        i.year_id == assessment.year_id for m in carried for i in m.indicators.all()
    )
    # Twice: nothing carried twice; the page shows them carried.
    assert measures_carry(assessment=assessment, measures=last, actor=legal, today=TODAY) == []
    assert all(r.carried for r in look_back(assessment, TODAY)[1:])
    assert Event.objects.filter(action=EventKind.MEASURE_CARRY).count() == len(carried)


def test_the_report_page_reads_a_fixed_number_of_queries_with_the_look_back(
    demo, django_assert_max_num_queries
) -> None:
    _import_2565(demo)
    client = Client()
    client.force_login(demo.users["legal"])
    url = f"/measures/report/{demo.home.pk}/2565/"
    client.get(url)
    with django_assert_max_num_queries(40):
        page = client.get(url).content.decode()
    assert "ผลของมาตรการปีก่อน" in page


def test_the_cycles_write_views_need_post_membership_and_login(demo) -> None:
    _import_2565(demo)
    org, year = demo.home.pk, 2565
    outsider = Client()
    outsider.force_login(demo.users["outsider"])
    legal = Client()
    legal.force_login(demo.users["legal"])
    for path in (
        f"/measures/report/{org}/{year}/prepare/",
        f"/measures/report/{org}/{year}/carry/",
        f"/measures/report/{org}/{year}/oit/open/",
        f"/measures/report/{org}/{year}/done/draft/",
        f"/memos/from-report/{org}/{year}/",
    ):
        assert legal.get(path).status_code == 405, path
        assert outsider.post(path).status_code == 404, path
        assert "/accounts/login/" in Client().post(path)["Location"], path
    assert not Finding.objects.filter(assessment__year__year=year).exists()
