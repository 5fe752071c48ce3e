"""Every user-visible string in the window is in the Chinese translation, translated."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "vae_manager_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[a-z_]+(?::[^}]*)?\}")


def _messages(path: Path) -> list[tuple[str, str, str | None, str | None]]:
    tree = ET.parse(path)
    found = []
    for context in tree.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            found.append((name, message.findtext("source"), translation.text,
                          translation.get("type")))  # fmt: skip
    return found


def test_every_string_is_translated_with_its_placeholders() -> None:
    messages = _messages(TS)
    assert len(messages) > 250
    for context, source, text, kind in messages:
        assert kind is None and text, f"untranslated in {context}: {source!r}"
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), source


def test_the_ts_file_has_every_string_in_the_code(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    if not lupdate.exists() and not shutil.which("pyside6-lupdate"):
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "app" / "gui").rglob("*.py"))
    command = str(lupdate) if lupdate.exists() else "pyside6-lupdate"
    subprocess.run([command, *sources, "-ts", str(fresh)], check=True, capture_output=True)
    in_code = {(c, s) for c, s, _, _ in _messages(fresh)}
    shipped = {(c, s) for c, s, _, _ in _messages(TS)}
    assert not in_code - shipped, "run resources/i18n/update_translations.py and translate"
    compiled = tmp_path / "fresh.qm"
    lrelease = command.replace("lupdate", "lrelease")
    subprocess.run([lrelease, str(TS), "-qm", str(compiled)], check=True, capture_output=True)
    assert compiled.read_bytes() == TS.with_suffix(".qm").read_bytes(), "the .qm is stale"


def test_every_shipped_registry_advice_is_translatable() -> None:
    from app.core.registry import load_registry
    from app.gui.registry_text import SHIPPED_ADVICE

    shipped = {e.description for e in load_registry(None).entries if e.description}
    assert shipped <= set(SHIPPED_ADVICE), "add new registry descriptions to registry_text.py"
    translated = {s for c, s, _, _ in _messages(TS) if c == "Registry"}
    assert shipped <= translated
