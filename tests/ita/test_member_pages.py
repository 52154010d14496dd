"""A member's page of public data is the visitors' cached page with the member's own parts
rendered for them (``ita.lib.personal``, ``ita.history.published``); public pages cache only the
query parameters they use."""

from __future__ import annotations

import gzip
import re
import zlib

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ita.demo import memos as demo_memos
from ita.history import published
from ita.organisations.models import Organisation
from memos import services as memo_services
from memos.models import Memo

pytestmark = pytest.mark.django_db

PAO = "องค์การบริหารส่วนจังหวัดตรัง"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def url(demo) -> str:
    return f"/results/2564/{Organisation.objects.get(name=PAO).district.province_id}/"


def _member(demo, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def _stored_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ita_cache")
        return cursor.fetchone()[0]


def test_a_members_page_is_the_cached_page_with_their_navigation(demo, url) -> None:
    head = demo.users["head"]
    memo = demo_memos.seed_draft()
    memo_services.memo_send(memo=memo, actor=demo.users["legal"])
    assert Memo.objects.get(pk=memo.pk).state == "head"
    visitor = Client().get(url).content.decode()
    client = _member(demo, "head")
    page = client.get(url).content.decode()
    # The same table as the visitor's, the head's own navigation: name, inbox count, token.
    assert visitor.split('<main id="main">')[1] == page.split('<main id="main">')[1]
    assert head.get_full_name() in page and head.get_full_name() not in visitor
    assert re.search(r'class="nav-inbox">[^<]*<span class="badge"[^>]*>1</span>', page)
    assert TOKEN.search(page) and not TOKEN.search(visitor)
    # Served from the cache: no render of the table (its queries), whatever the page's size.
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert again.status_code == 200
    tables = [q["sql"] for q in captured if "ita_assessment" in q["sql"]]
    # The session, the user, the data's version; the navigation: the head's steps (positions
    # held, acting), two counts, the operator permissions (the user's, their groups').
    assert tables == [] and len(captured) <= 9, [q["sql"] for q in captured]
    # The count is the member's at this request, not a cached one.
    memo_services.memo_withdraw(memo=Memo.objects.get(pk=memo.pk), actor=demo.users["legal"])
    assert 'class="badge"' not in client.get(url).content.decode().split("nav-inbox")[1][:80]


def test_a_member_and_a_visitor_share_one_stored_page(demo, url) -> None:
    cache.clear()
    published.local.clear()
    for username in ("legal", "head", "mayor"):
        assert _member(demo, username).get(url).status_code == 200
    Client().get(url)
    assert _stored_count() == 1
    (stored,) = published.local.items.values()
    for username in ("legal", "head", "mayor"):
        assert demo.users[username].get_full_name().encode() not in stored[1]


def test_a_members_compressed_page_is_the_same_page_with_their_part_stored_uncompressed(
    demo, url
) -> None:
    client = _member(demo, "legal")
    plain = client.get(url).content.decode()
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip" and "private" in packed["Cache-Control"]
    assert "Accept-Encoding" in packed["Vary"]
    text = gzip.decompress(packed.content).decode()
    assert TOKEN.sub("", text) == TOKEN.sub("", plain)  # the token is masked anew per response
    # The member's name and token travel as stored bytes: never compressed with anything else.
    token = TOKEN.search(text).group(0).encode()
    assert token in packed.content
    assert demo.users["legal"].get_full_name().encode() in packed.content
    # Much smaller than the page all the same.
    assert len(packed.content) < len(plain.encode()) / 3
    assert zlib.crc32(text.encode()) == int.from_bytes(packed.content[-8:-4], "little")


def test_the_home_page_lists_the_members_own_organisations_visitors_none(demo) -> None:
    home = demo.home
    visitor = Client().get("/").content.decode()
    member = _member(demo, "legal").get("/").content.decode()
    assert f'href="/organisations/{home.pk}/"' in member
    assert f'href="/organisations/{home.pk}/"' not in visitor
    outsider = _member(demo, "outsider").get("/").content.decode()
    assert f'href="/organisations/{home.pk}/"' not in outsider


def test_a_member_with_a_message_gets_it_on_the_page(demo, url, rf) -> None:
    client = _member(demo, "legal")
    client.get(url)
    # A message waits in its cookie (as after a form's redirect).
    stored = CookieStorage(rf.get("/"))._encode([Message(messages.INFO, "QXMESSAGEMARK")])
    client.cookies["messages"] = stored
    page = client.get(url).content.decode()
    assert "QXMESSAGEMARK" in page
    assert "QXMESSAGEMARK" not in client.get(url).content.decode()  # shown once


def test_made_up_query_parameters_neither_fill_the_cache_nor_reach_the_page(demo, url) -> None:
    cache.clear()
    published.local.clear()
    client = Client()
    first = client.get(url + "?sort=name")
    for n in range(5):
        busted = client.get(url + f"?utm_source=x{n}&sort=name&_={n}")
        assert busted.status_code == 200 and busted.content == first.content
        assert busted["ETag"] == first["ETag"]
    assert _stored_count() == 1
    assert "utm_source" not in first.content.decode()
    # The parameters the page uses key it, whatever their order.
    a = client.get(url + "?sort=name&passed=yes")
    b = client.get(url + "?passed=yes&sort=name")
    assert a.content == b.content and a["ETag"] == b["ETag"]
    assert _stored_count() == 2
    assert a.content != first.content  # the filter is applied


def test_the_api_refuses_unknown_parameters(demo) -> None:
    response = Client().get("/api/v1/years?_=1")
    assert response.status_code == 400
