"""A real SMTP server in a thread (aiosmtpd), which a test can stop and start again, and the real
task worker of django-tasks-db run in-process until the queue has nothing due."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.measures.test_publishing import marked  # noqa: F401  (the marked report, for the disk)
from tests.memos.conftest import org  # noqa: F401  (the memos' people, for tests here too)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


class Mailbox:
    """What the server accepted; ``refuse`` holds words of subjects it answers 554 to.

    A late server: ``delay`` seconds between taking a message and answering it (the message is
    kept, as a real server that is slow to answer has it). ``hold_data`` and ``hold_quit``,
    while set (cleared), hold the answer to the end of DATA, or to QUIT, until the test sets
    them; ``received`` is set each time a message arrives.
    """

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.refuse: list[str] = []
        self.delay = 0.0
        self.hold_data: threading.Event | None = None
        self.hold_quit: threading.Event | None = None
        self.received = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or b"")
        if any(word in subject_of(message) for word in self.refuse):
            return "554 Transaction failed: refused by the test"
        self.messages.append((sorted(envelope.rcpt_tos), message))
        self.received.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        await _wait(self.hold_data)
        return "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await _wait(self.hold_quit)
        return "221 Bye"

    def deliveries(self) -> list[tuple[list[str], str]]:
        return [(to, subject_of(m)) for to, m in self.messages]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for _, m in self.messages]


async def _wait(event: threading.Event | None) -> None:
    while event is not None and not event.is_set():
        await asyncio.sleep(0.02)


class SmtpServer:
    """A real SMTP server on a port of the loopback; ``stop()`` leaves the port refusing
    connections until ``start()``."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


@pytest.fixture
def queue(settings) -> None:
    """Tasks go to the database queue (as in production), not run at once."""
    settings.TASKS = DB_TASKS


def work(max_tasks: int = 500) -> int:
    """Run the real worker until no task is due (bounded); how many tasks it ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run()
    return worker._run_tasks


def time_passes() -> int:
    """The retries' back-off is over: every waiting task is due now. How many were waiting."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )


def statuses(task_path: str = "") -> dict[str, int]:
    """How many tasks are in each state; only those of ``task_path`` when it is given."""
    rows = DBTaskResult.objects.all()
    if task_path:
        rows = rows.filter(task_path=task_path)
    counts: dict[str, int] = {}
    for status in rows.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


@pytest.fixture
def settled_demo(queue, demo, smtp):
    """The demo with nothing of its own pending: the ``demo`` fixture writes back the rows its
    load left (tests/demo_snapshot.py), so the notices its memo of 2564 sent up the chain and
    its archive task were never queued here. The mailbox and the queue start empty."""
    assert statuses() == {} and work() == 0
    assert smtp.mailbox.messages == []
    return demo
