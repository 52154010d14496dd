"""Who belongs to an organisation: the holders of its positions. The one place that says so.

Every page, service and query that limits something to an organisation's members (memos,
reports, measures, evidence files, the emblem) asks here; the rule itself is
``Position.objects.held_by(user)``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ita.history.services import Actor
from ita.organisations.models import Organisation, Position


def positions_of(user: Actor) -> QuerySet[Position]:
    """The user's positions, first appointed first (the first decides their home organisation)."""
    return Position.objects.held_by(user).select_related("organisation").order_by("pk")


def organisation_ids(user: Actor) -> QuerySet[Position, int]:
    """The ids of the user's organisations, as a subquery (``organisation__in=...``)."""
    return Position.objects.held_by(user).values_list("organisation_id", flat=True)


def organisations_of(user: Actor) -> QuerySet[Organisation]:
    """The organisations the user belongs to."""
    return Organisation.objects.filter(pk__in=organisation_ids(user))


def is_member(user: Actor, organisation_id: int) -> bool:
    return Position.objects.held_by(user).filter(organisation_id=organisation_id).exists()


def member_organisation(user: Actor, pk: int) -> Organisation | None:
    """The organisation ``pk`` if the user belongs to it; None for anyone else."""
    return organisations_of(user).filter(pk=pk).first()
