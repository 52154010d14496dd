"""The header on a phone is one line with a menu the keyboard opens (no JavaScript); on a wide
screen its links show in a row. The pages' Thai and Latin text is set in the shipped Sarabun; the
memo paper in the face its PDF prints in, Latin too."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine_free]

HEADER_HEIGHT = "document.querySelector('header.top').getBoundingClientRect().height"
LOADED_FACES = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter(f => f.status === 'loaded')
    .map(f => `${f.family.replaceAll('"', '')} ${f.weight} ${f.unicodeRange}`);
}"""


def test_on_a_phone_the_header_is_one_line_and_its_menu_opens_with_the_keyboard(
    page, login, demo
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    login("mayor")
    page.goto("/memos/inbox/")
    assert page.evaluate(HEADER_HEIGHT) <= 56
    memos = page.locator("header.top nav a", has_text="บันทึกข้อความ").first
    assert not memos.is_visible()
    # Tab from the top of the page to the menu, open it with Enter, Tab on into its links.
    page.keyboard.press("Tab")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent").strip().startswith("เมนู")
    page.keyboard.press("Enter")
    assert memos.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('header nav') !== null")
    # The open menu lies over the page and stays inside the phone's width.
    box = page.locator("header.top nav").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert not memos.is_visible()


def test_on_a_wide_screen_the_links_show_in_a_row(page, login, demo) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    login("mayor")
    page.goto("/memos/inbox/")
    assert page.locator("header.top nav a", has_text="บันทึกข้อความ").first.is_visible()
    assert not page.locator("header.top summary").is_visible()
    assert page.evaluate(HEADER_HEIGHT) <= 100


def test_thai_and_latin_are_set_in_the_shipped_sarabun(page, demo) -> None:
    page.goto(f"/organisations/{demo.home.pk}/")
    faces = page.evaluate(LOADED_FACES)
    assert any(f.startswith("Sarabun 400 ") and "U+E01-E5B" in f for f in faces), faces
    assert any(f.startswith("Sarabun 700 ") and "U+E01-E5B" in f for f in faces), faces
    assert any(f.startswith("Sarabun 400 ") and "U+0-FF" in f for f in faces), faces
    family = page.evaluate("getComputedStyle(document.querySelector('main p')).fontFamily")
    assert family.startswith("Sarabun"), family


def test_the_memo_paper_sets_thai_and_latin_in_the_pdfs_face(page, login, demo) -> None:
    """The seed memo's subject and body hold the ITA's English name: on the paper every glyph,
    Thai and Latin, comes from the shipped Laksaman the PDF embeds, none from a local face."""
    from memos.models import Memo

    memo = Memo.objects.filter(organisation=demo.home).order_by("pk").first()
    login("legal")
    page.goto(f"/memos/{memo.pk}/")
    page.evaluate("document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": ".memo-paper p"})[
        "nodeIds"
    ]
    latin = [
        n for n in found if "Integrity" in cdp.send("DOM.getOuterHTML", {"nodeId": n})["outerHTML"]
    ]
    assert latin, "the paper shows the ITA's English name"
    for node in found:
        for face in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            assert face["familyName"] == "Laksaman" and face["isCustomFont"], face
