"""Operators' writes: a failed background task enqueued again, with its history row."""

from __future__ import annotations

from django.db import transaction

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib import tasks


@transaction.atomic(durable=True)
def task_retry(*, result_id: str, actor: Actor) -> str | None:
    """Enqueue a failed task again, to run now as a first attempt; the new run's id, or None
    when there is nothing to retry (already retried, not failed, gone).

    The new row is written in this transaction (the queue is the database), with the history
    row: both or neither.
    """
    new_id = tasks.retry_failed(result_id)
    if new_id is not None:
        event_record(
            actor=actor,
            action=EventKind.TASK_RETRY,
            organisation_id=None,
            object_type="django_tasks_db.dbtaskresult",
            object_id=result_id,
            comment=new_id,
        )
    return new_id
