"""Every score on its own organisation: a row matches only inside the place it names.

The world has what the demo lacks: organisations of one name in different districts of one
province (อบต.บ้านใหม่ of ครบุรี and of หนองบุญมาก), districts of one name in five provinces
(เฉลิมพระเกียรติ), rows without a province or with a misspelt or blank district, look-alike
spellings of a stored name (กุฎโง้ง beside กุฏโง้ง), special-form local governments, and 170
subdistrict names repeated inside their provinces. Each case here failed before matching was
confined to the row's own place.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from ita.imports import services
from ita.imports.choices import import_create_missing, import_row_resolve
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.services import (
    import_commit,
    import_preview,
    import_revert,
)
from ita.organisations.models import District, DistrictAlias, Organisation, Subdistrict
from ita.results.models import Assessment
from tests.factories import make_year
from tests.imports.helpers import seed_bytes

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
KORAT = "นครราชสีมา"
BAN_MAI = "องค์การบริหารส่วนตำบลบ้านใหม่"


def _org(name: str, district: str, province: str) -> Organisation:
    place = District.objects.get(name=district, province__name=province)
    return Organisation.objects.create(
        name=name, kind=Organisation.kind_from_name(name) or "agency", district=place
    )


def _scored(org: Organisation, total: str, year: int = 2561) -> Assessment:
    return Assessment.objects.create(organisation=org, year=make_year(year), total=D(total))


def _itas(rows: list[tuple[str, str, str, str]]) -> bytes:
    """The ITAS site's table: # | หน่วยงาน | อำเภอ | จังหวัด | คะแนนเฉลี่ย."""
    lines = ["#\tหน่วยงาน\tอำเภอ\tจังหวัด\tคะแนนเฉลี่ย"]
    lines += [
        f"{n}\t{name}\t{district}\t{province}\t{total}"
        for n, (name, district, province, total) in enumerate(rows, 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def _no_province(rows: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["หน่วยงาน", "อำเภอ", "คะแนน"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _command(tmp_path: Path, data: bytes, *args: str) -> tuple[bool, str]:
    path = tmp_path / "table.txt"
    path.write_bytes(data)
    out = StringIO()
    try:
        call_command("import_scores", str(path), *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def _preview(data: bytes, year: int = 2561, **kw: object) -> ImportBatch:
    return import_preview(data=data, file_name="table", year=year, **kw)


def _checked(batch: ImportBatch) -> ImportBatch:
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    return batch


def _totals() -> dict[tuple[str, str], D | None]:
    return {
        (a.organisation.name, a.organisation.district.name): a.total
        for a in Assessment.objects.select_related("organisation__district")
    }


def test_a_name_stored_in_another_district_of_the_province_never_takes_the_row(tmp_path) -> None:
    khon_buri = _org(BAN_MAI, "ครบุรี", KORAT)
    _scored(khon_buri, "80.00")
    table = _itas([(BAN_MAI, "หนองบุญมาก", KORAT, "90.00")])

    row = _preview(table).rows.get()
    assert row.status == "error" and row.organisation is None
    # The stored one is offered with its place named, never chosen for the administrator.
    (suggestion,) = [s for s in row.suggestions if s["id"] == khon_buri.pk]
    assert suggestion["district"] == "ครบุรี" and not suggestion["preselect"]
    assert "other_district" in suggestion["reasons"]

    ok, report = _command(tmp_path, table, "--year", "2561")
    assert not ok and "หนองบุญมาก" in report
    assert _totals() == {(BAN_MAI, "ครบุรี"): D("80.00")}

    # The gazetteer has ต.บ้านใหม่ in หนองบุญมาก: --create-missing makes that one its own.
    ok, report = _command(tmp_path, table, "--year", "2561", "--create-missing")
    assert ok, report
    assert _totals() == {(BAN_MAI, "ครบุรี"): D("80.00"), (BAN_MAI, "หนองบุญมาก"): D("90.00")}


def test_same_name_organisations_of_one_province_resolve_by_district(tmp_path) -> None:
    _scored(_org(BAN_MAI, "ครบุรี", KORAT), "80.00")
    table = _itas(
        [
            (BAN_MAI, "เมืองนครราชสีมา", KORAT, "70.00"),
            (BAN_MAI, "ครบุรี", KORAT, "81.00"),
            (BAN_MAI, "หนองบุญมาก", KORAT, "90.00"),
        ]
    )
    batch = _preview(table, resolutions={"*create_missing": True})
    assert batch.counts["error"] == 0, [r.messages for r in batch.rows.all()]
    assert (batch.counts["new"], batch.counts["changed"]) == (2, 1)
    import_commit(batch=batch, actor=None)
    assert _totals() == {
        (BAN_MAI, "เมืองนครราชสีมา"): D("70.00"),
        (BAN_MAI, "ครบุรี"): D("81.00"),
        (BAN_MAI, "หนองบุญมาก"): D("90.00"),
    }
    # Once all three are stored, each row finds its own.
    again = _preview(table)
    assert again.counts["unchanged"] == 3 and again.counts["error"] == 0


def _songkhla_stored(tmp_path: Path) -> None:
    """The real Songkhla 2561 table (tests/imports/data/SOURCES.md), imported as documented."""
    ok, report = _command(
        tmp_path,
        (DATA / "itas_songkhla_2561.tsv").read_bytes(),
        "--year",
        "2561",
        "--create-missing",
    )
    assert ok, report


@pytest.mark.parametrize(
    ("district", "why"),
    [
        pytest.param("เฉลิมพระเกียรติ", "district_ambiguous", id="a-district-of-five-provinces"),
        pytest.param("บางกลำ", "district_unknown", id="misspelt"),
        pytest.param("", "district_missing", id="blank"),
    ],
)
def test_without_a_province_a_stored_name_is_an_error_naming_its_candidates(
    tmp_path, district: str, why: str
) -> None:
    _songkhla_stored(tmp_path)
    before = _totals()
    assert before[("เทศบาลตำบลท่าช้าง", "บางกล่ำ")] == D("83.78")
    table = _no_province([("เทศบาลตำบลท่าช้าง", district, "71.00")])

    ok, report = _command(tmp_path, table, "--year", "2561")
    assert not ok and "บางกล่ำ (สงขลา)" in report
    ok, report = _command(tmp_path, table, "--year", "2561", "--create-missing")
    assert not ok
    assert _totals() == before

    row = _preview(table).rows.get()
    assert row.status == "error" and row.organisation is None
    assert row.messages[0]["code"] == "place_unclear"
    assert row.messages[0]["params"]["why"] == why
    assert [(s["district"], s["province"]) for s in row.suggestions] == [("บางกล่ำ", "สงขลา")]


def test_an_ambiguous_row_is_resolved_in_the_preview_by_choosing_a_candidate(tmp_path) -> None:
    _songkhla_stored(tmp_path)
    table = _no_province([("เทศบาลตำบลท่าช้าง", "เฉลิมพระเกียรติ", "71.00")])
    batch = _preview(table)
    row = batch.rows.get()
    stored = Organisation.objects.get(name="เทศบาลตำบลท่าช้าง")
    batch = _checked(import_row_resolve(batch=batch, row=row, organisation=stored, actor=None))
    row = batch.rows.get()
    assert row.organisation == stored and row.status == "warning" and batch.can_commit
    import_commit(batch=batch, actor=None)
    assert _totals()[("เทศบาลตำบลท่าช้าง", "บางกล่ำ")] == D("71.00")
    # เฉลิมพระเกียรติ is a real district of five other provinces: never an alias of บางกล่ำ.
    assert not DistrictAlias.objects.filter(name="เฉลิมพระเกียรติ").exists()


def test_the_province_given_for_the_whole_table_places_its_rows(tmp_path) -> None:
    _songkhla_stored(tmp_path)
    table = _no_province([("เทศบาลตำบลท่าช้าง", "บางกล่ำ", "71.00")])
    row = _preview(table).rows.get()
    assert row.status == "changed"  # บางกล่ำ is one district in the whole country
    from ita.organisations.models import Province

    batch = _preview(
        _no_province([("เทศบาลตำบลท่าช้าง", "", "71.00")]),
        province=Province.objects.get(name="สงขลา"),
    )
    # A province without a district still does not place a municipality: its district is asked.
    assert batch.rows.get().status == "error"


def test_a_look_alike_spelling_of_a_stored_name_is_never_created_again(tmp_path) -> None:
    stored = _org("องค์การบริหารส่วนตำบลกุฏโง้ง", "พนัสนิคม", "ชลบุรี")
    assert Subdistrict.objects.filter(name="กุฎโง้ง", district=stored.district).exists()
    table = _itas([("องค์การบริหารส่วนตำบลกุฎโง้ง", "พนัสนิคม", "ชลบุรี", "75.00")])

    batch = _preview(table)
    row = batch.rows.get()
    assert row.organisation == stored and row.status == "warning"
    assert row.messages[0]["code"] == "matched_lookalike"
    # The one-click "create the N new organisations" has nothing to create.
    batch = _checked(import_create_missing(batch=batch, actor=None))
    assert batch.rows.get().organisation == stored
    ok, report = _command(tmp_path, table, "--year", "2561", "--create-missing")
    assert ok, report
    assert Organisation.objects.count() == 1
    assert _totals() == {("องค์การบริหารส่วนตำบลกุฏโง้ง", "พนัสนิคม"): D("75.00")}


def test_two_look_alike_rows_of_one_district_create_one_organisation(tmp_path) -> None:
    table = _itas(
        [
            ("องค์การบริหารส่วนตำบลกุฎโง้ง", "พนัสนิคม", "ชลบุรี", "75.00"),
            ("อบต.กุฏโง้ง", "อ.พนัสนิคม", "ชลบุรี", "76.00"),
        ]
    )
    batch = _preview(table, resolutions={"*create_missing": True})
    second = batch.rows.get(number="2")
    assert second.status == "error" and second.messages[-1]["code"] == "duplicate"
    ok, _report = _command(tmp_path, table, "--year", "2561", "--create-missing")
    assert not ok and not Organisation.objects.exists()


def test_special_form_local_governments_are_local_governments_of_their_own_kind(tmp_path) -> None:
    table = _itas(
        [
            ("เมืองพัทยา", "บางละมุง", "ชลบุรี", "80.00"),
            ("กรุงเทพมหานคร", "เขตพระนคร", "กรุงเทพมหานคร", "70.00"),
        ]
    )
    ok, report = _command(tmp_path, table, "--year", "2561", "--create-missing")
    assert ok, report  # no --agencies needed: neither is an agency
    kinds = dict(Organisation.objects.values_list("name", "kind"))
    assert kinds == {"เมืองพัทยา": "special", "กรุงเทพมหานคร": "special"}
    assert Organisation.objects.get(name="เมืองพัทยา").district.name == "บางละมุง"


def test_a_bare_name_of_a_stored_organisation_of_the_district_is_not_an_agency(tmp_path) -> None:
    stored = _org(BAN_MAI, "ครบุรี", KORAT)
    table = _itas([("บ้านใหม่", "ครบุรี", KORAT, "85.00")])
    row = _preview(table, resolutions={"*agencies": "store", "*create_missing": True}).rows.get()
    assert row.status == "error" and row.messages[0]["code"] == "kind_missing"
    assert [s["id"] for s in row.suggestions if s["preselect"]] == [stored.pk]
    ok, _report = _command(
        tmp_path, table, "--year", "2561", "--create-missing", "--agencies", "store"
    )
    assert not ok and Organisation.objects.count() == 1


def test_a_misspelt_district_is_chosen_once_for_all_its_rows(demo) -> None:
    """The seed lists twelve organisations of เมืองตรัง under เมืองควน (text recognition).
    Without the district alias none of them is matched by its name alone; choosing one row's
    organisation reads เมืองควน as เมืองตรัง for the others, saved as an alias when applied."""
    DistrictAlias.objects.filter(name="เมืองควน").delete()
    batch = _preview(seed_bytes(), year=2564)
    rows = list(batch.rows.filter(district_name="เมืองควน").order_by("line"))
    assert len(rows) == 12
    for row in rows:
        assert row.status == "error" and row.organisation is None
        assert row.messages[0]["code"] == "place_unclear"
        (preselected,) = [s for s in row.suggestions if s["preselect"]]
        assert preselected["district"] == "เมืองตรัง"
    first = rows[0]
    chosen = Organisation.objects.get(pk=[s for s in first.suggestions if s["preselect"]][0]["id"])
    batch = _checked(import_row_resolve(batch=batch, row=first, organisation=chosen, actor=None))
    assert batch.counts["error"] == 0
    others = batch.rows.filter(district_name="เมืองควน").exclude(line=first.line)
    for row in others:
        assert row.organisation.district.name == "เมืองตรัง" and row.status == "warning"
        assert row.messages[0]["code"] == "district_chosen"
    assert not DistrictAlias.objects.filter(name="เมืองควน").exists()
    import_commit(batch=batch, actor=None)
    assert DistrictAlias.objects.filter(name="เมืองควน", district__name="เมืองตรัง").exists()
    import_revert(batch=batch, actor=None)
    assert not DistrictAlias.objects.filter(name="เมืองควน").exists()


def test_the_170_subdistrict_names_repeated_inside_their_provinces_each_find_their_own() -> None:
    """355 subdistricts share their name with another of their province (170 names): one in
    three stored, the table holds all of them; each row lands in its own district."""
    repeated = list(
        Subdistrict.objects.values("district__province", "name_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("district__province", "name_key")
    )
    assert len(repeated) == 170
    wanted = set(repeated)
    subs = [
        s
        for s in Subdistrict.objects.select_related("district__province").order_by("code")
        if (s.district.province_id, s.name_key) in wanted
    ]
    assert len(subs) == 355
    for s in subs[::3]:
        _scored(
            _org(f"องค์การบริหารส่วนตำบล{s.name}", s.district.name, s.district.province.name), "50.00"
        )
    rows = [
        (f"อบต.{s.name}", s.district.name, s.district.province.name, f"{60 + i % 40}.00")
        for i, s in enumerate(subs)
    ]
    batch = _preview(_itas(rows), resolutions={"*create_missing": True})
    assert batch.counts["error"] == 0
    assert (batch.counts["new"], batch.counts["changed"]) == (355 - len(subs[::3]), len(subs[::3]))
    import_commit(batch=batch, actor=None)
    for row in ImportRow.objects.filter(batch=batch).select_related("organisation__district"):
        assert row.organisation.district.name == row.district_name
    assert Organisation.objects.count() == 355


def test_the_preview_page_names_the_candidates_and_resolves_the_row(client, tmp_path) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation

    _songkhla_stored(tmp_path)
    from django.contrib.auth.models import Permission

    admin = get_user_model().objects.create_user("admin", is_staff=True)
    admin.user_permissions.add(Permission.objects.get(codename="add_importbatch"))
    client.force_login(admin)
    batch = _preview(_no_province([("เทศบาลตำบลท่าช้าง", "เฉลิมพระเกียรติ", "71.00")]))
    row = batch.rows.get()
    url = reverse("imports:detail", args=[batch.pk])
    with translation.override("th"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="th").content.decode()
    stored = Organisation.objects.get(name="เทศบาลตำบลท่าช้าง")
    assert f'name="choice" value="{stored.pk}"' in page
    assert "บางกล่ำ, สงขลา" in page and "เฉลิมพระเกียรติ" in page
    assert 'value="create"' not in page  # a stored name in another place is never re-created
    client.post(reverse("imports:resolve", args=[batch.pk, row.pk]), {"choice": stored.pk})
    batch = _checked(ImportBatch.objects.get(pk=batch.pk))
    assert batch.rows.get().organisation == stored and batch.can_commit


def test_the_province_chosen_once_in_the_preview_places_the_table_and_is_applied(client) -> None:
    """Rows without a province whose district is a district of several provinces: the
    administrator chooses the province of the whole table on the preview page, the preview is
    checked again in it, and the apply writes in it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.urls import reverse
    from django.utils import translation

    from ita.history.models import Event
    from ita.organisations.models import Province

    tha_chang = "องค์การบริหารส่วนตำบลท่าช้าง"
    korat = _org(tha_chang, "เฉลิมพระเกียรติ", KORAT)
    saraburi = _org(tha_chang, "เฉลิมพระเกียรติ", "สระบุรี")
    _scored(korat, "80.00"), _scored(saraburi, "75.00")
    admin = get_user_model().objects.create_user("admin", is_staff=True)
    admin.user_permissions.add(Permission.objects.get(codename="add_importbatch"))
    client.force_login(admin)
    batch = _checked(
        _preview(
            _no_province(
                [
                    (tha_chang, "เฉลิมพระเกียรติ", "90.00"),
                    ("องค์การบริหารส่วนตำบลหนองงูเหลือม", "เฉลิมพระเกียรติ", "70.00"),
                ]
            )
        )
    )
    assert batch.error_count == 2 and batch.findings["province_unclear"] == 2
    url = reverse("imports:detail", args=[batch.pk])
    with translation.override("th"):
        page = client.get(url).content.decode()
    assert 'name="province"' in page and 'value="province"' in page
    client.post(reverse("imports:choose", args=[batch.pk]), {"choice": "province", "province": ""})
    assert ImportBatch.objects.get(pk=batch.pk).province is None  # nothing chosen, nothing done
    korat_province = Province.objects.get(name=KORAT)
    client.post(
        reverse("imports:choose", args=[batch.pk]),
        {"choice": "province", "province": korat_province.pk},
    )
    batch = _checked(ImportBatch.objects.get(pk=batch.pk))
    assert batch.province == korat_province
    rows = {r.name: r for r in batch.rows.all()}
    assert rows[tha_chang].organisation == korat and rows[tha_chang].status == "changed"
    # The gazetteer's ต.หนองงูเหลือม of Korat's เฉลิมพระเกียรติ: placed, to create.
    assert rows["องค์การบริหารส่วนตำบลหนองงูเหลือม"].district.province == korat_province
    assert Event.objects.filter(action="import.choose", comment=KORAT).exists()
    with translation.override("th"):
        page = client.get(url).content.decode()
    assert 'name="province"' not in page  # asked once
    batch = _checked(import_create_missing(batch=batch, actor=None))
    assert batch.can_commit
    import_commit(batch=batch, actor=None)
    assert Assessment.objects.get(organisation=korat).total == D("90.00")
    assert Assessment.objects.get(organisation=saraburi).total == D("75.00")  # untouched
    created = Organisation.objects.get(name="องค์การบริหารส่วนตำบลหนองงูเหลือม")
    assert created.district.province == korat_province
