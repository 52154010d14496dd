"""The inbox and a memo's page are kept whole for the person who opened them
(``memos.kept_pages``) and served again only while nothing they show has changed: a page kept
for one person is never another's, a write to the memo or a change of who holds which position
shows at once, and each serving carries its own session's CSRF token."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ita.history.models import Event, EventKind
from ita.organisations import services as organisation_services
from ita.organisations.models import ActingAppointment
from memos import services
from memos.drafts import keep_post
from memos.models import SigningCertificate, SignOff
from tests.memos.conftest import MEMO_DATA, bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db

DECIDE = "Your decision"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _kept(settings) -> None:
    settings.NAV_COUNTS_SECONDS = 3600  # as production keeps them (tests/conftest.py: 0)
    settings.LANGUAGE_CODE = "en"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode(), len(queries)


def test_the_memo_page_is_kept_per_person_and_follows_a_transition(org) -> None:
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    head, member = _client(org["head"]), _client(org["member"])
    first, rendered = _page(head, url)
    again, kept = _page(head, url)
    # Kept: the session, the user and one cache read (the version, the navigation, the page).
    assert kept == 3 < rendered
    assert DECIDE in first and DECIDE in again
    assert TOKEN.sub("", first) == TOKEN.sub("", again)
    # Another member of the office, who signs nothing here: their own page, never the head's.
    assert DECIDE not in _page(member, url)[0]
    assert DECIDE not in _page(member, url)[0]
    assert DECIDE in _page(head, url)[0]

    services.memo_approve(memo=fresh(memo), actor=org["head"], comment="ตรวจแล้วเห็นชอบ")
    after, _queries = _page(head, url)
    assert DECIDE not in after and "ตรวจแล้วเห็นชอบ" in after
    assert "ตรวจแล้วเห็นชอบ" in _page(member, url)[0]
    assert DECIDE in _page(_client(org["deputy"]), url)[0]  # the deputy's step now


def test_an_acting_appointment_and_its_end_show_on_the_kept_page(org) -> None:
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    member = _client(org["member"])
    assert DECIDE not in _page(member, url)[0]
    assert _page(member, url)[1] == 3  # kept
    today = timezone.localdate()
    appointment = organisation_services.acting_save(
        appointment=ActingAppointment(
            position=org.positions["head"], user=org["member"], starts=today, ends=today
        ),
        actor=org["mayor"],
    )
    assert DECIDE in _page(member, url)[0]  # acting for the head: the member signs now
    organisation_services.acting_delete(appointment=appointment, actor=org["mayor"])
    assert DECIDE not in _page(member, url)[0]


def test_every_write_to_the_memo_shows_on_the_kept_page(org, tmp_media) -> None:
    memo = bring_to(org, "draft")
    url = f"/memos/{memo.pk}/"
    member = _client(org["member"])
    assert "evidence.pdf" not in _page(member, url)[0]
    assert _page(member, url)[1] == 3
    upload = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 kept", content_type="application/pdf")
    services.attachment_add(memo=fresh(memo), upload=upload, actor=org["author"])
    assert "evidence.pdf" in _page(member, url)[0]
    services.memo_update(memo=fresh(memo), data={"subject": "เรื่องที่แก้แล้ว"}, actor=org["author"])
    assert "เรื่องที่แก้แล้ว" in _page(member, url)[0]
    services.memo_send(memo=fresh(memo), actor=org["author"])
    _page(member, url)
    # Rows written without the services (the admin, a repair) show too: a sign-off's comment,
    # a history row of the memo, the organisation's certificate.
    with transaction.atomic():  # as the admin saves
        signoff = SignOff.objects.create(
            memo=memo, round=1, step="head", decision="forward", signer=org["head"],
            signer_name="ชื่อhead ทดสอบ", signer_position="หัวหน้าสำนักปลัด", comment="ความเห็นจากผู้ดูแล",
            content_hash="0" * 64,
        )  # fmt: skip
    assert "ความเห็นจากผู้ดูแล" in _page(member, url)[0]
    with transaction.atomic():
        signoff.delete()
    assert "ความเห็นจากผู้ดูแล" not in _page(member, url)[0]
    with transaction.atomic():
        Event.objects.create(
            action=EventKind.MEMO_UPDATE, object_type="memos.memo", object_id=str(memo.pk),
            organisation=org.organisation, data={"fields": ["subject"]},
        )  # fmt: skip
    assert _page(member, url)[0].count("edited the text") == 2
    assert "has no signing certificate" in _page(member, url)[0]
    now = timezone.now()
    with transaction.atomic():
        SigningCertificate.objects.create(
            organisation=org.organisation, protected_key=b"", certificate=b"", subject="ทดสอบ",
            issuer="ทดสอบ", fingerprint="0" * 64, not_before=now, not_after=now, self_signed=True,
        )  # fmt: skip
    assert "has no signing certificate" not in _page(member, url)[0]


def test_a_page_kept_in_one_organisation_is_never_served_in_another(org) -> None:
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    _page(_client(org["head"]), url)
    outsider = _client(org["outsider"])  # a member of another organisation
    assert outsider.get(url).status_code == 404
    assert outsider.get(url).status_code == 404
    # The outsider's own organisation's draft: theirs, kept for them, never for the head.
    theirs = services.memo_create(
        organisation=org.other, data={**MEMO_DATA, "subject": "เรื่องของอีกหน่วยงาน"},
        actor=org["outsider"],
    )  # fmt: skip
    assert "เรื่องของอีกหน่วยงาน" in _page(outsider, f"/memos/{theirs.pk}/")[0]
    assert "เรื่องของอีกหน่วยงาน" in _page(outsider, f"/memos/{theirs.pk}/")[0]
    assert _client(org["head"]).get(f"/memos/{theirs.pk}/").status_code == 404


def test_leaving_the_organisation_ends_the_kept_page(org) -> None:
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    member = _client(org["member"])
    _page(member, url)
    position = org.positions["member"]
    position.holder = None
    organisation_services.position_save(position=position, actor=org["mayor"])
    assert member.get(url).status_code == 404


def _secret(token: str) -> str:
    return _unmask_cipher_token(token) if len(token) == 64 else token


def test_each_session_gets_its_own_csrf_token_from_the_kept_page(org) -> None:
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    phone, laptop = _client(org["head"]), _client(org["head"])  # two sessions of one person
    first, _queries = _page(phone, url)
    second, queries = _page(laptop, url)
    assert queries == 3  # the page kept during the phone's session
    for client, page in ((phone, first), (laptop, second)):
        tokens = TOKEN.findall(page)
        assert len(tokens) >= 3  # the decision, the language switch, logging out
        assert {_secret(t) for t in tokens} == {client.cookies["csrftoken"].value}
    assert phone.cookies["csrftoken"].value != laptop.cookies["csrftoken"].value
    # The token works: the decision is taken with it.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = laptop.cookies
    response = strict.post(
        f"/memos/{memo.pk}/decide/",
        {
            "csrfmiddlewaretoken": TOKEN.findall(second)[0],
            "expected_state": "head",
            "expected_round": 1,
            "action": "forward",
        },
    )
    assert response.status_code == 302 and fresh(memo).state == "deputy"


def test_a_message_and_a_kept_form_are_shown_once_not_kept(org, rf) -> None:
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    head = _client(org["head"])
    _page(head, url)
    # A decision on a step that has passed: the page says so once, then is kept again.
    stale = {"expected_state": "head", "expected_round": 2, "action": "forward"}
    assert head.post(f"/memos/{memo.pk}/decide/", stale).status_code == 302
    notice = "has already moved on"
    assert notice in _page(head, url)[0]
    assert notice not in _page(head, url)[0]
    request = rf.post(url, {"comment": "ความเห็นที่พิมพ์ค้างไว้"})
    request.session = head.session
    keep_post(request, url)
    request.session.save()
    assert "ความเห็นที่พิมพ์ค้างไว้" in _page(head, url)[0]
    assert "ความเห็นที่พิมพ์ค้างไว้" not in _page(head, url)[0]


def test_the_inbox_is_kept_whole_and_follows_a_send(org) -> None:
    head = _client(org["head"])
    bring_to(org, "head")
    page, rendered = _page(head, "/memos/inbox/")
    again, kept = _page(head, "/memos/inbox/")
    assert kept == 3 and TOKEN.sub("", page) == TOKEN.sub("", again)
    assert again.count('class="card-link"') == page.count('class="card-link"') == 1
    services.memo_send(memo=make_memo(org, subject="เรื่องใหม่ในกล่อง"), actor=org["author"])
    after, _queries = _page(head, "/memos/inbox/")
    assert "เรื่องใหม่ในกล่อง" in after
    # Another person's inbox is theirs: the deputy waits on nothing.
    assert "เรื่องใหม่ในกล่อง" not in _page(_client(org["deputy"]), "/memos/inbox/")[0]


def test_a_page_kept_in_one_language_is_not_served_in_the_other(org) -> None:
    """The same person, the same memo: Thai after English (the language switch in the header,
    or a browser asking for Thai) is rendered in Thai, not served the English page kept."""
    memo = bring_to(org, "head")
    url = f"/memos/{memo.pk}/"
    for path in (url, "/memos/inbox/"):
        head = _client(org["head"])
        english, _ = _page(head, path)
        assert 'lang="en"' in english
        head.cookies["django_language"] = "th"
        thai, _ = _page(head, path)
        assert 'lang="th"' in thai, path
        head.cookies["django_language"] = "en"
        again, kept = _page(head, path)
        assert 'lang="en"' in again and kept == 3
