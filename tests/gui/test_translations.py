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


# ------------------------------------------------------------- core's sentences in Chinese
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def zh_cn(qapp):
    """The window's Chinese translation installed, as the app installs it."""
    from PySide6.QtCore import QTranslator

    from app.gui.i18n import install_translator

    assert install_translator(qapp, "zh_CN") == "zh_CN"
    yield
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.deleteLater()


def _chinese(text: str, english: str = "") -> bool:
    return bool(text) and text != english and bool(CJK.search(text))


def test_no_entry_is_left_unfinished() -> None:
    unfinished = [(c, s) for c, s, text, kind in _messages(TS) if kind or not text]
    assert not unfinished, f"{len(unfinished)} untranslated in the zh_CN .ts: {unfinished[:20]}"


def test_every_core_template_has_a_chinese_translation() -> None:
    from app.core.messages import TEMPLATES as CORE
    from app.gui import core_messages

    assert core_messages.TEMPLATES == CORE, "copy app/core/messages.py's templates"
    wanted = [*CORE.values(), *core_messages.CODE_LEADS.values(), *core_messages.PHASES.values()]
    wanted += [core_messages.LEAD_JOIN, core_messages.PART_JOIN]
    shipped = {s: (text, kind) for c, s, text, kind in _messages(TS) if c == "CoreMessages"}
    for source in wanted:
        text, kind = shipped.get(source, (None, "missing"))
        assert kind is None and text and text != source, f"not translated: {source!r}"
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), source


def test_every_core_template_renders_in_chinese(zh_cn) -> None:
    from app.core.messages import TEMPLATES, fields, say
    from app.gui.core_messages import render

    for key, template in TEMPLATES.items():
        english = say(key, **{name: f"x{i}" for i, name in enumerate(sorted(fields(template)))})
        assert _chinese(render(english), english), (key, render(english))


def test_problems_verdicts_reasons_and_downloads_render_in_chinese(zh_cn, tmp_path: Path) -> None:
    from app.core.inspection import inspect_path, records
    from app.gui.core_messages import error_text, problem_text, reason_text, verdict_text
    from app.gui.snapshot import LibraryRow
    from tests.model_files import (
        lora_state_dict,
        truncate_copy,
        write_huge_header_claim,
        write_malicious_pickle,
        write_safetensors,
    )  # fmt: skip

    codes = [v for k, v in vars(records).items() if k.startswith("PROBLEM_")]
    assert len(codes) >= 9
    for code in codes:  # a detail no template wrote still gets a Chinese lead
        problem = records.Problem(code, "a parser's own detail")
        assert _chinese(problem_text(problem), problem.message), code
        assert _chinese(error_text(f"{code}: {problem.message}")), code  # an import's refusal
    good = write_safetensors(tmp_path / "lora.safetensors", lora_state_dict())
    (tmp_path / "empty.safetensors").write_bytes(b"")
    files = [
        good, tmp_path / "empty.safetensors",
        truncate_copy(good, tmp_path / "cut.safetensors", 0.001),
        write_huge_header_claim(tmp_path / "huge.safetensors"),
        write_malicious_pickle(tmp_path / "evil.ckpt", tmp_path / "marker"),
        write_malicious_pickle(tmp_path / "evil.pt", tmp_path / "marker", zip=False),
    ]  # fmt: skip
    for path in files:
        for problem in inspect_path(path).problems:
            assert problem.key, problem  # written from a template
            assert _chinese(problem_text(problem), problem.message), problem
            stored = records.Problem(problem.code, problem.message)  # as the catalog reads it
            assert problem_text(stored) == problem_text(problem)
    assert LibraryRow.problems_text.fget is not None  # the library's reason goes through here

    for verdict in _verdicts():
        assert _chinese(verdict_text(verdict), verdict.message), verdict
        assert verdict_text(verdict.message) == verdict_text(verdict)  # the catalog's text

    reasons = _discovery_reasons(tmp_path / "home")
    assert len(reasons) >= 10
    for reason in reasons:
        assert _chinese(reason_text(reason), reason), reason

    for failure in _download_failures():
        assert _chinese(error_text(failure), failure), failure


