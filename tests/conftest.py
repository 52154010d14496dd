"""Shared fixtures: the named people of the seed's organisation and an outsider, and settings."""

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
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


_migrated: list[Any] = []  # the session's ``demo_snapshot.Migrated``, once made
_flushed: list[bool] = [False]  # a committing test flushed the tables since they were put back


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and its rows as the migrations made them, kept before any
    test writes (``tests.demo_snapshot.Migrated``): the demo is loaded onto them, whatever
    committing tests flushed before it in this process."""
    from tests import demo_snapshot

    with django_db_blocker.unblock():
        _migrated[:] = [demo_snapshot.Migrated.now()]
        return _migrated[0]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _group(item) == 1:
        _flushed[0] = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test in a transaction finds the tables as the migrations left them (the gazetteer
    first), even when a committing test ran before it in this process and flushed them:
    pytest-django runs those after the others, but pytest-xdist's worksteal can hand a process
    the others' tail once it ran its own committing tests. Put back once, before the test's
    transaction opens."""
    if not (_flushed[0] and _migrated and _group(item) == 0):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock(), transaction.atomic():
        _migrated[0].put_back()
    _flushed[0] = False


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


# The longest tests, longest first (their order in a `--durations` profile of the whole suite on
# SQLite): they start first, so that at the end of a parallel run no process is left alone with
# one of them (pytest-xdist's worksteal hands each process a part of the list, and a process with
# nothing left steals from the end of another's). Tests that use no database move to the front
# of the whole run; the rest keep pytest-django's order of groups (a test that commits flushes
# the tables that the tests in a transaction find as the migrations left them) and move to the
# front of their own group.
SLOWEST = (
    # No database of the test process's own: whole sites in other processes.
    "tests/ops/test_backup.py::test_a_backup_restored_into_an_empty_database",
    "tests/test_install.py::",
    "tests/test_upgrade.py::",
    "tests/ops/test_worker_killed.py::",
    "tests/test_two_servers.py::",
    "tests/test_make_run.py::",
    "tests/test_dependencies.py::",
    "tests/ita/test_settings.py::test_check_deploy",
    "tests/test_site_url.py::",
    # In a transaction: the report's publication crawls every public page twice.
    "tests/measures/test_publishing.py::",
    "tests/measures/test_implementation.py::test_who_sees_and_does_what_at_each_stage",
    # Committing (Chromium): the walk of every page, the year's walk, the chains.
    "tests/browser/test_accessibility_browser.py::",
    "tests/browser/test_year_walk_browser.py::",
    "tests/browser/test_keyboard_browser.py::",
    "tests/browser/test_memo_chain_browser.py::test_one_memo",
    "tests/browser/test_desk_phone_browser.py::test_the_chain",
    "tests/browser/test_org_admin_browser.py::",
)


def _rank(item: pytest.Item) -> int:
    for rank, prefix in enumerate(SLOWEST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(SLOWEST)


def _group(item: pytest.Item) -> int:
    """pytest-django's order of groups: 0 in a transaction, 1 committing, 2 no database."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls and issubclass(cls, TransactionTestCase):
        return 0 if issubclass(cls, TestCase) else 1
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return 1
    if marker and marker.args[:1] == (True,):
        return 1
    if fixtures & {"transactional_db", "live_server"}:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's order (tests in a transaction, tests that commit, tests with no
    database): the slowest tests with no database first of all, and the slowest of each group
    first in it (a stable sort: the others keep their order)."""

    def key(item: pytest.Item) -> tuple[int, int, int]:
        group, rank = _group(item), _rank(item)
        return (0 if group == 2 and rank < len(SLOWEST) else 1, group, rank)

    items.sort(key=key)
