import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError, QuerySet

from ita.history.models import Event
from ita.imports import services, writes
from ita.imports.choices import import_row_resolve
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.parsing import parse_table
from ita.imports.services import (
    AlreadyApplied,
    StalePreview,
    import_commit,
    import_preview,
    import_revert,
)
from ita.organisations.models import (
    District,
    DistrictAlias,
    Organisation,
    OrganisationAlias,
    Province,
)
from ita.results.models import Assessment, AssessmentYear, IndicatorScore
from tests.imports.helpers import (
    indicator_csv,
    seed_bytes,
    seed_csv,
    seed_spaces,
    seed_text,
    seed_xlsx,
)

pytestmark = pytest.mark.django_db


def _state() -> list[tuple]:
    """Everything an import may touch, to prove that nothing changed."""
    return [
        list(
            Assessment.objects.order_by("pk").values_list(
                "pk",
                "organisation_id",
                "year_id",
                "total",
                "level",
                "change",
                "passed",
                "rank",
                "derived",
            )
        ),
        list(
            IndicatorScore.objects.order_by("pk").values_list(
                "assessment_id", "indicator_id", "score"
            )
        ),
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "district_id")),
        list(AssessmentYear.objects.order_by("pk").values_list("year")),
    ]


def _preview(data: bytes, year: int = 2564, **kw: object) -> ImportBatch:
    return import_preview(data=data, file_name="table", year=year, **kw)


def _row(batch: ImportBatch, number: str) -> ImportRow:
    return batch.rows.get(number=number)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(seed_bytes(), id="pasted-text"),
        pytest.param(seed_spaces().encode(), id="space-separated"),
        pytest.param(seed_csv("cp874"), id="csv-cp874"),
        pytest.param(seed_xlsx(), id="xlsx"),
    ],
)
def test_the_seed_on_top_of_the_demo_matches_all_85_rows_unchanged(demo, data: bytes) -> None:
    before = _state()
    batch = _preview(data)
    assert batch.status == ImportBatch.Status.READY
    # The pasted text names the province in its title (จังหวัดตรัง); the CSV and XLSX do not,
    # and their districts and names find the organisations all the same.
    titled = "province" in parse_table(data).hints
    assert batch.province == (Province.objects.get(name="ตรัง") if titled else None)
    assert batch.counts == {
        "new": 0,
        "changed": 0,
        "unchanged": 85,
        "warning": 0,
        "error": 0,
        "skipped": 0,
        "skipped_lines": batch.counts["skipped_lines"],
    }
    row50 = _row(batch, "50")
    assert row50.organisation == demo.home and row50.match == "alias"
    for row in batch.rows.filter(district_name="เมืองควน"):
        assert row.organisation.district.name == "เมืองตรัง"
    assert batch.rows.values("organisation").distinct().count() == 85
    import_commit(batch=batch, actor=demo.users["admin"])
    assert _state() == before
    assert Organisation.objects.count() == 85


