"""The house's layout, checked: small modules, a configuration-only ita/, helpers with no models.

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
MAX_LINES = 600


def _modules() -> list[Path]:
    return [
        p
        for app in APPS
        for p in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in p.parts and "__pycache__" not in p.parts
    ]


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


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
