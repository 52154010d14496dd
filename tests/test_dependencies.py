"""Every package the code imports is declared in pyproject.toml, where it belongs: what the
application imports among the dependencies, what only tests and benchmarks import among the
``dev`` extra. A package that arrives only as another's dependency can leave with it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The source files and the installed packages' metadata, no database (.ci/run's SQLite pass only).
pytestmark = pytest.mark.engine_free
FIRST_PARTY = {"ita", "memos", "measures", "tests", "bench", "manage"}
# Scripts run from their own folder import their neighbours by file name.
LOCAL_SCRIPTS = {p.stem for folder in ("tests", "bench") for p in (ROOT / folder).rglob("*.py")}
# Imported only when its setting asks for it, and said so when missing (ita/settings.py).
OPTIONAL = {"sentry_sdk"}
APP = ["ita", "memos", "measures", "manage.py"]
DEV_ONLY = ["tests", "bench"]
# Declared and needed, though no module imports them by name: the server, the database driver
# and the task queue's tables are named in settings or on the command line.
NOT_IMPORTED = {
    "gunicorn",
    "psycopg",
    "whitenoise",
    "django-tasks-db",
    "django-stubs",
    "mypy",
    "ruff",
    "import-linter",
    "pytest-django",
    "pytest-xdist",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(specs: list[str]) -> set[str]:
        return {_canonical(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) for spec in specs}

    return names(project["dependencies"]), names(project["optional-dependencies"]["dev"])


class _RuntimeOnly(ast.NodeTransformer):
    """Drops ``if TYPE_CHECKING:`` blocks: what they import is for the type checker (dev)."""

    def visit_If(self, node: ast.If) -> ast.AST | None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return None
        return self.generic_visit(node)


def _imports(paths: list[str], *, runtime: bool = True) -> dict[str, str]:
    """Top-level module imported → the first file that imports it (with ``runtime``, leaving
    out what only the type checker reads)."""
    found: dict[str, str] = {}
    files: list[Path] = []
    for path in paths:
        target = ROOT / path
        files += [target] if target.is_file() else sorted(target.rglob("*.py"))
    for file in files:
        if "migrations" in file.parts:
            continue
        tree = ast.parse(file.read_text(), str(file))
        for node in ast.walk(_RuntimeOnly().visit(tree) if runtime else tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                known = FIRST_PARTY | LOCAL_SCRIPTS | OPTIONAL | set(sys.stdlib_module_names)
                if top not in known:
                    found.setdefault(top, str(file.relative_to(ROOT)))
    return found


def _distributions(modules: dict[str, str]) -> dict[str, str]:
    owners = packages_distributions()
    out: dict[str, str] = {}
    for module, where in modules.items():
        assert module in owners, f"{where} imports {module}, which no installed package provides"
        for dist in owners[module]:
            out[_canonical(dist)] = f"{module} (imported in {where})"
    return out


def test_every_package_the_application_imports_is_a_declared_dependency() -> None:
    runtime, _dev = _declared()
    used = _distributions(_imports(APP))
    assert {d: why for d, why in used.items() if d not in runtime} == {}


def test_every_package_tests_or_type_checks_import_is_declared() -> None:
    runtime, dev = _declared()
    used = _distributions(_imports(DEV_ONLY, runtime=False))
    used |= _distributions(_imports(APP, runtime=False))
    assert {d: why for d, why in used.items() if d not in runtime | dev} == {}


def test_every_declared_dependency_is_used() -> None:
    runtime, dev = _declared()
    app = set(_distributions(_imports(APP)))
    anywhere = set(_distributions(_imports(APP + DEV_ONLY, runtime=False)))
    assert sorted(runtime - app - NOT_IMPORTED) == [], "declared for the application, unused there"
    assert sorted(dev - anywhere - NOT_IMPORTED) == [], "declared for tests, imported nowhere"
