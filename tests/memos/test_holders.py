"""One rule for who holds a role on a day: the chain, access and the administration agree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ita.organisations import holders
from ita.organisations.models import ActingAppointment
from memos import access, chain, services
from memos.models import Memo
from tests.memos.conftest import bring_to, fresh

pytestmark = pytest.mark.django_db


def _acting(org, role: str, key: str, starts: dt.date, ends: dt.date) -> ActingAppointment:
    return ActingAppointment.objects.create(
        position=org.positions[role], user=org[key], starts=starts, ends=ends
    )


def test_each_side_of_the_rule_names_the_same_people_on_each_day(org) -> None:
    today = timezone.localdate()
    _acting(org, "clerk", "member", today, today + dt.timedelta(days=6))
    for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=7)):
        by_role = {
            (h.user_id, h.role)
            for h in holders.holdings(day=day, organisation=org.organisation)
            if h.role != "staff"
        }
        by_person = {
            (user.pk, role)
            for user in org.users.values()
            for (org_id, role) in holders.roles_held(user, day)
            if org_id == org.organisation.pk and role != "staff"
        }
        signers = {
            (s.user_id, role)
            for role, step in chain.steps(org.organisation, day).items()
            for s in step.signers
        }
        assert by_role == by_person == signers
        acting = (org["member"].pk, "clerk") in signers
        assert acting == (today <= day <= today + dt.timedelta(days=6))
        assert holders.administers(org["member"], org.organisation, day) == acting
        assert access.administers(org["member"], org.organisation, day) == acting


def test_the_clerk_and_the_head_administer_and_nobody_else(org) -> None:
    administrators = {
        key for key, user in org.users.items() if holders.administers(user, org.organisation)
    }
    assert administrators == {"clerk", "head"}
    assert not holders.administers(org["clerk"], org.other)


def test_a_deactivated_holder_signs_nothing_and_the_step_is_skipped_as_vacant(org) -> None:
    deputy = org["deputy"]
    memo = bring_to(org, "head")
    assert access.can_act(org["head"], fresh(memo))
    deputy.is_active = False
    deputy.save(update_fields=["is_active"])
    assert holders.roles_held(deputy, timezone.localdate()) == set()
    assert chain.steps(org.organisation, timezone.localdate())["deputy"].signers == []
    services.memo_approve(memo=fresh(memo), actor=org["head"], comment="ok")
    memo = Memo.objects.get(pk=memo.pk)
    assert memo.state == "clerk"  # the deputy's step skipped: nobody active holds it
    assert not holders.administers(deputy, org.organisation)


def test_a_deactivated_acting_holder_acts_for_nobody(org) -> None:
    today = timezone.localdate()
    _acting(org, "clerk", "member", today, today)
    member = org["member"]
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert not holders.administers(member, org.organisation)
    assert [s.user_id for s in chain.steps(org.organisation, today)["clerk"].signers] == [
        org["clerk"].pk
    ]


def test_the_clerk_publishes_through_the_same_rule_acting_too(org) -> None:
    today = timezone.localdate()
    assert holders.holds(org["clerk"], org.organisation, ["clerk"], today)
    assert not holders.holds(org["member"], org.organisation, ["clerk"], today)
    _acting(org, "clerk", "member", today, today)
    assert holders.holds(org["member"], org.organisation, ["clerk"], today)
    assert not holders.holds(org["member"], org.organisation, ["clerk"], today + dt.timedelta(1))


def test_an_acting_holder_who_left_the_organisation_acts_for_nobody(org) -> None:
    today = timezone.localdate()
    _acting(org, "clerk", "member", today, today + dt.timedelta(days=6))
    assert holders.administers(org["member"], org.organisation)
    position = org.positions["member"]
    position.holder = None  # their only position given up (or to someone else)
    position.save()
    assert not holders.administers(org["member"], org.organisation)
    assert [s.user_id for s in chain.steps(org.organisation, today)["clerk"].signers] == [
        org["clerk"].pk
    ]
