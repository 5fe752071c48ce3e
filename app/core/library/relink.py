"""When a library file moves, the links the app made to it follow it.

Only what the app's link records vouch for is touched: a symlink is re-pointed
when it still has the exact target text the app wrote (the user may have
changed it since); hard links and copies keep working, their records just learn
the new source path.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.linking import LinkStore
from app.core.linking.fsops import MODE_SYMLINK
from app.core.publish import swap_symlink


def follow_move(store: LinkStore, old: Path, new: Path) -> int:
    """Update the links recorded for ``old`` to ``new``; return how many symlinks changed."""
    repointed = 0
    for record in store.active_for_source(old):
        if record.mode != MODE_SYMLINK:
            store.repoint(record.id, new, record.link_target)  # type: ignore[arg-type]
            continue
        dest = record.dest
        if not os.path.islink(dest) or os.readlink(dest) != record.link_target:
            continue  # no longer the app's link: leave the user's choice alone
        store.repoint(record.id, new, swap_symlink(dest, new))
        repointed += 1
    return repointed
