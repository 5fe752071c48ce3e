"""Hostile hash caches and sidecars: forged claims that a file is an official VAE.

Each ``build_<class>(folder) -> Path`` writes real files in the formats the
readers parse (Stability Matrix ``<stem>.cm-info.json``, A1111 ``cache.json``,
the diskcache ``cache/hashes/cache.db`` of A1111 >= 1.9 and Forge) and returns
the path the command in :data:`CASES` is run on (``python main.py ARGV PATH``).
Builders are deterministic, take well under a second and need no pytest.

The forged hash is the shipped SDXL VAE's: the real ``sdxl_vae.safetensors`` is
334,641,164 bytes, the fakes are a few hundred KB (the "167 MB fake" of the
issue, scaled down) or, in the tests, exactly the real size with other bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.core.hashing.diskcache_fixture import write_store
from tests.model_files import checkpoint_state_dict, ldm_vae_state_dict, write_safetensors

SDXL_SHA = "63aeecb90ff7bc1c115395962d3e803571385b61938377bc7089b36e81e92e2e"
SDXL_NAME = "sdxl_vae.safetensors"
SDXL_SIZE = 334641164
SIDECAR_SUFFIX = ".cm-info.json"
_LATER = 10**9  # ns: a sidecar one second newer than its model is trusted by mtime


def small_vae(path: Path, seed: int = 0, ch: int = 8) -> Path:
    """A real LDM VAE safetensors file of a few hundred KB; same ``ch`` gives the same size."""
    sd = ldm_vae_state_dict(ch=ch, ch_mult=(1, 2), num_res_blocks=1, seed=seed)
    return write_safetensors(path, sd)


def small_checkpoint(path: Path, seed: int = 0) -> Path:
    """A real full-checkpoint layout (VAE under ``first_stage_model.``, UNet and CLIP bits)."""
    vae = ldm_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1, seed=seed)
    return write_safetensors(path, checkpoint_state_dict(vae))


def write_sidecar(model: Path, sha256: str, *, extra: dict | None = None) -> Path:
    """A Stability Matrix ``ConnectedModelInfo`` sidecar, newer than the model.

    Field names as ``StabilityMatrix.Core/Models/ConnectedModelInfo.cs`` writes them.
    """
    info = {
        "ModelId": 101055,
        "ModelName": "SDXL VAE",
        "ModelDescription": "",
        "Nsfw": False,
        "Tags": [],
        "ModelType": "VAE",
        "VersionName": "v1.0",
        "BaseModel": "SDXL 1.0",
        "FileMetadata": {"fp": "fp16", "size": "full", "format": "SafeTensor"},
        "ImportedAt": "2024-05-01T12:00:00+00:00",
        "Hashes": {"SHA256": sha256.upper(), "BLAKE3": "b3" * 32},
        **(extra or {}),
    }
    sidecar = model.with_name(model.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)
    sidecar.write_text(json.dumps(info), encoding="utf-8")
    _newer_than(sidecar, model)
    return sidecar


def webui_tree(root: Path) -> Path:
    """An A1111 install's folders (``webui.py`` marks the root for install discovery)."""
    for folder in ("models/VAE", "models/Stable-diffusion"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "webui.py").write_text("# A1111\n", encoding="utf-8")
    return root


def cache_entry(model: Path, sha256: str, **extra: object) -> dict[str, object]:
    """One ``hashes`` value as A1111 writes it: the model's mtime then, and its SHA-256."""
    return {"mtime": model.stat().st_mtime + 1, "sha256": sha256, **extra}


