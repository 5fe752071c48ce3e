from __future__ import annotations

import os
import sys

import pytest

from app.core.errors import UserError
from app.core.trash import TrashedFile, move_to_trash, restore

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash")


def test_trash_then_restore_puts_the_same_file_back(tmp_path, trash_home):
    path = tmp_path / "lib" / "vae.safetensors"
    path.parent.mkdir()
    path.write_bytes(b"bytes of a VAE")
    ino = path.stat().st_ino
    trashed = move_to_trash(path)
    assert trashed is not None and not path.exists()
    assert trashed.trash_path == trash_home / "files" / "vae.safetensors"
    assert trashed.info_path == trash_home / "info" / "vae.safetensors.trashinfo"
    assert "DeletionDate=" in trashed.info_path.read_text()
    again = TrashedFile.from_json(trashed.to_json())
    assert again == trashed
    assert "restored" in restore(again)
    assert path.read_bytes() == b"bytes of a VAE" and path.stat().st_ino == ino
    assert not trashed.info_path.exists()
    assert "back already" in restore(again)


def test_restore_finds_the_entry_when_the_trash_renamed_it(tmp_path, trash_home):
    first = tmp_path / "a" / "x.pt"
    second = tmp_path / "b" / "x.pt"
    for p, data in ((first, b"one"), (second, b"two")):
        p.parent.mkdir()
        p.write_bytes(data)
    move_to_trash(first)
    trashed = move_to_trash(second)
    assert trashed is not None and trashed.trash_path is not None
    assert trashed.trash_path.name == "x 1.pt"
    lost = TrashedFile(trashed.original, trashed.size, trashed.dev, trashed.ino, trashed.trashed_at)
    restore(lost)  # no recorded trash path: found by Path + DeletionDate + inode
    assert second.read_bytes() == b"two" and not first.exists()


def test_restore_refuses_a_taken_name_and_an_emptied_trash(tmp_path, trash_home):
    path = tmp_path / "v.safetensors"
    path.write_bytes(b"mine")
    trashed = move_to_trash(path)
    assert trashed is not None and trashed.trash_path is not None
    path.write_bytes(b"a new file with that name")
    with pytest.raises(UserError, match="taken"):
        restore(trashed)
    assert path.read_bytes() == b"a new file with that name" and trashed.trash_path.exists()
    path.unlink()
    trashed.trash_path.unlink()
    with pytest.raises(UserError, match="no longer in the trash"):
        restore(trashed)


def test_restore_refuses_another_file_under_the_recorded_entry(tmp_path, trash_home):
    path = tmp_path / "v.safetensors"
    path.write_bytes(b"mine")
    trashed = move_to_trash(path)
    assert trashed is not None and trashed.trash_path is not None
    trashed.trash_path.unlink()
    trashed.trash_path.write_bytes(b"another file")  # same name, not ours
    with pytest.raises(UserError, match="no longer in the trash"):
        restore(trashed)
    assert not path.exists()


def test_nothing_there_is_none(tmp_path, trash_home):
    assert move_to_trash(tmp_path / "missing") is None


def test_off_freedesktop_undo_says_where_the_file_is(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    trashed = TrashedFile(tmp_path / "v.pt", 1, 1, 1, 0.0)
    with pytest.raises(UserError, match="in the Recycle Bin; restore it from there"):
        restore(trashed)
    assert os.path.basename(trashed.original) == "v.pt"
