"""Make one link inside an operation that is already under way, and record it at once.

Set-default (a library file not yet in the install) and pair (the
``<checkpoint>.vae.safetensors`` sidecar) each make one link as part of their own
operation; the link record and its ``link-created`` step are written together by
:meth:`LinkStore.add_link`, so undo and unlink treat it like any other link.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.errors import UserError
from app.core.linking.fsops import MODE_SYMLINK, create
from app.core.linking.records import LinkRecord
from app.core.operations.journal import Journal
from app.core.tasks import CancelToken, ProgressCallback, no_progress


def link_recorded(
    source: Path,
    dest: Path,
    *,
    operation_id: str,
    journal: Journal,
    sha256: str,
    mode: str = "auto",
    cancel: CancelToken | None = None,
    progress: ProgressCallback = no_progress,
) -> LinkRecord:
    """Put ``source`` at ``dest`` (never replacing a name) and record it in the operation.

    Raises UserError when the name is taken or the OS refuses; nothing is recorded then.
    """
    try:
        dest.parent.mkdir(exist_ok=True)
        used = create(source, dest, mode, cancel=cancel, progress=progress, sha256=sha256)
    except FileExistsError:
        raise UserError(f"{dest} already exists; it was left alone.") from None
    except OSError as exc:
        raise UserError(f"cannot make a link at {dest}: {exc.strerror or exc}") from None
    st = os.stat(dest)
    return journal.links.add_link(
        operation_id, dest, Path(os.path.abspath(source)), used,
        link_target=os.readlink(dest) if used == MODE_SYMLINK else None,
        sha256=sha256, size=os.stat(source).st_size, dev=st.st_dev, ino=st.st_ino,
    )  # fmt: skip
