"""/health/ (database, storage, worker), the structured log lines, errors to ADMINS."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ita.lib.requestlog import StructuredFormatter
from ita.ops import health
from memos.tasks import memo_notice_send
from tests.factories import make_user
from tests.memos.conftest import make_memo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queue")]
ROOT = Path(__file__).resolve().parents[2]


def test_health_is_200_when_database_storage_and_worker_are_fine(client, tmp_media) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "database": True,
        "storage": True,
        "worker": True,
    }
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert list(tmp_media.rglob("*.txt")) == []  # the probe is deleted


def test_health_is_503_when_a_due_task_waits_for_no_worker(client, settings) -> None:
    settings.HEALTH_CACHE_SECONDS = 0  # each request probes again
    memo_notice_send.enqueue([1], "เรื่อง", "ข้อความ")
    assert client.get("/health/").status_code == 200  # just queued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    response = client.get("/health/")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False and worker["oldest_due_task_wait_seconds"] >= 600
    # A retry waiting out its back-off is not due: no alarm.
    DBTaskResult.objects.update(run_after=timezone.now() + dt.timedelta(minutes=5))
    assert client.get("/health/").status_code == 200


def test_health_is_503_when_storage_cannot_be_written_and_leaks_no_path(
    client, settings, tmp_path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"  # a folder inside a file: any write fails
    response = client.get("/health/")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False and storage["error"]
    text = response.content.decode()
    assert str(tmp_path) not in text and settings.SECRET_KEY not in text


def test_health_probes_once_per_process_in_its_window_then_again(
    client, settings, django_assert_num_queries, tmp_path
) -> None:
    settings.HEALTH_CACHE_SECONDS = 5
    assert client.get("/health/").status_code == 200
    # Within the window: the answer of the first request, no query, no file written.
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"
    assert client.get("/health/").status_code == 200  # still the kept answer
    health.recent.found_at -= 6  # the window has passed: the failure shows
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["checks"]["storage"]["ok"] is False


def test_liveness_answers_without_touching_database_or_files(
    client, settings, django_assert_num_queries, tmp_path, monkeypatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"  # storage broken: liveness does not ask
    monkeypatch.setattr(health, "CHECKS", {})  # no check is reachable from it
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
        head = client.head("/health/live/")
    assert response.status_code == 200 and response.content == b"ok"
    assert head.status_code == 200 and head.content == b""
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_answers_head(client) -> None:
    response = client.head("/health/")
    assert response.status_code == 200 and response.content == b""


def test_each_request_is_one_log_line_with_user_status_and_duration(client, caplog) -> None:
    user = make_user("someone")
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="ita.request"):
        client.get("/memos/")
        client.get("/no-such-page/")
    lines = [r for r in caplog.records if r.name == "ita.request"]
    assert [(r.fields["method"], r.fields["path"], r.fields["status"]) for r in lines] == [
        ("GET", "/memos/", 200),
        ("GET", "/no-such-page/", 404),
    ]
    assert lines[0].fields["user"] == user.pk and lines[0].fields["duration_ms"] >= 0
    text = StructuredFormatter().format(lines[0])
    assert "method=GET path=/memos/ status=200" in text and f"user={user.pk}" in text
    as_json = json.loads(StructuredFormatter(json=True).format(lines[0]))
    assert as_json["status"] == 200 and as_json["logger"] == "ita.request"


def test_each_service_action_is_logged_once_committed(
    org, caplog, django_capture_on_commit_callbacks
) -> None:
    with (
        caplog.at_level(logging.INFO, logger="ita.history"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        memo = make_memo(org)
    (line,) = [r for r in caplog.records if r.name == "ita.history"]
    assert line.fields["action"] == "memo.create"
    assert line.fields["object"] == f"memos.memo:{memo.pk}"
    assert line.fields["user"] == org["author"].pk


def test_a_task_that_gives_up_is_mailed_to_the_admins(settings) -> None:
    """The "ita" logger's errors reach ADMINS (with DEBUG off, as in production)."""
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.go.th")]
    logging.getLogger("ita.tasks").error("task gave up task=%s", "memos.tasks.memo_notice_send")
    assert [m.to for m in mail.outbox] == [["ops@example.go.th"]]
    assert "task gave up" in mail.outbox[0].subject


def test_admins_and_sentry_come_from_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SENTRY_DSN"}}
    script = "from django.conf import settings; print(settings.ADMINS)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "ita.settings",
            "ADMINS": "ผู้ดูแล <ops@example.go.th>, it@example.go.th",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == (
        "[('ผู้ดูแล', 'ops@example.go.th'), ('it@example.go.th', 'it@example.go.th')]"
    ), result.stderr


def test_a_sentry_dsn_without_sentry_sdk_is_refused_with_a_clear_message() -> None:
    # sentry-sdk is optional (not in the lock): without it, the setting is refused.
    try:
        import sentry_sdk  # noqa: F401

        pytest.skip("sentry-sdk is installed here")
    except ImportError:
        pass
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "SENTRY_DSN": "https://key@sentry.example.go.th/1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SENTRY_DSN is set but sentry-sdk is not installed" in result.stderr
    assert "key@sentry" not in result.stderr
