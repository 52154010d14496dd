"""Benchmark: what a memo's notice costs the request, queued (now) against sent in the request.

    .venv/bin/python bench/notices.py [--runs 30] [--delay-ms 200]

Loads the demo into its own SQLite file under bench/out/ (rebuilt each run), starts a real SMTP
server (aiosmtpd, in a thread) that takes ``--delay-ms`` to accept each message (a slow mail
server), then times ``--runs`` memo sends through the service, each in its own transaction with
its notice to the head of the clerk's office:

- sent in the request: django-tasks' ImmediateBackend runs the notice task at commit, as the
  product did before the queue (the baseline);
- queued: the database backend writes the task row at commit; the worker sends it later.

It prints the median of each and their ratio, then the time the real worker (django-tasks-db's
``Worker``, in-process) takes to deliver the queued notices, in messages per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")
os.environ["LOG_LEVEL"] = "WARNING"

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--delay-ms", type=int, default=200)
ARGS = parser.parse_args()
out = ROOT / "bench" / "out"
out.mkdir(parents=True, exist_ok=True)
db_file = out / "notices.sqlite3"
db_file.unlink(missing_ok=True)
os.environ.pop("DATABASE_URL", None)
os.environ["SQLITE_PATH"] = str(db_file)

import django  # noqa: E402

django.setup()

import io  # noqa: E402
import socket  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_tasks_db.management.commands.db_worker import Worker  # noqa: E402

from memos import services  # noqa: E402
from memos.models import Memo  # noqa: E402


class SlowServer:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        await asyncio.sleep(ARGS.delay_ms / 1000)
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_memos(n: int) -> list[float]:
    legal = get_user_model().objects.get(username="legal")
    template = Memo.objects.filter(author=legal).order_by("pk").first()
    assert template is not None
    data = {f: getattr(template, f) for f in services.CONTENT_FIELDS if f != "report_year"}
    times = []
    for _ in range(n):
        memo = services.memo_create(organisation=template.organisation, data=data, actor=legal)
        started = time.perf_counter()
        services.memo_send(memo=memo, actor=legal)  # its own transaction; the notice at commit
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=io.StringIO())
    handler = SlowServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    mail = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
    }
    try:
        immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        with override_settings(TASKS=immediate, **mail):
            inline = send_memos(ARGS.runs)
        with override_settings(**mail):
            queued = send_memos(ARGS.runs)
            started = time.perf_counter()
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="bench",
                excluded_queue_names=[],
            ).run()
            drained = time.perf_counter() - started
    finally:
        controller.stop()
    a, b = statistics.median(inline), statistics.median(queued)
    print(f"mail server delay {ARGS.delay_ms} ms, {ARGS.runs} memo sends each")
    print(f"  notice sent in the request (baseline): median {a * 1000:8.1f} ms")
    print(f"  notice queued for the worker:          median {b * 1000:8.1f} ms  ratio {b / a:.2f}")
    print(
        f"  worker delivered {ARGS.runs} queued notices in {drained:.1f} s "
        f"({ARGS.runs / drained:.1f}/s); server received {handler.received} in all"
    )


if __name__ == "__main__":
    main()
