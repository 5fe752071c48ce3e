"""Preview: a real decode with a small random VAE, side by side, zoom in sync, saved as PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from app.core.paths import app_paths
from app.gui.preview_jobs import SOURCE_CARD, SOURCE_LATENT, PreviewSource, instant_picture
from tests.gui.conftest import wait_for, write_vae


def test_instant_picture_needs_no_vae(tmp_path: Path) -> None:
    card = instant_picture(PreviewSource(SOURCE_CARD), None)
    assert card.image.shape == (512, 512, 3) and not card.approximate
    latent = tmp_path / "z.npy"
    np.save(latent, np.random.default_rng(0).standard_normal((1, 4, 8, 8)).astype(np.float32))
    approx = instant_picture(PreviewSource(SOURCE_LATENT, latent), "sd1")
    assert approx.approximate and approx.image.shape == (64, 64, 3)
    assert approx.image.min() >= 0.0 and approx.image.max() <= 1.0


def test_two_vaes_decode_side_by_side(tmp_path: Path, make_window, qtbot) -> None:
    library = app_paths().library_dir / "VAE"
    write_vae(library / "first.safetensors", seed=1)
    write_vae(library / "second.safetensors", seed=2)
    latent = tmp_path / "latent.npy"
    np.save(latent, np.random.default_rng(1).standard_normal((1, 4, 16, 16)).astype(np.float32))
    window = make_window()
    wait_for(qtbot, lambda: len(window.state.snapshot.vae_rows()) == 2, timeout=60)
    rows = window.state.snapshot.vae_rows()
    panel = window.preview
    window.show_panel(window.PANEL_PREVIEW)
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("cpu"))
    panel.set_source_file(latent)
    panel.choose(rows)
    with qtbot.waitSignal(panel.decode_finished, timeout=120_000):
        panel.decode_button.click()
    assert [t.state for t in panel.tasks] == ["done", "done"]
    assert len(panel.tiles) == 2
    for tile in panel.tiles:
        assert tile.image is not None and (tile.image.width(), tile.image.height()) == (128, 128)
        assert "cpu" in tile.caption.text()
    first, second = (t.image for t in panel.tiles)
    assert first != second  # different weights, different pictures

    panel.sync.set_scale(4.0)  # zoom and pan are shared
    views = [t.view for t in panel.tiles]
    assert all(abs(v.transform().m11() - 4.0) < 1e-6 for v in views)
    views[0].horizontalScrollBar().setValue(views[0].horizontalScrollBar().maximum() // 2)
    assert views[1].horizontalScrollBar().value() == views[0].horizontalScrollBar().value()
    panel.sync.zoom_by(2.0, views[1])
    assert abs(views[0].transform().m11() - 8.0) < 1e-6

    out = tmp_path / "saved.png"
    assert panel.tiles[0].save_png(out)
    assert QImage(str(out)).size() == first.size()


@pytest.mark.gpu
def test_decode_on_cuda_when_there_is_one(tmp_path: Path, make_window, qtbot) -> None:
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    write_vae(app_paths().library_dir / "VAE" / "gpu.safetensors", seed=1)
    latent = tmp_path / "latent.npy"
    np.save(latent, np.random.default_rng(1).standard_normal((1, 4, 16, 16)).astype(np.float32))
    window = make_window()
    wait_for(qtbot, lambda: len(window.state.snapshot.vae_rows()) == 1, timeout=60)
    panel = window.preview
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("cuda"))
    panel.set_source_file(latent)
    panel.choose(window.state.snapshot.vae_rows())
    with qtbot.waitSignal(panel.decode_finished, timeout=120_000):
        panel.decode_button.click()
    assert panel.tasks[0].state == "done", panel.tasks[0].error
    assert "cuda" in panel.tiles[0].caption.text()


def test_without_pytorch_the_panel_explains_and_never_decodes(monkeypatch, qtbot) -> None:
    from app.core.torch_support import DISABLE_ENV
    from app.gui.panels.preview import PreviewPanel
    from app.gui.tasks import TaskRunner

    monkeypatch.setenv(DISABLE_ENV, "1")
    panel = PreviewPanel(TaskRunner())
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.decode_button.isEnabled()
    assert panel.stack.currentWidget() is panel.unavailable
    assert "PyTorch" in panel.unavailable.text.text()
    panel.start()
    assert panel.tasks == []


def test_new_families_decode_the_card_side_by_side(make_window, qtbot) -> None:
    from tests.model_files import write_safetensors
    from tests.preview import family_models as fm

    library = app_paths().library_dir / "VAE"
    library.mkdir(parents=True, exist_ok=True)
    write_safetensors(library / "stage_a.safetensors", fm.stage_a_pair()[0])
    hunyuan = {k: v.contiguous() for k, v in fm.hunyuan_image_pair()[0].items()}
    write_safetensors(library / "hunyuan_image_2.1_vae.safetensors", hunyuan)
    window = make_window()
    wait_for(qtbot, lambda: len(window.state.snapshot.vae_rows()) == 2, timeout=60)
    panel = window.preview
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("cpu"))
    panel.choose(window.state.snapshot.vae_rows())
    with qtbot.waitSignal(panel.decode_finished, timeout=120_000):
        panel.decode_button.click()
    assert [t.state for t in panel.tasks] == ["done", "done"], [t.error for t in panel.tasks]
    captions = " ".join(tile.caption.text() for tile in panel.tiles)
    assert "Stable Cascade stage A" in captions and "HunyuanImage 2.1" in captions
    assert all((t.image.width(), t.image.height()) == (512, 512) for t in panel.tiles)
