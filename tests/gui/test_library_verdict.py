"""The library shows the core's one verdict, with where its hash came from.

Issue 13 item 3: the Library said "mismatch … probably an incomplete download"
while Verify on the same row said "unknown (third-party)". Both now come from
``app.core.verdict.verdict_for`` over every name the bytes have.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from app.core.catalog.scanner import scan
from app.core.catalog.store import Catalog
from app.core.identify import identify
from app.core.paths import app_paths
from app.core.registry import load_registry
from app.gui.formatting import badge_label
from app.gui.library_model import COL_AUTOV2, COL_NAME, COL_VERDICT, ROW_ROLE, LibraryModel
from app.gui.panels.library_details import DetailsView
from app.gui.snapshot import build_snapshot
from tests.core.hashing.hostile_sidecars import (
    cache_entry,
    small_checkpoint,
    small_vae,
    webui_tree,
    write_cache_json,
    write_sidecar,
)
from tests.gui.conftest import wait_for, wait_idle

OFFICIAL_NAME = "real_vae.safetensors"


def official_entry(tmp_path: Path, ch: int = 8) -> str:
    """Register a small VAE as official in the user registry; its SHA-256."""
    real = small_vae(tmp_path / "vendor" / OFFICIAL_NAME, seed=1, ch=ch)
    sha = hashlib.sha256(real.read_bytes()).hexdigest()
    entry = {
        "id": "real-vae", "display_name": "Real VAE", "family": "sdxl",
        "filename": OFFICIAL_NAME, "sha256": sha, "size_bytes": real.stat().st_size,
    }  # fmt: skip
    registry = app_paths().user_registry
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps([entry]), encoding="utf-8")
    return sha


def forged_world(tmp_path: Path) -> dict[str, Path]:
    """Fakes vouched for by a sidecar and by an A1111 cache.json, and a legit checkpoint."""
    sha = official_entry(tmp_path)
    root = webui_tree(tmp_path / "webui")
    vae_dir = root / "models" / "VAE"
    by_sidecar = small_vae(vae_dir / OFFICIAL_NAME, seed=2)  # same size, other bytes
    write_sidecar(by_sidecar, sha)
    by_cache = small_vae(vae_dir / "sm" / "cached.safetensors", seed=3, ch=16)
    checkpoint = small_checkpoint(root / "models" / "Stable-diffusion" / "mix.safetensors")
    write_sidecar(checkpoint, hashlib.sha256(checkpoint.read_bytes()).hexdigest())
    write_cache_json(root, {"vae/sm/cached.safetensors": cache_entry(by_cache, sha)})
    return {"sidecar": by_sidecar, "cache": by_cache, "checkpoint": checkpoint, "root": root}


def model_for(world: dict[str, Path]) -> LibraryModel:
    registry = load_registry(app_paths().user_registry)
    root = world["root"]
    with Catalog(app_paths().ensure().catalog_db) as catalog:
        scan(catalog, [root / "models"], hash_now=False, registry=registry, ui_roots=[root])
        from app.core.catalog.scanner import Scanner

        Scanner(catalog, registry=registry, ui_roots=[root]).hash_pending()
        entries = catalog.entries()
    snapshot = build_snapshot(entries, [], [], registry, None)
    model = LibraryModel()
    model.set_rows(list(snapshot.rows))
    return model


def rows_by_name(model: LibraryModel) -> dict[str, int]:
    return {model.index(r, COL_NAME).data(): r for r in range(model.rowCount())}


def test_forged_vaes_show_the_verdict_verify_gives(tmp_path: Path, qtmodeltester) -> None:
    world = forged_world(tmp_path)
    model = model_for(world)
    qtmodeltester.check(model)
    rows = rows_by_name(model)
    registry = load_registry(app_paths().user_registry)

    with Catalog(app_paths().catalog_db) as catalog:
        for key, expected in (("sidecar", "mismatch"), ("cache", "unknown")):
            path = world[key]
            row = model.index(rows[path.name], 0).data(ROW_ROLE)
            report = identify(path, registry, other_names=catalog.names_for)
            assert row.badge.key == report.validation.status == expected, key
            assert row.entry.sha256 == report.hashes.sha256
            verdict_tip = model.index(rows[path.name], COL_VERDICT).data(0x0003)  # ToolTipRole
            assert "hash computed by VAE Manager" in verdict_tip


def test_a_checkpoint_hash_from_a_sidecar_is_labelled_with_its_source(
    tmp_path: Path, qtbot
) -> None:
    world = forged_world(tmp_path)
    model = model_for(world)
    row_index = rows_by_name(model)["mix.safetensors"]
    row = model.index(row_index, 0).data(ROW_ROLE)

    assert row.badge.key == "unknown" and not row.entry.self_hashed
    words = "hash read from Stability Matrix's .cm-info.json, not checked by VAE Manager"
    assert model.index(row_index, COL_VERDICT).data() == f"{row.badge.label}: {words}"
    assert words in model.index(row_index, COL_AUTOV2).data(0x0003)
    details = DetailsView()
    qtbot.addWidget(details)
    details.show_row(row)
    assert words in details.toPlainText()


def test_verify_in_the_window_agrees_with_the_row(make_window, qtbot, tmp_path: Path) -> None:
    """Same bytes named like the official file in one place and renamed in another."""
    official_entry(tmp_path, ch=16)
    library = app_paths().library_dir / "VAE"
    named = small_vae(library / OFFICIAL_NAME, seed=6, ch=8)  # shorter: "incomplete download"
    other = tmp_path / "elsewhere"
    other.mkdir()
    renamed = Path(shutil.copy2(named, other / "a-renamed.safetensors"))
    window = make_window(extra_scan_roots=[other])
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    rows = window.state.snapshot.vae_rows()
    [row] = [r for r in rows if str(renamed) in r.entry.locations]
    assert row.badge.key == "mismatch" and "incomplete download" in row.reason
    assert set(row.entry.locations) == {str(named), str(renamed)}

    for path in (renamed, named):
        assert window.library.select_where(lambda r: r.entry.sha256 == row.entry.sha256)
        done = len(window.presenter.history)
        window.actions_.verify(_row_at(row, path))
        wait_for(qtbot, lambda d=done: len(window.presenter.history) > d)
        kind, text = window.presenter.history[-1]
        assert kind == "info"
        assert text.startswith(f"{path.name}: {badge_label('mismatch')} (")
        assert "incomplete download" in text
    wait_idle(qtbot, window)


def _row_at(row, path: Path):
    """The same row with ``path`` as the location actions work on."""
    from dataclasses import replace

    others = tuple(p for p in row.entry.locations if p != str(path))
    return replace(row, entry=replace(row.entry, locations=(str(path), *others)))
