from __future__ import annotations

import hashlib
import random
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
from blake3 import blake3
from safetensors.numpy import save_file

from app.core.errors import Cancelled
from app.core.hashing.hasher import addnet_of, autov1_of, autov2, hash_file
from app.core.tasks import CancelToken

MIB = 1 << 20


def write_random(path: Path, size: int, seed: int = 1) -> bytes:
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return data


def write_vae_safetensors(path: Path, tensors: int = 8, *, lora: bool = False) -> bytes:
    rng = np.random.default_rng(7)
    name = (
        "lora_unet_up_blocks_{}_attn.lora_down.weight"
        if lora
        else ("decoder.up_blocks.{}.resnets.0.conv1.weight")
    )
    state = {
        name.format(i): rng.standard_normal((16, 16, 3, 3), dtype=np.float32)
        for i in range(tensors)
    }
    state["encoder.conv_in.weight"] = rng.standard_normal((128, 3, 3, 3), dtype=np.float32)
    save_file(state, str(path))
    return path.read_bytes()


@pytest.mark.parametrize(
    ("size", "block_size"),
    [(0, MIB), (1000, MIB), (3 * MIB + 123, MIB), (300_000, 4096), (1_000_003, 65536)],
)
def test_digests_match_independent_hashes(tmp_path: Path, size: int, block_size: int) -> None:
    data = write_random(tmp_path / "model.bin", size)
    hashes = hash_file(tmp_path / "model.bin", block_size=block_size)
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()
    assert hashes.blake3 == blake3(data).hexdigest()
    assert hashes.autov2 == hashes.sha256[:10] == autov2(hashes.sha256)
    assert hashes.addnet is None


def test_blake3_off_skips_it(tmp_path: Path) -> None:
    data = write_random(tmp_path / "model.bin", 2 * MIB + 5)
    hashes = hash_file(tmp_path / "model.bin", blake3=False)
    assert hashes.blake3 is None
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()


def test_autov1_of_large_file_hashes_64k_at_1mib(tmp_path: Path) -> None:
    data = write_random(tmp_path / "big.ckpt", MIB + 0x10000 + 999)
    expected = hashlib.sha256(data[0x100000:0x110000]).hexdigest()[:8]
    assert autov1_of(tmp_path / "big.ckpt") == expected
    for block_size in (MIB, 4096, 3 * 65536 + 17):
        assert hash_file(tmp_path / "big.ckpt", block_size=block_size).autov1 == expected


def test_autov1_of_small_file_is_hash_of_nothing(tmp_path: Path) -> None:
    write_random(tmp_path / "small.pt", 900_000)
    assert autov1_of(tmp_path / "small.pt") == "e3b0c442"
    assert hash_file(tmp_path / "small.pt").autov1 == "e3b0c442"


def test_autov1_of_file_ending_inside_the_window(tmp_path: Path) -> None:
    data = write_random(tmp_path / "mid.pt", MIB + 1000)
    expected = hashlib.sha256(data[MIB:]).hexdigest()[:8]
    assert autov1_of(tmp_path / "mid.pt") == hash_file(tmp_path / "mid.pt").autov1 == expected


@pytest.mark.parametrize("block_size", [MIB, 4096, 100])
@pytest.mark.parametrize("lora", [True, False], ids=["lora-by-default", "vae-on-request"])
def test_addnet_skips_the_safetensors_header(tmp_path: Path, block_size: int, lora: bool) -> None:
    path = tmp_path / "model.safetensors"
    data = write_vae_safetensors(path, tensors=60, lora=lora)
    (header_len,) = struct.unpack("<Q", data[:8])
    assert header_len > 4096  # the header spans several small blocks
    expected = hashlib.sha256(data[8 + header_len :]).hexdigest()
    hashes = hash_file(path, block_size=block_size, addnet=None if lora else True)
    assert hashes.addnet == expected == addnet_of(path)
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()
    assert hashes.blake3 == blake3(data).hexdigest()
    assert hashes.addnet != hashes.sha256


@pytest.mark.parametrize("block_size", [MIB, 100])
def test_addnet_is_left_out_for_a_vae_and_when_refused(tmp_path: Path, block_size: int) -> None:
    vae = tmp_path / "vae.safetensors"
    data = write_vae_safetensors(vae, tensors=60)
    hashes = hash_file(vae, block_size=block_size)
    assert hashes.addnet is None  # one SHA-256 per VAE: the addnet one is for LoRAs
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()
    lora = tmp_path / "lora.safetensors"
    write_vae_safetensors(lora, lora=True)
    assert hash_file(lora, addnet=False, block_size=block_size).addnet is None
    assert hash_file(lora, block_size=block_size).addnet == addnet_of(lora)


def test_addnet_for_uppercase_suffix_and_none_for_bad_header(tmp_path: Path) -> None:
    data = write_vae_safetensors(tmp_path / "LORA.SafeTensors", lora=True)
    (n,) = struct.unpack("<Q", data[:8])
    assert (
        hash_file(tmp_path / "LORA.SafeTensors").addnet == hashlib.sha256(data[8 + n :]).hexdigest()
    )
    bogus = tmp_path / "bogus.safetensors"
    bogus.write_bytes(struct.pack("<Q", 10**12) + b"{}")
    assert hash_file(bogus, addnet=True).addnet is None
    assert addnet_of(bogus) is None
    tiny = tmp_path / "tiny.safetensors"
    tiny.write_bytes(b"abc")
    assert hash_file(tiny, addnet=True).addnet is None
    other = tmp_path / "lora.ckpt"
    other.write_bytes(data)
    assert hash_file(other, addnet=True).addnet is None  # defined on safetensors only


def test_sink_receives_every_byte_in_order(tmp_path: Path) -> None:
    data = write_random(tmp_path / "model.bin", 3 * MIB + 77)
    copied = bytearray()
    hashes = hash_file(tmp_path / "model.bin", sink=lambda block: copied.extend(block))
    assert bytes(copied) == data
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()


def test_progress_reaches_total(tmp_path: Path) -> None:
    write_random(tmp_path / "model.bin", 5 * 65536 + 1)
    calls: list[tuple[int, int | None]] = []
    hash_file(tmp_path / "model.bin", block_size=65536, progress=lambda d, t: calls.append((d, t)))
    assert len(calls) == 6
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1] == (5 * 65536 + 1, 5 * 65536 + 1)


def test_cancel_mid_file_raises_and_stops_workers(tmp_path: Path) -> None:
    write_random(tmp_path / "model.safetensors", 40 * 65536)
    token = CancelToken()
    seen: list[int] = []
    before = threading.active_count()

    def cancel_after_three(done: int, total: int | None) -> None:
        seen.append(done)
        if len(seen) == 3:
            token.cancel()

    with pytest.raises(Cancelled):
        hash_file(
            tmp_path / "model.safetensors",
            block_size=65536,
            progress=cancel_after_three,
            cancel=token,
        )
    assert seen == [65536, 2 * 65536, 3 * 65536]
    assert threading.active_count() == before
