"""A private freedesktop trash for tests: $HOME and $XDG_DATA_HOME under tmp_path.

send2trash puts a file on the home drive into ``$XDG_DATA_HOME/Trash`` (the drive
is compared with ``~``'s), so with both under the test's folder every trashed test
file lands in this trash and never in the real user's.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def trash_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The home trash folder (``$XDG_DATA_HOME/Trash``) every trashed test file goes to."""
    home = tmp_path / "home"
    (home / ".local" / "share").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    return home / ".local" / "share" / "Trash"
