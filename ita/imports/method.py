"""The method a table is checked against: the stored year's, or the one it will be created with."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ita.results import methods, rules
from ita.results.models import AssessmentYear


@dataclass
class YearMethod:
    """The year's method; for a year not yet stored, the copy it will be created with."""

    year: int
    stored: AssessmentYear | None
    specs: list[rules.IndicatorSpec]
    rating: list[rules.RatingRule]
    pass_mark: Decimal
    copied_from: int | None = None
    confirmed: bool = True

    @property
    def labels(self) -> list[str]:
        return [r.level for r in sorted(self.rating, key=lambda r: -r.min_total)]

    @property
    def numbers(self) -> list[int]:
        return [s.number for s in self.specs]


def year_method(year: int) -> YearMethod:
    stored = AssessmentYear.objects.prefetch_related("indicators", "levels").filter(year=year)
    found = stored.first()
    if found is not None:
        return YearMethod(
            year,
            found,
            found.indicator_specs,
            found.rating_rules,
            found.pass_mark,
            confirmed=found.confirmed,
        )
    # A year not stored yet is created with the published method of its period (``methods``).
    return YearMethod(
        year,
        None,
        [rules.IndicatorSpec(n, tool, w) for n, _name, tool, w in methods.INDICATORS],
        [rules.RatingRule(level, low, each) for level, low, each in methods.default_levels(year)],
        methods.PASS_MARK,
        confirmed=False,
    )
