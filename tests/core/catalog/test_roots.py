"""default_scan_roots: the library, then every install's VAE and checkpoint folders, once each."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.catalog.roots import default_scan_roots
from app.core.errors import UserError
from app.core.installs import install_at
from app.core.library.layout import library_checkpoint_dir, library_vae_dir
from tests.core.installs.trees import make_a1111, make_comfy


def test_library_first_then_each_install_folder_once_then_extra_roots(tmp_path: Path) -> None:
    webui = install_at(make_a1111(tmp_path / "stable-diffusion-webui"))
    comfy = install_at(make_comfy(tmp_path / "ComfyUI"))
    extra = tmp_path / "more-vaes"
    extra.mkdir()
    gone = tmp_path / "unplugged-drive"
    roots = default_scan_roots([webui, comfy, webui], [extra, gone])
    assert roots[:2] == [library_vae_dir(), library_checkpoint_dir()]
    assert webui.root / "models" / "VAE" in roots
    assert webui.root / "models" / "Stable-diffusion" in roots  # checkpoints carry VAEs too
    assert comfy.root / "models" / "checkpoints" in roots
    assert roots[-1] == extra and gone not in roots  # a folder that is not there is left out
    assert len(roots) == len(set(roots))


def test_a_library_no_app_may_write_to_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="library"):
        default_scan_roots([], library=Path("/"))
