"""The app's own model library: import, de-duplicate, extract, convert, move.

``import_paths`` is what the CLI's ``import`` and the GUI's drag and drop call;
``library_root`` says where the library is, ``move_library`` moves it.

The names below are loaded on first use (:mod:`app.core.lazy_names`), not when the
package is: importing ``app.core.library.settings`` from one worker thread while
another imports the importer used to run the package's eager imports in both, and the
two threads' module locks deadlocked (``_DeadlockError``, then a half-initialised
``layout``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy_names import lazy_names

if TYPE_CHECKING:
    from app.core.library.importer import import_file, import_paths
    from app.core.library.layout import library_info
    from app.core.library.records import (
        BakedInVae,
        ImportOptions,
        ImportOutcome,
        LibraryInfo,
        MoveReport,
    )
    from app.core.library.settings import library_root, set_library_root

_HOME = {
    "import_file": "importer",
    "import_paths": "importer",
    "library_info": "layout",
    "BakedInVae": "records",
    "ImportOptions": "records",
    "ImportOutcome": "records",
    "LibraryInfo": "records",
    "MoveReport": "records",
    "library_root": "settings",
    "set_library_root": "settings",
}

__all__ = [
    "BakedInVae",
    "ImportOptions",
    "ImportOutcome",
    "LibraryInfo",
    "MoveReport",
    "import_file",
    "import_paths",
    "library_info",
    "library_root",
    "set_library_root",
]

__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())
