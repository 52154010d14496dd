"""Background tasks on the database queue (django-tasks with django-tasks-db), retried with back-off.

django-tasks runs each task once. ``retrying_task`` adds the retry: when the function raises, the
attempt is recorded as failed (with its traceback) and the same task is enqueued again with
``run_after`` = now + ``TASK_RETRY_BASE_SECONDS`` × 2^(attempt − 1) (at most
``TASK_RETRY_MAX_SECONDS``), up to ``TASK_RETRY_ATTEMPTS`` attempts; every retry and the last
failure are logged. Each attempt is its own row; a retry names the row it retries
(``retry_of``), so the failures still to look at are the failed rows no other row retries.

A task, where its function is defined (the worker imports it by that path)::

    @retrying_task(label=_("Memo archive"))
    def memo_archive_task(memo_id: int) -> None:
        memo_archive(memo_id)

and enqueued from a service once its transaction commits::

    enqueue_on_commit(memo_archive_task, memo.pk)

Arguments must be JSON (ids, strings, numbers, lists); a task reads the rows it needs itself,
as they are when it runs, and does nothing when they are gone. A task that may run twice
(a worker killed between delivery and recording) must check what it already did: every run of
one task, its retries and a retry by hand included, shares one ``run_key()`` (the id of the
first run), by which ``ita.mail.deliver`` knows a message it already sent.

A task stopped by the worker's shutdown (a second SIGTERM or Ctrl-C ends the running task) is
retried like a failure. A task that raises ``GiveUp`` is not retried: nothing a retry does can
mend it (a message that may have been delivered twice already).

A worker killed outright (SIGKILL, out of memory, a machine lost) records nothing: its task
would stay "running" for ever, a message never sent, an import never applied. Each run holds a
lease (``ita.lib.leases``) from its start until the worker has recorded its end, which the
system lets go when the worker dies; ``reap_stopped`` finds the running rows nobody holds,
records them failed (``WorkerStopped``) and retries them as any failure. It runs when a worker
starts (``manage.py worker``), before each task, and on the pages that show a task's work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_stubs_ext import StrOrPromise
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks.base import Task, TaskResult
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult, get_date_max

from ita.lib import leases
from ita.lib.jsonvalue import JSONObject

logger = logging.getLogger("ita.tasks")

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPT = "attempt"
RETRY_OF = "retry_of"
# The id of a task's first run, carried by its retries (and by a retry by hand).
FIRST_RUN = "first_run"
_run_key: ContextVar[str | None] = ContextVar("ita_task_run_key", default=None)
# Every task made by ``retrying_task``: its module path → its label (for the staff page).
LABELS: dict[str, StrOrPromise] = {}


LEASE = "task"


class GiveUp(Exception):
    """A failure no retry can mend: the task fails for good at once (and is logged so)."""


class WorkerStopped(Exception):
    """The worker running the task stopped before it recorded the task's end (killed)."""


def run_key() -> str | None:
    """The key shared by every run of the task running now (None outside a task)."""
    return _run_key.get()


def retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after the failed ``attempt`` (1, 2, …) before the next one."""
    base = settings.TASK_RETRY_BASE_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** (attempt - 1), settings.TASK_RETRY_MAX_SECONDS))


def retrying_task(
    *, label: StrOrPromise = "", priority: int = 0, queue_name: str = "default"
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Make ``func`` a task that retries itself with exponential back-off when it raises."""

    def wrap(func: Callable[P, T]) -> Task[P, T]:
        # ``P``'s arguments with the retries' own among them (``_bookkeeping``): not typed as P.
        def run(context: TaskContext, *args: Any, **kwargs: Any) -> T:
            this = context.task_result
            attempt, first = _bookkeeping(kwargs, this.id)
            token = _run_key.set(first)
            # Held until the worker has recorded the end (``_recorded``), or it dies.
            leases.take(LEASE, str(this.id))
            reap_quietly()
            try:
                return func(*args, **kwargs)
            except (Exception, SystemExit, KeyboardInterrupt) as error:
                # A stop of the worker ends the task with SystemExit or KeyboardInterrupt: it
                # is retried as a failure is, and the stop goes on.
                _retry_or_give_up(this, attempt, first, error, args, kwargs)
                raise
            finally:
                _run_key.reset(token)

        # The worker finds a task by its function's module and name: those of ``func``.
        # (Not functools.wraps: django-tasks reads the signature, which must start at context.)
        run.__module__ = func.__module__
        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__doc__ = func.__doc__
        made: Task[P, T] = task(takes_context=True, priority=priority, queue_name=queue_name)(run)
        LABELS[made.module_path] = label or func.__name__
        return made

    return wrap


