"""The clerk of the demo (no staff rights) runs สุโสะ from its own page, on a phone: invites a new
head of the clerk's office, appoints an acting deputy for a week, changes the chain, reads it all
in the history; the invitee sets a password from the mailed link and finds the memo waiting at
the head's step. A plain member and an outsider find no such page."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from ita.lib.thai import date_input_be
from ita.organisations.models import ActingAppointment, Position
from memos import services
from memos.models import Memo, State
from tests.browser.test_memo_chain_browser import _open_menu

pytestmark = pytest.mark.django_db(transaction=True)

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PASSWORD = "หัวหน้าใหม่-2567-ok"


WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 80))"""


def _fits(page) -> None:
    assert page.evaluate(OVERFLOW) <= 0, (page.url, page.evaluate(WIDEST)[:5])


def _logout(page) -> None:
    _open_menu(page)  # on the phone, the header's links are behind its menu
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_load_state()


def _submit(page, form: str) -> None:
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def test_the_clerk_runs_the_organisation_from_its_page_on_a_phone(page, login, demo) -> None:
    clerk = demo.users["clerk"]
    assert not clerk.is_staff and not clerk.is_superuser
    draft = Memo.objects.get(author__username="legal", state=State.DRAFT)
    services.memo_send(memo=draft, actor=demo.users["legal"])  # waits at the head's step
    assert Memo.objects.get(pk=draft.pk).state == State.HEAD
    head_position = Position.objects.get(organisation=demo.home, role="head")
    manage = f"/organisations/{demo.home.pk}/manage/"
    page.set_viewport_size({"width": 390, "height": 844})

    # The clerk finds the administration from their desk.
    login("clerk")
    page.goto("/memos/desk/")
    page.click(f".administered a[href='{manage}']")
    page.wait_for_load_state()
    assert "นายเด่นทยา วุ่นแก้ว" in page.locator("#people").inner_text()
    _fits(page)

    # Invite a new head of the clerk's office, to the head's position.
    page.fill("#id_email", "newhead@suso.example.org")
    page.fill("#id_first_name", "นางสาวพิมพ์ใจ")
    page.fill("#id_last_name", "ใจดี")
    page.select_option("#id_position", str(head_position.pk))
    _submit(page, "#invite-form")
    assert "newhead@suso.example.org" in page.locator(".messages").inner_text()
    assert "newhead@suso.example.org" in page.locator("#invitations").inner_text()
    _fits(page)

    # An acting deputy clerk for a week, from today.
    today = timezone.localdate()
    page.click(".manage-nav >> text=รักษาราชการแทน")
    page.wait_for_load_state()
    deputy = Position.objects.get(organisation=demo.home, role="deputy")
    page.select_option("#id_position", str(deputy.pk))
    page.select_option("#id_user", str(demo.users["legal"].pk))
    page.fill("#id_starts", date_input_be(today))
    page.fill("#id_ends", date_input_be(today + dt.timedelta(days=6)))
    page.fill("#id_note", "คำสั่งที่ ๑๒/๒๕๖๗")
    _submit(page, "#acting-form")
    assert "นายณัชพล รังสิปการ" in page.locator("#acting").inner_text()
    assert "มีผลอยู่" in page.locator("#acting").inner_text()
    appointment = ActingAppointment.objects.get(position=deputy)
    assert (appointment.starts, appointment.ends) == (today, today + dt.timedelta(days=6))
    _fits(page)

    # The chain without the deputy clerk's step.
    page.click(".manage-nav >> text=สายการเสนอ")
    page.wait_for_load_state()
    page.uncheck("#chain-form input[value=deputy]")
    _submit(page, "#chain-form")
    assert "บันทึกสายการเสนอแล้ว" in page.locator(".messages").inner_text()
    assert demo.home.__class__.objects.get(pk=demo.home.pk).memo_settings.memo_chain == [
        "head",
        "clerk",
        "mayor",
    ]
    _fits(page)

    # Each change in the history, by the clerk.
    page.click(".manage-nav >> text=ประวัติ")
    page.wait_for_load_state()
    history = page.locator("#history").inner_text()
    for label in ("เชิญบุคคล", "เพิ่มการรักษาราชการแทน", "กำหนดสายการเสนอบันทึกข้อความ"):
        assert label in history, label
    assert "นายเด่นทยา วุ่นแก้ว" in history
    _fits(page)
    _logout(page)

    # The invitee opens the mailed link, chooses a login name and password, lands on the desk.
    message = next(m for m in mail.outbox if m.to == ["newhead@suso.example.org"])
    link = re.search(r"https?://\S+/accounts/invitation/\d+/\w+/", message.body).group(0)
    page.goto(link)
    assert "หัวหน้าสำนักปลัด" in page.locator("main").inner_text()
    page.fill("#id_username", "pimjai")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    _submit(page, "#invitation-form")
    assert page.url.endswith("/memos/desk/")
    newhead = User.objects.get(username="pimjai")
    assert Position.objects.get(pk=head_position.pk).holder == newhead
    page.click(f".memo-cards a[href='/memos/{draft.pk}/']")
    page.wait_for_load_state()
    page.fill("textarea[name=comment]", "เห็นควรเสนอปลัด")
    page.click("button[name=action][value=forward]")
    page.wait_for_load_state()
    assert Memo.objects.get(pk=draft.pk).state == State.CLERK  # the deputy's step is gone
    _logout(page)

    # The link works once.
    page.goto(link)
    assert "ใช้ไปแล้ว" in page.locator("main").inner_text()

    # A plain member and an outsider: no such page.
    for username in ("legal", "outsider"):
        login(username)
        response = page.goto(manage)
        assert response.status == 404, username
        assert "บุคลากร" not in page.locator("main").inner_text()
        _logout(page)

    # The clerk reads the acceptance in the history.
    login("clerk")
    page.goto(f"{manage}history/")
    assert "ตอบรับคำเชิญ" in page.locator("#history").inner_text()
