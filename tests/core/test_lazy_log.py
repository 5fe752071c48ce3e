"""A lazy logger is the named logger once used: same records, same handlers."""

from __future__ import annotations

import logging

import pytest

from app.core.lazy_log import lazy_logger


def test_messages_reach_the_named_logger(caplog: pytest.LogCaptureFixture) -> None:
    log = lazy_logger("vae_manager.test.lazy")
    with caplog.at_level(logging.INFO, logger="vae_manager.test.lazy"):
        log.info("hashed %s", "vae.safetensors")
        log.warning("no fingerprint for %s", "x")
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("vae_manager.test.lazy", logging.INFO, "hashed vae.safetensors"),
        ("vae_manager.test.lazy", logging.WARNING, "no fingerprint for x"),
    ]


def test_attributes_are_the_real_loggers() -> None:
    log = lazy_logger("vae_manager.test.lazy2")
    real = logging.getLogger("vae_manager.test.lazy2")
    real.setLevel(logging.ERROR)
    assert log.level == logging.ERROR
    assert log.isEnabledFor(logging.ERROR) and not log.isEnabledFor(logging.INFO)
