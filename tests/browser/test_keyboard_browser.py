"""The whole chain with the keyboard alone: Tab to reach a control, Enter or Space to use it,
typing to fill it. Each person starts at the login page's address; everything after is keys."""

from __future__ import annotations

import pytest

from ita.demo import memos as demo_memos
from ita.demo.seed import DEMO_PASSWORD
from measures.models import PublishedReport
from memos.models import Memo, State

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 150


def _tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector`` (fails if it never does: the
    control cannot be reached with the keyboard)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            # WCAG 2.4.7: the user sees where the focus is.
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has no visible focus on {page.url}"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")


def _activate(page, selector: str, key: str = "Enter") -> None:
    _tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    _tab_to(page, "#id_username")
    page.keyboard.type(username)
    _tab_to(page, "#id_password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _log_out(page) -> None:
    _activate(page, "form[action='/accounts/logout/'] button")


def test_the_chain_and_the_publication_with_the_keyboard_alone(page, demo) -> None:
    # The machines are shared: a slow page is not a failure here (no time limits in tests).
    page.set_default_timeout(120_000)
    # A fresh draft of the seed's memo with its report of 2564 (the demo's own is decided).
    memo = demo_memos.seed_draft()
    _log_in(page, "legal")
    _activate(page, "nav a[href='/memos/']")
    _activate(page, f"main a[href='/memos/{memo.pk}/']")
    _activate(page, "form[action$='/send/'] button[type=submit]", "Space")
    # The send page asks first; the memo is dated in 2564, so also which register numbers it.
    assert Memo.objects.get(pk=memo.pk).state == State.DRAFT
    _tab_to(page, "input[name=register_year]")
    page.keyboard.press("Space")
    _activate(page, "form[method=post][action$='/send/'] button[type=submit]")
    assert Memo.objects.get(pk=memo.pk).state == State.HEAD
    _log_out(page)

    for username in ("head", "deputy", "clerk", "mayor"):
        _log_in(page, username)
        _activate(page, "nav a.nav-inbox")
        _activate(page, f"main a[href='/memos/{memo.pk}/']")
        _tab_to(page, "textarea[name=comment]")
        page.keyboard.type("เห็นควรอนุมัติ" if username != "mayor" else "อนุมัติ ดำเนินการตามเสนอ")
        action = "approved" if username == "mayor" else "forward"
        _activate(page, f"button[name=action][value={action}]")
        _log_out(page)
    memo.refresh_from_db()
    assert memo.state == State.DECIDED and memo.outcome == "approved"

    _log_in(page, "legal")
    _activate(page, "nav a[href='/memos/']")
    _activate(page, f"main a[href='/memos/{memo.pk}/']")
    _activate(page, f"a[href='/memos/{memo.pk}/publish/']")
    _activate(page, "main form button[type=submit]")
    assert page.url.endswith(f"/organisations/{demo.home.pk}/reports/2564/")
    assert PublishedReport.objects.get().report_html == memo.report_sent
