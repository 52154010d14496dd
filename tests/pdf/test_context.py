"""The plain data the documents print, built from the database."""

from __future__ import annotations

import datetime as dt

import pytest

from ita.documents.data import MeasureRow, paragraphs
from ita.organisations.models import Organisation, Position
from measures import documents as report_documents
from memos import documents as memo_documents
from memos.register import number_text
from memos.roles import role_heading
from tests import factories


@pytest.mark.parametrize(
    ("role", "kind", "heading"),
    [
        (Position.Role.HEAD_OF_OFFICE, Organisation.Kind.SAO, "หัวหน้าสำนักปลัด"),
        (Position.Role.DEPUTY_CLERK, Organisation.Kind.SAO, "รองปลัด อบต."),
        (Position.Role.CLERK, Organisation.Kind.SAO, "ปลัด อบต."),
        (Position.Role.MAYOR, Organisation.Kind.SAO, "นายก อบต."),
        (Position.Role.CLERK, Organisation.Kind.SUBDISTRICT_MUNICIPALITY, "ปลัดเทศบาล"),
        (Position.Role.MAYOR, Organisation.Kind.TOWN, "นายกเทศมนตรี"),
        (Position.Role.MAYOR, Organisation.Kind.PAO, "นายก อบจ."),
    ],
)
def test_each_executive_block_is_headed_by_the_role_as_the_memo_writes_it(
    role: str, kind: str, heading: str
) -> None:
    assert role_heading(role, kind) == heading


def test_paragraphs_split_at_blank_lines_or_else_at_every_line() -> None:
    assert paragraphs("หนึ่ง\nต่อ\n\n  สอง  ") == ("หนึ่ง ต่อ", "สอง")
    assert paragraphs("หนึ่ง\r\nสอง") == ("หนึ่ง", "สอง")
    assert paragraphs("  ") == ()


def test_a_measures_period_prints_thai_months_and_short_years() -> None:
    row = MeasureRow("ม", ("ก",), "ส", dt.date(2022, 1, 1), dt.date(2022, 3, 31), "ร")
    assert row.period == "ม.ค.๖๕ – มี.ค.๖๕"
    same = MeasureRow("ม", (), "ส", dt.date(2022, 1, 1), dt.date(2022, 1, 31), "ร")
    assert same.period == "ม.ค.๖๕"


@pytest.mark.django_db
def test_the_number_is_the_letter_code_and_the_register_number() -> None:
    organisation = factories.make_organisation(letter_code="ตง 78201", phone="075-289689")
    assert number_text(organisation.letter_code, 123, pending="-") == "ตง 78201/123"
    assert number_text(organisation.letter_code, None, pending="-") == "ตง 78201/-"
    line = memo_documents.unit_line(organisation, "สำนักปลัด")
    assert line == f"สำนักปลัด {organisation.name} โทร. 075-289689"


@pytest.mark.django_db
def test_a_sign_block_names_the_holder_and_the_position() -> None:
    organisation = factories.make_organisation()
    holder = factories.make_user(first_name="นายสมคิด", last_name="ร่องเดช")
    position = factories.make_position(
        organisation, role="mayor", holder=holder, title="นายกองค์การบริหารส่วนตำบลทดสอบ"
    )
    block = memo_documents.sign_block(position, acting="รักษาราชการแทน")
    assert (block.heading, block.name, block.position, block.acting, block.pending) == (
        "นายก อบต.",
        "นายสมคิด ร่องเดช",
        "นายกองค์การบริหารส่วนตำบลทดสอบ",
        "รักษาราชการแทน",
        True,
    )
    vacant = memo_documents.sign_block(factories.make_position(organisation, role="clerk"))
    assert vacant.name == ""


@pytest.mark.django_db
def test_the_measures_apps_measures_become_report_rows_in_two_queries(
    demo, django_assert_num_queries
) -> None:
    assessment = demo.home.assessments.get(year__year=2564)
    with django_assert_num_queries(2):
        rows = report_documents.measure_rows(assessment)
    assert [r.table for r in rows] == [1, 1, 2]
    assert rows[0].title == "แนวทางการใช้ทรัพย์สินของราชการ"
    assert rows[0].period == "ม.ค.๖๔ – มี.ค.๖๔"
    assert rows[1].lead == "ปรับปรุงเว็บไซต์ ดังนี้"
    assert len(rows[1].steps) == 4


@pytest.mark.django_db
def test_a_memo_attaches_no_report_for_a_year_without_results(demo) -> None:
    assert report_documents.organisation_report(demo.home, 2599) is None
    report = report_documents.organisation_report(demo.home, 2564)
    assert report.total is not None and len(report.measures) == 3
