"""Judging a table's rows against the year's method and what is stored (no writes here).

The same check runs for the preview (in chunks, so the page can show progress) and again inside
the commit's transaction, where it must give the same answer as the preview did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ita.imports import parsing
from ita.imports.checking.judging import Judge
from ita.imports.checking.limits import create_too_long, over_limits
from ita.imports.matching import (
    DISTRICT_AMBIGUOUS,
    Directory,
    Match,
    Org,
    district_choices,
    expand_abbreviation,
    history_for,
    match_key,
)
from ita.imports.messages import INFO, message
from ita.imports.method import YearMethod
from ita.imports.models import ImportRow
from ita.imports.parsing import RawRow, Table
from ita.imports.rows import FIELDS, RowResult, four
from ita.lib.thai import clean_text, name_key
from ita.organisations.models import Organisation
from ita.organisations.placement import SPECIAL_FORMS, Gazetteer, Placement, fold
from ita.results.models import Assessment, IndicatorScore


def _chunks(items: Sequence, size: int = 900) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Checker:
    def __init__(
        self,
        *,
        table: Table,
        method: YearMethod,
        province_id: int | None,
        resolutions: dict | None = None,
        directory: Directory | None = None,
        places: Gazetteer | None = None,
    ) -> None:
        self.table = table
        self.method = method
        self.province_id = province_id
        self.resolutions = resolutions or {}
        self.directory = directory or Directory(district_choices=district_choices(self.resolutions))
        self._places = places
        self.findings: dict[str, int] = {}
        # The totals of the year before that the check read (ita.imports.unchanged prints them).
        self.previous: dict[int, Decimal | None] = {}
        self.judge = Judge(
            table=table, method=method, directory=self.directory, findings=self.findings
        )
        self.with_scores = self.judge.with_scores

    def check(self, raw_rows: Sequence[RawRow]) -> list[RowResult]:
        results = [self._read(raw) for raw in raw_rows]
        existing, scores, previous = self._stored(
            {r.organisation_id for r in results if r.organisation_id is not None}
        )
        self.previous.update(previous)
        unknown = [r for r in results if r.organisation_id is None and r.match != "create"]
        history = {}
        if any(r.messages and r.messages[0]["code"] == "organisation_unknown" for r in unknown):
            provinces = {r.province_id for r in unknown}
            history = history_for(
                next(iter(provinces)) if len(provinces) == 1 else None, self.method.year
            )
        for result, raw in zip(results, raw_rows, strict=True):
            if not result.skipped:
                self.judge.judge(result, raw, existing, scores, previous, history)
            result.settle()
        return results

    @property
    def places(self) -> Gazetteer:
        if self._places is None:
            self._places = Gazetteer()
        return self._places

    def _count(self, finding: str) -> None:
        self.findings[finding] = self.findings.get(finding, 0) + 1

    # -- reading one row --------------------------------------------------------------------

    def _read(self, raw: RawRow) -> RowResult:
        values = raw.values
        result = RowResult(
            line=raw.line,
            number=clean_text(values.get(parsing.NUMBER, "")),
            name=clean_text(values.get(parsing.ORGANISATION, "")),
            district_name=clean_text(values.get(parsing.DISTRICT, "")),
            province_name=clean_text(values.get(parsing.PROVINCE, "")),
        )
        problem = self.table.problems.get(raw.line)
        if problem:
            result.error("shape", problem=problem)
            return result
        if not result.name:
            result.error("missing", field=parsing.ORGANISATION)
            return result
        if over_limits(result, raw):
            return result
        province_id = self._province(result)
        if result.has_error:
            return result
        match = self.directory.match(
            name=result.name, district=result.district_name, province_id=province_id
        )
        result.district_id = match.district_id
        result.province_id = match.province_id
        resolution = self.resolutions.get(str(raw.line), {})
        chosen = self.directory.orgs.get(int(resolution.get("organisation") or 0))
        if match.organisation is None and chosen is not None:
            return self._chosen(result, chosen)
        if province_id is None and (
            match.why == DISTRICT_AMBIGUOUS
            or any(code == "place_unclear" for code, _params in match.errors)
        ):
            # Placed once the province of the whole table is chosen in the preview.
            self._count("province_unclear")
        if match.candidates:
            # Stored organisations it may be, but not in its place (or written without its kind):
            # an error naming them, resolved by choosing one in the preview.
            result.suggestions = self.directory.candidates_of(match)
            for code, params in match.errors:
                result.error(code, **params)
            return result
        if match.organisation is None and resolution.get("create"):
            return self._to_create(result, match)
        if match.organisation is None and any(
            code == "organisation_unknown" for code, _params in match.errors
        ):
            placed = self._place(result, match.district_id, match.province_id)
            for code, params in match.warnings:
                placed.warn(code, **params)
            return placed
        return self._matched(result, match)

    def _province(self, result: RowResult) -> int | None:
        """The province the row is read in: the one it names (which must be the table's, when
        the table has one), else the table's; an error on the row when it names an unknown or
        another one."""
        if not result.province_name:
            return self.province_id
        named = self.directory.province_named(result.province_name)
        if named is None:
            result.error("province_unknown", province=result.province_name)
        elif self.province_id is not None and named != self.province_id:
            result.error(
                "province_differs",
                province=result.province_name,
                chosen=self.directory.provinces[self.province_id],
            )
        return named

    def _chosen(self, result: RowResult, chosen: Org) -> RowResult:
        """The organisation chosen by the administrator for this row. A new spelling becomes an
        alias when the import is applied (never by the preview), and the row is a warning to
        confirm."""
        result.organisation_id, result.chosen = chosen.id, True
        result.district_id, result.province_id = chosen.district_id, chosen.province_id
        place = {
            "name": result.name,
            "stored": chosen.name,
            "district": self.directory.district_name(chosen.district_id),
            "province": self.directory.provinces.get(chosen.province_id, ""),
        }
        if match_key(result.name) == fold(chosen.key):
            result.match = ImportRow.Match.NAME
            result.warn("place_chosen", **place)
        else:
            result.match, result.new_alias = ImportRow.Match.ALIAS, True
            result.warn("alias_new", **place)
        return result

    def _to_create(self, result: RowResult, match: Match) -> RowResult:
        """An unknown name the administrator chose to create: its full name, and its kind from
        the name; an error when it cannot be placed or its kind is not in its name."""
        result.match = ImportRow.Match.CREATE
        result.create_name = expand_abbreviation(result.name)
        kind = Organisation.kind_from_name(result.create_name)
        if kind is None and name_key(result.name) in SPECIAL_FORMS:
            kind = Organisation.Kind.SPECIAL
        if create_too_long(result, result.create_name):
            pass
        elif match.district_id is None:
            result.error("create_impossible")
        elif kind is None:
            result.error("create_kind")
        else:
            result.create_kind = kind
            result.messages.append(
                message(INFO, "create", district=self.directory.district_name(match.district_id))
            )
        return result

    def _matched(self, result: RowResult, match: Match) -> RowResult:
        """A stored organisation found by its name or a spelling of it (or the errors of the
        match), with the match's warnings."""
        for code, params in match.errors:
            result.error(code, **params)
        if match.organisation is not None:
            result.organisation_id = match.organisation.id
            result.match = match.via
            if match.via == ImportRow.Match.ALIAS:
                result.messages.append(
                    message(INFO, "matched_alias", stored=match.organisation.name)
                )
        for code, params in match.warnings:
            result.warn(code, **params)
        return result

    def _place(
        self, result: RowResult, district_id: int | None, province_id: int | None
    ) -> RowResult:
        """An unknown name placed by the gazetteer: created (when the import creates the ones
        that match), an agency stored or skipped by the import's choice, or an error that says
        how it matched or why not."""
        placement = self.places.place(result.name, district_id=district_id, province_id=province_id)
        if placement.problem == "kind_missing":
            result.error(
                "kind_missing_place",
                name=result.name,
                found=", ".join(placement.candidates),
                district=self.directory.district_name(placement.district_id),
            )
            return result
        if placement.kind is None:
            self._count("agencies")
            choice = self.resolutions.get("*agencies")
            if choice == "skip":
                result.skipped = True
                result.messages.append(message(INFO, "agency_skipped"))
                return result
            if choice == "store" and placement.placed:
                return self._create(result, placement.name, Organisation.Kind.AGENCY, placement)
            result.error("agency_choose", name=result.name)
            return result
        if placement.placed:
            self._count("placeable")
            if self.resolutions.get("*create_missing"):
                return self._create(result, placement.name, placement.kind, placement)
            result.match = ImportRow.Match.PLACEABLE
            result.error("organisation_unknown", name=result.name)
            result.messages.append(
                message(
                    INFO,
                    f"placed_{placement.how}",
                    found=placement.found,
                    district=self.directory.district_name(placement.district_id),
                )
            )
            return result
        result.error("organisation_unknown", name=result.name)
        result.messages.append(
            message(
                INFO,
                f"unplaced_{placement.problem}",
                district=self.directory.district_name(district_id),
                candidates=", ".join(placement.candidates) or "—",
            )
        )
        return result

    def _create(self, result: RowResult, name: str, kind: str, placement: Placement) -> RowResult:
        if create_too_long(result, name):
            return result
        result.match = ImportRow.Match.CREATE
        result.create_name, result.create_kind = name, kind
        result.district_id = placement.district_id
        result.messages.append(
            message(
                INFO,
                f"create_{placement.how}",
                found=placement.found,
                district=self.directory.district_name(placement.district_id),
            )
        )
        return result

    # -- what is stored ---------------------------------------------------------------------

    def _stored(
        self, org_ids: set[int]
    ) -> tuple[dict[int, dict], dict[int, dict[str, str]], dict[int, Decimal | None]]:
        existing: dict[int, dict] = {}
        scores: dict[int, dict[str, str]] = {}
        previous: dict[int, Decimal | None] = {}
        ids = sorted(org_ids)
        for part in _chunks(ids):
            if self.method.stored is not None:
                for values in Assessment.objects.filter(
                    year=self.method.stored, organisation_id__in=part
                ).values("pk", "organisation_id", *FIELDS):
                    existing[values["organisation_id"]] = values
            for org_id, total in Assessment.objects.filter(
                year__year=self.method.year - 1, organisation_id__in=part
            ).values_list("organisation_id", "total"):
                previous[org_id] = total
        if self.with_scores and existing:
            by_assessment = {v["pk"]: org for org, v in existing.items()}
            for part in _chunks(list(by_assessment)):
                for assessment_id, number, score in IndicatorScore.objects.filter(
                    assessment_id__in=part
                ).values_list("assessment_id", "indicator__number", "score"):
                    scores.setdefault(by_assessment[assessment_id], {})[str(number)] = four(score)
        return existing, scores, previous
