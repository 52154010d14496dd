"""Mail exactly once, as far as SMTP allows, against a real SMTP server that answers late, and
the real worker of the task queue.

A message carries a stable Message-ID from its task, the same on every retry. A server that is
slow to answer the end of DATA is waited for (RFC 5321, 4.5.3.2.6: ten minutes), so it gets
the message once (the audit saw 4 copies). When no answer comes at all the message may have
been delivered: the retry is recorded as a resend after an uncertain attempt, the delivery log
says how many copies went out, and after one such resend nothing more is sent. A message whose
delivery is certain is never sent again."""

from __future__ import annotations

import pytest

from ita.mail.models import Delivery
from memos import services
from tests.memos.conftest import make_memo
from tests.ops.conftest import statuses, time_passes, work

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queue")]

NOTICE = "memos.tasks.memo_notice_send"


def _notice(org) -> None:
    """The memo goes to the head of office: one notice, one message."""
    services.memo_send(memo=make_memo(org), actor=org["author"])


def _work_through_every_retry(rounds: int = 5) -> None:
    for _ in range(rounds):
        work()
        time_passes()


def test_a_server_that_answers_after_the_timeout_gets_the_notice_once(org, smtp, settings) -> None:
    settings.EMAIL_TIMEOUT = 1  # connecting and each command
    smtp.mailbox.delay = 2.5  # the message is taken, the answer comes late
    _notice(org)
    _work_through_every_retry()
    assert len(smtp.mailbox.messages) == 1
    assert statuses(NOTICE) == {"SUCCESSFUL": 1}
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.copies) == (Delivery.Status.SENT, 1)
    assert smtp.mailbox.message_ids() == [delivery.message_id]


def test_no_answer_at_all_is_recorded_and_the_message_sent_once_more_at_most(
    org, smtp, settings
) -> None:
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_DATA_TIMEOUT = 1
    smtp.mailbox.delay = 2.5  # longer than even the wait for the end of DATA
    _notice(org)
    work()
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.copies) == (Delivery.Status.UNCERTAIN, 1)
    assert len(smtp.mailbox.messages) == 1  # it did arrive: the client could not know
    _work_through_every_retry()
    delivery.refresh_from_db()
    assert delivery.copies == 2 and len(smtp.mailbox.messages) == 2
    assert [t["outcome"] for t in delivery.tries] == ["uncertain", "uncertain"]
    assert delivery.tries[1]["resend_after_uncertain"] is True
    # The same Message-ID on both copies: a mail program shows one.
    assert smtp.mailbox.message_ids() == [delivery.message_id] * 2
    assert statuses(NOTICE)["FAILED"] >= 1 and "READY" not in statuses(NOTICE)


def test_a_late_answer_then_a_prompt_one_ends_with_two_copies_recorded(org, smtp, settings) -> None:
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_DATA_TIMEOUT = 1
    smtp.mailbox.delay = 2.5
    _notice(org)
    work()
    smtp.mailbox.delay = 0
    _work_through_every_retry()
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.copies) == (Delivery.Status.SENT, 2)
    assert [t["outcome"] for t in delivery.tries] == ["uncertain", "accepted"]
    assert delivery.tries[1]["resend_after_uncertain"] is True
    assert statuses(NOTICE) == {"FAILED": 1, "SUCCESSFUL": 1}
    assert len(smtp.mailbox.messages) == 2


def test_a_server_that_is_down_then_back_gets_one_copy_with_the_task_s_message_id(
    org, smtp
) -> None:
    smtp.stop()
    _notice(org)
    work()
    smtp.start()
    _work_through_every_retry()
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.copies) == (Delivery.Status.SENT, 1)
    assert [t["outcome"] for t in delivery.tries] == ["not sent", "accepted"]
    assert smtp.mailbox.message_ids() == [delivery.message_id]


def test_a_refused_message_is_not_counted_as_sent(org, smtp) -> None:
    smtp.mailbox.refuse = ["รายงานผลการประเมิน"]
    _notice(org)
    work()
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.copies) == (Delivery.Status.PENDING, 0)
    assert delivery.tries[0]["outcome"] == "refused"