def test_a_changed_row_shows_its_diff_applies_and_reverts(demo) -> None:
    admin = demo.users["admin"]
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    batch = _preview(text.encode(), actor=admin)
    row = _row(batch, "1")
    assert row.status == "changed"
    assert (row.before["total"], row.after["total"]) == ("96.76", "97.76")
    assert (row.before["change"], row.after["change"]) == ("33.84", "34.84")
    assert batch.counts["changed"] == 1 and batch.counts["unchanged"] == 84
    import_commit(batch=batch, actor=admin)
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564)
    assert (pao.total, pao.change) == (D("97.76"), D("34.84"))
    assert Event.objects.filter(
        action="import.apply", object_id=str(batch.pk), actor=admin
    ).exists()
    batch.refresh_from_db()
    assert batch.applied_by == admin and batch.applied_at is not None

    again = _preview(text.encode())
    assert again.counts["unchanged"] == 85  # the same file twice changes nothing

    import_revert(batch=batch, actor=admin)
    pao.refresh_from_db()
    assert (pao.total, pao.change) == (D("96.76"), D("33.84"))
    assert Event.objects.filter(action="import.revert", object_id=str(batch.pk)).exists()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("77.29\tB\t+1.41\tไม่ผ่าน", "77.29\tA\t+1.41\tไม่ผ่าน", "contradicts the score 77.29"),
        ("77.29\tB\t+1.41\tไม่ผ่าน", "77.29\tB\t+1.41\tผ่าน", "pass mark"),
        ("77.29\tB\t+1.41\tไม่ผ่าน", "177.29\tB\t+1.41\tไม่ผ่าน", "outside 0–100"),
        ("77.29\tB\t+1.41\tไม่ผ่าน", "77.2x\tB\t+1.41\tไม่ผ่าน", "not a number"),
        ("77.29\tB\t+1.41\tไม่ผ่าน", "77.29\tZ\t+1.41\tไม่ผ่าน", "not one of the year's levels"),
        ("77.29\tB\t+1.41\tไม่ผ่าน", "77.29\tB\t+1.41\tบางที", "neither ผ่าน"),
        ("77.29\tB\t+1.41\tไม่ผ่าน", "\tB\t+1.41\tไม่ผ่าน", "missing"),
        ("องค์การบริหารส่วนตำบลไม้ผาด", "องค์การบริหารส่วนตำบลไม่มีจริง", "is not known"),
    ],
)
def test_a_bad_row_is_an_error_that_names_the_reason_and_blocks_the_commit(
    demo,
    old: str,
    new: str,
    expected: str,
) -> None:
    from ita.imports.messages import render

    before = _state()
    batch = _preview(seed_text().replace(old, new).encode())
    row = batch.rows.get(line=100)
    assert row.status == "error"
    assert any(expected in render(m) for m in row.messages), row.messages
    with pytest.raises(ValidationError, match="errors"):
        import_commit(batch=batch, actor=None)
    assert _state() == before


def test_duplicate_rows_are_errors(demo) -> None:
    lines = seed_text().splitlines()
    duplicate = next(line for line in lines if line.startswith("85\t"))
    batch = _preview(("\n".join(lines) + "\n" + duplicate.replace("85\t", "86\t", 1)).encode())
    row = batch.rows.get(number="86")
    assert row.status == "error" and row.messages[-1]["code"] == "duplicate"
    assert batch.counts["error"] == 1


def test_a_change_that_disagrees_with_last_year_is_a_warning(demo) -> None:
    batch = _preview(seed_text().replace("94.71\tA\t+28.81", "94.71\tA\t+20.81").encode())
    row = _row(batch, "85")
    assert row.status == "warning" and row.effect == "changed"
    assert row.messages[0]["code"] == "change_disagrees"
    assert batch.can_commit


def test_choosing_a_suggestion_saves_an_alias_that_later_imports_use(demo) -> None:
    admin = demo.users["admin"]
    text = seed_text().replace("อุยไธสง", "อุยไธสงห์")
    batch = _preview(text.encode())
    row = _row(batch, "50")
    assert row.status == "error"
    assert row.suggestions[0]["id"] == demo.home.pk
    assert "history" in row.suggestions[0]["reasons"]
    batch = import_row_resolve(batch=batch, row=row, organisation=demo.home, actor=admin)
    # The preview stores no alias: the choice is the import's until it is applied.
    assert not OrganisationAlias.objects.filter(name="องค์การบริหารส่วนตำบลอุยไธสงห์").exists()
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    chosen = _row(batch, "50")
    assert chosen.organisation == demo.home and batch.counts["error"] == 0
    # A score reached through a new alias is a warning to confirm, not a quiet "unchanged".
    assert chosen.status == "warning" and chosen.messages[0]["code"] == "alias_new"
    import_commit(batch=batch, actor=admin)
    assert OrganisationAlias.objects.filter(
        organisation=demo.home, name="องค์การบริหารส่วนตำบลอุยไธสงห์"
    ).exists()
    assert Event.objects.filter(action="alias.add", actor=admin).exists()
    fresh = _preview(text.encode())
    assert _row(fresh, "50").match == "alias" and fresh.counts["unchanged"] == 85
    import_revert(batch=batch, actor=admin)
    assert not OrganisationAlias.objects.filter(name="องค์การบริหารส่วนตำบลอุยไธสงห์").exists()
    assert Event.objects.filter(action="alias.remove", actor=admin).exists()


