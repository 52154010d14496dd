"""A row read and matched, judged against the year's method and what is stored: its total and
scores, then what it changes of the stored result (level, pass/fail, change, rank), each by its
own rule. (``checker.Checker`` reads and matches the rows and hands each to ``Judge.judge``.)"""

from __future__ import annotations

from decimal import Decimal

from ita.imports import numbers, parsing
from ita.imports.checking.limits import result_fits
from ita.imports.matching import Directory
from ita.imports.messages import INFO, column_label, message
from ita.imports.method import YearMethod
from ita.imports.parsing import RawRow, Table
from ita.imports.rows import RowResult, snapshot, two
from ita.lib.thai import clean_text, name_key
from ita.results import methods, rules
from ita.results.models import Source

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


class Judge:
    """The rules of one table's rows under one year's method; what it counts goes into
    ``findings`` (the checker's, shown on the preview)."""

    def __init__(
        self, *, table: Table, method: YearMethod, directory: Directory, findings: dict[str, int]
    ) -> None:
        self.table = table
        self.method = method
        self.directory = directory
        self.findings = findings
        self.columns = set(table.columns)
        self.with_scores = any(c.startswith(parsing.INDICATOR_PREFIX) for c in table.columns)
        self.label_by_key = {name_key(label): label for label in method.labels}
        # Each tool's score matters only to a level that asks every tool to reach a mark.
        self.needs_tools = any(rule.min_each_tool is not None for rule in method.rating)

    def _count(self, finding: str) -> None:
        self.findings[finding] = self.findings.get(finding, 0) + 1

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

    def judge(
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
        tools = rules.tool_scores(self.method.specs, parsed) if self.needs_tools else None
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
