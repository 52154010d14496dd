"""Synthetic nationwide-size results, for benchmarks (``bench/pages.py``) and query-count tests.

Real published tables cover ~8,400 organisations a year in 77 provinces and ~900 districts; this
builds data of that shape (any size) deterministically from a seed, with indicator scores whose
computed total is the published one, levels and pass/fail from each year's own method, changes
vs the previous year, a few organisations left unassessed in a year and a few without a total.
It writes with ``bulk_create`` like the demo loader: it is test data, not a user's action.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from ita.history import published
from ita.lib import planner
from ita.lib.thai import name_key
from ita.organisations.models import District, Organisation, Province
from ita.results import methods, rules, services
from ita.results.models import Assessment, AssessmentYear, IndicatorScore, RatingLevel, Source
from ita.results.selectors import competition_ranks

PROVINCE_PREFIX = "จำลอง"
# Rough national shares of the kinds (one อบจ. per province is added on top).
KIND_WEIGHTS = [
    (Organisation.Kind.CITY, 0.004),
    (Organisation.Kind.TOWN, 0.024),
    (Organisation.Kind.SUBDISTRICT_MUNICIPALITY, 0.27),
    (Organisation.Kind.SAO, 0.702),
]
KIND_PREFIX = {kind: prefix for prefix, kind in Organisation.NAME_PREFIXES}


@dataclass
class Dataset:
    provinces: list[Province]
    districts: list[District]
    organisations: list[Organisation]
    years: list[AssessmentYear]
    assessments: int
    scores: int


def _clamp(value: float) -> Decimal:
    return Decimal(f"{min(100.0, max(0.0, value)):.2f}")


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, each part at least 1, summing exactly."""
    scale = sum(weights)
    parts = [max(1, int(total * w / scale)) for w in weights]
    k = 0
    while sum(parts) != total:  # hand out (or take back) the rounding, one at a time
        step = 1 if sum(parts) < total else -1
        if parts[k % len(parts)] + step >= 1:
            parts[k % len(parts)] += step
        k += 1
    return parts


def _places(
    rng: random.Random, tag: int, provinces: int, districts: int, organisations: int
) -> tuple[list[Province], list[District], list[Organisation]]:
    """The provinces, their districts and their organisations, of sizes as the real ones."""
    province_objs = Province.objects.bulk_create(
        Province(name=f"{PROVINCE_PREFIX}{tag}-{p + 1:02d}", name_en=f"Synthetic {p + 1}")
        for p in range(provinces)
    )
    district_objs: list[District] = []
    # Provinces differ in size as the real ones do (the largest, นครราชสีมา, has ~330 local
    # governments, three times the mean): the first province here is three times the mean.
    sizes = [3.0] + [rng.uniform(0.3, 1.7) for _ in range(provinces - 1)]
    for province, count in zip(province_objs, _spread(districts, sizes), strict=True):
        for d in range(count):
            name = f"อำเภอจำลอง{province.pk}-{d + 1}"
            district_objs.append(District(province=province, name=name, name_key=name_key(name)))
    district_objs = District.objects.bulk_create(district_objs)
    by_province: dict[int, list[District]] = {}
    for district in district_objs:
        by_province.setdefault(district.province_id, []).append(district)

    org_objs: list[Organisation] = []
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    for province, count in zip(province_objs, _spread(organisations, sizes), strict=True):
        own = by_province[province.pk]
        for k in range(count):
            district = own[k % len(own)]
            kind = Organisation.Kind.PAO if k == 0 else rng.choices(kinds, weights)[0]
            name = f"{KIND_PREFIX[kind]}จำลอง{province.pk}-{k + 1}"
            org_objs.append(
                Organisation(name=name, name_key=name_key(name), kind=kind, district=district)
            )
    org_objs = Organisation.objects.bulk_create(org_objs, batch_size=2000)
    return province_objs, district_objs, org_objs


