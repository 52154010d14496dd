"""The published ITA methods, as data to seed assessment years with (see ../shared/DOMAIN.md).

A year is normally created as a copy of the previous year's method (``services.year_create``);
these tables are used only when there is no earlier year to copy, and are editable afterwards.
"""

from decimal import Decimal

D = Decimal

INDICATORS = [
    # (number, name, tool, weight in the total)
    (1, "การปฏิบัติหน้าที่", "IIT", D("0.06")),
    (2, "การใช้งบประมาณ", "IIT", D("0.06")),
    (3, "การใช้อำนาจ", "IIT", D("0.06")),
    (4, "การใช้ทรัพย์สินของราชการ", "IIT", D("0.06")),
    (5, "การแก้ไขปัญหาการทุจริต", "IIT", D("0.06")),
    (6, "คุณภาพการดำเนินงาน", "EIT", D("0.10")),
    (7, "ประสิทธิภาพการสื่อสาร", "EIT", D("0.10")),
    (8, "การปรับปรุงการทำงาน", "EIT", D("0.10")),
    (9, "การเปิดเผยข้อมูล", "OIT", D("0.20")),
    (10, "การป้องกันการทุจริต", "OIT", D("0.20")),
]

# 2563–2566: letter bands; pass mark 85.
LETTER_BANDS: list[tuple[str, Decimal, Decimal | None]] = [
    ("AA", D("95"), None),
    ("A", D("85"), None),
    ("B", D("75"), None),
    ("C", D("65"), None),
    ("D", D("55"), None),
    ("E", D("50"), None),
    ("F", D("0"), None),
]

# 2567 onward: labels, the top two with a condition on every tool; pass mark 85.
LABELS_2567: list[tuple[str, Decimal, Decimal | None]] = [
    ("ผ่านดีเยี่ยม", D("95"), D("95")),
    ("ผ่านดี", D("85"), D("85")),
    ("ผ่าน", D("85"), None),
    ("ต้องปรับปรุง", D("70"), None),
    ("ต้องปรับปรุงโดยด่วน", D("0"), None),
]

PASS_MARK = D("85")


def default_levels(year: int) -> list[tuple[str, Decimal, Decimal | None]]:
    return LABELS_2567 if year >= 2567 else LETTER_BANDS
