"""Every change made in the admin to organisations, positions, acting appointments, results,
scores and findings goes through a service and leaves a history row with before and after;
an acting holder must be a member of the organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ita.history.models import Event, EventKind
from ita.organisations import services
from ita.organisations.models import ActingAppointment, Position
from ita.results.models import Assessment, IndicatorScore
from measures.models import Finding

pytestmark = pytest.mark.django_db


def _form_data(page) -> dict[str, object]:
    """The change form as the admin shows it: the main form and every inline."""
    data: dict[str, object] = {}
    for field in page.context["adminform"].form:
        value = field.value()
        if value is not None and field.name != "emblem":  # a file input posts no value
            data[field.html_name] = value
    for formset in page.context["inline_admin_formsets"]:
        for form in [formset.formset.management_form, *formset.formset.forms]:
            for field in form:
                value = field.value()
                if value is not None:
                    data[field.html_name] = value
    return {k: v for k, v in data.items() if v is not False}


def _edit(client, name: str, pk: int, **changes: object):
    url = reverse(f"admin:{name}_change", args=[pk])
    data = _form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def _add(client, name: str, **data: object):
    url = reverse(f"admin:{name}_add")
    page = client.get(url)
    for formset in page.context["inline_admin_formsets"]:
        for field in formset.formset.management_form:
            data.setdefault(field.html_name, field.value())
    return client.post(url, data)


def _ok(response) -> None:
    if response.status_code != 302:
        form = response.context["adminform"].form
        formsets = [f.formset.errors for f in response.context["inline_admin_formsets"]]
        raise AssertionError((form.errors, formsets))


@pytest.fixture
def admin_client(client, demo):
    client.force_login(demo.users["admin"])
    return client


def test_an_organisation_edited_in_the_admin_is_in_the_history(admin_client, demo) -> None:
    response = _edit(
        admin_client,
        "organisations_organisation",
        demo.home.pk,
        phone="075-000000",
        signers_need_second_factor="on",
    )
    _ok(response)
    event = Event.objects.get(action=EventKind.ORGANISATION_UPDATE)
    assert event.actor == demo.users["admin"] and event.organisation == demo.home
    assert event.data["after"] == {"phone": "075-000000", "signers_need_second_factor": True}
    assert event.data["before"]["signers_need_second_factor"] is False
    assert event.data["before"]["phone"] != "075-000000"


def test_a_position_changed_under_the_organisation_is_in_the_history(admin_client, demo) -> None:
    page = admin_client.get(reverse("admin:organisations_organisation_change", args=[demo.home.pk]))
    data = _form_data(page)
    clerk = Position.objects.get(organisation=demo.home, role="clerk")
    index = next(
        i
        for i, form in enumerate(page.context["inline_admin_formsets"][1].formset.forms)
        if form.instance.pk == clerk.pk
    )
    data[f"positions-{index}-holder"] = demo.users["deputy"].pk
    _ok(admin_client.post(page.wsgi_request.path, data))
    event = Event.objects.get(action=EventKind.POSITION_UPDATE)
    assert event.object_id == str(clerk.pk) and event.organisation == demo.home
    assert event.data == {
        "before": {"holder": demo.users["clerk"].pk},
        "after": {"holder": demo.users["deputy"].pk},
    }


def test_acting_appointments_in_the_admin_need_a_member_and_are_in_the_history(
    admin_client, demo
) -> None:
    clerk = Position.objects.get(organisation=demo.home, role="clerk")
    period = {"starts": "2024-09-01", "ends": "2024-09-30", "note": "คำสั่งที่ 1/2567"}
    refused = _add(
        admin_client,
        "organisations_actingappointment",
        position=clerk.pk,
        user=demo.users["outsider"].pk,
        **period,
    )
    assert refused.status_code == 200
    assert "เป็นสมาชิกของหน่วยงาน" in refused.content.decode()
    assert demo.home.name in refused.content.decode()
    assert not ActingAppointment.objects.exists()

    _ok(
        _add(
            admin_client,
            "organisations_actingappointment",
            position=clerk.pk,
            user=demo.users["deputy"].pk,
            **period,
        )
    )
    acting = ActingAppointment.objects.get()
    created = Event.objects.get(action=EventKind.ACTING_CREATE)
    assert created.organisation == demo.home and created.actor == demo.users["admin"]
    assert created.data["after"]["user"] == demo.users["deputy"].pk
    assert created.data["after"]["starts"] == "2024-09-01"

    _ok(_edit(admin_client, "organisations_actingappointment", acting.pk, ends="2024-10-15"))
    updated = Event.objects.get(action=EventKind.ACTING_UPDATE)
    assert updated.data == {"before": {"ends": "2024-09-30"}, "after": {"ends": "2024-10-15"}}

    # Under the position too: an outsider is refused there.
    url = reverse("admin:organisations_position_change", args=[clerk.pk])
    data = _form_data(admin_client.get(url))
    data.update(
        {
            "acting_appointments-TOTAL_FORMS": "2",
            "acting_appointments-1-user": demo.users["outsider"].pk,
            "acting_appointments-1-starts": "2024-11-01",
            "acting_appointments-1-ends": "2024-11-02",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200 and ActingAppointment.objects.count() == 1

    delete = reverse("admin:organisations_actingappointment_delete", args=[acting.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    gone = Event.objects.get(action=EventKind.ACTING_DELETE)
    assert gone.data["before"]["user"] == demo.users["deputy"].pk and gone.data["after"] is None


def test_the_service_refuses_an_acting_holder_from_another_organisation(demo) -> None:
    clerk = Position.objects.get(organisation=demo.home, role="clerk")
    appointment = ActingAppointment(
        position=clerk,
        user=demo.users["outsider"],
        starts=dt.date(2024, 9, 1),
        ends=dt.date(2024, 9, 2),
    )
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.acting_save(appointment=appointment, actor=None)
    assert demo.home.name in str(refused.value)
    assert not ActingAppointment.objects.exists() and Event.objects.count() == events


def test_a_position_deleted_in_the_admin_is_in_the_history(admin_client, demo) -> None:
    position = Position.objects.get(organisation=demo.home, role="deputy")
    url = reverse("admin:organisations_position_delete", args=[position.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    event = Event.objects.get(action=EventKind.POSITION_DELETE)
    assert event.data["before"]["holder"] == demo.users["deputy"].pk
    assert event.data["before"]["title"] == position.title


def test_results_scores_and_findings_edited_in_the_admin_are_in_the_history(
    admin_client, demo
) -> None:
    assessment = Assessment.objects.get(organisation=demo.home, year=demo.year)
    page = admin_client.get(reverse("admin:ita_assessment_change", args=[assessment.pk]))
    data = _form_data(page)
    scores, findings = (f.formset for f in page.context["inline_admin_formsets"])
    data["total"] = "91.11"
    data[f"{scores.prefix}-0-score"] = "55.55"
    data[f"{findings.prefix}-0-text"] = "ข้อความที่แก้ในหน้าผู้ดูแล"
    _ok(admin_client.post(page.wsgi_request.path, data))
    result = Event.objects.get(action=EventKind.ASSESSMENT_UPDATE)
    assert result.data["after"]["total"] == "91.11" and result.organisation == demo.home
    score = Event.objects.get(action=EventKind.SCORE_UPDATE)
    assert score.data["after"] == {"score": "55.55"}
    assert score.data["before"] == {"score": str(scores.forms[0].instance.score)}
    finding = Event.objects.get(action=EventKind.FINDING_UPDATE)
    assert finding.data["after"] == {"text": "ข้อความที่แก้ในหน้าผู้ดูแล"}


def test_the_score_and_finding_admins_write_through_the_services(admin_client, demo) -> None:
    score = IndicatorScore.objects.filter(assessment__organisation=demo.home).first()
    _ok(_edit(admin_client, "ita_indicatorscore", score.pk, score="12.34"))
    assert IndicatorScore.objects.get(pk=score.pk).score == Decimal("12.34")
    assert Event.objects.filter(action=EventKind.SCORE_UPDATE, object_id=str(score.pk)).exists()
    finding = Finding.objects.filter(assessment__organisation=demo.home).first()
    _ok(_edit(admin_client, "measures_finding", finding.pk, text="แก้ข้อความ"))
    assert Event.objects.get(action=EventKind.FINDING_UPDATE).data["after"] == {"text": "แก้ข้อความ"}
    delete = reverse("admin:measures_finding_delete", args=[finding.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert Event.objects.filter(action=EventKind.FINDING_DELETE).exists()
