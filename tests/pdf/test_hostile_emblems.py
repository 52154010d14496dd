"""Emblems that hurt, made safe once at upload: what is stored is a bounded PNG, and every memo
printed with it stays PDF/A and costs what a memo without it costs."""

from __future__ import annotations

import dataclasses
import io
import logging
import subprocess
from unittest import mock

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from ita.documents import engine, render
from ita.documents.data import Emblem
from ita.documents.emblem import check_emblem
from ita.documents.emblem_worker import HEIGHT, MAX_WIDTH
from ita.organisations import services
from ita.organisations.selectors import emblem_of
from tests import hostile
from tests.pdfa import assert_pdfa, violations

pytestmark = pytest.mark.django_db


def _memo_pdf(demo_docs, emblem: Emblem | None) -> bytes:
    memo, _report = demo_docs
    return render.memo_pdf(dataclasses.replace(memo, emblem=emblem))


def _made(data: bytes) -> Emblem:
    checked = check_emblem(data, "garuda")
    return Emblem(checked.data, checked.mime_type)


def _image_of(pdf: bytes) -> list[tuple[dict, bytes]]:
    """The images drawn (an image's soft mask is part of it, not another image)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        images = [
            o
            for o in document.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
        masks = {i.SMask.objgen for i in images if "/SMask" in i}
        return [(dict(i.items()), i.read_bytes()) for i in images if i.objgen not in masks]


@pytest.mark.engine_free
def test_a_png_as_offices_export_it_would_break_pdfa_drawn_as_it_came() -> None:
    """The finding: an ordinary PNG drawn as WeasyPrint draws images carries /Interpolate true
    (and a palette PNG is not even drawn right); the check sees it."""
    pdf = engine.render_document(
        '<html lang="th"><title>x</title><img src="memory:emblem" alt="ตราครุฑ"></html>',
        resources={"emblem": engine.Resource(hostile.garuda_png(), "image/png")},
    ).pdf
    assert any("/Interpolate true" in v for v in violations(pdf))


@pytest.mark.engine_free
@pytest.mark.parametrize("mode", ["RGBA", "P", "LA"])
def test_a_png_garuda_prints_without_interpolate_and_the_memo_stays_pdfa(demo_docs, mode) -> None:
    pdf = _memo_pdf(demo_docs, _made(hostile.garuda_png(mode=mode)))
    images = _image_of(pdf)
    assert len(images) == 1
    info, _data = images[0]
    assert info["/Interpolate"] is False
    assert info["/ColorSpace"] == "/DeviceRGB"
    assert "/SMask" not in info  # flattened on white: no transparency to carry
    assert_pdfa(pdf)


@pytest.mark.engine_free
@pytest.mark.parametrize(
    "data",
    [hostile.TILING_SVG, hostile.nested_patterns_svg()],
    ids=["297-byte-tiling-pattern", "nested-patterns"],
)
def test_a_hostile_svg_is_stored_as_a_bounded_png_and_memos_print_no_pattern(
    demo_docs, data
) -> None:
    emblem = _made(data)
    assert emblem.mime_type == "image/png"
    with Image.open(io.BytesIO(emblem.data)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGB"
        assert image.width <= MAX_WIDTH and image.height <= HEIGHT
    pdf = _memo_pdf(demo_docs, emblem)
    assert b"/Pattern" not in pdf and b"/PatternType" not in pdf
    assert len(_image_of(pdf)) == 1
    assert_pdfa(pdf)


@pytest.mark.engine_free
def test_the_svg_is_drawn_as_it_looks_its_shapes_kept() -> None:
    """The circle of the tiling SVG survives the reduction (only the pattern is dropped)."""
    emblem = _made(hostile.TILING_SVG)
    with Image.open(io.BytesIO(emblem.data)) as image:
        middle = image.getpixel((image.width // 2, image.height // 2))
        corner = image.getpixel((1, 1))
    assert middle[0] > 150 and middle[2] < 80  # the gold circle
    assert corner == (255, 255, 255)


def test_a_30000_pixel_png_is_refused_in_thai_without_being_decoded(
    client, tmp_media, demo
) -> None:
    data = hostile.huge_png()
    assert len(data) < 200_000
    with pytest.raises(ValidationError, match="30000×30000"):
        check_emblem(data, "garuda.png")
    client.force_login(demo.users["clerk"])
    response = client.post(
        f"/memos/organisations/{demo.home.pk}/emblem/",
        {"action": "upload", "file": ContentFile(data, name="garuda.png")},
    )
    assert response.status_code == 400
    assert "30000×30000" in response.content.decode()
    demo.home.refresh_from_db()
    assert not demo.home.emblem


def test_building_a_memo_never_probes_or_decodes_the_emblem(tmp_media, demo) -> None:
    services.organisation_set_emblem(
        organisation=demo.home, data=hostile.garuda_png(), filename="g.png", actor=None
    )
    with (
        mock.patch.object(subprocess, "run", side_effect=AssertionError("a probe at build")),
        mock.patch.object(Image, "open", side_effect=AssertionError("decoded at build")),
    ):
        emblem = emblem_of(demo.home)
    assert emblem is not None and emblem.mime_type == "image/png"


def test_a_stored_emblem_changed_by_hand_is_not_printed(tmp_media, demo) -> None:
    services.organisation_set_emblem(
        organisation=demo.home, data=hostile.garuda_png(), filename="g.png", actor=None
    )
    path = demo.home.emblem.path
    with open(path, "wb") as file:
        file.write(hostile.garuda_png(size=(300, 330)))
    assert emblem_of(demo.home) is None


@pytest.mark.engine_free
def test_the_emblem_has_alt_text_and_weasyprint_logs_no_error(demo_docs, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = _memo_pdf(demo_docs, _made(hostile.garuda_png()))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        alts = [
            str(o.get("/Alt"))
            for o in document.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Figure"
        ]
    assert alts == ["ตราครุฑ"]
