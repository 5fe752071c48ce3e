from __future__ import annotations

import json
from pathlib import Path

from app.core.catalog.codec import MAX_METADATA_VALUE, inspection_from_json, inspection_to_json
from app.core.catalog.scanner import scan
from app.core.catalog.store import Catalog
from app.core.inspection.records import KIND_VAE, Inspection, Problem
from tests.core.catalog.helpers import Counting, bump_mtime, tiny_tensor_file, tiny_vae
from tests.model_files import (
    diffusers_vae_state_dict,
    ldm_vae_state_dict,
    write_diffusers_folder,
    write_safetensors,
    write_torch_zip,
)


def test_inspection_round_trips_and_long_metadata_is_cut() -> None:
    original = Inspection(
        "/m/a.safetensors", "safetensors", 123, kind=KIND_VAE, family="sd1-or-sdxl",
        layout="ldm", dtypes=["F16", "F32"], has_encoder=True, latent_channels=4,
        metadata={"short": "x", "ss_tag_frequency": "y" * (MAX_METADATA_VALUE + 1)},
        problems=[Problem("nan-or-inf", "3 values are NaN")],
    )  # fmt: skip

    back = inspection_from_json(inspection_to_json(original))

    assert back.metadata["short"] == "x"
    assert back.metadata["ss_tag_frequency"].startswith("<")
    assert back.problems == original.problems and back.dtypes == ["F16", "F32"]
    back.metadata = original.metadata
    assert back == original
    assert inspection_from_json(json.dumps({"path": "p", "format": "f", "size_bytes": 1, "x": 2}))


def test_scan_with_the_real_defaults(catalog: Catalog, models: Path) -> None:
    vae = tiny_vae(models / "a.safetensors")
    report = scan(catalog, [models])
    assert report.added == 1 and report.hashed == 1 and report.errors == 0
    assert catalog.entry_for_path(vae).kind == KIND_VAE


def test_entry_for_path_by_link_target_and_unknown_path(
    catalog: Catalog, counting: Counting, models: Path, tmp_path: Path
) -> None:
    target = tiny_vae(tmp_path / "elsewhere" / "a.safetensors")
    (models / "link.safetensors").symlink_to(target)
    counting.scanner(catalog).scan([models])

    entry = catalog.entry_for_path(target)  # never scanned itself, but a link points at it

    assert entry is not None and entry.locations == (str(models / "link.safetensors"),)
    assert catalog.entry_for_path(tmp_path / "nothing.safetensors") is None


def test_every_model_extension_and_pipeline_folders(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    sd = ldm_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1)
    write_torch_zip(models / "a.ckpt", {"state_dict": sd})
    write_torch_zip(models / "b.pt", sd)
    for suffix in ("pth", "bin"):
        write_torch_zip(models / f"c.{suffix}", sd)
    write_safetensors(models / "d.sft", sd)
    write_safetensors(models / "e.SAFETENSORS", sd)
    tiny_tensor_file(models / "f.gguf")  # not a model extension we catalog
    pipeline = models / "sd-pipeline"
    (pipeline / "model_index.json").parent.mkdir()
    (pipeline / "model_index.json").write_text("{}")
    vae_sd = diffusers_vae_state_dict(ch=8, ch_mult=(1, 2), num_res_blocks=1)
    write_diffusers_folder(pipeline / "vae", vae_sd)

    report = counting.scanner(catalog).scan([models])

    paths = {loc.path: loc for loc in catalog.locations()}
    names = {Path(p).name for p in paths}
    assert names == {"a.ckpt", "b.pt", "c.pth", "c.bin", "d.sft", "e.SAFETENSORS", "vae"}
    assert paths[str(pipeline / "vae")].is_folder
    assert report.errors == 0 and report.added == 7


def test_hash_pending_skips_a_file_changed_since_cataloged(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    vae = tiny_vae(models / "a.safetensors")
    scanner = counting.scanner(catalog)
    scanner.scan([models], hash_now=False)
    bump_mtime(vae)

    report = scanner.hash_pending()

    assert counting.calls["hash"] == 0 and report.updated == 0
    assert [p.code for p in report.problems] == ["changed"]
    assert len(catalog.pending_hashes()) == 1


def test_record_hash_refuses_a_stale_pending_location(
    catalog: Catalog, counting: Counting, models: Path
) -> None:
    vae = tiny_vae(models / "a.safetensors")
    scanner = counting.scanner(catalog)
    scanner.scan([models], hash_now=False)
    [pending] = catalog.pending_hashes()
    bump_mtime(vae)
    scanner.scan([models], hash_now=False)  # the catalog now knows the new mtime
    from app.core.hashing.hasher import hash_file
    from app.core.registry import Validation

    stored = catalog.record_hash(pending, hash_file(vae), Validation("unknown", None, "x"))

    assert stored is False
    assert catalog.entry_for_path(vae).sha256 is None
