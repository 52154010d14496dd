"""Static files as production serves them: collected by the storage the settings choose when
DEBUG is off (hashed names, a manifest), served by WhiteNoise from STATIC_ROOT. The shipped
Sarabun is cached for good under its hashed names; /favicon.ico answers with the site's icon.

Only the site's stylesheet, its icons and the shipped web fonts are collected (the PDF fonts and
the admin's files would make the collection minutes long): the same storage and the same
middleware over fewer files."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings
from PIL import Image

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
YEAR = 365 * 24 * 3600


def _production_static_backend() -> str:
    """The static files' storage of ita.settings with DEBUG off, as a server starts it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ita.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-of-fifty-or-more-characters-0123456789",
        "ALLOWED_HOSTS": "ita.example",
        "SITE_URL": "https://ita.example",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def production_static(tmp_path):
    source = tmp_path / "static"
    shutil.copytree(ROOT / "static" / "ita", source / "ita")
    shutil.copytree(ROOT / "static" / "fonts" / "sarabun", source / "fonts" / "sarabun")
    for face in ("Laksaman.ttf", "Laksaman-Bold.ttf"):  # the memo paper's, as its PDF's
        shutil.copy(ROOT / "static" / "fonts" / face, source / "fonts" / face)
    backend = _production_static_backend()
    assert "Manifest" in backend, backend  # hashed names: the files can be cached for good
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=tmp_path / "collected",
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": backend}},
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


def test_the_shipped_fonts_are_served_hashed_and_cached_for_good(production_static) -> None:
    client = Client()
    stylesheet = staticfiles_storage.url("ita/site.css")
    assert re.search(r"/site\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and f'href="{stylesheet}"' in page.content.decode()
    css = client.get(stylesheet)
    assert css.status_code == 200
    text = b"".join(css.streaming_content).decode()
    fonts = re.findall(r'url\("?([^")]+\.(?:woff2|ttf))"?\)', text)
    # Sarabun's Thai and Latin, regular and bold; the memo paper's Laksaman, regular and bold.
    assert sum(f.endswith(".woff2") for f in fonts) == 4 and len(fonts) == 6, fonts
    base = stylesheet.rsplit("/", 1)[0]
    for relative in fonts:
        url = os.path.normpath(f"{base}/{relative}")
        assert re.search(r"\.[0-9a-f]{12}\.(woff2|ttf)$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        kind = url.rsplit(".", 1)[1]
        assert response["Content-Type"] == f"font/{kind}", url
        cache = response["Cache-Control"]
        assert "immutable" in cache and "public" in cache, (url, cache)
        age = int(re.search(r"max-age=(\d+)", cache).group(1))  # type: ignore[union-attr]
        assert age >= YEAR, (url, cache)
        magic = b"".join(response.streaming_content)[:4]
        assert magic == (b"wOF2" if kind == "woff2" else b"\x00\x01\x00\x00"), url


def _icon(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_the_favicon_answers_as_production_serves_it(production_static) -> None:
    icon = _icon(Client().get("/favicon.ico"))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_the_favicon_answers_in_development(client) -> None:
    icon = _icon(client.get("/favicon.ico"))
    assert icon.format == "ICO"
