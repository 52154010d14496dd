"""Applying and reverting an import on the task worker, with its progress on the import's page.

The page queues the job (``import_job_queue``) and returns at once; the worker runs
``import_commit`` or ``import_revert``, one transaction that takes the year's database lock first
(``ita.imports.locking``), so two applies of one year take turns on any number of servers and
workers. Its progress (rows done of the total) is written by a connection of its own, outside
that transaction, where the page reads it while the apply runs (PostgreSQL; SQLite lets one
writer in at a time, so there the page shows the job running until it is done). A refusal or a
failure leaves the job failed with its reason in Thai, and nothing of the import applied.

A worker killed in the middle (``ita.lib.tasks.reap_stopped``) has its run retried: the apply
runs again from the start (the killed one's transaction was never committed), or finds it
committed and ends the job. A job no run is left to finish (its retries spent, its task rows
pruned) is ended by ``import_job_settle`` when its page is read, so the import can be applied
again.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.imports import services
from ita.imports.describe import user_name, when
from ita.imports.models import ImportBatch, ImportJob
from ita.lib.tasks import GiveUp, reap_stopped, retrying_task

logger = logging.getLogger("ita.imports")

PENDING = [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]


def import_job_queue(*, batch: ImportBatch, action: str, actor: Actor) -> ImportJob:
    """Queue the apply (or the revert) of ``batch`` for the worker, when it can be done now.

    Refused, changing nothing, when the import cannot be applied (or reverted), or when a job
    of it is already waiting or running."""
    if action not in ImportJob.Action.values:
        raise ValidationError(_("Unknown choice."))
    import_job_settle(batch=batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().defer("table").get(pk=batch.pk)
        pending = locked.jobs.filter(status__in=PENDING).select_related("requested_by").first()
        if pending is not None:
            raise services.AlreadyApplied(
                _(
                    "This import is already being applied or reverted (asked by %(who)s, "
                    "%(when)s). Nothing else was queued: its progress is on this page."
                )
                % {"who": user_name(pending.requested_by), "when": when(pending.requested_at)}
            )
        if action == ImportJob.Action.APPLY:
            services.refuse_apply(locked)
        else:
            services.refuse_revert(locked)
        job = ImportJob.objects.create(
            batch=locked,
            action=action,
            total=locked.rows_total,
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )
        event_record(
            actor=actor,
            action=EventKind.IMPORT_QUEUE,
            organisation_id=None,
            obj=locked,
            to_state=locked.status,
            comment=locked.file_name,
            data={"action": action, "job": job.pk, "rows": locked.rows_total},
        )
        # In the same transaction: the job and its task are queued together or not at all.
        import_job_run.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


class Progress:
    """Writes a job's rows done where the page reads it while the apply's transaction is open:
    through a connection of its own, which commits each write (PostgreSQL only)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: BaseDatabaseWrapper | None = None

    def __call__(self, done: int, total: int) -> None:
        if connection.vendor != "postgresql":
            return
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    # Never wait on a lock: a progress not written is only a late progress.
                    cursor.execute("SET lock_timeout = '1s'")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET done = %s, total = %s "
                    "WHERE id = %s AND status = %s",
                    [done, total, self.job_id, ImportJob.Status.RUNNING],
                )
        except DatabaseError:
            logger.warning("import progress not written job=%s", self.job_id)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _finish(job: ImportJob, status: str, error: str = "") -> None:
    fields: dict[str, object] = {"status": status, "error": error, "finished_at": timezone.now()}
    if status == ImportJob.Status.DONE:
        fields["done"] = job.total
    ImportJob.objects.filter(pk=job.pk).update(**fields)


@retrying_task(label=gettext_lazy("Import applied or reverted"))
def import_job_run(job_id: int) -> None:
    """Run a queued job: the apply or the revert, all or nothing; its outcome on the job."""
    job = (
        ImportJob.objects.select_related("requested_by")
        .filter(pk=job_id, status__in=PENDING)
        .first()
    )
    if job is None:
        return  # done already, or its import discarded
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    batch = ImportBatch.objects.defer("table").get(pk=job.batch_id)
    apply = job.action == ImportJob.Action.APPLY
    progress = Progress(job.pk)
    try:
        if apply:
            services.import_commit(batch=batch, actor=job.requested_by, progress=progress)
        else:
            services.import_revert(batch=batch, actor=job.requested_by, progress=progress)
    except services.AlreadyApplied as exc:
        # A run again after a worker stopped between the commit and the job's end: it is done.
        batch.refresh_from_db(fields=["status"])
        target = ImportBatch.Status.APPLIED if apply else ImportBatch.Status.REVERTED
        if batch.status == target:
            _finish(job, ImportJob.Status.DONE)
        else:
            _finish(job, ImportJob.Status.FAILED, " ".join(exc.messages))
    except ValidationError as exc:
        _finish(job, ImportJob.Status.FAILED, " ".join(exc.messages))
    except Exception as exc:
        logger.exception("import job failed job=%s", job.pk)
        _finish(
            job,
            ImportJob.Status.FAILED,
            _(
                "The server failed while applying or reverting this import (%(error)s). Nothing "
                "of it was changed. Try again; if it fails again, tell the site's operators."
            )
            % {"error": type(exc).__name__},
        )
        # Not retried by itself: the administrator decides whether to try again.
        raise GiveUp(type(exc).__name__) from exc
    else:
        _finish(job, ImportJob.Status.DONE)
    finally:
        progress.close()


def _run_left(job: ImportJob) -> bool:
    """Whether a run of ``job`` is waiting for a worker or running."""
    return DBTaskResult.objects.filter(
        task_path=import_job_run.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__kwargs__job_id=job.pk,
    ).exists()


def import_job_settle(*, batch: ImportBatch) -> ImportJob | None:
    """The latest job of ``batch``, ended when its worker was killed and no run of it is left.

    A run a killed worker left "running" is retried first (``reap_stopped``); a job with no run
    left is done when its import reached what it asked (the worker died after the commit), and
    failed otherwise, with why, in Thai: nothing of it was applied, and it can be asked again."""
    job = ImportJob.objects.filter(batch=batch).select_related("requested_by").first()
    if job is None or not job.pending:
        return job
    reap_stopped(task_path=import_job_run.module_path)
    if _run_left(job):
        return job
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().defer("table").get(pk=batch.pk)
        if not ImportJob.objects.filter(pk=job.pk, status__in=PENDING).exists() or _run_left(job):
            job.refresh_from_db()
            return job
        apply = job.action == ImportJob.Action.APPLY
        target = ImportBatch.Status.APPLIED if apply else ImportBatch.Status.REVERTED
        if locked.status == target:
            _finish(job, ImportJob.Status.DONE)
        else:
            _finish(
                job,
                ImportJob.Status.FAILED,
                _(
                    "The task worker stopped while applying or reverting this import (the "
                    "server was restarted or ran out of memory) and no attempt is left. Nothing "
                    "of it was changed. Try again."
                ),
            )
        job.refresh_from_db()
        event_record(
            actor=None,
            action=EventKind.IMPORT_JOB_STOPPED,
            organisation_id=None,
            obj=locked,
            from_state=ImportJob.Status.RUNNING,
            to_state=job.status,
            comment=locked.file_name,
            data={"action": job.action, "job": job.pk},
        )
    return job
