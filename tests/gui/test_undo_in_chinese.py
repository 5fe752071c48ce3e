"""Undo speaks the window's language: the journal keeps English, the Chinese window shows Chinese.

Real recorded operations (links made by the core function both fronts call, in
real install trees), the real compiled ``.qm``, a real window offscreen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.core.installs import add_install, install_at
from app.core.operations.journal import Journal
from app.core.operations.link import link_into
from tests.core.installs.trees import make_a1111, make_comfy
from tests.gui.conftest import wait_for, wait_idle, write_vae

VAE_NAME = "nice-vae.safetensors"


@pytest.fixture
def zh_cn(qapp):
    """The window's Chinese translation installed, as the app installs it."""
    from PySide6.QtCore import QTranslator

    from app.gui.i18n import install_translator

    assert install_translator(qapp, "zh_CN") == "zh_CN"
    yield
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.deleteLater()


def _linked_into_two_uis(tmp_path: Path) -> tuple[Path, Path]:
    """A library VAE linked into an A1111 and a ComfyUI install: one recorded operation."""
    webui, comfy = tmp_path / "ui" / "webui", tmp_path / "ui" / "ComfyUI"
    make_a1111(webui)
    make_comfy(comfy)
    add_install(webui)
    add_install(comfy)
    vae = write_vae(tmp_path / "library" / VAE_NAME, seed=3)
    result = link_into(vae, [install_at(webui), install_at(comfy)])
    assert all(o.action == "created" for o in result.outcomes), result
    return webui / "models" / "VAE" / VAE_NAME, comfy / "models" / "vae" / VAE_NAME


def test_the_chinese_edit_menu_names_a_recorded_link_in_chinese(
    zh_cn, tmp_path, make_window, qtbot
) -> None:
    webui_link, comfy_link = _linked_into_two_uis(tmp_path)
    [record] = Journal().recent()
    assert record.summary == f"link {VAE_NAME} into AUTOMATIC1111 WebUI and ComfyUI"  # English kept
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    undo = window.menu_actions["undo"]
    wait_for(qtbot, lambda: undo.isEnabled())
    assert undo.text() == f"撤销：将 {VAE_NAME} 链接到 AUTOMATIC1111 WebUI和ComfyUI"

    undo.trigger()
    wait_for(qtbot, lambda: not os.path.lexists(webui_link) and not os.path.lexists(comfy_link))
    wait_idle(qtbot, window)
    assert window.statusBar().currentMessage() == (
        f"已撤销：将 {VAE_NAME} 链接到 AUTOMATIC1111 WebUI和ComfyUI"
    )
    assert not undo.isEnabled() and undo.text() == "没有可撤销的操作"
    window.close()


def test_a_partly_refused_undo_names_its_steps_in_chinese(
    zh_cn, tmp_path, make_window, qtbot
) -> None:
    webui_link, comfy_link = _linked_into_two_uis(tmp_path)
    webui_link.unlink()
    webui_link.write_bytes(b"the user's own file now")  # not what the app made: left alone
    window = make_window()
    wait_for(qtbot, lambda: window.state.installs_known)
    wait_idle(qtbot, window)
    undo = window.menu_actions["undo"]
    wait_for(qtbot, lambda: undo.isEnabled())
    undo.trigger()
    wait_for(qtbot, lambda: any(kind == "info" for kind, _ in window.presenter.history))
    wait_idle(qtbot, window)
    kind, message = window.presenter.history[-1]
    assert message.startswith(f"部分撤销：将 {VAE_NAME} 链接到 AUTOMATIC1111 WebUI和ComfyUI。")
    assert f"移除链接 {webui_link}：" in message  # the step left alone, in Chinese
    assert "Partly" not in message and "remove the link" not in message
    assert webui_link.read_bytes() == b"the user's own file now"
    assert not os.path.lexists(comfy_link)  # the other step was reversed
    for box in window.findChildren(QMessageBox):
        box.close()
    window.close()


SHORTENED = "Undo import a.safetensors, b.safetensors and 3 more"


def test_lists_trash_names_and_nested_summaries_render_in_chinese(zh_cn) -> None:
    from app.gui.core_messages import render

    assert render(SHORTENED) == "撤销：导入 a.safetensors、b.safetensors和另外 3 个"
    assert render("Undo move a.pt and b.pt to the trash") == "撤销：将 a.pt和b.pt 移到回收站"
    assert render("Undo move a.pt to the Recycle Bin") == "撤销：将 a.pt 移到回收站"
    nested = "reset the default VAE after undoing link a.pt into ComfyUI"
    assert render(nested) == "撤销“将 a.pt 链接到 ComfyUI”后重置默认 VAE"
    # A name is never split where it is not a list: "and" inside a checkpoint's name.
    assert render("unpair salt and pepper.safetensors in Forge") == (
        "取消 Forge 中 salt and pepper.safetensors 的 VAE 配对"
    )


def test_the_english_window_shows_lists_unchanged(qapp) -> None:
    from app.gui.core_messages import render

    for text in (SHORTENED, "Undo unlink a.pt from A, B and C", "Undo import nothing"):
        assert render(text) == text


def test_notes_and_left_alone_reasons_render_in_chinese(zh_cn) -> None:
    from app.core.messages import say
    from app.gui.core_messages import error_text, render

    note = say("note.default-reset", install="Forge", old="sdxl_vae.safetensors")
    assert render(note) == "Forge 的默认 VAE 原为 sdxl_vae.safetensors，现已改为自动（Automatic）。"
    why = say("outcome.none-in", where="Forge and ComfyUI")
    assert error_text(why) == "未作处理：本应用没有在 Forge和ComfyUI 中创建它的链接"
    still = say("note.still-uses", name=say("note.built-in-vae"), source="checkpoint")
    assert render(still) == "A1111 对这个大模型仍会使用 大模型自带的 VAE（checkpoint）。"


def test_the_list_words_are_cores_and_each_is_translated(zh_cn) -> None:
    from PySide6.QtCore import QCoreApplication

    from app.core import messages
    from app.gui import core_messages

    assert core_messages.LIST_TEMPLATES == messages.LIST_TEMPLATES, "copy app/core/messages.py's"
    for english in messages.LIST_TEMPLATES.values():
        assert QCoreApplication.translate("CoreMessages", english) != english, english
    assert set(messages.LIST_FIELDS) <= set(messages.TEMPLATES)
