"""``/health/``: is the database answering, can files be stored, is a task worker running?

200 when every check passes, 503 otherwise, as JSON. A failure names the kind of error only
(never its text, which may carry a path, a host or a password). Each process keeps the answer
for ``HEALTH_CACHE_SECONDS``: a monitor (or many, or a load balancer asking every second) costs
the database and the file store one probe per process in that time, not one per request.

``/health/live/`` answers whether the process serves requests at all, touching nothing (no
database, no file, no cache): what a load balancer or a supervisor asks to decide a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Required, TypedDict

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ita.lib import tasks


class Check(TypedDict, total=False):
    """One check's answer: whether it passed, the kind of error if it raised, and the worker's
    numbers."""

    ok: Required[bool]
    error: str
    oldest_due_task_wait_seconds: int | None
    max_wait_seconds: int
    failed_tasks: int


Results = dict[str, Check]


def _database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _storage() -> Check:
    """Write a probe file, read it back and delete it."""
    probe = f"health/probe-{get_random_string(16)}.txt"
    name = default_storage.save(probe, ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as f:
            ok = f.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def _worker() -> Check:
    """A worker that is running leaves no due task waiting long."""
    age = tasks.oldest_waiting_age()
    limit = settings.HEALTH_TASK_MAX_WAIT_SECONDS
    seconds = None if age is None else round(age.total_seconds())
    return {
        "ok": seconds is None or seconds <= limit,
        "oldest_due_task_wait_seconds": seconds,
        "max_wait_seconds": limit,
        "failed_tasks": tasks.failed_count(),
    }


CHECKS: dict[str, Callable[[], Check]] = {
    "database": _database,
    "storage": _storage,
    "worker": _worker,
}


class _Recent:
    """The last answer of this process and when it was found (monotonic seconds)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.found_at = 0.0
        self.results: Results | None = None

    def get(self, max_age: float) -> Results | None:
        if self.results is not None and time.monotonic() - self.found_at < max_age:
            return self.results
        return None

    def put(self, results: Results) -> None:
        self.results, self.found_at = results, time.monotonic()

    def clear(self) -> None:
        self.results = None


recent = _Recent()


def _run_checks() -> Results:
    results: Results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure is the answer, not a 500
            results[name] = {"ok": False, "error": type(error).__name__}
    return results


def checked() -> Results:
    """Every check's result, at most ``HEALTH_CACHE_SECONDS`` old: one request of the process
    probes while the others that come meanwhile take its answer."""
    max_age = settings.HEALTH_CACHE_SECONDS
    results = recent.get(max_age)
    if results is not None:
        return results
    with recent.lock:
        results = recent.get(max_age)  # found by the request that held the lock
        if results is None:
            results = _run_checks()
            recent.put(results)
    return results


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    results = checked()
    ok = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503
    )


@require_safe
@never_cache
def live(request: HttpRequest) -> HttpResponse:
    """The process answers: nothing else is asked (see the module's docstring)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
