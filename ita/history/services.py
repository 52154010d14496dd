"""Writing the history: one row per change, inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from ita.history.models import Event, EventKind

# A request's user: someone logged in, or the anonymous visitor (``request.user``).
AnyUser = User | AnonymousUser
# Who acts: a logged-in user, or nobody (a migration, the demo, a scheduled command).
Actor = AnyUser | None


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
    data: dict[str, Any] | None = None,
) -> Event:
    """Write a history row; call inside the transaction of the change it records.

    ``organisation_id`` is the organisation the change belongs to, or None for the country's
    data (the method, years, imports); every caller says which.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if actor is not None and actor.is_authenticated else None
    return Event.objects.create(
        actor=user,
        action=action,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def events_record(
    *, actor: Actor, action: EventKind, rows: list[tuple[int | None, str, str, str, dict]]
) -> None:
    """Many history rows of one kind at once (an import creating hundreds of organisations):
    each row is (organisation id, object type, object id, comment, data). Call inside the
    transaction of the change it records, as ``event_record``."""
    user = actor if actor is not None and actor.is_authenticated else None
    Event.objects.bulk_create(
        (
            Event(
                actor=user,
                action=action,
                organisation_id=organisation_id,
                object_type=object_type,
                object_id=object_id,
                comment=comment,
                data=data,
            )
            for organisation_id, object_type, object_id, comment, data in rows
        ),
        batch_size=1000,
    )
