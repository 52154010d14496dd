"""The published ITA methods, as data to seed assessment years with (see ../shared/DOMAIN.md).

Every year from 2563 has its method here: the ten indicators and their weights, a rating scheme
and the pass mark. 2563–2566 rate by letter bands (AA … F); from 2567 the NACC rates by labels
with per-tool conditions. Official sources for 2567 onward are thin (see docs/ita-method.md):
a year created from these tables is stored unconfirmed, stays editable, and an administrator
confirms it (``services.year_confirm``) or switches its scheme (``services.year_set_scheme``).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ita.lib.thai import name_key

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

Level = tuple[str, Decimal, Decimal | None]

# 2563–2566: letter bands; pass mark 85.
LETTER_BANDS: list[Level] = [
    ("AA", D("95"), None),
    ("A", D("85"), None),
    ("B", D("75"), None),
    ("C", D("65"), None),
    ("D", D("55"), None),
    ("E", D("50"), None),
    ("F", D("0"), None),
]

# 2567 onward: labels, the top two with a condition on every tool; pass mark 85.
LABELS_2567: list[Level] = [
    ("ผ่านดีเยี่ยม", D("95"), D("95")),
    ("ผ่านดี", D("85"), D("85")),
    ("ผ่าน", D("85"), None),
    ("ต้องปรับปรุง", D("70"), None),
    ("ต้องปรับปรุงโดยด่วน", D("0"), None),
]

LETTERS = "letters"
LABELS = "labels"
SCHEMES: dict[str, list[Level]] = {LETTERS: LETTER_BANDS, LABELS: LABELS_2567}
SCHEME_NAMES = {
    LETTERS: _("letter bands AA … F (2563–2566)"),
    LABELS: _("labels ผ่านดีเยี่ยม … ต้องปรับปรุงโดยด่วน (from 2567)"),
}

PASS_MARK = D("85")
FIRST_YEAR = 2563
# The letter bands and the pass mark 85 applied from 2562 (the NACC's news of 2562: 7,852 local
# governments averaging 69.48, level C); how 2561 and earlier were rated is not known.
LETTERS_FROM = 2562
LABELS_FROM = 2567
# Years whose method published figures confirm (see docs/ita-method.md): a year of these created
# by an import is confirmed at once; any other stays unconfirmed until an administrator confirms it.
PUBLISHED_FROM, PUBLISHED_UNTIL = 2562, 2566


def scheme_for_year(year: int) -> str | None:
    """The rating scheme of the year's period; None before 2562 (no method was published)."""
    if year < LETTERS_FROM:
        return None
    return LABELS if year >= LABELS_FROM else LETTERS


def default_levels(year: int) -> list[Level]:
    scheme = scheme_for_year(year)
    return SCHEMES[scheme] if scheme else []


def confirmed_by_publication(year: int) -> bool:
    """Published figures confirm the method of the year's period (letters and 85, 2562–2566)."""
    return PUBLISHED_FROM <= year <= PUBLISHED_UNTIL


def scheme_of(labels: list[str]) -> str | None:
    """The known scheme a year's level labels are (None for a scheme edited into another)."""
    keys = {name_key(label) for label in labels}
    for scheme, levels in SCHEMES.items():
        if keys == {name_key(level) for level, _low, _each in levels}:
            return scheme
    return None


def scheme_of_level(text: str) -> str | None:
    """The known scheme a level written in a table belongs to (ผ่าน → labels, B → letters)."""
    key = name_key(text)
    for scheme, levels in SCHEMES.items():
        if key in {name_key(level) for level, _low, _each in levels}:
            return scheme
    return None
