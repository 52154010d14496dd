"""A regional table runs several provinces, each under its own "จังหวัด…" line."""

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ita.imports import parsing
from ita.results.models import Assessment
from tests.factories import make_assessment, make_district, make_organisation, make_province
from tests.imports.helpers import seed_text

pytestmark = pytest.mark.django_db

KRABI = """
จังหวัดกระบี่

ที่\tหน่วยงาน\tอำเภอ\tคะแนน 2564\tระดับผล การประเมิน\tเปรียบเทียบ ปีที่ผ่านมา\tเปรียบเทียบกับเกณฑ์*
1\tองค์การบริหารส่วนจังหวัดกระบี่\tเมืองกระบี่\t91.20\tA\t+10.00\tผ่าน
"""


def _regional() -> bytes:
    return (seed_text() + KRABI).encode("utf-8")


def test_rows_under_a_province_line_belong_to_that_province() -> None:
    table = parsing.parse_table(_regional())
    provinces = [row.values[parsing.PROVINCE] for row in table.rows]
    assert provinces == ["ตรัง"] * 85 + ["กระบี่"]
    assert parsing.PROVINCE in table.columns


def test_a_single_province_table_keeps_its_title_as_the_province() -> None:
    table = parsing.parse_table(seed_text().encode("utf-8"))
    assert parsing.PROVINCE not in table.columns
    assert table.hints["province"] == "ตรัง"


def test_a_regional_table_matches_each_row_in_its_own_province(demo, tmp_path) -> None:
    krabi = make_district(make_province("กระบี่"), "เมืองกระบี่")
    pao = make_organisation(krabi, "องค์การบริหารส่วนจังหวัดกระบี่", kind="pao")
    make_assessment(pao, demo.year, total="91.20", change=D("10.00"), rank=1)
    path = tmp_path / "region9.txt"
    path.write_bytes(_regional())
    out = StringIO()
    call_command("import_scores", str(path), "--year", "2564", "--dry-run", stdout=out)
    assert "unchanged: 86" in out.getvalue() and "error: 0" in out.getvalue()


def test_a_province_not_in_the_database_is_named_and_nothing_changes(demo, tmp_path) -> None:
    path = tmp_path / "region9.txt"
    path.write_bytes(_regional())
    before = list(Assessment.objects.order_by("pk").values_list("pk", "total"))
    with pytest.raises(CommandError):
        call_command(
            "import_scores", str(path), "--year", "2564", stdout=StringIO(), stderr=StringIO()
        )
    assert list(Assessment.objects.order_by("pk").values_list("pk", "total")) == before
