"""The official PDF is archival (PDF/A-3b), tagged, and says what it is in its metadata."""

from __future__ import annotations

import io
import re

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from ita.documents import engine
from ita.lib.thai import thai_digits

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]


def _document(pdf: bytes) -> PDFDocument:
    return PDFDocument(PDFParser(io.BytesIO(pdf)))


def _xmp(pdf: bytes) -> str:
    return resolve1(_document(pdf).catalog["Metadata"]).get_data().decode()


def _text(value: object) -> str:
    """An Info string: UTF-16 with its byte order mark, or PDFDocEncoding (ASCII here)."""
    raw = resolve1(value)
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode()


def test_it_claims_pdf_a_3b_in_its_xmp(rendered) -> None:
    assert rendered.pdf.startswith(b"%PDF-1.7")
    xmp = _xmp(rendered.pdf)
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3</pdfaid:part>', xmp)
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B</pdfaid:conformance>', xmp)


def test_it_has_an_srgb_output_intent_with_its_icc_profile(rendered) -> None:
    intents = resolve1(_document(rendered.pdf).catalog["OutputIntents"])
    assert len(intents) == 1
    intent = resolve1(intents[0])
    assert resolve1(intent["S"]).name == "GTS_PDFA1"
    profile = resolve1(intent["DestOutputProfile"])
    assert profile.get_data()[36:40] == b"acsp"  # an ICC profile's signature
    assert resolve1(profile["N"]) == 3  # RGB


def test_its_metadata_name_the_memo_the_organisation_the_number_and_the_dates(rendered) -> None:
    memo = rendered.memo
    xmp = _xmp(rendered.pdf)
    number = thai_digits(memo.number)
    assert thai_digits(memo.subject) in xmp  # dc:title
    assert "องค์การบริหารส่วนตำบลสุโสะ" in xmp  # dc:creator: the organisation
    assert f"บันทึกข้อความ ที่ {number}" in xmp  # dc:description, the PDF's subject
    assert number in re.search(r"<pdf:Keywords>(.*?)</pdf:Keywords>", xmp, re.S).group(1)
    assert memo.date is not None
    assert memo.date.isoformat() in re.search(r"<xmp:CreateDate>(.*?)<", xmp).group(1)
    info = _document(rendered.pdf).info[0]
    assert _text(info["Author"]) == "องค์การบริหารส่วนตำบลสุโสะ"
    assert _text(info["Keywords"]) == number
    assert _text(info["Title"]) == thai_digits(memo.subject)
    assert _text(info["CreationDate"]).startswith("D:" + memo.date.strftime("%Y%m%d"))


def test_it_is_tagged_for_screen_readers_in_thai(rendered) -> None:
    catalog = _document(rendered.pdf).catalog
    assert resolve1(resolve1(catalog["MarkInfo"])["Marked"]) is True
    assert "StructTreeRoot" in catalog
    assert _text(catalog["Lang"]) == "th"


def test_the_same_memo_renders_to_the_same_bytes(rendered) -> None:
    """No clock and no random identifier inside: the document of record can be stored once."""
    assert engine.render_document(rendered.html).pdf == rendered.pdf


def test_a_plain_pdf_on_request_has_no_archival_claim(rendered) -> None:
    """The checks above can fail: without the variant there is no XMP, intent or tags."""
    plain = engine.render_document(rendered.html, variant=None).pdf
    catalog = _document(plain).catalog
    assert "OutputIntents" not in catalog
    assert "Metadata" not in catalog
