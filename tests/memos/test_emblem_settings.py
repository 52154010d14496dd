"""The emblem settings page: the clerk or the head of the clerk's office uploads or removes it."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from PIL import Image

from ita.documents.emblem import check_emblem
from ita.history.models import Event
from ita.organisations.models import ActingAppointment, Organisation

pytestmark = pytest.mark.django_db

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<circle cx="5" cy="5" r="4" fill="#c00"/></svg>'
)
SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
    b'<circle cx="5" cy="5" r="4"/></svg>'
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _url(org) -> str:
    return f"/memos/organisations/{org.organisation.pk}/emblem/"


def _upload(client, org, name: str, data: bytes):
    return client.post(_url(org), {"action": "upload", "file": SimpleUploadedFile(name, data)})


def _emblem(org) -> str:
    return Organisation.objects.get(pk=org.organisation.pk).emblem.name


@pytest.mark.parametrize("role", ["clerk", "head"])
def test_the_clerk_or_head_of_office_uploads_a_png_and_the_history_records_it(
    client,
    org,
    tmp_media,
    role: str,
) -> None:
    client.force_login(org[role])
    assert client.get(_url(org)).status_code == 200
    response = _upload(client, org, "garuda.png", _png())
    assert response.status_code == 302
    # Stored as the PNG made of it, named by its SHA-256 (what is stored is what prints).
    assert (
        _emblem(org) == f"emblems/org{org.organisation.pk}-{check_emblem(_png()).sha256[:16]}.png"
    )
    event = Event.objects.get(action="organisation.emblem")
    assert event.actor == org[role]
    image = client.get(f"{_url(org)}image/")
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert "default-src 'none'" in image["Content-Security-Policy"]


def test_an_svg_is_accepted_and_shown_on_the_page(client, org, tmp_media) -> None:
    client.force_login(org["clerk"])
    _upload(client, org, "garuda.svg", SVG)
    assert _emblem(org).endswith(".png")  # drawn once, at upload
    page = client.get(_url(org)).content.decode()
    assert f'src="{_url(org)}image/"' in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"just some text", "neither a PNG nor an SVG"),
        ("garuda.svg", SCRIPTED_SVG, "&lt;script&gt;"),
        ("garuda.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
        ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 10), "at most 1024 KB"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason_and_the_emblem_stays(
    client,
    org,
    tmp_media,
    settings,
    name: str,
    data: bytes,
    message: str,
) -> None:
    settings.LANGUAGE_CODE = "en"
    client.force_login(org["clerk"])
    _upload(client, org, "garuda.svg", SVG)
    before = (_emblem(org), Event.objects.count())
    with open(tmp_media / before[0], "rb") as file:
        kept = file.read()
    response = _upload(client, org, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (_emblem(org), Event.objects.count()) == before
    with open(tmp_media / before[0], "rb") as file:
        assert file.read() == kept


def test_removing_the_emblem_leaves_memos_without_one(client, org, tmp_media) -> None:
    client.force_login(org["head"])
    _upload(client, org, "garuda.png", _png())
    response = client.post(_url(org), {"action": "remove"})
    assert response.status_code == 302
    assert _emblem(org) == ""
    assert client.get(f"{_url(org)}image/").status_code == 404
    assert Event.objects.filter(action="organisation.emblem").count() == 2


def test_an_acting_clerk_may_change_it(client, org, tmp_media) -> None:
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=org.positions["clerk"], user=org["member"], starts=today, ends=today
    )
    client.force_login(org["member"])
    assert _upload(client, org, "garuda.svg", SVG).status_code == 302


@pytest.mark.parametrize("role", ["author", "member", "deputy", "mayor"])
def test_other_members_see_403_and_nothing_changes(client, org, tmp_media, role: str) -> None:
    client.force_login(org[role])
    assert client.get(_url(org)).status_code == 403
    assert _upload(client, org, "garuda.svg", SVG).status_code == 403
    assert client.post(_url(org), {"action": "remove"}).status_code == 403
    assert _emblem(org) == ""
    assert not Event.objects.filter(action="organisation.emblem").exists()


def test_an_outsider_gets_404_and_a_visitor_is_sent_to_log_in(client, org, tmp_media) -> None:
    response = client.get(_url(org))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(org["outsider"])
    assert client.get(_url(org)).status_code == 404
    assert _upload(client, org, "garuda.svg", SVG).status_code == 404
    assert client.get(f"{_url(org)}image/").status_code == 404


def test_the_memo_list_links_the_page_for_its_administrators_only(client, org) -> None:
    client.force_login(org["clerk"])
    assert _url(org) in client.get("/memos/").content.decode()
    client.force_login(org["author"])
    assert _url(org) not in client.get("/memos/").content.decode()


def test_the_uploaded_emblem_is_drawn_on_the_memo_pdf(client, org, tmp_media) -> None:
    from tests.memos.conftest import make_memo
    from tests.pdf import extract

    client.force_login(org["clerk"])
    _upload(client, org, "garuda.png", _png())
    memo = make_memo(org)
    client.force_login(org["author"])
    pdf = b"".join(client.get(f"/memos/{memo.pk}/pdf/").streaming_content)
    assert extract.pdfimages_count(pdf) == 1


def test_the_memo_page_shows_the_uploaded_emblem_and_nothing_without_one(
    client,
    org,
    tmp_media,
) -> None:
    from tests.memos.conftest import make_memo

    memo = make_memo(org)
    client.force_login(org["clerk"])
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert 'class="garuda"' not in page  # no empty placeholder where the emblem would be
    _upload(client, org, "garuda.png", _png())
    page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert f'<img class="garuda" src="{_url(org)}image/"' in page
    image = client.get(f"{_url(org)}image/")
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")


DOCTYPE_SVG = (
    '<?xml version="1.0" encoding="UTF-16"?>'
    '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&b;</text>'
    + '<circle cx="5" cy="5" r="4"/>' * 150
    + "</svg>"
)


def _use_bomb(levels: int = 7, fan: int = 8) -> bytes:
    """About 1 KB: each level draws the one below it ``fan`` times (8⁷ circles in all)."""
    ids = "abcdefghij"
    parts = ['<svg xmlns="http://www.w3.org/2000/svg"><defs><circle id="a" r="1"/>']
    for level in range(1, levels + 1):
        parts.append(f'<g id="{ids[level]}">' + f'<use href="#{ids[level - 1]}"/>' * fan + "</g>")
    parts.append(f'</defs><use href="#{ids[levels]}"/></svg>')
    return "".join(parts).encode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # UTF-16 with its byte order mark, and without one (little-endian, as Windows writes).
        ("garuda.svg", DOCTYPE_SVG.encode("utf-16"), "DOCTYPE"),
        ("garuda.svg", DOCTYPE_SVG.encode("utf-16-le"), "DOCTYPE"),
        ("garuda.svg", _use_bomb(), "&lt;use&gt;"),
    ],
    ids=["utf-16-doctype", "utf-16le-doctype", "use-bomb"],
)
def test_a_hostile_svg_is_refused_in_thai_and_nothing_is_stored(
    client,
    org,
    tmp_media,
    name: str,
    data: bytes,
    message: str,
) -> None:
    assert len(_use_bomb()) < 1100
    client.force_login(org["clerk"])
    response = _upload(client, org, name, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "ไฟล์ SVG" in page  # the reason, in Thai
    assert _emblem(org) == ""
    assert not Event.objects.filter(action="organisation.emblem").exists()
    assert not tmp_media.exists() or not any(tmp_media.rglob("*"))


def test_an_emblem_that_cannot_be_made_within_its_budget_is_refused(monkeypatch) -> None:
    """The last guard, making it in a child process: the bomb, past the static checks."""
    from ita.documents import emblem

    monkeypatch.setattr(emblem, "MAX_USES", 10_000)
    monkeypatch.setattr(emblem, "MAX_DRAWN", 10**9)
    monkeypatch.setattr(emblem, "MAX_USE_DEPTH", 100)
    with pytest.raises(ValidationError, match="ไม่สามารถวาดภาพได้|นานเกินไป"):
        check_emblem(_use_bomb(levels=9), "bomb.svg", cpu_seconds=2)
    assert check_emblem(SVG, "small.svg").mime_type == "image/png"


def test_the_upgrade_that_made_emblems_safe_records_each_change_in_the_history(
    org, tmp_media
) -> None:
    """organisations.0006 made older emblem files the stored PNG or removed those refused
    today: each change is in the history as an upload's is, a removal naming the file and why
    (it used to leave no trace of an emblem that vanished from every document)."""
    migration = importlib.import_module("ita.organisations.migrations.0006_emblems_made_safe")
    state = MigrationLoader(connection).project_state(("organisations", "0006_emblems_made_safe"))
    organisation = org.organisation
    events = Event.objects.filter(action="organisation.emblem", organisation=organisation)

    def older_file(name: str, data: bytes) -> str:
        stored = default_storage.save(f"emblems/{name}", ContentFile(data))
        Organisation.objects.filter(pk=organisation.pk).update(emblem=stored)
        return stored

    old_png = older_file("garuda.png", _png())
    migration.make_safe(state.apps, None)
    made = events.get()
    assert _emblem(org) == f"emblems/org{organisation.pk}-{check_emblem(_png()).sha256[:16]}.png"
    assert made.actor is None and made.comment == _emblem(org)
    assert made.data["removed"] is False and made.data["previous"] == old_png
    assert made.data["sha256"] == check_emblem(_png()).sha256

    refused = older_file("garuda.svg", SCRIPTED_SVG)
    migration.make_safe(state.apps, None)
    assert _emblem(org) == ""
    removed = events.exclude(pk=made.pk).get()
    assert removed.data["removed"] is True and removed.data["previous"] == refused
    assert "script" in removed.comment
