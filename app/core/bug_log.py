"""Where a bug's traceback goes: the app's rotating log file, for the CLI and the window alike.

A bug is never shown as a traceback on the terminal or in a dialog's text; it is
written here and the front says where (qutebrowser's crash handling keeps the
same split between a short message and a report with the details).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from app.core.paths import app_paths

log = logging.getLogger(__name__)
LOG_NAME = "vae-manager.log"
_MARK = "vae_manager"  # set on our handler, so a second set-up finds it


def log_file() -> Path:
    """The app's log file (rotated; bugs write their traceback here)."""
    return app_paths().log_dir / LOG_NAME


def setup_file_logging() -> Path:
    """Send the app's log (info and up) to a rotating file in the log folder; idempotent."""
    path = log_file()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            if getattr(handler, "baseFilename", None) == str(path):
                return path
            root.removeHandler(handler)  # the app home changed (tests): follow it
            handler.close()
    from logging.handlers import RotatingFileHandler  # sockets, pickle: not for every start

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=1 << 20, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


def record_bug(exc: BaseException, context: str = "", trace: str = "") -> Path | None:
    """Write the traceback of ``exc`` to the log; the log's path, or None if it cannot be written.

    A log that cannot be written (a read-only home) must not turn one bug into two.
    """
    trace = trace or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        path = setup_file_logging()
    except OSError:
        return None
    log.error("unexpected error%s:\n%s", f" in {context}" if context else "", trace)
    for handler in logging.getLogger().handlers:
        if getattr(handler, _MARK, False):
            handler.flush()
    return path
