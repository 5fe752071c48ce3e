"""Link and unlink as recorded operations, and their undo (real files, real SQLite)."""

from __future__ import annotations

import json
import os

import pytest

from app.core import linking
from app.core.errors import Cancelled, UserError
from app.core.linking import plan_links
from app.core.operations.journal import OperationKind
from app.core.operations.link import apply_link_changes, link_into
from app.core.operations.undo import undo, undo_description
from app.core.operations.unlink import unlink
from app.core.tasks import CancelToken


def _dest(install, source):
    return install.vae_dirs[0].path / source.name


def test_link_into_records_a_summary_and_undo_removes_the_links(
    library_file, a1111, comfy, journal
):
    result = link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    assert result.operation_id and len(result.created) == 2
    record = journal.get(result.operation_id)
    assert record is not None and record.kind is OperationKind.LINK
    assert undo_description(record) == (
        f"Undo link {library_file.name} into {a1111.label} and {comfy.label}"
    )
    undone = undo(journal=journal)
    assert undone.complete and undone.operation_id == result.operation_id
    assert not os.path.lexists(_dest(a1111, library_file))
    assert not os.path.lexists(_dest(comfy, library_file))


def test_a_link_whose_every_entry_failed_records_nothing(library_file, a1111, journal):
    plan = plan_links(library_file, [a1111], "symlink")
    _dest(a1111, library_file).write_bytes(b"appeared after planning")
    result = linking.apply_plan(plan, store=journal.links)
    assert result.operation_id is None and journal.recent() == []


def test_untick_then_undo_puts_the_link_back(library_file, a1111, comfy, journal):
    """The review's case: untick + Apply, then undo, used to undo nothing."""
    link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    plan = plan_links(library_file, [a1111, comfy], "symlink")
    unticked = plan.entries[1]  # ComfyUI: already linked, by the app
    changes = apply_link_changes(plan, [], [unticked], journal=journal)
    assert changes.operation_id and [o.removed for o in changes.removed] == [True]
    assert not os.path.lexists(_dest(comfy, library_file))
    record = journal.get(changes.operation_id)
    assert record is not None and [s.kind for s in record.steps] == ["link-removed"]
    assert record.summary == f"unlink {library_file.name} from {comfy.label}"

    undone = undo(journal=journal)
    assert undone.operation_id == changes.operation_id and undone.complete
    dest = _dest(comfy, library_file)
    assert dest.is_symlink() and os.path.samefile(dest, library_file)
    # The revived record is live again: the first link operation can still undo it.
    assert journal.links.active_for_dest(dest) is not None
    assert undo(journal=journal).complete
    assert not os.path.lexists(dest) and not os.path.lexists(_dest(a1111, library_file))


def test_tick_one_untick_another_is_one_operation(library_file, a1111, comfy, journal):
    link_into(library_file, [comfy], mode="hardlink", journal=journal)
    plan = plan_links(library_file, [a1111, comfy], "hardlink")
    changes = apply_link_changes(plan, [plan.entries[0]], [plan.entries[1]], journal=journal)
    assert changes.operation_id
    assert [o.action for o in changes.created] == ["created"]
    record = journal.get(changes.operation_id)
    assert record is not None
    assert [s.kind for s in record.steps] == ["link-created", "link-removed"]
    assert record.summary == (
        f"link {library_file.name} into {a1111.label}; unlink it from {comfy.label}"
    )
    undone = undo(changes.operation_id, journal=journal)
    assert undone.complete
    assert not os.path.lexists(_dest(a1111, library_file))
    back = _dest(comfy, library_file)
    assert os.path.samefile(back, library_file) and not back.is_symlink()  # a hard link again


def test_a_non_create_entry_is_refused_before_anything_is_written(library_file, a1111, journal):
    link_into(library_file, [a1111], journal=journal)
    plan = plan_links(library_file, [a1111])
    with pytest.raises(UserError):
        apply_link_changes(plan, [plan.entries[0]], [], journal=journal)
    assert len(journal.recent()) == 1


def test_unlink_from_installs_takes_the_library_file(library_file, a1111, comfy, journal):
    link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    report = unlink([library_file], installs=[comfy], journal=journal)
    assert report.removed == (_dest(comfy, library_file),)
    assert _dest(a1111, library_file).is_symlink()
    record = journal.get(report.operation_id or "")
    assert record is not None and record.summary == f"unlink {library_file.name} from {comfy.label}"
    nothing = unlink([library_file], installs=[comfy], journal=journal)
    assert nothing.operation_id is None
    assert "made no link of it in" in nothing.outcomes[0].reason


def test_unlink_leaves_the_users_files_and_records_nothing_for_them(library_file, a1111, journal):
    users = _dest(a1111, library_file)
    os.symlink(library_file, users)
    report = unlink([users], journal=journal)
    assert report.operation_id is None and not report.outcomes[0].removed
    assert users.is_symlink() and journal.recent() == []


