from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.core.errors import Cancelled, UserError
from app.core.linking import (
    LinkStore,
    apply_plan,
    find_broken_links,
    folder_locator,
    plan_links,
    repair_broken_links,
)
from app.core.linking.fsops import copy_atomic
from app.core.linking.records import SCHEMA_VERSION
from app.core.operations.journal import Journal
from app.core.operations.undo import undo
from app.core.tasks import CancelToken


def test_broken_links_found_and_app_made_ones_repointed(library_file, a1111, tmp_path, store):
    apply_plan(plan_links(library_file, [a1111], "symlink"), store=store)
    vae_dir = a1111.vae_dirs[0].path
    (vae_dir / "sub").mkdir()
    os.symlink(tmp_path / "gone.safetensors", vae_dir / "sub" / "users.safetensors")
    moved = tmp_path / "new-library" / library_file.name
    moved.parent.mkdir()
    library_file.rename(moved)

    broken = find_broken_links([vae_dir], store=store)
    assert sorted((b.path.name, b.app_made) for b in broken) == [
        ("sdxl_vae.safetensors", True),
        ("users.safetensors", False),
    ]
    outcomes = repair_broken_links(broken, store=store, locate=folder_locator([moved.parent]))
    assert sorted((o.path.name, o.action) for o in outcomes) == [
        ("sdxl_vae.safetensors", "re-pointed"),
        ("users.safetensors", "left"),
    ]
    dest = vae_dir / library_file.name
    assert os.readlink(dest) == str(moved) and dest.read_bytes() == moved.read_bytes()
    assert (vae_dir / "sub" / "users.safetensors").is_symlink()
    assert store.active_links()[0].source == moved
    assert find_broken_links([vae_dir], store=store)[0].path.name == "users.safetensors"


def test_repair_removes_app_made_links_whose_file_is_nowhere(library_file, a1111, store):
    apply_plan(plan_links(library_file, [a1111], "symlink"), store=store)
    library_file.unlink()
    broken = find_broken_links([a1111.vae_dirs[0].path], store=store)
    outcomes = repair_broken_links(broken, store=store)  # default: records, then app library
    assert [(o.action, o.reason) for o in outcomes] == [("removed", "library file not found")]
    assert list(a1111.vae_dirs[0].path.iterdir()) == []
    assert store.active_links() == []


def test_repair_by_records_finds_a_relinked_copy(library_file, a1111, comfy, tmp_path, store):
    apply_plan(plan_links(library_file, [a1111], "symlink"), store=store)
    second = tmp_path / "elsewhere" / "same.safetensors"
    second.parent.mkdir()
    second.write_bytes(library_file.read_bytes())
    apply_plan(plan_links(second, [comfy], "symlink"), store=store)
    library_file.unlink()
    outcomes = repair_broken_links(
        find_broken_links([a1111.vae_dirs[0].path], store=store), store=store
    )
    assert [(o.action, o.new_target) for o in outcomes] == [("re-pointed", second)]


def cancel_after_first_chunk() -> tuple[CancelToken, callable]:
    token = CancelToken()

    def progress(done: int, total: int | None) -> None:
        token.cancel()

    return token, progress


def test_cancelled_copy_leaves_no_partial_file(tmp_path):
    source = tmp_path / "big.safetensors"
    source.write_bytes(os.urandom(3 << 20))
    dest_dir = tmp_path / "VAE"
    dest_dir.mkdir()
    token, progress = cancel_after_first_chunk()
    with pytest.raises(Cancelled):
        copy_atomic(source, dest_dir / source.name, cancel=token, progress=progress)
    assert list(dest_dir.iterdir()) == []


def test_cancelled_apply_keeps_earlier_links_undoable(tmp_path, a1111, comfy, store):
    source = tmp_path / "big.safetensors"
    source.write_bytes(os.urandom(3 << 20))
    plan = plan_links(source, [a1111, comfy], "copy")
    token = CancelToken()
    calls = []

    def progress(done: int, total: int | None) -> None:
        if calls and done <= calls[-1]:  # the count restarted: the second copy is under way
            token.cancel()
        calls.append(done)

    with pytest.raises(Cancelled, match="operation"):
        apply_plan(plan, store=store, cancel=token, progress=progress)
    assert (a1111.vae_dirs[0].path / source.name).read_bytes() == source.read_bytes()
    assert [p.name for p in comfy.vae_dirs[0].path.iterdir()] == ["put_vae_here"]
    op = store.operations()[0]
    undone = undo(op.id, journal=Journal(store.db_path))
    assert [path for step in undone.steps for path in step.removed] == [
        a1111.vae_dirs[0].path / source.name
    ]


def test_store_uses_wal_and_a_schema_version(tmp_path):
    store = LinkStore(tmp_path / "links.sqlite3")
    store.new_operation()
    conn = sqlite3.connect(store.db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(UserError, match="newer version"):
        LinkStore(store.db_path).operations()  # the schema is checked when a store opens


def test_default_store_lives_in_the_app_data_dir(app_home: Path):
    store = LinkStore()
    store.new_operation()
    assert store.db_path == app_home / "data" / "links.sqlite3" and store.db_path.exists()
