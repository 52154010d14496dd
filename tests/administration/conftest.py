"""An organisation with its administrators (the clerk, the head of the clerk's office, someone
acting for the clerk today), its plain members, an outsider, and the site's operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ita.organisations.models import ActingAppointment, Organisation, Position
from tests.factories import make_organisation, make_position, make_user

TITLES = {
    "head": "หัวหน้าสำนักปลัด",
    "deputy": "รองปลัด",
    "clerk": "ปลัด",
    "mayor": "นายก",
    "author": "นิติกรปฏิบัติการ",
    "acting": "นักจัดการงานทั่วไป",
    "member": "เจ้าพนักงานธุรการ",
}
ADMINISTRATORS = ("clerk", "head", "acting")
# Everyone who must not see the administration: members without the role, an outsider (an
# administrator of another organisation, even), the site's operator who is no member.
OTHERS = ("deputy", "mayor", "author", "member", "outsider", "operator")


@dataclass
class Org:
    organisation: Organisation
    other: Organisation
    users: dict[str, User] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)

    def __getitem__(self, key: str) -> User:
        return self.users[key]


@pytest.fixture
def org(db) -> Org:
    organisation = make_organisation(name="องค์การบริหารส่วนตำบลทดสอบบริหาร")
    other = make_organisation()
    result = Org(organisation=organisation, other=other)
    for key, title in TITLES.items():
        user = make_user(f"{key}-user", first_name=f"นาย{key}", last_name="ทดสอบ")
        role = key if key in ("head", "deputy", "clerk", "mayor") else "staff"
        result.positions[key] = make_position(organisation, role, holder=user, title=title)
        result.users[key] = user
    outsider = make_user("outsider", first_name="นางสาวนอก", last_name="องค์กร")
    make_position(other, "clerk", holder=outsider, title="ปลัดที่อื่น")
    result.users["outsider"] = outsider
    result.users["operator"] = User.objects.create_superuser("operator", "op@example.org", "pw")
    today = timezone.localdate()
    ActingAppointment.objects.create(
        position=result.positions["clerk"],
        user=result.users["acting"],
        starts=today - dt.timedelta(days=1),
        ends=today + dt.timedelta(days=1),
    )
    return result


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch) -> None:
    """What waits for the commit (the invitation's mail, on the immediate task backend) runs at
    once: a test's transaction never commits. tests/ops/test_invitation_mail.py runs the real
    commit, queue and worker."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
