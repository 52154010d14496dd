"""memo_doc: which blocks print under the memo at each state (no rendering: plain data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ita.history.models import Event
from ita.organisations.models import ActingAppointment
from memos import services
from memos.documents import memo_doc, memo_pdf_filename
from memos.models import Memo, State
from tests.memos.conftest import bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db


def _doc(memo: Memo):
    return memo_doc(Memo.objects.select_related("organisation").get(pk=memo.pk))


def _blocks(memo: Memo) -> list[tuple[str, str, bool]]:
    return [(b.heading, b.name, b.pending) for b in _doc(memo).steps]


def test_a_draft_prints_the_whole_chain_blank_and_leaves_number_and_date_to_fill(org) -> None:
    doc = _doc(make_memo(org))
    assert [(b.heading, b.name, b.position, b.pending) for b in doc.steps] == [
        ("หัวหน้าสำนักปลัด", "ชื่อhead ทดสอบ", "หัวหน้าสำนักปลัด", True),
        ("รองปลัด อบต.", "ชื่อdeputy ทดสอบ", "รองปลัด", True),
        ("ปลัด อบต.", "ชื่อclerk ทดสอบ", "ปลัด", True),
        ("นายก อบต.", "ชื่อmayor ทดสอบ", "นายก", True),
    ]
    assert doc.number == "ตง 78201/-"
    assert doc.date is None
    assert doc.author.pending  # signed by hand: the memo was never sent
    assert doc.unit == "งานกฎหมายและคดี สำนักปลัด โทร. 075-289689"


def test_a_step_the_chain_would_skip_does_not_print(org) -> None:
    org.positions["deputy"].holder = None
    org.positions["deputy"].save()
    assert [h for h, _n, _p in _blocks(make_memo(org))] == [
        "หัวหน้าสำนักปลัด",
        "ปลัด อบต.",
        "นายก อบต.",
    ]


def test_the_deciding_step_prints_even_when_nobody_holds_it_yet(org) -> None:
    org.positions["mayor"].holder = None
    org.positions["mayor"].save()
    last = _doc(make_memo(org)).steps[-1]
    assert (last.heading, last.name, last.position, last.pending) == ("นายก อบต.", "", "นายก", True)


def test_a_pending_vacant_step_names_whoever_acts_for_it(org) -> None:
    org.positions["clerk"].holder = None
    org.positions["clerk"].save()
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=org.positions["clerk"], user=org["member"], starts=today, ends=today
    )
    clerk = _doc(make_memo(org)).steps[2]
    assert (clerk.name, clerk.position, clerk.acting) == (
        "ชื่อmember ทดสอบ",
        "เจ้าพนักงานธุรการ",
        "รักษาราชการแทนปลัด",
    )


def test_midway_the_signed_steps_print_and_the_rest_wait(org) -> None:
    memo = bring_to(org, "clerk")
    doc = _doc(memo)
    assert [(b.heading, b.pending) for b in doc.steps] == [
        ("หัวหน้าสำนักปลัด", False),
        ("รองปลัด อบต.", False),
        ("ปลัด อบต.", True),
        ("นายก อบต.", True),
    ]
    head = doc.steps[0]
    assert (head.comment, head.signed_on, head.decision) == (
        "เห็นควรอนุมัติ",
        timezone.localdate(),
        "",
    )
    assert doc.number == "ตง 78201/1"
    assert doc.author.signed_on == timezone.localdate()  # the typed name is the signature


def test_an_acting_signer_prints_with_the_acting_notation(org) -> None:
    org.positions["deputy"].holder = None
    org.positions["deputy"].save()
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=org.positions["deputy"], user=org["member"], starts=today, ends=today
    )
    memo = bring_to(org, "deputy")
    services.memo_approve(memo=memo, actor=org["member"], comment="ทราบ")
    deputy = _doc(memo).steps[1]
    assert (deputy.heading, deputy.name, deputy.position, deputy.acting, deputy.pending) == (
        "รองปลัด อบต.",
        "ชื่อmember ทดสอบ",
        "เจ้าพนักงานธุรการ",
        "รักษาราชการแทนรองปลัด",
        False,
    )


def test_a_decided_memo_prints_the_decision_and_nothing_pending(org) -> None:
    doc = _doc(bring_to(org, State.DECIDED))
    assert [b.pending for b in doc.steps] == [False] * 4
    assert doc.steps[-1].decision == "อนุมัติ"


def test_a_returned_memo_prints_the_return_until_its_author_revises_it(org) -> None:
    memo = bring_to(org, State.RETURNED)
    doc = _doc(memo)
    assert [(b.heading, b.decision, b.comment) for b in doc.steps] == [
        ("หัวหน้าสำนักปลัด", "ส่งคืนเพื่อแก้ไข", "แก้ไขตัวเลข")
    ]
    services.memo_update(memo=fresh(memo), data={"body": "ข้อความใหม่"}, actor=org["author"])
    revised = _doc(memo)
    # The earlier signatures covered the earlier text: the next round starts blank.
    assert [b.pending for b in revised.steps] == [True] * 4
    assert revised.author.pending
    assert revised.number == "ตง 78201/1"  # the number stays with the memo


def test_a_resent_memo_prints_the_new_round_only(org) -> None:
    memo = bring_to(org, State.RETURNED)
    services.memo_update(memo=fresh(memo), data={"body": "ข้อความใหม่"}, actor=org["author"])
    services.memo_send(memo=fresh(memo), actor=org["author"])
    assert [b.pending for b in _doc(memo).steps] == [True] * 4


def test_a_withdrawn_memo_prints_no_blocks_to_sign(org) -> None:
    assert _doc(bring_to(org, State.WITHDRAWN)).steps == ()


def test_a_withdrawn_memo_carries_the_day_it_was_withdrawn(org) -> None:
    sent = bring_to(org, "head")
    assert _doc(sent).withdrawn_on is None
    withdrawn = services.memo_withdraw(memo=fresh(sent), actor=org["author"])
    doc = _doc(withdrawn)
    assert doc.withdrawn_on == timezone.localdate()
    assert doc.number == "ตง 78201/1"  # it keeps its number: the mark says it is void
    for state in (State.DRAFT, State.RETURNED, State.DECIDED):
        assert _doc(bring_to(org, state)).withdrawn_on is None


def test_the_withdrawal_date_is_the_day_of_the_withdrawal_not_of_the_print(org) -> None:
    memo = bring_to(org, State.WITHDRAWN)
    earlier = timezone.now() - dt.timedelta(days=40)
    Event.objects.filter(action="memo.withdraw", object_id=str(memo.pk)).update(at=earlier)
    assert _doc(memo).withdrawn_on == timezone.localdate(earlier)


def test_the_file_name_is_the_register_number_or_the_id(org) -> None:
    draft = make_memo(org)
    assert memo_pdf_filename(draft) == f"memo-{draft.pk}.pdf"
    sent = bring_to(org, "head")
    assert memo_pdf_filename(sent) == f"memo-{sent.register_year}-1.pdf"


def _queries(memo: Memo) -> int:
    memo = Memo.objects.select_related("organisation").get(pk=memo.pk)
    with CaptureQueriesContext(connection) as ctx:
        memo_doc(memo)
    return len(ctx)


def test_building_the_document_takes_the_same_queries_whatever_the_history(org) -> None:
    few = bring_to(org, "deputy")
    many = bring_to(org, State.RETURNED)
    for _ in range(3):  # three more rounds of sign-offs
        services.memo_send(memo=fresh(many), actor=org["author"])
        services.memo_approve(memo=fresh(many), actor=org["head"], comment="ทราบ")
        services.memo_return(memo=fresh(many), actor=org["deputy"], reason="แก้")
    services.memo_send(memo=fresh(many), actor=org["author"])
    services.memo_approve(memo=fresh(many), actor=org["head"], comment="ทราบ")
    assert fresh(many).state == fresh(few).state == "deputy"
    assert _queries(many) == _queries(few)


def test_a_date_set_by_hand_prints_as_typed(org) -> None:
    memo = make_memo(org, date=dt.date(2021, 8, 25))
    assert _doc(memo).date == dt.date(2021, 8, 25)
