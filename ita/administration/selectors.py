"""Reads of an organisation's administration: its people, positions, acting holders, invitations
and history; each a fixed number of queries whatever the number of people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts.models import Invitation
from ita.history.models import Event, EventKind
from ita.organisations.models import ActingAppointment, Organisation, Position
from ita.organisations.people import person_name


@dataclass
class Person:
    user: User
    positions: list[Position] = field(default_factory=list)
    second_factor: bool = False

    @property
    def name(self) -> str:
        return person_name(self.user)


def people(organisation: Organisation) -> list[Person]:
    """Everyone holding a position of the organisation, active or not (two queries)."""
    found: dict[int, Person] = {}
    for position in (
        Position.objects.filter(organisation=organisation, holder__isnull=False)
        .select_related("holder")
        .order_by("holder__first_name", "holder__last_name", "holder_id", "pk")
    ):
        assert position.holder is not None
        found.setdefault(position.holder.pk, Person(position.holder)).positions.append(position)
    with_factor = set(
        TOTPDevice.objects.filter(user_id__in=list(found), confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    for person in found.values():
        person.second_factor = person.user.pk in with_factor
    return sorted(found.values(), key=lambda p: (not p.user.is_active, p.name))


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def members(organisation: Organisation) -> QuerySet[User]:
    """The organisation's active members (for choosing a holder or an acting holder)."""
    return (
        get_user_model()
        .objects.filter(positions__organisation=organisation, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def positions(organisation: Organisation) -> QuerySet[Position]:
    return (
        Position.objects.filter(organisation=organisation)
        .select_related("holder")
        .order_by("role", "title", "pk")
    )


def open_invitations(organisation: Organisation) -> list[Invitation]:
    return list(
        Invitation.objects.open()
        .filter(organisation=organisation)
        .select_related("position", "invited_by")
        .order_by("-created_at", "-pk")
    )


def acting(organisation: Organisation, today: dt.date) -> list[ActingAppointment]:
    """Appointments in effect or to come, then the ten that ended last."""
    rows = ActingAppointment.objects.filter(position__organisation=organisation).select_related(
        "position", "user"
    )
    current = list(rows.filter(ends__gte=today).order_by("starts", "pk"))
    past = list(rows.filter(ends__lt=today).order_by("-ends", "-pk")[:10])
    return current + past


# The account events shown in an organisation's history when they concern its members.
ACCOUNT_KINDS = (
    EventKind.SECOND_FACTOR_RESET,
    EventKind.SECOND_FACTOR_ENROL,
    EventKind.PASSWORD_CHANGE,
    EventKind.PASSWORD_RESET,
)


def history(organisation: Organisation) -> QuerySet[Event]:
    """The organisation's history, newest first: its own rows, and its members' account events
    (a second factor reset is recorded against the account)."""
    member_ids = [
        str(pk)
        for pk in Position.objects.filter(organisation=organisation, holder__isnull=False)
        .values_list("holder_id", flat=True)
        .distinct()
    ]
    return (
        Event.objects.filter(
            Q(organisation=organisation)
            | Q(object_type="auth.user", object_id__in=member_ids, action__in=ACCOUNT_KINDS)
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )


ROLE_LABELS = dict(Position.Role.choices)
FIELD_LABELS = {
    "title": _("title"),
    "role": _("role"),
    "unit": _("unit"),
    "holder": _("holder"),
    "user": _("acting holder"),
    "starts": _("from"),
    "ends": _("until"),
    "note": _("note"),
    "first_name": _("first name"),
    "last_name": _("last name"),
    "email": _("e-mail"),
    "position": _("position"),
    "organisation": _("organisation"),
}


def _value(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):  # a memo chain
        return " → ".join(str(ROLE_LABELS.get(v, v)) for v in value)
    if key == "role":
        return str(ROLE_LABELS.get(value, value))
    return str(value)


class Described(TypedDict):
    event: Event
    changes: list[tuple[str, str, str]]  # field, before, after (field "" for the whole value)


def describe(events: list[Event]) -> list[Described]:
    """Each event with its changes as (field, before, after), people named (one query)."""
    user_ids: set[int] = set()
    for event in events:
        data = event.data or {}
        for key in ("holder_before", "holder_after"):
            if isinstance(data.get(key), int):
                user_ids.add(data[key])
        for side in ("before", "after"):
            part = data.get(side)
            if isinstance(part, dict):
                for key in ("holder", "user"):
                    if isinstance(part.get(key), int):
                        user_ids.add(part[key])
    names = {str(u.pk): person_name(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    rows: list[Described] = []
    for event in events:
        data = event.data or {}
        changes: list[tuple[str, str, str]] = []
        before, after = data.get("before"), data.get("after")
        if isinstance(before, dict) or isinstance(after, dict):
            before = before if isinstance(before, dict) else {}
            after = after if isinstance(after, dict) else {}
            for key in list(dict.fromkeys([*before, *after])):
                old, new = before.get(key), after.get(key)
                if key in ("holder", "user"):
                    old = names.get(str(old), old) if old is not None else None
                    new = names.get(str(new), new) if new is not None else None
                changes.append(
                    (str(FIELD_LABELS.get(key, key)), _value(old, key), _value(new, key))
                )
        elif "before" in data or "after" in data:
            changes.append(("", _value(before), _value(after)))
        if "holder_after" in data:
            changes.append(
                (
                    str(FIELD_LABELS["holder"]),
                    names.get(str(data.get("holder_before")), "—"),
                    names.get(str(data.get("holder_after")), "—"),
                )
            )
        rows.append({"event": event, "changes": changes})
    return rows
