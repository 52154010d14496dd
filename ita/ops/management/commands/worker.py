"""``manage.py worker``: django-tasks' ``db_worker`` (same options), which first records the runs
a killed worker left "running" as failed and retries them (``ita.lib.tasks.reap_stopped``)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from ita.lib.tasks import reap_stopped


class Command(db_worker.Command):
    help = (
        "Run the background tasks (django-tasks' db_worker), first retrying the tasks a worker "
        "that was killed left running."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = reap_stopped()
        if reaped:
            self.stderr.write(f"{reaped} task(s) left running by a stopped worker: retried")
        super().handle(*args, **options)
