"""Import by copy reads a new file once: hashed while copied into a temp in the library."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from blake3 import blake3

from app.core.library import ImportOptions, import_paths
from app.core.library.fingerprint import CHECKPOINT_PREFIX, decoder_fingerprint
from app.core.library.fingerprint_store import FingerprintStore
from tests.core.library.conftest import small_vae
from tests.model_files import checkpoint_state_dict, write_safetensors

ROOT = Path(__file__).resolve().parents[3]


def _run(paths, catalog, registry, progress=None):
    kwargs = {"progress": progress} if progress else {}
    return import_paths(
        [Path(p) for p in paths], ImportOptions(), catalog=catalog, registry=registry, **kwargs
    )


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_is_read_once_and_cataloged_with_every_hash(src, library, catalog, registry):
    vae = write_safetensors(src / "vae.safetensors", small_vae(seed=40))
    data, size = vae.read_bytes(), vae.stat().st_size
    seen: list[tuple[int, int | None]] = []
    (outcome,) = _run([vae], catalog, registry, progress=lambda d, t: seen.append((d, t)))
    assert outcome.action == "imported" and outcome.reason == "copied"
    assert max(d for d, _ in seen) == size, "one pass: hashing and copying are the same read"
    assert outcome.dest.read_bytes() == data
    assert os.stat(outcome.dest).st_mtime_ns == os.stat(vae).st_mtime_ns
    entry = catalog.entry_for_path(outcome.dest)
    assert entry.sha256 == hashlib.sha256(data).hexdigest() == outcome.sha256
    assert entry.blake3 == blake3(data).hexdigest()
    assert _names(library / "VAE") == ["vae.safetensors"], "no temp left behind"
    stored = FingerprintStore.beside(catalog.path).get(outcome.sha256)
    assert stored is not None and stored.fingerprint == decoder_fingerprint(vae) is not None


def test_a_duplicate_under_another_name_discards_only_our_temp(
    tmp_path, src, library, catalog, registry
):
    first = write_safetensors(src / "vae.safetensors", small_vae(seed=41))
    (kept,) = _run([first], catalog, registry)
    other = tmp_path / "elsewhere" / "renamed.safetensors"
    other.parent.mkdir()
    other.write_bytes(first.read_bytes())
    planted = library / "VAE" / ".renamed.safetensors.vaem-tmp"
    planted.write_bytes(b"someone else's file")  # our temp takes another name; this stays
    (dup,) = _run([other], catalog, registry)
    assert dup.action == "duplicate" and dup.dest == kept.dest
    assert _names(library / "VAE") == [planted.name, "vae.safetensors"]
    assert planted.read_bytes() == b"someone else's file"
    assert str(other) in catalog.entry_for_path(kept.dest).locations


def test_a_source_that_changes_during_the_copy_is_refused(src, library, catalog, registry):
    vae = write_safetensors(src / "vae.safetensors", small_vae(seed=42))

    def touch_midway(done: int, total: int | None) -> None:
        os.utime(vae, ns=(1, 1))  # after a block is copied, as a finishing download would

    (outcome,) = _run([vae], catalog, registry, progress=touch_midway)
    assert outcome.action == "refused" and "changed while it was copied" in outcome.reason
    assert _names(library / "VAE") == []
    assert catalog.entries() == []


def test_a_checkpoint_copied_in_one_pass_names_its_baked_in_vae(src, library, catalog, registry):
    vae_sd = small_vae(seed=43)
    vae = write_safetensors(src / "vae.safetensors", vae_sd)
    ckpt = write_safetensors(src / "model.safetensors", checkpoint_state_dict(vae_sd))
    got = {o.path.name: o for o in _run([vae, ckpt], catalog, registry)}
    assert got["model.safetensors"].action == "imported"
    baked = got["model.safetensors"].baked_in
    assert baked is not None and baked.sha256 == got["vae.safetensors"].sha256
    assert baked.fingerprint == decoder_fingerprint(ckpt, prefix=CHECKPOINT_PREFIX)
    assert got["model.safetensors"].dest.read_bytes() == ckpt.read_bytes()


def test_a_cataloged_source_is_not_copied_again(tmp_path, src, library, catalog, registry):
    vae = write_safetensors(src / "vae.safetensors", small_vae(seed=44))
    _run([vae], catalog, registry)
    other = tmp_path / "renamed.safetensors"
    other.write_bytes(vae.read_bytes())
    assert _run([other], catalog, registry)[0].action == "duplicate"  # now cataloged there
    seen: list[int] = []
    (again,) = _run([other], catalog, registry, progress=lambda d, t: seen.append(d))
    assert again.action == "duplicate"
    assert seen == [], "known hashes: nothing read, nothing written"
    assert _names(library / "VAE") == ["vae.safetensors"]


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from app.core.catalog.store import Catalog
from app.core.library import ImportOptions, import_paths
from app.core.paths import app_paths
from app.core.registry import load_registry

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
with Catalog(app_paths().ensure().catalog_db) as catalog:
    registry = load_registry(app_paths().user_registry)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
    (outcome,) = import_paths([Path(sys.argv[1])], ImportOptions(), catalog=catalog,
                              registry=registry)
    print(outcome.action, outcome.reason, sep="|")
"""


def test_a_failing_library_write_is_refused_with_the_reason(src, library):
    vae = write_safetensors(src / "vae.safetensors", small_vae(seed=45))
    assert vae.stat().st_size > 1 << 20
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(vae)],
        cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    action, reason = done.stdout.strip().split("|")
    assert action == "refused"
    assert reason.startswith("cannot write to the library: File too large")
    assert _names(library / "VAE") == [], "the temp file was removed"
