"""The internal exception a parser raises when a file is bad in a way a user should see."""

from __future__ import annotations

from app.core.inspection.records import Problem, ProblemCode


class BadFile(Exception):
    """A file problem found while parsing; :func:`inspect_path` turns it into a Problem."""

    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.said: Problem | None = None

    @classmethod
    def of(cls, code: ProblemCode, key: str, /, **params: object) -> BadFile:
        """A failure whose sentence is template ``key`` of :mod:`app.core.messages`."""
        said = Problem.said(code, key, **params)
        bad = cls(code, said.message)
        bad.said = said
        return bad

    @property
    def problem(self) -> Problem:
        """The user-facing record of this failure."""
        return self.said or Problem(self.code, self.message)
