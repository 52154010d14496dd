"""A member's navigation (counts, steps, the operators' links) is kept per user in the shared cache
(``memos.selectors.navigation``), as production keeps it: the cached public page and the kept
navigation never carry one person's data to another, and a change shows at once."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ita.administration import operators
from ita.demo import memos as demo_memos
from ita.organisations.models import Organisation
from memos import services as memo_services
from memos.models import Memo

pytestmark = pytest.mark.django_db

PAO = "องค์การบริหารส่วนจังหวัดตรัง"
INBOX_BADGE = re.compile(r'class="nav-inbox">[^<]*<span class="badge"[^>]*>(\d+)</span>')


@pytest.fixture(autouse=True)
def _kept(settings) -> None:
    settings.NAV_COUNTS_SECONDS = 3600  # as production keeps it (tests/conftest.py: 0)


@pytest.fixture
def url(demo) -> str:
    return f"/results/2564/{Organisation.objects.get(name=PAO).district.province_id}/"


def _member(demo, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def test_members_of_two_organisations_and_a_visitor_each_see_their_own(demo, url) -> None:
    memo = demo_memos.seed_draft()
    memo_services.memo_send(memo=memo, actor=demo.users["legal"])  # awaits the head of สุโสะ
    head, outsider = demo.users["head"], demo.users["outsider"]  # outsider: of อบต.ลิพัง
    lipang = Organisation.objects.get(positions__holder=outsider)
    operators.operator_grant(user=outsider, actor=demo.users["admin"])
    clients = {"head": _member(demo, "head"), "outsider": _member(demo, "outsider"), "": Client()}
    names = {"head": head.get_full_name(), "outsider": outsider.get_full_name()}
    # Each after the others, twice round, on a cached public page and on the home page.
    for who in ["", "head", "outsider", "", "outsider", "head", ""]:
        page = clients[who].get(url).content.decode()
        home = clients[who].get("/").content.decode()
        for other, name in names.items():
            assert (name in page) == (other == who), (who, other)
            assert (name in home) == (other == who), (who, other)
        badge = INBOX_BADGE.search(page)
        assert (badge.group(1) if badge else None) == ("1" if who == "head" else None), who
        assert ('href="/imports/"' in page) == (who == "outsider"), who
        own = {"head": demo.home.pk, "outsider": lipang.pk}
        for other, pk in own.items():
            assert (f'href="/organisations/{pk}/"' in home) == (other == who), (who, other)


def test_a_members_page_of_public_data_reads_the_session_user_version_and_navigation(
    demo, url
) -> None:
    client = _member(demo, "head")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The session, the user, the published data's version, the kept navigation (one cache
    # read): no count, no step, no permission read again.
    assert len(captured) <= 4, [q["sql"] for q in captured]


def test_the_inbox_reads_the_kept_navigation_and_one_page_of_memos(demo) -> None:
    memo = demo_memos.seed_draft()
    memo_services.memo_send(memo=memo, actor=demo.users["legal"])
    client = _member(demo, "head")
    first = client.get("/memos/inbox/").content.decode()
    assert f'href="/memos/{memo.pk}/"' in first
    with CaptureQueriesContext(connection) as captured:
        again = client.get("/memos/inbox/").content.decode()
    assert again.count(f'href="/memos/{memo.pk}/"') == first.count(f'href="/memos/{memo.pk}/"')
    # The session, the user, and one cache read: the navigation and the page of cards kept
    # beside it (no count, no step, no memo read, no card rendered).
    assert len(captured) <= 3, [q["sql"] for q in captured]
    # Another member's inbox is their own, kept beside their own navigation.
    outsider = _member(demo, "outsider").get("/memos/inbox/").content.decode()
    assert f'href="/memos/{memo.pk}/"' not in outsider
    memo_services.memo_withdraw(memo=Memo.objects.get(pk=memo.pk), actor=demo.users["legal"])
    assert f'href="/memos/{memo.pk}/"' not in client.get("/memos/inbox/").content.decode()
    # In English, the cards are the English ones (kept apart).
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Nothing awaits your decision." in client.get("/memos/inbox/").content.decode()


def test_an_operators_link_comes_and_goes_with_the_permission_at_once(demo, url) -> None:
    legal = demo.users["legal"]
    client = _member(demo, "legal")
    assert 'href="/imports/"' not in client.get(url).content.decode()
    operators.operator_grant(user=legal, actor=demo.users["admin"])
    assert 'href="/imports/"' in client.get(url).content.decode()
    operators.operator_revoke(user=legal, actor=demo.users["admin"])
    assert 'href="/imports/"' not in client.get(url).content.decode()


def test_the_memo_page_reads_the_chain_once_and_no_holder_per_step(demo) -> None:
    memo = demo_memos.seed_draft()
    memo_services.memo_send(memo=memo, actor=demo.users["legal"])  # four steps still to sign
    client = _member(demo, "head")
    client.get("/memos/inbox/")  # the navigation kept
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/memos/{memo.pk}/").content.decode()
    assert 'class="memo-subject"' in page and 'id="decide"' in page  # the head signs it
    sql = [q["sql"] for q in captured]
    users = [s for s in sql if s.startswith('SELECT "auth_user"')]
    steps = [s for s in sql if 'FROM "organisations_actingappointment"' in s]
    attachments = [s for s in sql if 'FROM "memos_attachment"' in s]
    # The request's user alone; the day's steps (and who acts in them) and the files once.
    assert len(users) == 1 and len(steps) <= 1 and len(attachments) == 1, sql
    # Then kept whole for the head (memos.kept_pages): the session, the user, one cache read.
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/memos/{memo.pk}/").content.decode().count('id="decide"') == 1
    assert len(captured) == 3, [q["sql"] for q in captured]
