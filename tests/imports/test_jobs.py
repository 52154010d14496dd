"""Applying and reverting an import run on the task worker (the real django-tasks db_worker): the
request returns at once, the page shows the job and refreshes itself until it is over, and a
refusal or a failure in the worker leaves a Thai reason on the page and nothing applied."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from ita.history.models import Event
from ita.imports import jobs, services
from ita.imports.models import ImportBatch, ImportJob
from ita.lib import leases, tasks
from ita.organisations.models import District, Organisation
from ita.results.models import Assessment
from tests.imports.helpers import seed_text
from tests.ops.conftest import DB_TASKS, time_passes, work

pytestmark = pytest.mark.django_db

PAO = "องค์การบริหารส่วนจังหวัดตรัง"


@pytest.fixture
def queued(settings, monkeypatch):
    settings.TASKS = DB_TASKS  # run by the worker, as in production
    # The worker runs inside the test's transaction: its check for stale connections would
    # close it (PostgreSQL: autocommit is off inside the transaction).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def ready(client, demo):
    """The seed with the PAO's score changed, previewed on the page and ready to apply."""
    client.force_login(demo.users["admin"])
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    upload = SimpleUploadedFile("trang.txt", text.encode("utf-8"), "text/plain")
    url = client.post(reverse("imports:index"), {"file": upload, "year": 2564})["Location"]
    for _ in range(20):
        if b'id="check-form"' not in client.get(url).content:
            break
        client.post(url + "check/")
    batch = ImportBatch.objects.get()
    assert batch.can_commit
    return url, batch


def _total() -> str:
    return str(Assessment.objects.get(organisation__name=PAO, year__year=2564).total)


def test_the_apply_and_the_revert_run_on_the_worker_with_their_progress_on_the_page(
    client, queued, ready
) -> None:
    url, batch = ready
    response = client.post(url + "commit/")
    assert response.status_code == 302  # at once: nothing applied in the request
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY and _total() == "96.76"
    job = ImportJob.objects.get()
    assert (job.action, job.status, job.done, job.total) == ("apply", "queued", 0, 85)
    page = client.get(url).content.decode()
    # Without JavaScript the page asks again by itself; with it, the script asks the job's state.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'id="job"' in page and 'max="85"' in page
    assert "รอตัวทำงานเบื้องหลังเริ่มทำงานนี้" in page
    assert 'action="' + url + 'commit/"' not in page  # no second apply to press meanwhile
    state = client.get(reverse("imports:job", args=[batch.pk])).json()
    assert state["status"] == "queued" and state["total"] == 85
    # A second click queues nothing more.
    again = client.post(url + "commit/", follow=True).content.decode()
    assert '<li class="warning">' in again and ImportJob.objects.count() == 1
    assert Event.objects.filter(action="import.queue").count() == 1

    assert work() == 1
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and _total() == "97.76"
    assert (job.status, job.done, job.error) == ("done", 85, "")
    assert batch.applied_by.username == "admin"  # the apply is the one who asked
    page = client.get(url).content.decode()
    assert 'id="job"' not in page and "http-equiv" not in page
    assert client.get(reverse("imports:job", args=[batch.pk])).json()["status"] == "done"

    client.post(url + "revert/")
    assert _total() == "97.76"
    assert work() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REVERTED and _total() == "96.76"
    assert ImportJob.objects.filter(status="done").count() == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


def test_a_refused_apply_on_the_worker_says_why_in_thai_and_changes_nothing(
    client, queued, ready
) -> None:
    url, batch = ready
    client.post(url + "commit/")
    # The stored data changes between the click and the worker: the preview is stale.
    Assessment.objects.filter(organisation__name=PAO, year__year=2564).update(total="90.00")
    with translation.override("th"):
        assert work() == 1
    job = ImportJob.objects.get()
    batch.refresh_from_db()
    assert job.status == "failed" and "ข้อมูลที่บันทึกไว้เปลี่ยนไป" in job.error
    assert batch.status == ImportBatch.Status.READY and _total() == "90.00"
    assert not Event.objects.filter(action="import.apply").exists()
    page = client.get(url).content.decode()
    assert 'role="alert"' in page and "ข้อมูลที่บันทึกไว้เปลี่ยนไป" in page
    assert 'action="' + url + 'commit/"' in page  # the administrator may try again


def test_a_failure_in_the_middle_of_the_apply_leaves_nothing_half_applied(
    client, queued, ready, monkeypatch
) -> None:
    url, batch = ready
    original = services._apply

    def write_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        assert _total() == "97.76"  # written inside the apply's transaction …
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_apply", write_then_fail)
    client.post(url + "commit/")
    with translation.override("th"):
        assert work() == 1
    assert _total() == "96.76"  # … and rolled back with it
    batch.refresh_from_db()
    job = ImportJob.objects.get()
    assert batch.status == ImportBatch.Status.READY and job.status == "failed"
    assert "RuntimeError" in job.error and "ไม่มีการเปลี่ยนแปลง" in job.error
    # Failed for good, not retried behind the administrator's back.
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED and work() == 0
    monkeypatch.setattr(services, "_apply", original)
    client.post(url + "commit/")  # tried again, it is applied
    assert work() == 1 and _total() == "97.76"


