"""Every level says where it came from: published (in the NACC's table), computed (from a
confirmed method of that year), or absent (no confirmed method: the score only, and said so).

ITAS 2561 published only scores; the product stored AA–D and ผ่าน/ไม่ผ่าน from later bands for it,
and the public page, the exports and the API carried no marker.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from ita.imports.models import ImportBatch, ImportRow
from ita.organisations.models import Organisation, Province
from ita.results.models import Assessment, AssessmentYear
from ita.results.services import year_create

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PHUKET = DATA / "itas_phuket_2561.txt"


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import_scores", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _export(year: int) -> list[dict[str, str]]:
    out = StringIO()
    call_command("export_scores", "--year", str(year), "--province", "ภูเก็ต", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _level_cells(client, year: int) -> list[str]:
    province = Province.objects.get(name="ภูเก็ต")
    page = client.get(reverse("province_results", args=[year, province.pk])).content.decode()
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<td class="level">(.*?)</td>', page, re.S)
    ]


def test_itas_2561_scores_are_stored_without_a_level_anyone_would_take_as_official(client) -> None:
    out = _import(str(PHUKET), "--year", "2561", "--create-missing")
    assert "new: 13" in out
    year = AssessmentYear.objects.get(year=2561)
    assert not year.confirmed and year.level_labels() == []
    stored = set(Assessment.objects.values_list("level", "level_source", "passed", "passed_source"))
    assert stored == {("", "", None, "")}
    # Each row says why only its score was stored.
    for row in ImportRow.objects.all():
        assert any(m["code"] == "not_computed" for m in row.messages), row.messages
    # The public page, the organisation's page, the export and the API: no letter, no pass.
    assert set(_level_cells(client, 2561)) == {"–"}
    org = Organisation.objects.get(name="เทศบาลนครภูเก็ต")
    page = client.get(reverse("organisation_detail", args=[org.pk])).content.decode()
    assert "84.11" in page and "ผ่าน" not in page.split("84.11", 1)[1].split("</tr>", 1)[0]
    assert {(r["level"], r["level_source"], r["passed"]) for r in _export(2561)} == {("", "", "")}
    body = client.get("/api/v1/assessments?year=2561").json()
    assert body["count"] == 13
    assert {
        (a["level"], a["level_source"], a["passed"], a["passed_source"]) for a in body["results"]
    } == {(None, None, None, None)}
    assert client.get("/api/v1/years/2561").json()["levels"] == []


def test_2562_has_the_letter_method_it_had_and_its_levels_say_they_were_computed(
    client, tmp_path
) -> None:
    _import(str(PHUKET), "--year", "2562", "--create-missing")
    year = AssessmentYear.objects.get(year=2562)
    # The letter bands and the pass mark 85 of 2562 are confirmed by published figures.
    assert year.confirmed and "AA" in year.level_labels()
    pao = Assessment.objects.get(organisation__name="เทศบาลนครภูเก็ต")
    assert (pao.total, pao.level, pao.level_source) == (pao.total, "B", "computed")
    assert (pao.passed, pao.passed_source) == (False, "computed")
    cells = _level_cells(client, 2562)
    assert cells and all(cell.endswith("(คำนวณ)") for cell in cells)
    exported = _export(2562)
    assert {(r["level_source"], r["passed_source"]) for r in exported} == {("computed", "computed")}
    api = client.get("/api/v1/assessments?year=2562").json()["results"]
    assert {(a["level_source"], a["passed_source"]) for a in api} == {("computed", "computed")}

    # Exported and imported again: still computed, never laundered into published.
    before = list(Assessment.objects.order_by("pk").values_list("level", "level_source"))
    out = StringIO()
    call_command("export_scores", "--year", "2562", "--province", "ภูเก็ต", stdout=out)
    path = tmp_path / "exported-2562.csv"  # not in the tables' folder the test processes share
    path.write_text(out.getvalue(), encoding="utf-8")
    again = _import(str(path), "--year", "2562")
    assert ImportBatch.objects.latest("pk").counts["unchanged"] == 13, again
    assert list(Assessment.objects.order_by("pk").values_list("level", "level_source")) == before


def test_published_levels_are_published_and_derived_ones_computed(demo, client) -> None:
    api = client.get("/api/v1/assessments?year=2564&limit=100").json()["results"]
    assert {(a["level_source"], a["passed_source"]) for a in api} == {("published", "published")}
    derived = client.get("/api/v1/assessments?year=2563&limit=100").json()["results"]
    assert {a["level_source"] for a in derived if a["level"]} == {"computed"}


def _migration(app: str, name: str):
    return importlib.import_module(f"ita.{app}.migrations.{name}")


def test_the_upgrade_marks_levels_an_import_computed_and_removes_the_unconfirmed() -> None:
    """imports.0004 on a database of the release before: an import of ITAS tables (no level
    column) had stored levels; those of an unconfirmed year go, those of a confirmed one are
    marked computed, and a published table's stay published."""
    from tests.factories import make_assessment, make_organisation

    unconfirmed = year_create(year=2567, actor=None, confirmed=False)
    confirmed = year_create(year=2566, actor=None)
    org = make_organisation()
    guessed = make_assessment(org, unconfirmed, total="90.00", level="ผ่าน", passed=True)
    computed = make_assessment(org, confirmed, total="90.00", level="A", passed=True)
    other = make_organisation()
    published = make_assessment(other, confirmed, total="80.00", level="B", passed=False)
    for year, organisation, columns in (
        (2567, org, ["organisation", "district", "total"]),
        (2566, org, ["organisation", "district", "total"]),
        (2566, other, ["organisation", "district", "total", "level", "passed"]),
    ):
        batch = ImportBatch.objects.create(
            kind="results",
            year=year,
            source="command",
            status=ImportBatch.Status.APPLIED,
            table={"columns": columns, "rows": []},
        )
        ImportRow.objects.create(
            batch=batch, line=1, organisation=organisation, status="new", effect="new"
        )
    _migration("imports", "0004_computed_levels").computed_levels(apps, None)
    values = ("level", "level_source", "passed", "passed_source")
    assert Assessment.objects.values_list(*values).get(pk=guessed.pk) == ("", "", None, "")
    assert Assessment.objects.values_list(*values).get(pk=computed.pk) == (
        "A",
        "computed",
        True,
        "computed",
    )
    assert Assessment.objects.values_list(*values).get(pk=published.pk) == (
        "B",
        "published",
        False,
        "published",
    )


def test_the_command_confirms_the_method_only_when_asked(tmp_path) -> None:
    path = tmp_path / "phuket-2567.txt"
    path.write_bytes(PHUKET.read_bytes())
    out = _import(str(path), "--year", "2567", "--create-missing", "--dry-run")
    assert "--confirm-method" in out
    _import(str(path), "--year", "2567", "--create-missing", "--confirm-method")
    assert AssessmentYear.objects.get(year=2567).confirmed
    levels = set(Assessment.objects.values_list("level_source", "passed_source"))
    # A total alone cannot tell ผ่านดีเยี่ยม from ผ่านดี (their per-tool conditions): such a level
    # stays blank; the others, and every pass/fail, are computed.
    assert levels <= {("computed", "computed"), ("", "computed")}
    assert ("computed", "computed") in levels
