"""``main.py --self-test``: open the real window on made-up files and visit every panel.

Everything happens in a temporary home (``$VAE_MANAGER_HOME``), so the user's
catalog and settings are never touched: a small library of generated VAEs, an
AUTOMATIC1111 and a ComfyUI folder (which also reads a shared VAE folder), a link,
a scan, a preview decode, three downloads from a loopback server (finished,
refused, failed), a theme switch while running and a 1024x640 window. Each panel
is saved as a PNG when a folder is given, in both themes. Exit status 0 means
every step worked; anything else prints what failed. Packaging runs it on frozen builds.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.gui.main_window.window import MainWindow
    from app.gui.snapshot import LibraryRow

TIMEOUT_S = 120.0


class SelfTestFailure(Exception):
    """A step of the self-test did not do what it should."""


def build_demo(root: Path) -> dict[str, Path]:
    """Generated VAEs in the library, two UI folders, a checkpoint, one VAE linked into both."""
    from app.core.installs import add_install, install_at
    from app.core.library.layout import library_vae_dir
    from app.core.linking import apply_plan, plan_links
    from app.gui.sample_files import (
        make_a1111_folder,
        make_comfyui_folder,
        write_sample_checkpoint,
        write_sample_vae,
    )

    vae_dir = library_vae_dir()
    vae_dir.mkdir(parents=True, exist_ok=True)
    soft = write_sample_vae(vae_dir / "anime-soft.safetensors", seed=1)
    write_sample_vae(vae_dir / "vae-ft-mse-840000-ema-pruned.safetensors", seed=2)
    sharp = write_sample_vae(vae_dir / "photo-sharp.safetensors", seed=3)
    broken = vae_dir / "broken-download.safetensors"
    broken.write_bytes(sharp.read_bytes()[: 3 << 20])
    webui = make_a1111_folder(root / "stable-diffusion-webui")
    comfy = make_comfyui_folder(root / "ComfyUI")
    # ComfyUI also reads a shared folder (extra_model_paths.yaml) holding a copy of one VAE.
    shared = root / "shared-models" / "vae"
    shared.mkdir(parents=True)
    (shared / "photo-sharp-copy.safetensors").write_bytes(sharp.read_bytes())
    (comfy / "extra_model_paths.yaml").write_text(f"shared:\n    vae: {shared}\n")
    # AUTOMATIC1111 reads a --vae-dir as well as models/VAE: two folders a link may go to.
    (root / "a1111-vaes").mkdir()
    (webui / "webui-user.sh").write_text(
        f'export COMMANDLINE_ARGS="--vae-dir {root / "a1111-vaes"}"\n', encoding="utf-8"
    )
    write_sample_checkpoint(webui / "models" / "Stable-diffusion" / "dreamy-mix-v2.safetensors",
                            seed=1)  # fmt: skip
    for folder in (webui, comfy):
        add_install(folder)
    installs = [install_at(webui), install_at(comfy)]
    apply_plan(plan_links(soft, installs))
    return {"vae": soft, "webui": webui, "comfy": comfy, "shared": shared}


def spin(
    until: Callable[[], bool],
    timeout: float = TIMEOUT_S,
    what: str = "",
    seen: Callable[[], object] | None = None,
) -> None:
    """Run the event loop until ``until()`` holds; SelfTestFailure on timeout.

    ``seen`` says what the window showed instead, so a failure can be diagnosed.
    """
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            shown = f" (instead: {seen()})" if seen is not None else ""
            raise SelfTestFailure(f"timed out waiting for {what or until}{shown}")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(window: MainWindow, seconds: float = 0.3) -> None:
    """Let timers, layouts and paints catch up."""
    spin(lambda: not window.runner.active_tasks(), what="background tasks")
    end = time.monotonic() + seconds
    spin(lambda: time.monotonic() > end)


def run_self_test(
    screenshot_dir: Path | None, *, theme: str = "system", language: str | None = None
) -> int:
    """Run the self-test in a temporary home; 0 when every step worked, 1 otherwise."""
    with tempfile.TemporaryDirectory(prefix="vae-manager-self-test-") as tmp:
        os.environ["VAE_MANAGER_HOME"] = str(Path(tmp) / "home")
        try:
            _run(Path(tmp), screenshot_dir, theme, language)
        except SelfTestFailure as exc:
            print(f"self-test FAILED: {exc}", file=sys.stderr)
            return 1
        except Exception:  # noqa: BLE001 - report any crash as a failed self-test
            import traceback

            traceback.print_exc()
            print("self-test FAILED with an unexpected error", file=sys.stderr)
            return 1
    print("self-test passed")
    return 0


def _run(tmp: Path, screenshot_dir: Path | None, theme: str, language: str | None) -> None:
    from app.gui.settings import KEY_LANGUAGE, KEY_THEME, set_value

    set_value(KEY_THEME, theme)
    if language:
        set_value(KEY_LANGUAGE, language)
    from app.gui.launch import create_application

    app = create_application()
    demo = build_demo(tmp / "world")
    from app.gui.main_window import MainWindow, WindowOptions

    window = MainWindow(WindowOptions(search_roots=[]))
    window.resize(1360, 820)
    window.show()
    spin(lambda: window.state.installs_known, what="install discovery")
    spin(
        lambda: len(window.state.snapshot.vae_rows()) >= 4,
        what="the library scan",
        seen=lambda: (
            [r.name for r in window.state.snapshot.rows],
            window.presenter.history[-3:],
            [(t.title, t.state) for t in window.runner.tasks],
        ),
    )
    settle(window)
    spin(lambda: all(r.entry.sha256 for r in window.state.snapshot.rows), what="hashing")
    _check(window, demo)
    if "torch" in sys.modules:
        raise SelfTestFailure("torch was imported before any preview was asked for")
    shots = screenshot_dir
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    _visit(window, shots)
    _downloads(window, tmp, shots)
    _other_theme_and_small_window(window, shots, theme)
    window.close()
    app.processEvents()


def _check(window: MainWindow, demo: dict[str, Path]) -> None:
    rows = window.state.snapshot.vae_rows()
    names = {r.name: r for r in rows}
    soft = names.get("anime-soft.safetensors")
    if soft is None or soft.entry.kind != "vae":
        raise SelfTestFailure(f"the generated VAE was not cataloged as a VAE: {sorted(names)}")
    if {c.kind for c in soft.chips} != {"a1111", "comfyui"}:
        raise SelfTestFailure(f"link chips wrong: {soft.chips}")
    if names["broken-download.safetensors"].badge.key != "invalid":
        raise SelfTestFailure("a truncated file was not marked invalid")
    if names["vae-ft-mse-840000-ema-pruned.safetensors"].badge.key != "mismatch":
        raise SelfTestFailure("a file named like an official VAE was not flagged as a mismatch")
    if len(window.state.installs) != 2:
        raise SelfTestFailure(f"expected 2 installs, found {window.state.installs}")
    if bugs := [text for kind, text in window.presenter.history if kind == "bug"]:
        raise SelfTestFailure(f"unexpected errors: {bugs}")


def _snap(window: MainWindow, shots: Path | None, name: str) -> None:
    settle(window)
    if shots is not None and not window.grab().save(str(shots / f"{name}.png")):
        raise SelfTestFailure(f"cannot write {shots / name}.png")


def _downloads(window: MainWindow, tmp: Path, shots: Path | None) -> None:
    """A finished, a refused (404) and a failed (no DNS) download, each in its own look."""
    from app.gui.sample_files import write_sample_vae
    from app.gui.self_test_downloads import (
        SelfTestDownloadFailure,
        demo_server,
        run_demo_downloads,
        use_quick_retries,
    )

    served = tmp / "served"
    write_sample_vae(served / "demo-download.safetensors", seed=4)
    use_quick_retries(window)
    window.show_panel(window.PANEL_GET)
    with demo_server(served) as origin:
        try:
            run_demo_downloads(window, origin, spin)
        except SelfTestDownloadFailure as exc:
            raise SelfTestFailure(str(exc)) from exc
    _snap(window, shots, "4b-downloads")


def _other_theme_and_small_window(window: MainWindow, shots: Path | None, theme: str) -> None:
    """Switch theme while running (as a user does), then shrink to 1024x640."""
    from PySide6.QtCore import QPoint

    other = "light" if theme == "dark" else "dark"
    window.set_theme(other)
    window.show_panel(window.PANEL_LIBRARY)
    window.library.select_where(lambda r: r.name == "anime-soft.safetensors")
    _snap(window, shots, f"1-library-{other}")
    window.show_panel(window.PANEL_INSTALLS)
    _snap(window, shots, f"3-installs-{other}")
    window.show_panel(window.PANEL_GET)
    _snap(window, shots, f"4b-downloads-{other}")
    window.set_theme(theme)
    window.show_panel(window.PANEL_LIBRARY)
    window.resize(1024, 640)
    settle(window)
    if window.width() > 1024 or window.height() > 640:
        raise SelfTestFailure(f"the window cannot shrink to 1024x640: {window.size()}")
    bar_top = []
    for name in ("anime-soft.safetensors", "vae-ft-mse-840000-ema-pruned.safetensors"):
        window.library.select_where(_named(name))
        settle(window, 0.1)
        bar_top.append(window.library.buttons["verify"].mapTo(window, QPoint(0, 0)).y())
        if not window.library.columns.verdict_visible():
            raise SelfTestFailure("at 1024x640 the Verdict column is off-screen")
    if len(set(bar_top)) != 1:
        raise SelfTestFailure(f"the details toolbar moves with the selection: {bar_top}")
    _snap(window, shots, "8-library-1024x640")


def _named(name: str) -> Callable[[LibraryRow], bool]:
    """A ``select_where`` test: the row called ``name``."""
    return lambda row: row.name == name


def _selected(window: MainWindow) -> LibraryRow:
    """The library's selected row (the step before selected one)."""
    row = window.library.current_row()
    if row is None:
        raise SelfTestFailure("no file is selected in the library")
    return row


