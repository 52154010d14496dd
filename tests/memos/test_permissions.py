"""Every role × state × action, allowed and denied, at the service (where the rules live)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ita.history.models import Event
from memos import services
from memos.models import Memo, SignOff, State
from tests.memos.conftest import bring_to, fresh

pytestmark = pytest.mark.django_db

ROLES = ("author", "head", "deputy", "clerk", "mayor", "member", "outsider")
STATES = tuple(State.values)
ACTIONS = ("edit", "send", "withdraw", "approve", "return")


def allowed(role: str, state: str, action: str) -> bool:
    """The rules of issue 4, written out independently of the services."""
    if action in ("edit", "send"):
        return role == "author" and state in ("draft", "returned")
    if action == "withdraw":
        # Before the first decision: a draft, or a memo still at its first step in round one.
        return role == "author" and state in ("draft", "head")
    # approve / return: only the holder of the current step, never the author.
    return state in ("head", "deputy", "clerk", "mayor") and role == state


def act(memo: Memo, action: str, actor) -> None:
    if action == "edit":
        services.memo_update(memo=memo, data={"subject": "แก้ไขแล้ว"}, actor=actor)
    elif action == "send":
        services.memo_send(memo=memo, actor=actor)
    elif action == "withdraw":
        services.memo_withdraw(memo=memo, actor=actor)
    elif action == "approve":
        outcome = "approved" if memo.state == State.MAYOR else ""
        services.memo_approve(memo=memo, actor=actor, comment="เห็นชอบ", outcome=outcome)
    elif action == "return":
        services.memo_return(memo=memo, actor=actor, reason="ขอแก้ไข")


def snapshot(memo: Memo) -> tuple:
    memo = fresh(memo)
    return (
        memo.state,
        memo.round,
        memo.subject,
        SignOff.objects.filter(memo=memo).count(),
        Event.objects.filter(object_id=str(memo.pk)).count(),
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_role_state_action(org, role: str, state: str, action: str) -> None:
    memo = bring_to(org, state)
    before = snapshot(memo)
    if allowed(role, state, action):
        act(memo, action, org[role])
        after = snapshot(memo)
        assert after != before
        assert after[4] == before[4] + 1  # exactly one history row per write
    else:
        with pytest.raises((PermissionDenied, services.MemoActionError, ValidationError)):
            act(memo, action, org[role])
        assert snapshot(memo) == before  # nothing changed, no history row


def test_the_matrix_allows_something_in_every_live_state() -> None:
    for state in ("draft", "head", "deputy", "clerk", "mayor", "returned"):
        assert any(allowed(r, state, a) for r in ROLES for a in ACTIONS), state
    for state in ("decided", "withdrawn"):
        assert not any(allowed(r, state, a) for r in ROLES for a in ACTIONS), state
