from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from app.core.errors import Cancelled, UserError
from app.core.library import ImportOptions, import_paths
from app.core.publish import TempBusy, check_free_space, exclusive_temp, sweep_abandoned
from app.core.tasks import CancelToken
from tests.core.library.conftest import small_vae
from tests.model_files import checkpoint_state_dict, write_safetensors

ROOT = Path(__file__).resolve().parents[3]
BIG = 6 << 20  # float32 values: a 24 MiB checkpoint is copied in several 8 MiB chunks


def _big_checkpoint(folder: Path) -> Path:
    sd = checkpoint_state_dict(small_vae(seed=31))
    sd["model.diffusion_model.big.weight"] = torch.zeros(BIG)
    return write_safetensors(folder / "model.safetensors", sd)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_cancel_mid_copy_leaves_no_file_no_temp_and_no_catalog_row(src, library, catalog, registry):
    ckpt = _big_checkpoint(src)
    size = ckpt.stat().st_size
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(done)
        if done > size // 2:  # copying and hashing in one pass: half is in the temp file
            token.cancel()

    with pytest.raises(Cancelled):
        import_paths([ckpt], ImportOptions(), catalog=catalog, registry=registry,
                     progress=progress, cancel=token)  # fmt: skip
    assert max(seen) < size, "it stopped before the copy finished"
    assert _leftovers(library / "checkpoints") == []
    assert catalog.entries() == []
    assert ckpt.stat().st_size == size


_KILLED_IMPORT = """
import sys, time
from pathlib import Path
from app.core.catalog.store import Catalog
from app.core.library import ImportOptions, import_paths
from app.core.paths import app_paths
from app.core.registry import load_registry

source, flag = Path(sys.argv[1]), Path(sys.argv[2])
size = source.stat().st_size

def progress(done, total):
    if done > size // 2:  # copied and hashed in one pass: half is in the temp file
        flag.touch()
        time.sleep(60)

with Catalog(app_paths().ensure().catalog_db) as catalog:
    import_paths([source], ImportOptions(), catalog=catalog,
                 registry=load_registry(app_paths().user_registry), progress=progress)
"""


def test_a_killed_import_leaves_no_final_file_and_the_next_one_cleans_up(
    tmp_path, src, library, catalog, registry
):
    ckpt = _big_checkpoint(src)
    flag = tmp_path / "copying"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, str(ckpt), str(flag)], cwd=ROOT, env=os.environ
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert flag.exists(), "the import never reached the copy"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    folder = library / "checkpoints"
    assert _leftovers(folder) == [".model.safetensors.vaem-tmp"], "only the abandoned temp"
    assert (folder / ".model.safetensors.vaem-tmp").stat().st_size < ckpt.stat().st_size
    assert catalog.entries() == []

    (outcome,) = import_paths([ckpt], ImportOptions(), catalog=catalog, registry=registry)
    assert outcome.action == "imported"
    assert _leftovers(folder) == ["model.safetensors"]
    assert outcome.dest.read_bytes() == ckpt.read_bytes()


def test_a_live_writer_keeps_its_temp_and_an_abandoned_one_is_swept(tmp_path):
    final = tmp_path / "a.safetensors"
    with exclusive_temp(final) as live:
        with pytest.raises(TempBusy):
            exclusive_temp(final).__enter__()
        assert sweep_abandoned(tmp_path) == 0
        assert live.path.exists()
    assert not live.path.exists()
    crashed = exclusive_temp(tmp_path / "b.safetensors").__enter__()
    os.write(crashed.fd, b"left by a crash")
    crashed.close()  # the process died: its lock is gone, its temp file stays
    planted = tmp_path / ".c.safetensors.vaem-tmp"
    planted.write_bytes(b"not the app's")  # only the app's own temp files are swept
    assert sweep_abandoned(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".vaem-tmp"] == [planted.name]
    assert planted.read_bytes() == b"not the app's"


def test_free_space_is_checked_before_writing(tmp_path):
    check_free_space(tmp_path, 1 << 20)
    with pytest.raises(UserError, match="not enough free space"):
        check_free_space(tmp_path, 1 << 62)
