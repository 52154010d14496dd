"""``manage.py worker``: django-tasks' ``db_worker`` (same options), which records the runs a
killed worker left "running" as failed and retries them (``ita.lib.tasks.reap_stopped``): when
it starts, and every ``TASK_LEASE_GRACE_SECONDS`` while it runs, busy or idle."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections
from django_tasks_db.management.commands import db_worker

from ita.lib.tasks import reap_every, reap_quietly, reap_stopped


def _reap_forever(stop: threading.Event) -> None:
    """A thread of the worker: the runs of another worker killed while this one is idle (a
    killed worker restarted at once finds its own run too young to reap) are retried without
    waiting for a new task, a restart or a page. Its own connections; the reap takes each run's
    lease, so a run this very worker is running is never taken for stopped."""
    while not stop.wait(reap_every()):
        try:
            reap_quietly()
        finally:
            connections.close_all()


class Command(db_worker.Command):
    help = (
        "Run the background tasks (django-tasks' db_worker), retrying the tasks a worker that "
        "was killed left running."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = reap_stopped()
        if reaped:
            self.stderr.write(f"{reaped} task(s) left running by a stopped worker: retried")
        stop = threading.Event()
        reaper = threading.Thread(target=_reap_forever, args=(stop,), name="reaper", daemon=True)
        reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
