"""Shared fixtures: the named people of the seed's organisation and an outsider, and settings."""

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory) -> None:  # noqa: ANN001, PT004
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Files a test stores without asking for ``tmp_media`` (a decided memo's PDF, stored as its
    # decision commits) never reach the project's media folder.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "th"
    # Tasks run at once where the queue is not the point; tests/ops run the real worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_public_cache() -> None:  # noqa: PT004
    """Each test starts with no cached public page: the published data's version is rolled back
    with each test's transaction, so a page cached under it in an earlier test may show other
    data (in production the version only moves forward). The shared cache is a table of the
    test database, rolled back with it."""
    from ita.history import published

    published.local.clear()


@pytest.fixture
def demo(db):  # noqa: ANN001, ANN201
    """The whole demo (Trang 2564, สุโสะ, its people): ``demo.home``, ``demo.users[...]``."""
    from tests import factories

    return factories.load_demo()


@pytest.fixture
def tmp_media(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_report_header(config) -> str:  # noqa: ANN001
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
