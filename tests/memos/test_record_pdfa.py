"""The document of record stays PDF/A once signed, whatever its emblem and its text.

The stored, signed PDF of a decided memo with a PNG or an SVG emblem and a Chinese and a Khmer
word in its body passes the PDF/A rules (``tests/pdfa.py``): signing must not leave the Info
dictionary saying something the XMP does not (pyHanko appended its name to the one and wrote it
alone in the other, so every signed memo failed ISO 19005-2 6.6.2.3.1).
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from weasyprint import HTML as WeasyHTML

from ita.documents import engine, inspection, signing
from ita.organisations.services import organisation_set_emblem
from memos import archive, services
from memos.models import Memo, MemoArchive
from memos.signing import install_credentials
from tests import hostile
from tests.memos.conftest import bring_to, make_memo
from tests.pdfa import assert_pdfa, validator_failures, violations

pytestmark = pytest.mark.django_db

HTML = (
    '<html lang="th"><head><title>เรื่อง ทดสอบ</title><meta name="author" content="อบต. สุโสะ">'
    '<meta name="keywords" content="ตง ๑/๒"><meta name="dcterms.created" content="2021-08-25">'
    "</head><body><p>บันทึกข้อความ</p></body></html>"
)


@pytest.mark.parametrize(
    "emblem", [hostile.garuda_png(), hostile.TILING_SVG], ids=["png", "tiling-svg"]
)
def test_a_decided_memo_with_any_emblem_and_any_text_is_stored_signed_and_pdfa(
    org, tmp_media, emblem, django_capture_on_commit_callbacks
) -> None:
    organisation_set_emblem(
        organisation=org.organisation, data=emblem, filename="garuda", actor=org["clerk"]
    )
    install_credentials(
        organisation=org.organisation,
        credentials=signing.make_test_credentials(org.organisation.name),
    )
    body = f"ย่อหน้าแรก {hostile.CJK_WORD}\n\nชื่อในภาษาอื่น {hostile.KHMER_WORD} ในเอกสาร"
    memo = bring_to(org, "mayor", make_memo(org, body=body))
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved", comment="อนุมัติ")
    memo = Memo.objects.select_related("organisation", "report_year").get(pk=memo.pk)
    assert MemoArchive.objects.get(memo=memo).signature_level == "B-B"
    pdf = archive.memo_pdf_bytes(memo)
    (found,) = inspection.inspect(pdf).signatures
    assert found.intact and found.valid and found.whole_file
    assert_pdfa(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as read:
        assert sum(1 for o in read.objects if o.get("/Subtype") == "/Image") == 1


def test_signing_keeps_the_info_dictionary_and_the_xmp_saying_the_same() -> None:
    plain = engine.render(HTML)
    assert violations(plain) == []
    signed = signing.sign_pdf(plain, signing.make_test_credentials("อบต. สุโสะ"), reason="ทดสอบ")
    assert_pdfa(signed)
    with pikepdf.open(io.BytesIO(signed)) as read:
        assert str(read.docinfo["/Producer"]).startswith("pyHanko")


def test_the_rule_sees_an_info_entry_the_xmp_does_not_say() -> None:
    """The check itself: an Info dictionary changed without its XMP is a breach, named."""
    with pikepdf.open(io.BytesIO(engine.render(HTML))) as pdf:
        pdf.docinfo["/Producer"] = "WeasyPrint; another tool"
        pdf.docinfo["/ModDate"] = "D:20990101000000Z"
        out = io.BytesIO()
        pdf.save(out)
    found = violations(out.getvalue())
    assert any("/Producer" in f and f.startswith("6.6.2.3.1") for f in found), found
    assert any("/ModDate" in f for f in found), found


def test_the_validator_sees_a_compressed_xmp_packet() -> None:
    """The validator from PyPI on the same document: WeasyPrint alone compresses the
    catalogue's XMP packet, which it refuses (METADATA-FILTER); ours writes it as it is."""
    weasyprint_alone = WeasyHTML(string=HTML, base_url=engine.static_dir().as_uri() + "/")
    plain = weasyprint_alone.write_pdf(pdf_variant=engine.ARCHIVAL, pdf_tags=True)
    assert any("METADATA-FILTER" in f for f in validator_failures(plain))
    assert validator_failures(engine.render(HTML)) == []
