"""One access module: the inbox, the buttons and the services answer the same question alike."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ita.organisations.models import ActingAppointment
from memos import access, services
from memos.models import Memo, State
from tests.factories import make_position, make_user
from tests.memos.conftest import bring_to, fresh, make_memo

pytestmark = pytest.mark.django_db

PEOPLE = ("author", "head", "deputy", "clerk", "mayor", "member", "outsider")
LIVE = ("draft", "head", "deputy", "clerk", "mayor", "returned")


def _one_memo_per_state(org) -> list[Memo]:
    return [bring_to(org, state) for state in (*LIVE, "decided", "withdrawn")]


def test_the_inbox_holds_exactly_the_memos_each_person_may_sign(org) -> None:
    memos = _one_memo_per_state(org)
    for key in PEOPLE:
        user = org[key]
        inbox = set(Memo.objects.awaiting(user).values_list("pk", flat=True))
        may_act = {m.pk for m in memos if access.can_act(user, fresh(m))}
        assert inbox == may_act, key


def test_an_acting_holder_sees_the_memo_and_may_sign_it_only_in_the_period(org) -> None:
    memo = bring_to(org, "deputy")
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=org.positions["deputy"],
        user=org["member"],
        starts=today - dt.timedelta(days=1),
        ends=today + dt.timedelta(days=1),
    )
    member = org["member"]
    assert Memo.objects.awaiting(member).get() == memo
    assert access.can_act(member, fresh(memo))
    later = today + dt.timedelta(days=5)
    assert not Memo.objects.awaiting(member, later).exists()
    memo = fresh(memo)
    memo.signing_day = later
    assert not access.can_act(member, memo)
    with pytest.raises(PermissionDenied):
        services.memo_approve(memo=memo, actor=member, today=later)


def test_a_second_holder_of_the_same_role_signs_the_step_too(org) -> None:
    """Two deputy clerks: both receive the memo, and both may sign it (one rule, both sides)."""
    second = make_user("deputy2")
    make_position(org.organisation, "deputy", holder=second, title="รองปลัด (2)")
    memo = bring_to(org, "deputy")
    assert Memo.objects.awaiting(second).get() == memo
    assert access.can_act(second, fresh(memo))
    services.memo_approve(memo=memo, actor=second, comment="เห็นชอบ")
    assert fresh(memo).state == State.CLERK


@pytest.mark.parametrize(("key", "state"), list(itertools.product(PEOPLE, LIVE)))
def test_the_buttons_drawn_are_the_actions_the_services_allow(
    client, org, key: str, state: str
) -> None:
    memo = bring_to(org, state)
    user = org[key]
    client.force_login(user)
    response = client.get(f"/memos/{memo.pk}/")
    if key == "outsider":
        assert response.status_code == 404
        return
    html = response.content.decode()
    shown = {
        "send": f'action="/memos/{memo.pk}/send/"' in html,
        "withdraw": f'action="/memos/{memo.pk}/withdraw/"' in html,
        "decide": f'action="/memos/{memo.pk}/decide/"' in html,
        "edit": f'href="/memos/{memo.pk}/edit/"' in html,
    }
    memo = fresh(memo)
    assert shown == {
        "send": access.can_send(user, memo),
        "withdraw": access.can_withdraw(user, memo),
        "decide": access.can_act(user, memo),
        "edit": access.can_edit(user, memo),
    }
    # What is drawn is what the service does: try each drawn action on a copy of the state.
    allowed_by_rules = {
        "send": key == "author" and state in ("draft", "returned"),
        "withdraw": key == "author" and state in ("draft", "head"),
        "decide": key == state,
        "edit": key == "author" and state in ("draft", "returned"),
    }
    assert shown == allowed_by_rules


def test_a_refusal_says_why(org) -> None:
    memo = bring_to(org, "head")
    assert access.signer_refusal(memo, org["author"]) == "ไม่มีผู้ใดลงนามเห็นชอบบันทึกของตนเองได้"
    assert access.author_refusal(memo, org["head"]) == "เฉพาะเจ้าของเรื่องเท่านั้นที่ทำรายการนี้ได้"
    assert access.author_refusal(memo, org["outsider"]) == "ท่านไม่ได้เป็นบุคลากรของหน่วยงานนี้"
    assert access.signer_refusal(memo, org["head"]) is None


def test_the_author_never_signs_even_when_acting_for_the_step(org) -> None:
    memo = make_memo(org)
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=org.positions["head"], user=org["author"], starts=today, ends=today
    )
    memo = services.memo_send(memo=memo, actor=org["author"])
    assert not access.can_act(org["author"], fresh(memo))
    assert not Memo.objects.awaiting(org["author"]).exists()
