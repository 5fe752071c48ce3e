"""Server-given names become safe local names; registry names are never touched."""

from __future__ import annotations

import pytest

from app.core.downloads.filenames import (
    MAX_NAME_BYTES,
    filename_from_content_disposition,
    filename_from_url,
    numbered_names,
    sanitize_filename,
)


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("vae-ft-mse.safetensors", "vae-ft-mse.safetensors"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\evil.dll", "evil.dll"),
        ("..", "download"),
        ("", "download"),
        ("   ", "download"),
        (".bashrc", "bashrc"),
        ("name.safetensors.", "name.safetensors"),
        ("name.pt . . ", "name.pt"),
        ("a\x00b\x1fc\x7f.pt", "abc.pt"),
        ("line\nbreak\r.pt", "linebreak.pt"),
        ("right\u202eto-left.pt", "rightto-left.pt"),
        ('wh<at>:"is|this?*.pt', "wh_at___is_this__.pt"),
        ("CON", "_CON"),
        ("con.safetensors", "_con.safetensors"),
        ("NUL.tar.gz", "_NUL.tar.gz"),
        ("com1.pt", "_com1.pt"),
        ("LPT9", "_LPT9"),
        ("COM10.pt", "COM10.pt"),
        ("console.pt", "console.pt"),
        ("caf\u0065\u0301.pt", "caf\u00e9.pt"),
    ],
)
def test_sanitising_table(given: str, safe: str) -> None:
    assert sanitize_filename(given) == safe


def test_long_names_are_capped_keeping_the_extension() -> None:
    name = sanitize_filename("é" * 300 + ".safetensors")
    assert name.endswith(".safetensors")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    name.encode("utf-8").decode("utf-8")  # never cut inside a character


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="vae.safetensors"', "vae.safetensors"),
        ("attachment; filename=plain.pt", "plain.pt"),
        (
            "attachment; filename*=UTF-8''caf%C3%A9%20vae.pt; filename=\"fallback.pt\"",
            "café vae.pt",
        ),
        ('inline; filename="../../x.pt"', "../../x.pt"),  # raw: sanitised by the caller
        ("attachment", None),
        (None, None),
    ],
)
def test_content_disposition(header: str | None, name: str | None) -> None:
    assert filename_from_content_disposition(header) == name


def test_url_names() -> None:
    url = "https://huggingface.co/org/repo/resolve/main/vae%20ft.safetensors?download=true"
    assert filename_from_url(url) == "vae ft.safetensors"
    assert filename_from_url("https://example.com/") is None


def test_numbered_names() -> None:
    assert list(numbered_names("vae.pt", limit=3)) == ["vae (1).pt", "vae (2).pt"]
    assert next(numbered_names("archive.tar.gz")) == "archive.tar (1).gz"
