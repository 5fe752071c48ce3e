from __future__ import annotations

from pathlib import Path

import torch
from safetensors import safe_open

from app.core.catalog.scanner import scan
from app.core.library import ImportOptions, import_paths
from app.core.library.baked_in import baked_in_vae
from app.core.library.fingerprint_store import FingerprintStore
from app.core.paths import app_paths
from app.core.registry import load_registry
from tests.core.library.conftest import SMALL, pin_in_user_registry, small_vae
from tests.model_files import (
    checkpoint_state_dict,
    diffusers_vae_state_dict,
    write_safetensors,
    write_torch_zip,
)

OFFICIAL_FILE = "vae-ft-mse-840000-ema-pruned.safetensors"


def _import(paths, catalog, **options):
    registry = load_registry(app_paths().user_registry)
    return import_paths(
        [Path(p) for p in paths], ImportOptions(**options), catalog=catalog, registry=registry
    )


def _official_vae(folder: Path) -> Path:
    vae = write_safetensors(folder / OFFICIAL_FILE, small_vae(seed=11))
    pin_in_user_registry(vae, "vae-ft-mse-840000", OFFICIAL_FILE)
    return vae


def test_checkpoint_with_the_official_vae_baked_in_says_so_and_extracts_nothing(
    src, library, catalog
):
    official = _official_vae(src / "vaes")
    (stored,) = _import([official], catalog)
    baked = {k: v.half() for k, v in diffusers_vae_state_dict(seed=11, **SMALL).items()}
    ckpt = write_safetensors(src / "dreamy.safetensors", checkpoint_state_dict(baked))

    main, extraction = _import([ckpt], catalog, extract_vae=True)

    assert main.action == "imported"
    assert main.baked_in_vae == "vae-ft-mse-840000-ema-pruned (official)"
    assert main.baked_in.official_id == "vae-ft-mse-840000"
    assert extraction.action == "duplicate"
    assert extraction.path == ckpt
    assert "equals vae-ft-mse-840000-ema-pruned (official)" in extraction.reason
    assert "vae-ft-mse-840000]" in extraction.reason, "the registry id is named"
    assert extraction.dest == stored.dest
    assert [p.name for p in (library / "VAE").iterdir()] == [OFFICIAL_FILE], "no second copy"


def test_cataloged_vaes_are_fingerprinted_lazily_when_a_checkpoint_is_compared(
    src, a1111, catalog, registry
):
    in_ui = _official_vae(a1111.vae_dirs[0].path)
    scan(catalog, [in_ui.parent], registry=load_registry(app_paths().user_registry))
    store = FingerprintStore.beside(catalog.path)
    assert store.missing([catalog.entry_for_path(in_ui).sha256]), "a scan computes no fingerprint"
    ckpt = write_torch_zip(src / "m.ckpt", {"state_dict": checkpoint_state_dict(small_vae(11))})
    (main,) = _import([ckpt], catalog)
    assert main.baked_in_vae == "vae-ft-mse-840000-ema-pruned (official)"
    assert main.baked_in.path == in_ui
    reg = load_registry(app_paths().user_registry)
    again = baked_in_vae(main.dest, sha256=main.sha256, catalog=catalog, registry=reg)
    assert again.label == main.baked_in_vae


def test_an_unknown_baked_in_vae_is_extracted_once_with_its_provenance(src, library, catalog):
    vae = small_vae(seed=12, dtype=torch.float16)
    ckpt = write_safetensors(src / "model.safetensors", checkpoint_state_dict(vae))

    main, extraction = _import([ckpt], catalog, extract_vae=True)

    assert main.baked_in_vae == "unknown"
    assert (extraction.action, extraction.path) == ("extracted", ckpt)
    assert extraction.dest == library / "VAE" / "model.vae.safetensors"
    with safe_open(str(extraction.dest), framework="pt") as written:
        assert sorted(written.keys()) == sorted(vae)
        for key, tensor in vae.items():
            got = written.get_tensor(key)
            assert got.dtype == torch.float16 and torch.equal(got, tensor), key
        metadata = written.metadata()
    assert metadata["vaem_extracted_from"] == "model.safetensors"
    assert metadata["vaem_source_sha256"] == main.sha256
    assert catalog.entry_for_path(extraction.dest).kind == "vae"

    sibling_sd = checkpoint_state_dict(vae)
    sibling_sd["model.diffusion_model.extra.weight"] = torch.ones(3)
    sibling = write_safetensors(src / "sibling.safetensors", sibling_sd)
    main2, extraction2 = _import([sibling], catalog, extract_vae=True)
    assert main2.baked_in_vae == "model.vae.safetensors"
    assert (extraction2.action, extraction2.dest) == ("duplicate", extraction.dest)
    assert sorted(p.name for p in (library / "VAE").iterdir()) == ["model.vae.safetensors"]


def test_extraction_from_a_pickled_checkpoint_and_from_a_duplicate(src, library, catalog):
    ckpt = write_torch_zip(src / "old.ckpt", {"state_dict": checkpoint_state_dict(small_vae(13))})
    first = _import([ckpt], catalog, extract_vae=True)
    assert [o.action for o in first] == ["imported", "extracted"]
    assert first[1].dest == library / "VAE" / "old.vae.safetensors"
    again = _import([ckpt], catalog, extract_vae=True)
    assert [o.action for o in again] == ["duplicate", "duplicate"]