def test_download_rows_say_every_failure_and_phase_in_chinese(zh_cn) -> None:
    from app.core.downloads import records
    from app.gui.download_messages import cause_of, phase_text

    for failure in _download_failures():
        message = cause_of(failure, "https://huggingface.co/x/y.safetensors").message
        assert _chinese(message, failure), (failure, message)
    phases = [v for k, v in vars(records).items() if k.startswith("PHASE_")]
    assert len(phases) >= 6
    for phase in phases:
        assert _chinese(phase_text(phase), phase), phase


def test_unknown_text_falls_back_to_the_english(zh_cn) -> None:
    from app.core.inspection.records import Problem
    from app.gui.core_messages import error_text, problem_text, reason_text, render, verdict_text

    for show in (render, verdict_text, reason_text, error_text):
        assert show("a sentence no template wrote") == "a sentence no template wrote"
    assert problem_text(Problem("some-new-code", "its own words")) == "its own words"
    assert render("") == ""


def test_english_window_shows_core_english_unchanged() -> None:
    from app.core.messages import TEMPLATES, fields, say
    from app.gui.core_messages import reason_text, render

    for key, template in TEMPLATES.items():
        english = say(key, **{name: f"x{i}" for i, name in enumerate(sorted(fields(template)))})
        assert render(english) == english
        assert reason_text(english) == english


def _verdicts() -> list:
    from app.core.inspection.records import PROBLEM_TRUNCATED, Problem
    from app.core.registry import KnownVae, Registry, Validation
    from app.core.verdict import verdict_for

    entry = KnownVae(
        id="sdxl", display_name="SDXL VAE", family="sdxl", filename="sdxl_vae.safetensors",
        url=None, size_bytes=1000, sha256="a" * 64, format="safetensors", verified=True,
        description="", unverified_sha256=None,
    )  # fmt: skip
    unconfirmed = KnownVae(
        id="anime", display_name="Anime VAE", family="sd1", filename="anime.pt", url=None,
        size_bytes=77, sha256=None, format="pickle", verified=False, description="",
        unverified_sha256="c" * 64,
    )  # fmt: skip
    registry = Registry([entry, unconfirmed])
    found = [
        registry.validate(sha, name, size, None)
        for sha, name, size in (
            ("a" * 64, "x.safetensors", 1000), ("b" * 64, "sdxl_vae.safetensors", 10),
            ("b" * 64, "sdxl_vae.safetensors", 2000), ("b" * 64, "sdxl_vae.safetensors", 1000),
            ("b" * 64, "other.safetensors", 1000), ("b" * 64, "other.safetensors", 5),
            ("c" * 64, "other.pt", 77), (None, "other.safetensors", 5),
        )
    ]  # fmt: skip
    found.append(Validation.for_problem(Problem.said(PROBLEM_TRUNCATED, "truncated.empty")))
    for source in ("a1111:cache.json", "stability-matrix:x.cm-info.json", "sdnext:c"):
        found.append(verdict_for(registry, sha256="d" * 64, hash_source=source,
                                 names=["x.safetensors"], size=5, inspection=None))  # fmt: skip
    statuses = {v.status for v in found}
    assert statuses >= {"official", "mismatch", "unknown", "invalid", "pending"}, statuses
    return found


def _discovery_reasons(home: Path) -> list[str]:
    from app.core.installs import Environment, discover
    from tests.core.installs import trees

    a1111 = trees.make_a1111(home / "sd" / "stable-diffusion-webui")
    (a1111 / "webui-user.sh").write_text(f'export COMMANDLINE_ARGS="--vae-dir {home}/vae"\n')
    trees.make_forge2(home / "sd" / "forge")
    trees.make_sdnext(home / "sd" / "sdnext")
    comfy = trees.make_comfy(home / "sd" / "ComfyUI")
    (comfy / "extra_model_paths.yaml").write_text(
        f"shared:\n  base_path: {home}/shared\n  vae: models/vae\n", encoding="utf-8"
    )
    trees.make_comfy_portable(home / "Desktop" / "ComfyUI_windows_portable")
    trees.make_stability_matrix(home / "StabilityMatrix")
    trees.make_fooocus(home / "Downloads" / "Fooocus")
    trees.make_invokeai(home / "invokeai")
    trees.make_swarm(home / "SwarmUI")
    installs = discover([home], env=Environment.for_home(home))
    reasons = [i.source for i in installs]
    for install in installs:
        reasons += [f.source for f in (*install.vae_dirs, *install.checkpoint_dirs)]
    return list(dict.fromkeys(reasons))


