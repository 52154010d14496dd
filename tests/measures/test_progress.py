import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ita.history.models import Event
from measures.models import Evidence, Measure, ProgressUpdate
from measures.services import progress
from measures.services.measures import measure_delete
from measures.services.progress import progress_add

pytestmark = pytest.mark.django_db


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def pdf(name: str = "รายงาน.pdf", body: bytes = b"%PDF-1.4 evidence") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, "application/pdf")


def test_an_update_with_files_is_recorded_with_history(demo, tmp_media) -> None:
    m = Measure.objects.get(table=2)
    update = progress_add(
        measure=m, note="เผยแพร่ข้อมูลผู้บริหารแล้ว", files=[pdf(), pdf("ภาพ.png", PNG)],
        actor=demo.users["legal"],
    )  # fmt: skip
    names = [e.original_name for e in update.files.all()]
    assert names == ["รายงาน.pdf", "ภาพ.png"]
    stored = update.files.first().file.name
    assert stored.startswith("measures/evidence/") and "รายงาน" not in stored
    assert (Path(tmp_media) / stored).read_bytes() == b"%PDF-1.4 evidence"
    event = Event.objects.get(action="measure.progress")
    assert event.actor == demo.users["legal"] and event.object_id == str(m.pk)


def test_an_update_can_mark_the_measure_done(demo, tmp_media) -> None:
    m = Measure.objects.get(table=2)
    progress_add(measure=m, note="เสร็จ", marks_done=True, actor=None, today=dt.date(2022, 3, 15))
    m.refresh_from_db()
    assert m.done_on == dt.date(2022, 3, 15) and m.status == "done"
    assert Event.objects.get(action="measure.progress").to_state == "done"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([pdf(), pdf("virus.exe", b"MZ")], "virus.exe"),
        ([pdf("ว่าง.pdf", b"")], "ว่าง.pdf"),
    ],
)
def test_a_bad_file_changes_nothing(demo, tmp_media, files, message: str) -> None:
    m = Measure.objects.get(table=2)
    with pytest.raises(ValidationError, match=message):
        progress_add(measure=m, note="ทดสอบ", files=files, actor=None)
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert not (Path(tmp_media) / "measures").exists()


def test_a_file_over_the_limit_is_refused_by_name(demo, tmp_media, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 10
    m = Measure.objects.get(table=2)
    with pytest.raises(ValidationError, match="ใหญ่.pdf"):
        progress_add(measure=m, note="x", files=[pdf("ใหญ่.pdf")], actor=None)
    assert not ProgressUpdate.objects.exists()


def test_a_failing_write_removes_the_files_already_stored(demo, tmp_media, monkeypatch) -> None:
    m = Measure.objects.get(table=2)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(progress, "event_record", broken)
    with pytest.raises(RuntimeError):
        progress_add(measure=m, note="x", files=[pdf()], actor=None)
    assert not ProgressUpdate.objects.exists()
    assert not list((Path(tmp_media)).rglob("*.pdf"))


def test_the_page_shows_errors_and_keeps_the_note(client, demo, tmp_media) -> None:
    m = Measure.objects.get(table=2)
    client.force_login(demo.users["legal"])
    response = client.post(
        f"/measures/{m.pk}/progress/", {"note": "บันทึกที่ต้องไม่หาย", "files": [pdf("x.exe", b"MZ")]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "x.exe" in html and "บันทึกที่ต้องไม่หาย" in html
    assert not ProgressUpdate.objects.exists()


def test_evidence_is_served_to_members_only(client, demo, tmp_media) -> None:
    m = Measure.objects.get(table=2)
    update = progress_add(measure=m, note="x", files=[pdf()], actor=None)
    e = update.files.get()
    client.force_login(demo.users["clerk"])
    response = client.get(f"/measures/evidence/{e.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
    # A PDF may be shown in the browser (tests/measures/test_evidence_files.py: what is not).
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(demo.users["outsider"])
    assert client.get(f"/measures/evidence/{e.pk}/").status_code == 404


def test_deleting_a_measure_removes_its_files(
    demo, tmp_media, django_capture_on_commit_callbacks
) -> None:
    m = Measure.objects.get(table=2)
    update = progress_add(measure=m, note="x", files=[pdf()], actor=None)
    path = Path(tmp_media) / update.files.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        measure_delete(measure=m, actor=None)
    assert not path.exists()


def test_an_update_whose_author_account_was_deleted_still_shows(client, demo, tmp_media) -> None:
    """The author's account removed (the update keeps no author): the measure's page shows the
    update with a dash for who wrote it, not an error."""
    m = Measure.objects.get(table=2)
    leaver = get_user_model().objects.create_user("leaver", first_name="ผู้ย้าย", last_name="ออก")
    progress_add(measure=m, note="ส่งรายงานแล้ว", actor=leaver)
    progress_add(measure=m, note="บันทึกโดยระบบ", actor=None)
    leaver.delete()
    client.force_login(demo.users["legal"])
    response = client.get(f"/measures/{m.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ส่งรายงานแล้ว" in html and "บันทึกโดยระบบ" in html and "ผู้ย้าย" not in html
