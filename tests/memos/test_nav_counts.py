"""The navigation's counts (memos awaiting the user, their own memos returned) are kept per user
in the shared cache and read again after any change to what they count (``memos.signals``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ita.organisations import services as organisation_services
from ita.organisations.models import ActingAppointment
from memos import selectors, services
from tests.memos.conftest import bring_to, make_memo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept(settings) -> None:
    settings.NAV_COUNTS_SECONDS = 3600  # as production keeps them (tests/conftest.py: 0)


def _counts(user) -> tuple[dict[str, int], int]:
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.nav_counts(user)
    return counts, len(queries)


def test_the_counts_are_kept_until_a_memo_changes(org) -> None:
    head, author = org["head"], org["author"]
    assert _counts(head)[0] == {"inbox": 0, "returned": 0}
    kept, reads = _counts(head)
    assert kept == {"inbox": 0, "returned": 0} and reads <= 1  # one cache read, no count
    services.memo_send(memo=make_memo(org), actor=author)
    assert _counts(head)[0]["inbox"] == 1  # the send is counted at once
    assert _counts(head)[1] <= 1
    assert _counts(author)[0] == {"inbox": 0, "returned": 0}
    bring_to(org, "returned")  # another memo, sent and returned by the head
    assert _counts(head)[0]["inbox"] == 1
    assert _counts(author)[0] == {"inbox": 0, "returned": 1}


def test_an_acting_appointment_counts_at_once_and_its_removal_too(org) -> None:
    services.memo_send(memo=make_memo(org), actor=org["author"])  # now at the head's step
    member = org["member"]
    assert _counts(member)[0]["inbox"] == 0
    today = timezone.localdate()
    appointment = organisation_services.acting_save(
        appointment=ActingAppointment(
            position=org.positions["head"], user=member, starts=today, ends=today
        ),
        actor=org["mayor"],
    )
    assert _counts(member)[0]["inbox"] == 1
    organisation_services.acting_delete(appointment=appointment, actor=org["mayor"])
    assert _counts(member)[0]["inbox"] == 0
    position = org.positions["head"]
    position.holder = member  # the member now holds the head's position
    organisation_services.position_save(position=position, actor=org["mayor"])
    assert _counts(member)[0]["inbox"] == 1
    assert _counts(org["head"])[0]["inbox"] == 0


def test_the_counts_of_another_day_are_read_again(org, monkeypatch) -> None:
    services.memo_send(memo=make_memo(org), actor=org["author"])
    member = org["member"]
    today = timezone.localdate()
    ActingAppointment.objects.bulk_create(  # no signal: only the day can tell
        [ActingAppointment(position=org.positions["head"], user=member, starts=today, ends=today)]
    )
    selectors.nav_counts_changed()
    assert _counts(member)[0]["inbox"] == 1
    monkeypatch.setattr(timezone, "localdate", lambda *a: today + dt.timedelta(days=1))
    assert _counts(member)[0]["inbox"] == 0  # the appointment has ended
