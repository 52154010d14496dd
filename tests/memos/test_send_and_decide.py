"""Send asks first and repeats the report's checks; the executives see them; a back-dated memo
asks which register numbers it; quick phrases fit their step and decision; urgency."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ita.demo import memos as demo_memos
from ita.lib.thai import fiscal_year_be
from memos import documents, roles, services
from memos.models import Memo, OutgoingRegister, SignOff, State
from tests.memos.conftest import bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db


def _demo_memo() -> Memo:
    """The seed's memo as a fresh draft (the demo's own memo of 2564 is decided already)."""
    return demo_memos.seed_draft()


def test_send_asks_first_and_the_question_changes_nothing(client, org) -> None:
    memo = make_memo(org)
    client.force_login(org["author"])
    detail = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert f'<form method="get" action="/memos/{memo.pk}/send/">' in detail
    response = client.get(reverse("memos:send", args=[memo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<form method="post" action="/memos/{memo.pk}/send/"' in html
    assert 'name="register_year"' not in html  # undated: this year's register, no question
    memo = fresh(memo)
    assert memo.state == State.DRAFT and memo.register_number is None
    assert not OutgoingRegister.objects.exists()


def test_send_repeats_the_reports_checks_and_the_executives_see_them(client, demo) -> None:
    memo = _demo_memo()
    client.force_login(demo.users["legal"])
    html = client.get(reverse("memos:send", args=[memo.pk])).content.decode()
    assert "ประเด็นที่ควรตรวจสอบก่อนส่ง" in html
    assert "ม.ค.64 – มี.ค.64" in html  # the seed's period, on screen in Arabic digits
    year = fiscal_year_be(timezone.localdate())
    response = client.post(
        reverse("memos:send", args=[memo.pk]),
        {"expected_state": "draft", "expected_round": 0, "register_year": str(year)},
    )
    assert response.status_code == 302
    assert fresh(memo).state == State.HEAD
    for username in ("head", "deputy", "clerk", "mayor", "legal"):
        client.force_login(demo.users[username])
        page = client.get(reverse("memos:detail", args=[memo.pk]))
        checks = page.context["checks_sent"]
        assert checks and any("ม.ค.๖๔ – มี.ค.๖๔" in c for c in checks), username
        assert "ม.ค.64 – มี.ค.64" in page.content.decode()


def test_a_memo_dated_in_another_fiscal_year_asks_which_register(client, org) -> None:
    today = timezone.localdate()
    current = fiscal_year_be(today)
    memo = make_memo(org, date=today - dt.timedelta(days=800))
    dated = fiscal_year_be(memo.date)
    assert dated != current
    client.force_login(org["author"])
    html = client.get(reverse("memos:send", args=[memo.pk])).content.decode()
    assert f'name="register_year" value="{current}"' in html
    assert f'name="register_year" value="{dated}"' in html
    url = reverse("memos:send", args=[memo.pk])
    refused = client.post(url, {"expected_state": "draft", "expected_round": 0})
    assert refused.status_code == 400
    assert "เลือกทะเบียน" in refused.content.decode()
    assert fresh(memo).state == State.DRAFT and not OutgoingRegister.objects.exists()
    client.post(url, {"expected_state": "draft", "expected_round": 0, "register_year": dated})
    memo = fresh(memo)
    assert (memo.register_year, memo.register_number, memo.state) == (dated, 1, State.HEAD)


def test_the_service_refuses_a_register_the_memo_cannot_belong_to(org) -> None:
    memo = make_memo(org)
    with pytest.raises(ValidationError):
        services.memo_send(memo=memo, actor=org["author"], register_year=2400)
    assert fresh(memo).state == State.DRAFT and fresh(memo).register_number is None


def test_every_offered_phrase_fits_its_decision() -> None:
    for step in ("head", "deputy", "clerk", "mayor"):
        for decision in ("forward", "acknowledged", "approved", "not_approved", "return"):
            for phrase in roles.quick_phrases(step, decision):
                assert roles.contradiction(decision, phrase) is None, (step, decision, phrase)
    # The mayor decides; the steps below propose.
    assert "เห็นควรอนุมัติ" not in str(roles.QUICK_PHRASES["mayor"])
    assert all(not p.startswith("อนุมัติ") for p in roles.quick_phrases("head", "forward"))
    # The printed block gives the decision's word; the phrases add to it, never repeat it.
    for decision, word in roles.DECISION_PRINTED.items():
        assert all(word not in p for p in roles.quick_phrases("mayor", decision)), decision
    assert roles.quick_phrases("mayor", "forward") == ()


def test_the_pages_offer_each_step_its_own_phrases(client, org) -> None:
    memo = bring_to(org, "head")
    client.force_login(org["head"])
    html = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert 'data-phrase="เห็นควรอนุมัติ"' in html
    assert 'data-phrase="อนุมัติ"' not in html and 'data-phrase="ทราบ"' not in html
    mayor = bring_to(org, "mayor")
    client.force_login(org["mayor"])
    html = client.get(reverse("memos:detail", args=[mayor.pk])).content.decode()
    # The mayor's phrases complement the decision's word (printed before them), never repeat it.
    for phrase in ("ดำเนินการตามเสนอ", "แจ้งผู้เกี่ยวข้องถือปฏิบัติ", "ให้ทบทวนใหม่"):
        assert f'data-phrase="{phrase}"' in html
    for word in ("ทราบ", "อนุมัติ", "ไม่อนุมัติ"):
        assert f'data-phrase="{word}"' not in html
    assert 'data-phrase="เห็นควรอนุมัติ"' not in html


@pytest.mark.parametrize(
    ("state", "decision", "comment"),
    [
        ("head", "forward", "อนุมัติ"),
        ("mayor", "approved", "ไม่อนุมัติ เพราะงบประมาณไม่พอ"),
        ("mayor", "not_approved", "อนุมัติ ดำเนินการตามเสนอ"),
        ("mayor", "not_approved", "เห็นชอบ"),
        ("clerk", "return", "เห็นควรอนุมัติ"),
    ],
)
def test_a_comment_that_contradicts_its_decision_is_refused_and_nothing_changes(
    client,
    org,
    state: str,
    decision: str,
    comment: str,
) -> None:
    memo = bring_to(org, state)
    client.force_login(org[state])
    response = client.post(
        reverse("memos:decide", args=[memo.pk]),
        {"expected_state": state, "expected_round": 1, "action": decision, "comment": comment},
    )
    assert response.status_code == 400
    assert "ขัดกับ" in str(response.context["decision_form"].errors["comment"])
    assert fresh(memo).state == state and not SignOff.objects.filter(memo=memo, step=state)
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError):
        if decision == "return":
            services.memo_return(memo=fresh(memo), actor=org[state], reason=comment)
        else:
            outcome = "" if decision == "forward" else decision
            services.memo_approve(
                memo=fresh(memo), actor=org[state], comment=comment, outcome=outcome
            )
    assert fresh(memo).state == state


def test_urgency_is_typed_shown_filtered_and_printed_in_red(client, org) -> None:
    client.force_login(org["author"])
    data = {
        "unit_name": "สำนักปลัด",
        "letter_code": "ตง 78201",
        "urgency": "most_urgent",
        "subject": "ขอความเห็นชอบด่วน",
        "addressee": "นายก",
        "body": "ข้อความ",
        "signature_name": "ชื่อauthor ทดสอบ",
        "signature_position": "นิติกร",
    }
    response = client.post(reverse("memos:new"), data)
    assert response.status_code == 302
    memo = Memo.objects.get(subject="ขอความเห็นชอบด่วน")
    assert memo.urgency == "most_urgent"
    services.memo_send(memo=memo, actor=org["author"])
    make_memo(org, subject="เรื่องธรรมดา")
    client.force_login(org["head"])
    inbox = client.get(reverse("memos:inbox")).content.decode()
    assert '<span class="urgency-badge urgency-most_urgent">ด่วนที่สุด</span>' in inbox
    found = client.get(reverse("memos:list"), {"urgency": "most_urgent"}).context["memos"]
    assert [m.pk for m in found] == [memo.pk]
    doc = documents.memo_doc(fresh(memo))
    assert doc.urgency == "ด่วนที่สุด"
    from ita.documents import engine, render
    from tests.pdf.extract import pdftotext

    html = render.memo_html(doc)
    assert '<p class="urgency">ด่วนที่สุด</p>' in html
    css = (engine.static_dir() / "pdf" / "document.css").read_text()
    assert re.search(r"^\.urgency \{[^}]*color: #d00000", css, re.M)
    text = pdftotext(render.memo_pdf(doc))
    assert text.index("ด่วนที่สุด") < text.index("บันทึกข้อความ")


def test_urgency_set_later_leaves_the_earlier_signatures_hash_alone(org) -> None:
    memo = make_memo(org)
    before = memo.content_hash()
    memo.urgency = ""
    assert memo.content_hash() == before
    memo.urgency = "urgent"
    assert memo.content_hash() != before


def test_the_attached_report_is_readable_on_the_memo_page_as_sent(client, demo) -> None:
    memo = _demo_memo()
    services.memo_send(
        memo=memo, actor=demo.users["legal"], register_year=fiscal_year_be(timezone.localdate())
    )
    memo = fresh(memo)
    assert memo.report_sent
    client.force_login(demo.users["head"])
    html = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert '<details class="report-sent" id="report">' in html
    assert memo.report_sent in html  # the frozen copy itself, not the data as it is now


def test_the_email_to_the_next_signer_says_the_urgency_first(
    org,
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_send(memo=make_memo(org, urgency="very_urgent"), actor=org["author"])
    assert mailoutbox[-1].subject.startswith("ด่วนมาก ")
    assert mailoutbox[-1].to == [org["head"].email]


def test_the_inbox_puts_the_most_urgent_first_then_the_oldest(client, org) -> None:
    sent = {}
    for urgency in ("", "urgent", "", "most_urgent", "very_urgent"):
        memo = services.memo_send(memo=make_memo(org, urgency=urgency), actor=org["author"])
        sent.setdefault(urgency, []).append(memo.pk)
    client.force_login(org["head"])
    order = [m.pk for m in client.get(reverse("memos:inbox")).context["memos"]]
    assert order == [*sent["most_urgent"], *sent["very_urgent"], *sent["urgent"], *sent[""]]


def test_the_send_page_says_what_is_missing_before_the_author_clicks(client, org) -> None:
    memo = make_memo(org, letter_code="")
    client.force_login(org["author"])
    html = client.get(reverse("memos:send", args=[memo.pk])).content.decode()
    assert "โปรดกรอกก่อนส่ง: รหัสพยัญชนะ" in html
    response = client.post(
        reverse("memos:send", args=[memo.pk]), {"expected_state": "draft", "expected_round": 0}
    )
    assert response.status_code == 302 and fresh(memo).state == State.DRAFT
