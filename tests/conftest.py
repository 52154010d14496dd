"""Shared fixtures: the named people of the seed's organisation and an outsider, and settings."""

import pytest
from django.conf import settings
from django.test.utils import override_settings


def settings_for_tests(tmp_path_factory) -> dict[str, object]:
    """What every test runs with, and every fixture, the demo's and the modules' too."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Files a test stores without asking for ``tmp_media`` (a decided memo's PDF, stored as
        # its decision commits) never reach the project's media folder.
        "MEDIA_ROOT": tmp_path_factory.getbasetemp() / "media",
        # The machine's render and import slots belong to this test process (each worker of a
        # parallel run has its own base folder): renders in another run never make a test busy.
        "RENDER_LOCK_DIR": tmp_path_factory.getbasetemp() / "slots",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LANGUAGE_CODE": "th",
        # Tasks run at once where the queue is not the point; tests/ops run the real worker.
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        # A page's queries are counted as a page computes them (tests compare two sizes, and
        # write with bulk_create, which sends no signal); tests/memos/test_nav_counts.py keeps
        # them as production does.
        "NAV_COUNTS_SECONDS": 0,
    }


@pytest.fixture(scope="session", autouse=True)
def _settings_for_fixtures(tmp_path_factory):
    """For the whole process: a module's fixture that renders a memo takes this process's render
    slots, not the machine's (where another run's renders made it busy)."""
    with override_settings(**settings_for_tests(tmp_path_factory)):
        yield


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory) -> None:
    """Set again for each test: a changed LANGUAGE_CODE resets the active language, which an
    earlier test may have left in English."""
    for name, value in settings_for_tests(tmp_path_factory).items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _fresh_public_cache() -> None:
    """Each test starts with no cached public page: the published data's version is rolled back
    with each test's transaction, so a page cached under it in an earlier test may show other
    data (in production the version only moves forward). The shared cache is a table of the
    test database, rolled back with it."""
    from ita.history import published
    from ita.ops import health
    from tests import demo_snapshot

    published.local.clear()
    health.recent.clear()  # /health/'s answer kept by this process
    # A demo written back after a committing test's flush puts its content types back under
    # their first ids, and that transaction is rolled back (tests/demo_snapshot.py).
    demo_snapshot.forget_content_types()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and its rows as the migrations made them, kept before any
    test writes (``tests.demo_snapshot.Migrated``): the demo is loaded onto them, whatever
    committing tests flushed before it in this process."""
    from tests import demo_snapshot

    with django_db_blocker.unblock():
        return demo_snapshot.Migrated.now()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, loaded once per test process and kept (tests/demo_snapshot.py)."""
    from tests import demo_snapshot, factories

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        return demo_snapshot.take(
            factories.load_demo, factories.demo_handle, media, migrated=django_db_setup
        )


@pytest.fixture
def demo(db, demo_snapshot):
    """The whole demo (Trang 2564, สุโสะ, its people): ``demo.home``, ``demo.users[...]``.

    Exactly the rows, ids and files a fresh load makes, written back into the test's own
    transaction (or, in a test that commits, into its emptied tables)."""
    return demo_snapshot.restore()


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_report_header(config) -> str:
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
