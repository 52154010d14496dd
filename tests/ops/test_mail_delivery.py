"""Notices and reminders survive a mail server that is down: the real worker, a real SMTP server
stopped and started again, every message delivered exactly once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from ita.history.models import Event
from ita.lib import tasks
from measures.models import Measure, ReminderSent
from memos import services
from tests.memos.conftest import CHAIN_ROLES, fresh, make_memo
from tests.ops.conftest import statuses, time_passes, work

NOTICE = "memos.tasks.memo_notice_send"
ARCHIVE = "memos.tasks.memo_archive_task"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queue")]


def remind(today: str) -> str:
    out = io.StringIO()
    call_command("send_measure_reminders", "--today", today, stdout=out)
    return out.getvalue()


def take_memo_up_the_chain(org) -> None:
    memo = make_memo(org)
    services.memo_send(memo=memo, actor=org["author"])
    for role in CHAIN_ROLES[:-1]:
        services.memo_approve(memo=fresh(memo), actor=org[role], comment="เห็นควรอนุมัติ")
    services.memo_approve(memo=fresh(memo), actor=org["mayor"], comment="อนุมัติ", outcome="approved")


def test_memo_notices_wait_for_the_mail_server_and_arrive_once(org, smtp) -> None:
    smtp.stop()
    take_memo_up_the_chain(org)
    # Five notices: head, deputy, clerk, mayor in turn, then the author; each its own task.
    # The decision also queued the archive of its PDF, which needs no mail server.
    assert statuses(NOTICE) == {"READY": 5}
    assert statuses(ARCHIVE) == {"READY": 1}
    assert work() == 6
    assert smtp.mailbox.messages == []
    assert statuses(NOTICE) == {"FAILED": 5, "READY": 5}  # each failure queued its retry
    assert statuses(ARCHIVE) == {"SUCCESSFUL": 1}
    assert tasks.failed() == []  # nothing given up: all five are retried
    assert work() == 0  # the retries wait out their back-off

    smtp.start()
    assert time_passes() == 5
    assert work() == 5
    expected = [[org[k].email] for k in ("head", "deputy", "clerk", "mayor", "author")]
    assert sorted(to for to, _ in smtp.mailbox.deliveries()) == sorted(expected)
    assert any("อนุมัติ" in m.get_payload(decode=True).decode() for _, m in smtp.mailbox.messages)
    time_passes()
    assert work() == 0
    assert len(smtp.mailbox.messages) == 5
    assert tasks.waiting() == [] and tasks.failed() == []


def test_a_change_rolled_back_queues_no_notice(org, smtp) -> None:
    memo = make_memo(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.memo_send(memo=memo, actor=org["author"])
        raise RuntimeError("the request fails after the service")
    assert DBTaskResult.objects.count() == 0
    assert work() == 0 and smtp.mailbox.messages == []


def test_reminders_are_recorded_only_once_delivered_and_each_is_sent_once(
    settled_demo,
    smtp,
) -> None:
    """The audit's case: with the mail server down the old command recorded every reminder as
    sent and sent none, and the next run sent none either."""
    due = Measure.objects.kept().filter(done_on__isnull=True).count()
    assert due >= 3
    smtp.stop()
    out = remind("2026-01-01")
    assert f"{due} reminder(s) queued" in out
    assert ReminderSent.objects.count() == 0  # queued is not sent
    work()
    assert smtp.mailbox.messages == [] and ReminderSent.objects.count() == 0
    assert not Event.objects.filter(action__startswith="measure.reminder").exists()
    # The next day's run finds them still waiting: it queues none twice.
    assert "0 reminder(s) queued" in remind("2026-01-02")
    assert statuses() == {"FAILED": due, "READY": due}

    smtp.start()
    time_passes()
    work()
    assert len(smtp.mailbox.messages) == due
    subjects = [s for _, s in smtp.mailbox.deliveries()]
    assert all("เกินกำหนด" in s for s in subjects)
    assert ReminderSent.objects.count() == due
    assert Event.objects.filter(action="measure.reminder.overdue").count() == due
    # Later runs, and any task left over, send nothing again.
    assert "0 reminder(s) queued" in remind("2026-01-03")
    time_passes()
    work()
    assert len(smtp.mailbox.messages) == due


def test_one_refused_reminder_does_not_stop_the_others(settled_demo, smtp) -> None:
    measures = list(Measure.objects.kept().filter(done_on__isnull=True).order_by("pk"))
    refused = measures[0]
    smtp.mailbox.refuse = [refused.title[:30]]
    remind("2026-01-01")
    work()
    delivered = {r.measure_id for r in ReminderSent.objects.all()}
    assert delivered == {m.pk for m in measures[1:]}
    assert len(smtp.mailbox.messages) == len(measures) - 1
    waiting = tasks.waiting()
    assert [(w.attempt, w.label) for w in waiting] == [(2, "แจ้งเตือนมาตรการทางอีเมล")]

    smtp.mailbox.refuse = []
    time_passes()
    work()
    assert {r.measure_id for r in ReminderSent.objects.all()} == {m.pk for m in measures}
    assert len(smtp.mailbox.messages) == len(measures)


def test_a_reminder_no_longer_due_when_delivered_is_not_sent(settled_demo, smtp) -> None:
    smtp.stop()
    remind("2026-01-01")
    work()
    Measure.objects.update(done_on=dt.date(2026, 1, 1))
    smtp.start()
    time_passes()
    work()
    assert smtp.mailbox.messages == [] and ReminderSent.objects.count() == 0


def test_retries_back_off_exponentially_and_give_up_after_the_last_attempt(
    org, smtp, settings
) -> None:
    settings.TASK_RETRY_ATTEMPTS = 3
    assert [tasks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    settings.TASK_RETRY_MAX_SECONDS = 100
    assert tasks.retry_delay(3).total_seconds() == 100
    smtp.stop()
    services.memo_send(memo=make_memo(org), actor=org["author"])
    waits = []
    for _ in range(5):
        work()
        for row in DBTaskResult.objects.filter(status="READY"):
            waits.append(round((row.run_after - row.enqueued_at).total_seconds()))
        time_passes()
    assert waits == [30, 60]  # then the third attempt fails for good
    (given_up,) = tasks.failed()
    assert given_up.attempt == 3 and "ConnectionRefusedError" in given_up.error
    assert statuses() == {"FAILED": 3}
    assert smtp.mailbox.messages == []
