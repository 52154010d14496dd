"""The task worker stopped in the middle of sending (``manage.py worker`` in its own process,
stopped as an operator stops it: a second SIGTERM ends the task it is running; or killed
outright), against a real SMTP server. A message the server had taken is not sent again by the
retry, nor by an operator's "retry now"; one whose answer never came is sent again once, and the
delivery log says so; a task whose worker was killed is retried by the next worker, not left
"running" for ever."""

from __future__ import annotations

import selectors
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.conftest import SmtpServer
from tests.servers import ROOT, manage, stack_env

# The stack (its database, the worker, the shell) runs on a SQLite file of its own whatever
# DATABASE_URL says, and the test process uses no database: CI's PostgreSQL pass would run it on
# SQLite again, exactly as the SQLite pass did (.ci/run).
pytestmark = pytest.mark.engine_free

ENQUEUE = """
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from ita.accounts.services import second_factor_reset
user = User.objects.create_user("deputy{n}", "deputy{n}@example.org", "pw")
TOTPDevice.objects.create(user=user, name="ITA", confirmed=True)
second_factor_reset(person=user, actor=None)
"""
RETRY_FAILURES = """
from ita.lib import tasks
for row in tasks.failed():
    tasks.retry_failed(row.id)
"""


class Stack:
    def __init__(self, root: Path, smtp: SmtpServer) -> None:
        self.db = root / "db.sqlite3"
        self.env = stack_env(
            SQLITE_PATH=str(self.db),
            MEDIA_ROOT=str(root / "media"),
            DEBUG="true",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
            EMAIL_TIMEOUT="5",
            # As in production: a worker stopped while the server holds its answer to DATA
            # must hang up at once, not wait for the answer (``_stop_mid_task`` waits for it to
            # end while the answer is still held).
            EMAIL_DATA_TIMEOUT="600",
            TASK_RETRY_BASE_SECONDS="0",
            TASK_LEASE_GRACE_SECONDS="0",
        )
        self.env.pop("DATABASE_URL", None)
        self.smtp = smtp
        self.count = 0

    def shell(self, code: str) -> str:
        return manage(self.env, "shell", "-c", code)

    def queue_a_notice(self) -> None:
        self.count += 1
        self.shell(ENQUEUE.format(n=self.count))

    def worker(self, *, batch: bool = True) -> subprocess.Popen:
        """A worker that ends when the queue is empty, or (``batch=False``) one that stays,
        whose log is read from its stderr."""
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queue-name=*", "--no-reload",
             "--no-startup-delay", *(["--batch", "--interval=0"] if batch else ["--interval=0.2"])],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if batch else subprocess.PIPE, text=True,
        )  # fmt: skip

    def work(self) -> None:
        assert self.worker().wait(timeout=120) == 0

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as db:
            return db.execute(sql).fetchall()

    def deliveries(self) -> list[tuple]:
        return self.query("SELECT status, copies, tries FROM mail_delivery ORDER BY id")

    def wait_for(self, sql: str, expected: list[tuple], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while self.query(sql) != expected:
            assert time.monotonic() < deadline, self.query(sql)
            time.sleep(0.05)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    smtp = SmtpServer()
    smtp.start()
    stack = Stack(tmp_path_factory.mktemp("worker-killed"), smtp)
    manage(stack.env, "migrate", "--noinput")
    yield stack
    smtp.stop()


@pytest.fixture
def mailbox(stack: Stack):
    box = stack.smtp.mailbox
    box.messages.clear()
    box.received.clear()
    box.hold_data = box.hold_quit = None
    stack.query("DELETE FROM django_tasks_database_dbtaskresult")
    stack.query("DELETE FROM mail_delivery")
    yield box
    box.hold_data = box.hold_quit = None


def _stop_mid_task(stack: Stack, process: subprocess.Popen) -> None:
    """A stop, then a second one: db_worker ends the task it is running (SystemExit), records
    it as failed, and exits."""
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    stopped = stack.query(
        "SELECT exception_class_path FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'FAILED'"
    )
    assert stopped == [("builtins.SystemExit",)]


def test_a_message_the_server_took_is_not_sent_again_after_the_worker_is_stopped(
    stack: Stack, mailbox
) -> None:
    mailbox.hold_quit = threading.Event()  # taken (250), then the worker waits on QUIT
    stack.queue_a_notice()
    worker = stack.worker()
    assert mailbox.received.wait(60)
    stack.wait_for("SELECT status FROM mail_delivery", [("sent",)])
    _stop_mid_task(stack, worker)
    mailbox.hold_quit.set()
    # The next worker, and an operator who retries every failure left: no second copy.
    stack.work()
    stack.shell(RETRY_FAILURES)
    stack.work()
    assert len(mailbox.messages) == 1
    assert [row[:2] for row in stack.deliveries()] == [("sent", 1)]


def _sent_again_once_and_logged_so(stack: Stack, mailbox) -> None:
    assert len(mailbox.messages) == 2
    assert len(set(mailbox.message_ids())) == 1
    ((status, copies, tries),) = stack.deliveries()
    assert (status, copies) == ("sent", 2)
    assert '"resend_after_uncertain": true' in tries


def _sending_held_at_data(stack: Stack, mailbox) -> subprocess.Popen:
    """A worker sending a notice, whose answer to DATA the server holds back."""
    mailbox.hold_data = threading.Event()
    stack.queue_a_notice()
    worker = stack.worker()
    assert mailbox.received.wait(60)
    return worker


def test_a_message_whose_answer_never_came_is_sent_once_more_and_logged_so(
    stack: Stack, mailbox
) -> None:
    _stop_mid_task(stack, _sending_held_at_data(stack, mailbox))
    mailbox.hold_data.set()
    stack.work()
    stack.shell(RETRY_FAILURES)
    stack.work()
    _sent_again_once_and_logged_so(stack, mailbox)


def test_a_message_whose_worker_was_killed_is_sent_by_the_next_worker(
    stack: Stack, mailbox
) -> None:
    worker = _sending_held_at_data(stack, mailbox)
    worker.send_signal(signal.SIGKILL)  # records nothing: the task is left "running"
    worker.wait(timeout=60)
    tasks = "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult"
    assert stack.query(tasks) == [("RUNNING", "")]
    mailbox.hold_data.set()
    stack.work()
    assert sorted(stack.query(tasks)) == [
        ("FAILED", "ita.lib.tasks.WorkerStopped"),
        ("SUCCESSFUL", ""),
    ]
    _sent_again_once_and_logged_so(stack, mailbox)
    stack.work()  # nothing left to do: no third copy
    assert len(mailbox.messages) == 2


def _wait_for_line(process: subprocess.Popen, text: str, seconds: float = 60) -> None:
    assert process.stderr is not None
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=1):
                line = process.stderr.readline()
                assert line, f"the worker ended before logging {text!r}"
                if text in line:
                    return
    raise AssertionError(f"the worker never logged {text!r}")


def test_an_idle_worker_retries_the_task_of_a_worker_killed_beside_it(
    stack: Stack, mailbox
) -> None:
    """A second worker already running and idle when the first is killed (as when one of two
    workers dies, or a killed worker is restarted within the grace): no new task, restart or page
    comes to wake it, and it retries the run by itself."""
    killed = _sending_held_at_data(stack, mailbox)
    idle = stack.worker(batch=False)
    try:
        # Up, its reap at start done while the first still holds its lease.
        _wait_for_line(idle, "Starting worker")
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        mailbox.hold_data.set()
        stack.wait_for("SELECT status, copies FROM mail_delivery", [("sent", 2)])
    finally:
        idle.send_signal(signal.SIGTERM)
        idle.wait(timeout=60)
    assert idle.returncode == 0
    _sent_again_once_and_logged_so(stack, mailbox)
