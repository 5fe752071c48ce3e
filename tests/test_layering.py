"""The layers stay one-way: gui -> core/preview, never back; core never pulls in Qt or torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((APP / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_is_plain_python(path: Path) -> None:
    anywhere = _imports(path, top_level_only=False)
    assert not {m for m in anywhere if m.split(".")[0] == "PySide6"}
    assert not {m for m in anywhere if m.startswith(("app.gui", "app.preview", "app.cli"))}
    top = _imports(path, top_level_only=True)
    assert not {m for m in top if m.split(".")[0] == "torch"}, "import torch lazily in core"


@pytest.mark.parametrize("path", _modules("preview"), ids=lambda p: str(p.relative_to(ROOT)))
def test_preview_has_no_qt_and_no_gui(path: Path) -> None:
    anywhere = _imports(path, top_level_only=False)
    assert not {m for m in anywhere if m.split(".")[0] == "PySide6" or m.startswith("app.gui")}


def test_importing_core_and_cli_does_not_load_torch_or_qt() -> None:
    modules = [
        "app.core." + ".".join(p.relative_to(APP / "core").with_suffix("").parts)
        for p in _modules("core")
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r} + ['app.cli']:\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in ('torch', 'PySide6', 'diffusers') if m in sys.modules]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
