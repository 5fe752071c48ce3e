"""link --into / unlink --from / links / remove / undo end to end through app.cli.main."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.core.installs.trees import make_a1111, make_comfy
from tests.model_files import ldm_vae_state_dict, write_safetensors
from tests.trash_home import trash_home  # noqa: F401 (fixture)


@pytest.fixture
def uis(tmp_path: Path) -> tuple[Path, Path]:
    return make_a1111(tmp_path / "ui" / "webui"), make_comfy(tmp_path / "ui" / "ComfyUI")


@pytest.fixture
def vae(tmp_path: Path) -> Path:
    return write_safetensors(tmp_path / "lib" / "my_vae.safetensors", ldm_vae_state_dict())


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _dests(uis: tuple[Path, Path], name: str) -> tuple[Path, Path]:
    return uis[0] / "models" / "VAE" / name, uis[1] / "models" / "vae" / name


def test_link_text_shows_every_reason_and_what_undo_would_do(capsys, uis, vae):
    assert main(["link", str(vae), "--into", *map(str, uis), "--mode", "symlink"]) == 0
    out = capsys.readouterr().out
    assert out.count("removes this link") == 2
    assert "Undo link my_vae.safetensors into " in out and ": undo " in out
    a, c = _dests(uis, vae.name)
    assert a.is_symlink() and c.is_symlink()
    # --to is the same option: the second run finds both already linked, with the reason
    assert main(["link", str(vae), "--to", *map(str, uis)]) == 0
    again = capsys.readouterr().out
    assert again.count("already-linked") == 2 and "already a symlink to this file" in again
    assert "Undo" not in again  # nothing new: nothing to undo


def test_unlink_from_an_install_by_library_file_then_undo_recreates_it(capsys, uis, vae):
    main(["link", str(vae), "--into", *map(str, uis), "--mode", "symlink", "--json"])
    capsys.readouterr()
    a, c = _dests(uis, vae.name)
    code, result = _json(capsys, "unlink", str(vae), "--from", str(uis[1]))
    assert code == 0 and [o["path"] for o in result["outcomes"]] == [str(c)]
    assert result["undo"]["description"].startswith("Undo unlink my_vae.safetensors from ")
    assert not os.path.lexists(c) and a.is_symlink()

    assert main(["undo"]) == 0
    out = capsys.readouterr().out
    assert "undone" in out and f"done: put back the link {c}" in out
    assert c.is_symlink() and os.path.samefile(c, vae)


def test_links_lists_what_the_app_made_with_install_and_operation(capsys, uis, vae):
    code, linked = _json(capsys, "link", str(vae), "--into", str(uis[0]), "--mode", "copy")
    assert code == 0
    code, rows = _json(capsys, "links")
    assert code == 0 and len(rows) == 1
    [row] = rows
    assert row["dest"] == str(_dests(uis, vae.name)[0]) and row["source"] == str(vae)
    assert row["mode"] == "copy" and row["operation_id"] == linked["operation_id"]
    assert row["install"] and row["operation"].startswith("link my_vae.safetensors into ")
    assert main(["links"]) == 0 and "copy" in capsys.readouterr().out


def test_undo_list_then_undo_an_older_operation_by_id(capsys, uis, vae):
    _, first = _json(capsys, "link", str(vae), "--into", str(uis[0]))
    _, second = _json(capsys, "link", str(vae), "--into", str(uis[1]))
    code, listed = _json(capsys, "undo", "--list")
    assert code == 0
    assert [r["id"] for r in listed] == [second["operation_id"], first["operation_id"]]
    assert all(r["undoable"] for r in listed)
    code, undone = _json(capsys, "undo", first["operation_id"])
    assert code == 0 and undone["operation_id"] == first["operation_id"]
    assert not os.path.lexists(_dests(uis, vae.name)[0])
    assert _dests(uis, vae.name)[1].exists()
    main(["undo", "--list"])
    assert "undone" in capsys.readouterr().out


def test_undo_with_nothing_left_exits_2_with_one_line(capsys):
    assert main(["undo"]) == 2
    err = capsys.readouterr().err
    assert "Nothing to undo" in err and len(err.strip().splitlines()) == 1


def test_a_refused_undo_step_exits_1_and_says_why(capsys, uis, vae):
    main(["link", str(vae), "--into", str(uis[0]), "--mode", "symlink", "--json"])
    capsys.readouterr()
    dest = _dests(uis, vae.name)[0]
    dest.unlink()
    dest.write_bytes(b"the user's own file now")
    assert main(["undo"]) == 1
    out = capsys.readouterr().out
    assert "partly undone" in out and "left alone" in out
    assert dest.read_bytes() == b"the user's own file now"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash")
@pytest.mark.usefixtures("trash_home")
def test_remove_then_undo_restores_file_and_links(capsys, uis, vae):
    main(["link", str(vae), "--into", str(uis[0]), "--mode", "symlink", "--json"])
    capsys.readouterr()
    data = vae.read_bytes()
    code, removed = _json(capsys, "remove", str(vae))
    assert code == 0 and [o["trashed"] for o in removed["outcomes"]] == [True]
    assert removed["undo"]["description"] == "Undo move my_vae.safetensors to the trash"
    assert not vae.exists() and not os.path.lexists(_dests(uis, vae.name)[0])
    assert main(["undo"]) == 0
    out = capsys.readouterr().out
    assert f"restored {vae} from the trash" in out
    assert vae.read_bytes() == data and _dests(uis, vae.name)[0].is_symlink()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash")
@pytest.mark.usefixtures("trash_home")
def test_remove_on_the_command_line_takes_the_file_out_of_the_catalog(capsys, vae):
    assert main(["scan", str(vae.parent), "--json"]) == 0
    capsys.readouterr()
    code, listed = _json(capsys, "list")
    assert code == 0 and str(vae) in json.dumps(listed)
    assert main(["remove", str(vae), "--json"]) == 0
    capsys.readouterr()
    code, listed = _json(capsys, "list")
    assert code == 0 and str(vae) not in json.dumps(listed)


def test_remove_of_a_missing_file_exits_2(capsys, tmp_path):
    assert main(["remove", str(tmp_path / "nope.safetensors")]) == 2
    assert "Nothing to remove" in capsys.readouterr().err
