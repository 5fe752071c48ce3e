"""Import and library move as recorded operations (real model files, real catalog)."""

from __future__ import annotations

import os
import sys

import pytest

from app.core.library import ImportOptions, library_root
from app.core.library.records import MODE_HARDLINK, MODE_MOVE
from app.core.operations.import_files import import_files
from app.core.operations.journal import OperationKind
from app.core.operations.library_move import move_library
from app.core.operations.link import link_into
from app.core.operations.undo import undo
from tests.core.library.conftest import small_vae
from tests.model_files import write_safetensors

linux_trash = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash")


def _vae(folder, name="a.safetensors", seed=1):
    return write_safetensors(folder / name, small_vae(seed=seed))


@linux_trash
def test_undo_of_a_copy_import_trashes_the_library_copy(
    src, catalog, registry, journal, trash_home
):
    source = _vae(src)
    result = import_files(
        [source], ImportOptions(), catalog=catalog, registry=registry, journal=journal
    )
    dest = result.outcomes[0].dest
    assert result.operation_id and dest is not None and dest.exists()
    record = journal.get(result.operation_id)
    assert record is not None and record.kind is OperationKind.IMPORT
    assert record.summary == "import a.safetensors"
    assert [s.data["sha256"] for s in record.steps] == [result.outcomes[0].sha256]
    assert catalog.entry_for_path(dest) is not None

    undone = undo(journal=journal)
    assert undone.complete, undone.steps
    assert not dest.exists() and source.exists()
    assert (trash_home / "files" / dest.name).exists()
    assert catalog.entry_for_path(dest) is None


def test_undo_keeps_the_library_copy_when_the_source_is_gone(src, catalog, registry, journal):
    source = _vae(src)
    result = import_files(
        [source], ImportOptions(), catalog=catalog, registry=registry, journal=journal
    )
    source.unlink()
    undone = undo(result.operation_id, journal=journal)
    assert not undone.complete and "only copy" in undone.steps[0].reason
    assert result.outcomes[0].dest is not None and result.outcomes[0].dest.exists()


def test_undo_refuses_a_library_file_that_changed(src, catalog, registry, journal):
    source = _vae(src)
    result = import_files(
        [source], ImportOptions(), catalog=catalog, registry=registry, journal=journal
    )
    dest = result.outcomes[0].dest
    assert dest is not None
    dest.unlink()
    dest.write_bytes(b"something else entirely")
    undone = undo(result.operation_id, journal=journal)
    assert not undone.complete and "changed since" in undone.steps[0].reason
    assert dest.read_bytes() == b"something else entirely"


def test_undo_of_a_move_import_moves_it_back(src, catalog, registry, journal):
    source = _vae(src)
    data = source.read_bytes()
    options = ImportOptions(MODE_MOVE)
    result = import_files([src], options, catalog=catalog, registry=registry, journal=journal)
    dest = result.outcomes[0].dest
    assert dest is not None and not source.exists()
    undone = undo(journal=journal)
    assert undone.complete, undone.steps
    assert source.read_bytes() == data and not dest.exists()
    assert catalog.entry_for_path(source) is not None


@linux_trash
def test_undo_of_a_hardlink_import_drops_only_the_library_name(
    src, catalog, registry, journal, trash_home
):
    source = _vae(src)
    options = ImportOptions(MODE_HARDLINK)
    result = import_files([source], options, catalog=catalog, registry=registry, journal=journal)
    dest = result.outcomes[0].dest
    assert dest is not None and os.path.samefile(dest, source)
    assert undo(journal=journal).complete
    assert source.exists() and not dest.exists()


def test_an_import_with_nothing_new_records_nothing(src, catalog, registry, journal):
    (src / "notes.txt").write_text("not a model")
    result = import_files(
        [src], ImportOptions(), catalog=catalog, registry=registry, journal=journal
    )
    assert result.operation_id is None and journal.recent() == []


def test_library_move_and_its_undo(tmp_path, src, catalog, registry, journal, a1111):
    first = import_files(
        [_vae(src)], ImportOptions(), catalog=catalog, registry=registry, journal=journal
    )
    old = library_root()
    dest = first.outcomes[0].dest
    assert dest is not None
    link_into(dest, [a1111], mode="symlink", journal=journal)
    new = tmp_path / "bigger-drive" / "library"
    moved = move_library(new, catalog=catalog, journal=journal)
    assert moved.operation_id and moved.report.moved == 1
    assert library_root() == new and not dest.exists()
    link = a1111.vae_dirs[0].path / dest.name
    assert os.path.samefile(link, new / dest.relative_to(old))

    undone = undo(journal=journal)
    assert undone.complete, undone.steps
    assert library_root() == old and dest.exists()
    assert os.path.samefile(link, dest)
