"""Refresh the translation sources from the code, then compile them for the app.

Run after changing user-visible strings: ``python resources/i18n/update_translations.py``.
New strings appear in the ``.ts`` files marked unfinished; translate them there
(Qt Linguist, or any editor) and run this again to rebuild the ``.qm`` files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    """The PySide6 wrapper next to this Python, or one on PATH."""
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else (shutil.which(name) or name)


def main() -> int:
    """Update every language's .ts from the code and compile its .qm."""
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "gui").rglob("*.py"))
    for language in LANGUAGES:
        ts = HERE / f"vae_manager_{language}.ts"
        subprocess.run([tool("pyside6-lupdate"), *sources, "-ts", str(ts), "-no-obsolete"],
                       cwd=ROOT, check=True)  # fmt: skip
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                       cwd=ROOT, check=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
