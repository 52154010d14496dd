"""Blank tables to fill in (the downloadable templates), with headers the importer reads."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from ita.imports import parsing
from ita.imports.method import year_method
from ita.results.models import AssessmentYear

TEXT_COLUMNS = {"หน่วยงาน", "อำเภอ", "จังหวัด", "ระดับผลการประเมิน", "เปรียบเทียบกับเกณฑ์"}
RESULTS_HEADER = [
    "ที่",
    "หน่วยงาน",
    "อำเภอ",
    "คะแนน",
    "ระดับผลการประเมิน",
    "เปรียบเทียบปีที่ผ่านมา",
    "เปรียบเทียบกับเกณฑ์",
]


def header(kind: str) -> list[str]:
    if kind == parsing.RESULTS:
        return list(RESULTS_HEADER)
    latest = AssessmentYear.objects.order_by("-year").values_list("year", flat=True).first()
    numbers = year_method(latest or 2564).numbers
    return ["หน่วยงาน", "อำเภอ", "จังหวัด", *(f"indicator_{n}" for n in numbers), "คะแนน"]


def as_csv(kind: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(header(kind))
    # With a BOM, spreadsheet programs open the Thai headers as UTF-8.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def as_xlsx(kind: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ITA")
    sheet.append(header(kind))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
