"""Tables for import tests, all made from the seed's published table."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook

from ita.demo.seed import SEED_TABLE
from ita.lib.thai import thai_digits


def seed_text() -> str:
    return SEED_TABLE.read_text(encoding="utf-8")


def seed_bytes() -> bytes:
    return SEED_TABLE.read_bytes()


def seed_data_lines() -> list[list[str]]:
    return [line.split("\t") for line in seed_text().splitlines() if re.match(r"^\d+\t", line)]


SEED_HEADER = [
    "ที่",
    "หน่วยงาน",
    "อำเภอ",
    "คะแนน 2564",
    "ระดับผล การประเมิน",
    "เปรียบเทียบ ปีที่ผ่านมา",
    "เปรียบเทียบกับเกณฑ์*",
]


def seed_csv(encoding: str = "utf-8", *, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SEED_HEADER)
    writer.writerows(seed_data_lines())
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def seed_spaces(*, thai: bool = False) -> str:
    """The seed as PDF text often pastes: spaces instead of tabs (and Thai digits)."""
    text = seed_text().replace("\t", " ")
    return thai_digits(text) if thai else text


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def seed_xlsx() -> bytes:
    rows: list[list[object]] = [["ผลการประเมิน ITA จังหวัดตรัง"], [], SEED_HEADER]
    for n, name, district, total, level, change, verdict in seed_data_lines():
        rows.append([int(n), name, district, float(total), level, change, verdict])
    return xlsx(rows)


def indicator_csv(rows: list[tuple[str, str, str, list[Decimal], Decimal | None]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["หน่วยงาน", "อำเภอ", "จังหวัด", *(f"indicator_{n}" for n in range(1, 11)), "คะแนน"]
    )
    for name, district, province, scores, total in rows:
        writer.writerow([name, district, province, *scores, "" if total is None else total])
    return out.getvalue().encode("utf-8")
