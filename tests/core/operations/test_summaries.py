"""Every summary, undo step and note the operations write comes from a message template.

The journal keeps English; the window reads it back into its template
(:func:`app.core.messages.parse`) to translate it. So each real operation's
summary, each step description of its undo and the notes must parse, and the
English must read as before.
"""

from __future__ import annotations

import json
import sys

import pytest

from app.core.linking import plan_links
from app.core.messages import LIST_TEMPLATES, parse, parse_list, say, say_list
from app.core.operations.journal import Journal
from app.core.operations.link import apply_link_changes, link_into
from app.core.operations.remove import remove
from app.core.operations.set_default import set_default
from app.core.operations.undo import UndoResult, undo, undo_description
from app.core.operations.unlink import unlink
from app.core.operations.words import plain_list, short_list
from app.core.trash import trash_name


def _key(text: str) -> str:
    found = parse(text)
    assert found is not None, f"no template wrote {text!r}"
    return found[0]


def _undone(journal: Journal) -> UndoResult:
    result = undo(journal=journal)
    for step in result.steps:
        assert _key(step.description).startswith("step."), step
        if step.reason:
            assert _key(step.reason).startswith("undone."), step
    for note in result.notes:
        assert _key(note).startswith("note."), note
    return result


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash")
def test_each_operation_and_its_undo_speak_in_templates(
    library_file, a1111, comfy, journal, trash_home
) -> None:
    (a1111.root / "config.json").write_text(json.dumps({"sd_vae": "Automatic"}))
    link_into(library_file, [a1111, comfy], mode="symlink", journal=journal)
    plan = plan_links(library_file, [a1111, comfy], "symlink")
    apply_link_changes(plan, [], [plan.entries[1]], journal=journal)  # untick ComfyUI
    _undone(journal)  # the link comes back
    link = a1111.vae_dirs[0].path / library_file.name
    set_default(link, a1111, journal=journal)
    unlink([link], journal=journal)  # resets the default it named, in the same operation
    undone = _undone(journal)
    assert undone.complete and link.is_symlink()
    set_default(None, a1111, journal=journal)
    removed = remove([library_file], journal=journal)
    assert [_key(o.reason) for o in removed.outcomes] == ["outcome.trashed"]
    _undone(journal)
    mine = a1111.vae_dirs[0].path / "my own.safetensors"
    mine.write_bytes(b"the user's")
    left = unlink([mine, library_file], journal=journal).outcomes
    assert [_key(o.reason) for o in left] == ["outcome.not-ours", "outcome.library-file"]
    unlink([library_file], installs=[comfy], journal=journal)  # its link there goes
    left = unlink([library_file], installs=[comfy], journal=journal).outcomes
    assert parse(left[0].reason) == ("outcome.none-in", {"where": comfy.label})

    kinds = {}
    for record in journal.recent():
        kinds[record.kind] = _key(record.summary)
        assert _key(undo_description(record)) == "undo.menu"
    assert kinds == {
        "link": "op.link",
        "unlink": "op.unlink",
        "set-default": "op.set-default",
        "reset-default": "op.reset-default",
        "remove": "op.remove",
    }
    summaries = [r.summary for r in journal.recent()]
    assert f"move {library_file.name} to {trash_name()}" in summaries
    assert f"unlink {library_file.name} from {a1111.vae_dirs[0].path}" in summaries
    both = f"link {library_file.name} into {a1111.label} and {comfy.label}"
    assert both in summaries


def test_the_dialogs_link_and_unlink_in_one_apply_is_one_sentence(
    library_file, a1111, comfy, journal
) -> None:
    link_into(library_file, [comfy], mode="symlink", journal=journal)
    plan = plan_links(library_file, [a1111, comfy], "symlink")
    changes = apply_link_changes(plan, [plan.entries[0]], [plan.entries[1]], journal=journal)
    record = journal.get(str(changes.operation_id))
    assert record is not None
    expected = f"link {library_file.name} into {a1111.label}; unlink it from {comfy.label}"
    assert record.summary == expected
    assert parse(record.summary) == (
        "op.link-and-unlink",
        {"name": library_file.name, "where": a1111.label, "unlinked": comfy.label},
    )


def test_nothing_to_undo_and_unknown_ids_are_template_sentences(journal) -> None:
    from app.core.errors import UserError

    with pytest.raises(UserError) as nothing:
        undo(journal=journal)
    assert _key(str(nothing.value)) == "undo.nothing"
    with pytest.raises(UserError) as unknown:
        undo("no-such-id", journal=journal)
    assert parse(str(unknown.value)) == ("undo.no-such", {"id": "'no-such-id'"})


def test_lists_read_as_before_and_back_into_their_names() -> None:
    assert plain_list([]) == "nothing"
    assert plain_list(["a", "a"]) == "a"
    assert plain_list(["a", "b"]) == "a and b"
    assert plain_list(["a", "b", "c"]) == "a, b and c"
    assert short_list(["a", "b", "c", "d", "e"]) == "a, b and 3 more"
    assert short_list(["a", "b", "c"]) == "a, b and c"
    for names in ([], ["a.safetensors"], ["A1111", "ComfyUI"], ["x", "y", "z"]):
        assert parse_list(say_list(names)) == names
    assert LIST_TEMPLATES["list.more"].format(count=3) == "3 more"


def test_the_trash_and_pre_journal_link_summaries_are_templates() -> None:
    assert _key(trash_name()).startswith("trash.")
    # What app.core.linking.records writes for a v1 store's operations on migration
    # (tests/core/operations/test_migration_v1.py reads one back).
    assert _key("link a.safetensors (2 links)") == "op.link-migrated"
    assert _key("link a.safetensors (1 link)") == "op.link-migrated-one"
    assert say("op.link-migrated", name="a", count=2) == "link a (2 links)"
