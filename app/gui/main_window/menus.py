"""The menu bar and keyboard shortcuts (every panel and main action has one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from app.gui.icons import icon
from app.gui.settings import KEY_LANGUAGE, KEY_THEME, LANGUAGES, THEMES, get_str

if TYPE_CHECKING:
    from app.gui.main_window.window import MainWindow

Std = QKeySequence.StandardKey


def _key_sequences(shortcut: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    """The one shortcut ``setShortcut(QKeySequence(shortcut))`` would set, as a list.

    ``setShortcuts(list)``, unlike ``setShortcut``, resolves no overload taking a
    ``Qt.Key``: that would build all 93 enums of Qt's namespace (12 ms) before the
    window's first frame. A standard key keeps its first binding, as
    ``QKeySequence(standard_key)`` does.
    """
    if isinstance(shortcut, str):
        return [QKeySequence(shortcut)]
    return QKeySequence.keyBindings(shortcut)[:1]


class Menus(QObject):
    """Builds the window's menus; ``actions`` holds every action by name (tests use it)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self._build()

    def _add(
        self,
        menu: QMenu,
        key: str,
        text: str,
        slot: Callable[..., object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        icon_name: str | None = None,
    ) -> QAction:
        action = (
            QAction(icon(icon_name), text, self.window) if icon_name else QAction(text, self.window)
        )
        if shortcut is not None:
            action.setShortcuts(_key_sequences(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.actions[key] = action
        return action

    def _build(self) -> None:
        w, add, bar = self.window, self._add, self.window.menuBar()
        menu = bar.addMenu(self.tr("&File"))
        add(menu, "import", self.tr("&Import files…"), w.import_files_action, Std.Open, "import")
        add(menu, "add_install", self.tr("&Add install folder…"), w.add_install_action,
            "Ctrl+Shift+O", "installs")  # fmt: skip
        add(menu, "rescan", self.tr("&Rescan everything"), w.rescan_action, "F5", "refresh")
        add(menu, "settings", self.tr("Library and download &settings…"), w.settings_action,
            "Ctrl+,", "settings")  # fmt: skip
        menu.addSeparator()
        add(menu, "quit", self.tr("&Quit"), w.close, Std.Quit)

        menu = bar.addMenu(self.tr("&Edit"))
        undo = add(menu, "undo", self.tr("Nothing to undo"), w.undo_action, Std.Undo)
        undo.setEnabled(False)  # until the journal was read (GuiOperations.undo_changed)
        menu.addSeparator()
        add(menu, "find", self.tr("&Filter the library"), w.find_action, Std.Find, "search")
        add(menu, "link", self.tr("&Link selected VAE…"), w.link_selected_action, "Ctrl+L", "link")
        add(menu, "preview", self.tr("&Preview selected VAEs"), w.preview_selected_action,
            "Ctrl+P", "preview")  # fmt: skip
        add(menu, "verify", self.tr("&Verify selected VAE"), w.verify_selected_action,
            "Ctrl+Shift+V", "verify")  # fmt: skip
        add(menu, "remove", self.tr("&Move selected VAE to the trash…"), w.remove_selected_action,
            Std.Delete, "trash")  # fmt: skip

        menu = bar.addMenu(self.tr("&View"))
        for index, (key, text, icon_name) in enumerate(w.panel_specs()):
            add(menu, f"panel_{key}", text, lambda _=False, i=index: w.show_panel(i),
                f"Ctrl+{index + 1}", icon_name)  # fmt: skip
        menu.addSeparator()
        tasks = add(menu, "tasks", self.tr("Background &tasks"), w.toggle_tasks_action,
                    "Ctrl+Shift+T", "tasks")  # fmt: skip
        tasks.setCheckable(True)
        menu.addSeparator()
        system = self.tr("Follow the system")
        themes = {"system": system, "light": self.tr("Light"), "dark": self.tr("Dark")}
        self._choices(menu.addMenu(self.tr("T&heme")), KEY_THEME, THEMES, themes, w.set_theme)
        languages = {"system": system, "en": "English", "zh_CN": "简体中文"}
        self._choices(menu.addMenu(self.tr("&Language")), KEY_LANGUAGE, LANGUAGES, languages,
                      w.set_language)  # fmt: skip

        menu = bar.addMenu(self.tr("&Help"))
        add(menu, "guide", self.tr("&Which VAE should I use?"), w.guide_action, Std.HelpContents,
            "help")  # fmt: skip
        add(menu, "about", self.tr("&About VAE Manager"), w.about_action, None, "info")

    def show_undo(self, description: str | None) -> None:
        """Edit → Undo names what it will undo ("Undo link a.safetensors into ComfyUI"), or is off.

        ``description`` is :func:`app.core.operations.undo.undo_description` of the
        newest undoable operation, whichever front recorded it (English, as the journal
        keeps it: shown in the window's language); None: nothing to undo.
        """
        from app.gui.core_messages import render

        action = self.actions["undo"]
        if description is None:
            action.setText(self.tr("Nothing to undo"))
            action.setEnabled(False)
        else:
            action.setText(render(description).replace("&", "&&"))  # a file's & is no mnemonic
            action.setEnabled(True)

    def _choices(
        self,
        menu: QMenu,
        key: str,
        choices: Iterable[str],
        labels: dict[str, str],
        apply: Callable[[str], object],
    ) -> None:
        group = QActionGroup(self)
        current = get_str(key, "system")
        for choice in choices:
            action = QAction(labels[choice], self.window)
            action.setCheckable(True)
            action.setChecked(choice == current)
            action.triggered.connect(lambda _=False, c=choice: apply(c))
            group.addAction(action)
            menu.addAction(action)


def build_menus(window: MainWindow) -> Menus:
    """Create the menus on ``window`` (a MainWindow); ``.actions`` holds them by name."""
    return Menus(window)
