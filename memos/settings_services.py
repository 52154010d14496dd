"""Writes to an organisation's memo settings: the sign-off chain and the emblem on its memos."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ita.history.models import EventKind
from ita.history.services import Actor, AnyUser, event_record
from ita.organisations.models import Organisation
from ita.organisations.services import organisation_set_emblem
from memos import access
from memos.models import MemoSettings


def emblem_set(
    *, organisation: Organisation, data: bytes | None, filename: str = "", actor: AnyUser
) -> Organisation:
    """Replace (or, with ``data=None``, remove) the emblem on the organisation's memos.

    Only its administrators (``memos.access.administers``) may; the file is checked before
    anything changes (``ita.organisations.services.organisation_set_emblem``), in one transaction.
    """
    reason = access.administrator_refusal(actor, organisation)
    if reason:
        raise PermissionDenied(reason)
    return organisation_set_emblem(
        organisation=organisation, data=data, filename=filename, actor=actor
    )


@transaction.atomic
def memo_chain_set(
    *, organisation: Organisation, memo_chain: list[str], actor: Actor
) -> MemoSettings:
    """Set the executive roles the organisation's memos pass (checked: known roles, in order,
    ending with the mayor). Memos already at a step keep it (``chain.roles_from``)."""
    settings_row = MemoSettings.objects.filter(organisation=organisation).first()
    before = settings_row.memo_chain if settings_row else None
    settings_row = settings_row or MemoSettings(organisation=organisation)
    settings_row.memo_chain = memo_chain
    settings_row.full_clean()
    settings_row.save()
    organisation.memo_settings = settings_row
    event_record(
        actor=actor,
        action=EventKind.MEMO_CHAIN,
        organisation_id=organisation.pk,
        obj=settings_row,
        data={"before": before, "after": list(memo_chain)},
    )
    return settings_row
