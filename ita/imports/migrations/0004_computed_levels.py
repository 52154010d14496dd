from django.db import migrations

LEVEL, PASSED = "level", "passed"


def computed_levels(apps, schema_editor):
    """The levels and pass/fail an import computed (its table had no such column) are marked
    computed; computed from a method not confirmed, they are removed, the score kept: a level
    the NACC never published is never shown as official (2561's AA–D from later bands)."""
    Assessment = apps.get_model("ita", "Assessment")
    ImportBatch = apps.get_model("imports", "ImportBatch")
    ImportRow = apps.get_model("imports", "ImportRow")
    columns = {
        pk: set(found or [])
        for pk, found in ImportBatch.objects.filter(status="applied").values_list(
            "pk", "table__columns"
        )
    }
    if not columns:
        return
    last: dict[tuple[int, int], set[str]] = {}
    for organisation_id, year, batch_id in (
        ImportRow.objects.filter(batch__status="applied", effect__in=["new", "changed"])
        .exclude(status="error")
        .exclude(organisation_id=None)
        .order_by("batch__applied_at", "batch_id")
        .values_list("organisation_id", "batch__year", "batch_id")
    ):
        last[(organisation_id, year)] = columns[batch_id]
    groups: dict[tuple, list[int]] = {}
    for pk, organisation_id, year, confirmed, level, passed in Assessment.objects.values_list(
        "pk", "organisation_id", "year__year", "year__confirmed", "level", "passed"
    ).iterator():
        found = last.get((organisation_id, year))
        if found is None:
            continue
        change = {}
        if level and LEVEL not in found:
            change.update(
                {"level_source": "computed"} if confirmed else {"level": "", "level_source": ""}
            )
        if passed is not None and PASSED not in found:
            change.update(
                {"passed_source": "computed"}
                if confirmed
                else {"passed": None, "passed_source": ""}
            )
        if change:
            groups.setdefault(tuple(sorted(change.items())), []).append(pk)
    for change, pks in groups.items():
        for start in range(0, len(pks), 900):
            Assessment.objects.filter(pk__in=pks[start : start + 900]).update(**dict(change))


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_row_district"),
        ("ita", "0008_level_sources"),
    ]

    operations = [migrations.RunPython(computed_levels, migrations.RunPython.noop)]
