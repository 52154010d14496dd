"""Evidence files of a measure's progress are judged like memo attachments: by their content,
with the same allow-list (never the name or the type the browser declared); an office file with
a program inside is refused; each is served with the type the server found, ``nosniff``, and as
a download unless it is a picture or a PDF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from measures.models import Evidence, Measure, ProgressUpdate
from measures.services.progress import progress_add
from memos.models import Attachment
from tests.memos.conftest import make_memo

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54 + b"This program cannot be run in DOS mode"
)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
DOCX = _zip(DOCX_PARTS)
# The audit's file: the right member names for Word, and a program among them.
DOCX_WITH_EXE = _zip({**DOCX_PARTS, "word/media/setup.exe": EXE})
DOCX_WITH_HIDDEN_EXE = _zip({**DOCX_PARTS, "word/media/image1.png": EXE})
DOCX_WITH_SCRIPT = _zip({**DOCX_PARTS, "word/run.bat": b"@echo off\r\nformat c:\r\n"})
ODT_WITH_EXE = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "Pictures/a.exe": EXE})


def _file(name: str, data: bytes, declared: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, declared)


@pytest.fixture
def measure(demo, tmp_media) -> Measure:
    return Measure.objects.get(table=2)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("รายงาน.docx", DOCX_WITH_EXE),
        ("รายงาน.docx", DOCX_WITH_HIDDEN_EXE),
        ("รายงาน.docx", DOCX_WITH_SCRIPT),
        ("รายงาน.odt", ODT_WITH_EXE),
        ("หน้าเว็บ.pdf", b"<!doctype html><script>alert(document.cookie)</script>"),
        ("ภาพ.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("แฟ้ม.zip", _zip({"a.txt": b"hello"})),
        ("รายชื่อ.csv", b"=cmd|' /C calc'!A0\n"),
    ],
)
def test_evidence_is_refused_by_content_whatever_its_name(measure, tmp_media, name, data) -> None:
    with pytest.raises(ValidationError, match=name.split(".")[0]):
        progress_add(measure=measure, note="x", files=[_file(name, data)], actor=None)
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert not [p for p in Path(tmp_media).rglob("*") if p.is_file()]


def test_a_memo_attachment_with_a_program_inside_is_refused_too(client, org, tmp_media) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    response = client.post(
        f"/memos/{memo.pk}/attachments/",
        {"file": _file("รายงาน.docx", DOCX_WITH_EXE)},
        follow=True,
    )
    assert "รายงาน.docx" in response.content.decode()
    assert not Attachment.objects.exists()


def test_evidence_is_stored_and_served_as_what_it_is(client, demo, measure) -> None:
    update = progress_add(
        measure=measure,
        note="x",
        files=[
            _file("ภาพ.png", PNG, declared="text/html"),  # the browser's word is not taken
            _file("รายงาน.txt", PDF, declared="text/plain"),
            _file("บันทึก.docx", DOCX, declared="text/html"),
        ],
        actor=None,
    )
    png, pdf, docx = update.files.order_by("pk")
    assert [png.content_type, pdf.content_type] == ["image/png", "application/pdf"]
    client.force_login(demo.users["clerk"])
    for evidence, mime, disposition in (
        (png, "image/png", "inline"),
        (pdf, "application/pdf", "inline"),
        (
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
    ):
        response = client.get(f"/measures/evidence/{evidence.pk}/")
        assert response["Content-Type"] == mime
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith(disposition)


def test_a_file_stored_before_with_the_browser_s_type_is_served_by_its_content(
    client, demo, measure
) -> None:
    """Rows from before this check keep what the uploader's browser said; the server does not
    repeat it."""
    update = ProgressUpdate.objects.create(measure=measure, note="เก่า")
    for name, data, declared in (
        ("หน้า.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("ภาพ.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        ("ภาพ.png", PNG, "text/html"),
    ):
        evidence = Evidence(
            update=update, original_name=name, size=len(data), content_type=declared
        )
        evidence.file.save(name, ContentFile(data), save=False)
        evidence.save()
    client.force_login(demo.users["clerk"])
    html, svg, png = update.files.order_by("pk")
    for evidence in (html, svg):
        response = client.get(f"/measures/evidence/{evidence.pk}/")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(f"/measures/evidence/{png.pk}/")
    assert response["Content-Type"] == "image/png"