def test_progress_is_reported_while_the_apply_checks_the_rows(queued, ready, monkeypatch) -> None:
    _url, batch = ready
    monkeypatch.setattr(services, "CHUNK", 30)
    # An organisation stored since the preview: the apply checks every row again (and applies).
    Organisation.objects.create(
        name="องค์การบริหารส่วนตำบลใหม่",
        name_key="องค์การบริหารส่วนตำบลใหม่",
        kind="sao",
        district=District.objects.first(),
    )
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(jobs.Progress, "__call__", lambda self, d, t: seen.append((d, t)))
    jobs.import_job_queue(batch=batch, action="apply", actor=None)
    assert work() == 1
    assert seen == [(30, 85), (60, 85), (84, 85)]
    assert ImportJob.objects.get().done == 85
    assert _total() == "97.76"


def test_progress_of_an_apply_that_need_not_check_again(queued, ready, monkeypatch) -> None:
    _url, batch = ready
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(jobs.Progress, "__call__", lambda self, d, t: seen.append((d, t)))
    jobs.import_job_queue(batch=batch, action="apply", actor=None)
    assert work() == 1
    assert seen == [(84, 85)]
    assert ImportJob.objects.get().done == 85


def _killed_mid_apply(client, url: str) -> DBTaskResult:
    """The apply asked for, claimed by a worker that was then killed (SIGKILL records nothing:
    its task row and the job stay "running"), its transaction never committed."""
    client.post(url + "commit/")
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")
    ImportJob.objects.update(status=ImportJob.Status.RUNNING)
    return task


def test_an_apply_whose_worker_was_killed_runs_again_and_is_applied(
    client, queued, ready, settings
) -> None:
    settings.TASK_LEASE_GRACE_SECONDS = 0
    url, batch = ready
    _killed_mid_apply(client, url)
    # A live worker holds its run's lease: its run is left alone.
    task = DBTaskResult.objects.get()
    with leases.held("task", str(task.pk)):
        assert 'id="job"' in client.get(url).content.decode()
        assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    # Killed, its lease let go: the page finds the run stopped and it is retried.
    page = client.get(url).content.decode()
    assert 'id="job"' in page  # still on its way: the retry waits for a worker
    runs = dict(DBTaskResult.objects.values_list("status", "exception_class_path"))
    assert runs == {"FAILED": "ita.lib.tasks.WorkerStopped", "READY": ""}
    time_passes()
    assert work() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and _total() == "97.76"
    assert ImportJob.objects.get().status == "done"


def test_a_run_a_live_worker_holds_costs_the_reaper_no_transaction(
    client, queued, ready, settings
) -> None:
    """Workers reap every few seconds, busy or idle: a run whose lease a live worker holds is
    passed over at a look, with no transaction opened for it (on SQLite one takes the write lock,
    and would wait on, or fail beside, the run's own long import)."""
    settings.TASK_LEASE_GRACE_SECONDS = 0
    url, _batch = ready
    task = _killed_mid_apply(client, url)
    with leases.held("task", str(task.pk)), CaptureQueriesContext(connection) as queries:
        assert tasks.reap_stopped() == 0
    opened = [q["sql"] for q in queries if "SAVEPOINT" in q["sql"] or "BEGIN" in q["sql"]]
    assert opened == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


def test_a_killed_apply_with_no_attempt_left_ends_failed_on_its_page_and_can_be_asked_again(
    client, queued, ready, settings
) -> None:
    settings.TASK_LEASE_GRACE_SECONDS = 0
    settings.TASK_RETRY_ATTEMPTS = 1
    url, batch = ready
    _killed_mid_apply(client, url)
    with translation.override("th"):
        state = client.get(reverse("imports:job", args=[batch.pk])).json()
    assert state["status"] == "failed" and "ตัวทำงานเบื้องหลังหยุด" in state["error"]
    event = Event.objects.get(action="import.job_stopped")
    assert (event.from_state, event.to_state, event.actor_id) == ("running", "failed", None)
    page = client.get(url).content.decode()
    assert 'role="alert"' in page and 'action="' + url + 'commit/"' in page
    assert _total() == "96.76"
    client.post(url + "commit/")  # asked again, it is applied
    assert work() == 1 and _total() == "97.76"


def test_a_job_whose_worker_died_after_the_commit_ends_done(client, queued, ready) -> None:
    url, batch = ready
    client.post(url + "commit/")
    assert work() == 1
    # The worker died between the apply's commit and the job's end; its task rows pruned since.
    ImportJob.objects.update(status=ImportJob.Status.RUNNING, finished_at=None)
    DBTaskResult.objects.all().delete()
    assert client.get(reverse("imports:job", args=[batch.pk])).json()["status"] == "done"
    assert Event.objects.get(action="import.job_stopped").to_state == "done"
