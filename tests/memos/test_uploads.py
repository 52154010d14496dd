"""Memo attachments: an allow-list checked by content (not by name), each file's SHA-256
checked before it is served or printed, storage failures answered in Thai with no partial file
and no row; the same for evidence files of measures."""

from __future__ import annotations

import contextlib
import io
import logging
import resource
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ita.history.models import Event, EventKind
from ita.lib import filetypes
from memos.models import Attachment
from tests.memos.conftest import make_memo

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ACCEPTED = [
    ("รายงาน.pdf", PDF, "application/pdf"),
    ("ภาพ.png", PNG, "image/png"),
    ("ภาพถ่าย.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
    ("บันทึก.docx", DOCX, filetypes.DOCX.mime),
    ("ตาราง.xlsx", _xlsx(), filetypes.XLSX.mime),
    ("เอกสาร.odt", ODT, filetypes.ODT.mime),
    ("เก่า.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "application/octet-stream"),
    ("ชื่อผิด.exe", PDF, "application/pdf"),  # the content decides, not the name
]
REFUSED = [
    ("รายงาน.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60),  # a Windows program named .pdf
    ("หน้าเว็บ.pdf", b"<!doctype html><script>alert(1)</script>"),
    ("โปรแกรม.exe", b"MZ\x90\x00"),
    ("สคริปต์.docx", b"#!/bin/sh\nrm -rf /\n"),
    ("แฟ้ม.zip", _zip({"a.txt": b"hello"})),
    (
        "มาโคร.docx",
        _zip(
            {
                "[Content_Types].xml": b"<T/>",
                "word/document.xml": b"<d/>",
                "word/vbaProject.bin": b"x",
            }
        ),
    ),
    ("เสีย.xlsx", b"PK\x03\x04 not really a zip"),
]


def _upload(client, memo, name: str, data: bytes, follow: bool = True):
    return client.post(
        f"/memos/{memo.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data, "application/pdf")},
        follow=follow,
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.mark.parametrize(("name", "data", "mime"), ACCEPTED)
def test_allowed_types_are_attached_and_stored_as_what_they_are(
    client, org, tmp_media, name: str, data: bytes, mime: str
) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    response = _upload(client, memo, name, data)
    attachment = Attachment.objects.get()
    assert attachment.name == name and attachment.content_type == mime, _messages(response)
    assert not attachment.file.name.endswith(".exe")
    download = client.get(f"/memos/{memo.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
    assert download["Content-Type"] == mime


@pytest.mark.parametrize(("name", "data"), REFUSED)
def test_other_content_is_refused_whatever_its_name(
    client, org, tmp_media, name: str, data: bytes
) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    response = _upload(client, memo, name, data)
    text = _messages(response)
    assert name in text and "PDF" in text and "ไม่ใช่ชนิดที่แนบได้" in text, text
    assert not Attachment.objects.exists() and _files(tmp_media) == []


def test_a_file_changed_on_disk_is_neither_served_nor_printed(
    client, org, tmp_media, caplog
) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    _upload(client, memo, "รายงาน.pdf", PDF)
    attachment = Attachment.objects.get()
    Path(attachment.file.path).write_bytes(PDF.replace(b"1 0 obj", b"2 0 obj"))
    with caplog.at_level(logging.WARNING, logger="memos.attachments"):
        response = client.get(f"/memos/{memo.pk}/attachments/{attachment.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/memos/{memo.pk}/"
    assert "SHA-256" in _messages(response) and "รายงาน.pdf" in _messages(response)
    assert "ไม่ใช่ไฟล์ที่แนบไว้" in _messages(response)
    event = Event.objects.get(action=EventKind.MEMO_FILE_MISMATCH)
    assert event.data["expected"] == attachment.sha256 and event.organisation == org.organisation
    assert any("changed on disk" in r.getMessage() for r in caplog.records)

    pdf = client.get(f"/memos/{memo.pk}/pdf/")
    assert pdf.status_code == 302  # not printed as signed
    assert Event.objects.filter(action=EventKind.MEMO_FILE_MISMATCH).count() == 2


def test_a_missing_stored_file_is_refused_the_same_way(client, org, tmp_media) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    _upload(client, memo, "รายงาน.pdf", PDF)
    attachment = Attachment.objects.get()
    Path(attachment.file.path).unlink()
    response = client.get(f"/memos/{memo.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 302
    assert Event.objects.get(action=EventKind.MEMO_FILE_MISMATCH).data["found"] == "missing"


@contextlib.contextmanager
def small_disk() -> Iterator[None]:
    """Files over 4 KB cannot be written (as on a full disk: the write fails part-way).

    Only around the request: the limit holds for the whole process, pytest's own report included
    (written to a file, as CI's log may be, it would fail too)."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


def test_a_full_disk_leaves_no_partial_file_and_says_so_in_thai(client, org, tmp_media) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    with small_disk():
        response = _upload(client, memo, "ใหญ่.pdf", PDF + b"0" * 20_000)
    text = _messages(response)
    assert "ใหญ่.pdf" in text and "เต็ม" in text, text
    assert not Attachment.objects.exists()
    assert _files(tmp_media) == []  # not even a hidden partial file
    assert not Event.objects.filter(action=EventKind.MEMO_ATTACH).exists()


def test_an_unusable_media_folder_says_so_in_thai(client, org, settings, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"  # the folder cannot be made: an OSError
    memo = make_memo(org)
    client.force_login(org["author"])
    response = _upload(client, memo, "รายงาน.pdf", PDF)
    assert "อ่านอย่างเดียว" in _messages(response)
    assert not Attachment.objects.exists()


def test_evidence_on_a_full_disk_keeps_the_note_and_leaves_no_file(client, demo, tmp_media) -> None:
    from measures.models import Measure, ProgressUpdate

    measure = Measure.objects.get(table=2)
    client.force_login(demo.users["legal"])
    with small_disk():
        response = client.post(
            f"/measures/{measure.pk}/progress/",
            {
                "note": "บันทึกที่ต้องไม่หาย",
                "files": [SimpleUploadedFile("หลักฐาน.pdf", PDF + b"0" * 20_000, "application/pdf")],
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "บันทึกที่ต้องไม่หาย" in html and "เต็ม" in html
    assert not ProgressUpdate.objects.exists() and _files(tmp_media) == []