def _download_failures() -> list[str]:
    import requests

    from app.core.downloads.failures import RetryBudget, network_failure, status_failure
    from app.core.downloads.urls import check_hop, check_url_allowed
    from app.core.errors import UserError

    url = "https://huggingface.co/x/y.safetensors"
    found = [str(status_failure(s, {}, url, token_sent=False)) for s in (401, 404, 418, 429, 503)]
    found.append(str(status_failure(403, {}, url, token_sent=True)))
    for exc in (
        requests.exceptions.SSLError("certificate verify failed"),
        requests.exceptions.ConnectTimeout("x"), requests.exceptions.ReadTimeout("x"),
        requests.exceptions.ChunkedEncodingError("x"), requests.exceptions.TooManyRedirects("x"),
        requests.exceptions.InvalidURL("x"),
        requests.exceptions.ConnectionError("Connection refused"),
        requests.exceptions.ConnectionError("Name or service not known"),
    ):  # fmt: skip
        found.append(str(network_failure(exc, 30.0)))
    budget = RetryBudget(1, 1.0, 1.0, 1.0)
    with pytest.raises(UserError) as gave_up:
        budget.delay_after("y.safetensors", network_failure(OSError("x"), 30.0), progressed=False)
    found.append(str(gave_up.value))
    for bad in ("ftp://example.org/a", "http://example.org/a", "https://[::1/a"):
        with pytest.raises(UserError) as refused:
            check_url_allowed(bad)
        found.append(str(refused.value))
    with pytest.raises(UserError) as redirected:
        check_hop("file:///etc/passwd", redirected=True)
    found.append(str(redirected.value))
    return found


def test_library_and_installs_panels_show_core_text_in_chinese(
    zh_cn, make_window, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from app.core.catalog.scanner import scan
    from app.core.catalog.store import Catalog
    from app.core.installs import Environment, discover
    from app.core.paths import app_paths
    from app.core.registry import load_registry
    from app.gui.library_model import COL_NAME, COL_VERDICT, LibraryModel
    from app.gui.snapshot import build_snapshot
    from tests.core.installs import trees
    from tests.gui.conftest import write_vae
    from tests.model_files import truncate_copy, write_malicious_pickle

    library = tmp_path / "library" / "VAE"
    library.mkdir(parents=True)
    truncate_copy(write_vae(tmp_path / "whole.safetensors"), library / "cut.safetensors", 0.5)
    write_malicious_pickle(library / "evil.ckpt", tmp_path / "marker")
    registry = load_registry(app_paths().user_registry)
    with Catalog(app_paths().ensure().catalog_db) as catalog:  # read back: English text only
        scan(catalog, [library], registry=registry)
        entries = catalog.entries()
    model = LibraryModel()
    model.set_rows(build_snapshot(entries, [], [], registry, tmp_path / "library").vae_rows())
    for row in range(model.rowCount()):
        name = model.index(row, COL_NAME).data()
        verdict = model.index(row, COL_VERDICT)
        for text in (verdict.data(), verdict.data(Qt.ItemDataRole.ToolTipRole)):
            assert CJK.search(text) and "cannot be proven" not in text, (name, text)
            assert "cut short" not in text, (name, text)

    home = tmp_path / "home"
    trees.make_a1111(home / "stable-diffusion-webui")
    trees.make_comfy_portable(home / "ComfyUI_windows_portable")
    window = make_window()
    window.installs.set_installs(tuple(discover([home], env=Environment.for_home(home))))
    tree = window.installs.tree
    assert tree.topLevelItemCount() == 2
    for index in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(index)
        for item in (top, *(top.child(i) for i in range(top.childCount()))):
            assert CJK.search(item.text(2)), item.text(2)
