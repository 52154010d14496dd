"""A year's results table as a ``Table`` (``ita.lib.tables``): what the province page downloads
as CSV or XLSX and ``manage.py export_scores`` prints as CSV or JSON, with the same columns.

The column names are stable machine names (rank, organisation, …): scripts and spreadsheets
read them, whatever the interface language.
"""

from __future__ import annotations

from collections.abc import Iterable

from ita.lib.numbers import round2
from ita.lib.tables import Column, Table
from ita.results.selectors import ResultRow

COLUMNS = [
    "rank",
    "organisation",
    "kind",
    "district",
    "province",
    "published_total",
    "computed_total",
    "level",
    "level_source",
    "change",
    "passed",
    "passed_source",
]
KINDS = {
    "rank": "int",
    "published_total": "score",
    "computed_total": "score",
    "change": "signed",
}
# Pass or not as the published tables write it, in Thai whatever the interface language.
PASSED_TEXT: dict[bool | None, str] = {True: "ผ่าน", False: "ไม่ผ่าน"}


def export_record(row: ResultRow) -> dict[str, object]:
    a = row.assessment
    org = a.organisation
    computed = a.computed_total
    return {
        "rank": row.rank,
        "organisation": org.name,
        "kind": org.short_kind,
        "district": org.district.name,
        "province": org.district.province.name,
        "published_total": a.total,
        "computed_total": None if computed is None else round2(computed),
        "level": a.level,
        # published (in the NACC's table) or computed (from the year's confirmed method); blank
        # when none is known: an export never passes a computed level off as published.
        "level_source": a.level_source,
        "change": a.change,
        "passed": PASSED_TEXT.get(a.passed, ""),
        "passed_source": a.passed_source,
    }


def results_table(rows: Iterable[ResultRow]) -> Table:
    return Table(
        key="results",
        title="ITA",
        columns=[Column(name, name, KINDS.get(name, "text")) for name in COLUMNS],
        rows=[export_record(r) for r in rows],
    )