def test_a_discarded_preview_with_a_choice_changes_nothing(demo) -> None:
    text = seed_text().replace("อุยไธสง\tปะเหลียน", "อุยไธสงห์\tปะเหลี่ยน")
    batch = _preview(text.encode())
    aliases, districts = OrganisationAlias.objects.count(), DistrictAlias.objects.count()
    batch = import_row_resolve(
        batch=batch, row=_row(batch, "50"), organisation=demo.home, actor=None
    )
    services.import_discard(batch=batch, actor=None)
    assert OrganisationAlias.objects.count() == aliases
    assert DistrictAlias.objects.count() == districts
    assert not ImportBatch.objects.exists()


def test_a_misspelt_district_is_saved_with_the_chosen_organisation(demo) -> None:
    text = seed_text().replace("อุยไธสง\tปะเหลียน", "อุยไธสงห์\tปะเหลี่ยน")
    batch = _preview(text.encode())
    batch = import_row_resolve(
        batch=batch, row=_row(batch, "50"), organisation=demo.home, actor=None
    )
    assert not DistrictAlias.objects.filter(name="ปะเหลี่ยน").exists()
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    import_commit(batch=batch, actor=None)
    assert DistrictAlias.objects.filter(name="ปะเหลี่ยน", district=demo.home.district).exists()
    import_revert(batch=batch, actor=None)
    assert not DistrictAlias.objects.filter(name="ปะเหลี่ยน").exists()


def test_creating_an_organisation_from_a_row_happens_at_commit_and_reverts(demo) -> None:
    text = seed_text() + "\n86\tเทศบาลตำบลใหม่เอี่ยม\tสิเกา\t90.00\tA\t\tผ่าน\n"
    batch = _preview(text.encode())
    row = _row(batch, "86")
    assert row.status == "error"
    batch = import_row_resolve(batch=batch, row=row, create=True, actor=None)
    assert not Organisation.objects.filter(name="เทศบาลตำบลใหม่เอี่ยม").exists()
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    assert _row(batch, "86").status == "new" and batch.can_commit
    import_commit(batch=batch, actor=None)
    org = Organisation.objects.get(name="เทศบาลตำบลใหม่เอี่ยม")
    assert org.kind == "sdm" and org.district.name == "สิเกา"
    assert Assessment.objects.get(organisation=org).total == D("90.00")
    import_revert(batch=batch, actor=None)
    assert not Organisation.objects.filter(name="เทศบาลตำบลใหม่เอี่ยม").exists()


def test_a_revert_refused_by_a_protected_record_names_what_protects_it(demo, monkeypatch) -> None:
    # The names are lazy translations: joined as they were, the refusal was a TypeError.
    text = seed_text() + "\n86\tเทศบาลตำบลใหม่เอี่ยม\tสิเกา\t90.00\tA\t\tผ่าน\n"
    batch = _preview(text.encode())
    batch = import_row_resolve(batch=batch, row=_row(batch, "86"), create=True, actor=None)
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    import_commit(batch=batch, actor=None)
    created = Assessment.objects.get(organisation__name="เทศบาลตำบลใหม่เอี่ยม")

    def refuse(self, *args, **kwargs):
        raise ProtectedError("protected", {created})

    monkeypatch.setattr(QuerySet, "delete", refuse)
    with pytest.raises(ValidationError) as refused:
        import_revert(batch=batch, actor=None)
    assert str(Assessment._meta.verbose_name) in str(refused.value)


def test_an_organisation_created_from_a_short_name_gets_its_full_name(demo) -> None:
    batch = _preview(seed_text().replace("องค์การบริหารส่วนตำบลเขาขาว", "อบต.เขาขาวใหม่").encode())
    batch = import_row_resolve(batch=batch, row=_row(batch, "85"), create=True, actor=None)
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    import_commit(batch=batch, actor=None)
    org = Organisation.objects.get(name="องค์การบริหารส่วนตำบลเขาขาวใหม่")
    assert org.kind == "sao" and org.district.name == "ห้วยยอด"


