"""``tarfile_refuses`` may say "not a tar" only where the real ``tarfile`` agrees."""

from __future__ import annotations

import io
import random
import struct
import tarfile

import pytest

from app.core.inspection.tar_sniff import BLOCK_SIZE, tarfile_refuses
from tests.model_files import ldm_vae_state_dict, write_safetensors


def _tarfile_opens(data: bytes) -> bool:
    """What torch's ``_legacy_load`` asks first: does ``tarfile.open(mode="r:")`` succeed?"""
    try:
        tarfile.open(fileobj=io.BytesIO(data), mode="r:", format=tarfile.PAX_FORMAT).close()
    except tarfile.TarError:
        return False
    return True


def _real_tar() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.PAX_FORMAT) as tar:
        payload = b"\x80\x02}q\x00."
        info = tarfile.TarInfo("storages")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return out.getvalue()


def _with_checksum(block: bytearray, field: bytes) -> bytes:
    block[148:156] = field
    return bytes(block)


def _valid_checksum_block(seed: int) -> bytes:
    """512 random bytes whose checksum field holds their real checksum (a forged header)."""
    rng = random.Random(seed)
    block = bytearray(rng.randbytes(BLOCK_SIZE))
    block[148:156] = b" " * 8
    signed = rng.random() < 0.5
    total = 256 + sum(struct.unpack_from("148b8x356b" if signed else "148B8x356B", block))
    return _with_checksum(block, f"{total:06o}\0 ".encode())


CASES = {
    "empty file": b"",
    "short file": b"PK not really",
    "511 bytes": b"x" * 511,
    "all zero block": bytes(BLOCK_SIZE),
    "all zero then data": bytes(BLOCK_SIZE) + b"\x80\x02." + bytes(600),
    "real tar": _real_tar(),
    "real tar, checksum off by one": _with_checksum(
        bytearray(_real_tar()[:BLOCK_SIZE]), b"0000000\0"
    )
    + _real_tar()[BLOCK_SIZE:],
    "base-256 checksum field": _with_checksum(bytearray(BLOCK_SIZE * 2), b"\x80" + bytes(7)),
    "negative base-256 field": _with_checksum(bytearray(b"a" * BLOCK_SIZE), b"\xff" * 8),
    "non-ascii checksum field": _with_checksum(bytearray(b"a" * BLOCK_SIZE), b"\xe4" * 8),
    "blank checksum field": _with_checksum(bytearray(b"a" * BLOCK_SIZE), b" " * 8),
    "NUL checksum field": _with_checksum(bytearray(b"a" * BLOCK_SIZE), bytes(8)),
    "pickle protocol 2": b"\x80\x02" + b"}" * 600,
    **{f"forged header {i}": _valid_checksum_block(i) + bytes(BLOCK_SIZE * 2) for i in range(8)},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_refusal_is_a_refusal_of_the_real_tarfile(name: str) -> None:
    data = CASES[name]
    if tarfile_refuses(data[:BLOCK_SIZE]):
        assert not _tarfile_opens(data), "tarfile opened what the sniff refused"


def test_a_real_tar_and_forged_headers_go_to_the_full_check() -> None:
    assert not tarfile_refuses(CASES["real tar"][:BLOCK_SIZE])
    assert _tarfile_opens(CASES["real tar"])
    for i in range(8):
        assert not tarfile_refuses(CASES[f"forged header {i}"][:BLOCK_SIZE])


def test_random_blocks_never_refused_where_tarfile_opens() -> None:
    rng = random.Random(14)
    opened = 0
    for _ in range(3000):
        kind = rng.randrange(3)
        if kind == 0:
            block = rng.randbytes(BLOCK_SIZE)
        elif kind == 1:  # a real header with one byte changed
            block = bytearray(_real_tar()[:BLOCK_SIZE])
            block[rng.randrange(BLOCK_SIZE)] = rng.randrange(256)
            block = bytes(block)
        else:  # checksum fields that nti() may or may not read
            block = _with_checksum(
                bytearray(rng.randbytes(BLOCK_SIZE)),
                bytes(rng.choice(b"01234567 \0\x80\xff8x") for _ in range(8)),
            )
        data = block + bytes(BLOCK_SIZE * 2)
        if _tarfile_opens(data):
            opened += 1
            assert not tarfile_refuses(block)
    assert opened > 0  # the mutated real headers that still open were tried


def test_a_safetensors_file_is_refused_without_loading_tarfile(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    import torch

    path = write_safetensors(
        tmp_path / "vae.safetensors", ldm_vae_state_dict(ch=32, dtype=torch.float16)
    )
    head = path.read_bytes()[:BLOCK_SIZE]
    assert tarfile_refuses(head)
    assert not _tarfile_opens(path.read_bytes())
    code = (
        "import sys; from pathlib import Path; from app.core.inspection.formats import sniff; "
        f"print(sniff(Path({str(path)!r})), 'tarfile' in sys.modules, 'pickle' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["safetensors", "False", "False"]
