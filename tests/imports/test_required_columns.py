"""A table without a column the checks need is refused as a whole, before any row is read."""

import csv
import io
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ita.history.models import Event
from ita.imports.models import ImportBatch
from ita.imports.services import import_preview
from ita.organisations.models import Province
from ita.results.models import Assessment
from tests.imports.helpers import indicator_csv

pytestmark = pytest.mark.django_db

# The table the QA pass found accepted: only a row number, the name and the score.
SHORT_RESULTS = "ที่,หน่วยงาน,คะแนน 2564\n1,องค์การบริหารส่วนจังหวัดตรัง,96.76\n".encode()


def _without(data: bytes, *headers: str) -> bytes:
    """The CSV with the named header columns (and their values) taken out."""
    rows = list(csv.reader(io.StringIO(data.decode())))
    keep = [i for i, h in enumerate(rows[0]) if h not in headers]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
    return out.getvalue().encode()


def _stored() -> tuple:
    return (
        ImportBatch.objects.count(),
        Event.objects.filter(action__startswith="import.").count(),
        list(Assessment.objects.order_by("pk").values_list("pk", "total", "level", "change")),
    )


def _suso() -> bytes:
    return indicator_csv([("อบต.สุโสะ", "ปะเหลียน", "ตรัง", [D("90")] * 10, None)])


def test_a_results_table_without_district_is_refused_level_change_and_pass_are_optional(
    demo,
) -> None:
    before = _stored()
    with pytest.raises(ValidationError) as caught:
        import_preview(data=SHORT_RESULTS, file_name="short.csv", year=2564)
    text = " ".join(caught.value.messages)
    assert "อำเภอ/district" in text
    # The ITAS site publishes no level, change or pass column: they are computed when absent.
    for label in ("ระดับผลการประเมิน/level", "เปรียบเทียบปีที่ผ่านมา/change", "เปรียบเทียบกับเกณฑ์/passed"):
        assert label not in text
    assert "ที่/no" not in text and "หน่วยงาน/organisation" not in text  # present or optional
    assert _stored() == before


def test_a_results_table_without_the_pass_column_computes_it(demo) -> None:
    data = (
        "ที่,หน่วยงาน,อำเภอ,คะแนน 2564,ระดับผลการประเมิน,เปรียบเทียบปีที่ผ่านมา\n"
        "1,องค์การบริหารส่วนจังหวัดตรัง,เมืองตรัง,96.76,AA,+33.84\n"
    ).encode()
    batch = import_preview(data=data, file_name="t.csv", year=2564)
    row = batch.rows.get()
    # The pass published with this very score stays the published one.
    assert row.status == "unchanged" and row.after["passed"] is True
    assert row.after["passed_source"] == "published" and not row.messages
    Assessment.objects.filter(organisation__name="องค์การบริหารส่วนจังหวัดตรัง").delete()
    row = import_preview(data=data, file_name="t.csv", year=2564).rows.get()
    # A new result: computed from 2564's confirmed method, and marked so.
    assert row.status == "new" and row.after["passed"] is True
    assert (row.after["level_source"], row.after["passed_source"]) == ("published", "computed")
    assert [m["code"] for m in row.messages] == ["computed"]


def test_an_indicator_table_without_district_or_total_is_refused(demo) -> None:
    before = _stored()
    with pytest.raises(ValidationError) as caught:
        import_preview(data=_without(_suso(), "อำเภอ", "คะแนน"), file_name="t.csv", year=2564)
    text = " ".join(caught.value.messages)
    assert "อำเภอ/district" in text and "คะแนน/total" in text and "จังหวัด" not in text
    assert _stored() == before


def test_an_indicator_table_needs_its_province_column_unless_the_province_is_chosen(demo) -> None:
    data = _without(_suso(), "จังหวัด")
    with pytest.raises(ValidationError, match="จังหวัด/province"):
        import_preview(data=data, file_name="t.csv", year=2564)
    assert not ImportBatch.objects.exists()
    batch = import_preview(
        data=data, file_name="t.csv", year=2564, province=Province.objects.get(name="ตรัง")
    )
    assert batch.rows.get().status == "changed"


def test_the_page_shows_the_missing_columns_and_stores_nothing(client, demo) -> None:
    client.force_login(demo.users["admin"])
    upload = SimpleUploadedFile("short.csv", SHORT_RESULTS, "text/csv")
    response = client.post(reverse("imports:index"), {"file": upload, "year": 2564})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error" role="alert"' in page
    assert "ขาดคอลัมน์ที่จำเป็น" in page and "อำเภอ/district" in page
    assert not ImportBatch.objects.exists()


def test_the_command_exits_non_zero_naming_the_missing_columns(demo, tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_bytes(SHORT_RESULTS)
    before = _stored()
    with pytest.raises(CommandError, match="อำเภอ/district"):
        call_command("import_scores", str(path), "--year", "2564", stdout=StringIO())
    assert _stored() == before
