"""Writing the history: one row per change, inside the transaction of the change it records."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from ita.history import payloads, published
from ita.history.models import Event, EventKind

logger = logging.getLogger("ita.history")

# A request's user: someone logged in, or the anonymous visitor (``request.user``).
AnyUser = User | AnonymousUser
# Who acts: a logged-in user, or nobody (a migration, the demo, a scheduled command).
Actor = AnyUser | None
M = TypeVar("M", bound=models.Model)


def event_record(
    *,
    actor: Actor,
    action: EventKind,
    organisation_id: int | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: payloads.Payload | None = None,
) -> Event:
    """Write a history row; call inside the transaction of the change it records.

    ``organisation_id`` is the organisation the change belongs to, or None for the country's
    data (the method, years, imports); every caller says which. A change the public pages
    show (``published.PUBLISHED_KINDS``) gives the published data a new version. ``data`` is
    the kind's payload (``ita.history.payloads``), none for a kind whose payload is ``Nothing``.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = Event(
        action=action,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=dict(data or {}),
    )
    (written,) = _write([event], actor)
    return written


def events_record(
    *,
    actor: Actor,
    action: EventKind,
    rows: list[tuple[int | None, str, str, str, payloads.Payload]],
) -> None:
    """Many history rows of one kind at once (an import creating hundreds of organisations):
    each row is (organisation id, object type, object id, comment, data). Call inside the
    transaction of the change it records, as ``event_record``: the rows are written, published
    and logged as it writes one."""
    _write(
        [
            Event(
                action=action,
                organisation_id=organisation_id,
                object_type=object_type,
                object_id=object_id,
                comment=comment,
                data=data,
            )
            for organisation_id, object_type, object_id, comment, data in rows
        ],
        actor,
    )


def _write(events: list[Event], actor: Actor) -> list[Event]:
    """The one writer of history rows, one or many: the kind checked, the actor (a logged-in
    user, else nobody), the published data's new version when a kind the public pages show is
    among them, and one log line per row once the change is committed."""
    user = actor if actor is not None and actor.is_authenticated else None
    for event in events:
        # The column has no choices (a new kind needs no migration): the kind is checked here,
        # and the details against the kind's payload.
        event.action = EventKind(event.action)
        payloads.check(event.action, event.data)
        event.actor = user
    if any(e.action in published.PUBLISHED_KINDS for e in events):
        # The public pages' cache key, moved in the same transaction as the change.
        published.bump()
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        events = Event.objects.bulk_create(events, batch_size=1000)
    # One log line per row, once it is committed (a rolled-back change logs nothing).
    lines = [
        {
            "action": str(e.action),
            "object": f"{e.object_type}:{e.object_id}",
            "organisation": e.organisation_id or "-",
            "user": user.pk if user else "-",
            "event": e.pk,
        }
        for e in events
    ]

    def log() -> None:
        for fields in lines:
            logger.info("event", extra={"fields": fields})

    transaction.on_commit(log)
    return events


def _plain(value: object) -> payloads.Plain:
    """A field's value as JSON holds it: numbers and dates as text, a file as its name."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model) -> dict[str, payloads.Plain]:
    """Every stored field of a row (foreign keys as ids), as a history row's details hold it."""
    return {
        f.name: _plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if not f.primary_key
    }


@transaction.atomic
def saved_with_history(
    obj: M,
    *,
    actor: Actor,
    create: EventKind,
    update: EventKind,
    organisation_of: Callable[[M], int | None],
) -> M:
    """Save a row edited elsewhere (the admin's forms) with a history row of what changed:
    ``{"before": {field: old}, "after": {field: new}}`` (the changed fields only)."""
    old = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    before = snapshot(old) if old is not None else {}
    obj.save()
    after = snapshot(obj)
    changed = [k for k in after if old is None or before.get(k) != after[k]]
    if old is not None and not changed:
        return obj
    event_record(
        actor=actor,
        action=update if old is not None else create,
        organisation_id=organisation_of(obj),
        obj=obj,
        comment=str(obj)[:200],
        data=payloads.Change(
            before={k: before.get(k) for k in changed} if old is not None else {},
            after={k: after[k] for k in changed},
        ),
    )
    return obj


@transaction.atomic
def deleted_with_history(
    obj: models.Model, *, actor: Actor, action: EventKind, organisation_id: int | None
) -> None:
    """Delete a row with a history row holding every field it had."""
    event_record(
        actor=actor,
        action=action,
        organisation_id=organisation_id,
        obj=obj,
        comment=str(obj)[:200],
        data=payloads.Change(before=snapshot(obj), after=None),
    )
    obj.delete()
