"""The internal exception a parser raises when a file is bad in a way a user should see."""

from __future__ import annotations

from app.core.inspection.records import Problem


class BadFile(Exception):
    """A file problem found while parsing; :func:`inspect_path` turns it into a Problem."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def problem(self) -> Problem:
        """The user-facing record of this failure."""
        return Problem(self.code, self.message)
