"""Phone first for executives: the whole chain at 390 px (the mayor's part at 360 × 800, each
screen kept as a screenshot), the pages at 360 px, in Chromium.

On a phone the page never scrolls sideways, the header is one line (the memos awaiting a decision
are one tap from every page), a name stays on one line, the memo's text comes
first and the decision after it, one tap away from the top of the memo page, and every button to
decide is at least 44 px high.
"""

import os
from pathlib import Path

import pytest

from ita.demo import memos as demo_memos
from memos.models import Memo, SignOff, State
from tests.browser.test_memo_chain_browser import _logout, _open_menu, _send

pytestmark = pytest.mark.django_db(transaction=True)

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Each name in the list, as (its height, the height of one line of its text).
NAME_LINES = """() => [...document.querySelectorAll('.card-from')].map(e => {
  const style = getComputedStyle(e);
  return [e.getBoundingClientRect().height, parseFloat(style.lineHeight)];
})"""
SMALL_TARGETS = """() => [...document.querySelectorAll(
  '.decide button, .card-link, .jump a, .report-sent summary'
)].filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
  .map(e => e.textContent.trim() + ': ' + e.getBoundingClientRect().height)"""


MAYOR_SCREEN = 800


def _artefacts(tmp_path: Path, name: str) -> Path:
    """Where a test's screenshots are kept: TEST_ARTEFACTS (CI keeps it), else the test's own
    temporary folder."""
    folder = Path(os.environ.get("TEST_ARTEFACTS") or tmp_path) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _phone(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 780})


WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""


def _fits(page, what: str) -> None:
    assert page.evaluate(OVERFLOW) <= 0, f"{what} scrolls sideways: {page.evaluate(WIDE)}"
    for height, line in page.evaluate(NAME_LINES):
        assert height < 1.5 * line, f"{what}: a name breaks over lines ({height} px)"
    assert page.evaluate(SMALL_TARGETS) == [], what


def _follow(page, selector: str) -> None:
    """Click what loads a page and wait for that page: measuring right after the click may
    find no document at all (the old one gone, the new one not there yet)."""
    with page.expect_navigation():
        page.click(selector)


def _decision_on_first_screen(page) -> None:
    """The memo is read first: its text before the decision; the jump on the first screen
    brings the decision up in one tap."""
    paper = page.locator(".memo-paper").bounding_box()
    decide = page.locator("#decide").bounding_box()
    assert paper is not None and decide is not None and paper["y"] < decide["y"], (paper, decide)
    jump = page.locator(".jump a").bounding_box()
    assert jump is not None and jump["y"] + jump["height"] < 780, jump
    page.click(".jump a")
    page.wait_for_function(
        "() => document.querySelector('#decide').getBoundingClientRect().top < 100"
    )
    buttons = page.locator("#decide button[type=submit]")
    assert buttons.first.bounding_box()["height"] >= 44


