"""Tell container formats apart the way the loaders do, and find diffusers model folders.

Content decides, not the extension: ``.ckpt``, ``.pt``, ``.pth`` and ``.bin`` are all used
for both torch zip files and legacy pickles, and renamed files are common. The UIs hand
every file not named ``.safetensors``/``.sft``/``.gguf`` to ``torch.load``, which reads a
zip, else a tar, else pickles of any protocol (torch/serialization.py, ``load``), so a
file is called a pickle whenever ``torch.load`` would act on it as one: its opcodes reach
a global or form a whole pickle, whatever its first byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.core.bounded_json import load_path_bounded
from app.core.inspection.failure import BadFile
from app.core.inspection.records import Format
from app.core.inspection.tar_sniff import BLOCK_SIZE, tarfile_refuses
from app.core.safe_open import open_regular

# The old names of the Format members (equal to their strings).
FORMAT_SAFETENSORS = Format.SAFETENSORS
FORMAT_TORCH_ZIP = Format.TORCH_ZIP
FORMAT_TORCH_PICKLE = Format.TORCH_PICKLE
FORMAT_DIFFUSERS = Format.DIFFUSERS
FORMAT_GGUF = Format.GGUF
FORMAT_UNKNOWN = Format.UNKNOWN

SAFETENSORS_SUFFIXES = (".safetensors", ".sft")
NOT_TORCH_LOADED = (*SAFETENSORS_SUFFIXES, ".gguf")  # the UIs open these with other readers
SNIFF_OPCODES = 10_000  # a pickle still going after this many opcodes is one
DIFFUSERS_WEIGHTS = (
    "diffusion_pytorch_model.safetensors",
    "diffusion_pytorch_model.fp16.safetensors",
    "diffusion_pytorch_model.bin",
    "diffusion_pytorch_model.fp16.bin",
)


def sniff(path: Path) -> Format:
    """The container format of ``path``, judged as ``torch.load`` would (may raise OSError)."""
    with open_regular(path) as fh:  # never a FIFO or device: those never end
        head = fh.read(16)
        if head.startswith(b"PK\x03\x04"):
            return FORMAT_TORCH_ZIP
        if _torch_reads_tar(fh):
            return FORMAT_TORCH_PICKLE  # the scan reads it as torch's tar format
        looks_gguf = head.startswith(b"GGUF")
        looks_safetensors = not looks_gguf and len(head) >= 9 and head[8:9] == b"{"
        if looks_gguf or looks_safetensors:
            # Also a pickle torch.load would act on? Only a name the UIs torch.load matters.
            torch_loaded = path.suffix.lower() not in NOT_TORCH_LOADED
            if torch_loaded and _pickle_acts(fh, whole_pickle_counts=False):
                return FORMAT_TORCH_PICKLE
            return FORMAT_GGUF if looks_gguf else FORMAT_SAFETENSORS
        if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:  # PROTO opcode
            return FORMAT_TORCH_PICKLE
        if _pickle_acts(fh, whole_pickle_counts=True):
            return FORMAT_TORCH_PICKLE
    if path.suffix.lower() in SAFETENSORS_SUFFIXES:
        return FORMAT_SAFETENSORS  # let the header parser say what is wrong
    return FORMAT_UNKNOWN


def _torch_reads_tar(fh: BinaryIO) -> bool:
    fh.seek(0)
    if tarfile_refuses(fh.read(BLOCK_SIZE)):
        return False  # certain without tarfile, which then need not load (most files)
    from app.core.inspection import tar_legacy

    try:
        return tar_legacy.open_torch_tar(fh) is not None
    except BadFile:
        return True  # a tar it cannot vouch for: the scan says why


def _pickle_acts(fh: BinaryIO, *, whole_pickle_counts: bool) -> bool:
    """Whether torch.load, unpickling the file from its first byte, would do anything.

    A pickle that breaks before reaching a global makes torch.load fail with nothing
    run; one that reaches a disallowed global (or one it cannot name) is unsafe.
    A whole pickle counts for files that are nothing else; for a file that also reads as
    safetensors only a whole torch magic number does (then torch.load reads it as a
    legacy torch file, not as the safetensors file the name says).
    """
    from app.core.inspection.pickle_scan import EXTENSION, walk_pickle
    from app.core.inspection.torch_scan import MAGIC_NUMBER, pickle_reader, read_plain_pickle

    reader = pickle_reader(fh, 0)
    try:
        walk = walk_pickle(reader, persistent_ids=False, max_opcodes=SNIFF_OPCODES)
    except BadFile:
        return True  # a limit: long enough to be a pickle, and the scan will refuse it
    extension = EXTENSION.split("{", 1)[0]
    if walk.refusals or any(not g.startswith(extension) for g in walk.disallowed):
        return True
    if walk.end is None:
        return False
    if whole_pickle_counts:
        return True
    try:
        return read_plain_pickle(fh, (0, walk.end)) == MAGIC_NUMBER
    except BadFile:
        return False


@dataclass(frozen=True)
class DiffusersFolder:
    """A diffusers model folder: its weights file and parsed config.json (if any)."""

    folder: Path
    weights: Path
    config: dict[str, object] | None


def find_diffusers_folder(folder: Path) -> DiffusersFolder | None:
    """The model in ``folder`` (or its ``vae/`` subfolder, for a whole pipeline)."""
    for candidate in (folder, folder / "vae"):
        for name in DIFFUSERS_WEIGHTS:
            weights = candidate / name
            if weights.is_file():
                return DiffusersFolder(candidate, weights, read_config(candidate / "config.json"))
    return None


def sibling_config(path: Path) -> dict[str, object] | None:
    """config.json next to a ``diffusion_pytorch_model.*`` file, which it describes."""
    if not path.name.startswith("diffusion_pytorch_model"):
        return None
    return read_config(path.parent / "config.json")


def read_config(path: Path) -> dict[str, object] | None:
    """A JSON object from ``path``, or None if it is missing or not a JSON object."""
    try:
        data = load_path_bounded(path, max_bytes=1 << 20, max_int_digits=20)  # nested/huge: None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
