from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.linking.records import SCHEMA_VERSION
from app.core.operations import undo as undo_module
from app.core.operations.journal import Journal, OperationKind, Step
from app.core.operations.undo import StepUndone, undo, undo_description


def test_steps_are_kept_in_order_and_survive_a_new_journal(journal, tmp_path):
    op = journal.begin(OperationKind.IMPORT, "import a.safetensors")
    journal.add_step(op, Step("file-added", {"path": tmp_path / "a", "size": 3}))
    journal.add_step(op, Step("file-added", {"path": "b", "size": 4}))
    record = Journal(journal.db_path).get(op)
    assert record is not None
    assert record.kind is OperationKind.IMPORT and record.summary == "import a.safetensors"
    assert [s.data["path"] for s in record.steps] == [str(tmp_path / "a"), "b"]
    assert record.undone_at is None and record.undoable
    assert record.to_json()["steps"][1] == {"kind": "file-added", "data": {"path": "b", "size": 4}}


def test_step_data_must_be_json(journal):
    op = journal.begin(OperationKind.IMPORT, "x")
    with pytest.raises(TypeError, match="JSON"):
        journal.add_step(op, Step("file-added", {"bad": object()}))


def test_recent_is_newest_first_and_latest_undoable_skips_empty_and_undone(journal):
    first = journal.begin(OperationKind.LINK, "first")
    journal.add_step(first, Step("x", {}))
    second = journal.begin(OperationKind.UNLINK, "second")
    journal.add_step(second, Step("x", {}))
    journal.begin(OperationKind.REMOVE, "empty")
    assert [r.summary for r in journal.recent()] == ["empty", "second", "first"]
    assert journal.recent(limit=1)[0].summary == "empty"
    latest = journal.latest_undoable()
    assert latest is not None and latest.id == second
    journal.mark_undone(second)
    latest = journal.latest_undoable()
    assert latest is not None and latest.id == first
    journal.mark_undone(first)
    assert journal.latest_undoable() is None


def test_discard_if_empty_keeps_operations_with_steps(journal):
    empty = journal.begin(OperationKind.RESET_DEFAULT, "nothing")
    full = journal.begin(OperationKind.RESET_DEFAULT, "something")
    journal.add_step(full, Step("x", {}))
    journal.discard_if_empty(empty)
    journal.discard_if_empty(full)
    assert journal.get(empty) is None and journal.get(full) is not None


def test_undo_reverses_newest_first_and_marks_undone_only_when_all_done(journal, monkeypatch):
    calls: list[object] = []

    def ok(step: Step) -> StepUndone:
        calls.append(step.data["n"])
        return StepUndone(f"step {step.data['n']}", True)

    def refuse(step: Step) -> StepUndone:
        calls.append(step.data["n"])
        return StepUndone(f"step {step.data['n']}", False, "the file changed since")

    import sys
    import types

    mod = types.ModuleType("fake_undo_handlers")
    mod.ok, mod.refuse = ok, refuse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_undo_handlers", mod)
    monkeypatch.setitem(undo_module.UNDO_HANDLERS, "t-ok", "fake_undo_handlers:ok")
    monkeypatch.setitem(undo_module.UNDO_HANDLERS, "t-refuse", "fake_undo_handlers:refuse")

    op = journal.begin(OperationKind.PAIR, "pair things")
    for n, kind in ((1, "t-ok"), (2, "t-refuse"), (3, "t-ok")):
        journal.add_step(op, Step(kind, {"n": n}))
    result = undo(op, journal=journal)
    assert calls == [3, 2, 1]
    assert not result.complete and [s.done for s in result.steps] == [True, False, True]
    assert result.steps[1].reason == "the file changed since"
    record = journal.get(op)
    assert record is not None and record.undone_at is None  # still undoable once fixed

    monkeypatch.setitem(undo_module.UNDO_HANDLERS, "t-refuse", "fake_undo_handlers:ok")
    assert undo(journal=journal).complete
    record = journal.get(op)
    assert record is not None and record.undone_at is not None
    with pytest.raises(UserError, match="already undone"):
        undo(op, journal=journal)
    with pytest.raises(UserError, match="Nothing to undo"):
        undo(journal=journal)


def test_a_step_kind_without_a_handler_is_reported_not_crashed(journal):
    op = journal.begin(OperationKind.PAIR, "pair")
    journal.add_step(op, Step("from-the-future", {}))
    result = undo(op, journal=journal)
    assert not result.complete and "cannot undo" in result.steps[0].reason


def test_unknown_operation_is_a_user_error(journal):
    with pytest.raises(UserError, match="No operation 'nope'"):
        undo("nope", journal=journal)


def test_undo_description_is_plain_words(journal):
    op = journal.begin(OperationKind.LINK, "link vae.safetensors into ComfyUI and Forge")
    journal.add_step(op, Step("x", {}))
    record = journal.get(op)
    assert record is not None
    assert undo_description(record) == "Undo link vae.safetensors into ComfyUI and Forge"


def test_a_newer_schema_is_refused(tmp_path):
    db = tmp_path / "links.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="newer version"):
        Journal(db).recent()


def test_every_handler_in_the_table_names_a_callable():
    for kind, target in undo_module.UNDO_HANDLERS.items():
        handler = undo_module.handler_for(kind)
        assert handler is not None and callable(handler), target


def test_fresh_file_is_created_at_the_current_version(tmp_path: Path):
    db = tmp_path / "new" / "links.sqlite3"
    Journal(db).recent()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_the_journal_and_its_link_records_share_one_connection(tmp_path: Path, monkeypatch):
    opened: list[str] = []
    real = sqlite3.connect

    def counting(database, *args, **kwargs):
        opened.append(str(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting)
    with Journal(tmp_path / "links.sqlite3") as journal:
        op = journal.begin(OperationKind.LINK, "link x")
        journal.links.add_link(
            op, tmp_path / "ui" / "x", tmp_path / "x", "copy",
            link_target=None, sha256="ef" * 32, size=1, dev=1, ino=1,
        )  # fmt: skip
        journal.add_step(op, Step("x", {}))
        record = journal.get(op)
        assert record is not None and [s.kind for s in record.steps] == ["link-created", "x"]
        assert journal.latest_undoable() == record and journal.recent() == [record]
    assert opened == [str(tmp_path / "links.sqlite3")]
    assert Journal(tmp_path / "links.sqlite3").get(op) == record  # closed, then a new one
