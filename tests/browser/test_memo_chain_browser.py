import pytest

from memos.models import Memo, SignOff, State

pytestmark = pytest.mark.django_db(transaction=True)


def _send(page) -> None:
    """Send from the memo page: the button asks first; a back-dated memo also asks which
    register numbers it (this fiscal year's, the first choice, here)."""
    page.click("form[action$='/send/'] button[type=submit]")
    page.wait_for_load_state()
    choice = page.locator("input[name=register_year]")
    if choice.count():
        choice.first.check()
    page.click("form[method=post][action$='/send/'] button[type=submit]")
    page.wait_for_load_state()


def _open_menu(page) -> None:
    """On a phone the header's links are behind its menu: open it, as a person would."""
    summary = page.locator("header.top details.menu > summary")
    if summary.is_visible() and page.locator("header.top details.menu[open]").count() == 0:
        summary.click()


def _logout(page) -> None:
    _open_menu(page)
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_load_state()


def test_one_memo_goes_through_the_chain_as_the_five_demo_users(page, login, demo) -> None:
    memo = Memo.objects.get(author__username="legal", state="draft")  # the fresh draft
    assert memo.state == State.DRAFT

    login("legal")
    page.click("nav >> text=บันทึกข้อความ")
    page.click(f"a[href='/memos/{memo.pk}/']")
    assert "บันทึกข้อความ" in page.locator(".memo-title").inner_text()
    _send(page)
    assert "ตง ๗๘๒๐๑/๑" in page.locator(".memo-number").inner_text()
    _logout(page)

    for username, phrase in (("head", "เห็นควรอนุมัติ"), ("deputy", "เห็นชอบ"), ("clerk", "เห็นควรอนุมัติ")):
        login(username)
        badge = page.locator("nav .nav-inbox .badge")
        assert badge.inner_text() == "1"
        page.click("nav .nav-inbox")
        page.click(f".inbox a[href='/memos/{memo.pk}/']")
        page.click(f"button[data-phrase='{phrase}']")
        assert page.input_value("textarea[name=comment]") == phrase
        page.click("button[name=action][value=forward]")
        page.wait_for_load_state()
        assert page.locator("nav .nav-inbox .badge").count() == 0
        _logout(page)

    login("mayor")
    page.goto(f"/memos/{memo.pk}/")
    blocks = page.locator(".memo-block").all_inner_texts()
    assert len(blocks) == 3 and "ความเห็นปลัด อบต." in blocks[2]
    page.fill("textarea[name=comment]", "อนุมัติ ดำเนินการตามเสนอ")
    page.click("button[name=action][value=approved]")
    page.wait_for_load_state()
    _logout(page)

    login("legal")
    page.goto(f"/memos/{memo.pk}/")
    assert "อนุมัติ" in page.locator(".lead").inner_text()
    timeline = page.locator(".timeline").inner_text()
    assert "นายสมคิด ร่องเดช" in timeline and "อนุมัติ ดำเนินการตามเสนอ" in timeline
    memo.refresh_from_db()
    assert memo.state == State.DECIDED and memo.outcome == "approved"
    assert list(SignOff.objects.filter(memo=memo).values_list("step", flat=True)) == [
        "head",
        "deputy",
        "clerk",
        "mayor",
    ]


def test_text_typed_but_not_saved_is_offered_back_after_the_tab_closes(page, login, demo) -> None:
    memo = Memo.objects.get(author__username="legal", state="draft")  # the fresh draft
    login("legal")
    page.goto(f"/memos/{memo.pk}/edit/")
    page.fill("#id_subject", "เรื่องที่พิมพ์แล้วยังไม่บันทึก")
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('ita-autosave:memo-'))"
    )
    page.goto(f"/memos/{memo.pk}/")  # leave without saving
    page.goto(f"/memos/{memo.pk}/edit/")
    assert page.input_value("#id_subject") != "เรื่องที่พิมพ์แล้วยังไม่บันทึก"
    offer = page.locator("[data-autosave-offer]")
    assert offer.is_visible()
    offer.locator("[data-autosave-restore]").click()
    assert page.input_value("#id_subject") == "เรื่องที่พิมพ์แล้วยังไม่บันทึก"
    page.click("form.memo-form button[type=submit]")
    page.wait_for_load_state()
    memo.refresh_from_db()
    assert memo.subject == "เรื่องที่พิมพ์แล้วยังไม่บันทึก"
    page.goto(f"/memos/{memo.pk}/edit/")
    assert not page.locator("[data-autosave-offer]").is_visible()  # saved: nothing to offer


def test_text_saved_after_the_session_expired_comes_back_after_logging_in(
    page, login, demo
) -> None:
    memo = Memo.objects.get(author__username="legal", state="draft")  # the fresh draft
    login("legal")
    page.goto(f"/memos/{memo.pk}/edit/")
    page.fill("#id_subject", "เรื่องที่พิมพ์ระหว่างที่การเข้าสู่ระบบหมดอายุ")
    # The session ends (timeout, logout in another tab); the CSRF cookie lives on, as it does.
    context = page.context
    kept = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)
    page.click("form.memo-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "เก็บไว้แล้ว" in page.locator(".messages").inner_text()
    page.fill("#id_username", "legal")
    page.fill("#id_password", "ita-demo-2564")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/memos/{memo.pk}/edit/")
    assert page.input_value("#id_subject") == "เรื่องที่พิมพ์ระหว่างที่การเข้าสู่ระบบหมดอายุ"
    memo.refresh_from_db()
    assert memo.subject != "เรื่องที่พิมพ์ระหว่างที่การเข้าสู่ระบบหมดอายุ"  # not saved until asked
    page.click("form.memo-form button[type=submit]")
    page.wait_for_load_state()
    memo.refresh_from_db()
    assert memo.subject == "เรื่องที่พิมพ์ระหว่างที่การเข้าสู่ระบบหมดอายุ"


def test_the_head_returns_the_memo_and_the_author_resubmits_it(page, login, demo) -> None:
    memo = Memo.objects.get(author__username="legal", state="draft")  # the fresh draft
    login("legal")
    page.goto(f"/memos/{memo.pk}/")
    _send(page)
    _logout(page)

    login("head")
    page.goto(f"/memos/{memo.pk}/")
    page.click("button[name=action][value=return]")  # no reason yet
    page.wait_for_load_state()
    assert page.locator(".decide .error").count() >= 1
    page.fill("textarea[name=comment]", "โปรดแนบรายงานฉบับลงนาม")
    page.click("button[name=action][value=return]")
    page.wait_for_load_state()
    _logout(page)

    login("legal")
    page.goto(f"/memos/{memo.pk}/")
    assert "โปรดแนบรายงานฉบับลงนาม" in page.locator(".timeline").inner_text()
    page.click("a[href$='/edit/']")
    page.fill("#id_body", page.input_value("#id_body") + "\n\nย่อหน้าเพิ่มเติมหลังแก้ไข")
    page.click("form.memo-form button[type=submit]")
    page.wait_for_load_state()
    _send(page)
    memo.refresh_from_db()
    assert memo.state == State.HEAD and memo.round == 2
    assert "ย่อหน้าเพิ่มเติมหลังแก้ไข" in page.locator(".memo-paper").inner_text()
    assert "รอบที่ 1" in page.locator(".earlier").inner_text()
