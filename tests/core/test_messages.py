"""Core's sentences are written from templates and read back into them."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from app.core.downloads.failures import network_failure, status_failure
from app.core.hashing.provenance import FOREIGN_SOURCE_NAMES, foreign_message
from app.core.inspection import inspect_path
from app.core.inspection.records import Problem
from app.core.messages import TEMPLATES, fields, parse, say
from app.core.registry import KnownVae, Registry, Validation
from tests.model_files import (
    lora_state_dict,
    truncate_copy,
    write_huge_header_claim,
    write_malicious_pickle,
    write_safetensors,
)


def sample(key: str) -> dict[str, str]:
    """Distinct, template-free values for each placeholder of ``key``."""
    return {name: f"<{name}7>" for name in fields(TEMPLATES[key])}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_reads_back_as_itself(key: str) -> None:
    params = sample(key)
    assert parse(say(key, **params)) == (key, params)


def test_a_plain_sentence_is_no_template() -> None:
    assert parse("something only a parser says") is None
    assert Problem("corrupt", "something only a parser says").key == ""


def test_problems_from_real_files_carry_their_template(tmp_path: Path) -> None:
    good = write_safetensors(tmp_path / "lora.safetensors", lora_state_dict())
    files = {
        "truncated.header": truncate_copy(good, tmp_path / "cut.safetensors", 0.001),
        "header.claims-too-much": write_huge_header_claim(tmp_path / "huge.safetensors"),
        "pickle.unproven": write_malicious_pickle(tmp_path / "evil.ckpt", tmp_path / "marker"),
        "not-a-vae": good,
    }
    (tmp_path / "empty.safetensors").write_bytes(b"")
    files["truncated.empty"] = tmp_path / "empty.safetensors"
    for key, path in files.items():
        problems = inspect_path(path).problems
        assert problems, path
        first = problems[0]
        assert first.key.split(".")[0] == key.split(".")[0], (path, first)
        assert say(first.key, **first.params) == first.message  # the English is unchanged
    assert not (tmp_path / "marker").exists()


def test_verdicts_carry_their_template() -> None:
    entry = KnownVae(
        id="sdxl", display_name="SDXL VAE", family="sdxl", filename="sdxl_vae.safetensors",
        url=None, size_bytes=1000, sha256="a" * 64, format="safetensors", verified=True,
        description="",
    )  # fmt: skip
    registry = Registry([entry])
    cases = {
        ("a" * 64, "x.safetensors", 1000): "verdict.official",
        ("b" * 64, "sdxl_vae.safetensors", 10): "verdict.mismatch",
        ("b" * 64, "sdxl_vae.safetensors", 1000): "verdict.mismatch",
        ("b" * 64, "other.safetensors", 1000): "verdict.same-size-other-bytes",
        ("b" * 64, "other.safetensors", 5): "verdict.third-party",
        (None, "other.safetensors", 5): "verdict.pending",
    }
    for (sha, name, size), key in cases.items():
        verdict = registry.validate(sha, name, size, None)
        assert verdict.key == key, verdict
        assert say(verdict.key, **verdict.params) == verdict.message
    short = registry.validate("b" * 64, "sdxl_vae.safetensors", 10, None)
    assert parse(short.params["how"])[0] == "verdict.mismatch-short"
    for kind in [*FOREIGN_SOURCE_NAMES, "somewhere"]:
        for informational in (True, False):
            message = foreign_message(f"{kind}:x", informational=informational)
            found = Validation("unknown", None, message)
            assert found.key.startswith("verdict.foreign-"), found


def test_download_failures_carry_their_template() -> None:
    for status in (401, 404, 418, 429, 503):
        failure = status_failure(status, {}, "https://example.org/a.safetensors", token_sent=False)
        assert parse(str(failure)) is not None, failure
    assert parse(str(status_failure(403, {}, "https://e.org/a", token_sent=True)))[0] == (
        "download.token-refused"
    )
    for exc in (
        requests.exceptions.ConnectTimeout("x"),
        requests.exceptions.ReadTimeout("x"),
        requests.exceptions.ChunkedEncodingError("x"),
        requests.exceptions.TooManyRedirects("x"),
        requests.exceptions.InvalidURL("x"),
        requests.exceptions.ConnectionError("Connection refused"),
        requests.exceptions.ConnectionError("Name or service not known"),
    ):
        assert parse(str(network_failure(exc, 30.0))) is not None, exc
