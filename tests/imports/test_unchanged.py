"""The commit applies a preview's rows without checking the table again only while nothing the
check read has changed (ita.imports.unchanged); any such change, even one written without a
history row, sends it back to the full check, which refuses a stale preview."""

from decimal import Decimal as D

import pytest

from ita.imports import services
from ita.imports.checking.checker import Checker
from ita.imports.models import ImportBatch
from ita.imports.services import StalePreview, import_check, import_commit, import_start
from ita.organisations.models import District, Organisation
from ita.results.models import Assessment, AssessmentYear
from tests.imports.helpers import seed_text

pytestmark = pytest.mark.django_db

# The seed's table with the อบจ.'s result changed: one row changed, 84 unchanged, all matched.
CHANGED = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84").encode()
PAO = "องค์การบริหารส่วนจังหวัดตรัง"


def _preview(data: bytes = CHANGED) -> ImportBatch:
    batch = services.import_preview(data=data, file_name="table", year=2564)
    assert batch.can_commit and batch.counts["changed"] == 1
    return batch


def _results() -> list[tuple]:
    return list(
        Assessment.objects.order_by("pk").values_list(
            "pk", "organisation_id", "year_id", "total", "level", "change", "passed", "rank"
        )
    )


class _Counted:
    """Counts the rows the checker judges (the commit's full check, or none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        check = Checker.check

        def counted(checker: Checker, raw_rows: list) -> list:
            self.rows += len(raw_rows)
            return check(checker, raw_rows)

        monkeypatch.setattr(Checker, "check", counted)


def test_an_untouched_preview_is_applied_as_it_was_checked(demo, monkeypatch) -> None:
    batch = _preview()
    checked = _Counted(monkeypatch)
    import_commit(batch=batch, actor=None)
    assert checked.rows == 0  # not checked again: nothing it read has changed
    pao = Assessment.objects.get(organisation__name=PAO, year__year=2564)
    assert (pao.total, pao.change, pao.level, pao.passed) == (D("97.76"), D("34.84"), "AA", True)
    assert Assessment.objects.filter(year__year=2564, derived=False).count() == 85


def test_a_result_changed_by_another_import_sends_the_commit_to_the_full_check(
    demo, monkeypatch
) -> None:
    first = _preview()
    other = _preview(seed_text().replace("96.76\tAA\t+33.84", "98.76\tAA\t+35.84").encode())
    import_commit(batch=other, actor=None)
    before = _results()
    checked = _Counted(monkeypatch)
    with pytest.raises(StalePreview):
        import_commit(batch=first, actor=None)
    assert checked.rows == 85 and _results() == before


def test_a_same_name_organisation_added_elsewhere_in_the_province_is_seen(demo) -> None:
    """Written straight to the table (no service, no history row): a second อบจ. of the name in
    another district of the province makes the อบจ.'s row ambiguous."""
    batch = _preview()
    pao = Organisation.objects.get(name=PAO)
    elsewhere = District.objects.filter(province=pao.district.province_id).exclude(
        pk=pao.district_id
    )
    Organisation.objects.bulk_create(
        [Organisation(name=PAO, name_key=pao.name_key, kind=pao.kind, district=elsewhere.first())]
    )
    before = _results()
    with pytest.raises(StalePreview):
        import_commit(batch=batch, actor=None)
    assert _results() == before


def test_a_method_changed_after_the_preview_is_seen(demo) -> None:
    batch = _preview()
    # The published pass/fail of the table now contradicts the year's (confirmed) pass mark.
    AssessmentYear.objects.filter(year=2564).update(pass_mark=D("97"))
    before = _results()
    with pytest.raises(StalePreview):
        import_commit(batch=batch, actor=None)
    assert _results() == before


def test_a_total_of_the_year_before_changed_after_the_preview_is_seen(demo) -> None:
    batch = _preview()
    # The อบจ.'s change (+34.84) now disagrees with the year before: a warning the preview lacked.
    Assessment.objects.filter(organisation__name=PAO, year__year=2563).update(total=D("10"))
    before = _results()
    with pytest.raises(StalePreview):
        import_commit(batch=batch, actor=None)
    assert _results() == before


def test_a_change_between_two_chunks_of_the_preview_is_seen(demo) -> None:
    """The first chunk matched เทศบาลนครตรัง in its district; it moved before the second chunk
    was checked: the chunks read different places, and the commit checks the whole again."""
    batch = import_start(
        data=CHANGED,
        file_name="t",
        year=2564,
        province=None,
        kind=None,
        source="command",
        actor=None,
    )
    batch = import_check(batch=batch, limit=40)
    city = Organisation.objects.get(name="เทศบาลนครตรัง")
    Organisation.objects.filter(pk=city.pk).update(
        district=District.objects.exclude(pk=city.district_id)
        .filter(province=city.district.province_id)
        .first()
    )
    batch = import_check(batch=batch, limit=None)
    assert batch.can_commit  # the moved organisation's row was judged before it moved
    assert batch.checked_against == {"mixed": True}
    before = _results()
    with pytest.raises(StalePreview):
        import_commit(batch=batch, actor=None)
    assert _results() == before
