"""The renderer reads only the project's static files and the resources it is handed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ita.documents import engine
from tests.pdf import extract

pytestmark = pytest.mark.engine_free

STYLE = '<link rel="stylesheet" href="pdf/document.css">'


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="file:///etc/passwd">',
        '<img src="/etc/hostname">',
        '<img src="../../../../../../etc/passwd">',
        '<img src="fonts/../../ita/settings.py">',
        '<img src="http://127.0.0.1:9/x.png">',
        '<img src="https://example.com/x.png">',
        '<link rel="stylesheet" href="ftp://example.com/x.css">',
        f'<img src="data:image/png;base64,{__import__("base64").b64encode(_png()).decode()}">',
        '<img src="memory:not-given">',
    ],
)
def test_it_refuses_anything_outside_static_files(tag: str) -> None:
    result = engine.render_document(f"{STYLE}<p>ทดสอบ</p>{tag}")
    assert len(result.refused) == 1
    assert extract.pdfimages_count(result.pdf) == 0
    assert "ทดสอบ" in extract.pdftotext(result.pdf)


def test_it_reads_the_shipped_stylesheet_and_fonts() -> None:
    result = engine.render_document(f"{STYLE}<p>ทดสอบ</p>")
    assert result.refused == []
    assert {f["name"].split("+")[1] for f in extract.pdffonts(result.pdf)} == {"ITA-Laksaman"}


def test_latin_words_print_in_the_documents_face_never_a_system_one() -> None:
    """Latin in a memo (the ITA's English name, an item code, an address, a code) is drawn from
    the shipped Laksaman, in every style: no system serif or monospace face is embedded."""
    result = engine.render_document(
        f"{STYLE}<p>รายงาน (Integrity and Transparency Assessment : ITA) O17 “ITA” – …</p>"
        "<p><b>ITA Bold</b> <i>italic words</i> <code>AB2CD-EF3GH</code> "
        "<kbd>https://itas.nacc.go.th/</kbd></p>"
    )
    fonts = [f["name"].split("+")[1] for f in extract.pdffonts(result.pdf)]
    assert fonts and all(name.startswith("ITA-Laksaman") for name in fonts), fonts
    assert "Integrity and Transparency Assessment" in extract.pdftotext(result.pdf)


def test_it_serves_resources_handed_to_it_from_memory() -> None:
    result = engine.render_document(
        f'{STYLE}<img src="memory:emblem" style="height: 1cm">',
        resources={"emblem": engine.Resource(_png(), "image/png")},
    )
    assert result.refused == []
    assert extract.pdfimages_count(result.pdf) == 1
