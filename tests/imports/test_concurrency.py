"""Two applies of the same year, on two servers at once: the second waits for the first to
commit, then finds its preview stale and changes nothing (PostgreSQL: SQLite lets one writer in
at a time, so no race can happen there)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from ita.imports import jobs, services
from ita.imports.models import ImportBatch
from ita.imports.services import StalePreview, import_check, import_commit, import_preview
from ita.results.models import Assessment
from tests.ops.conftest import DB_TASKS, work

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every writer (run with DATABASE_URL=postgres://…)",
)


def _table(total: str) -> bytes:
    return (
        "ที่\tหน่วยงาน\tอำเภอ\tคะแนน\n"
        f"1\tองค์การบริหารส่วนจังหวัดตรัง\tเมืองตรัง\t{total}\n"
        f"2\tองค์การบริหารส่วนตำบลสุโสะ\tปะเหลียน\t{total}\n"
    ).encode()


def _ready(total: str) -> ImportBatch:
    batch = import_preview(data=_table(total), file_name=f"{total}.txt", year=2566)
    while batch.status == ImportBatch.Status.CHECKING:
        batch = import_check(batch=batch)
    assert batch.status == ImportBatch.Status.READY and not batch.error_count
    return batch


def _waiting() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_apply_of_the_year_waits_and_finds_its_preview_stale(demo, monkeypatch) -> None:
    first, second = _ready("70.00"), _ready("80.00")
    written, release = threading.Event(), threading.Event()
    original = services._apply

    def apply_then_hold(batch, *args, **kwargs):
        original(batch, *args, **kwargs)
        if batch.pk == first.pk:  # the first apply has written, not yet committed
            written.set()
            release.wait()

    monkeypatch.setattr(services, "_apply", apply_then_hold)
    outcome: dict[str, object] = {}

    def run(name: str, batch: ImportBatch) -> None:
        try:
            outcome[name] = import_commit(batch=batch, actor=None)
        except Exception as exc:
            outcome[name] = exc
        finally:
            connection.close()
            if name == "first":
                written.set()  # never leave the test waiting when the first apply failed

    one = threading.Thread(target=run, args=("first", first))
    one.start()
    written.wait()
    two = threading.Thread(target=run, args=("second", second))
    two.start()
    # The second apply is inside its transaction, waiting for a lock the first holds.
    while _waiting() == 0 and two.is_alive():
        two.join(0.05)
    release.set()
    one.join()
    two.join()
    assert isinstance(outcome["first"], ImportBatch), outcome
    assert isinstance(outcome["second"], StalePreview), outcome
    totals = set(Assessment.objects.filter(year__year=2566).values_list("total", flat=True))
    assert totals == {Decimal("70.00")}
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.READY


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_page_reads_an_apply_s_progress_while_its_transaction_is_open(
    client, demo, settings, monkeypatch
) -> None:
    """The worker's apply writes its rows done through a connection of its own: the page reads
    them while the apply's one transaction is still open, and the batch is not applied yet."""
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(services, "CHUNK", 1)
    batch = _ready("70.00")
    checked, release = threading.Event(), threading.Event()
    original = services._apply

    def hold_before_writing(*args, **kwargs):
        checked.set()
        release.wait()
        original(*args, **kwargs)

    monkeypatch.setattr(services, "_apply", hold_before_writing)
    job = jobs.import_job_queue(batch=batch, action="apply", actor=demo.users["admin"])

    def run() -> None:
        try:
            work()
        finally:
            checked.set()
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    checked.wait()
    try:
        client.force_login(demo.users["admin"])
        state = client.get(f"/imports/{batch.pk}/job/").json()
        batch.refresh_from_db()
    finally:
        release.set()
        worker.join()
    assert (state["status"], state["done"], state["total"]) == ("running", 1, 2)
    assert batch.status == ImportBatch.Status.READY
    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, job.done) == ("done", 2) and batch.status == ImportBatch.Status.APPLIED
