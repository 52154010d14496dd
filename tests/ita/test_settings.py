import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ita import settings as app_settings

ROOT = Path(__file__).resolve().parents[2]

# No database: the settings read in this process, and each start-up check in a process of its own
# without DATABASE_URL. CI's PostgreSQL pass would repeat the SQLite pass's run (.ci/run).
pytestmark = pytest.mark.engine_free


def _run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}
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
            "SITE_URL": "https://ita.example.go.th",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 64 + "-Production-Key-For-Check-Only-0123456789",
    "ALLOWED_HOSTS": "ita.example.go.th",
}


def test_production_refuses_to_start_without_site_url() -> None:
    """Signed documents print the site's address and can never be corrected: without DEBUG,
    no address is guessed."""
    result = _run_check(PRODUCTION)
    assert result.returncode != 0
    assert "SITE_URL is required when DEBUG is off" in result.stderr


@pytest.mark.parametrize("value", ["ita.example.go.th", "ftp://ita.example.go.th", "https://"])
def test_a_site_url_that_is_not_an_address_is_refused_naming_it(value: str) -> None:
    result = _run_check({**PRODUCTION, "SITE_URL": value})
    assert result.returncode != 0
    assert f"SITE_URL “{value}”" in result.stderr


@pytest.mark.parametrize(
    "value", ["http://127.0.0.1:8000", "https://localhost", "http://[::1]:8080", "http://0.0.0.0"]
)
def test_check_deploy_refuses_a_site_url_on_this_machine(value: str) -> None:
    result = _run_check({**PRODUCTION, "SITE_URL": value})
    assert result.returncode != 0
    assert "ita.E001" in result.stderr and "SITE_URL" in result.stderr


def test_check_deploy_warns_of_a_site_url_without_https() -> None:
    result = _run_check({**PRODUCTION, "SITE_URL": "http://ita.example.go.th"})
    assert result.returncode != 0
    assert "ita.W001" in result.stderr and "https" in result.stderr


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


def test_a_machine_without_harfbuzz_subset_is_told_its_pdfs_will_not_repeat(monkeypatch) -> None:
    """Without it, fontTools stamps the clock into every font (a fresh machine had no
    libharfbuzz-subset0, and the same memo rendered to different bytes)."""
    from weasyprint.text import ffi

    from ita.ops.checks import check_font_subsetter

    assert check_font_subsetter(None) == []
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    (warning,) = check_font_subsetter(None)
    assert warning.id == "ita.W002" and "libharfbuzz-subset0" in warning.hint


def test_secret_key_fallbacks_are_read_from_the_environment() -> None:
    clean = {k: v for k, v in os.environ.items() if k != "SECRET_KEY_FALLBACKS"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ita.settings';"
            "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)",
        ],
        cwd=ROOT,
        env={**clean, "SECRET_KEY_FALLBACKS": "old-key-one, old-key-two"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['old-key-one', 'old-key-two']"
