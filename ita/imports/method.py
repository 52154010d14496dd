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
    # A year not stored yet is created as ``year_create`` makes it: the levels of its period's
    # scheme (``methods``), the indicators and pass mark of the latest earlier year, if any.
    source = (
        AssessmentYear.objects.filter(year__lt=year)
        .order_by("-year")
        .prefetch_related("indicators", "levels")
        .first()
    )
    rating = [
        rules.RatingRule(level, low, each) for level, low, each in methods.default_levels(year)
    ]
    if source is not None:
        return YearMethod(
            year,
            None,
            source.indicator_specs,
            rating,
            source.pass_mark,
            copied_from=source.year,
            confirmed=False,
        )
    return YearMethod(
        year,
        None,
        [rules.IndicatorSpec(n, tool, w) for n, _name, tool, w in methods.INDICATORS],
        rating,
        methods.PASS_MARK,
        confirmed=False,
    )
