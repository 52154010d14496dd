"""Judging a table's rows against the year's method and what is stored (no writes here).

The same check runs for the preview (in chunks, so the page can show progress) and again inside
the commit's transaction, where it must give the same answer as the preview did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ita.imports import numbers, parsing
from ita.imports.checking.limits import create_too_long, over_limits, result_fits
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
from ita.imports.messages import INFO, column_label, message
from ita.imports.method import YearMethod
from ita.imports.models import ImportRow
from ita.imports.parsing import RawRow, Table
from ita.imports.rows import FIELDS, RowResult, four, snapshot, two
from ita.lib.thai import clean_text, name_key
from ita.organisations.models import Organisation
from ita.organisations.placement import SPECIAL_FORMS, Gazetteer, Placement, fold
from ita.results import methods, rules
from ita.results.models import Assessment, IndicatorScore, Source

SCORE_RANGE = (Decimal(0), Decimal(100))
# The stored result of an organisation that has none yet.
NO_RESULT = {
    "total": None,
    "level": "",
    "change": None,
    "passed": None,
    "rank": None,
    "derived": False,
    "level_source": "",
    "passed_source": "",
}


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
        self.columns = set(table.columns)
        self.with_scores = any(c.startswith(parsing.INDICATOR_PREFIX) for c in table.columns)
        self.label_by_key = {name_key(label): label for label in method.labels}

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
                self._judge(result, raw, existing, scores, previous, history)
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

    def _decimal(self, result: RowResult, raw: RawRow, column: str, places: str) -> Decimal | None:
        text = raw.values.get(column, "").strip()
        if not text or text in {"-", "–", "—"}:
            return None
        try:
            value = numbers.parse_decimal(text)
        except ValueError:
            result.error("not_number", field=column, value=text)
            return None
        rounded = numbers.quantize(value, places)
        if rounded != value:
            result.warn("rounded", field=column, value=text, rounded=rounded)
        return rounded

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

    # -- judging ----------------------------------------------------------------------------

    def _judge(
        self,
        result: RowResult,
        raw: RawRow,
        existing: dict[int, dict],
        scores: dict[int, dict[str, str]],
        previous: dict[int, Decimal | None],
        history: dict,
    ) -> None:
        """A row read and matched, judged: its total and scores, then what it changes of the
        stored result (level, pass/fail, change, rank), each by its own rule below."""
        total, change = self._totals(result, raw)
        if result.messages and result.messages[0]["code"] == "organisation_unknown":
            result.suggestions = self.directory.suggest(
                name=result.name,
                district_id=result.district_id,
                province_id=result.province_id,
                total=total,
                change=change,
                history=history,
            )
        row_scores, tools, total = self._scores(result, raw, total)
        if total is None and not result.has_error:
            result.error("missing", field=parsing.TOTAL)
        if result.has_error or total is None:
            return
        before, after = self._before_after(result, existing, scores)
        after["total"] = two(total)
        if row_scores is not None:
            after["scores"] = row_scores
        computed_fields: list[str] = []
        absent: list[str] = []
        self._level(result, raw, total, tools, before, after, computed_fields, absent)
        self._passed(result, raw, total, before, after, computed_fields, absent)
        last = previous.get(result.organisation_id) if result.organisation_id else None
        self._change(result, raw, total, change, last, after, computed_fields)
        self._rank(result, after)
        after["derived"] = False
        self._say_computed(result, computed_fields, absent)
        if not result.has_error:
            result.before, result.after = before, after

    def _totals(self, result: RowResult, raw: RawRow) -> tuple[Decimal | None, Decimal | None]:
        """The row's total and change as the table writes them (a total outside 0–100 is an
        error, and no total)."""
        total = self._decimal(result, raw, parsing.TOTAL, "0.01")
        change = self._decimal(result, raw, parsing.CHANGE, "0.01")
        if total is not None and not SCORE_RANGE[0] <= total <= SCORE_RANGE[1]:
            result.error("out_of_range", field=parsing.TOTAL, value=total)
            total = None
        return total, change

    def _scores(
        self, result: RowResult, raw: RawRow, total: Decimal | None
    ) -> tuple[dict[str, str] | None, dict[str, Decimal] | None, Decimal | None]:
        """The indicators' scores of a table that has them (every indicator of the method, each
        within 0–100), the tools' scores, and the total: the one they give when the row has
        none, an error when the row's disagrees with it."""
        if not self.with_scores:
            return None, None, total
        parsed = self._indicators(result, raw)
        if parsed is None:
            return None, None, total
        # Already rounded to four places by _decimal.
        row_scores = {str(n): f"{s:.4f}" for n, s in parsed.items()}
        computed = rules.compute_total(self.method.specs, parsed)
        assert computed is not None  # every indicator of the method has a score
        tools = rules.tool_scores(self.method.specs, parsed)
        if total is None:
            total = rules.round2(computed)
        elif not rules.agrees(computed, total):
            result.error("total_disagrees", total=total, computed=rules.round2(computed))
        return row_scores, tools, total

    def _indicators(self, result: RowResult, raw: RawRow) -> dict[int, Decimal] | None:
        """Each indicator's score, when every one is there and readable (none otherwise: the
        missing ones are an error, the unreadable ones each their own)."""
        parsed: dict[int, Decimal] = {}
        missing = []
        for number in self.method.numbers:
            column = f"{parsing.INDICATOR_PREFIX}{number}"
            score = self._decimal(result, raw, column, "0.0001")
            if score is None:
                if not raw.values.get(column, "").strip():
                    missing.append(str(number))
                continue
            if not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:
                result.error("out_of_range", field=column, value=score)
                continue
            parsed[number] = score
        if missing:
            result.error("indicators_missing", numbers=", ".join(missing))
            return None
        return parsed if len(parsed) == len(self.method.numbers) else None

    def _before_after(
        self, result: RowResult, existing: dict[int, dict], scores: dict[int, dict[str, str]]
    ) -> tuple[dict | None, dict]:
        """The stored result of the row's organisation (none for a new one) and a copy of it
        for the row to change."""
        org_id = result.organisation_id
        stored = existing.get(org_id) if org_id else None
        if not stored or not org_id:
            return None, snapshot(dict(NO_RESULT), None, self.with_scores)
        result.assessment_id = stored["pk"]
        before = snapshot(stored, scores.get(org_id), self.with_scores)
        return before, dict(before)

    def _change(
        self,
        result: RowResult,
        raw: RawRow,
        total: Decimal,
        change: Decimal | None,
        last: Decimal | None,
        after: dict,
        computed_fields: list[str],
    ) -> None:
        """The change from the previous year: the table's, checked against the score stored for
        that year; else, when the table has no change (ITAS publishes none), computed from it."""
        blank = change is None and not raw.values.get(parsing.CHANGE, "").strip()
        if blank and last is not None:
            after["change"] = two(total - last)
            computed_fields.append(parsing.CHANGE)
        if change is not None and not result_fits(result, parsing.CHANGE, "change", change):
            change = None
        if change is None:
            return
        after["change"] = two(change)
        if last is not None and not rules.agrees(total - change, last):
            result.warn(
                "change_disagrees",
                change=f"{change:+.2f}",
                implied=two(total - change),
                previous_year=self.method.year - 1,
                stored=two(last),
            )

    def _rank(self, result: RowResult, after: dict) -> None:
        """A results table's number is the rank."""
        if self.table.kind != parsing.RESULTS or not result.number:
            return
        try:
            rank = int(numbers.parse_decimal(result.number))
        except ValueError:
            result.error("not_number", field=parsing.NUMBER, value=result.number)
            return
        if result_fits(result, parsing.NUMBER, "rank", rank):
            after["rank"] = rank

    def _say_computed(
        self, result: RowResult, computed_fields: list[str], absent: list[str]
    ) -> None:
        """What the row's result got from the method rather than the table, and what it does
        not get while the year's method is unconfirmed."""
        if computed_fields and self.table.kind == parsing.RESULTS:
            result.messages.append(
                message(
                    INFO,
                    "computed",
                    fields=", ".join(str(column_label(c)) for c in computed_fields),
                    year=self.method.year,
                )
            )
        if absent:
            self._count("unconfirmed")
            result.messages.append(
                message(
                    INFO,
                    "not_computed",
                    fields=", ".join(str(column_label(c)) for c in absent),
                    year=self.method.year,
                )
            )

    def _published(self, raw: RawRow, column: str, source_column: str) -> str:
        """A level or pass/fail as the table publishes it. A table this product exported says
        where each came from: a computed one is not read back as published."""
        if source_column in self.columns:
            source = clean_text(raw.values.get(source_column, ""))
            if source != Source.PUBLISHED:
                return ""
        text = raw.values.get(column, "")
        return clean_text(text) if text else ""

    def _level(
        self,
        result: RowResult,
        raw: RawRow,
        total: Decimal,
        tools: dict[str, Decimal] | None,
        before: dict | None,
        after: dict,
        computed_fields: list[str],
        absent: list[str],
    ) -> None:
        """The level: the table's (published), else the one the year's confirmed method gives
        (computed), else none. A published level stored for the same total is kept."""
        method = self.method
        possible = rules.possible_levels(method.rating, total, tools)
        level_text = self._published(raw, parsing.LEVEL, parsing.LEVEL_SOURCE)
        if level_text:
            label = self.label_by_key.get(name_key(level_text))
            scheme = methods.scheme_of_level(level_text)
            if label is None and scheme and scheme != methods.scheme_of(method.labels):
                self._count(f"scheme:{scheme}")
                result.error(
                    "level_other_scheme",
                    value=level_text,
                    levels=", ".join(method.labels) or "—",
                    scheme=methods.SCHEME_NAMES[scheme],
                )
            elif label is None:
                result.error(
                    "level_unknown", value=level_text, levels=", ".join(method.labels) or "—"
                )
            elif label not in possible and method.confirmed:
                result.error(
                    "level_contradicts",
                    value=label,
                    total=two(total),
                    expected=" / ".join(possible),
                )
            else:
                if label not in possible:
                    # The table is the record; the method is only presumed: say so.
                    result.warn(
                        "level_contradicts_unconfirmed",
                        value=label,
                        total=two(total),
                        expected=" / ".join(possible) or "—",
                        year=method.year,
                    )
                after["level"], after["level_source"] = label, Source.PUBLISHED
            return
        if (
            before is not None
            and before.get("level_source") == Source.PUBLISHED
            and before.get("total") == after["total"]
        ):
            return  # published before for this very score
        if method.confirmed and len(possible) == 1:
            after["level"], after["level_source"] = possible[0], Source.COMPUTED
            computed_fields.append(parsing.LEVEL)
            return
        after["level"], after["level_source"] = "", ""
        if not method.confirmed:
            absent.append(parsing.LEVEL)

    def _passed(
        self,
        result: RowResult,
        raw: RawRow,
        total: Decimal,
        before: dict | None,
        after: dict,
        computed_fields: list[str],
        absent: list[str],
    ) -> None:
        """Pass or fail: the table's, else the confirmed method's pass mark, else none."""
        method = self.method
        passes = rules.passes(method.pass_mark, total)
        passed_text = self._published(raw, parsing.PASSED, parsing.PASSED_SOURCE)
        if passed_text:
            try:
                passed = numbers.parse_passed(passed_text)
            except ValueError:
                result.error("passed_unreadable", value=passed_text)
                return
            if passed is not passes:
                params = {"value": passed_text, "total": two(total), "mark": two(method.pass_mark)}
                if method.confirmed:
                    result.error("passed_contradicts", **params)
                    return
                result.warn("passed_contradicts_unconfirmed", year=method.year, **params)
            after["passed"], after["passed_source"] = passed, Source.PUBLISHED
            return
        if (
            before is not None
            and before.get("passed_source") == Source.PUBLISHED
            and before.get("total") == after["total"]
        ):
            return
        if method.confirmed:
            after["passed"], after["passed_source"] = passes, Source.COMPUTED
            computed_fields.append(parsing.PASSED)
            return
        after["passed"], after["passed_source"] = None, ""
        absent.append(parsing.PASSED)
