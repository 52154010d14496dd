"""Private pages are sent gzip to the user's own requests only (BREACH: a cross-site request,
the only kind another site can cause, gets the plain page)."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

from memos.models import Memo

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(demo) -> tuple[Client, str, str]:
    client = Client()
    client.force_login(demo.users["legal"])
    memo = Memo.objects.filter(author=demo.users["legal"]).order_by("pk").first()
    return client, f"/memos/{memo.pk}/", memo.subject


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_members_own_request_gets_the_private_page_compressed(page, site) -> None:
    client, url, subject = page
    response = client.get(url, headers={"accept-encoding": "gzip", "sec-fetch-site": site})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert subject in gzip.decompress(response.content).decode()
    assert "no-store" in response["Cache-Control"]
    assert {"Accept-Encoding", "Sec-Fetch-Site"} <= {v.strip() for v in response["Vary"].split(",")}


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_a_request_another_site_could_cause_gets_it_plain(page, site) -> None:
    client, url, subject = page
    headers = {"accept-encoding": "gzip"} | ({"sec-fetch-site": site} if site else {})
    response = client.get(url, headers=headers)
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert subject in response.content.decode()


def test_a_file_download_is_never_recompressed(page, demo) -> None:
    client, url, _subject = page
    response = client.get(
        url + "pdf/", headers={"accept-encoding": "gzip", "sec-fetch-site": "same-origin"}
    )
    assert response.status_code == 200 and "Content-Encoding" not in response
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
