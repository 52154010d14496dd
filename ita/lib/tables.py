"""The one table writer: a table shown on a page, and the same table as CSV, XLSX or JSON.

A ``Table`` holds typed cells once; the page, the CSV, the spreadsheet and the JSON format them
from the column kinds, so they never disagree. Every download of the product goes through here
(the results table, the overview and trends tables, ``manage.py export_scores``). XLSX is written
with openpyxl's write-only mode, which streams rows instead of building the whole sheet in memory
(a nationwide table has 8,400 rows).

Text that a spreadsheet would run as a formula (a cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is written with a leading apostrophe in both files (``neutralise``),
as OWASP advises; numbers, negative ones too, stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from ita.lib.numbers import round2

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet number formats by column kind.
NUMBER_FORMATS = {"score": "0.00", "signed": "+0.00;-0.00;0.00", "percent": "0.00", "int": "0"}
# A cell starting with one of these is a formula to a spreadsheet program (CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# What a row holds for a column of a number kind, "passed" (True/False/None) or "text".
Cell = str | int | float | Decimal | bool | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text | int | score (two decimals) | signed (+1.23) | percent | passed (True/False/None)
    kind: str = "text"
    link: str = ""  # the row's key holding an address for this cell (pages only, not files)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMBER_FORMATS


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Rows whose ``highlight_key`` value equals ``highlight`` are marked on the page and in XLSX.
    highlight_key: str = ""
    highlight: object = None
    note: str = ""

    def is_highlighted(self, row: dict[str, Any]) -> bool:
        return (
            bool(self.highlight_key)
            and self.highlight is not None
            and (row.get(self.highlight_key) == self.highlight)
        )

    def display(self) -> list[tuple[bool, list[tuple[str, bool, str]]]]:
        """For the template: (highlighted, [(text, numeric, link), …]) per row."""
        return [
            (
                self.is_highlighted(row),
                [
                    (
                        display_value(c, row.get(c.key)),
                        c.numeric,
                        row.get(c.link, "") if c.link else "",
                    )
                    for c in self.columns
                ],
            )
            for row in self.rows
        ]


def display_value(column: Column, value: object) -> str:
    if value is None or value == "":
        return "–"
    if column.kind == "passed":
        return _("Passed") if value else _("Not passed")
    if column.kind in {"score", "percent"}:
        return f"{round2(Decimal(str(value))):.2f}"  # half up, as published
    if column.kind == "signed":
        return f"{round2(Decimal(str(value))):+.2f}"
    return str(value)


def _plain(column: Column, value: object) -> str:
    """CSV cells: numbers without the page's dash for a missing value."""
    if value is None or value == "":
        return ""
    return display_value(column, value)


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, with a leading apostrophe; a number unchanged.

    "=HYPERLINK(…)", "+66 2…", "@SUM(…)" become "'=HYPERLINK(…)", …; "-1.50" stays a number.
    """
    if text.startswith(FORMULA_LEADS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_text(text: str) -> str:
    # A carriage return becomes a line feed, which the writer quotes (it quotes only the
    # characters of its line terminator, "\n"): a bare CR would split the row in a spreadsheet.
    return neutralise(text).replace("\r\n", "\n").replace("\r", "\n")


def to_csv(table: Table, *, bom: bool = True) -> str:
    """With a byte-order mark, which spreadsheet programs need to read UTF-8 Thai (``bom``)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_csv_text(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(_plain(c, row.get(c.key))) for c in table.columns])
    return out.getvalue()


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    # Sheet titles: at most 31 characters, none of []:*?/\
    sheet = book.create_sheet(title=_sheet_title(table.title))
    bold = Font(bold=True)
    marked = PatternFill("solid", fgColor="FFF6CC")
    header = []
    for c in table.columns:
        cell = _text_cell(sheet, c.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        highlighted = table.is_highlighted(row)
        cells = []
        for c in table.columns:
            value = _xlsx_value(c, row.get(c.key))
            cell = (
                _text_cell(sheet, value)
                if isinstance(value, str)
                else WriteOnlyCell(sheet, value=value)
            )
            if c.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[c.kind]
            if highlighted:
                cell.font = bold
                cell.fill = marked
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(table: Table) -> str:
    """The rows as JSON objects keyed by column: whole numbers as numbers, the rest as the text
    the CSV holds ("" for a missing value), so the two formats read the same."""
    records = [
        {
            c.key: (_int_or_none(row.get(c.key)) if c.kind == "int" else _plain(c, row.get(c.key)))
            for c in table.columns
        }
        for row in table.rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=1)


def _int_or_none(value: Cell) -> int | None:
    return None if value is None or value == "" else int(value)


def _xlsx_value(column: Column, value: Cell) -> Cell:
    if value is None or value == "":
        return None
    if column.kind == "passed":
        return _plain(column, value)
    if column.kind in {"score", "signed", "percent"}:
        # Exact decimal → float only at the last step: two places survive the round trip.
        return float(Decimal(str(value)))
    if column.kind == "int":
        return int(value)
    return str(value)


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A string cell, never a formula (openpyxl reads a string starting with "=" as one)."""
    cell = WriteOnlyCell(sheet, value=neutralise(text))
    cell.data_type = "s"
    return cell


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet1"


def file_response(table: Table, fmt: str, filename: str) -> HttpResponse:
    """The table as a downloaded file: XLSX, or CSV for anything else."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(table), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(table: Table, fmt: str, stem: str) -> HttpResponse:
    """One table of a page with several: ``<stem>-<table key>.<format>``."""
    return file_response(table, fmt, f"{stem}-{table.key}.{fmt}")


def find(tables: Sequence[Table], key: str) -> Table | None:
    return next((t for t in tables if t.key == key), None)