def test_an_indicator_table_sets_scores_and_checks_totals(demo) -> None:
    home = ["100", "99.48", "100", "83.85", "100", "93.24", "85.95", "87.09", "95.28", "92.86"]
    scores = [D(s) for s in home]
    lipang = [D("90")] * 10
    data = indicator_csv(
        [
            ("อบต.สุโสะ", "ปะเหลียน", "ตรัง", scores, D("93.26")),
            ("องค์การบริหารส่วนตำบลลิพัง", "ปะเหลียน", "จังหวัดตรัง", lipang, D("90.41")),
        ]
    )
    batch = _preview(data)
    assert batch.kind == "indicators"
    home, other = batch.rows.order_by("line")
    assert home.status == "unchanged"  # the demo holds สุโสะ's scores already
    assert other.status == "error" and other.messages[0]["code"] == "total_disagrees"

    fixed = indicator_csv([("องค์การบริหารส่วนตำบลลิพัง", "ปะเหลียน", "ตรัง", lipang, None)])
    batch = _preview(fixed)
    row = batch.rows.get()
    assert row.status == "changed" and row.after["total"] == "90.00"
    assert row.after["scores"]["1"] == "90.0000"
    import_commit(batch=batch, actor=None)
    a = Assessment.objects.get(organisation=demo.other, year__year=2564)
    assert a.total == D("90.00") and a.level == "A" and a.passed is True
    assert a.scores.count() == 10 and a.computed_total == D("90")
    import_revert(batch=batch, actor=None)
    a.refresh_from_db()
    assert a.total == D("90.41") and a.scores.count() == 0


def test_a_year_not_yet_known_is_created_with_a_copy_of_the_method(demo) -> None:
    text = seed_text().replace("2564", "2565")
    batch = _preview(text.encode(), year=2565)
    # New results; each a warning because the change column disagrees with 2564's totals.
    assert batch.rows.filter(effect="new").count() == 85
    assert not AssessmentYear.objects.filter(year=2565).exists()
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2565)
    assert year.indicators.count() == 10 and year.levels.count() == 7
    assert Assessment.objects.filter(year=year, derived=False).count() == 85
    batch.refresh_from_db()
    assert batch.year_created
    import_revert(batch=batch, actor=None)
    assert not Assessment.objects.filter(year=year, derived=False).exists()


def test_a_table_for_another_year_is_refused(demo) -> None:
    with pytest.raises(ValidationError, match="2564"):
        _preview(seed_bytes(), year=2565)
    assert not ImportBatch.objects.exists()


def test_the_second_commit_of_the_same_preview_is_told_it_was_applied(demo) -> None:
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    import_commit(batch=batch, actor=demo.users["admin"])
    with pytest.raises(AlreadyApplied, match="already applied"):
        import_commit(batch=batch, actor=None)
    assert Event.objects.filter(action="import.apply").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_administrators_committing_at_once_apply_it_once(demo) -> None:
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def commit() -> None:
        try:
            barrier.wait()
            import_commit(batch=ImportBatch.objects.get(pk=batch.pk), actor=None)
            outcomes.append("applied")
        except AlreadyApplied:
            outcomes.append("told")
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["applied", "told"]
    assert Event.objects.filter(action="import.apply").count() == 1


def test_a_failure_half_way_through_the_commit_leaves_everything_as_it_was(
    demo, monkeypatch
) -> None:
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    text += "\n86\tเทศบาลตำบลใหม่เอี่ยม\tสิเกา\t90.00\tA\t\tผ่าน\n"
    batch = _preview(text.encode())
    batch = import_row_resolve(batch=batch, row=_row(batch, "86"), create=True, actor=None)
    while batch.status == ImportBatch.Status.CHECKING:
        batch = services.import_check(batch=batch)
    before = _state()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writes, "write_scores", boom)
    with pytest.raises(RuntimeError):
        import_commit(batch=batch, actor=None)
    assert _state() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY
    assert not Event.objects.filter(action__in=["import.apply", "organisation.create"]).exists()