def test_the_old_entry_point_is_recorded_too(library_file, a1111, journal):
    """The window's untick still calls app.core.linking.unlink: it is undoable now."""
    link_into(library_file, [a1111], mode="copy", journal=journal)
    dest = _dest(a1111, library_file)
    result = linking.unlink([dest], store=journal.links)
    assert result.removed == (dest,)
    undone = undo(journal=journal)
    assert undone.kind is OperationKind.UNLINK and undone.complete
    assert dest.read_bytes() == library_file.read_bytes() and not dest.is_symlink()


def test_undo_of_unlink_refuses_when_the_library_file_changed(library_file, a1111, journal):
    link_into(library_file, [a1111], mode="symlink", journal=journal)
    report = unlink([_dest(a1111, library_file)], journal=journal)
    library_file.write_bytes(os.urandom(library_file.stat().st_size))  # same size, new bytes
    undone = undo(report.operation_id, journal=journal)
    assert not undone.complete and "changed since" in undone.steps[0].reason
    assert not os.path.lexists(_dest(a1111, library_file))


def test_undo_of_unlink_refuses_when_the_name_is_taken(library_file, a1111, journal):
    link_into(library_file, [a1111], mode="symlink", journal=journal)
    dest = _dest(a1111, library_file)
    report = unlink([dest], journal=journal)
    dest.write_bytes(b"the user's own file, same name")
    undone = undo(report.operation_id, journal=journal)
    assert not undone.complete and "taken" in undone.steps[0].reason
    assert dest.read_bytes() == b"the user's own file, same name"
    dest.unlink()  # the user clears the name: the same undo now works
    assert undo(report.operation_id, journal=journal).complete
    assert dest.is_symlink()


def test_an_interrupted_unlink_is_still_undoable(library_file, a1111, comfy, journal):
    link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    token = CancelToken()
    paths = [_dest(a1111, library_file), _dest(comfy, library_file)]

    def cancel_after_first(done: int, total: int | None) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        unlink(paths, journal=journal, progress=cancel_after_first, cancel=token)
    assert not os.path.lexists(paths[0]) and paths[1].is_symlink()
    latest = journal.latest_undoable()
    assert latest is not None and latest.kind is OperationKind.UNLINK
    assert len(latest.steps) == 1
    assert undo(journal=journal).complete
    assert paths[0].is_symlink()


def test_unlinking_the_default_vae_resets_it_and_undo_puts_both_back(library_file, a1111, journal):
    from app.core.installs.a1111_config import config_path, set_default_vae

    link_into(library_file, [a1111], mode="symlink", journal=journal)
    dest = _dest(a1111, library_file)
    set_default_vae(a1111, dest)
    config = config_path(a1111)
    assert json.loads(config.read_text())["sd_vae"] == library_file.name

    report = unlink([dest], journal=journal)
    assert json.loads(config.read_text())["sd_vae"] == "Automatic"
    assert any("it is now Automatic" in note for note in report.notes)
    record = journal.get(report.operation_id or "")
    assert record is not None
    assert [s.kind for s in record.steps][0] == "link-removed"
    assert "config-value" in [s.kind for s in record.steps]

    undone = undo(journal=journal)
    assert undone.complete, undone.steps
    assert dest.is_symlink()
    assert json.loads(config.read_text())["sd_vae"] == library_file.name


def test_undoing_the_link_of_the_default_vae_resets_the_default(library_file, a1111, journal):
    from app.core.installs.a1111_config import config_path, set_default_vae

    linked = link_into(library_file, [a1111], mode="symlink", journal=journal)
    set_default_vae(a1111, _dest(a1111, library_file))
    undone = undo(linked.operation_id, journal=journal)
    assert undone.complete and any("it is now Automatic" in n for n in undone.notes)
    assert json.loads(config_path(a1111).read_text())["sd_vae"] == "Automatic"
    reset = journal.latest_undoable()
    assert reset is not None and reset.kind is OperationKind.RESET_DEFAULT


def test_a_cancelled_undo_can_be_run_again(library_file, a1111, comfy, journal):
    linked = link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    token = CancelToken()
    with pytest.raises(Cancelled):
        undo(journal=journal, progress=lambda done, total: token.cancel(), cancel=token)
    record = journal.get(linked.operation_id or "")
    assert record is not None and record.undone_at is None
    assert sum(os.path.lexists(_dest(i, library_file)) for i in (a1111, comfy)) == 1
    again = undo(journal=journal)
    assert again.complete and again.steps[0].reason == "already removed"  # newest first
    assert not any(os.path.lexists(_dest(i, library_file)) for i in (a1111, comfy))


def test_unlink_of_the_library_file_itself_says_how(library_file, a1111, journal):
    link_into(library_file, [a1111], mode="symlink", journal=journal)
    report = unlink([library_file], journal=journal)
    assert report.operation_id is None and library_file.exists()
    assert "this is the library file; add --from ROOT" in report.outcomes[0].reason
