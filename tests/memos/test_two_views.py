"""One document, two views: the memo page shows the memo from the document data the PDF prints
(``memos.documents.memo_doc``), so what a signer reads on screen is what the record says: the
enclosures (the report, then every attached file), each comment's paragraphs, each signer's
acting line once, and the fields as printed."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ita.organisations.models import ActingAppointment
from memos import documents, services
from memos.models import Memo
from tests.memos.conftest import bring_to, make_memo

pytestmark = pytest.mark.django_db

_TAG = re.compile(r"<[^>]+>")


def _texts(page: str, css_class: str) -> list[str]:
    """The text of every element whose class list starts with ``css_class``, tags removed."""
    found = re.findall(rf'<p class="{css_class}[^"]*">(.*?)</p>', page, re.S)
    return [" ".join(html.unescape(_TAG.sub("", p)).split()) for p in found]


def _page(client, user, memo: Memo) -> str:
    client.force_login(user)
    response = client.get(f"/memos/{memo.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _doc(memo: Memo):
    return documents.memo_doc(Memo.objects.select_related("organisation").get(pk=memo.pk))


def test_the_page_lists_every_enclosure_the_pdf_prints(client, org, tmp_media) -> None:
    memo = make_memo(org)
    for name in ("ผลคะแนน ITA.pdf", "มาตรการ.pdf"):
        upload = SimpleUploadedFile(
            name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
        )
        services.attachment_add(memo=memo, upload=upload, actor=org["author"])
    printed = _doc(memo).enclosures
    assert len(printed) == 2
    screen = _texts(_page(client, org["author"], memo), "memo-enclosure")
    assert screen == [f"{n}. {line}" for n, line in zip("๑๒", printed, strict=True)]


def test_a_comment_shows_the_paragraphs_it_prints(client, org) -> None:
    comment = "เห็นควรเสนอ\nรองปลัดเพื่อพิจารณา\n\nและแจ้งกองคลัง"
    memo = bring_to(org, "head")
    services.memo_approve(memo=memo, actor=org["head"], comment=comment)
    (block, *_pending) = _doc(memo).steps
    assert block.comment_paragraphs == ("เห็นควรเสนอ รองปลัดเพื่อพิจารณา", "และแจ้งกองคลัง")
    screen = _texts(_page(client, org["author"], memo), "memo-comment")
    assert screen == list(block.comment_paragraphs)


def test_an_acting_signer_shows_the_position_and_the_acting_line_as_printed(client, org) -> None:
    org.positions["deputy"].holder = None
    org.positions["deputy"].save()
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=org.positions["deputy"], user=org["member"], starts=today, ends=today
    )
    memo = bring_to(org, "deputy")
    services.memo_approve(memo=memo, actor=org["member"], comment="ทราบ")
    deputy = _doc(memo).steps[1]
    page = _page(client, org["author"], memo)
    lines = _texts(page, "memo-sign-line")
    assert deputy.position in lines and deputy.acting in lines
    assert sum(line.count("รักษาราชการแทน") for line in lines) == 1


def test_the_fields_are_the_printed_ones(client, org) -> None:
    memo = bring_to(org, "head")
    doc = _doc(memo)
    page = _page(client, org["author"], memo)
    fields = _texts(page, "memo-field")
    assert any(doc.unit.replace("075-289689", "๐๗๕-๒๘๙๖๘๙") in f for f in fields), fields
    assert any("ตง ๗๘๒๐๑/๑" in f for f in fields), fields
