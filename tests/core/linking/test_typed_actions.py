"""Plan actions, link modes, apply outcomes and step kinds are StrEnums that read as before.

The old constant names stay (aliases of the members), and every member equals the
plain word the JSON output, the link records and the journal always held.
"""

from __future__ import annotations

import json
import sqlite3

from app.core.linking import apply, fsops, plan
from app.core.linking.apply import ApplyOutcome, apply_plan
from app.core.linking.fsops import LinkMode
from app.core.linking.plan import BlockedWhy, PlanAction, plan_links
from app.core.operations.journal import Journal, StepKind
from app.core.operations.link import link_into


def test_old_names_are_the_members_and_equal_their_words() -> None:
    words = {
        plan.ACTION_CREATE: "create", plan.ACTION_ALREADY: "already-linked",
        plan.ACTION_CONFLICT: "conflict", plan.ACTION_ERROR: "error",
        plan.ACTION_CANNOT_USE: "cannot-use", plan.WHY_REFUSED: "refused",
        plan.WHY_MISSING: "missing", plan.WHY_NOT_WRITABLE: "not-writable",
        plan.WHY_NAME_TAKEN: "name-taken", fsops.MODE_AUTO: "auto",
        fsops.MODE_SYMLINK: "symlink", fsops.MODE_HARDLINK: "hardlink",
        fsops.MODE_COPY: "copy", apply.CREATED: "created",
    }  # fmt: skip
    for member, word in words.items():
        assert member == word and str(member) == word and json.dumps(member) == f'"{word}"'
    assert plan.ACTION_CREATE is PlanAction.CREATE and apply.CREATED is ApplyOutcome.CREATED
    assert plan.WHY_MISSING is BlockedWhy.MISSING and tuple(LinkMode) == fsops.MODES
    assert fsops.MODES == ("auto", "symlink", "hardlink", "copy")
    # every plan action an entry can keep is also an apply outcome
    assert {str(a) for a in PlanAction} - {"create"} <= {str(o) for o in ApplyOutcome}


def test_a_real_plan_and_apply_carry_members_and_print_plain_json(
    library_file, a1111, comfy, store
) -> None:
    comfy_dest = comfy.vae_dirs[0].path / library_file.name
    comfy_dest.write_bytes(b"another file of that name")
    planned = plan_links(library_file, [a1111, comfy], "symlink")
    assert [e.action for e in planned.entries] == [PlanAction.CREATE, PlanAction.CONFLICT]
    assert isinstance(planned.entries[0].mode, LinkMode)
    assert planned.entries[1].blocked[0].why is BlockedWhy.NAME_TAKEN
    result = apply_plan(planned, store=store)
    assert [o.action for o in result.outcomes] == [ApplyOutcome.CREATED, ApplyOutcome.CONFLICT]
    assert result.outcomes[0].mode is LinkMode.SYMLINK
    printed = json.loads(json.dumps(result.to_json()))
    assert [(o["action"], o["mode"]) for o in printed["outcomes"]] == [
        ("created", "symlink"),
        ("conflict", None),
    ]
    dry = json.loads(json.dumps([e.to_json() for e in planned.entries]))
    assert [e["action"] for e in dry] == ["create", "conflict"]
    assert dry[1]["blocked"] == [{"folder": str(comfy_dest.parent), "why": "name-taken"}]
    with sqlite3.connect(store.db_path) as conn:  # the record holds the plain word
        assert conn.execute("SELECT mode, typeof(mode) FROM links").fetchall() == [
            ("symlink", "text")
        ]


def test_step_kinds_read_back_as_members(library_file, a1111, tmp_path) -> None:
    journal = Journal(tmp_path / "state" / "journal.sqlite3")
    link_into(library_file, [a1111], mode="symlink", journal=journal)
    [record] = journal.recent()
    assert [s.kind for s in record.steps] == [StepKind.LINK_CREATED]
    assert record.steps[0].kind is StepKind.LINK_CREATED
    assert record.to_json()["steps"][0]["kind"] == "link-created"
    journal.close()
