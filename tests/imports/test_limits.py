"""Limits from the models: whatever passes the preview can be written by the apply.

A misspelt district longer than a district's name (100) passed the preview (the import allowed
200) and failed the apply on PostgreSQL with a DataError once chosen: the spelling becomes a
district alias. Each limit an import checks is now the field's it writes.
"""

from __future__ import annotations

import pytest

from ita.imports import parsing
from ita.imports.checking import limits
from ita.imports.choices import import_row_resolve
from ita.imports.models import ImportBatch
from ita.imports.services import import_check, import_commit, import_preview
from ita.organisations.models import DistrictAlias, Organisation
from ita.results.models import Assessment
from tests.imports.helpers import seed_text

pytestmark = pytest.mark.django_db


def _preview(text: str) -> ImportBatch:
    return import_preview(data=text.encode(), file_name="t.txt", year=2564)


def _finish(batch: ImportBatch) -> ImportBatch:
    while batch.status == ImportBatch.Status.CHECKING:
        batch = import_check(batch=batch)
    return batch


def test_the_limits_are_the_fields_the_import_writes() -> None:
    assert limits.LIMITS[parsing.DISTRICT] == DistrictAlias._meta.get_field("name").max_length
    assert limits.LIMITS[parsing.ORGANISATION] == Organisation._meta.get_field("name").max_length


def test_a_misspelt_district_longer_than_a_district_s_name_is_an_error_at_preview(demo) -> None:
    long = "ปะเหลี่ยน" + "ก" * 120
    batch = _preview(seed_text().replace("อุยไธสง\tปะเหลียน", f"อุยไธสงห์\t{long}"))
    row = batch.rows.get(number="50")
    assert row.status == "error" and row.messages[0]["code"] == "too_long"
    assert row.messages[0]["params"] == {"field": "district", "length": "129", "limit": "100"}


def test_a_misspelt_district_as_long_as_a_district_s_name_is_applied(demo) -> None:
    """The longest spelling that passes the preview is stored by the apply (PostgreSQL checks)."""
    longest = "ป" * 100
    batch = _preview(seed_text().replace("อุยไธสง\tปะเหลียน", f"อุยไธสงห์\t{longest}"))
    row = batch.rows.get(number="50")
    assert row.status == "error"
    batch = _finish(import_row_resolve(batch=batch, row=row, organisation=demo.home, actor=None))
    assert batch.can_commit
    import_commit(batch=batch, actor=None)
    assert DistrictAlias.objects.get(name=longest).district == demo.home.district


def test_a_name_whose_full_form_is_too_long_to_create_is_an_error_at_preview(demo) -> None:
    name = "อบต." + "ก" * 190  # 194 characters; องค์การบริหารส่วนตำบล… is 211
    text = seed_text() + f"\n86\t{name}\tสิเกา\t90.00\tA\t\tผ่าน\n"
    batch = import_preview(
        data=text.encode(),
        file_name="t.txt",
        year=2564,
        resolutions={"*create_missing": True},
    )
    batch = _finish(
        import_row_resolve(batch=batch, row=batch.rows.get(number="86"), create=True, actor=None)
    )
    row = batch.rows.get(number="86")
    assert row.status == "error" and row.messages[0]["code"] == "too_long"
    assert row.messages[0]["params"]["limit"] == "200"


def test_a_change_a_result_cannot_hold_is_an_error_at_preview(demo) -> None:
    before = list(Assessment.objects.values_list("pk", "change", "rank"))
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "96.76\tAA\t+12345.67"))
    row = batch.rows.get(number="1")
    assert row.status == "error"
    assert [m["params"]["field"] for m in row.messages if m["code"] == "cannot_store"] == ["change"]
    assert not batch.can_commit
    assert list(Assessment.objects.values_list("pk", "change", "rank")) == before
