"""Remove to the real (private) freedesktop trash, and undo back out of it."""

from __future__ import annotations

import os
import sys

import pytest

from app.core.errors import UserError
from app.core.operations.journal import OperationKind
from app.core.operations.link import link_into
from app.core.operations.remove import remove
from app.core.operations.undo import undo

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash")


def test_remove_unlinks_then_trashes_and_undo_puts_everything_back(
    library_file, a1111, comfy, journal, trash_home
):
    link_into(library_file, [a1111], mode="symlink", journal=journal)
    link_into(library_file, [comfy], mode="copy", journal=journal)
    data = library_file.read_bytes()
    result = remove([library_file], journal=journal)
    assert result.operation_id and result.trashed == (library_file,)
    assert [o.removed for o in result.unlinked] == [True, True]
    assert not library_file.exists()
    assert (trash_home / "files" / library_file.name).read_bytes() == data
    links = [install.vae_dirs[0].path / library_file.name for install in (a1111, comfy)]
    assert not any(os.path.lexists(p) for p in links)
    record = journal.get(result.operation_id)
    assert record is not None and record.kind is OperationKind.REMOVE
    assert [s.kind for s in record.steps] == ["link-removed", "link-removed", "file-trashed"]

    undone = undo(journal=journal)
    assert undone.complete, undone.steps
    assert library_file.read_bytes() == data
    assert links[0].is_symlink() and links[1].read_bytes() == data
    assert not (trash_home / "info" / f"{library_file.name}.trashinfo").exists()


def test_remove_skips_a_location_that_was_the_apps_own_link(
    library_file, a1111, journal, trash_home
):
    link_into(library_file, [a1111], mode="hardlink", journal=journal)
    link = a1111.vae_dirs[0].path / library_file.name
    result = remove([library_file, link], journal=journal)
    assert [o.trashed for o in result.outcomes] == [True, False]
    assert "the app's link" in result.outcomes[1].reason
    assert not os.path.lexists(link) and not library_file.exists()


def test_undo_refuses_when_the_name_is_taken_again(library_file, journal, trash_home):
    result = remove([library_file], journal=journal)
    library_file.write_bytes(b"a new file under the old name")
    undone = undo(result.operation_id, journal=journal)
    assert not undone.complete and "taken" in undone.steps[0].reason
    assert library_file.read_bytes() == b"a new file under the old name"
    assert (trash_home / "files" / library_file.name).exists()


def test_undo_off_linux_says_where_the_file_is(library_file, journal, trash_home, monkeypatch):
    result = remove([library_file], journal=journal)
    monkeypatch.setattr(sys, "platform", "win32")
    undone = undo(result.operation_id, journal=journal)
    assert not undone.complete
    assert "is in the Recycle Bin; restore it from there" in undone.steps[0].reason


def test_nothing_there_is_refused_before_anything_happens(tmp_path, journal, trash_home):
    with pytest.raises(UserError, match="Nothing to remove"):
        remove([tmp_path / "gone.safetensors"], journal=journal)
    assert journal.recent() == []


def test_the_catalog_forgets_what_went_to_the_trash(tmp_path, library_file, journal, trash_home):
    """Both fronts pass their catalog: a trashed file is not listed until it comes back."""
    from app.core.catalog.scanner import scan
    from app.core.catalog.store import Catalog

    keep = library_file.with_name("other.safetensors")
    keep.write_bytes(os.urandom(2048))
    with Catalog(tmp_path / "catalog.sqlite3") as catalog:
        scan(catalog, [library_file.parent])
        assert catalog.entry_for_path(library_file) is not None
        result = remove([library_file], journal=journal, catalog=catalog)
        assert result.trashed == (library_file,)
        assert catalog.entry_for_path(library_file) is None
        assert catalog.entry_for_path(keep) is not None  # only what was trashed
        assert undo(journal=journal).complete
        scan(catalog, [library_file.parent])  # the next scan of its folder finds it again
        assert catalog.entry_for_path(library_file) is not None


def test_a_locked_catalog_is_a_note_the_files_still_go(
    tmp_path, library_file, journal, trash_home, monkeypatch
):
    """The trash and the journal did their part: the catalog catches up at the next scan."""
    import sqlite3

    from app.core import sqlite_db
    from app.core.catalog.scanner import scan
    from app.core.catalog.store import Catalog

    monkeypatch.setattr(sqlite_db, "BUSY_TIMEOUT_MS", 50)  # fail fast instead of waiting 5 s
    with Catalog(tmp_path / "catalog.sqlite3") as catalog:
        scan(catalog, [library_file.parent])
        other = sqlite3.connect(catalog.path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            result = remove([library_file], journal=journal, catalog=catalog)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert result.trashed == (library_file,) and result.operation_id
        assert not library_file.exists()
        [note] = result.notes
        assert note.startswith(f"the catalog lists {library_file.name} until the next scan: ")
        assert "locked" in note
        assert undo(journal=journal).complete  # the operation was recorded all the same
