"""The app's own model library: import, de-duplicate, extract, convert, move.

``import_paths`` is what the CLI's ``import`` and the GUI's drag and drop call;
``library_root`` says where the library is, ``move_library`` moves it.
"""

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
