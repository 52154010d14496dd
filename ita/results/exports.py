"""Tables as CSV and JSON: one column list for the page download and ``manage.py export_scores``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook

from ita.results.rules import round2
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
    "change",
    "passed",
]


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def export_record(row: ResultRow) -> dict[str, str | int | None]:
    a = row.assessment
    org = a.organisation
    computed = a.computed_total
    return {
        "rank": row.rank,
        "organisation": org.name,
        "kind": org.short_kind,
        "district": org.district.name,
        "province": org.district.province.name,
        "published_total": _number(a.total),
        "computed_total": "" if computed is None else _number(round2(computed)),
        "level": a.level,
        "change": "" if a.change is None else f"{a.change:+.2f}",
        "passed": "" if a.passed is None else ("ผ่าน" if a.passed else "ไม่ผ่าน"),
    }


def to_csv(rows: Iterable[ResultRow], *, bom: bool = False) -> str:
    """CSV text; with ``bom`` for spreadsheet programs that need it to read UTF-8 Thai."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(export_record(row))
    return out.getvalue()


def to_json(rows: Iterable[ResultRow]) -> str:
    return json.dumps([export_record(r) for r in rows], ensure_ascii=False, indent=1)


# Written as numbers in spreadsheets (CSV and JSON keep the published two-decimal text).
NUMERIC = {"published_total", "computed_total", "change"}


def _cell(key: str, value: str | int | None) -> str | int | float | None:
    if value in ("", None):
        return None
    return float(value) if key in NUMERIC else value


def to_xlsx(rows: Iterable[ResultRow]) -> bytes:
    """The same columns as a spreadsheet, streamed by openpyxl's write-only mode so a
    nationwide table does not sit in memory as cell objects."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="ITA")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([_cell(k, v) for k, v in export_record(row).items()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
