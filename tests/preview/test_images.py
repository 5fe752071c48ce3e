"""Images in and out through Pillow: PNG, JPEG, WebP, 8- and 16-bit, alpha dropped with a note."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.core.errors import UserError
from app.preview.images import MAX_PIXELS, read_image, to_uint8, write_png


def _pixels(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_png_round_trip_is_exact(tmp_path):
    pixels = _pixels((9, 7, 3))
    write_png(tmp_path / "x.png", pixels)
    loaded = read_image(tmp_path / "x.png")
    assert loaded.rgb.dtype == np.float32 and loaded.rgb.shape == (9, 7, 3)
    assert np.array_equal(to_uint8(loaded.rgb), pixels) and loaded.notes == ()


def test_float_output_is_rounded_and_clamped(tmp_path):
    rgb = np.array([[[0.0, 0.5, 1.0], [-0.2, 1.3, 0.25]]], np.float32)
    write_png(tmp_path / "f.png", rgb)
    assert np.asarray(Image.open(tmp_path / "f.png")).tolist() == [[[0, 128, 255], [0, 255, 64]]]


@pytest.mark.parametrize(
    ("suffix", "fmt", "tolerance"), [(".jpg", "JPEG", 0.08), (".webp", "WEBP", 0.08)]
)
def test_lossy_formats_open(tmp_path, suffix, fmt, tolerance):
    smooth = np.linspace(0, 255, 32 * 32 * 3).reshape(32, 32, 3).astype(np.uint8)
    Image.fromarray(smooth).save(tmp_path / f"x{suffix}", format=fmt, quality=95)
    loaded = read_image(tmp_path / f"x{suffix}")
    assert loaded.rgb.shape == (32, 32, 3)
    assert np.abs(loaded.rgb - smooth / 255.0).mean() < tolerance


def test_alpha_is_dropped_with_a_note(tmp_path):
    rgba = _pixels((4, 5, 4))
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    loaded = read_image(tmp_path / "a.png")
    assert np.array_equal(to_uint8(loaded.rgb), rgba[:, :, :3])  # colour kept, not composited
    assert any("alpha channel" in note and "dropped" in note for note in loaded.notes)


def test_palette_with_transparency_is_noted(tmp_path):
    image = Image.fromarray(_pixels((4, 4, 3))).convert("P")
    image.info["transparency"] = 0
    image.save(tmp_path / "p.png", transparency=0)
    loaded = read_image(tmp_path / "p.png")
    assert loaded.rgb.shape == (4, 4, 3) and any("alpha" in n for n in loaded.notes)


def test_sixteen_bit_grey_keeps_its_precision(tmp_path):
    values = np.array([[0, 1, 257, 65535]], np.uint16)
    Image.fromarray(values).save(tmp_path / "g16.png")
    loaded = read_image(tmp_path / "g16.png")
    np.testing.assert_allclose(loaded.rgb[0, :, 0], values[0] / 65535.0, atol=1e-7)
    assert np.array_equal(loaded.rgb[..., 0], loaded.rgb[..., 2]) and loaded.notes == ()


def test_sixteen_bit_colour_is_read_at_eight_bits_with_a_note(tmp_path):
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    wide = (np.arange(2 * 3 * 3).reshape(2, 3, 3) * 7000).astype(">u2")
    rows = b"".join(b"\x00" + row.tobytes() for row in wide)
    header = struct.pack(">IIBBBBB", 3, 2, 16, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    (tmp_path / "c16.png").write_bytes(png + chunk(b"IEND", b""))
    loaded = read_image(tmp_path / "c16.png")
    np.testing.assert_allclose(loaded.rgb, wide / 65535.0, atol=1 / 255)
    assert any("16 bits per colour channel" in note for note in loaded.notes)


def test_exif_orientation_is_applied(tmp_path):
    pixels = _pixels((2, 3, 3))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    Image.fromarray(pixels).save(tmp_path / "r.jpg", exif=exif, quality=100)
    assert read_image(tmp_path / "r.jpg").rgb.shape == (3, 2, 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xd8\xff\xe0 jpeg really", "damaged image|not an image"),
        (b"plain text, not an image", "not an image Pillow can open"),
    ],
)
def test_bad_files_are_user_errors(tmp_path, content, message):
    (tmp_path / "bad.png").write_bytes(content)
    with pytest.raises(UserError, match=message):
        read_image(tmp_path / "bad.png")


def test_truncated_png_is_a_user_error(tmp_path):
    write_png(tmp_path / "t.png", _pixels((64, 64, 3)))
    blob = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(UserError, match="damaged image"):
        read_image(tmp_path / "t.png")


def test_missing_and_oversized_images_are_refused(tmp_path, monkeypatch):
    with pytest.raises(UserError, match="Image not found"):
        read_image(tmp_path / "none.png")
    write_png(tmp_path / "big.png", _pixels((40, 40, 3)))
    monkeypatch.setattr("app.preview.images.MAX_PIXELS", 1000)
    with pytest.raises(UserError, match="megapixels"):
        read_image(tmp_path / "big.png")
    assert MAX_PIXELS >= 4096 * 4096
