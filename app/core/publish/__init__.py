"""One way to put a file in place: nothing partial under a final name, nothing replaced.

- :func:`exclusive_temp`: an owned, locked temp file beside the final name
  (journalled by identity in :mod:`app.core.owned_files`, so a sweep only ever
  removes the app's own leftovers); write, fsync, then :meth:`ExclusiveTemp.publish`.
- :func:`publish_no_replace`: the rename that never replaces an existing name.
- :func:`copy_verified` / :func:`hashed_copy`: a copy hashed while written, by
  the app's hashing pipeline, published only when the bytes are proven.
- :func:`swap_symlink`: re-point a symlink in one rename.
- :func:`write_text_atomic` / :func:`write_json_atomic`: whole-file rewrites
  (temp, fsync, replace) for the app's own files and for configs backed up first
  with :func:`backup_copy`; :func:`write_text_new` creates a small file, never replacing.
- :func:`same_drive`: whether a rename or hard link can work between two places.
"""

from app.core.publish.atomic import (
    backup_copy,
    fsync_folder,
    json_text,
    write_bytes_atomic,
    write_json_atomic,
    write_text_atomic,
    write_text_new,
)
from app.core.publish.copy import (
    FREE_SPACE_MARGIN,
    HashedCopy,
    check_free_space,
    copy_verified,
    hashed_copy,
    reflink,
)
from app.core.publish.rename import publish_no_replace, same_drive, swap_symlink
from app.core.publish.temp import (
    TEMP_SUFFIX,
    ExclusiveTemp,
    TempBusy,
    exclusive_temp,
    is_temp_name,
    sweep_abandoned,
    temp_path_for,
)
from app.core.publish.writeback import block_writer

__all__ = [
    "FREE_SPACE_MARGIN",
    "TEMP_SUFFIX",
    "ExclusiveTemp",
    "HashedCopy",
    "TempBusy",
    "backup_copy",
    "block_writer",
    "check_free_space",
    "copy_verified",
    "exclusive_temp",
    "fsync_folder",
    "hashed_copy",
    "is_temp_name",
    "json_text",
    "publish_no_replace",
    "reflink",
    "same_drive",
    "sweep_abandoned",
    "swap_symlink",
    "temp_path_for",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_text_atomic",
    "write_text_new",
]
