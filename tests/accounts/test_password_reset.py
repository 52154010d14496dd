"""Password reset: the mail is a queued task like every notice (a mail server that is down
delays it, loses nothing), the answer and the work done are the same for a known and an unknown
address, and requests are held back per address and per account (the audit sent 20 in a row)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tests.factories import make_user
from tests.ops.conftest import statuses, time_passes, work

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queue")]

RESET = "/accounts/password/reset/"
TASK = "ita.accounts.tasks.password_reset_send"


def _ask(client: Client, email: str, ip: str = "10.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_the_reset_mail_waits_for_the_mail_server_and_arrives_once(smtp, settings) -> None:
    settings.SITE_URL_SET, settings.SITE_URL = True, "https://ita.example.go.th"
    user = make_user("somchai")
    smtp.stop()
    response = _ask(Client(), "Somchai@Example.org")
    assert response.status_code == 302
    assert statuses(TASK) == {"READY": 1}  # nothing was sent inside the request
    work()
    assert statuses(TASK) == {"FAILED": 1, "READY": 1}  # the retry waits out its back-off
    smtp.start()
    time_passes()
    work()
    (delivery,) = smtp.mailbox.messages
    assert delivery[0] == ["somchai@example.org"]
    body = delivery[1].get_payload(decode=True).decode()
    link = re.search(r"https://ita\.example\.go\.th(/accounts/password/reset/\S+)", body)
    assert link, body
    form = Client().get(link.group(1), follow=True)
    new = "ร่มไม้-ชายคา-2568"
    form.client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)
    time_passes()
    work()
    assert len(smtp.mailbox.messages) == 1


def test_known_and_unknown_addresses_get_the_same_answer_for_the_same_work(smtp) -> None:
    make_user("somchai")
    answers = []
    for email in ("somchai@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = _ask(Client(), email, ip="10.0.0.2")
        page = Client().get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                page.content.decode(),
                [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries.captured_queries],
            )
        )
    assert answers[0] == answers[1]
    # The same task, queued either way; only the worker finds whether the address is known.
    queued = list(DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at"))
    assert len(queued) == 2
    work()
    assert [to for to, _ in smtp.mailbox.deliveries()] == [["somchai@example.org"]]


def test_twenty_requests_for_one_address_send_a_few_mails(smtp) -> None:
    make_user("somchai")
    for n in range(20):
        assert _ask(Client(), "somchai@example.org", ip=f"10.0.{n}.1").status_code == 302
    work()
    assert 1 <= len(smtp.mailbox.messages) <= 3


def test_twenty_requests_from_one_address_are_held_back(smtp) -> None:
    for n in range(20):
        make_user(f"user{n}")
    answers = [_ask(Client(), f"user{n}@example.org", ip="203.0.113.9") for n in range(20)]
    held = [a for a in answers if a.status_code == 429]
    assert len(held) >= 5 and "ลองใหม่" in held[-1].content.decode()
    work()
    assert len(smtp.mailbox.messages) <= 15
    # Another address is not held back by this one.
    assert _ask(Client(), "user0@example.org", ip="10.0.0.3").status_code == 302