@transaction.atomic
def build(
    *,
    organisations: int = 8400,
    provinces: int = 77,
    districts: int = 900,
    years: Sequence[int] = (2563, 2564, 2565, 2566, 2567),
    scores: bool = True,
    seed: int = 2564,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    """Create provinces, districts, organisations and their results for ``years`` (BE)."""
    if not 1 <= provinces <= districts <= organisations:
        raise ValueError("need 1 ≤ provinces ≤ districts ≤ organisations")
    rng = random.Random(seed)
    say = progress or (lambda _message: None)
    tag = rng.randrange(10**6)

    province_objs, district_objs, org_objs = _places(rng, tag, provinces, districts, organisations)
    say(
        f"{len(province_objs)} provinces, {len(district_objs)} districts, {len(org_objs)} organisations"
    )

    year_objs = []
    for number in sorted(years):
        existing = AssessmentYear.objects.filter(year=number).first()
        if existing is None:
            existing = services.year_create(year=number, actor=None)
            _published_levels(existing)
        year_objs.append(existing)
    year_objs = list(
        AssessmentYear.objects.filter(pk__in=[y.pk for y in year_objs])
        .prefetch_related("indicators", "levels")
        .order_by("year")
    )

    quality = {o.pk: rng.gauss(84, 8) for o in org_objs}
    previous: dict[int, Decimal | None] = {}
    n_assessments = n_scores = 0
    for year in year_objs:
        specs = year.indicator_specs
        indicators = {i.number: i for i in year.indicators.all()}
        rows: list[tuple[Assessment, dict[int, Decimal]]] = []
        for org in org_objs:
            quality[org.pk] += rng.gauss(0.8, 2.5)
            if rng.random() < 0.01:  # not assessed this year
                previous[org.pk] = None
                continue
            if rng.random() < 0.003:  # assessed, no total published
                rows.append((Assessment(organisation=org, year=year), {}))
                previous[org.pk] = None
                continue
            q = quality[org.pk]
            values = {
                s.number: _clamp(q + rng.gauss(0, 12 if s.tool == "OIT" else 5)) for s in specs
            }
            computed = rules.compute_total(specs, values)
            assert computed is not None  # every indicator has a value
            total = rules.round2(computed)
            before = previous.get(org.pk)
            level = year.rate(total, rules.tool_scores(specs, values)) or ""
            rows.append(
                (
                    Assessment(
                        organisation=org,
                        year=year,
                        total=total,
                        level=level,
                        passed=year.passes(total),
                        # Synthetic figures rated by the year's method, as an import computes.
                        level_source=Source.COMPUTED if level else "",
                        passed_source=Source.COMPUTED,
                        change=None if before is None else total - before,
                    ),
                    values if scores else {},
                )
            )
            previous[org.pk] = total
        _rank_in_provinces([a for a, _ in rows], org_objs)
        created = Assessment.objects.bulk_create([a for a, _ in rows], batch_size=2000)
        score_objs = [
            IndicatorScore(assessment=a, indicator=indicators[n], score=v)
            for a, (_, values) in zip(created, rows, strict=True)
            for n, v in values.items()
        ]
        IndicatorScore.objects.bulk_create(score_objs, batch_size=5000)
        n_assessments += len(created)
        n_scores += len(score_objs)
        say(f"{year.year}: {len(created)} assessments, {len(score_objs)} indicator scores")
    published.bump()  # written around the services: the public pages' cache moves on by hand
    # Analysed once made: see ita.lib.planner (the insights' joins ran as nested loops).
    planner.analyze([Province, District, Organisation, Assessment, IndicatorScore])
    return Dataset(province_objs, district_objs, org_objs, year_objs, n_assessments, n_scores)


def _published_levels(year: AssessmentYear) -> None:
    """A new year copies the previous year's method; 2567 changed the rating scheme, so a
    synthetic 2567 after a 2566 gets the labels it was really rated by."""
    wanted = methods.default_levels(year.year)
    have = {(r.level, r.min_total, r.min_each_tool) for r in year.levels.all()}
    if have != set(wanted):
        year.levels.all().delete()
        RatingLevel.objects.bulk_create(
            RatingLevel(year=year, level=level, min_total=low, min_each_tool=each)
            for level, low, each in wanted
        )


def _rank_in_provinces(assessments: list[Assessment], organisations: list[Organisation]) -> None:
    """The published row number: the rank within the province (as the NACC tables print it)."""
    # Each organisation still holds the District object it was built with: no query here.
    province_of = {o.pk: o.district.province_id for o in organisations}
    groups: dict[int, list[tuple[Decimal, Assessment]]] = {}
    for a in assessments:
        if a.total is not None:
            groups.setdefault(province_of[a.organisation_id], []).append((a.total, a))
    for group in groups.values():
        group.sort(key=lambda pair: -pair[0])
        for (_total, a), rank in zip(
            group, competition_ranks(total for total, _a in group), strict=True
        ):
            a.rank = rank
