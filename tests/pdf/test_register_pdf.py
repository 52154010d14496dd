"""The outgoing register's PDF (``ita.documents.table_pdf``: Pango and cairo, not WeasyPrint):
the Thai typed comes back in every reader's engine, a row taller than a page continues on the
next, and the columns, Thai digits and Buddhist-era dates are those of the form."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from ita.documents import table_pdf
from ita.documents.data import RegisterRow
from ita.lib import thai
from ita.lib.thai import thai_digits
from tests import readers
from tests.pdf import extract

pytestmark = [pytest.mark.pdf, pytest.mark.engine_free]

ORGANISATION = "องค์การบริหารส่วนตำบลสุโสะ"
# Words with the marks that trip a PDF's text layer: SARA AM (drawn as two glyphs), a vowel and
# a tone mark stacked (ที่, ผู้), a lowered tone mark under a vowel below (อยู่), a mark moved
# onto a tall consonant (ปี).
ROWS = tuple(
    RegisterRow(
        number=n,
        reference=f"ตง 78201/{n}",
        date=dt.date(2021, 8, 25),
        sender=f"งานกฎหมายและคดี สำนักปลัด {ORGANISATION}",
        addressee=f"นายก{ORGANISATION}",
        subject=f"รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. 2564 ของผู้บริหาร ({n})",
        action=("อยู่ที่หัวหน้าสำนักปลัด", "อนุมัติ", "ส่งคืนเจ้าของเรื่อง")[n % 3],
        note="ด่วนที่สุด" if n % 4 == 0 else "",
    )
    for n in range(1, 13)
)


def _pdf(rows=ROWS, organisation: str = ORGANISATION) -> bytes:
    out = io.BytesIO()
    table_pdf.write_register(
        out, organisation=organisation, year=2564, names=(organisation,), rows=rows
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return _pdf()


def _words() -> list[str]:
    texts = [ORGANISATION, *table_pdf.HEADINGS]
    for row in ROWS:
        texts += [row.reference, row.sender, row.addressee, row.subject, row.action, row.note]
    return extract.thai_words(thai_digits(t) for t in texts if t)


def test_every_engine_gives_back_the_thai_typed(pdf) -> None:
    """poppler, PDFium (Chrome), pdf.js (Firefox) and MuPDF read every word back. pdfminer.six
    (a library, not a reader) loses a word whose marks stack over a vowel (ที่, ผู้): it moves a
    second mark of no width to another line."""
    words = _words()
    for name, read in readers.ENGINES.items():
        share = extract.word_share(words, read(pdf))
        print(f"{name}: {share.exact}/{share.total}", share.missing[:3])
        assert share.share >= (0.8 if name == "pdfminer.six" else 1.0), (name, share.missing)
    for word in ("สำนักปลัด", "ผู้บริหาร", "ประจำปีงบประมาณ", "ดำเนินงาน", "ตง ๗๘๒๐๑/๑๒"):
        assert readers.pdfium_search(pdf, word) >= 1, word


def test_cairos_own_text_map_would_lose_sara_am_in_pdfjs(monkeypatch) -> None:
    """The check above can fail: every cluster handed to cairo as it is (a cluster of several
    glyphs goes to /ActualText) reads สํานัก in pdf.js."""
    monkeypatch.setattr(
        table_pdf,
        "_split",
        lambda face, text, glyphs, pen, shifted: table_pdf._Piece([(text, glyphs)], []),
    )
    assert "สำนักปลัด" not in readers.joined(readers.pdfjs(_pdf()))


def test_the_form_prints_thai_digits_buddhist_era_dates_and_its_columns(pdf) -> None:
    text = extract.pdftotext(pdf, "-raw")
    flat = "".join(text.split())
    assert "ทะเบียนหนังสือส่ง" in flat
    assert f"{ORGANISATION}ปีงบประมาณพ.ศ.๒๕๖๔" in flat
    assert "ตง ๗๘๒๐๑/๑๒" in text  # the reference on one line
    assert "๒๕สิงหาคม๒๕๖๔" in flat
    assert "2564" not in text and "78201" not in text
    headings = [flat.index("".join(h.split())) for h in table_pdf.HEADINGS]
    assert headings == sorted(headings)  # the form's columns, in its order
    assert re.findall(r"หน้า (\S+)", text) == ["๑", "๒"]


def test_a_row_taller_than_a_page_continues_on_the_next(pdf) -> None:
    long = " ".join(f"เรื่องที่ยาวมาก{n}" for n in range(400))
    row = RegisterRow(1, "ตง 78201/1", None, "สำนักปลัด", "นายก", long)
    out = _pdf(rows=(row, ROWS[1]))
    pages = extract.pdftotext(out).split("\f")[:-1]
    assert len(pages) >= 3
    flat = "".join(extract.pdftotext(out, "-raw").split())
    # Without each page's headings and number, which a line of the row may fall between.
    flat = re.sub(r"หน้า[๐-๙]+", "", flat.replace("".join(table_pdf.HEADINGS), ""))
    found = [int(thai.arabic_digits(n)) for n in re.findall(r"เรื่องที่ยาวมาก([๐-๙]+)", flat)]
    assert found == list(range(400))  # nothing cut off, in order
    assert [re.findall(r"หน้า (\S+)", p) for p in pages] == [
        [thai_digits(n)] for n in range(1, len(pages) + 1)
    ]
    assert all("หมายเหตุ" in p for p in pages)  # the headings again on each page


def test_an_empty_year_and_characters_no_face_has() -> None:
    text = extract.pdftotext(_pdf(rows=()), "-raw")
    assert "ยังไม่มีหนังสือส่งในปีนี้" in text
    odd = RegisterRow(1, "ตง 78201/1", None, "สำนักปลัด", "นายก", "ลาว ສະບາຍດີ 中文 😀 done")
    text = extract.pdftotext(_pdf(rows=(odd,)), "-raw")
    assert "ສະບາຍດີ" in text and "中文" in text  # from the fallback face
    assert "\ufffd" in text and "done" in text  # no face draws the emoji
