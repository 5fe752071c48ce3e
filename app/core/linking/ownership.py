"""Whether a recorded link is still the app's, and whether removing it would lose data.

A record alone is not enough: the user may have replaced the link with their
own file of the same name since. The app's link is recognised by what it was:
a symlink with the same target text, a hard link with the same (device, inode),
or a copy with the same SHA-256.
"""

from __future__ import annotations

import os

from app.core.linking.digest import sha256_of
from app.core.linking.fsops import MODE_COPY, MODE_HARDLINK, MODE_SYMLINK
from app.core.linking.records import LinkRecord, dest_key

GONE = "already gone"


def not_ours_reason(record: LinkRecord) -> str | None:
    """None when the file at ``record.dest`` is still the app's link, else why not."""
    dest = record.dest
    if not os.path.lexists(dest):
        return GONE
    is_link = os.path.islink(dest)
    if record.mode == MODE_SYMLINK:
        if not is_link:
            return "it was replaced by a regular file"
        return None if os.readlink(dest) == record.link_target else "it now points elsewhere"
    if is_link:
        return "it was replaced by a symlink"
    st = os.stat(dest)
    if record.mode == MODE_HARDLINK:
        same = (st.st_dev, st.st_ino) == (record.dev, record.ino)
        return None if same else "it was replaced by another file"
    if record.mode == MODE_COPY:
        if st.st_size != record.size or sha256_of(dest) != record.sha256:
            return "its content changed"
        return None
    return f"unknown link mode {record.mode!r}"


def removal_blocker(record: LinkRecord) -> str | None:
    """Why removing this (still ours) link would lose data, or None when it is safe."""
    if dest_key(record.dest) == dest_key(record.source):
        return "it is the library original"
    if record.mode == MODE_HARDLINK and os.stat(record.dest).st_nlink < 2:
        return "it is the last name of this file (the library original is gone)"
    if record.mode == MODE_COPY:
        try:
            same_size = os.stat(record.source).st_size == record.size
        except OSError:
            same_size = False
        if not same_size:
            return "the library original is gone, so this copy is the only one left"
    return None
