"""Accounts that resist attack: lockout per account and per address, every login, failure,
lockout and logout in the history, idle and absolute session limits, passwords changed and
reset by e-mail."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from ita.accounts import sessions
from ita.history.models import Event, EventKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _actions() -> list[str]:
    return list(Event.objects.order_by("pk").values_list("action", flat=True))


def _try(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_correct_login_and_a_logout_are_in_the_history(client) -> None:
    user = make_user("somchai")
    response = _try(client, "somchai", "pw")
    assert response.status_code == 302
    login = Event.objects.get(action=EventKind.LOGIN)
    assert login.actor == user and login.data["ip"] == "10.0.0.1"
    client.post("/accounts/logout/")
    assert _actions() == [EventKind.LOGIN, EventKind.LOGOUT]


def test_the_account_is_locked_from_new_browsers_after_failures_from_many_addresses(
    client, settings
) -> None:
    """The slower limit per account (tests/accounts/test_lockout.py: the owner's own browser
    passes it)."""
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 20
    user = make_user("somchai")
    for n in range(20):
        response = _try(client, "somchai", f"wrong{n}", ip=f"10.0.0.{n + 1}")
        assert response.status_code in (200, 429)
    response = _try(client, "somchai", "pw", ip="10.9.9.9")  # the right one, from elsewhere
    assert response.status_code == 429
    assert "ล็อก" in response.content.decode()  # the Thai lockout page
    assert "_auth_user_id" not in client.session
    failures = Event.objects.filter(action=EventKind.LOGIN_FAILED)
    assert failures.count() == 21 and {e.actor for e in failures} == {user}
    assert failures.first().comment == "somchai"
    assert failures.order_by("pk").last().data["locked"] == "account"
    assert Event.objects.filter(action=EventKind.LOCKOUT).exists()
    assert not Event.objects.filter(action=EventKind.LOGIN).exists()


def test_an_address_is_locked_after_many_failures_whatever_the_names(client, settings) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    make_user("somchai")
    for n in range(20):
        _try(client, f"guess{n}", "x", ip="10.0.0.7")
    assert _try(client, "somchai", "pw", ip="10.0.0.7").status_code == 429
    # Another address still logs in: the account itself had no failure.
    assert _try(client, "somchai", "pw", ip="10.0.0.8").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, settings) -> None:
    settings.PROXY_COUNT = 1
    make_user("somchai")
    client.post(
        LOGIN,
        {"username": "somchai", "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",  # the first part may be forged
    )
    assert Event.objects.get(action=EventKind.LOGIN_FAILED).data["ip"] == "203.0.113.9"


def _logged_in(client) -> None:
    make_user("somchai")
    assert _try(client, "somchai", "pw").status_code == 302
    assert client.get("/memos/").status_code == 200


def _age_session(client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_idle_for_longer_than_the_limit_ends(client, settings) -> None:
    settings.SESSION_IDLE_SECONDS = 30 * 60
    _logged_in(client)
    _age_session(client, session_last_seen=29 * 60)
    assert client.get("/memos/").status_code == 200  # still within the limit
    _age_session(client, session_last_seen=30 * 60 + 5)
    response = client.get("/memos/", follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "30 นาที" in response.content.decode()
    expired = Event.objects.get(action=EventKind.SESSION_EXPIRED)
    assert expired.data["reason"] == "idle"


def test_a_session_ends_at_the_absolute_limit_even_when_in_use(client, settings) -> None:
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 3600
    _logged_in(client)
    _age_session(client, session_started=12 * 3600 + 5, session_last_seen=10)
    response = client.get("/memos/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert Event.objects.get(action=EventKind.SESSION_EXPIRED).data["reason"] == "absolute"


def test_the_defaults_are_asvs_level_2() -> None:
    from django.conf import settings

    assert settings.SESSION_IDLE_SECONDS <= 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS <= 12 * 3600
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert sessions.TOUCH_EVERY < settings.SESSION_IDLE_SECONDS


def test_every_user_can_change_their_password(client) -> None:
    user = make_user("somchai")
    client.force_login(user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "รหัสผ่าน" in page.content.decode()
    new = "ร่มไม้-ชายคา-2568"
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert Event.objects.filter(action=EventKind.PASSWORD_CHANGE, actor=user).exists()


def test_a_password_is_reset_through_a_link_by_e_mail_in_thai(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL_SET, settings.SITE_URL = True, "https://ita.example.go.th"
    user = make_user("somchai")
    with django_capture_on_commit_callbacks(execute=True):  # the mail is a task, sent on commit
        response = client.post("/accounts/password/reset/", {"email": "somchai@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "รหัสผ่าน" in message.subject and "somchai" in message.body
    link = re.search(r"https://ita\.example\.go\.th(/accounts/password/reset/\S+)", message.body)
    assert link, message.body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    new = "ร่มไม้-ชายคา-2568"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)
    assert Event.objects.filter(action=EventKind.PASSWORD_RESET, actor=user).exists()
    # An unknown address gets the same answer and no mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/accounts/password/reset/", {"email": "x@example.org"})
    assert unknown.status_code == 302
    assert mail.outbox == []


def test_the_login_page_links_to_the_reset(client) -> None:
    assert "/accounts/password/reset/" in client.get(LOGIN).content.decode()
    assert get_user_model().objects.count() == 0
