"""Links that leave the browser (e-mails, published addresses) start with the site's address:
SITE_URL when set, else the address the user reached the site at, else `make run`'s HOST:PORT."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from memos.models import Memo

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _draft() -> Memo:
    """The demo's fresh draft (its memo of 2564 is decided already)."""
    return Memo.objects.get(author__username="legal", state=Memo.State.DRAFT)


def _send_as_legal(demo, host: str, on_commit) -> str:
    memo = _draft()
    client = Client(HTTP_HOST=host)
    client.force_login(demo.users["legal"])
    with on_commit(execute=True):  # the mail goes on commit, inside the request
        response = client.post(
            f"/memos/{memo.pk}/send/",
            {"expected_state": memo.state, "expected_round": memo.round},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return mail.outbox[0].body


def test_an_emailed_link_points_where_the_sender_reached_the_site(
    demo,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.ALLOWED_HOSTS = ["ita.example.go.th"]
    settings.SITE_URL_SET = False
    memo = _draft()
    body = _send_as_legal(demo, "ita.example.go.th:8123", django_capture_on_commit_callbacks)
    assert f"http://ita.example.go.th:8123/memos/{memo.pk}/" in body
    assert ":8000" not in body


def test_site_url_when_set_wins_over_the_request(
    demo,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.ALLOWED_HOSTS = ["ita.example.go.th"]
    settings.SITE_URL_SET = True
    settings.SITE_URL = "https://ita.trang.go.th"
    memo = _draft()
    body = _send_as_legal(demo, "ita.example.go.th:8123", django_capture_on_commit_callbacks)
    assert f"https://ita.trang.go.th/memos/{memo.pk}/" in body


def _site_url(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "ITA_HOST", "ITA_PORT"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.SITE_URL, settings.SITE_URL_SET)"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ita.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    return result.stdout.strip()


def test_without_site_url_the_default_is_make_runs_host_and_port() -> None:
    assert _site_url(ITA_HOST="127.0.0.2", ITA_PORT="8765") == "http://127.0.0.2:8765 False"
    assert _site_url() == "http://127.0.0.1:8000 False"
    assert _site_url(SITE_URL="https://ita.trang.go.th/") == "https://ita.trang.go.th True"
