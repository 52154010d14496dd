"""The emblem upload: a PNG or a safe SVG, checked before anything is kept."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from ita.documents.emblem import MAX_BYTES, check_emblem
from ita.history.models import Event
from ita.organisations import services
from ita.organisations.models import Organisation
from ita.organisations.selectors import emblem_of
from tests import factories

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    b' viewBox="0 0 10 10"><defs><circle id="c" cx="5" cy="5" r="4"/></defs>'
    b'<use xlink:href="#c" style="fill: url(#g)"/></svg>'
)


def _image(kind: str = "PNG", size: tuple[int, int] = (60, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 20, 20)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.engine_free
def test_a_png_is_accepted() -> None:
    checked = check_emblem(_image(), "garuda.png")
    assert (checked.mime_type, checked.extension) == ("image/png", "png")


@pytest.mark.engine_free
def test_a_plain_svg_with_internal_references_is_accepted_as_the_png_it_draws() -> None:
    checked = check_emblem(SVG, "garuda.svg")
    assert (checked.mime_type, checked.data[:8]) == ("image/png", b"\x89PNG\r\n\x1a\n")


@pytest.mark.engine_free
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (_image("JPEG"), "neither a PNG nor an SVG"),
        (_image("GIF"), "neither a PNG nor an SVG"),
        (b"%PDF-1.7 not an image", "neither a PNG nor an SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
        (_image(size=(4001, 10)), "4001×10"),
        (b"<html><body>hi</body></html>", "not an SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "not valid XML"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "<script>",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "event handler"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><foreignObject><p>x</p></foreignObject></svg>",
            "<foreignObject>",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
            b"<image xlink:href='file:///etc/passwd'/></svg>",
            "file:///etc/passwd",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><image href='https://example.com/a.png'/></svg>",
            "https://example.com/a.png",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill:url(http://x/y#z)'/></svg>",
            "http://x/y#z",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><style>@import 'x.css';</style></svg>",
            "imports",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
            b"<svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>",
            "DOCTYPE",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * MAX_BYTES + b"</svg>", "KB"),
    ],
)
def test_it_refuses_a_bad_file_naming_the_problem(data: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_emblem(data, "upload")
    assert message in " ".join(error.value.messages)


@pytest.mark.engine_free
def test_the_refusal_reads_in_thai_for_thai_users() -> None:
    with translation.override("th"), pytest.raises(ValidationError) as error:
        check_emblem(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "x.svg")
    assert error.value.messages == ["ไฟล์ SVG มีองค์ประกอบ <script> ซึ่งไม่อนุญาต"]


@pytest.mark.django_db
def test_setting_the_emblem_keeps_the_file_and_records_it(tmp_media) -> None:
    organisation = factories.make_organisation()
    services.organisation_set_emblem(
        organisation=organisation, data=_image(), filename="garuda.png", actor=None
    )
    organisation.refresh_from_db()
    assert organisation.emblem.name.endswith(".png")
    emblem = emblem_of(organisation)
    assert emblem is not None and emblem.mime_type == "image/png"
    assert (
        Event.objects.filter(action="organisation.emblem", object_id=str(organisation.pk)).count()
        == 1
    )


@pytest.mark.django_db
def test_a_bad_emblem_changes_nothing(tmp_media) -> None:
    organisation = factories.make_organisation()
    services.organisation_set_emblem(
        organisation=organisation, data=SVG, filename="garuda.svg", actor=None
    )
    with pytest.raises(ValidationError):
        services.organisation_set_emblem(
            organisation=organisation,
            data=b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
            filename="evil.svg",
            actor=None,
        )
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.emblem.name.endswith(".png")
    assert emblem_of(organisation).data == check_emblem(SVG).data
    assert Event.objects.filter(action="organisation.emblem").count() == 1


@pytest.mark.django_db
def test_removing_the_emblem_leaves_the_memo_without_one(tmp_media) -> None:
    organisation = factories.make_organisation()
    services.organisation_set_emblem(organisation=organisation, data=SVG, actor=None)
    services.organisation_set_emblem(organisation=organisation, data=None, actor=None)
    organisation.refresh_from_db()
    assert not organisation.emblem
    assert emblem_of(organisation) is None


@pytest.mark.django_db
def test_the_models_validator_refuses_a_bad_upload(tmp_media) -> None:
    organisation = factories.make_organisation()
    organisation.emblem = SimpleUploadedFile(
        "x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onclick='x'/>"
    )
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "emblem" in error.value.message_dict
