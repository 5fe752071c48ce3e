"""release_defaults: a default VAE whose link was removed goes back to Automatic, undoably."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.core.installs import install_at
from app.core.operations.default_guard import release_defaults
from app.core.operations.journal import OperationKind
from app.core.operations.set_default import set_default
from app.core.operations.undo import undo
from app.core.operations.unlink import unlink
from tests.core.installs.trees import make_a1111, make_forge2


def _library(tmp_path: Path, name: str = "vae-ft-mse-840000-ema-pruned.safetensors") -> Path:
    path = tmp_path / "library" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(2048))
    return path


def _config(root: Path) -> dict:
    return json.loads((root / "config.json").read_text(encoding="utf-8"))


def test_unlinking_the_default_resets_it_and_undo_puts_both_back(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    source = _library(tmp_path)
    made = set_default(source, root, journal=journal)
    assert _config(root)["sd_vae"] == source.name

    report = unlink([made.linked], journal=journal)

    assert report.removed == (made.linked,)
    assert _config(root)["sd_vae"] == "Automatic"
    assert report.notes == (
        f"AUTOMATIC1111 WebUI's default VAE was {source.name}; it is now Automatic.",
    )
    steps = journal.get(report.operation_id).steps
    assert [s.kind for s in steps] == ["link-removed", "config-value"]

    undone = undo(report.operation_id, journal=journal)

    assert undone.complete, undone.to_json()
    assert os.path.islink(made.linked)
    assert _config(root)["sd_vae"] == source.name


def test_undoing_the_link_operation_resets_a_default_set_afterwards(tmp_path, journal):
    """Link, then set default by hand-picking that link, then undo the link."""
    from app.core.linking import apply_plan, plan_links

    root = make_a1111(tmp_path / "webui")
    install = install_at(root)
    source = _library(tmp_path, "sdxl_vae.safetensors")
    linked = apply_plan(plan_links(source, [install]), store=journal.links)
    dest = linked.created[0].dest
    set_default(dest, install, journal=journal)

    undone = undo(linked.operation_id, journal=journal)

    assert not os.path.lexists(dest)
    assert _config(root)["sd_vae"] == "Automatic"
    assert any("sdxl_vae.safetensors; it is now Automatic" in n for n in undone.notes)
    reset = journal.recent()[0]
    assert reset.kind is OperationKind.RESET_DEFAULT and reset.steps[0].data["key"] == "sd_vae"


def test_another_default_and_a_surviving_twin_are_left_alone(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    vae_dir = root / "models" / "VAE"
    (vae_dir / "keep.pt").write_bytes(b"k")
    (root / "config.json").write_text(json.dumps({"sd_vae": "keep.pt"}, indent=4))
    before = (root / "config.json").read_bytes()
    op = journal.begin(OperationKind.UNLINK, "unlink gone.pt")
    gone = vae_dir / "gone.pt"  # already removed by the caller
    assert release_defaults([gone], operation_id=op, journal=journal) == ()
    assert (root / "config.json").read_bytes() == before
    assert journal.get(op).steps == ()


def test_forge2_drops_only_the_removed_module(tmp_path, journal):
    root = make_forge2(tmp_path / "forge")
    te = str(root / "models" / "text_encoder" / "clip_l.safetensors")
    vae = root / "models" / "VAE" / "ae.safetensors"
    modules = {"forge_additional_modules": [te, str(vae)]}
    (root / "config.json").write_text(json.dumps(modules, indent=4))
    op = journal.begin(OperationKind.UNLINK, "unlink ae.safetensors")

    notes = release_defaults([vae], operation_id=op, journal=journal)

    assert _config(root) == {"forge_additional_modules": [te]}
    assert notes == ("Forge's default VAE was ae.safetensors; it is now Automatic.",)
    undone = undo(op, journal=journal)
    assert undone.complete and _config(root) == modules


def test_a_broken_config_is_reported_and_untouched(tmp_path, journal):
    root = make_a1111(tmp_path / "webui")
    (root / "config.json").write_text('{"sd_vae": ', encoding="utf-8")
    op = journal.begin(OperationKind.UNLINK, "x")
    notes = release_defaults([root / "models" / "VAE" / "x.pt"], operation_id=op, journal=journal)
    assert len(notes) == 1 and "left as it is" in notes[0] and "not valid JSON" in notes[0]
    assert (root / "config.json").read_text() == '{"sd_vae": '
