"""Moved to :mod:`app.core.trash` (the core ``remove`` operation uses it); kept for old imports."""

from app.core.trash import move_to_trash

__all__ = ["move_to_trash"]
