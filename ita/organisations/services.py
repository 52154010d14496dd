"""Writes to organisations. Each runs in one transaction with its history row."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from ita.documents.emblem import check_emblem
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.thai import name_key
from ita.organisations import gazetteer
from ita.organisations.models import (
    District,
    DistrictAlias,
    Organisation,
    OrganisationAlias,
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

    The file is checked first (``ita.documents.emblem.check_emblem``): a bad file changes nothing.
    """
    checked = check_emblem(data, filename) if data is not None else None
    old_name = organisation.emblem.name if organisation.emblem else ""
    if checked is None:
        organisation.emblem = ""
        organisation.save(update_fields=["emblem"])
    else:
        name = f"org{organisation.pk}.{checked.extension}"
        organisation.emblem.save(name, ContentFile(checked.data), save=False)
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
        data={"removed": checked is None, "type": checked.mime_type if checked else ""},
    )
    return organisation


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
