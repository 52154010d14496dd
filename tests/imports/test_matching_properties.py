"""Proof by properties: generated tables from the gazetteer, applied, never misplace a score.

Hypothesis draws rows from the subdistricts of Nakhon Ratchasima (34 names repeated across its
districts, a district of one name in five provinces) and of two provinces it shares names with:
same-name organisations across districts and provinces, the short and full forms of the kind,
look-alike spellings (ฎ/ฏ …), a random subset already stored, rows with and without their
province and district. After each apply:

* each score sits on the organisation of its row's own place (district, kind, name by the
  spelling rules), and every row the preview matched was matched there;
* no two organisations share district, kind and normalised name;
* nothing changed that the preview did not list.

It runs on SQLite and on PostgreSQL, as the suite does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ita.imports.matching import match_key
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.services import import_commit, import_preview
from ita.organisations.models import Organisation, Subdistrict
from ita.organisations.placement import fold
from ita.results.models import Assessment
from ita.results.services import year_create

PROVINCES = ("นครราชสีมา", "บุรีรัมย์", "ชัยภูมิ")
KINDS = {
    "sao": ("องค์การบริหารส่วนตำบล", "อบต."),
    "sdm": ("เทศบาลตำบล", "ทต."),
}
# A letter and its look-alike, as text recognition confuses them (the spelling rules fold them).
SWAPS = {"ฏ": "ฎ", "ฎ": "ฏ", "บ": "ป", "ป": "บ", "ต": "ฅ", "ช": "ซ", "ซ": "ช"}


@dataclass(frozen=True)
class Place:
    subdistrict: str
    district: str
    province: str
    district_id: int


@dataclass(frozen=True)
class Row:
    place: Place
    kind: str
    short: bool  # อบต. rather than องค์การบริหารส่วนตำบล
    lookalike: bool  # one letter swapped for its look-alike
    with_district: bool
    with_province: bool
    stored: bool  # already an organisation (with a score) before the import
    total: Decimal

    @property
    def full_name(self) -> str:
        return KINDS[self.kind][0] + self.place.subdistrict

    @property
    def written(self) -> str:
        name = self.place.subdistrict
        if self.lookalike:
            at = next((i for i, c in enumerate(name) if c in SWAPS), None)
            if at is not None:
                name = name[:at] + SWAPS[name[at]] + name[at + 1 :]
        return KINDS[self.kind][1 if self.short else 0] + name


def _places() -> list[Place]:
    return [
        Place(s.name, s.district.name, s.district.province.name, s.district_id)
        for s in Subdistrict.objects.filter(district__province__name__in=PROVINCES)
        .select_related("district__province")
        .order_by("code")
    ]


def _rows(places: list[Place]) -> st.SearchStrategy[list[Row]]:
    names: dict[tuple[str, str], int] = {}
    for p in places:
        names[(p.province, p.subdistrict)] = names.get((p.province, p.subdistrict), 0) + 1
    repeated = [p for p in places if names[(p.province, p.subdistrict)] > 1]
    row = st.builds(
        Row,
        # Half from the names a province repeats, where a row could land on the wrong one.
        place=st.sampled_from(repeated) | st.sampled_from(places),
        kind=st.sampled_from(sorted(KINDS)),
        short=st.booleans(),
        lookalike=st.booleans(),
        with_district=st.booleans() | st.just(True),
        with_province=st.booleans(),
        stored=st.booleans(),
        total=st.decimals(min_value=40, max_value=100, places=2),
    )
    # One row per organisation (a second one is a duplicate, an error of its own).
    return st.lists(row, min_size=1, max_size=25, unique_by=lambda r: (r.place, r.kind))


def _table(rows: list[Row]) -> bytes:
    lines = ["หน่วยงาน\tอำเภอ\tจังหวัด\tคะแนน"]
    for r in rows:
        district = r.place.district if r.with_district else ""
        province = r.place.province if r.with_province else ""
        lines.append(f"{r.written}\t{district}\t{province}\t{r.total}")
    return ("\n".join(lines) + "\n").encode()


def _state() -> dict[int, tuple]:
    return {
        pk: rest
        for pk, *rest in Assessment.objects.values_list("organisation_id", "year_id", "total")
    }


class GeneratedTablesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.places = _places()
        cls.year = year_create(year=2562, actor=None)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def test_every_score_lands_on_the_organisation_of_its_own_place(self, data) -> None:
        rows = data.draw(_rows(self.places))
        # Stored in the right place, spelt as the gazetteer spells it (the table may not).
        stored: dict[Row, Organisation] = {}
        for r in rows:
            if r.stored:
                org = Organisation.objects.create(
                    name=r.full_name, kind=r.kind, district_id=r.place.district_id
                )
                Assessment.objects.create(organisation=org, year=self.year, total=Decimal("50"))
                stored[r] = org
        before = _state()

        batch = import_preview(
            data=_table(rows),
            file_name="generated.tsv",
            year=2562,
            resolutions={"*create_missing": True},
        )
        by_line = {row.line: row for row in batch.rows.select_related("organisation")}
        assert len(by_line) == len(rows)
        applied: list[Row] = []
        for line, r in zip(sorted(by_line), rows, strict=True):
            row = by_line[line]
            if row.status == ImportRow.Status.ERROR:
                continue
            # Matched or to be created, always in the row's own district.
            assert row.district_id == r.place.district_id, (r, row.messages)
            if row.organisation is not None:
                assert row.organisation.district_id == r.place.district_id, (r, row.messages)
                assert fold(row.organisation.name_key) == match_key(r.written)
            if r in stored:
                assert row.organisation == stored[r], (r, row.messages)
            applied.append(r)
        # A row naming its district in its province never fails to be placed.
        for r in rows:
            if r.with_district and r.with_province:
                assert r in applied, r

        # Applied: only the rows the preview accepted (an import with errors applies nothing).
        if not applied:
            return
        batch = import_preview(
            data=_table(applied),
            file_name="accepted.tsv",
            year=2562,
            resolutions={"*create_missing": True},
        )
        assert batch.can_commit, list(batch.rows.values_list("line", "messages"))
        listed = {
            row.organisation_id: row.after
            for row in batch.rows.all()
            if row.effect in (ImportRow.Status.NEW, ImportRow.Status.CHANGED)
        }
        import_commit(batch=batch, actor=None)

        organisations = list(
            Organisation.objects.values_list("pk", "district_id", "kind", "name_key")
        )
        for r in applied:
            (org_id,) = [
                pk
                for pk, district_id, kind, key in organisations
                if district_id == r.place.district_id
                and kind == r.kind
                and fold(key) == match_key(r.written)
            ]
            assert Assessment.objects.get(organisation_id=org_id, year=self.year).total == r.total
        keys = [(district_id, kind, fold(key)) for _pk, district_id, kind, key in organisations]
        assert len(keys) == len(set(keys))
        # Nothing changed or added that the preview did not list, as it listed it.
        after = _state()
        created = {
            row.organisation_id
            for row in ImportBatch.objects.get(pk=batch.pk).rows.filter(match="create")
        }
        for org_id, values in after.items():
            if before.get(org_id) == values:
                continue
            expected = listed.get(None if org_id in created else org_id)
            if org_id in created:
                assert org_id not in before
                continue
            assert expected is not None and Decimal(expected["total"]) == values[1], org_id
        assert set(before) <= set(after)
