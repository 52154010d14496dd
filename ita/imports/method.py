"""The method a table is checked against: the stored year's, or the one it will be created with,
as the administrator's choices in the preview (a scheme, the method confirmed) would make it.

Those choices are the import's own (``resolutions["*method"]``): nothing about the year changes
until the import is applied (``apply_method``), and a revert undoes what the apply changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from ita.history.models import Event, EventKind
from ita.history.payloads import MethodChoice
from ita.history.services import Actor
from ita.results import methods, rules
from ita.results.models import AssessmentYear
from ita.results.selectors import new_year_method
from ita.results.services import (
    year_confirm,
    year_create,
    year_remove,
    year_set_scheme,
    year_unconfirm,
)


@dataclass
class YearMethod:
    """The year's method; for a year not yet stored, the copy it will be created with."""

    year: int
    stored: AssessmentYear | None
    specs: list[rules.IndicatorSpec]
    rating: list[rules.RatingRule]
    pass_mark: Decimal
    copied_from: int | None = None
    # Levels and pass/fail are computed only from a confirmed method; unconfirmed, an import
    # stores what the table publishes and the score, nothing more.
    confirmed: bool = True
    scheme: str | None = None
    chosen: MethodChoice = field(default_factory=lambda: MethodChoice())

    @property
    def labels(self) -> list[str]:
        return [r.level for r in sorted(self.rating, key=lambda r: -r.min_total)]

    @property
    def numbers(self) -> list[int]:
        return [s.number for s in self.specs]


def _rating(levels: list[methods.Level]) -> list[rules.RatingRule]:
    return [rules.RatingRule(level, low, each) for level, low, each in levels]


def year_method(year: int, resolutions: dict | None = None) -> YearMethod:
    chosen = MethodChoice(**(resolutions or {}).get("*method", {}))
    stored = AssessmentYear.objects.prefetch_related("indicators", "levels").filter(year=year)
    found = stored.first()
    if found is not None:
        method = YearMethod(
            year,
            found,
            found.indicator_specs,
            found.rating_rules,
            found.pass_mark,
            confirmed=found.confirmed,
            scheme=methods.scheme_of(found.level_labels()),
        )
    else:
        # A year not stored yet is checked against the method ``year_create`` will give it.
        start = new_year_method(year)
        method = YearMethod(
            year,
            None,
            start.specs,
            _rating(start.levels),
            start.pass_mark,
            copied_from=start.copied_from,
            confirmed=start.confirmed,
            scheme=start.scheme,
        )
    scheme = chosen.get("scheme")
    if scheme in methods.SCHEMES and scheme != method.scheme:
        method.rating, method.scheme = _rating(methods.SCHEMES[scheme]), scheme
        if found is None:
            method.confirmed = False  # not the method published figures confirm
    if chosen.get("confirm"):
        method.confirmed = True
    method.chosen = chosen
    return method


class MethodDone(TypedDict, total=False):
    """What an apply did to the year's method, kept with the import for its revert."""

    created: bool
    confirmed: bool
    scheme_before: str | None
    computed: dict[str, int]


def apply_method(*, year: int, resolutions: dict, actor: Actor) -> MethodDone:
    """Make the year's method what the preview checked against (inside the commit): create the
    year, switch its scheme, confirm it, as chosen. Returns what changed, for a revert."""
    method = year_method(year, resolutions)
    done = MethodDone()
    if method.stored is None:
        year_create(year=year, actor=actor, confirmed=method.confirmed, scheme=method.scheme)
        done["created"] = True
        done["confirmed"] = bool(method.chosen.get("confirm"))
        return done
    before = methods.scheme_of(method.stored.level_labels())
    if method.scheme and method.scheme != before:
        year_set_scheme(year=year, scheme=method.scheme, actor=actor)
        done["scheme_before"] = before
    if method.confirmed and not method.stored.confirmed:
        year_confirm(year=method.stored, actor=actor)
        done["confirmed"] = True
        done["computed"] = _computed(method.stored)
    return done


def _computed(year: AssessmentYear) -> dict[str, int]:
    """How many levels and pass/fail of the year's stored results its confirmation computed, as
    its history row counts them (``year_confirm``)."""
    event = (
        Event.objects.filter(
            action=EventKind.YEAR_CONFIRM,
            object_type=year._meta.label_lower,
            object_id=str(year.pk),
        )
        .order_by("-pk")
        .first()
    )
    data = event.data if event is not None else {}
    return {
        "levels": int(data.get("levels_computed", 0)),
        "passed": int(data.get("passed_computed", 0)),
    }


def revert_method(*, year: int, done: MethodDone, actor: Actor) -> None:
    """Undo ``apply_method``: a year the import created is removed when nothing refers to it any
    more; a scheme it switched is switched back, a confirmation it gave is withdrawn."""
    found = AssessmentYear.objects.filter(year=year).first()
    if found is None or not done:
        return
    if done.get("created"):
        if not year_remove(year=found, actor=actor) and done.get("confirmed"):
            year_unconfirm(year=found, actor=actor)
        return
    scheme_before = done.get("scheme_before")
    if scheme_before:
        year_set_scheme(year=year, scheme=scheme_before, actor=actor)
    if done.get("confirmed"):
        year_unconfirm(year=found, actor=actor)
