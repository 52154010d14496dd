"""PDF renders run a few at a time on a machine (``ita.lib.slots``); a download that finds every
slot taken waits in a fair queue for the task worker (``memos.downloads``): a Thai page with its
place and the estimated wait asks again by itself (202, Retry-After), one render per version
whoever asks, at most ``PDF_QUEUE_PER_PERSON`` queued per person, and a stored PDF is served at
once whatever is rendering. The real worker (django-tasks' db_worker) makes the queued PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from ita.lib import slots
from memos import downloads, services
from memos.models import Memo
from tests import factories
from tests.locks import hold as _hold
from tests.locks import release as _release
from tests.ops.conftest import DB_TASKS, work

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings, tmp_path, monkeypatch):
    settings.TASKS = DB_TASKS  # queued for the worker, as in production
    # The worker runs inside the test's transaction: its check for stale connections would
    # close it (PostgreSQL: autocommit is off inside the transaction).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.RENDER_LOCK_DIR = tmp_path / "slots"
    settings.PDF_RENDER_SLOTS = 1
    settings.PDF_RENDER_RETRY_SECONDS = 4
    settings.PDF_QUEUE_PER_PERSON = 2
    return settings.RENDER_LOCK_DIR


def _client(demo, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def _drafts(demo, n: int) -> list[Memo]:
    """Drafts of the legal officer's (each PDF is rendered on request), each its own text."""
    first = Memo.objects.get(author__username="legal", state=Memo.State.DRAFT)
    content = {name: getattr(first, name) for name in services.CONTENT_FIELDS}
    made = [
        services.memo_create(
            organisation=demo.home,
            data={**content, "subject": f"{first.subject} ({i})"},
            actor=demo.users["legal"],
        )
        for i in range(n - 1)
    ]
    return [first, *made]


def _queued() -> list[dict]:
    return [r.args_kwargs["kwargs"] for r in DBTaskResult.objects.order_by("enqueued_at")]


def _pdf(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_a_download_while_every_slot_is_taken_waits_in_the_queue_and_gets_its_pdf(
    demo, limited: Path
) -> None:
    (memo,) = _drafts(demo, 1)
    url = f"/memos/{memo.pk}/pdf/"
    holder = _hold(limited)
    try:
        waiting = _client(demo, "legal").get(url)
        # Another member asking for the same version joins the same render.
        also = _client(demo, "head").get(url)
    finally:
        _release(holder)
    assert waiting.status_code == 202 and also.status_code == 202
    assert waiting["Retry-After"] == "3"  # the first render's guess: 3 s, asked again then
    assert "no-store" in waiting["Cache-Control"]
    page = waiting.content.decode()
    assert "กำลังจัดทำไฟล์ PDF" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f"/memos/{memo.pk}/" in page
    assert len(_queued()) == 1
    assert work() == 1  # the worker makes it
    assert _pdf(_client(demo, "legal").get(url)).startswith(b"%PDF")
    assert _pdf(_client(demo, "head").get(url)).startswith(b"%PDF")


def test_a_person_queues_two_renders_at_most_and_others_are_not_held_up(
    demo, limited: Path
) -> None:
    memos = _drafts(demo, 4)
    legal, head = _client(demo, "legal"), _client(demo, "head")
    holder = _hold(limited)
    try:
        answers = [legal.get(f"/memos/{m.pk}/pdf/") for m in memos[:3]]
        heads = head.get(f"/memos/{memos[3].pk}/pdf/")
    finally:
        _release(holder)
    assert [a.status_code for a in answers] == [202, 202, 202]
    # Legal's third waits for their first two; the head's one is queued behind those two only.
    assert [q["memo_id"] for q in _queued()] == [memos[0].pk, memos[1].pk, memos[3].pk]
    assert "ไฟล์ PDF ก่อนหน้า" not in answers[0].content.decode()
    assert "ไฟล์ PDF ก่อนหน้า" in answers[2].content.decode()
    assert "ลำดับที่ 3" in heads.content.decode()
    assert work() == 3
    # Now legal's third is queued in its turn, and made.
    assert _pdf(legal.get(f"/memos/{memos[0].pk}/pdf/")).startswith(b"%PDF")
    third = legal.get(f"/memos/{memos[2].pk}/pdf/")
    assert third.status_code == 200  # a slot is free and nobody waits: rendered at once


def test_a_stored_pdf_is_served_at_once_while_every_slot_is_taken(demo, limited: Path) -> None:
    decided = factories.decided_2564()
    drafts = _drafts(demo, 2)
    holder = _hold(limited)
    try:
        for m in drafts:  # a queue already waits
            assert _client(demo, "head").get(f"/memos/{m.pk}/pdf/").status_code == 202
        stored = _client(demo, "legal").get(f"/memos/{decided.pk}/pdf/")
        assert _pdf(stored).startswith(b"%PDF")
    finally:
        _release(holder)


def test_a_queued_render_of_a_version_changed_since_is_skipped(demo, limited: Path) -> None:
    (memo,) = _drafts(demo, 1)
    holder = _hold(limited)
    try:
        assert _client(demo, "legal").get(f"/memos/{memo.pk}/pdf/").status_code == 202
    finally:
        _release(holder)
    services.memo_update(
        memo=memo, data={"subject": memo.subject + " แก้ไข"}, actor=demo.users["legal"]
    )
    assert work() == 1
    assert DBTaskResult.objects.get().return_value is False  # nothing rendered for nobody


def test_the_estimate_is_the_place_times_the_recent_average(demo, limited: Path) -> None:
    for seconds in (10, 10, 10, 10, 10, 10, 10, 10, 10, 10):
        downloads._note_duration(seconds)
    assert 9 < downloads.average_seconds() <= 10
    memos = _drafts(demo, 2)
    holder = _hold(limited)
    try:
        _client(demo, "legal").get(f"/memos/{memos[0].pk}/pdf/")
        second = _client(demo, "head").get(f"/memos/{memos[1].pk}/pdf/")
    finally:
        _release(holder)
    assert second["Retry-After"] == "4"  # asked again often, told the whole wait
    assert "ลำดับที่ 2" in second.content.decode() and "20 วินาที" in second.content.decode()


def test_a_slot_is_free_again_after_a_render_and_two_slots_take_two(tmp_path: Path) -> None:
    folder = tmp_path / "slots"
    with (
        slots.slot(folder, 2, wait=0),
        slots.slot(folder, 2, wait=0),
        pytest.raises(slots.Busy),
        slots.slot(folder, 2, wait=0.1),
    ):
        pass
    with slots.slot(folder, 1, wait=0):
        pass


def test_a_slot_held_by_a_process_that_died_is_free(tmp_path: Path) -> None:
    folder = tmp_path / "slots"
    holder = _hold(folder)
    with pytest.raises(slots.Busy), slots.slot(folder, 1, wait=0):
        pass
    holder.kill()
    holder.wait(timeout=30)
    with slots.slot(folder, 1, wait=1):
        pass
