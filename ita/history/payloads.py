"""What a history row of each kind holds in its details (``Event.data``), typed.

A kind listed in ``PAYLOADS`` is written with exactly its payload's keys: the writer
(``ita.history.services``) refuses a row whose details have others or lack one, and the
functions that build a payload return its type, so mypy checks the keys and values where they
are made. A kind not listed yet holds the object its service writes (see the service).
"""

from __future__ import annotations

from typing import TypedDict, get_type_hints

from ita.history.models import EventKind

# A field's value as JSON holds it: numbers and dates as text, a file as its name.
Plain = str | int | bool | None


class Change(TypedDict):
    """A row saved or deleted elsewhere (the admin's forms): the changed fields before and
    after; a new row has no before, a deleted one no after."""

    before: dict[str, Plain]
    after: dict[str, Plain] | None


class YearCreated(TypedDict):
    """The year its indicators and pass mark were copied from, its levels' scheme, confirmed."""

    copied_from: int | None
    scheme: str | None
    confirmed: bool


class LevelsComputed(TypedDict):
    """How many stored results got a level, and a pass/fail, from the confirmed method."""

    levels_computed: int
    passed_computed: int


class LevelsRemoved(TypedDict):
    """How many computed levels, and pass/fails, went with the method's confirmation."""

    levels_removed: int
    passed_removed: int


class ScoresSet(TypedDict):
    """An assessment's indicator scores: number → score, as text."""

    scores: dict[str, str]


class JobStopped(TypedDict):
    """An import's job its worker's death ended: apply or revert, and the job's id."""

    action: str
    job: int


class Nothing(TypedDict):
    """No details: the row's states say it all."""


# The admin's edits: each kind written by ``saved_with_history`` or ``deleted_with_history``.
CHANGES = [
    EventKind.ORGANISATION_UPDATE,
    EventKind.ORGANISATION_DELETE,
    EventKind.POSITION_CREATE,
    EventKind.POSITION_UPDATE,
    EventKind.POSITION_DELETE,
    EventKind.ACTING_CREATE,
    EventKind.ACTING_UPDATE,
    EventKind.ACTING_DELETE,
    EventKind.ASSESSMENT_CREATE,
    EventKind.ASSESSMENT_UPDATE,
    EventKind.ASSESSMENT_DELETE,
    EventKind.SCORE_CREATE,
    EventKind.SCORE_UPDATE,
    EventKind.SCORE_DELETE,
]
PAYLOADS: dict[EventKind, type] = {
    **dict.fromkeys(CHANGES, Change),
    EventKind.YEAR_CREATE: YearCreated,
    EventKind.YEAR_CONFIRM: LevelsComputed,
    EventKind.YEAR_UNCONFIRM: LevelsRemoved,
    EventKind.YEAR_SCHEME: Nothing,
    EventKind.YEAR_DELETE: Nothing,
    EventKind.ASSESSMENT_SCORES: ScoresSet,
    EventKind.IMPORT_JOB_STOPPED: JobStopped,
}
_KEYS = {kind: frozenset(get_type_hints(payload)) for kind, payload in PAYLOADS.items()}


def check(kind: EventKind, data: dict[str, object]) -> None:
    """Refuse details that are not the kind's payload (keys missing or unknown)."""
    keys = _KEYS.get(kind)
    if keys is not None and set(data) != keys:
        raise TypeError(
            f"history {kind}: details {sorted(data)} are not its payload's {sorted(keys)}"
        )
