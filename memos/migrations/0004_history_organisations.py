"""The history rows written before the move: their object types get the models' new app labels,
and each row gets the organisation it belongs to (memos, reports, findings, measures, scores,
organisations); rows of the country's data (years, imports, districts) have none.

Here, in the highest app, because it reads every app's records; each app writes the organisation
itself from now on (``ita.history.services.event_record``).
"""

from django.db import migrations

RENAMED = {
    "ita.province": "organisations.province",
    "ita.district": "organisations.district",
    "ita.districtalias": "organisations.districtalias",
    "ita.organisation": "organisations.organisation",
    "ita.organisationalias": "organisations.organisationalias",
    "ita.position": "organisations.position",
    "ita.actingappointment": "organisations.actingappointment",
    "ita.event": "history.event",
    "ita.importbatch": "imports.importbatch",
    "ita.importrow": "imports.importrow",
    "ita.finding": "measures.finding",
}


def _ids(events, object_type):
    return {int(e.object_id) for e in events if e.object_type == object_type and e.object_id.isdigit()}


def fill(apps, schema_editor):
    Event = apps.get_model("history", "Event")
    Memo = apps.get_model("memos", "Memo")
    Measure = apps.get_model("measures", "Measure")
    Finding = apps.get_model("measures", "Finding")
    Assessment = apps.get_model("ita", "Assessment")
    Organisation = apps.get_model("organisations", "Organisation")

    for old, new in RENAMED.items():
        Event.objects.filter(object_type=old).update(object_type=new)

    events = list(Event.objects.filter(organisation__isnull=True).order_by("pk"))
    if not events:
        return
    owner = {
        "memos.memo": dict(
            Memo.objects.filter(pk__in=_ids(events, "memos.memo")).values_list("pk", "organisation_id")
        ),
        "measures.measure": dict(
            Measure.objects.filter(pk__in=_ids(events, "measures.measure")).values_list(
                "pk", "assessment__organisation_id"
            )
        ),
        "measures.finding": dict(
            Finding.objects.filter(pk__in=_ids(events, "measures.finding")).values_list(
                "pk", "assessment__organisation_id"
            )
        ),
        "ita.assessment": dict(
            Assessment.objects.filter(pk__in=_ids(events, "ita.assessment")).values_list(
                "pk", "organisation_id"
            )
        ),
        "organisations.organisation": {
            pk: pk
            for pk in Organisation.objects.filter(
                pk__in=_ids(events, "organisations.organisation")
            ).values_list("pk", flat=True)
        },
    }
    # A deleted finding's row names its report.
    report_ids = {
        e.data.get("assessment")
        for e in events
        if e.object_type == "measures.finding" and isinstance(e.data, dict)
    }
    report_owner = dict(
        Assessment.objects.filter(pk__in=[i for i in report_ids if isinstance(i, int)]).values_list(
            "pk", "organisation_id"
        )
    )
    changed = []
    for e in events:
        key = int(e.object_id) if e.object_id.isdigit() else None
        organisation_id = owner.get(e.object_type, {}).get(key)
        if organisation_id is None and e.object_type == "measures.finding" and isinstance(e.data, dict):
            organisation_id = report_owner.get(e.data.get("assessment"))
        if organisation_id is not None:
            e.organisation_id = organisation_id
            changed.append(e)
    Event.objects.bulk_update(changed, ["organisation"], batch_size=500)


def unfill(apps, schema_editor):
    Event = apps.get_model("history", "Event")
    for old, new in RENAMED.items():
        Event.objects.filter(object_type=new).update(object_type=old)


class Migration(migrations.Migration):
    dependencies = [
        ("memos", "0003_organisations_and_settings"),
        ("history", "0002_kinds_and_organisation"),
        ("measures", "0003_finding"),
        ("imports", "0001_initial"),
        ("ita", "0006_delete_moved"),
    ]

    operations = [migrations.RunPython(fill, unfill)]
