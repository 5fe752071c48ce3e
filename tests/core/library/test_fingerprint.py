from __future__ import annotations

from pathlib import Path

import pytest
import torch

from app.core.library.fingerprint import CHECKPOINT_PREFIX, decoder_fingerprint
from app.core.library.fingerprint_store import FingerprintStore
from app.core.library.keymap import canonical_shape, decoder_keys
from tests.core.library.conftest import SMALL, small_vae
from tests.model_files import (
    checkpoint_state_dict,
    diffusers_vae_config,
    diffusers_vae_state_dict,
    lora_state_dict,
    write_diffusers_folder,
    write_legacy_pickle,
    write_safetensors,
    write_torch_zip,
)


def _half(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.half() for k, v in sd.items()}


def test_every_copy_of_the_same_decoder_has_one_fingerprint(tmp_path: Path):
    reference = decoder_fingerprint(write_safetensors(tmp_path / "ldm.safetensors", small_vae()))
    assert reference is not None and len(reference) == 64
    copies = {
        "fp16": write_safetensors(tmp_path / "fp16.safetensors", _half(small_vae())),
        "diffusers": write_safetensors(
            tmp_path / "diffusers.safetensors", diffusers_vae_state_dict(**SMALL)
        ),
        "diffusers-old-attention-fp16": write_safetensors(
            tmp_path / "old.safetensors",
            _half(diffusers_vae_state_dict(attention_style="old", **SMALL)),
        ),
        "diffusers-folder": write_diffusers_folder(
            tmp_path / "folder", diffusers_vae_state_dict(**SMALL), diffusers_vae_config(**SMALL)
        ),
        "ckpt": write_torch_zip(tmp_path / "v.ckpt", {"state_dict": small_vae()}),
        "legacy-pt": write_legacy_pickle(tmp_path / "v.pt", small_vae()),
    }
    for what, path in copies.items():
        assert decoder_fingerprint(path) == reference, what


def test_checkpoints_are_fingerprinted_under_their_prefix(tmp_path: Path):
    reference = decoder_fingerprint(write_safetensors(tmp_path / "v.safetensors", small_vae()))
    in_fp16 = write_safetensors(
        tmp_path / "m.safetensors", checkpoint_state_dict(_half(small_vae()))
    )
    diffusers_keys = write_torch_zip(
        tmp_path / "m.ckpt",
        {"state_dict": checkpoint_state_dict(diffusers_vae_state_dict(**SMALL))},
    )
    assert decoder_fingerprint(in_fp16, prefix=CHECKPOINT_PREFIX) == reference
    assert decoder_fingerprint(diffusers_keys, prefix=CHECKPOINT_PREFIX) == reference
    assert decoder_fingerprint(in_fp16) is None, "without the prefix there is no decoder"


def test_other_weights_or_one_changed_value_give_another_fingerprint(tmp_path: Path):
    base = small_vae()
    reference = decoder_fingerprint(write_safetensors(tmp_path / "a.safetensors", base))
    other = decoder_fingerprint(write_safetensors(tmp_path / "b.safetensors", small_vae(seed=1)))
    nudged = dict(base)
    nudged["decoder.conv_out.bias"] = base["decoder.conv_out.bias"] + 0.01
    changed = decoder_fingerprint(write_safetensors(tmp_path / "c.safetensors", nudged))
    assert len({reference, other, changed}) == 3


def test_the_encoder_does_not_count(tmp_path: Path):
    base = small_vae()
    reference = decoder_fingerprint(write_safetensors(tmp_path / "a.safetensors", base))
    no_encoder = {k: v for k, v in base.items() if not k.startswith(("encoder.", "quant_conv."))}
    path = write_safetensors(tmp_path / "decoder-only.safetensors", no_encoder)
    assert decoder_fingerprint(path) == reference


def test_files_without_a_decoder_have_none(tmp_path: Path):
    encoder_only = {k: v for k, v in small_vae().items() if k.startswith("encoder.")}
    assert decoder_fingerprint(write_safetensors(tmp_path / "e.safetensors", encoder_only)) is None
    assert (
        decoder_fingerprint(write_safetensors(tmp_path / "l.safetensors", lora_state_dict()))
        is None
    )


def test_store_keeps_results_by_sha256_including_no_decoder(tmp_path: Path):
    store = FingerprintStore(tmp_path / "fp.sqlite3")
    assert store.get("a" * 64) is None
    store.put("a" * 64, "f" * 64)
    store.put("b" * 64, None)
    assert store.get("a" * 64).fingerprint == "f" * 64
    assert store.get("b" * 64).fingerprint is None, "known to have no decoder"
    assert store.with_fingerprint("f" * 64) == ["a" * 64]
    assert store.missing(["a" * 64, "c" * 64, "b" * 64]) == ["c" * 64]


@pytest.mark.slow
def test_keymap_covers_a_real_diffusers_autoencoder():
    """The mapping is checked against diffusers' own module names, not the test factory's."""
    diffusers = pytest.importorskip("diffusers")
    config = {k: v for k, v in diffusers_vae_config(**SMALL).items() if not k.startswith("_")}
    real = diffusers.AutoencoderKL(**config).state_dict()
    mapped = decoder_keys(real)
    ldm = {k: v for k, v in small_vae().items() if k.startswith(("decoder.", "post_quant_conv."))}
    assert set(mapped) == set(ldm)
    for name, source in mapped.items():
        assert canonical_shape(name, tuple(real[source].shape)) == tuple(ldm[name].shape), name
