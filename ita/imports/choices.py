"""The choices an administrator makes in a preview: which organisation a row is, to create the
organisations the gazetteer places, to store or skip agencies, the year's levels.

A choice is the import's own (kept in its ``resolutions``) until the import is applied: the
preview is checked again with it, and a discarded preview leaves nothing behind.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.imports.matching import DISTRICT_UNKNOWN
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.services import import_recheck, refuse_if_done
from ita.organisations.models import Organisation, Province
from ita.results import methods


def import_row_resolve(
    *,
    batch: ImportBatch,
    row: ImportRow,
    actor: Actor,
    organisation: Organisation | None = None,
    create: bool = False,
) -> ImportBatch:
    """Reconcile an unknown name: choose ``organisation`` for it (its spelling becomes an alias
    when the import is applied, so later imports match it by themselves; a discarded preview
    leaves none), or mark the row to create a new organisation at commit. Then the preview is
    checked again."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_if_done(locked)
        if row.batch_id != locked.pk or not row.name:
            raise ValidationError(_("This row is not part of the import."))
        if organisation is not None:
            locked.resolutions[str(row.line)] = {"organisation": organisation.pk}
            unclear = next((m for m in row.messages if m["code"] == "place_unclear"), None)
            if unclear and unclear["params"].get("why") == DISTRICT_UNKNOWN:
                # A misspelt district (เมืองควน): the other rows that spell it so are read in the
                # chosen organisation's district, and matched there by their own names.
                place = unclear["params"]["place"]
                province_id = int(place.split(":", 1)[0]) or None
                if province_id in (None, organisation.district.province_id):
                    locked.resolutions.setdefault("*districts", {})[place] = {
                        "district": organisation.district_id,
                        "name": row.district_name,
                    }
        elif create:
            locked.resolutions[str(row.line)] = {"create": True}
            event_record(
                actor=actor,
                action=EventKind.IMPORT_CREATE_ORGANISATION,
                organisation_id=None,
                obj=locked,
                comment=row.name,
                data=payloads.RowCreates(line=row.line),
            )
        else:
            raise ValidationError(_("Choose an organisation, or create a new one."))
        locked.save(update_fields=["resolutions"])
    return import_recheck(batch=locked, actor=actor)


def import_choose_province(*, batch: ImportBatch, province: Province, actor: Actor) -> ImportBatch:
    """The province of every row that names none, chosen once for the whole table in the
    preview (rows without a province whose district is a district of several provinces, or whose
    name is stored in several): the preview is checked again in it, and the apply reads the rows
    in it too. Rows that name their own province keep it (another one is an error)."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_if_done(locked)
        if locked.province_id is not None and locked.province_id != province.pk:
            raise ValidationError(
                _("The province of this table was given at the upload (%(province)s).")
                % {"province": locked.province.name if locked.province else ""}
            )
        locked.province = province
        locked.save(update_fields=["province"])
        event_record(
            actor=actor,
            action=EventKind.IMPORT_CHOOSE,
            organisation_id=None,
            obj=locked,
            comment=province.name,
            data=payloads.ProvinceChosen(year=locked.year, province=province.pk),
        )
    return import_recheck(batch=locked, actor=actor)


def import_create_missing(*, batch: ImportBatch, actor: Actor) -> ImportBatch:
    """Create, at commit, every unknown organisation the gazetteer places (one step for all);
    the rows it cannot place stay errors with their reasons. Then the preview is checked again."""
    return _choose(
        batch,
        payloads.CreateMissing({"*create_missing": True}),
        actor,
        _("create the organisations placed"),
    )


def import_choose_agencies(*, batch: ImportBatch, choice: str, actor: Actor) -> ImportBatch:
    """Store the agencies that are not local governments as their own kind, or skip them: one
    choice for the whole import."""
    if choice not in {"store", "skip"}:
        raise ValidationError(_("Choose to store the agencies or to skip them."))
    return _choose(batch, payloads.AgenciesChosen({"*agencies": choice}), actor, choice)


def import_switch_scheme(*, batch: ImportBatch, scheme: str, actor: Actor) -> ImportBatch:
    """The table's levels belong to another known scheme: check them against it. The year is
    switched only when the import is applied (``method.apply_method``), and back by a revert."""
    if scheme not in methods.SCHEMES:
        raise ValidationError(_("Unknown scheme %(scheme)s.") % {"scheme": scheme})
    return _choose_method(batch, payloads.MethodChoice(scheme=scheme), actor)


def import_confirm_method(*, batch: ImportBatch, actor: Actor) -> ImportBatch:
    """The administrator confirms the year's method with this import: the levels and pass/fail
    the table does not publish are computed from it (and marked computed). The year is marked
    confirmed only when the import is applied, and no longer if it is reverted."""
    return _choose_method(batch, payloads.MethodChoice(confirm=True), actor)


def _choose_method(batch: ImportBatch, choice: payloads.MethodChoice, actor: Actor) -> ImportBatch:
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_if_done(locked)
        locked.resolutions["*method"] = {**locked.resolutions.get("*method", {}), **choice}
        locked.save(update_fields=["resolutions"])
        event_record(
            actor=actor,
            action=EventKind.IMPORT_CHOOSE,
            organisation_id=None,
            obj=locked,
            data=payloads.MethodChosen(year=locked.year, **choice),
        )
    return import_recheck(batch=locked, actor=actor)


def _choose(
    batch: ImportBatch,
    choice: payloads.CreateMissing | payloads.AgenciesChosen,
    actor: Actor,
    comment: str,
) -> ImportBatch:
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_if_done(locked)
        locked.resolutions.update(choice)
        locked.save(update_fields=["resolutions"])
        event_record(
            actor=actor,
            action=EventKind.IMPORT_CREATE_ORGANISATION,
            organisation_id=None,
            obj=locked,
            comment=str(comment),
            data=choice,
        )
    return import_recheck(batch=locked, actor=actor)
