"""The memo page shows the memo as it prints: the same paragraphs, split by the same rule."""

from __future__ import annotations

import html
import re

import pytest

from ita.documents import render
from ita.documents.data import paragraphs
from memos import documents
from memos.models import Memo
from tests.memos.conftest import make_memo
from tests.pdf import extract

pytestmark = pytest.mark.django_db

BODIES = {
    "blank lines": "ย่อหน้าแรก\n\nย่อหน้าที่สอง ต่อ\nบรรทัดเดียวกัน\n\nจึงเรียนมาเพื่อโปรดทราบ",
    "single line breaks": "ตามที่ คณะกรรมการฯ ได้ประเมิน\nบัดนี้ ได้จัดทำรายงานแล้ว\nจึงเรียนมาเพื่อโปรดทราบ",
    "windows line ends": "หนึ่ง\r\nสอง\r\n\r\nสาม",
    "spaces between": "  หนึ่ง   สอง  \n\n\n\n  สาม  ",
}


def _screen(client, memo: Memo) -> list[str]:
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    found = re.findall(r'<p class="memo-para">(.*?)</p>', page, re.S)
    return [html.unescape(p) for p in found]


def _paper(memo: Memo) -> list[str]:
    source = render.memo_html(documents.memo_doc(memo))
    found = re.findall(r'<p class="para">(.*?)</p>', source, re.S)
    return [html.unescape(p) for p in found]


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_the_page_and_the_pdf_split_the_body_alike(client, org, body: str) -> None:
    memo = make_memo(org, body=body)
    client.force_login(org["author"])
    screen, paper = _screen(client, memo), _paper(memo)
    assert screen == paper
    assert len(screen) == len(paragraphs(body)) > 1


def test_single_line_breaks_are_three_paragraphs_on_screen_and_in_the_pdf_text(client, org) -> None:
    memo = make_memo(org, body=BODIES["single line breaks"])
    client.force_login(org["author"])
    assert len(_screen(client, memo)) == 3
    text = extract.pdftotext(documents.memo_pdf(memo), "-raw")
    lines = [line.strip() for line in text.splitlines()]
    for paragraph in paragraphs(memo.body):
        assert paragraph in lines  # each printed as a paragraph of its own
