"""A package's public names, each imported from its module on first use (PEP 562).

A package ``__init__`` that imports all its modules makes every user pay for
all of them: ``from app.core.inspection.records import Inspection`` used to
import the whole inspector, and the catalog pulled that into the window's
start and into ``import`` before its first byte was read. With
:func:`lazy_names` the package keeps its short public names (``from
app.core.inspection import inspect_path``) and a name's module loads when the
name is first read. Each module is imported by :func:`importlib.import_module`,
which takes that module's own import lock: two threads reading names at once
never run one package's imports twice (the deadlock ``app.core.library`` had).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose name ``n`` lives in module ``homes[n]``.

    ``homes`` maps each public name to its module, relative to the package
    (``"inspector"`` for ``package.inspector``). A name read once is stored in
    ``namespace`` (the package's globals), so later reads cost nothing.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module-level hook's own name
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        home = importlib.import_module(f"{package}.{module}")
        value = getattr(home, name)
        namespace[name] = value
        if homes.get(module) == module:
            # Importing ``package.unlink`` set the package's ``unlink`` to that module; a
            # public name equal to its module's name must win over the module.
            namespace[module] = getattr(home, module)
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module-level hook's own name
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