def _bookkeeping(kwargs: dict[str, Any], run_id: object) -> tuple[int, str]:
    """Take the retries' own arguments out of a run's ``kwargs``: its attempt and the id of
    the task's first run (``run_id`` when it is the first)."""
    attempt = int(kwargs.pop(ATTEMPT, 1))
    kwargs.pop(RETRY_OF, None)
    return attempt, str(kwargs.pop(FIRST_RUN, "") or run_id)


def _retry_or_give_up(
    this: TaskResult[object] | _Stopped,
    attempt: int,
    first: str,
    error: BaseException,
    args: Sequence[object],
    kwargs: dict[str, object],
) -> None:
    name = this.task.module_path
    if not this.task.get_backend().supports_defer:
        return  # the immediate backend (some tests): no queue to retry on
    if isinstance(error, GiveUp) or attempt >= settings.TASK_RETRY_ATTEMPTS:
        logger.error(
            "task gave up task=%s id=%s attempt=%d error=%s",
            name,
            this.id,
            attempt,
            type(error).__name__,
        )
        return
    run_after = timezone.now() + retry_delay(attempt)
    this.task.using(run_after=run_after).enqueue(
        *args, **kwargs, **{ATTEMPT: attempt + 1, RETRY_OF: str(this.id), FIRST_RUN: first}
    )
    logger.warning(
        "task retry task=%s id=%s attempt=%d next_at=%s error=%s",
        name,
        this.id,
        attempt,
        run_after.isoformat(timespec="seconds"),
        type(error).__name__,
    )


@dataclass(frozen=True)
class _Stopped:
    """A run found stopped, as ``_retry_or_give_up`` wants it."""

    id: str
    task: Task[..., object]


def reap_stopped(*, task_path: str = "") -> int:
    """Record the runs whose worker died as failed (``WorkerStopped``), retried as a failure is;
    how many. Only runs started more than ``TASK_LEASE_GRACE_SECONDS`` ago: a run just claimed
    takes its lease a moment after its claim."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.TASK_LEASE_GRACE_SECONDS)
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    if task_path:
        running = running.filter(task_path=task_path)
    reaped = 0
    for run_id in list(running.values_list("id", flat=True)[:100]):
        if leases.looks_held(LEASE, str(run_id)):
            continue  # a live worker's run: no transaction (on SQLite, a write lock) opened for it
        with transaction.atomic(), leases.free(LEASE, str(run_id)) as nobody_holds_it:
            if not nobody_holds_it:
                continue
            result = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=run_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if result is None:
                continue
            error = WorkerStopped(
                "The worker running this task stopped before it recorded the task's end."
            )
            result.set_failed(error)
            reaped += 1
            logger.warning("task stopped with its worker task=%s id=%s", result.task_path, run_id)
            if result.task_path not in LABELS:
                continue
            kwargs = dict(result.args_kwargs.get("kwargs", {}))
            attempt, first = _bookkeeping(kwargs, run_id)
            stopped = _Stopped(id=str(run_id), task=result.task)
            args = result.args_kwargs.get("args", [])
            _retry_or_give_up(stopped, attempt, first, error, args, kwargs)
    return reaped


def reap_every() -> float:
    """How often a worker looks for runs of a stopped worker (seconds): a run becomes
    reapable ``TASK_LEASE_GRACE_SECONDS`` after its start; at least one second."""
    return max(float(settings.TASK_LEASE_GRACE_SECONDS), 1.0)


def reap_quietly() -> None:
    try:
        reap_stopped()
    except Exception:
        logger.exception("stopped tasks not reaped")


def _recorded(sender: object, task_result: TaskResult[object], **kwargs: object) -> None:
    leases.let_go(LEASE, str(task_result.id))


task_finished.connect(_recorded, dispatch_uid="ita.lib.tasks.recorded")


def enqueue_on_commit(the_task: Task[P, T], *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue once the current transaction commits: a rolled-back change queues nothing."""
    transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))


