"""Hostile or oversized input is caught at upload or preview with a Thai message, never a 500 and
never at apply: an XLSX that declares a DTD (XXE, "billion laughs"), a 421-character name, a NUL
character in a file or in pasted text."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from ita.imports import parsing
from ita.imports.models import ImportBatch
from ita.imports.sources import TableError
from tests.imports.helpers import SEED_HEADER, seed_data_lines, seed_text, xlsx
from tests.imports.test_views import _finish

pytestmark = pytest.mark.django_db

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def _with_dtd(part: str, prefix: bytes) -> bytes:
    """The seed as XLSX, with ``prefix`` (a DTD) put in front of one of its XML parts."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([SEED_HEADER, *seed_data_lines()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = prefix + body.replace(b"<t>", b"<t>&lol2;", 1)
            target.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def admin_client(client, demo):
    client.force_login(demo.users["admin"])
    return client


def _upload(client, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("imports:index"), {"file": SimpleUploadedFile(name, data), "year": 2564}
    )


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_an_xlsx_declaring_a_dtd_is_refused_with_a_thai_message(admin_client, part: str) -> None:
    response = _upload(admin_client, "คะแนน.xlsx", _with_dtd(part, LAUGHS))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "DTD" in page and "ไม่เปิดไฟล์นี้" in page
    assert part in page
    assert not ImportBatch.objects.exists()


def test_a_dtd_in_utf_16_or_after_a_long_comment_is_found() -> None:
    padded = b'<?xml version="1.0"?>' + b"<!--" + b"x" * 200_000 + b"-->" + LAUGHS.split(b"\n")[1]
    for prefix in (
        padded,
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x>'.encode("utf-16"),
    ):
        with pytest.raises(TableError, match="DTD"):
            parsing.parse_table(_with_dtd("xl/worksheets/sheet1.xml", prefix))


def test_a_name_longer_than_can_be_stored_is_an_error_at_preview(admin_client) -> None:
    long_name = "องค์การบริหารส่วนตำบล" + "ก" * 400
    assert len(long_name) == 421
    text = seed_text() + f"\n86\t{long_name}\tสิเกา\t90.00\tA\t\tผ่าน\n"
    url = admin_client.post(reverse("imports:index"), {"text": text, "year": 2564})["Location"]
    _finish(admin_client, url)
    batch = ImportBatch.objects.get()
    row = batch.rows.get(number="86")
    assert row.status == "error" and not batch.can_commit
    page = admin_client.get(url + "?status=error").content.decode()
    assert "ยาว 421 ตัวอักษร" in page and "ไม่เกิน 200" in page


def test_a_nul_character_in_a_file_is_refused_at_upload_naming_the_line(admin_client) -> None:
    rows = [SEED_HEADER, *seed_data_lines()]
    rows[5] = [rows[5][0], rows[5][1] + "\x00", *rows[5][2:]]
    # Excel's "Unicode text" (UTF-16) carries a NUL where a text file would be refused whole.
    data = "\n".join("\t".join(row) for row in rows).encode("utf-16")
    response = _upload(admin_client, "คะแนน.txt", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "NUL" in page and "บรรทัดที่ 6" in page
    assert not ImportBatch.objects.exists()


def test_a_nul_character_in_pasted_text_is_refused_in_thai(admin_client) -> None:
    response = admin_client.post(
        reverse("imports:index"), {"text": seed_text() + "\x00", "year": 2564}
    )
    assert response.status_code in (200, 400)
    assert "NUL" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_message_is_thai_outside_a_page_too() -> None:
    with translation.override("th"), pytest.raises(TableError, match="ไม่เปิดไฟล์นี้"):
        parsing.parse_table(_with_dtd("xl/worksheets/sheet1.xml", LAUGHS))
