"""PDF renders run a few at a time on a machine (``ita.lib.slots`` at the download view): a
member who asks while every slot is taken gets a Thai page that asks again by itself, with
Retry-After, instead of a worker left waiting; the slot is free again once the render ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from ita.lib import slots
from memos.models import Memo
from tests.locks import hold as _hold
from tests.locks import release as _release

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings, tmp_path):
    settings.RENDER_LOCK_DIR = tmp_path / "slots"
    settings.PDF_RENDER_SLOTS = 1
    settings.PDF_RENDER_WAIT = 0.2
    settings.PDF_RENDER_RETRY_SECONDS = 4
    return settings.RENDER_LOCK_DIR


def test_a_download_while_every_slot_is_taken_gets_a_page_that_retries(
    demo,
    limited: Path,
) -> None:
    # The demo's fresh draft: its PDF is rendered on request (the decided memo's is stored).
    memo = Memo.objects.get(author__username="legal", state=Memo.State.DRAFT)
    client = Client()
    client.force_login(demo.users["legal"])
    url = f"/memos/{memo.pk}/pdf/"
    holder = _hold(limited)
    try:
        busy = client.get(url)
    finally:
        _release(holder)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "4"
    assert "no-store" in busy["Cache-Control"]
    page = busy.content.decode()
    assert "กำลังจัดทำไฟล์ PDF" in page
    assert '<meta http-equiv="refresh" content="4">' in page
    assert f"/memos/{memo.pk}/" in page

    done = client.get(url)
    assert done.status_code == 200
    assert b"".join(done.streaming_content).startswith(b"%PDF")


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
