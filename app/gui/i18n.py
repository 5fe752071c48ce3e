"""Load the translation that matches the setting or the system language.

Translations are Qt ``.qm`` files in ``resources/i18n`` (compiled from the
``.ts`` sources with ``pyside6-lrelease``). English is the source language and
needs no file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.gui.settings import KEY_LANGUAGE, get_str

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
FILE_PREFIX = "vae_manager_"
SHIPPED = ("zh_CN",)

if TYPE_CHECKING:
    # PySide6's stub types this as (object, object) -> object; at run time it returns
    # ``message`` unchanged (it only marks the text for lupdate), so the str is typed here.
    def QT_TRANSLATE_NOOP(context: str, message: str, /) -> str:
        """Mark ``message`` for translation in ``context``; returns it as is."""
else:
    from PySide6.QtCore import QT_TRANSLATE_NOOP as QT_TRANSLATE_NOOP  # re-exported


def wanted_language(setting: str | None = None) -> str:
    """``en`` or a shipped language code, from the setting or else the system locale."""
    choice = setting if setting is not None else get_str(KEY_LANGUAGE, "system")
    if choice != "system":
        return choice if choice in SHIPPED else "en"
    for name in QLocale.system().uiLanguages():
        code = name.replace("-", "_")
        if code.startswith("zh") and not code.startswith(("zh_TW", "zh_HK", "zh_Hant")):
            return "zh_CN"
        if code.startswith("en"):
            return "en"
    return "en"


def install_translator(app: QCoreApplication, language: str | None = None) -> str:
    """Install the translator for ``language`` (default: as configured); returns the code used."""
    code = wanted_language(language)
    if code == "en":
        return code
    translator = QTranslator(app)
    if not translator.load(FILE_PREFIX + code, str(I18N_DIR)):
        return "en"
    app.installTranslator(translator)
    qt_own = QTranslator(app)  # Qt's own words: OK, Cancel, Close, file dialogs
    if qt_own.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
    return code


def current_language() -> str:
    """The language the UI runs in (for the help text, which is not in the .ts files)."""
    app = QCoreApplication.instance()
    code = app.property("vaeManagerLanguage") if app is not None else None
    return str(code) if code else "en"
