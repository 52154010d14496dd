import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from ita.organisations.models import Position
from measures.models import Measure, ReminderSent
from measures.reminders import reminder_recipients

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def settled_demo(demo):
    """The demo as its load left it, without the notices its memo of 2564 sent up the chain
    (the ``demo`` fixture writes back rows, tests/demo_snapshot.py): the outbox starts empty."""
    assert mail.outbox == []
    return demo


def run(today: str, *extra: str) -> None:
    call_command("send_measure_reminders", "--today", today, *extra, stdout=io.StringIO())


def only_table_2() -> Measure:
    Measure.objects.filter(table=1).update(done_on=dt.date(2021, 3, 31))
    return Measure.objects.get(table=2)


def test_it_reminds_before_the_period_ends_once(settled_demo) -> None:
    m = only_table_2()  # ม.ค.๖๕ – มี.ค.๖๕: ends 31 March 2022
    run("2022-03-16")
    assert mail.outbox == []
    run("2022-03-17")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert m.title[:30] in message.subject and "ใกล้ครบกำหนด" in message.subject
    assert f"/measures/{m.pk}/" in message.body and "14 วัน" in message.body
    run("2022-03-18")
    run("2022-03-31")
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().kind == "due_soon"


def test_it_reminds_once_when_overdue(settled_demo) -> None:
    m = only_table_2()
    run("2022-03-31", "--days", "0")
    assert len(mail.outbox) == 1  # due today
    run("2022-04-01")
    run("2022-04-02")
    assert len(mail.outbox) == 2
    assert "เกินกำหนด" in mail.outbox[1].subject and "1 วัน" in mail.outbox[1].body
    assert list(ReminderSent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "due_soon",
        "overdue",
    ]
    # Moving the period on arms the reminders again.
    Measure.objects.filter(pk=m.pk).update(end_month=dt.date(2022, 6, 1))
    run("2022-07-01")
    assert len(mail.outbox) == 3


def test_done_and_draft_measures_are_not_reminded(settled_demo) -> None:
    Measure.objects.update(done_on=dt.date(2022, 1, 1))
    run("2026-01-01")
    assert mail.outbox == []


def test_the_responsible_units_people_and_the_author_are_reminded(demo) -> None:
    m = Measure.objects.get(table=2)
    positions = list(Position.objects.filter(organisation=demo.home).select_related("holder"))
    # สำนักปลัดฯ is the head of the clerk's office's unit (สำนักปลัด); the legal officer wrote it.
    assert reminder_recipients(m, positions) == ["head@suso.example.org", "legal@suso.example.org"]
    m.responsible_unit = "กองคลัง"
    m.created_by = None
    assert reminder_recipients(m, positions) == ["legal@suso.example.org"]  # staff, as a fallback


def test_the_first_run_reminds_every_late_measure_once(settled_demo) -> None:
    run("2026-01-01")
    assert len(mail.outbox) == 3
    assert {r.kind for r in ReminderSent.objects.all()} == {"overdue"}
    run("2026-01-02")
    assert len(mail.outbox) == 3


def test_bad_arguments_are_refused(demo) -> None:
    with pytest.raises(CommandError, match="31-02"):
        run("2022-31-02")
    with pytest.raises(CommandError, match="--days"):
        run("2022-01-01", "--days", "-1")
