"""The library table model against a real catalog of real files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.core.catalog.scanner import scan
from app.core.catalog.store import Catalog
from app.core.installs import install_at
from app.core.linking import apply_plan, plan_links
from app.core.linking.records import LinkStore
from app.core.paths import app_paths
from app.core.registry import load_registry
from app.gui.library_model import (
    BADGE_ROLE,
    CHIPS_ROLE,
    COL_NAME,
    COL_SIZE,
    COL_VERDICT,
    ROW_ROLE,
    LibraryFilter,
    LibraryModel,
)
from app.gui.snapshot import build_snapshot
from tests.core.installs.trees import make_a1111
from tests.gui.conftest import write_vae
from tests.model_files import truncate_copy, write_malicious_pickle


def _catalog_world(tmp_path: Path):
    library = tmp_path / "library" / "VAE"
    small = write_vae(library / "small.safetensors", seed=1, ch=32)
    write_vae(library / "wide.safetensors", seed=2, ch=64)
    truncate_copy(small, library / "cut.safetensors", 0.5)
    write_malicious_pickle(library / "evil.ckpt", tmp_path / "marker")
    webui = make_a1111(tmp_path / "webui")
    install = install_at(webui)
    apply_plan(plan_links(small, [install]))
    registry = load_registry(app_paths().user_registry)
    with Catalog(app_paths().ensure().catalog_db) as catalog:
        scan(catalog, [library, webui / "models" / "VAE"], registry=registry)
        entries = catalog.entries()
    return build_snapshot(entries, [install], LinkStore().active_links(), registry,
                          tmp_path / "library")  # fmt: skip


def test_rows_badges_and_chips_from_a_real_scan(tmp_path: Path, qtmodeltester) -> None:
    snapshot = _catalog_world(tmp_path)
    model = LibraryModel()
    model.set_rows(snapshot.vae_rows())
    qtmodeltester.check(model)
    rows = {model.index(r, COL_NAME).data(): model.index(r, 0).data(ROW_ROLE) for r in range(4)}
    assert set(rows) == {"small.safetensors", "wide.safetensors", "cut.safetensors", "evil.ckpt"}
    assert rows["cut.safetensors"].badge.key == "invalid"
    assert rows["evil.ckpt"].badge.key == "unsafe"
    assert rows["wide.safetensors"].badge.key == "unknown"
    small = rows["small.safetensors"]
    assert [c.label for c in small.chips] == ["A1111"] and small.chips[0].by_app
    # the library's own copy comes first, the link in the install after it
    assert small.path.parent == tmp_path / "library" / "VAE"
    assert len(small.entry.locations) == 2
    row = next(r for r in range(4) if model.index(r, COL_NAME).data() == "small.safetensors")
    assert model.index(row, COL_VERDICT).data(BADGE_ROLE).key == "unknown"
    assert model.index(row, 0).data(CHIPS_ROLE) == small.chips


def test_sorting_by_bytes_and_filtering(tmp_path: Path) -> None:
    snapshot = _catalog_world(tmp_path)
    model = LibraryModel()
    model.set_rows(snapshot.vae_rows())
    proxy = LibraryFilter()
    proxy.setSourceModel(model)
    proxy.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [proxy.index(r, 0).data(ROW_ROLE).entry.size for r in range(proxy.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    assert proxy.index(0, COL_NAME).data() == "wide.safetensors"
    proxy.set_text("a1111")  # matches the install chip
    assert [proxy.index(r, COL_NAME).data() for r in range(proxy.rowCount())] == [
        "small.safetensors"
    ]
    proxy.set_text("")
    proxy.set_badge("unsafe")
    assert proxy.rowCount() == 1 and proxy.index(0, COL_NAME).data() == "evil.ckpt"
    proxy.set_badge(None)
    sha = proxy.index(0, 0).data(ROW_ROLE).entry.sha256
    proxy.set_text(sha[:12])
    assert proxy.rowCount() == 1


def test_missing_files_are_hidden_until_asked(tmp_path: Path) -> None:
    snapshot = _catalog_world(tmp_path)
    (tmp_path / "library" / "VAE" / "wide.safetensors").unlink()
    registry = snapshot.registry
    with Catalog(app_paths().catalog_db) as catalog:
        scan(catalog, [tmp_path / "library" / "VAE"], registry=registry)
        entries = catalog.entries()
    snapshot = build_snapshot(entries, list(snapshot.installs), list(snapshot.links), registry,
                              snapshot.library_dir)  # fmt: skip
    model = LibraryModel()
    model.set_rows(snapshot.vae_rows())
    proxy = LibraryFilter()
    proxy.setSourceModel(model)
    names = {proxy.index(r, COL_NAME).data() for r in range(proxy.rowCount())}
    assert "wide.safetensors" not in names and len(names) == 3
    proxy.set_show_missing(True)
    names = {proxy.index(r, COL_NAME).data() for r in range(proxy.rowCount())}
    assert "wide.safetensors (missing)" in names


def test_gui_constants_match_the_core() -> None:
    from app.core.inspection.records import KIND_CHECKPOINT
    from app.gui import snapshot

    assert snapshot.KIND_CHECKPOINT == KIND_CHECKPOINT
