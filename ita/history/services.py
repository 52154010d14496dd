"""Writing the history: one row per change, inside the transaction of the change it records."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction

from ita.history import published
from ita.history.models import Event, EventKind

logger = logging.getLogger("ita.history")

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
    data (the method, years, imports); every caller says which. A change the public pages
    show (``published.PUBLISHED_KINDS``) gives the published data a new version.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if actor is not None and actor.is_authenticated else None
    if action in published.PUBLISHED_KINDS:
        # The public pages' cache key, moved in the same transaction as the change.
        published.bump()
    event = Event.objects.create(
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
    # One log line per service action, once it is committed (a rolled-back change logs nothing).
    fields = {
        "action": str(action),
        "object": f"{object_type}:{object_id}",
        "organisation": organisation_id or "-",
        "user": user.pk if user else "-",
        "event": event.pk,
    }
    transaction.on_commit(lambda: logger.info("event", extra={"fields": fields}))
    return event