def write_cache_json(root: Path, hashes: dict[str, dict]) -> Path:
    """A1111 <= 1.8 ``<root>/cache.json`` (``modules/cache.py``): sections by name."""
    path = root / "cache.json"
    path.write_text(json.dumps({"hashes": hashes, "safetensors-metadata": {}}), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- builders


def build_sm_sidecar_fake_sdxl(folder: Path) -> Path:
    """A small VAE named like the SDXL VAE whose newer sidecar claims the real hash."""
    model = small_vae(folder / "sm-fake" / SDXL_NAME, seed=11)
    write_sidecar(model, SDXL_SHA)
    return model


def build_sm_sidecar_fake_sdxl_folder(folder: Path) -> Path:
    """The same, as a folder to scan (the scan is where the sidecar used to be believed)."""
    return build_sm_sidecar_fake_sdxl(folder).parent


def build_sm_sidecar_recorded_size_lie(folder: Path) -> Path:
    """A checkpoint whose sidecar records a Civitai ``SizeKB`` far from the file's size."""
    model = small_checkpoint(folder / "sm-size" / "dreamy.safetensors", seed=12)
    write_sidecar(model, "5e" * 32, extra={"SizeKB": 6_775_430.0})
    return model.parent


def build_a1111_cache_json_fake_sdxl(folder: Path) -> Path:
    """An A1111 install whose cache.json vouches for a fake VAE and a fake checkpoint."""
    root = webui_tree(folder / "webui-json")
    vae = small_vae(root / "models" / "VAE" / SDXL_NAME, seed=13)
    ckpt = small_checkpoint(root / "models" / "Stable-diffusion" / "fake.safetensors", seed=13)
    write_cache_json(
        root,
        {
            f"vae/{SDXL_NAME}": cache_entry(vae, SDXL_SHA),
            "checkpoint/fake.safetensors": cache_entry(ckpt, SDXL_SHA),
        },
    )
    return root


def build_a1111_diskcache_fake_sdxl(folder: Path) -> Path:
    """The same forgery in the diskcache store A1111 >= 1.9 and Forge keep in cache/hashes."""
    root = webui_tree(folder / "webui-diskcache")
    vae = small_vae(root / "models" / "VAE" / SDXL_NAME, seed=14)
    ckpt = small_checkpoint(root / "models" / "Stable-diffusion" / "fake.safetensors", seed=14)
    write_store(
        root / "cache" / "hashes",
        {
            f"vae/{SDXL_NAME}": cache_entry(vae, SDXL_SHA),
            "checkpoint/fake.safetensors": cache_entry(ckpt, SDXL_SHA),
        },
    )
    return root


def build_sidecar_nested_json(folder: Path) -> Path:
    """A sidecar of 200,000 nested lists: json.loads raises RecursionError on it."""
    model = small_vae(folder / "sm-nested" / SDXL_NAME, seed=15)
    sidecar = model.with_name(model.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)
    sidecar.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    _newer_than(sidecar, model)
    return model.parent


def build_sidecar_oversized(folder: Path) -> Path:
    """A 4 MiB sidecar (real ones are a few KB) that would still parse as valid JSON."""
    model = small_vae(folder / "sm-big" / SDXL_NAME, seed=16)
    sidecar = model.with_name(model.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)
    padding = " " * (4 << 20)
    sidecar.write_text(padding + json.dumps({"Hashes": {"SHA256": SDXL_SHA}}), encoding="utf-8")
    _newer_than(sidecar, model)
    return model.parent


def build_sidecar_fifo(folder: Path) -> Path:
    """A FIFO where the sidecar should be: opening it would block for ever."""
    model = small_vae(folder / "sm-fifo" / SDXL_NAME, seed=17)
    os.mkfifo(model.with_name(model.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX))
    return model.parent


def build_cache_json_nested(folder: Path) -> Path:
    """An A1111 cache.json nested 200,000 deep (json.loads: RecursionError)."""
    root = webui_tree(folder / "webui-nested")
    small_vae(root / "models" / "VAE" / "mine.safetensors", seed=18)
    (root / "cache.json").write_text('{"hashes":' + "[" * 200_000 + "]" * 200_000 + "}")
    return root


def build_diskcache_huge_value(folder: Path) -> Path:
    """A planted cache/hashes store with one 64 MiB value (a real entry is ~100 bytes)."""
    from tests.core.hashing.diskcache_fixture import open_store, put

    root = webui_tree(folder / "webui-huge")
    small_vae(root / "models" / "VAE" / "mine.safetensors", seed=19)
    con = open_store(root / "cache" / "hashes")
    put(con, "vae/mine.safetensors", None, raw_value=b"\x80\x05" + b"N" * (64 << 20) + b".")
    con.close()
    return root


def _newer_than(sidecar: Path, model: Path) -> None:
    later = model.stat().st_mtime_ns + _LATER
    os.utime(sidecar, ns=(later, later))


CASES = [
    ("forged Stability Matrix sidecar (small fake claims sdxl-vae)",
     build_sm_sidecar_fake_sdxl_folder, ["scan", "--json"]),
    ("forged Stability Matrix sidecar, inspected",
     build_sm_sidecar_fake_sdxl, ["inspect", "--json"]),
    ("forged Stability Matrix sidecar, verified",
     build_sm_sidecar_fake_sdxl, ["verify", "--json"]),
    ("sidecar recording another size (Civitai SizeKB)",
     build_sm_sidecar_recorded_size_lie, ["scan", "--json"]),
    ("forged A1111 cache.json entries (VAE and checkpoint)",
     build_a1111_cache_json_fake_sdxl, ["scan", "--json"]),
    ("forged A1111/Forge diskcache entries (VAE and checkpoint)",
     build_a1111_diskcache_fake_sdxl, ["scan", "--json"]),
    ("sidecar nested 200,000 deep", build_sidecar_nested_json, ["scan", "--json"]),
    ("sidecar of 4 MiB", build_sidecar_oversized, ["scan", "--json"]),
    ("FIFO in place of a sidecar", build_sidecar_fifo, ["scan", "--json"]),
    ("A1111 cache.json nested 200,000 deep", build_cache_json_nested, ["scan", "--json"]),
    ("diskcache store with a 64 MiB value", build_diskcache_huge_value, ["scan", "--json"]),
]  # fmt: skip
