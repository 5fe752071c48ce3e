from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from app.core.errors import UserError
from app.core.library import ImportOptions, import_paths
from app.core.library.convert import convert_to_safetensors, safetensors_name
from app.core.library.fingerprint import decoder_fingerprint
from tests.core.library.conftest import small_vae
from tests.model_files import (
    checkpoint_state_dict,
    write_legacy_pickle,
    write_malicious_pickle,
    write_safetensors,
    write_torch_zip,
)


def _sharing_vae() -> dict[str, torch.Tensor]:
    """A VAE dict as some training scripts save it: aliases and views of one storage."""
    sd = small_vae(seed=21)
    sd["decoder.conv_out.bias.alias"] = sd["decoder.conv_out.bias"]
    packed = torch.randn(2, 3)
    sd["extra.row0"], sd["extra.row1"] = packed[0], packed[1]
    sd["extra.transposed"] = torch.randn(4, 5).t()
    return sd


def _read_back(path: Path) -> dict[str, torch.Tensor]:
    with safe_open(str(path), framework="pt") as f:
        return {k: f.get_tensor(k) for k in list(f.keys())}


def _import(paths, catalog, registry, **options):
    return import_paths(
        [Path(p) for p in paths], ImportOptions(**options), catalog=catalog, registry=registry
    )


@pytest.mark.parametrize("writer", [write_torch_zip, write_legacy_pickle])
def test_pickled_vae_becomes_verified_safetensors_and_the_original_stays(
    writer, src, library, catalog, registry
):
    original = _sharing_vae()
    pt = writer(src / "anime.vae.pt", {"state_dict": original, "global_step": 840000})
    before = pt.read_bytes()

    (outcome,) = _import([pt], catalog, registry, to_safetensors=True)

    assert outcome.action == "converted"
    assert outcome.dest == library / "VAE" / "anime.vae.safetensors"
    assert "kept" in outcome.reason and pt.read_bytes() == before
    back = _read_back(outcome.dest)
    assert sorted(back) == sorted(original)
    for key, tensor in original.items():
        assert back[key].dtype == tensor.dtype and torch.equal(back[key], tensor), key
    with safe_open(str(outcome.dest), framework="pt") as f:
        assert f.metadata()["vaem_converted_from"] == "anime.vae.pt"
    assert catalog.entry_for_path(outcome.dest).format == "safetensors"
    assert decoder_fingerprint(outcome.dest) == decoder_fingerprint(pt)


def test_converting_the_same_file_again_is_a_duplicate(src, catalog, registry):
    pt = write_torch_zip(src / "v.pt", small_vae(seed=22))
    (first,) = _import([pt], catalog, registry, to_safetensors=True)
    for _ in range(3):  # safetensors' own writer orders metadata differently run to run
        (again,) = _import([pt], catalog, registry, to_safetensors=True)
        assert (again.action, again.dest) == ("duplicate", first.dest)


def test_move_with_conversion_removes_the_original_only_after_verification(src, catalog, registry):
    pt = write_torch_zip(src / "v.ckpt", {"state_dict": small_vae(seed=23)})
    (outcome,) = _import([pt], catalog, registry, to_safetensors=True, mode="move")
    assert outcome.action == "converted" and outcome.dest.name == "v.safetensors"
    assert not pt.exists()


def test_conversion_leaves_checkpoints_safetensors_and_unsafe_files_alone(
    tmp_path, src, catalog, registry
):
    write_torch_zip(src / "m.ckpt", {"state_dict": checkpoint_state_dict(small_vae(24))})
    write_safetensors(src / "s.safetensors", small_vae(seed=25))
    evil = write_malicious_pickle(src / "evil.vae.pt", tmp_path / "marker")
    got = {o.path.name: o for o in _import([src], catalog, registry, to_safetensors=True)}
    assert got["m.ckpt"].action == "imported" and got["m.ckpt"].dest.name == "m.ckpt"
    assert got["s.safetensors"].action == "imported"
    assert got["evil.vae.pt"].action == "refused"
    assert not (tmp_path / "marker").exists()
    assert evil.exists()


def test_convert_api_refuses_a_file_that_is_not_a_pickle(tmp_path):
    st = write_safetensors(tmp_path / "a.safetensors", small_vae())
    with pytest.raises(UserError, match="not a pickled"):
        convert_to_safetensors(st, tmp_path / "b.safetensors", source_sha256="0" * 64)
    assert safetensors_name("x.vae.ckpt") == "x.vae.safetensors"
    assert safetensors_name("x.pth") == "x.safetensors"
