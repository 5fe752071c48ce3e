"""Tell, from a file's first 512 bytes, that ``tarfile`` will not open it as a tar.

``torch.load`` tries ``tarfile.open(mode="r:")`` on every file that is not a zip
(its oldest format), so the inspector must know whether that succeeds. Proving it
with :mod:`~app.core.inspection.tar_legacy` means importing ``tarfile`` and the
pickle stubs (about 4 ms of every ``import``, ``inspect`` and ``scan``) for files
that are almost never tars. This check answers only the certain case: the first
header block cannot pass the first checks of CPython's ``TarInfo.frombuf``
(Lib/tarfile.py: a short block, a checksum field that ``nti`` cannot read, or a
checksum that matches neither sum of ``calc_chksums``), which makes
``tarfile.open`` raise ``ReadError`` at offset 0. Anything else (an all-zero
block, a base-256 field, a matching checksum) goes to the full check.
``tests/core/inspection/test_tar_sniff.py`` holds it against the real ``tarfile``.
"""

from __future__ import annotations

import struct

BLOCK_SIZE = 512
_CHECKSUM = slice(148, 156)


def tarfile_refuses(first_block: bytes) -> bool:
    """Whether ``tarfile.open(mode="r:")`` certainly fails on a file starting with these bytes.

    ``first_block`` is what ``read(512)`` returned at offset 0: shorter only when
    the file is.
    """
    if len(first_block) < BLOCK_SIZE:
        return True  # EmptyHeaderError / TruncatedHeaderError at offset 0: ReadError
    block = first_block[:BLOCK_SIZE]
    if block.count(0) == BLOCK_SIZE:
        return False  # an end-of-archive block: tarfile opens an empty archive
    field = block[_CHECKSUM]
    if field[0] in (0o200, 0o377):
        return False  # base-256 numbers: leave them to tarfile itself
    text = field.split(b"\0", 1)[0]
    try:
        stored = int(text.decode("ascii").strip() or "0", 8)
    except ValueError:  # UnicodeDecodeError included, as in nti()
        return True
    unsigned = 256 + sum(struct.unpack_from("148B8x356B", block))
    signed = 256 + sum(struct.unpack_from("148b8x356b", block))
    return stored not in (unsigned, signed)
