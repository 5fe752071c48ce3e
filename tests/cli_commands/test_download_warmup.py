"""The download command's import warm-up: what it loads, when it starts, what it forgives."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli_commands.downloads import CATALOG_MODULES, ImportWarmup
from app.core.downloads.records import PHASE_CONNECTING, PHASE_DOWNLOADING, DownloadProgress
from tests.model_files import ldm_vae_state_dict, write_safetensors

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter: load what the transfer loads, warm up, then catalog a real VAE
# and list the app modules that cataloguing still had to import itself.
_PROBE = """
import json, sys
from pathlib import Path
import app.core.downloads.command
from app.cli_commands.downloads import CATALOG_MODULES, ImportWarmup
from app.core.hashing.hasher import hash_file
warmup = ImportWarmup(CATALOG_MODULES)
warmup.start()
warmup.join()
path = Path(sys.argv[1])
hashes = hash_file(path)
before = set(sys.modules)
from app.core.catalog.store import Catalog
from app.core.downloads.catalog import catalog_download
from app.core.downloads.records import DownloadResult
from app.core.catalog.ingest import catalog_known_file
with Catalog(Path(sys.argv[2])) as store:
    report = catalog_known_file(store, path, hashes)
late = sorted(m for m in set(sys.modules) - before if m.startswith("app."))
print(json.dumps({"late": late, "report": str(report)}))
"""


def _progress(phase: str) -> DownloadProgress:
    return DownloadProgress(
        filename="vae.safetensors", done=0, total=None, speed=0.0, eta_seconds=None, phase=phase
    )


def test_every_listed_module_exists() -> None:
    missing = [name for name in CATALOG_MODULES if importlib.util.find_spec(name) is None]
    assert missing == []


def test_warmup_covers_what_cataloguing_a_download_imports(tmp_path: Path) -> None:
    vae = write_safetensors(tmp_path / "dl" / "vae.safetensors", ldm_vae_state_dict())
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(vae), str(tmp_path / "catalog.sqlite3")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["late"] == [], result["late"]


def test_warmup_starts_on_the_first_downloading_report_and_forwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_probe_a.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warm_probe_a", raising=False)
    shown: list[str] = []
    warmup = ImportWarmup(["warm_probe_a"])
    report = warmup.on_first_bytes(lambda progress: shown.append(progress.phase))

    report(_progress(PHASE_CONNECTING))
    warmup.join()
    assert "warm_probe_a" not in sys.modules
    report(_progress(PHASE_DOWNLOADING))
    report(_progress(PHASE_DOWNLOADING))
    warmup.join()
    assert "warm_probe_a" in sys.modules
    assert shown == [PHASE_CONNECTING, PHASE_DOWNLOADING, PHASE_DOWNLOADING]
    monkeypatch.delitem(sys.modules, "warm_probe_a")


def test_a_broken_module_is_skipped_and_the_rest_still_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_probe_broken.py").write_text("raise RuntimeError('broken on import')\n")
    (tmp_path / "warm_probe_b.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("warm_probe_broken", "warm_probe_b"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    warmup = ImportWarmup(["warm_probe_broken", "no_such_module_here", "warm_probe_b"])
    warmup.on_first_bytes(None)(_progress(PHASE_DOWNLOADING))
    warmup.join()
    assert "warm_probe_b" in sys.modules and "warm_probe_broken" not in sys.modules
    with pytest.raises(RuntimeError, match="broken on import"):
        importlib.import_module("warm_probe_broken")  # the real import still reports it
    monkeypatch.delitem(sys.modules, "warm_probe_b")


def test_join_without_start_returns_at_once() -> None:
    warmup = ImportWarmup(CATALOG_MODULES)
    warmup.join()
