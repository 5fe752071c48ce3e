"""Run AUTOMATIC1111's own settings, VAE and hash code against files VAE Manager wrote.

Nothing of A1111 is stored in this repository. ``A1111_SRC`` points at a webui
checkout (v1.8.0 layout: ``modules/options.py``, ``sd_vae.py``, ``hashes.py``,
``cache.py``, ``extra_networks.py``, ``util.py``); those files are copied into a
temporary folder next to minimal stand-ins for what they import (``shared``,
``paths``, ``devices``, ``sd_models``, gradio, ...), and a child Python process runs
them and prints what A1111 saw as JSON. So A1111 decides, not our reading of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REAL_MODULES = ("options.py", "sd_vae.py", "hashes.py", "cache.py", "extra_networks.py", "util.py")

_STUBS = {
    "__init__.py": "",
    "errors.py": "def report(*a, **k):\n    pass\n\n\ndef display(*a, **k):\n    pass\n",
    "shared_cmd_options.py": (
        "import json, os\nfrom types import SimpleNamespace\n"
        "cmd_opts = SimpleNamespace(freeze_settings=False, freeze_settings_in_sections=None,\n"
        "    freeze_specific_settings=None, hide_ui_dir_config=False, vae_path=None,\n"
        "    no_hashing=False, **json.loads(os.environ['HARNESS_CMD_OPTS']))\n"
    ),
    "paths_internal.py": (
        "import os\nscript_path = os.environ['HARNESS_ROOT']\n"
        "data_path = os.environ['HARNESS_DATA']\nmodels_path = os.path.join(data_path, 'models')\n"
        "cwd = script_path\nextensions_dir = extensions_builtin_dir = script_path\n"
    ),
    "paths.py": (
        "from modules.paths_internal import models_path, script_path, data_path, cwd  # noqa\n"
        "from modules.paths_internal import extensions_dir, extensions_builtin_dir  # noqa\n"
    ),
    "shared.py": (
        "from modules.shared_cmd_options import cmd_opts  # noqa\nopts = None\n"
        "from modules.util import natural_sort_key  # noqa: E402 (util imports shared)\n"
    ),
    "sd_models.py": (
        "import os\nfrom modules import paths\n"
        "model_path = os.path.join(paths.models_path, 'Stable-diffusion')\n"
    ),
    "devices.py": "",
    "script_callbacks.py": "",
    "lowvram.py": "",
    "sd_hijack.py": "",
}
_GRADIO = "class HTML:\n    def __init__(self, *a, **k):\n        pass\n"

_RUNNER = r"""
import json, sys
job = json.load(open(sys.argv[1], encoding="utf-8"))
from modules import options, shared, sd_vae, hashes
import modules.cache
labels = {
    "sd_vae": options.OptionInfo("Automatic"),
    "sd_vae_overrides_per_model_preferences": options.OptionInfo(True),
    "quicksettings_list": options.OptionInfo(["sd_model_checkpoint"]),
    "sd_vae_checkpoint_cache": options.OptionInfo(0),
}
opts = options.Options(labels, set())
opts.load(job["config"])
shared.opts = opts
sd_vae.refresh_vae_list()
out = {
    "sd_vae": opts.sd_vae,
    "quicksettings_list": opts.quicksettings_list,
    "vae_dict": dict(sd_vae.vae_dict),
    "resolve": {c: list(sd_vae.resolve_vae(c).tuple()) for c in job["checkpoints"]},
    "sha256": {t: hashes.sha256(p, t) for p, t in job["hash"]},
}
thread = getattr(modules.cache, "dump_cache_thread", None)
if thread is not None:
    thread.join()  # A1111 writes cache.json 5 s after the last hash
out["cache_file"] = getattr(modules.cache, "cache_filename", None)
print(json.dumps(out))
"""


def source_dir() -> Path | None:
    """The A1111 checkout named by ``A1111_SRC``, when it has every module the harness runs."""
    value = os.environ.get("A1111_SRC")
    if not value:
        return None
    root = Path(value)
    return root if all((root / "modules" / m).is_file() for m in REAL_MODULES) else None


def run_a1111(
    src: Path,
    work: Path,
    *,
    root: Path,
    config: Path,
    checkpoints: list[Path],
    hash_titles: Sequence[tuple[Path, str]] = (),
    ckpt_dir: Path | None = None,
    vae_dir: Path | None = None,
) -> dict:
    """A1111's view of ``root`` (data dir = root): options, VAE list, resolve_vae, sha256."""
    modules = work / "modules"
    modules.mkdir(parents=True)
    for name in REAL_MODULES:
        shutil.copyfile(src / "modules" / name, modules / name)
    for name, text in _STUBS.items():
        (modules / name).write_text(text, encoding="utf-8")
    (work / "gradio").mkdir()
    (work / "gradio" / "__init__.py").write_text(_GRADIO, encoding="utf-8")
    (work / "runner.py").write_text(_RUNNER, encoding="utf-8")
    job = {
        "config": str(config),
        "checkpoints": [str(c) for c in checkpoints],
        "hash": [[str(p), t] for p, t in hash_titles],
    }
    (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
    cmd_opts = {"ckpt_dir": str(ckpt_dir) if ckpt_dir else None,
                "vae_dir": str(vae_dir) if vae_dir else None}  # fmt: skip
    env = {
        **os.environ,
        "HARNESS_ROOT": str(root),
        "HARNESS_DATA": str(root),
        "HARNESS_CMD_OPTS": json.dumps(cmd_opts),
        "PYTHONPATH": str(work),
    }
    env.pop("SD_WEBUI_CACHE_FILE", None)
    done = subprocess.run(
        [sys.executable, str(work / "runner.py"), str(work / "job.json")],
        cwd=work, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"A1111's code failed:\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return {**json.loads(lines[-1]), "printed": "\n".join(lines[:-1])}
