"""``/health/``: is the database answering, can files be stored, is a task worker running?

200 when every check passes, 503 otherwise, as JSON. A failure names the kind of error only
(never its text, which may carry a path, a host or a password).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ita.lib import tasks


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _storage() -> dict[str, Any]:
    """Write a probe file, read it back and delete it."""
    probe = f"health/probe-{get_random_string(16)}.txt"
    name = default_storage.save(probe, ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as f:
            ok = f.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def _worker() -> dict[str, Any]:
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


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "storage": _storage,
    "worker": _worker,
}


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure is the answer, not a 500
            results[name] = {"ok": False, "error": type(error).__name__}
    ok = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503
    )
