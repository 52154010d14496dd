"""Migrate a database built by today's main with THIS tree's migrations, then snapshot it.

Run by ``tests/test_upgrade.py`` with this tree as the working directory::

    python tests/upgrade/migrate_new.py PLAN_JSON OUT_JSON WORK_DIR

``PLAN_JSON`` is the plan ``build_old.py`` wrote, its admin URLs already moved to the new apps
by the test. Writes the same snapshot as the old run, then what only the new tree has: the memo
settings, the ids a row of each moved model gets when it is written now (in a transaction
rolled back), which must follow the old rows', and the schema's differences from the models.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import traceback
from decimal import Decimal
from pathlib import Path

import django

django.setup()

import snapshot  # noqa: E402  (beside this script: both trees' snapshot)
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402


class Rollback(Exception):
    pass


def new_rows() -> dict[str, int | str]:
    """Write one row of each moved model through the new models; their ids, then roll back."""
    from django.contrib.auth import get_user_model

    from ita.demo.seed import SEED_TABLE
    from ita.history.models import Event, EventKind
    from ita.history.payloads import Change
    from ita.history.services import event_record
    from ita.imports.models import ImportBatch, ImportRow
    from ita.imports.services import import_discard, import_preview
    from ita.organisations.models import (
        ActingAppointment,
        District,
        DistrictAlias,
        Organisation,
        OrganisationAlias,
        Position,
        Province,
    )
    from ita.results.models import Assessment
    from measures.models import Finding
    from memos.models import MemoSettings

    ids: dict[str, int | str] = {}
    try:
        with transaction.atomic():
            user = get_user_model().objects.get(username="admin")
            province = Province.objects.create(name="ทดสอบการย้าย")
            district = District.objects.create(province=province, name="เมืองทดสอบ")
            organisation = Organisation.objects.create(
                name="องค์การบริหารส่วนตำบลทดสอบการย้าย", kind="sao", district=district
            )
            position = Position.objects.create(organisation=organisation, title="ปลัด", role="clerk")
            made = {
                "province": province,
                "district": district,
                "districtalias": DistrictAlias.objects.create(district=district, name="เมืองทดลอง"),
                "organisation": organisation,
                "organisationalias": OrganisationAlias.objects.create(
                    organisation=organisation, name="อบต.ทดสอบการย้าย"
                ),
                "position": position,
                "actingappointment": ActingAppointment.objects.create(
                    position=position,
                    user=user,
                    starts=dt.date(2024, 1, 1),
                    ends=dt.date(2024, 2, 1),
                ),
                "event": event_record(
                    actor=user,
                    action=EventKind.ORGANISATION_CREATE,
                    organisation_id=organisation.pk,
                    obj=organisation,
                    data=Change(before={}, after={"name": organisation.name}),
                ),
                "finding": Finding.objects.create(
                    assessment=Assessment.objects.order_by("pk").first(), tool="IIT", text="ทดสอบ"
                ),
                "memosettings": MemoSettings.objects.create(organisation=organisation),
            }
            batch = ImportBatch.objects.create(
                kind="results", year=2564, source="command", checksum="0" * 64
            )
            made["importbatch"] = batch
            made["importrow"] = ImportRow.objects.create(batch=batch, line=1, status="new")
            ids = {name: obj.pk for name, obj in made.items()}
            # A discarded preview, through the services: its history row's object type.
            discarded = import_preview(data=SEED_TABLE.read_bytes(), file_name="x", year=2564)
            import_discard(batch=discarded, actor=user)
            ids["discard_object_type"] = (
                Event.objects.filter(action=EventKind.IMPORT_DISCARD).latest("pk").object_type
            )
            raise Rollback
    except Rollback:
        pass
    return ids


def schema_problems() -> list[str]:
    """The migrated schema against the models: every table, column and foreign key where the
    models say (a reference left pointing at an old table would fail the next write), no table
    nobody owns, and no row pointing at a missing one."""
    from django.apps import apps
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        # The migrations' table, and the shared cache's (settings.CACHES, made by migrate).
        owned = {"django_migrations", "ita_cache"}
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if not meta.managed or meta.proxy:
                continue
            owned.add(meta.db_table)
            if meta.db_table not in tables:
                problems.append(f"{meta.label}: no table {meta.db_table}")
                continue
            description = connection.introspection.get_table_description(cursor, meta.db_table)
            columns = {c.name for c in description}
            wanted = {f.column for f in meta.local_concrete_fields}
            if columns != wanted:
                problems.append(
                    f"{meta.db_table}: columns {sorted(columns)}, the model has {sorted(wanted)}"
                )
            relations = connection.introspection.get_relations(cursor, meta.db_table)
            for field in meta.local_concrete_fields:
                if field.remote_field is None or not field.db_constraint:
                    continue
                target = field.remote_field.model._meta.db_table
                found = relations.get(field.column)
                if found is None or found[1] != target:
                    problems.append(
                        f"{meta.db_table}.{field.column} references {found}, not {target}"
                    )
        for table in sorted(tables - owned):
            problems.append(f"the table {table} belongs to no model")
    out = io.StringIO()
    try:  # the models' state against the migrations' (``makemigrations --check``)
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        problems.append(f"the models have changes no migration makes:\n{out.getvalue()}")
    try:
        connection.check_constraints()
    except Exception as error:
        problems.append(f"rows point at missing rows: {error}")
    return problems


# The self-check: one changed score and one lost row, snapshotted and rolled back.
CORRUPTED_ORG = "องค์การบริหารส่วนตำบลลิพัง"


def corrupted(plan: dict) -> dict:
    """The public results, the API and the exports after changing ลิพัง's total of 2564 by 0.01
    and deleting one assessment of 2563 (in a transaction rolled back, with a new version of
    the published data so that no page comes from the cache this run filled: a database
    migrated wrongly is served fresh too). The test checks that its comparison reports both."""
    from ita.history import published
    from ita.results.models import Assessment

    taken: dict = {}
    try:
        with transaction.atomic():
            changed = Assessment.objects.get(year__year=2564, organisation__name=CORRUPTED_ORG)
            Assessment.objects.filter(pk=changed.pk).update(total=changed.total + Decimal("0.01"))
            lost = (
                Assessment.objects.filter(year__year=2563, measures__isnull=True)
                .exclude(organisation__name=CORRUPTED_ORG)
                .order_by("-total")
                .first()
            )
            assert lost is not None
            lost_pk = lost.pk
            lost.delete()
            published.bump()
            pages = [
                p
                for p in plan["pages"]
                if p["url"].startswith(("/results/", "/api/v1/assessments"))
            ]
            taken = snapshot.take(
                pages=pages,
                commands=[c for c in plan["commands"] if c[0] == "export_scores"],
                tables={"ita_assessment": "ita_assessment"},
                work=Path(plan["work"]) / "corrupted",
            )
            taken["changed"] = {"organisation": CORRUPTED_ORG, "total": str(changed.total)}
            taken["lost"] = {"id": lost_pk, "organisation": lost.organisation.name}
            raise Rollback
    except Rollback:
        pass
    return taken


def main() -> None:
    plan_file, out_file, work = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    plan = json.loads(plan_file.read_text())
    log = io.StringIO()
    call_command("migrate", interactive=False, stdout=log)
    # The snapshot's own logins (force_login) are not the upgraded data: their sessions start as
    # every login's does, but they write no history row (the old tree wrote none).
    from django.contrib.auth.signals import user_logged_in

    from ita.accounts.sessions import start_session

    user_logged_in.disconnect(dispatch_uid="ita.accounts.logged_in")
    user_logged_in.connect(
        lambda sender, request, user, **kwargs: start_session(request),
        weak=False,
        dispatch_uid="upgrade.session_only",
    )
    taken = snapshot.take(
        pages=plan["pages"],
        commands=plan["commands"],
        tables={
            **plan["moved_tables"],
            **{t: t for t in plan["other_tables"]},
            "memos_memosettings": "memos_memosettings",
        },
        work=work,
    )
    taken["migrate"] = log.getvalue().splitlines()
    taken["schema_problems"] = schema_problems()
    out_file.write_text(json.dumps(taken, ensure_ascii=False, indent=1))
    try:
        taken["corrupted"] = corrupted({**plan, "work": str(work)})
    except Exception:
        taken["corrupted"] = {"error": traceback.format_exc()}
    try:
        taken["new_rows"] = new_rows()
    except Exception:
        taken["new_rows"] = {"error": traceback.format_exc()}
    out_file.write_text(json.dumps(taken, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