def _shared_folder_dialog(window: MainWindow, shots: Path) -> None:
    """The link dialog of a VAE whose copy ComfyUI already reads from its shared folder."""
    window.library.select_where(lambda r: r.name == "photo-sharp.safetensors")
    dialog = window.open_link_dialog(_selected(window))
    spin(lambda: dialog.plan is not None, what="the link plan")
    comfy = next((s for s in dialog.states if s.install.kind == "comfyui"), None)
    if comfy is None or comfy.entry.action != "already-linked" or comfy.entry.found is None:
        raise SelfTestFailure("the copy in ComfyUI's extra_model_paths.yaml folder was not found")
    a1111 = next(s for s in dialog.states if s.install.kind == "a1111")
    if len(a1111.entry.choices) != 2:
        raise SelfTestFailure(f"A1111's --vae-dir and models/VAE not both offered: {a1111.entry}")
    settle(window)
    if not dialog.grab().save(str(shots / "6b-link-dialog-shared-folder.png")):
        raise SelfTestFailure("cannot write the shared-folder link dialog screenshot")
    dialog.close()
    window.library.select_where(lambda r: r.name == "anime-soft.safetensors")


def _visit(window: MainWindow, shots: Path | None) -> None:
    def snap(name: str) -> None:
        _snap(window, shots, name)

    window.show_panel(window.PANEL_LIBRARY)
    window.library.select_where(lambda r: r.name == "anime-soft.safetensors")
    snap("1-library")
    window.show_panel(window.PANEL_CHECKPOINTS)
    window.checkpoints.table.selectRow(0)
    snap("2-checkpoints")
    window.show_panel(window.PANEL_INSTALLS)
    snap("3-installs")
    window.show_panel(window.PANEL_GET)
    spin(lambda: window.downloads.queue is not None, what="the download queue")
    snap("4-get-official-vaes")
    # Two side by side make the screenshot; one decode is enough to prove the engine works.
    count = 2 if shots is not None else 1
    rows = [r for r in window.state.snapshot.vae_rows() if r.badge.key != "invalid"][:count]
    if window.preview.torch_status.available:
        window.open_preview(rows)
        spin(lambda: all(not t.active for t in window.preview.tasks), what="the preview decode")
        if any(t.state != "done" for t in window.preview.tasks):
            errors = [str(t.error) for t in window.preview.tasks if t.error]
            raise SelfTestFailure(f"preview decode failed: {errors}")
        window.preview.sync.set_scale(2.0)
    else:  # the lite build: the panel must explain how to get the preview instead
        window.show_panel(window.PANEL_PREVIEW)
        if window.preview.decode_button.isEnabled() or not window.preview.unavailable.isVisible():
            raise SelfTestFailure("without PyTorch the Preview panel does not explain why")
    snap("5-preview")
    if shots is not None:
        window.show_panel(window.PANEL_LIBRARY)
        dialog = window.open_link_dialog(_selected(window))
        spin(lambda: dialog.plan is not None, what="the link plan")
        settle(window)
        if not dialog.grab().save(str(shots / "6-link-dialog.png")):
            raise SelfTestFailure("cannot write the link dialog screenshot")
        dialog.close()
        _shared_folder_dialog(window, shots)
        guide = window.guide_action()
        settle(window)
        guide.grab().save(str(shots / "7-guide.png"))
        guide.close()
