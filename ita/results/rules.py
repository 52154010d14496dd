"""The ITA method's arithmetic, in one place.

Everything that changes by year (indicators, weights, rating rules, pass mark) arrives as data
from the ``AssessmentYear``; these functions only apply it, so they are tested without a database.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ita.lib.numbers import round2

# Published totals are computed from unrounded indicator scores and then shown to two decimals.
AGREEMENT_TOLERANCE = Decimal("0.01")
TOOLS = ("IIT", "EIT", "OIT")


@dataclass(frozen=True)
class IndicatorSpec:
    number: int
    tool: str
    weight: Decimal


@dataclass(frozen=True)
class RatingRule:
    level: str
    min_total: Decimal
    # When set, every tool's score must reach it too (the labels of 2567 onward).
    min_each_tool: Decimal | None = None


def compute_total(
    indicators: Iterable[IndicatorSpec], scores: Mapping[int, Decimal]
) -> Decimal | None:
    """Σ weight × score over the year's indicators, unrounded; None unless every score is known."""
    total = Decimal(0)
    for spec in indicators:
        score = scores.get(spec.number)
        if score is None:
            return None
        total += spec.weight * Decimal(score)
    return total


def tool_scores(
    indicators: Iterable[IndicatorSpec], scores: Mapping[int, Decimal]
) -> dict[str, Decimal]:
    """Each tool's score: the weighted mean of its indicators (tools with a missing score are left out)."""
    weights: dict[str, Decimal] = {}
    sums: dict[str, Decimal] = {}
    missing: set[str] = set()
    for spec in indicators:
        score = scores.get(spec.number)
        if score is None:
            missing.add(spec.tool)
            continue
        weights[spec.tool] = weights.get(spec.tool, Decimal(0)) + spec.weight
        sums[spec.tool] = sums.get(spec.tool, Decimal(0)) + spec.weight * Decimal(score)
    return {
        tool: sums[tool] / weights[tool]
        for tool in weights
        if tool not in missing and weights[tool] > 0
    }


def _ordered(rules: Iterable[RatingRule]) -> list[RatingRule]:
    # Highest threshold first; at equal thresholds, the rule with a per-tool condition first.
    return sorted(rules, key=lambda r: (r.min_total, r.min_each_tool is not None), reverse=True)


def possible_levels(
    rules: Sequence[RatingRule],
    total: Decimal,
    tools: Mapping[str, Decimal] | None = None,
) -> list[str]:
    """Levels consistent with a total (rounded to two decimals, as published).

    With every tool's score known the answer is one level. Without them, a rule that needs each
    tool to reach a threshold may or may not apply, so every level still possible is returned,
    best first (a published 2567 total of 96 may be ผ่านดีเยี่ยม or ผ่านดี).
    """
    shown = round2(Decimal(total))
    found: list[str] = []
    for rule in _ordered(rules):
        if shown < rule.min_total:
            continue
        if rule.min_each_tool is None:
            found.append(rule.level)
            return found
        if tools is None:
            found.append(rule.level)
            continue
        if all(round2(score) >= rule.min_each_tool for score in tools.values()):
            found.append(rule.level)
            return found
    return found


def rate(
    rules: Sequence[RatingRule], total: Decimal, tools: Mapping[str, Decimal] | None = None
) -> str | None:
    """The one level of a total, or None when it depends on tool scores that are not known."""
    levels = possible_levels(rules, total, tools)
    return levels[0] if len(levels) == 1 else None


def passes(pass_mark: Decimal, total: Decimal) -> bool:
    return round2(Decimal(total)) >= pass_mark


def agrees(a: Decimal, b: Decimal, tolerance: Decimal = AGREEMENT_TOLERANCE) -> bool:
    return abs(Decimal(a) - Decimal(b)) <= tolerance


def gain_per_point(indicators: Iterable[IndicatorSpec]) -> dict[int, Decimal]:
    """Points of total gained per point of each indicator: its weight in the year's method."""
    return {spec.number: spec.weight for spec in indicators}
