"""How a window finds things.

A module of its own: the window imports it before its first frame, long before
:mod:`app.gui.state` (and the catalog's records behind it) is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class WindowOptions:
    """How the window finds things: ``search_roots=None`` searches this computer.

    Tests and the self-test pass ``search_roots=[]`` (only installs added by hand)
    so nothing outside their temporary folders is read.
    """

    search_roots: Sequence[Path] | None = None
    extra_scan_roots: Sequence[Path] = field(default_factory=tuple)
    auto_start: bool = True
