"""Writes to organisations. Each runs in one transaction with its history row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ita.documents.emblem import check_emblem
from ita.history.models import EventKind
from ita.history.services import Actor, deleted_with_history, event_record, saved_with_history
from ita.lib.thai import name_key
from ita.organisations import gazetteer
from ita.organisations.models import (
    ActingAppointment,
    District,
    DistrictAlias,
    Organisation,
    OrganisationAlias,
    Position,
    Province,
    Subdistrict,
)


@transaction.atomic
def alias_add(
    *, organisation: Organisation, name: str, actor: Actor, note: str = ""
) -> OrganisationAlias:
    alias, created = OrganisationAlias.objects.get_or_create(
        organisation=organisation,
        name_key=name_key(name),
        defaults={"name": name, "note": note},
    )
    if created:
        event_record(
            actor=actor,
            action=EventKind.ALIAS_ADD,
            organisation_id=organisation.pk,
            obj=organisation,
            comment=alias.name,
        )
    return alias


@transaction.atomic
def organisation_set_emblem(
    *, organisation: Organisation, data: bytes | None, filename: str = "", actor: Actor
) -> Organisation:
    """Replace (or, with ``data=None``, remove) the emblem printed on the organisation's memos.

    The file is made safe first (``ita.documents.emblem.check_emblem``: a bounded PNG made in a
    child process under a CPU and memory budget), and that PNG is what is stored and printed; a
    file refused changes nothing. The one way an emblem is set: the memos' emblem page and the
    organisation's own pages call it; the data migration of older files
    (``organisations.0006``) checks them the same way and writes the same history row.
    """
    checked = check_emblem(data, filename) if data is not None else None
    old_name = organisation.emblem.name if organisation.emblem else ""
    if checked is None:
        organisation.emblem = ""
        organisation.save(update_fields=["emblem"])
    else:
        name = checked.stored_name(f"org{organisation.pk}")
        try:
            organisation.emblem.save(name, ContentFile(checked.data), save=False)
        except OSError as exc:  # a full or read-only media folder: nothing changes
            raise ValidationError(
                _("The emblem could not be stored: the server's storage is full or read-only")
            ) from exc
        organisation.save(update_fields=["emblem"])
    if old_name and old_name != organisation.emblem.name:
        storage = organisation.emblem.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    event_record(
        actor=actor,
        action=EventKind.ORGANISATION_EMBLEM,
        organisation_id=organisation.pk,
        obj=organisation,
        comment=(organisation.emblem.name or "") if checked else "",
        data={
            "removed": checked is None,
            "type": checked.mime_type if checked else "",
            "sha256": checked.sha256 if checked else "",
        },
    )
    return organisation


@transaction.atomic
def organisation_set_second_factor(
    *, organisation: Organisation, required: bool, actor: Actor
) -> Organisation:
    """Require (or not) a TOTP second factor of the organisation's signers before they sign."""
    before = organisation.signers_need_second_factor
    organisation.signers_need_second_factor = required
    organisation.save(update_fields=["signers_need_second_factor"])
    event_record(
        actor=actor,
        action=EventKind.ORGANISATION_SECOND_FACTOR,
        organisation_id=organisation.pk,
        obj=organisation,
        data={"before": before, "after": required},
    )
    return organisation


# The admin's edits: each saved or deleted with a history row of its fields before and after.


def organisation_save(*, organisation: Organisation, actor: Actor) -> Organisation:
    return saved_with_history(
        organisation,
        actor=actor,
        create=EventKind.ORGANISATION_CREATE,
        update=EventKind.ORGANISATION_UPDATE,
        organisation_of=lambda o: o.pk,
    )


def organisation_delete(*, organisation: Organisation, actor: Actor) -> None:
    deleted_with_history(
        organisation,
        actor=actor,
        action=EventKind.ORGANISATION_DELETE,
        organisation_id=organisation.pk,
    )


def position_save(*, position: Position, actor: Actor) -> Position:
    return saved_with_history(
        position,
        actor=actor,
        create=EventKind.POSITION_CREATE,
        update=EventKind.POSITION_UPDATE,
        organisation_of=lambda p: p.organisation_id,
    )


def position_delete(*, position: Position, actor: Actor) -> None:
    deleted_with_history(
        position,
        actor=actor,
        action=EventKind.POSITION_DELETE,
        organisation_id=position.organisation_id,
    )


def acting_save(*, appointment: ActingAppointment, actor: Actor) -> ActingAppointment:
    """Checked first (``ActingAppointment.clean``: the acting holder is a member of the
    organisation, the period in order): a refused appointment changes nothing."""
    appointment.full_clean()
    return saved_with_history(
        appointment,
        actor=actor,
        create=EventKind.ACTING_CREATE,
        update=EventKind.ACTING_UPDATE,
        organisation_of=lambda a: a.position.organisation_id,
    )


def acting_delete(*, appointment: ActingAppointment, actor: Actor) -> None:
    deleted_with_history(
        appointment,
        actor=actor,
        action=EventKind.ACTING_DELETE,
        organisation_id=appointment.position.organisation_id,
    )


@transaction.atomic
def gazetteer_load(*, create: bool, actor: Actor) -> gazetteer.Loaded:
    """The gazetteer into an install made before it (``manage.py load_gazetteer``)."""
    loaded = gazetteer.load(Province, District, Subdistrict, DistrictAlias, create=create)
    event_record(
        actor=actor,
        action=EventKind.GAZETTEER_LOAD,
        organisation_id=None,
        obj=None,
        data={
            "provinces": loaded.provinces,
            "districts": loaded.districts,
            "subdistricts": loaded.subdistricts,
            "coded": len(loaded.coded),
        },
    )
    return loaded
