import io
from pathlib import Path

import pytest
from PIL import Image

from memos.models import Memo
from tests.pdf import extract

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_clerk_sets_the_emblem_and_the_author_downloads_the_memo_pdf(
    page,
    login,
    demo,
    tmp_media,
) -> None:
    login("clerk")
    page.goto("/memos/")
    page.click("text=ตราครุฑบนบันทึกข้อความ")
    assert "ยังไม่มีตราครุฑ" in page.content()
    page.set_input_files(
        "input[type=file]", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"x"}]
    )
    page.click("button:has-text('บันทึกตราครุฑ')")
    page.wait_for_load_state()
    assert "notes.txt" in page.locator(".error").inner_text()  # the refusal names the file
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "garuda.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.click("button:has-text('บันทึกตราครุฑ')")
    page.wait_for_load_state()
    preview = page.locator("img[src$='/emblem/image/']")
    assert preview.evaluate("img => img.naturalWidth") == 90
    page.click("form[action='/accounts/logout/'] button")

    login("legal")
    memo = Memo.objects.get(author__username="legal", state="draft")  # the fresh draft
    page.goto(f"/memos/{memo.pk}/")
    with page.expect_download() as info:
        page.click("text=ดาวน์โหลด PDF")
    download = info.value
    assert download.suggested_filename == f"memo-{memo.pk}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert extract.pdfimages_count(pdf) == 1
    assert "บันทึกข้อความ" in extract.pdftotext(pdf)
