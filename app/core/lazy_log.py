"""A module logger that imports :mod:`logging` on its first message.

``logging`` costs 2-3 ms to import, and a command such as ``import`` loaded it
only for warnings it almost never logs. ``log = lazy_logger(__name__)`` reads
like ``logging.getLogger(__name__)`` at the call sites and is the same logger
once used (same name, same handlers, caplog sees it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging


class LazyLogger:
    """Forwards every attribute to ``logging.getLogger(name)``, created on first use."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: logging.Logger | None = None

    def __getattr__(self, attribute: str) -> Any:
        logger = self._logger
        if logger is None:
            import logging

            logger = self._logger = logging.getLogger(self._name)
        return getattr(logger, attribute)


def lazy_logger(name: str) -> LazyLogger:
    """The logger ``name``, imported when it first logs."""
    return LazyLogger(name)
