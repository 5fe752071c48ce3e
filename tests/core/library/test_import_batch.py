"""A folder import never dies of one file; long names fit NAME_MAX or are refused clearly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.library import ImportOptions, import_paths
from app.core.library.naming import NAME_MAX, candidate_names, is_temp_name, temp_path_for
from tests.core.catalog import hostile_paths as hostile
from tests.core.library.conftest import small_vae
from tests.model_files import write_safetensors, write_torch_zip

posix_only = pytest.mark.skipif(os.name == "nt", reason="FIFOs, sockets and /dev/zero are POSIX")


def _run(paths, catalog, registry, on_file=None, **options):
    return import_paths(
        [Path(p) for p in paths],
        ImportOptions(**options),
        catalog=catalog,
        registry=registry,
        on_file=on_file,
    )


def _by_name(outcomes):
    return {o.path.name: o for o in outcomes}


@posix_only
def test_every_input_of_a_bad_batch_gets_its_outcome(tmp_path, library, catalog, registry):
    batch = hostile.build_mixed_batch(tmp_path)
    with hostile.hang_guard():
        outcomes = _by_name(_run([batch], catalog, registry))
    assert len(outcomes) == 10
    assert {n for n, o in outcomes.items() if o.action == "imported"} == {
        "a_good.safetensors",
        hostile.long_name("h"),
        os.fsdecode(b"i_" + hostile.BAD_NAME),
        "z_good.safetensors",
    }
    assert outcomes["b_pipe.safetensors"].reason == "named pipe (FIFO): skipped"
    assert outcomes["c_zero.ckpt"].reason == "device file /dev/zero: skipped"
    assert outcomes["d_sock.pt"].reason == "socket: skipped"
    assert outcomes["e_loop.pt"].action == "refused"
    assert outcomes["f_cut.safetensors"].reason.startswith("truncated:")
    assert outcomes["g_evil.ckpt"].reason.startswith("unsafe-pickle:")
    assert not (tmp_path / "MARKER").exists()
    bad = os.fsdecode(os.fsencode(library / "VAE") + b"/i_" + hostile.BAD_NAME)
    assert catalog.entry_for_path(bad) is not None  # cataloged under its own bytes


def test_a_file_that_vanishes_before_its_turn_is_refused_and_the_rest_go_on(
    src, library, catalog, registry
):
    for name in ("a.safetensors", "b.safetensors", "c.safetensors"):
        write_safetensors(src / name, small_vae(ord(name[0])))

    def vanish(path: Path) -> None:  # called as each file starts: b is gone by then
        if path.name == "b.safetensors":
            path.unlink()

    outcomes = _by_name(_run([src], catalog, registry, on_file=vanish))
    assert [outcomes[n].action for n in ("a.safetensors", "b.safetensors", "c.safetensors")] == [
        "imported",
        "refused",
        "imported",
    ]
    assert "does not exist" in outcomes["b.safetensors"].reason


def test_a_bug_with_one_file_is_its_refusal_not_the_end_of_the_batch(
    src, library, catalog, registry, monkeypatch
):
    from app.core.library import importer

    for name in ("a.safetensors", "b.safetensors", "c.safetensors"):
        write_safetensors(src / name, small_vae(ord(name[0])))
    real = importer.inspect_path

    def buggy(path, **kwargs):  # fault injection: a parser bug on one file
        if Path(path).name == "b.safetensors":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, **kwargs)

    monkeypatch.setattr(importer, "inspect_path", buggy)
    outcomes = _by_name(_run([src], catalog, registry))
    assert outcomes["a.safetensors"].action == outcomes["c.safetensors"].action == "imported"
    assert outcomes["b.safetensors"].action == "refused"
    assert "RecursionError" in outcomes["b.safetensors"].reason


def test_a_252_byte_name_is_imported_under_its_own_name(src, library, catalog, registry):
    name = hostile.long_name()
    assert len(os.fsencode(name)) == 252
    source = write_safetensors(src / name, small_vae(1))
    other = write_safetensors(src / "again" / name, small_vae(2))  # same name, other bytes

    outcomes = _run([source, other], catalog, registry)

    assert [o.action for o in outcomes] == ["imported", "imported"]
    assert outcomes[0].dest == library / "VAE" / name
    assert len(os.fsencode(outcomes[1].dest.name)) <= NAME_MAX
    assert outcomes[1].dest.name.endswith("-2.safetensors")
    assert not [n for n in os.listdir(library / "VAE") if is_temp_name(n)]


def test_a_converted_name_too_long_is_refused_with_the_reason(src, library, catalog, registry):
    name = "p" * (252 - len(".ckpt")) + ".ckpt"  # as .safetensors it would be 259 bytes
    source = write_torch_zip(src / name, {"state_dict": small_vae(3)})

    [outcome] = _run([source], catalog, registry, to_safetensors=True)

    assert outcome.action == "refused"
    assert "259 bytes long" in outcome.reason and "rename it" in outcome.reason
    assert os.listdir(library / "VAE") == []


def test_temp_names_fit_and_stay_distinct_for_long_names(tmp_path: Path) -> None:
    short = temp_path_for(tmp_path / "vae.pt")
    assert short.name == ".vae.pt.vaem-tmp"
    first = temp_path_for(tmp_path / hostile.long_name("a"))
    second = temp_path_for(tmp_path / hostile.long_name("b"))
    for temp in (first, second):
        assert len(os.fsencode(temp.name)) <= NAME_MAX and is_temp_name(temp.name)
    assert first != second
    wide = "é" * 120 + ".safetensors"  # 252 bytes of two-byte characters
    assert len(os.fsencode(temp_path_for(tmp_path / wide).name)) <= NAME_MAX
    assert all(len(os.fsencode(n)) <= NAME_MAX for n in list(candidate_names(wide))[:20])
    with pytest.raises(UserError, match="256 bytes long"):
        next(candidate_names("x" * 244 + ".safetensors"))
