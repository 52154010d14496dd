"""The house's layout, checked: a configuration-only ita/, helpers with no models, one home for
each read-side rule. (How complex a function may be is ruff's budget in pyproject.toml, run by
``make check``: it replaced a cap on a module's lines, met by carving modules into pieces.)

The layers themselves (which package may import which) are import-linter's contract in
pyproject.toml, run by ``make test`` (``lint-imports``); a test here runs it too, so a plain
``pytest`` catches a layer crossed.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("ita", "memos", "measures")
# The source files and import-linter's contract, no database (.ci/run's SQLite pass only).
pytestmark = pytest.mark.engine_free


def _modules() -> list[Path]:
    return [
        p
        for app in APPS
        for p in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in p.parts and "__pycache__" not in p.parts
    ]


def test_the_ita_package_root_holds_configuration_only() -> None:
    files = sorted(p.name for p in (ROOT / "ita").iterdir() if p.is_file() and p.suffix == ".py")
    assert files == ["__init__.py", "settings.py", "urls.py", "wsgi.py"]


def _trees(package: str) -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in (ROOT / package).rglob("*.py")]


@pytest.mark.parametrize("package", ["ita/lib", "ita/documents"])
def test_the_helpers_and_the_document_engine_define_no_models(package: str) -> None:
    for path, tree in _trees(package):
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                assert not bases & {"Model", "models.Model"}, f"{path}: {node.name}"


def test_the_document_engine_renders_plain_data_and_touches_no_database() -> None:
    for path, tree in _trees("ita/documents"):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("django.db"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("django.db") for a in node.names), path


def test_the_layers_contract_is_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the dev dependencies (make install)"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_package_re_exports_nothing_of_its_modules() -> None:
    """A module grown large becomes a package by sub-domain (``measures/services/``): callers
    import each name from the module it lives in, never through a shim in ``__init__``."""
    shims = []
    for path in _modules():
        if path.name != "__init__.py":
            continue
        package = ".".join(path.parent.relative_to(ROOT).parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and (
                node.level > 0 or (node.module or "").startswith(package + ".")
            ):
                shims.append(f"{path.relative_to(ROOT)}: from {node.module}")
    assert not shims, shims


# --- Each read-side rule has one home (docs/architecture.md's table) ---------------------------

# The published methods' data (the periods' schemes), which the rule reads.
METHODS = "ita/results/methods.py"
# (what the rule is, the text that restates it, the files where it may appear besides its
# definition)
ONE_HOME = [
    # A person's name: ``person_name`` (pages: its filter ``|person_name``).
    ("a person's name", "get_full_name", set()),
    # The site's address: ``site_url()``; the system check reads the setting it checks.
    ("the site's address", "settings.SITE_URL", {"ita/lib/urls.py", "ita/ops/checks.py"}),
    # The method a new year starts with: ``new_year_method``.
    ("a new year's method", "scheme_for_year(", {"ita/results/selectors.py", METHODS}),
    ("a new year's method", "confirmed_by_publication(", {"ita/results/selectors.py"}),
    ("a new year's method", "AssessmentYear.objects.filter(year__lt", {"ita/results/selectors.py"}),
    # A measure's status: ``periods.status_rules``, read in Python and in SQL.
    ("a measure's status", "end_month__lt=", set()),
]


def _sources() -> list[Path]:
    templates = sorted((ROOT / "templates").rglob("*.*"))
    return [*_modules(), *(p for p in templates if p.suffix in (".html", ".txt"))]


@pytest.mark.parametrize(("rule", "text", "home"), ONE_HOME)
def test_each_read_side_rule_has_one_home(rule: str, text: str, home: set[str]) -> None:
    found = set()
    for path in _sources():
        name = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").splitlines()
        if any(text in line and not line.lstrip().startswith("def ") for line in lines):
            found.add(name)
    assert found <= home, f"{rule} restated outside its home: {sorted(found - home)}"
