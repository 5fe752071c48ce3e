"""Builders of hostile folders and file names: special files, link mazes, odd names, bad batches.

Each ``build_<class>(folder) -> Path`` makes its case under ``folder`` in well under a
second and returns the path to hand to the command; ``CASES`` pairs each with the CLI
argv (``python main.py ARGV PATH``) that exercises it, for ``benchmarks/hostile_inputs.py``.
No pytest here: the tests and the benchmark share these files.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

from tests.core.catalog.helpers import tiny_vae
from tests.model_files import truncate_copy, write_malicious_pickle

LINK_LEVELS = 20
LONG_NAME_BYTES = 252
BAD_NAME = b"vae-\xff.safetensors"  # 0xFF never occurs in UTF-8


@contextlib.contextmanager
def hang_guard(seconds: int = 60) -> Iterator[None]:
    """Fail with TimeoutError instead of hanging when the block runs past ``seconds``.

    SIGALRM interrupts a blocking ``open`` of a FIFO or an endless read of
    ``/dev/zero`` in the main thread (the handler's exception ends the retry).
    """

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: it would hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def make_socket(path: Path) -> Path:
    """A UNIX socket file at ``path`` (it stays after the socket is closed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        if len(os.fsencode(path)) < 100:
            sock.bind(os.fspath(path))
            return path
        here = os.getcwd()  # a socket address holds about 108 bytes: bind by a relative name
        os.chdir(path.parent)
        try:
            sock.bind(path.name)
        finally:
            os.chdir(here)
    return path


def build_fifo_folder(folder: Path) -> Path:
    """A real VAE beside a FIFO named like a model: opening the FIFO blocks forever."""
    models = folder / "fifo"
    tiny_vae(models / "a_real.safetensors", seed=1)
    os.mkfifo(models / "b_pipe.safetensors")
    return models


def build_fifo(folder: Path) -> Path:
    """A FIFO named like a model, handed to a command directly."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pipe.safetensors"
    os.mkfifo(path)
    return path


def build_dev_zero_folder(folder: Path) -> Path:
    """A real VAE beside a ``.ckpt`` symlink to ``/dev/zero``: reading it never ends."""
    models = folder / "devzero"
    tiny_vae(models / "a_real.safetensors", seed=2)
    os.symlink("/dev/zero", models / "b_zero.ckpt")
    return models


def build_dev_zero_link(folder: Path) -> Path:
    """A ``.safetensors`` symlink to ``/dev/zero``, handed to a command directly."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zero.safetensors"
    os.symlink("/dev/zero", path)
    return path


def build_socket_folder(folder: Path) -> Path:
    """A real VAE beside a UNIX socket named like a model (open fails, stat says socket)."""
    models = folder / "socket"
    tiny_vae(models / "a_real.safetensors", seed=3)
    make_socket(models / "b_sock.pt")
    return models


def build_link_diamond(folder: Path) -> Path:
    """``LINK_LEVELS`` folders each linking twice to the next: 2^20 paths, 21 real folders."""
    root, real = folder / "diamond", folder / "diamond-real"
    root.mkdir(parents=True)
    for level in range(LINK_LEVELS + 1):
        (real / f"l{level}").mkdir(parents=True)
    tiny_vae(real / f"l{LINK_LEVELS}" / "deep.safetensors", seed=4)
    (root / "start").symlink_to(real / "l0", target_is_directory=True)
    for level in range(LINK_LEVELS):
        for name in ("a", "b"):
            (real / f"l{level}" / name).symlink_to(f"../l{level + 1}", target_is_directory=True)
    return root


def build_link_cycle(folder: Path) -> Path:
    """A folder whose subfolder links back to it (and a link loop ``x -> x`` beside it)."""
    root = folder / "cycle"
    tiny_vae(root / "VAE" / "a.safetensors", seed=5)
    (root / "VAE" / "up").symlink_to(root, target_is_directory=True)
    (root / "VAE" / "self.ckpt").symlink_to("self.ckpt")  # ELOOP on stat
    return root


def bad_name_path(folder: Path) -> Path:
    """The path (surrogate-escaped str) of the invalid-UTF-8 file in ``folder``."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + BAD_NAME))


def build_bad_utf8_name(folder: Path) -> Path:
    """A folder holding a real VAE whose name has the byte 0xFF (not valid UTF-8)."""
    models = folder / "badname"
    tiny_vae(bad_name_path(models), seed=6)
    tiny_vae(models / "z_plain.safetensors", seed=7)
    return models


def long_name(stem_char: str = "v") -> str:
    """A ``.safetensors`` name of exactly ``LONG_NAME_BYTES`` bytes."""
    suffix = ".safetensors"
    return stem_char * (LONG_NAME_BYTES - len(suffix)) + suffix


def build_long_name(folder: Path) -> Path:
    """A real VAE with a 252-byte name: ``.NAME.vaem-tmp`` would be 262 bytes."""
    models = folder / "longname"
    tiny_vae(models / long_name(), seed=8)
    return models


def build_mixed_batch(folder: Path) -> Path:
    """Good files around every kind of bad one, in name order: the batch must reach the end.

    ``a`` good, ``b`` FIFO, ``c`` link to /dev/zero, ``d`` socket, ``e`` link loop (cannot
    be read), ``f`` truncated, ``g`` unsafe pickle (its payload would create ``MARKER``
    beside the folder), ``h`` 252-byte name, ``i`` invalid UTF-8 name, ``z`` good.
    """
    batch = folder / "batch"
    tiny_vae(batch / "a_good.safetensors", seed=10)
    os.mkfifo(batch / "b_pipe.safetensors")
    os.symlink("/dev/zero", batch / "c_zero.ckpt")
    make_socket(batch / "d_sock.pt")
    os.symlink("e_loop.pt", batch / "e_loop.pt")
    truncate_copy(batch / "a_good.safetensors", batch / "f_cut.safetensors", 0.5)
    write_malicious_pickle(batch / "g_evil.ckpt", folder / "MARKER")
    tiny_vae(batch / long_name("h"), seed=11)
    tiny_vae(Path(os.fsdecode(os.fsencode(batch) + b"/i_" + BAD_NAME)), seed=12)
    tiny_vae(batch / "z_good.safetensors", seed=13)
    return batch


CASES = [
    ("FIFO in a scanned folder", build_fifo_folder, ["scan", "--json"]),
    ("FIFO in an imported folder", build_fifo_folder, ["import", "--json"]),
    ("FIFO inspected", build_fifo, ["inspect", "--json"]),
    ("link to /dev/zero in a scanned folder", build_dev_zero_folder, ["scan", "--json"]),
    ("link to /dev/zero imported", build_dev_zero_folder, ["import", "--json"]),
    ("link to /dev/zero inspected", build_dev_zero_link, ["inspect", "--json"]),
    ("socket in a scanned folder", build_socket_folder, ["scan", "--json"]),
    ("20 nested directory links x2 (scan)", build_link_diamond, ["scan", "--json"]),
    ("directory link cycle (scan)", build_link_cycle, ["scan", "--json"]),
    ("invalid UTF-8 file name (scan)", build_bad_utf8_name, ["scan", "--json"]),
    ("invalid UTF-8 file name (import)", build_bad_utf8_name, ["import", "--json"]),
    ("252-byte file name (import)", build_long_name, ["import", "--json"]),
    ("mixed bad batch (import)", build_mixed_batch, ["import", "--json"]),
    ("mixed bad batch (scan)", build_mixed_batch, ["scan", "--json"]),
    ("mixed bad batch (verify)", build_mixed_batch, ["verify", "--json"]),
]
