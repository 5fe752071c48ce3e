"""Whether a UI already lists a file: the same bytes in any folder it reads, under any name.

A UI lists every matching file of every folder it reads (ComfyUI walks each
``extra_model_paths.yaml`` folder recursively, A1111 globs ``**/*``), so a copy
under another name or in a redirected folder is "already there" just as much as
a link in the default folder. Same bytes means the same inode (a link, a
hardlink) or the same size and SHA-256 (a copy). The walk is bounded in depth
and entries, never opens anything but regular files, and hashes only files of
the source's exact size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.linking.digest import sha256_of
from app.core.linking.placement import ReadFolder
from app.core.tasks import CancelToken

MATCH_SAME_FILE = "same-file"  # the same inode: a symlink or hardlink to the source
MATCH_SAME_CONTENT = "same-content"  # another file with the same SHA-256

MAX_DEPTH = 8  # model folders nest one or two levels (``vae/sdxl/``)
MAX_ENTRIES = 20_000  # entries looked at per folder before giving up on the rest


@dataclass(frozen=True)
class Found:
    """Where the same bytes already are, and how they are the same."""

    path: Path
    match: str


def find_same(
    source: Path,
    sha256: str,
    reads: Sequence[ReadFolder],
    *,
    cancel: CancelToken | None = None,
    hashed: dict[Path, str] | None = None,
) -> Found | None:
    """The first file in ``reads`` the UI would list that holds ``source``'s bytes.

    ``hashed`` carries SHA-256s between calls of one plan (installs sharing folders).
    """
    hashed = {} if hashed is None else hashed
    st = os.stat(source)
    same_size: list[Path] = []
    for read in reads:
        for path, info in _listed_files(read):
            if (info.st_dev, info.st_ino) == (st.st_dev, st.st_ino):
                return Found(path, MATCH_SAME_FILE)
            if info.st_size == st.st_size:
                same_size.append(path)
    for path in same_size:
        try:
            if path not in hashed:
                hashed[path] = sha256_of(path, cancel=cancel)
            if hashed[path] == sha256:
                return Found(path, MATCH_SAME_CONTENT)
        except OSError:
            continue  # vanished or unreadable: not a copy the UI can load either
    return None


def _listed_files(read: ReadFolder) -> Iterator[tuple[Path, os.stat_result]]:
    """(path, stat) of each regular file under ``read.path`` whose name the UI lists."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, int]] = [(read.path, 0)]
    budget = MAX_ENTRIES
    while stack and budget > 0:
        folder, depth = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:  # a link loop
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            budget -= 1
            if budget < 0:
                break
            try:
                if entry.is_dir():
                    if depth < MAX_DEPTH:
                        stack.append((Path(entry.path), depth + 1))
                elif entry.is_file() and _listed(entry.name, read.suffixes):
                    yield Path(entry.path), entry.stat()  # a regular file, or a link to one
            except OSError:
                continue


def _listed(name: str, suffixes: tuple[str, ...]) -> bool:
    return not suffixes or name.lower().endswith(suffixes)