def test_the_chain_runs_on_a_390_px_phone(page, login, demo, tmp_path) -> None:
    _phone(page, 390)
    # A fresh draft of the seed's memo with its report of 2564 (the demo's own is decided).
    memo = demo_memos.seed_draft()
    login("legal")
    page.goto(f"/memos/{memo.pk}/")
    _fits(page, "the author's memo page")
    _follow(page, "form[action$='/send/'] button[type=submit]")
    _fits(page, "the send page")
    assert page.locator(".report-checks li").count() >= 1  # the report's checks, repeated
    page.go_back()
    _send(page)
    assert memo.pk and Memo.objects.get(pk=memo.pk).state == State.HEAD
    _logout(page)

    for username in ("head", "deputy", "clerk"):
        login(username)
        _follow(page, "header.top .bar-inbox")
        _fits(page, f"{username}'s inbox")
        _follow(page, f".inbox a[href='/memos/{memo.pk}/']")
        _fits(page, f"{username}'s memo page")
        _decision_on_first_screen(page)
        # The checks the report had when it was sent, on the executive's first screen too.
        assert page.locator("#decide .report-checks li").count() >= 1
        offered = page.locator("#decide [data-phrase]").all_inner_texts()
        assert "เห็นควรอนุมัติ" in offered and "อนุมัติ" not in offered
        page.click("#decide button[data-phrase='เห็นควรอนุมัติ']")
        _follow(page, "button[name=action][value=forward]")
        _logout(page)

    # The mayor's path on a 360 × 800 phone, each screen kept (TEST_ARTEFACTS, else the test's
    # own temporary folder): the memo's text begins on the first screen, below the header.
    page.set_viewport_size({"width": 360, "height": MAYOR_SCREEN})
    shots = _artefacts(tmp_path, "mayor-360")
    login("mayor")
    page.screenshot(path=shots / "1-after-login.png")
    _follow(page, "header.top .bar-inbox")
    page.screenshot(path=shots / "2-inbox.png")
    _follow(page, f".inbox a[href='/memos/{memo.pk}/']")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=shots / "3-memo.png")
    header = page.locator("header.top").bounding_box()
    text = page.locator(".memo-paper .memo-para").first.bounding_box()
    print(f"\nthe mayor's path at 360 px: {shots}; header {header}, the memo's text {text}")
    assert header is not None and text is not None
    assert header["y"] + header["height"] <= text["y"] < MAYOR_SCREEN, (header, text)
    _fits(page, "the mayor's memo page")
    _decision_on_first_screen(page)
    page.screenshot(path=shots / "4-decision.png")
    offered = page.locator("#decide [data-phrase]").all_inner_texts()
    # The phrases complement the decision the button gives; they never repeat its word.
    assert "ดำเนินการตามเสนอ" in offered and "เห็นควรอนุมัติ" not in offered
    assert not {"ทราบ", "อนุมัติ", "ไม่อนุมัติ"} & set(offered)
    # The attached report, as sent, opens on the page itself.
    page.click(".report-sent summary")
    assert page.locator(".report-paper").is_visible()
    _fits(page, "the memo page with the report open")
    page.click("#decide button[data-phrase='ดำเนินการตามเสนอ']")
    _follow(page, "button[name=action][value=approved]")
    page.screenshot(path=shots / "5-decided.png")
    _logout(page)

    memo.refresh_from_db()
    assert memo.state == State.DECIDED and memo.outcome == "approved"
    assert list(SignOff.objects.filter(memo=memo).values_list("comment", flat=True)) == [
        "เห็นควรอนุมัติ",
        "เห็นควรอนุมัติ",
        "เห็นควรอนุมัติ",
        "ดำเนินการตามเสนอ",
    ]


def test_the_pages_fit_a_360_px_phone(page, login, demo) -> None:
    from memos import services

    _phone(page, 360)
    users = demo.users
    memo = demo_memos.seed_draft()  # with its report (the demo's memo of 2564 is decided)
    services.memo_send(memo=memo, actor=users["legal"])
    for i in range(3):
        extra = services.memo_create(
            organisation=demo.home,
            data={
                "unit_name": memo.unit_name,
                "letter_code": memo.letter_code,
                "urgency": "most_urgent" if i == 0 else "",
                "subject": f"ขออนุมัติจัดซื้อวัสดุคอมพิวเตอร์สำหรับงานทะเบียนราษฎร ครั้งที่ {i + 1}",
                "addressee": memo.addressee,
                "body": "ข้อความ",
                "signature_name": memo.signature_name,
                "signature_position": memo.signature_position,
            },
            actor=users["legal"],
        )
        services.memo_send(memo=extra, actor=users["legal"])
    login("head")
    for url in ("/memos/inbox/", "/memos/", "/memos/desk/", f"/memos/{memo.pk}/"):
        page.goto(url)
        _fits(page, url)
    page.goto(f"/memos/{memo.pk}/")
    _decision_on_first_screen(page)
    page.fill("textarea[name=comment]", "โปรดแก้ไขตัวเลขในตาราง")
    _follow(page, "button[name=action][value=return]")
    _logout(page)

    login("legal")
    # The one-line header's menu carries the count of memos returned; the desk is in it.
    assert page.locator("header.top summary .badge").inner_text() == "1"
    _open_menu(page)
    assert page.locator("nav .nav-desk .badge").inner_text() == "1"
    _follow(page, "nav .nav-desk")
    _fits(page, "the author's desk")
    assert "โปรดแก้ไขตัวเลขในตาราง" in page.locator(".return-reason").inner_text()
    for url in ("/memos/", "/memos/register/"):
        page.goto(url)
        assert page.evaluate(OVERFLOW) <= 0, url
