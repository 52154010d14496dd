import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ita import settings as app_settings

ROOT = Path(__file__).resolve().parents[2]


def _run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 64 + "-Production-Key-For-Check-Only-0123456789",
            "ALLOWED_HOSTS": "ita.example.go.th",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run_check({"DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _run_check({"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_database_url_parsing() -> None:
    db = app_settings.database_from_url("postgres://u:p%40ss@db.local:5433/ita")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "ita",
        "u",
        "p@ss",
        "db.local",
        "5433",
    )
    assert app_settings.database_from_url("sqlite:////tmp/x.db")["NAME"] == "/tmp/x.db"
    with pytest.raises(ImproperlyConfigured, match="must start with"):
        app_settings.database_from_url("mysql://x/y")
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        app_settings.database_from_url("postgres://u@h/")


def test_bad_boolean_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be true or false"):
        app_settings.env_bool("X_FLAG", False)


def test_time_zone_and_language() -> None:
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert settings.LANGUAGE_CODE == "th"
