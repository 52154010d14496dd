"""No 500 on a full disk, wherever a file is written: publishing a report, storing a decided
memo's PDF, an emblem, an attachment, evidence, an upload too large to stay in memory. Each
answers with a Thai message and leaves nothing half-written: no row, no file."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ita.history.models import Event, EventKind
from measures.models import Measure, PublishedReport
from memos.models import Attachment, MemoArchive
from tests.disk import FullDisk
from tests.measures.test_publishing import _decide, _memo

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FULL = "เต็ม"  # "full", in every storage message


@pytest.fixture
def disk(settings, tmp_path) -> Iterator[FullDisk]:
    disk = FullDisk(settings, tmp_path).start()
    yield disk
    gc.collect()  # an upload's temporary file left by a refused request goes before the unmount
    disk.stop()


def _as(demo, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def test_publishing_on_a_full_disk_says_so_and_publishes_nothing(marked, disk) -> None:
    memo = _decide(marked.users)
    legal = _as(marked, "legal")
    before = disk.files()
    with disk.full():
        response = legal.post(f"/memos/{memo.pk}/publish/", follow=True)
    assert response.status_code in (200, 503), response.status_code
    assert FULL in response.content.decode()
    assert not PublishedReport.objects.exists()
    assert not Event.objects.filter(action=EventKind.REPORT_PUBLISH).exists()
    assert disk.files() == before
    # Room again: the same click publishes.
    assert legal.post(f"/memos/{memo.pk}/publish/").status_code == 302
    assert PublishedReport.objects.count() == 1


def test_a_decided_memo_whose_pdf_cannot_be_stored_is_neither_published_nor_a_500(
    marked, disk
) -> None:
    """The decision's archive task has not run yet (the worker is behind): publishing and the
    PDF's download store it first, and the disk is full."""
    memo = _decide(marked.users)
    MemoArchive.objects.filter(memo=memo).delete()
    for path in disk.files():
        if path.name.startswith("memo-"):
            path.unlink()
    before = disk.files()
    legal = _as(marked, "legal")
    with disk.full():
        download = legal.get(f"/memos/{memo.pk}/pdf/")
        publish = legal.post(f"/memos/{memo.pk}/publish/", follow=True)
    assert download.status_code == 503 and FULL in download.content.decode()
    assert publish.status_code in (200, 503) and FULL in publish.content.decode()
    assert not MemoArchive.objects.filter(memo=memo).exists()
    assert not PublishedReport.objects.exists() and disk.files() == before


def test_an_emblem_on_a_full_disk_changes_nothing(demo, disk) -> None:
    clerk = _as(demo, "clerk")
    picture = io.BytesIO()
    Image.effect_noise((96, 96), 64).convert("RGB").save(picture, "PNG")  # over 4 KB
    before = disk.files()
    url = f"/memos/organisations/{demo.home.pk}/emblem/"
    with disk.full():
        response = clerk.post(url, {"file": SimpleUploadedFile("ตรา.png", picture.getvalue())})
    assert response.status_code in (200, 400, 503) and FULL in response.content.decode()
    assert disk.files() == before


def test_files_too_large_for_memory_on_a_full_disk_are_answered_in_thai(
    demo, disk, settings
) -> None:
    """Django writes an upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file before any
    view sees it: with no room there either, the answer is still a Thai page."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    measure = Measure.objects.get(table=2)
    legal = _as(demo, "legal")
    memo = _memo()
    with disk.full():
        for url, field in (
            (f"/measures/{measure.pk}/progress/", "files"),
            (f"/memos/{memo.pk}/attachments/", "file"),
        ):
            data = {"note": "บันทึก", field: SimpleUploadedFile("ใหญ่.pdf", PDF + b"0" * 20_000)}
            response = legal.post(url, data)
            assert response.status_code in (400, 503), (url, response.status_code)
            assert FULL in response.content.decode(), url
    assert not Attachment.objects.exists()
