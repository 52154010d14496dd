"""Shared fixtures: the named people of the seed's organisation and an outsider, and settings."""

import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Files a test stores without asking for ``tmp_media`` (a decided memo's PDF, stored as its
    # decision commits) never reach the project's media folder.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    # The machine's render and import slots belong to this test process (each worker of a
    # parallel run has its own base folder): renders in another run never make a test busy.
    settings.RENDER_LOCK_DIR = tmp_path_factory.getbasetemp() / "slots"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "th"
    # Tasks run at once where the queue is not the point; tests/ops run the real worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_public_cache() -> None:
    """Each test starts with no cached public page: the published data's version is rolled back
    with each test's transaction, so a page cached under it in an earlier test may show other
    data (in production the version only moves forward). The shared cache is a table of the
    test database, rolled back with it."""
    from ita.history import published

    published.local.clear()


# The demo's archival PDF, by the SHA-256 of what WeasyPrint was given: rendered once per run.
_demo_renders: dict[str, object] = {}


@contextmanager
def _demo_rendered_once() -> Iterator[None]:
    """While the demo loads: its memos' verification codes come from a fixed sequence, so the
    decided memo's HTML is the same in every test, and a render of the same HTML, options and
    resources is done once per run (WeasyPrint writes the same bytes for the same input:
    tests/pdf check it on their own renders, outside this). Signing and storing still run each
    time. Without this, every test that asks for the demo spent seconds on the same PDF."""
    from ita.documents import engine
    from memos.models import VERIFY_ALPHABET, Memo

    draw = random.Random(2564)

    def code() -> str:
        letters = "".join(draw.choice(VERIFY_ALPHABET) for _ in range(10))
        return f"{letters[:5]}-{letters[5:]}"

    real = engine.render_document

    def render_document(html: str, **options):
        key = hashlib.sha256(html.encode())
        for name, value in sorted(options.items(), key=lambda item: item[0]):
            key.update(f"{name}={value!r}".encode())
        digest = key.hexdigest()
        if digest not in _demo_renders:
            _demo_renders[digest] = real(html, **options)
        return _demo_renders[digest]

    field = Memo._meta.get_field("verify_code")
    with (
        mock.patch.object(field, "_get_default", code),
        mock.patch.object(engine, "render_document", render_document),
    ):
        yield


@pytest.fixture
def demo(db):
    """The whole demo (Trang 2564, สุโสะ, its people): ``demo.home``, ``demo.users[...]``."""
    from tests import factories

    with _demo_rendered_once():
        return factories.load_demo()


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_report_header(config) -> str:
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
