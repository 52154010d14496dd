"""Each year's method as data: letters to 2566, labels from 2567, unconfirmed when an import
creates the year, and a table whose levels belong to the other scheme offers to switch."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ita.history.models import Event
from ita.imports.choices import import_confirm_method, import_switch_scheme
from ita.imports.models import ImportBatch
from ita.imports.services import (
    import_check,
    import_commit,
    import_discard,
    import_preview,
    import_revert,
)
from ita.results import methods
from ita.results.models import Assessment, AssessmentYear
from ita.results.services import year_confirm, year_create, year_unconfirm
from tests.ita.test_admin_history import _form_data

pytestmark = pytest.mark.django_db


def _table(level: str, total: str = "96.76") -> bytes:
    return (
        "ที่\tหน่วยงาน\tอำเภอ\tคะแนน\tระดับผลการประเมิน\n"
        f"1\tองค์การบริหารส่วนจังหวัดตรัง\tเมืองตรัง\t{total}\t{level}\n"
    ).encode()


def _finish(batch: ImportBatch) -> ImportBatch:
    while batch.status == ImportBatch.Status.CHECKING:
        batch = import_check(batch=batch)
    return batch


@pytest.mark.parametrize("year", [2563, 2564, 2565, 2566])
def test_years_to_2566_have_letter_bands(year: int) -> None:
    created = year_create(year=year, actor=None)
    assert methods.scheme_of(created.level_labels()) == methods.LETTERS
    assert created.pass_mark == D("85") and created.confirmed


@pytest.mark.parametrize("year", [2567, 2568])
def test_years_from_2567_have_labels_even_after_a_letter_year(year: int) -> None:
    year_create(year=2566, actor=None)
    created = year_create(year=year, actor=None)
    assert created.level_labels() == [
        "ผ่านดีเยี่ยม",
        "ผ่านดี",
        "ผ่าน",
        "ต้องปรับปรุง",
        "ต้องปรับปรุงโดยด่วน",
    ]
    assert len(created.indicator_specs) == 10


def test_a_2567_table_saying_pass_imports_and_its_year_is_unconfirmed(demo) -> None:
    batch = import_preview(data=_table("ผ่าน", "86.00"), file_name="t.txt", year=2567)
    row = batch.rows.get()
    assert row.status == "new" and row.after["level"] == "ผ่าน"
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2567)
    assert not year.confirmed
    year_confirm(year=year, actor=demo.users["admin"])
    year.refresh_from_db()
    assert year.confirmed
    assert Event.objects.filter(action="year.confirm", object_id=str(year.pk)).exists()


def test_a_2567_table_without_levels_stores_scores_until_the_method_is_confirmed(demo) -> None:
    data = (
        "ที่\tหน่วยงาน\tอำเภอ\tคะแนน\n"
        "1\tองค์การบริหารส่วนจังหวัดตรัง\tเมืองตรัง\t96.76\n"
        "2\tองค์การบริหารส่วนตำบลสุโสะ\tปะเหลียน\t72.10\n"
    ).encode()
    batch = import_preview(data=data, file_name="t.txt", year=2567)
    # 2567's labels come from secondary sources: nothing computed from them, the scores only.
    assert {r.line: (r.after["level"], r.after["passed"]) for r in batch.rows.all()} == {
        2: ("", None),
        3: ("", None),
    }
    assert batch.findings["unconfirmed"] == 2
    batch = _finish(import_confirm_method(batch=batch, actor=None))
    assert not AssessmentYear.objects.filter(year=2567).exists()  # the preview changed nothing
    levels = {r.line: (r.after["level"], r.after["level_source"]) for r in batch.rows.all()}
    # 96.76 may be ผ่านดีเยี่ยม or ผ่านดี (the tools are not known): left blank, never "A".
    assert levels == {2: ("", ""), 3: ("ต้องปรับปรุง", "computed")}
    import_commit(batch=batch, actor=None)
    assert AssessmentYear.objects.get(year=2567).confirmed
    import_revert(batch=batch, actor=None)
    assert not AssessmentYear.objects.filter(year=2567).exists()


def test_levels_of_the_other_scheme_switch_the_year_only_when_applied(demo, client) -> None:
    batch = import_preview(data=_table("AA"), file_name="t.txt", year=2567)
    row = batch.rows.get()
    assert row.status == "error" and row.messages[0]["code"] == "level_other_scheme"
    assert batch.findings["scheme:letters"] == 1
    batch = _finish(import_switch_scheme(batch=batch, scheme="letters", actor=None))
    assert batch.rows.get().status == "new"
    # Nothing of the year changed: not created, and the public API shows no 2567.
    assert not AssessmentYear.objects.filter(year=2567).exists()
    assert client.get("/api/v1/years/2567").status_code == 404
    import_discard(batch=batch, actor=None)
    assert not AssessmentYear.objects.filter(year=2567).exists()
    assert client.get("/api/v1/years/2567").status_code == 404

    batch = import_preview(data=_table("AA"), file_name="t.txt", year=2567)
    batch = _finish(import_switch_scheme(batch=batch, scheme="letters", actor=None))
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2567)
    assert methods.scheme_of(year.level_labels()) == methods.LETTERS and not year.confirmed
    assert client.get("/api/v1/years/2567").json()["levels"][0]["level"] == "AA"
    import_revert(batch=batch, actor=None)
    assert not AssessmentYear.objects.filter(year=2567).exists()
    assert client.get("/api/v1/years/2567").status_code == 404


def test_a_scheme_chosen_for_a_stored_year_is_switched_back_by_the_revert(demo) -> None:
    year_create(year=2567, actor=None, confirmed=False)
    batch = _finish(
        import_switch_scheme(
            batch=import_preview(data=_table("AA"), file_name="t.txt", year=2567),
            scheme="letters",
            actor=None,
        )
    )
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2567)
    assert methods.scheme_of(year.level_labels()) == methods.LETTERS
    event = Event.objects.get(action="year.scheme")
    assert (event.from_state, event.to_state) == ("labels", "letters")
    import_revert(batch=batch, actor=None)
    assert methods.scheme_of(year.level_labels()) == methods.LABELS


def test_a_year_with_results_keeps_its_scheme(demo) -> None:
    from ita.results.services import year_set_scheme

    assert Assessment.objects.filter(year__year=2564).exists()
    with pytest.raises(ValidationError):
        year_set_scheme(year=2564, scheme="labels", actor=None)


_SCORES_2567 = (
    "ที่\tหน่วยงาน\tอำเภอ\tคะแนน\n"
    "1\tองค์การบริหารส่วนจังหวัดตรัง\tเมืองตรัง\t96.76\n"
    "2\tองค์การบริหารส่วนตำบลสุโสะ\tปะเหลียน\t72.10\n"
).encode()


def _levels(year: int) -> dict[str, tuple]:
    return {
        a.organisation.name: (a.level, a.level_source, a.passed, a.passed_source)
        for a in Assessment.objects.filter(year__year=year).select_related("organisation")
    }


def test_confirming_a_years_method_computes_the_stored_levels_and_says_so(demo) -> None:
    """A table of scores imported while 2567's method was unconfirmed (scores only); the
    administrator then confirms the method: the stored results get the levels and pass/fail it
    gives, marked computed, and the history row counts them. Unconfirmed again, they go."""
    batch = _finish(import_preview(data=_SCORES_2567, file_name="t.txt", year=2567))
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2567)
    assert not year.confirmed
    assert set(_levels(2567).values()) == {("", "", None, "")}

    year_confirm(year=year, actor=demo.users["admin"])
    assert _levels(2567) == {
        # 96.76 may be ผ่านดีเยี่ยม or ผ่านดี (the tools are not known): no level, never a guess.
        "องค์การบริหารส่วนจังหวัดตรัง": ("", "", True, "computed"),
        "องค์การบริหารส่วนตำบลสุโสะ": ("ต้องปรับปรุง", "computed", False, "computed"),
    }
    event = Event.objects.filter(action="year.confirm", object_id=str(year.pk)).get()
    assert event.data == {"levels_computed": 1, "passed_computed": 2}

    year_unconfirm(year=year, actor=demo.users["admin"])
    assert set(_levels(2567).values()) == {("", "", None, "")}
    event = Event.objects.filter(action="year.unconfirm", object_id=str(year.pk)).get()
    assert event.data == {"levels_removed": 1, "passed_removed": 2}


def test_a_published_level_stays_published_when_the_method_is_confirmed(demo) -> None:
    batch = _finish(import_preview(data=_table("ผ่าน", "86.00"), file_name="t.txt", year=2567))
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2567)
    year_confirm(year=year, actor=None)
    ((level, source, passed, passed_source),) = _levels(2567).values()
    assert (level, source) == ("ผ่าน", "published")
    assert (passed, passed_source) == (True, "computed")


def test_the_admin_confirms_a_method_through_the_service_and_says_what_it_computed(
    demo, client
) -> None:
    batch = _finish(import_preview(data=_SCORES_2567, file_name="t.txt", year=2567))
    import_commit(batch=batch, actor=None)
    year = AssessmentYear.objects.get(year=2567)
    client.force_login(demo.users["admin"])
    meta = AssessmentYear._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[year.pk])
    data = _form_data(client.get(url))
    data["confirmed"] = "on"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    year.refresh_from_db()
    assert year.confirmed
    assert _levels(2567)["องค์การบริหารส่วนตำบลสุโสะ"][:2] == ("ต้องปรับปรุง", "computed")
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "คำนวณ" in messages and "1" in messages, messages
    assert Event.objects.filter(action="year.confirm", object_id=str(year.pk)).exists()


def test_the_import_page_says_how_many_stored_levels_confirming_the_method_computed(
    demo, client
) -> None:
    one = ("ที่\tหน่วยงาน\tอำเภอ\tคะแนน\n1\tองค์การบริหารส่วนจังหวัดตรัง\tเมืองตรัง\t72.10\n").encode()
    import_commit(batch=import_preview(data=one, file_name="t.txt", year=2567), actor=None)
    other = one.replace(
        "องค์การบริหารส่วนจังหวัดตรัง\tเมืองตรัง".encode(), "องค์การบริหารส่วนตำบลสุโสะ\tปะเหลียน".encode()
    )
    batch = import_preview(data=other, file_name="t2.txt", year=2567)
    batch = import_commit(batch=_finish(import_confirm_method(batch=batch, actor=None)), actor=None)
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2567)
    assert (pao.level_source, pao.passed_source) == ("computed", "computed")
    event = Event.objects.get(action="year.confirm")
    assert event.data == {"levels_computed": 1, "passed_computed": 1}
    client.force_login(demo.users["admin"])
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'id="computed"' in page
    text = page.split('id="computed">', 1)[1].split("</p>", 1)[0]
    assert "2567" in text and "1" in text
    # The import that did not confirm says nothing of it.
    first = ImportBatch.objects.get(file_name="t.txt")
    assert (
        'id="computed"'
        not in client.get(reverse("imports:detail", args=[first.pk])).content.decode()
    )


def test_a_confirmed_method_is_not_edited_in_the_admin_until_withdrawn(demo, client) -> None:
    """Levels computed from a confirmed method never stay behind an edit of it: the admin
    refuses the edit, in Thai, until the confirmation is withdrawn (which removes them); the
    method confirmed again computes them anew."""
    one = ("ที่\tหน่วยงาน\tอำเภอ\tคะแนน\n1\tองค์การบริหารส่วนตำบลสุโสะ\tปะเหลียน\t72.10\n").encode()
    import_commit(batch=import_preview(data=one, file_name="t.txt", year=2567), actor=None)
    year = year_confirm(year=AssessmentYear.objects.get(year=2567), actor=None)
    suso = "องค์การบริหารส่วนตำบลสุโสะ"
    assert _levels(2567)[suso][:2] == ("ต้องปรับปรุง", "computed")
    client.force_login(demo.users["admin"])
    meta = AssessmentYear._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[year.pk])
    form = _form_data(client.get(url))
    assert form["confirmed"] is True

    refused = client.post(url, {**form, "pass_mark": "70.00"})
    assert refused.status_code == 200 and "ถอนการยืนยัน" in refused.content.decode()
    levels = [k for k in form if k.startswith("levels-") and k.endswith("-min_total")]
    first_level = sorted(levels)[0]
    refused = client.post(url, {**form, first_level: "50.00"})
    assert refused.status_code == 200 and "ถอนการยืนยัน" in refused.content.decode()
    level = year.levels.order_by("pk").first()
    part = reverse(f"admin:{meta.app_label}_ratinglevel_change", args=[level.pk])
    alone = _form_data(client.get(part))
    refused = client.post(part, {**alone, "min_total": "50.00"})
    assert refused.status_code == 200 and "ถอนการยืนยัน" in refused.content.decode()
    year.refresh_from_db()
    assert (
        year.pass_mark == D("85")
        and year.levels.order_by("pk").first().min_total == level.min_total
    )
    assert _levels(2567)[suso][:2] == ("ต้องปรับปรุง", "computed")

    # Withdrawn and edited in one save: the computed ones go; confirmed again, they come back
    # from the edited method.
    edited = {k: v for k, v in form.items() if k != "confirmed"} | {"pass_mark": "70.00"}
    assert client.post(url, edited).status_code == 302
    assert _levels(2567)[suso][:2] == ("", "")
    assert client.post(url, {**edited, "confirmed": "on"}).status_code == 302
    result = Assessment.objects.get(organisation__name=suso, year__year=2567)
    assert (result.passed, result.passed_source) == (True, "computed")
