"""Layout that holds whatever the data: the foot of every page at any address length, table
headers on every page of a table, names that never break inside, the draft's empty date, the
urgency mark clear of the emblem."""

from __future__ import annotations

import dataclasses
import io
import unicodedata

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTImage
from weasyprint import HTML

from ita.documents import engine, render
from ita.documents.data import Emblem, MemoDoc, RegisterRow
from ita.documents.emblem import check_emblem
from memos.documents import register_doc
from tests import factories, hostile
from tests.pdf import extract

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]

CM = 72 / 2.54


@pytest.fixture(scope="module")
def long_host(demo_docs):
    memo, report = demo_docs
    memo = dataclasses.replace(
        memo, verify_code="ABCDE-FGHJK", verify_url=hostile.LONG_HOST + "/verify/"
    )
    return memo, report, render.memo_pdf(memo, report)


def _items(item: LTComponent):
    yield item
    if isinstance(item, LTContainer):
        for child in item:
            yield from _items(child)


def _chars(item: LTComponent):
    if isinstance(item, LTChar):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _chars(child)


def _overlap(a: LTChar, b: LTChar) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min(a.width * a.height, b.width * b.height) or 1.0
    return width * height / smaller


def test_the_page_number_never_prints_over_the_verification_address(long_host) -> None:
    _memo, _report, pdf = long_host
    pages = list(extract_pages(io.BytesIO(pdf)))
    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        foot = [
            c
            for c in _chars(page)
            if c.y1 < 2.2 * CM
            and c.get_text().strip()
            and unicodedata.category(c.get_text()[0]) != "Mn"
        ]
        clashes = [
            (a.get_text(), b.get_text())
            for i, a in enumerate(foot)
            for b in foot[i + 1 :]
            if _overlap(a, b) > 0.3
        ]
        assert clashes == [], (number, clashes[:5])
    text = extract.pdftotext(pdf)
    assert "go.th/verify/" in text.replace("\n", "")


def test_every_page_of_a_measures_table_has_its_column_headers(long_host) -> None:
    _memo, report, pdf = long_host
    pages = extract.pdfinfo_pages(pdf)
    # A step's first and last words, unless the issues above the tables say them too.
    said = "".join("".join(text.split()) for s in report.tools for text in s.findings)
    steps = ["".join(step.split()) for measure in report.measures for step in measure.steps]
    marks = {mark for step in steps for mark in (step[:20], step[-20:]) if mark not in said}
    checked = 0
    for number in range(1, pages + 1):
        text = "".join(extract.pdftotext(pdf, "-raw", "-f", str(number), "-l", str(number)).split())
        if any(mark in text for mark in marks):
            checked += 1
            assert "วิธีการดำเนินการ" in text, (number, [m for m in marks if m in text])
    assert checked >= 2


def _broken(lines: list[str], names: tuple[str, ...]) -> list[tuple[str, str]]:
    found = []
    for first, second in zip(lines, lines[1:], strict=False):
        a, b = first.rstrip(), second.lstrip()
        for name in names:
            for cut in range(1, len(name)):
                if a.endswith(name[:cut]) and b.startswith(name[cut:]):
                    found.append((a[-20:], b[:20]))
    return found


# The organisation's name at every place of a line: one of them falls at a line's end.
FILLER = " ".join(f"{'ก' * n}ของตำบลสุโสะ" for n in range(1, 40))


def _names(memo: MemoDoc) -> tuple[str, ...]:
    """What must never break: the organisation's own name, each word of each signer's name, and
    the words Thai line breaking cuts (ประ/สิทธิภาพ)."""
    people = [b.name for b in (memo.author, *memo.steps)]
    return ("สุโสะ", "ประสิทธิภาพ", *(w for name in people for w in name.split() if len(w) > 2))


def test_names_never_break_inside(demo_docs) -> None:
    memo, _report = demo_docs
    memo = dataclasses.replace(
        memo, body=f"{memo.body}\n\n{FILLER} {FILLER.replace('สุโสะ', 'ประสิทธิภาพ')}"
    )
    pdf = render.memo_pdf(memo)
    lines = extract.pdftotext(pdf, "-raw").splitlines()
    assert _broken(lines, _names(memo)) == []


def test_the_registers_names_never_break_inside() -> None:
    organisation = factories.make_organisation(name="องค์การบริหารส่วนตำบลสุโสะ")
    rows = tuple(
        RegisterRow(
            number=n,
            reference=f"ตง 78201/{n}",
            date=None,
            sender=f"{'ก' * n}สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ",
            addressee=f"{'ข' * n}นายกองค์การบริหารส่วนตำบลสุโสะ",
            subject=f"{'ค' * n}ของตำบลสุโสะ",
        )
        for n in range(1, 25)
    )
    doc = dataclasses.replace(register_doc(organisation, 2565), rows=rows)
    lines = extract.pdftotext(render.register_pdf(doc), "-raw").splitlines()
    assert _broken(lines, ("สุโสะ",)) == []


def _boxes(html: str):
    """Each element of the first page with its outermost box (its line and text boxes after it
    carry the same element)."""
    document = HTML(string=engine.with_fallback(html), base_url=engine.static_dir().as_uri() + "/")
    rendered = document.render()
    seen = set()
    for box in rendered.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and id(element) not in seen:
            seen.add(id(element))
            yield element, box


def test_a_drafts_empty_date_keeps_its_dotted_line_on_its_own_line(demo_docs) -> None:
    memo, _report = demo_docs
    html = render.memo_html(dataclasses.replace(memo, date=None, draft=True))
    values = [box for element, box in _boxes(html) if element.get("class") == "value"]
    number, date = values[1], values[2]  # ส่วนราชการ, ที่, วันที่
    assert date.height == pytest.approx(number.height, abs=0.5)
    assert date.position_y == pytest.approx(number.position_y, abs=0.5)


def test_the_urgency_mark_stands_clear_of_the_emblem(demo_docs) -> None:
    """The mark's glyphs (their font's full height, as pdfminer boxes them) end above the
    emblem's top, with room between."""
    memo, _report = demo_docs
    emblem = check_emblem(hostile.garuda_png())
    memo = dataclasses.replace(memo, urgency="ด่วนที่สุด", emblem=Emblem(emblem.data, emblem.mime_type))
    page = next(iter(extract_pages(io.BytesIO(render.memo_pdf(memo)))))
    images = [item for item in _items(page) if isinstance(item, LTImage)]
    mark = [c for c in _chars(page) if c.size > 31]  # 32 pt; the title is 29 pt
    assert len(images) == 1 and "".join(c.get_text() for c in mark) == "ด่วนที่สุด"
    gap_cm = (min(c.y0 for c in mark) - images[0].y1) / CM
    assert gap_cm >= 0.1
