"""An organisation with the whole chain, a second member, an outsider; memo helpers."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from ita.organisations.models import Organisation
from memos import services
from memos.models import Memo, State
from tests.factories import make_organisation, make_position, make_user

CHAIN_ROLES = ("head", "deputy", "clerk", "mayor")
TITLES = {
    "author": "นิติกรปฏิบัติการ",
    "head": "หัวหน้าสำนักปลัด",
    "deputy": "รองปลัด",
    "clerk": "ปลัด",
    "mayor": "นายก",
    "member": "เจ้าพนักงานธุรการ",
    "outsider": "นิติกร",
}


@dataclass
class Org:
    organisation: Organisation
    other: Organisation
    users: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> User:
        return self.users[key]


@pytest.fixture
def org(db) -> Org:
    organisation = make_organisation(letter_code="ตง 78201", phone="075-289689")
    other = make_organisation()
    result = Org(organisation=organisation, other=other)
    for key in ("author", "head", "deputy", "clerk", "mayor", "member", "outsider"):
        user = make_user(key, first_name=f"ชื่อ{key}", last_name="ทดสอบ")
        role = key if key in CHAIN_ROLES else "staff"
        result.positions[key] = make_position(
            other if key == "outsider" else organisation, role, holder=user, title=TITLES[key]
        )
        result.users[key] = user
    return result


MEMO_DATA = {
    "unit_name": "งานกฎหมายและคดี สำนักปลัด",
    "unit_phone": "075-289689",
    "letter_code": "ตง 78201",
    "subject": "รายงานผลการประเมิน ITA",
    "addressee": "นายก",
    "body": "ย่อหน้าแรก\n\nย่อหน้าที่สอง",
    "signature_name": "ชื่อauthor ทดสอบ",
    "signature_position": "นิติกรปฏิบัติการ",
}


def make_memo(org: Org, author_key: str = "author", **overrides: object) -> Memo:
    return services.memo_create(
        organisation=org.organisation,
        data={**MEMO_DATA, **overrides},
        actor=org[author_key],
    )


def fresh(memo: Memo) -> Memo:
    return Memo.objects.get(pk=memo.pk)


def bring_to(org: Org, state: str, memo: Memo | None = None) -> Memo:
    """A memo in ``state``, reached through the services as users would."""
    memo = memo or make_memo(org)
    if state == State.DRAFT:
        return memo
    if state == State.WITHDRAWN:
        return services.memo_withdraw(memo=memo, actor=org["author"])
    memo = services.memo_send(memo=memo, actor=org["author"])
    if state == State.RETURNED:
        services.memo_return(memo=memo, actor=org["head"], reason="แก้ไขตัวเลข")
        return fresh(memo)
    for role in CHAIN_ROLES:
        if state == role:
            return fresh(memo)
        if role == "mayor":
            services.memo_approve(memo=memo, actor=org["mayor"], outcome="approved")
        else:
            services.memo_approve(memo=memo, actor=org[role], comment="เห็นควรอนุมัติ")
        memo = fresh(memo)
    assert state == State.DECIDED and memo.state == State.DECIDED
    return memo
