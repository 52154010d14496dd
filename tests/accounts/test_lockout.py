"""Lockout that cannot be turned against its owner: failures count per account and address
together, with a slower limit per account across addresses; a browser that has logged in to the
account before (a signed device cookie, as OWASP's "Slow down online guessing attacks with
device cookies" describes) passes both, and a new browser can be let in by a link e-mailed to the
account's address. The mayor at his usual browser is never locked out by someone else's guesses.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from ita.history.models import Event, EventKind
from tests.accounts.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

UNLOCK = "/accounts/unlock/"


@pytest.fixture
def mayor(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 20
    return make_user("mayor", first_name="นายก", last_name="ทดสอบ")


@pytest.fixture
def usual_browser(mayor) -> Client:
    """The mayor's own browser: he has logged in from it before (and logged out)."""
    browser = Client()
    assert log_in(browser, "mayor", ip="10.0.0.5").status_code == 302
    browser.post("/accounts/logout/", REMOTE_ADDR="10.0.0.5")
    return browser


def _guess(times: int, *, ips: list[str] | None = None, username: str = "mayor") -> None:
    stranger = Client()
    for n in range(times):
        ip = ips[n % len(ips)] if ips else "203.0.113.9"
        response = log_in(stranger, username, f"guess{n}", ip=ip)
        assert response.status_code in (200, 429)


def test_a_stranger_s_five_guesses_leave_the_mayor_s_usual_browser_in(usual_browser) -> None:
    _guess(5)
    assert log_in(usual_browser, "mayor", ip="10.0.0.5").status_code == 302
    # Even from the stranger's own address (one office behind one NAT).
    usual_browser.post("/accounts/logout/")
    assert log_in(usual_browser, "mayor", ip="203.0.113.9").status_code == 302


def test_guesses_from_many_addresses_every_quarter_hour_never_lock_his_usual_browser(
    usual_browser,
) -> None:
    for _round in range(3):
        _guess(25, ips=[f"198.51.100.{n}" for n in range(1, 26)])
        response = log_in(usual_browser, "mayor", ip="10.0.0.5")
        assert response.status_code == 302
        usual_browser.post("/accounts/logout/")


def test_five_failures_lock_the_account_from_that_address_only(mayor) -> None:
    _guess(5)
    locked = log_in(Client(), "mayor", ip="203.0.113.9")  # the right password, same address
    assert locked.status_code == 429 and "ล็อก" in locked.content.decode()
    assert log_in(Client(), "mayor", ip="10.0.0.8").status_code == 302  # a new browser elsewhere
    assert Event.objects.filter(action=EventKind.LOCKOUT).exists()


def test_the_slower_limit_per_account_stops_new_browsers_not_the_usual_one(usual_browser) -> None:
    _guess(20, ips=[f"198.51.100.{n}" for n in range(1, 21)])  # 1 guess from each: no pair locked
    new_browser = Client()
    assert log_in(new_browser, "mayor", ip="10.0.0.77").status_code == 429
    assert log_in(usual_browser, "mayor", ip="10.0.0.77").status_code == 302


def test_an_e_mailed_link_lets_a_new_browser_in(mayor, django_capture_on_commit_callbacks) -> None:
    _guess(20, ips=[f"198.51.100.{n}" for n in range(1, 21)])
    new_browser = Client()
    page = log_in(new_browser, "mayor", ip="10.0.0.77")
    assert page.status_code == 429 and UNLOCK in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = new_browser.post(UNLOCK, {"username": "mayor"}, REMOTE_ADDR="10.0.0.77")
    assert asked.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["mayor@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/unlock/\S+/)", message.body)
    assert link, message.body
    confirm = new_browser.get(link.group(1))
    assert confirm.status_code == 200  # a button: a mail scanner's GET unlocks nothing
    assert log_in(Client(), "mayor", ip="10.0.0.77").status_code == 429
    new_browser.post(link.group(1), REMOTE_ADDR="10.0.0.77")
    assert log_in(new_browser, "mayor", ip="10.0.0.77").status_code == 302
    assert Event.objects.filter(action=EventKind.LOGIN_UNLOCK, actor=mayor).exists()
    # The link worked once: the login changed what it was made from.
    other = Client()
    other.post(link.group(1), REMOTE_ADDR="10.0.0.78")
    assert log_in(other, "mayor", ip="10.0.0.78").status_code == 429


def test_an_unknown_name_asks_for_a_link_and_gets_the_same_answer(
    mayor, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(UNLOCK, {"username": "mayor"})
        unknown = Client().post(UNLOCK, {"username": "nobody"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["mayor@example.org"]]


def test_a_forged_or_borrowed_device_cookie_is_not_trusted(usual_browser, mayor) -> None:
    make_user("clerk")
    clerks = Client()
    log_in(clerks, "clerk", ip="10.0.0.6")  # a device cookie, of the clerk's account
    _guess(20, ips=[f"198.51.100.{n}" for n in range(1, 21)])
    assert log_in(clerks, "mayor", ip="10.0.0.6").status_code == 429
    forged = Client()
    forged.cookies["ita_device"] = usual_browser.cookies["ita_device"].value[:-3] + "abc"
    assert log_in(forged, "mayor", ip="10.0.0.7").status_code == 429


def test_guesses_from_the_usual_browser_itself_lock_that_browser(usual_browser) -> None:
    for n in range(5):
        log_in(usual_browser, "mayor", f"wrong{n}", ip="10.0.0.5")
    assert log_in(usual_browser, "mayor", ip="10.0.0.5").status_code == 429


def test_the_admin_login_is_counted_the_same_way(mayor) -> None:
    stranger = Client()
    for n in range(5):
        stranger.post(
            "/admin/login/", {"username": "mayor", "password": f"x{n}"}, REMOTE_ADDR="203.0.113.9"
        )
    locked = stranger.post(
        "/admin/login/", {"username": "mayor", "password": "pw"}, REMOTE_ADDR="203.0.113.9"
    )
    assert locked.status_code == 429