def test_a_preview_made_stale_by_another_change_is_not_applied(demo) -> None:
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    Assessment.objects.filter(organisation__name="เทศบาลนครตรัง", year__year=2564).update(
        total=D("50")
    )
    before = _state()
    with pytest.raises(StalePreview):
        import_commit(batch=batch, actor=None)
    assert _state() == before


def test_revert_is_refused_when_a_later_import_changed_the_same_results(demo) -> None:
    first = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    import_commit(batch=first, actor=None)
    second = _preview(seed_text().replace("96.76\tAA\t+33.84", "98.76\tAA\t+35.84").encode())
    import_commit(batch=second, actor=None)
    before = _state()
    with pytest.raises(ValidationError, match="later import"):
        import_revert(batch=first, actor=None)
    assert _state() == before
    import_revert(batch=second, actor=None)
    import_revert(batch=first, actor=None)
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564)
    assert pao.total == D("96.76")


def test_the_province_column_must_agree_with_the_chosen_province(demo) -> None:
    other = Province.objects.get(name="พัทลุง")
    District.objects.get(province=other, name="เมืองพัทลุง")
    scores = [D("90")] * 10
    batch = _preview(indicator_csv([("อบต.สุโสะ", "ปะเหลียน", "ตรัง", scores, None)]), province=other)
    assert batch.rows.get().messages[0]["code"] == "province_differs"


def test_the_preview_is_checked_in_chunks_with_progress(demo, monkeypatch) -> None:
    monkeypatch.setattr(services, "CHUNK", 20)
    seen: list[tuple[int, int]] = []
    batch = import_preview(
        data=seed_bytes(), file_name="t", year=2564, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(20, 85), (40, 85), (60, 85), (80, 85), (85, 85)]
    assert batch.counts["unchanged"] == 85


def test_an_indicator_table_missing_an_indicator_column_is_refused(demo) -> None:
    data = indicator_csv([("อบต.สุโสะ", "ปะเหลียน", "ตรัง", [D("90")] * 10, None)])
    header, row = data.decode().splitlines()

    def without_indicator_10(line: str) -> str:
        cells = line.split(",")
        return ",".join(cells[:12] + cells[13:])

    table = f"{without_indicator_10(header)}\n{without_indicator_10(row)}\n"
    with pytest.raises(ValidationError, match=r"indicator columns 1, 2, 3, 4, 5, 6, 7, 8, 9\."):
        _preview(table.encode())
    assert not ImportBatch.objects.exists()


def test_a_preview_is_recorded_in_the_history_and_changes_no_result(demo) -> None:
    before = _state()
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    assert Event.objects.filter(action="import.preview", object_id=str(batch.pk)).exists()
    assert batch.checksum and batch.size and batch.rows_total == 85
    assert _state() == before


def test_a_discarded_preview_keeps_one_object_type_in_the_history(demo) -> None:
    """The discard names the batch as every other import row does (and as memos.0004 renamed
    the rows written before the move): imports.importbatch, not the old ita.importbatch."""
    batch = _preview(seed_bytes())
    services.import_discard(batch=batch, actor=None)
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    types = set(
        Event.objects.filter(action__startswith="import.", object_id=str(batch.pk)).values_list(
            "object_type", flat=True
        )
    )
    assert types == {"imports.importbatch"}


def test_a_name_in_two_provinces_without_district_or_province_is_ambiguous(demo) -> None:
    other = Province.objects.get(name="พัทลุง")
    district = District.objects.get(province=other, name="ควนขนุน")
    Organisation.objects.create(name="องค์การบริหารส่วนตำบลลิพัง", kind="sao", district=district)
    text = (
        "หน่วยงาน,อำเภอ,คะแนน,ระดับ,เปรียบเทียบปีที่ผ่านมา,เปรียบเทียบกับเกณฑ์\n"
        "องค์การบริหารส่วนตำบลลิพัง,,90.41,A,,\n"
    )
    row = _preview(text.encode()).rows.get()
    assert row.status == "error" and row.messages[0]["code"] == "place_unclear"
    assert {(s["district"], s["province"]) for s in row.suggestions} == {
        ("ควนขนุน", "พัทลุง"),
        ("ปะเหลียน", "ตรัง"),
    }
    assert not any(s["preselect"] for s in row.suggestions)
    # With the province but no district, the one of that province is offered, not taken.
    chosen = _preview(text.encode(), province=Province.objects.get(name="ตรัง")).rows.get()
    assert chosen.organisation is None and chosen.status == "error"
    assert [(s["id"], s["preselect"]) for s in chosen.suggestions] == [(demo.other.pk, True)]


