"""Scan, verify and download from the window give the command line's records.

Each action runs once through ``app.cli.main`` and once through the real window
(offscreen, real lanes, the button or menu a user clicks) on an identical fresh
fixture: two temp roots, each its own HOME and app data folder, with the same
real model files. The catalogs must come out equal entry by entry (sha256,
verdict, hashes, locations; the roots and clocks taken out), and so must the
records each front got back (verify's result, the download's result).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.cli import main
from app.core.catalog.store import Catalog
from app.core.catalog.verify import CatalogUpdate
from app.core.paths import app_paths
from tests.core.hashing.hostile_sidecars import cache_entry, write_cache_json
from tests.core.installs.trees import make_a1111
from tests.gui.conftest import wait_for, wait_idle, write_vae
from tests.http_server import FaultServer
from tests.model_files import checkpoint_state_dict, write_safetensors

CLOCKS = {"first_seen", "last_seen", "seconds"}  # when, and how long: differ run to run


@dataclass(frozen=True)
class Side:
    """One fresh world under ``root``: a HOME with an A1111 install, and an app data folder."""

    root: Path

    @property
    def user(self) -> Path:
        return self.root / "user"

    @property
    def webui(self) -> Path:
        return self.user / "stable-diffusion-webui"

    @property
    def library_vae(self) -> Path:
        return app_paths().library_dir / "VAE" / "kept.safetensors"

    def enter(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("VAE_MANAGER_HOME", str(self.root / "home"))
        monkeypatch.setenv("HOME", str(self.user))
        monkeypatch.setenv("XDG_DATA_HOME", str(self.user / ".local" / "share"))


def make_side(root: Path, monkeypatch: pytest.MonkeyPatch) -> Side:
    side = Side(root.resolve())
    side.user.mkdir(parents=True)
    side.enter(monkeypatch)
    models = make_a1111(side.webui) / "models"
    vae = write_vae(models / "VAE" / "soft.safetensors", seed=1)
    checkpoint = write_safetensors(models / "Stable-diffusion" / "dreamy.safetensors",
                                   checkpoint_state_dict(ch=8))  # fmt: skip
    # A1111's own hash cache: believed for the checkpoint, never for a VAE (read for real).
    sha = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    write_cache_json(side.webui, {
        "checkpoint/dreamy.safetensors": cache_entry(checkpoint, sha),
        "vae/soft.safetensors": cache_entry(vae, "0" * 64),
    })  # fmt: skip
    write_vae(side.library_vae, seed=2)
    return side


def _normal(value: object, root: Path) -> object:
    if isinstance(value, dict):
        return {k: _normal(v, root) for k, v in value.items() if k not in CLOCKS}
    if isinstance(value, list):
        return [_normal(v, root) for v in value]
    if isinstance(value, str):
        return value.replace(str(root), "<root>")
    return value


def catalog_contents(side: Side) -> list[object]:
    """Every catalog entry of this side, as ``list --json`` gives it, normalised."""
    with Catalog(app_paths().catalog_db) as catalog:
        rows = [_normal(e.to_json(), side.root) for e in catalog.entries()]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def started(make_window, qtbot, **options):
    window = make_window(**options)
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    return window


def no_errors(window) -> None:
    assert not [t for t in window.presenter.history if t[0] in ("user", "bug")]


# -- scan -------------------------------------------------------------------------------------
def test_rescan_everything_catalogs_what_scan_does(
    tmp_path, monkeypatch, make_window, qtbot, capsys
) -> None:
    """Same default roots (library + discovered installs), hashed inline or on the bulk lane."""
    by_cli = make_side(tmp_path / "b", monkeypatch)
    assert main(["scan", "--json"]) == 0
    capsys.readouterr()
    cli = catalog_contents(by_cli)
    assert len(cli) == 3 and all(e["sha256"] and e["validation"] for e in cli)
    facts = sorted((str(e["kind"]), str(e["hash_source"])) for e in cli)
    # The install's checkpoint counted too, its hash from A1111's cache; the VAEs read.
    assert facts == [("checkpoint", "a1111"), ("vae", "computed"), ("vae", "computed")]

    by_gui = make_side(tmp_path / "a", monkeypatch)
    window = started(make_window, qtbot, search_roots=None)  # discovery as `scan` does it
    assert [i.root for i in window.state.installs] == [by_gui.webui]
    window.menu_actions["rescan"].trigger()  # File > Rescan everything
    wait_idle(qtbot, window)
    no_errors(window)
    assert catalog_contents(by_gui) == cli
    assert not any(r.entry.sha256 is None for r in window.state.snapshot.vae_rows())


# -- verify -----------------------------------------------------------------------------------
def tamper_in_place(path: Path) -> None:
    """Other bytes, same size and mtime: only reading the file can tell."""
    st = path.stat()
    with open(path, "r+b") as f:
        f.seek(-64, os.SEEK_END)
        data = f.read(32)
        f.seek(-64, os.SEEK_END)
        f.write(bytes(b ^ 0xFF for b in data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def cataloged_then_tampered(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Side, str]:
    """The library file cataloged (the same core scan on both sides), then changed."""
    from app.core.catalog.scanner import scan
    from app.core.registry import app_registry

    side = make_side(root, monkeypatch)
    app_paths().ensure()
    with Catalog(app_paths().catalog_db) as catalog:
        scan(catalog, [side.library_vae.parent], registry=app_registry())
    old = hashlib.sha256(side.library_vae.read_bytes()).hexdigest()
    tamper_in_place(side.library_vae)
    return side, old


def test_verify_in_the_window_gives_the_command_lines_result_and_catalog_row(
    tmp_path, monkeypatch, make_window, qtbot, capsys
) -> None:
    by_cli, old = cataloged_then_tampered(tmp_path / "b", monkeypatch)
    assert main(["verify", str(by_cli.library_vae), "--json"]) == 0
    [cli_result] = json.loads(capsys.readouterr().out)
    assert cli_result["catalog"] == CatalogUpdate.BYTES_CHANGED
    assert cli_result["cataloged_sha256"] == old != cli_result["sha256"]
    cli_catalog = catalog_contents(by_cli)

    by_gui, _ = cataloged_then_tampered(tmp_path / "a", monkeypatch)
    window = started(make_window, qtbot)
    [row] = [r for r in window.state.snapshot.vae_rows() if r.name == "kept.safetensors"]
    assert row.entry.sha256 == old  # the startup rescan trusted the unchanged stat
    tasks = []
    window.runner.task_ended.connect(tasks.append)
    window.show_panel(window.PANEL_LIBRARY)
    assert window.library.select_where(lambda r: r.name == "kept.safetensors")
    window.library.buttons["verify"].click()
    wait_for(qtbot, lambda: any(t.title.startswith("Verifying") for t in tasks))
    wait_idle(qtbot, window)
    no_errors(window)
    [task] = [t for t in tasks if t.title.startswith("Verifying")]
    assert _normal(task.result.to_json(), by_gui.root) == _normal(cli_result, by_cli.root)
    assert catalog_contents(by_gui) == cli_catalog
    kind, text = window.presenter.history[-1]
    assert kind == "info" and "The file changed since it was cataloged" in text
    [row] = [r for r in window.state.snapshot.vae_rows() if r.name == "kept.safetensors"]
    assert row.entry.sha256 == cli_result["sha256"]  # the window shows the new row


# -- download ---------------------------------------------------------------------------------
@pytest.fixture
def server():
    with FaultServer() as live:
        yield live


def served_entry(server: FaultServer, tmp_path: Path) -> dict[str, object]:
    """A real VAE on the loopback server, pinned in a registry entry (same on both sides)."""
    source = write_vae(tmp_path / "served" / "src.safetensors", seed=7)
    data = source.read_bytes()
    if "/served-vae.safetensors" not in server.routes:
        server.add_content("/served-vae.safetensors", data)
    return {
        "id": "served-vae",
        "display_name": "Served VAE (loopback)",
        "family": "sdxl",
        "filename": "served-vae.safetensors",
        "url": server.url("/served-vae.safetensors"),
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "description": "SDXL: a file served by the test server.",
    }


def download_side(root: Path, monkeypatch, server: FaultServer) -> tuple[Side, bytes]:
    side = Side(root.resolve())
    side.user.mkdir(parents=True)
    side.enter(monkeypatch)
    entry = served_entry(server, root)
    registry = app_paths().ensure().user_registry
    registry.write_text(json.dumps([entry]), encoding="utf-8")
    return side, (root / "served" / "src.safetensors").read_bytes()


def test_download_from_the_card_gives_the_command_lines_file_and_catalog_row(
    tmp_path, monkeypatch, make_window, qtbot, capsys, server
) -> None:
    by_cli, data = download_side(tmp_path / "b", monkeypatch, server)
    assert main(["download", "served-vae", "--json"]) == 0
    cli_result = json.loads(capsys.readouterr().out)
    cli_file = Path(cli_result["path"])
    assert cli_file.read_bytes() == data
    cli_catalog = catalog_contents(by_cli)
    [entry] = cli_catalog
    assert entry["validation"] == "official" and entry["official_id"] == "served-vae"

    by_gui, _ = download_side(tmp_path / "a", monkeypatch, server)
    window = started(make_window, qtbot)
    window.show_panel(window.PANEL_GET)
    wait_for(qtbot, lambda: window.downloads.queue is not None
             and "served-vae" in window.get_vaes.cards)  # fmt: skip
    card = window.get_vaes.cards["served-vae"]
    card.controls.buttons["download"].click()
    job = lambda: window.downloads.job_for_entry("served-vae")  # noqa: E731 - read at each poll
    wait_for(qtbot, lambda: job() is not None and job().state == "done", timeout=60)
    wait_idle(qtbot, window)
    no_errors(window)
    gui_file = Path(job().result["path"])
    assert _normal(str(gui_file), by_gui.root) == _normal(str(cli_file), by_cli.root)
    assert gui_file.read_bytes() == data
    assert _normal(job().result, by_gui.root) == _normal(cli_result, by_cli.root)
    assert catalog_contents(by_gui) == cli_catalog


def test_verify_of_a_file_gone_meanwhile_says_so_and_leaves_the_catalog(
    tmp_path, monkeypatch, make_window, qtbot
) -> None:
    side, _ = cataloged_then_tampered(tmp_path / "a", monkeypatch)
    window = started(make_window, qtbot)
    before = catalog_contents(side)
    window.show_panel(window.PANEL_LIBRARY)
    assert window.library.select_where(lambda r: r.name == "kept.safetensors")
    side.library_vae.unlink()  # after the window listed it
    window.library.buttons["verify"].click()
    wait_idle(qtbot, window)
    assert window.presenter.history[-1] == ("user", "file is gone")
    assert catalog_contents(side) == before
    for box in window.findChildren(QMessageBox):
        box.close()
