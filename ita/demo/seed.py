"""The seed document's results and people: Trang's 2564 table, สุโสะ's scores, its people.

The report (findings, checklist, measures) is ``ita.demo.measures``; the memo ``ita.demo.memos``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from ita.administration.operators import operator_grant
from ita.imports import parsing
from ita.imports.numbers import parse_decimal, parse_passed
from ita.lib.thai import clean_text
from ita.organisations.models import District, DistrictAlias, Organisation, Position, Province
from ita.organisations.services import alias_add
from ita.results import services
from ita.results.models import Assessment, Source

DEMO_PASSWORD = "ita-demo-2564"
SEED_TABLE = Path(__file__).parent / "data" / "trang_2564.txt"
HOME_NAME = "องค์การบริหารส่วนตำบลสุโสะ"
# The scan turned สุโสะ into อุยไธสง (row 50, 93.26 in ปะเหลียน) and เมืองตรัง into เมืองควน.
HOME_MISSPELLING = "องค์การบริหารส่วนตำบลอุยไธสง"
DISTRICT_MISSPELLINGS = {"เมืองควน": "เมืองตรัง"}

# The seed's indicator scores for สุโสะ, 2564 (computed total 93.2558 → 93.26).
HOME_SCORES = {
    1: Decimal("100"),
    2: Decimal("99.48"),
    3: Decimal("100"),
    4: Decimal("83.85"),
    5: Decimal("100"),
    6: Decimal("93.24"),
    7: Decimal("85.95"),
    8: Decimal("87.09"),
    9: Decimal("95.28"),
    10: Decimal("92.86"),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    title: str
    role: str
    unit: str = ""


# The seed memo's people, in chain order, then an administrator and an outsider.
HOME_PEOPLE = [
    DemoUser("legal", "นายณัชพล", "รังสิปการ", "นิติกรปฏิบัติการ", "staff", "งานกฎหมายและคดี สำนักปลัด"),
    DemoUser("head", "นางศิริยศ", "บิลดาวูด", "หัวหน้าสำนักปลัด", "head", "สำนักปลัด"),
    DemoUser("deputy", "นายธีรศักดิ์", "ศรีโกศา", "รองปลัดองค์การบริหารส่วนตำบลสุโสะ", "deputy"),
    DemoUser("clerk", "นายเด่นทยา", "วุ่นแก้ว", "ปลัดองค์การบริหารส่วนตำบลสุโสะ", "clerk"),
    DemoUser("mayor", "นายสมคิด", "ร่องเดช", "นายกองค์การบริหารส่วนตำบลสุโสะ", "mayor"),
]
OUTSIDER = DemoUser("outsider", "นางสาวกมลวรรณ", "ทดสอบ", "นิติกร", "staff", "สำนักปลัด")  # of อบต.ลิพัง
ADMIN_USERNAME = "admin"
OPERATOR_USERNAME = "operator"

DEMO_LOGINS = [(p.username, p.title) for p in HOME_PEOPLE] + [
    (OUTSIDER.username, "นิติกร องค์การบริหารส่วนตำบลลิพัง (another organisation)"),
    (OPERATOR_USERNAME, "operator (imports, onboarding, tasks, Django admin; named permissions)"),
    (ADMIN_USERNAME, "administrator (imports score tables, Django admin)"),
]


@dataclass(frozen=True)
class SeedRow:
    number: int
    name: str
    district: str
    total: Decimal
    level: str
    change: Decimal
    passed: bool


def seed_rows() -> list[SeedRow]:
    """The 85 rows of the seed's table, read by the importer's parser (one parser for both)."""
    table = parsing.parse_table(SEED_TABLE.read_bytes(), kind=parsing.RESULTS)
    return [
        SeedRow(
            number=int(parse_decimal(row.values[parsing.NUMBER])),
            name=clean_text(row.values[parsing.ORGANISATION]),
            district=clean_text(row.values[parsing.DISTRICT]),
            total=parse_decimal(row.values[parsing.TOTAL]),
            level=row.values[parsing.LEVEL].strip(),
            change=parse_decimal(row.values[parsing.CHANGE]),
            passed=parse_passed(row.values[parsing.PASSED]),
        )
        for row in table.rows
    ]


@transaction.atomic
def load() -> dict[str, int]:
    """The results, organisations and people of the demo, into an empty database."""
    # A fresh install holds the whole country's provinces and districts (the gazetteer).
    province, _created = Province.objects.get_or_create(name="ตรัง", defaults={"name_en": "Trang"})
    province.region = 9
    province.save(update_fields=["region"])
    y2563 = services.year_create(year=2563, actor=None)
    y2564 = services.year_create(year=2564, actor=None)

    rows = seed_rows()
    districts: dict[str, District] = {}
    for real in sorted({DISTRICT_MISSPELLINGS.get(r.district, r.district) for r in rows}):
        districts[real], _created = District.objects.get_or_create(province=province, name=real)
    for wrong, right in DISTRICT_MISSPELLINGS.items():
        DistrictAlias.objects.create(
            district=districts[right], name=wrong, note="text recognition error in the 2564 table"
        )

    organisations = []
    for row in rows:
        name = HOME_NAME if row.name == HOME_MISSPELLING else row.name
        kind = Organisation.kind_from_name(name)
        assert kind is not None, name  # every name in the table starts with its kind
        org = Organisation(
            name=name,
            kind=kind,
            district=districts[DISTRICT_MISSPELLINGS.get(row.district, row.district)],
        )
        org.save()
        organisations.append(org)
    home = next(o for o in organisations if o.name == HOME_NAME)
    home.letter_code = "ตง 78201"
    home.phone = "075-289689"
    home.save(update_fields=["letter_code", "phone"])
    alias_add(
        organisation=home,
        name=HOME_MISSPELLING,
        actor=None,
        note="text recognition error in the 2564 table, row 50",
    )

    assessments = []
    for row, org in zip(rows, organisations, strict=True):
        assessments.append(
            Assessment(
                organisation=org,
                year=y2564,
                total=row.total,
                level=row.level,
                change=row.change,
                passed=row.passed,
                rank=row.number,
                level_source=Source.PUBLISHED if row.level else "",
                passed_source=Source.PUBLISHED if row.passed is not None else "",
            )
        )
        previous = row.total - row.change
        assessments.append(
            Assessment(
                organisation=org,
                year=y2563,
                total=previous,
                level=y2563.rate(previous) or "",
                passed=y2563.passes(previous),
                derived=True,
                # Worked out from 2564's change column and 2563's (confirmed) method.
                level_source=Source.COMPUTED if y2563.rate(previous) else "",
                passed_source=Source.COMPUTED,
            )
        )
    Assessment.objects.bulk_create(assessments)

    home_2564 = Assessment.objects.get(organisation=home, year=y2564)
    services.assessment_set_scores(assessment=home_2564, scores=HOME_SCORES, actor=None)

    User = get_user_model()
    admin = User.objects.create_superuser(
        ADMIN_USERNAME, "admin@example.org", DEMO_PASSWORD, first_name="ผู้ดูแลระบบ"
    )
    # The operator is made one as a site of its own makes them (`manage.py operators --add`):
    # staff (the Django admin lets them in), holding only the operators' named permissions through
    # their group, no superuser; the grant is in the history.
    operator = User.objects.create_user(
        OPERATOR_USERNAME, "operator@example.org", DEMO_PASSWORD, first_name="ผู้ปฏิบัติการระบบ"
    )
    operator_grant(user=operator, actor=admin)
    for person in HOME_PEOPLE:
        user = User.objects.create_user(
            person.username,
            f"{person.username}@suso.example.org",
            DEMO_PASSWORD,
            first_name=person.first_name,
            last_name=person.last_name,
        )
        Position.objects.create(
            organisation=home, title=person.title, role=person.role, unit=person.unit, holder=user
        )
    lipang = Organisation.objects.get(name="องค์การบริหารส่วนตำบลลิพัง")
    outsider = User.objects.create_user(
        OUTSIDER.username,
        "outsider@lipang.example.org",
        DEMO_PASSWORD,
        first_name=OUTSIDER.first_name,
        last_name=OUTSIDER.last_name,
    )
    Position.objects.create(
        organisation=lipang, title=OUTSIDER.title, role="staff", unit=OUTSIDER.unit, holder=outsider
    )
    return {
        "organisations": len(organisations),
        "assessments": len(assessments),
        "users": User.objects.count(),
        "admin": admin.pk,
    }