def test_checking_a_finished_preview_again_adds_nothing(demo) -> None:
    batch = _preview(seed_bytes())
    again = services.import_check(batch=batch)
    assert again.rows.count() == 85 and again.counts == batch.counts


def test_more_decimals_than_stored_are_rounded_with_a_warning(demo) -> None:
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "96.764\tAA\t+33.84").encode())
    row = _row(batch, "1")
    assert row.status == "warning" and row.effect == "unchanged"
    assert row.messages[0]["code"] == "rounded"


def test_reverting_an_import_already_reverted_says_who_reverted_it_and_when(demo) -> None:
    admin = demo.users["admin"]
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    import_commit(batch=batch, actor=admin)
    import_revert(batch=batch, actor=admin)
    before = _state()
    with pytest.raises(AlreadyApplied, match="already reverted") as caught:
        import_revert(batch=batch, actor=admin)
    batch.refresh_from_db()
    assert "ผู้ดูแลระบบ" in caught.value.messages[0]
    assert services.when(batch.reverted_at) in caught.value.messages[0]
    assert _state() == before


def test_a_refused_revert_names_the_organisation_year_and_the_later_import(demo) -> None:
    admin = demo.users["admin"]
    first = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    import_commit(batch=first, actor=admin)
    second = import_preview(
        data=seed_text().replace("96.76\tAA\t+33.84", "98.76\tAA\t+35.84").encode(),
        file_name="later.txt",
        year=2564,
    )
    import_commit(batch=second, actor=admin)
    with pytest.raises(ValidationError) as caught:
        import_revert(batch=first, actor=admin)
    text = caught.value.messages[0]
    assert "องค์การบริหารส่วนจังหวัดตรัง, year 2564" in text or "ปี 2564" in text
    assert f"#{second.pk}" in text and "later.txt" in text and "ผู้ดูแลระบบ" in text


def test_a_refused_revert_says_when_the_result_was_edited_rather_than_imported(demo) -> None:
    batch = _preview(seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode())
    import_commit(batch=batch, actor=None)
    Assessment.objects.filter(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564).update(
        total=D("95.00")
    )
    with pytest.raises(ValidationError) as caught:
        import_revert(batch=batch, actor=None)
    text = caught.value.messages[0]
    assert "องค์การบริหารส่วนจังหวัดตรัง" in text
    assert "edited or removed after this import" in text or "แก้ไขหรือลบ" in text
    assert "#" not in text


def _planned_rows(model: type) -> float:
    """The rows the planner believes the table holds (pg_class.reltuples, which ANALYZE sets)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return float(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics")
def test_an_apply_and_a_revert_leave_the_planner_counting_the_rows_they_wrote(
    demo, django_capture_on_commit_callbacks
) -> None:
    # A new year's 85 results beside the demo's, then gone again: the statistics follow at
    # once (autovacuum analysing the tables between a revert and an apply promised one row).
    batch = _preview(seed_text().replace("2564", "2565").encode(), year=2565)
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(batch=batch, actor=None)
    assert Assessment.objects.filter(year__year=2565).count() == 85
    assert _planned_rows(Assessment) == Assessment.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        import_revert(batch=ImportBatch.objects.get(pk=batch.pk), actor=None)
    assert _planned_rows(Assessment) == Assessment.objects.count()
    # An indicator table's scores (ten for ลิพัง) are counted too.
    scores = indicator_csv([("องค์การบริหารส่วนตำบลลิพัง", "ปะเหลียน", "ตรัง", [D("90")] * 10, None)])
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(batch=_preview(scores), actor=None)
    assert _planned_rows(IndicatorScore) == IndicatorScore.objects.count() > 0
