"""Errors a user can act on, kept apart from bugs.

Anything raised as a :class:`UserError` carries a message fit for a dialog or a
one-line CLI error; anything else reaching the top is a bug and gets a traceback
in the log, never in a dialog.
"""


class UserError(Exception):
    """A problem with the user's files or environment, explained in plain words."""


class Cancelled(Exception):
    """Raised inside a long job when its :class:`~app.core.tasks.CancelToken` is set."""
