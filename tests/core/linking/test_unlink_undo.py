from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.linking import apply_plan, plan_links, unlink, unlink_source
from app.core.operations.journal import Journal
from app.core.operations.undo import undo


def link(library_file, installs, store, mode="symlink", name=None):
    return apply_plan(plan_links(library_file, installs, mode, name), store=store)


def test_unlink_removes_only_what_the_app_made(library_file, a1111, comfy, store):
    link(library_file, [a1111], store)
    ours = a1111.vae_dirs[0].path / library_file.name
    users = comfy.vae_dirs[0].path / library_file.name
    os.symlink(library_file, users)  # the user's own link to the same file
    result = unlink([ours, users], store=store)
    assert [(o.removed, o.reason) for o in result.outcomes] == [
        (True, "removed (symlink)"),
        (False, "left alone: not made by this app"),
    ]
    assert not os.path.lexists(ours) and users.is_symlink()
    assert library_file.exists()
    assert store.active_links() == []


@pytest.mark.parametrize(
    ("mode", "replace", "why"),
    [
        (
            "symlink",
            lambda p, lib: (p.unlink(), p.write_bytes(b"mine")),
            "replaced by a regular file",
        ),
        ("symlink", lambda p, lib: (p.unlink(), os.symlink(lib.parent, p)), "points elsewhere"),
        (
            "hardlink",
            lambda p, lib: (p.unlink(), p.write_bytes(lib.read_bytes())),
            "replaced by another file",
        ),
        ("copy", lambda p, lib: p.write_bytes(b"edited by the user"), "content changed"),
    ],
)
def test_a_link_the_user_replaced_is_left_alone(library_file, a1111, store, mode, replace, why):
    link(library_file, [a1111], store, mode)
    dest = a1111.vae_dirs[0].path / library_file.name
    replace(dest, library_file)
    before = os.readlink(dest) if dest.is_symlink() else dest.read_bytes()
    outcome = unlink([dest], store=store).outcomes[0]
    assert not outcome.removed and why in outcome.reason
    assert (os.readlink(dest) if dest.is_symlink() else dest.read_bytes()) == before


@pytest.mark.parametrize("mode", ["hardlink", "copy"])
def test_never_removes_the_last_copy_when_the_library_original_is_gone(
    library_file, a1111, store, mode
):
    link(library_file, [a1111], store, mode)
    dest = a1111.vae_dirs[0].path / library_file.name
    data = dest.read_bytes()
    library_file.unlink()
    outcome = unlink([dest], store=store).outcomes[0]
    assert not outcome.removed and "left alone" in outcome.reason
    assert dest.read_bytes() == data


@pytest.mark.parametrize("mode", ["symlink", "hardlink", "copy"])
def test_undo_removes_exactly_what_the_operation_created(library_file, a1111, comfy, store, mode):
    journal = Journal(store.db_path)
    first = link(library_file, [a1111], store, mode)
    pre_existing = comfy.vae_dirs[0].path / "other.safetensors"
    pre_existing.write_bytes(b"user file")
    second = link(library_file, [a1111, comfy], store, mode)  # a1111: already linked
    assert [o.action for o in second.outcomes] == ["already-linked", "created"]
    result = undo(second.operation_id, journal=journal)
    assert result.complete
    assert [removed for step in result.steps for removed in step.removed] == [
        comfy.vae_dirs[0].path / library_file.name
    ]
    assert not (comfy.vae_dirs[0].path / library_file.name).exists()
    assert (a1111.vae_dirs[0].path / library_file.name).exists()  # made by the first operation
    assert pre_existing.read_bytes() == b"user file" and library_file.exists()
    assert store.operation(second.operation_id).undone_at is not None
    with pytest.raises(UserError):  # undone already: nothing is touched twice
        undo(second.operation_id, journal=journal)
    undo(first.operation_id, journal=journal)
    assert sorted(p.name for p in a1111.vae_dirs[0].path.iterdir()) == []


def test_undo_of_unknown_operation_is_a_user_error(store):
    with pytest.raises(UserError):
        undo("nope", journal=Journal(store.db_path))


def test_unlink_source_limits_to_folders(library_file, a1111, comfy, store):
    link(library_file, [a1111, comfy], store)
    result = unlink_source(library_file, folders=[comfy.vae_dirs[0].path], store=store)
    assert result.removed == (comfy.vae_dirs[0].path / library_file.name,)
    assert [r.dest for r in store.active_for_source(library_file)] == [
        a1111.vae_dirs[0].path / library_file.name
    ]


def test_a_link_deleted_by_hand_is_forgotten(library_file, a1111, store):
    result = link(library_file, [a1111], store)
    Path(result.created[0].dest).unlink()
    outcome = unlink([result.created[0].dest], store=store).outcomes[0]
    assert (outcome.removed, outcome.reason) == (False, "already gone")
    assert store.active_links() == []