def waiting_kwargs(the_task: Task[P, T]) -> list[JSONObject]:
    """The keyword arguments of every run of ``the_task`` queued or running (a retry waiting out
    its back-off too), in one query: what not to queue again."""
    rows = DBTaskResult.objects.filter(
        task_path=the_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return [row.get("kwargs", {}) for row in rows]


@dataclass(frozen=True)
class Row:
    """One task run as the staff page shows it."""

    id: str
    label: str
    status: str
    attempt: int
    enqueued_at: dt.datetime
    run_after: dt.datetime | None
    finished_at: dt.datetime | None
    error: str


def _row(result: DBTaskResult) -> Row:
    kwargs = result.args_kwargs.get("kwargs", {})
    error = ""
    if result.traceback:
        error = result.traceback.strip().splitlines()[-1][:300]
    run_after = None if result.run_after == get_date_max() else result.run_after
    return Row(
        id=str(result.id),
        label=str(LABELS.get(result.task_path, result.task_path.rsplit(".", 1)[-1])),
        status=result.status,
        attempt=int(kwargs.get(ATTEMPT, 1)),
        enqueued_at=result.enqueued_at,
        run_after=run_after,
        finished_at=result.finished_at,
        error=error,
    )


def _retried(ids: Iterable[str]) -> set[str]:
    ids = list(ids)
    if not ids:
        return set()
    return set(
        DBTaskResult.objects.filter(**{f"args_kwargs__kwargs__{RETRY_OF}__in": ids}).values_list(
            f"args_kwargs__kwargs__{RETRY_OF}", flat=True
        )
    )


def failed(limit: int = 200) -> list[Row]:
    """Failed runs that nothing retries any more (the last attempt, or a retry refused), newest
    first."""
    results = list(DBTaskResult.objects.failed().order_by("-finished_at")[:limit])
    retried = _retried(str(r.id) for r in results)
    return [_row(r) for r in results if str(r.id) not in retried]


def failed_count(limit: int = 1000) -> int:
    """How many failures are left to look at (among the latest ``limit`` failed runs)."""
    ids = [
        str(i)
        for i in DBTaskResult.objects.failed()
        .order_by("-finished_at")
        .values_list("id", flat=True)[:limit]
    ]
    return len(set(ids) - _retried(ids))


def waiting(limit: int = 200) -> list[Row]:
    """Runs queued (a retry waiting out its back-off too) or running, the next first."""
    results = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).order_by("run_after", "enqueued_at")[:limit]
    return [_row(r) for r in results]


def retry_failed(result_id: str) -> str | None:
    """Enqueue a failed run again now, as a first attempt; the new run's id, or None when the
    run is not a failure left alone (already retried, or not failed)."""
    result_id = str(result_id)
    with transaction.atomic():
        result = DBTaskResult.objects.select_for_update().filter(pk=result_id).first()
        if result is None or result.status != TaskResultStatus.FAILED or _retried([result_id]):
            return None
        args = result.args_kwargs.get("args", [])
        kwargs = {k: v for k, v in result.args_kwargs.get("kwargs", {}).items() if k != ATTEMPT}
        # The same task: the key its messages were sent under stays (``run_key``).
        kwargs = {FIRST_RUN: result_id} | kwargs | {RETRY_OF: result_id}
        again = result.task.using(run_after=timezone.now()).enqueue(*args, **kwargs)
    logger.info(
        "task retried by hand task=%s id=%s new_id=%s", result.task_path, result_id, again.id
    )
    return str(again.id)


def oldest_waiting_age() -> dt.timedelta | None:
    """How long the task that has been due longest has waited for a worker (None when no task
    is due): a worker that is alive keeps this near zero."""
    ready = DBTaskResult.objects.ready()
    now = timezone.now()
    dues = [
        *ready.filter(run_after=get_date_max())
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)[:1],
        *ready.filter(run_after__lte=now)
        .order_by("run_after")
        .values_list("run_after", flat=True)[:1],
    ]
    if not dues:
        return None
    return max(now - min(dues), dt.timedelta(0))
