"""Package names load on first use: a record module does not pull in its whole package."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

import app.core.inspection as inspection
from app.core.lazy_names import lazy_names


def _loaded_after(statement: str, *modules: str) -> list[bool]:
    code = f"import sys\n{statement}\nprint(*[m in sys.modules for m in {modules!r}])\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return [word == "True" for word in out.stdout.split()]


def test_a_records_module_leaves_the_rest_of_its_package_unloaded():
    inspector, catalog_walk = "app.core.inspection.inspector", "app.core.catalog.walk"
    assert _loaded_after("import app.core.inspection.records", inspector) == [False]
    assert _loaded_after("import app.core.catalog.db", inspector, catalog_walk) == [False, False]
    assert _loaded_after("from app.core.inspection import inspect_path", inspector) == [True]
    families = "app.core.inspection.vae_families.detect"
    assert _loaded_after("import app.core.inspection.vae_families.hints", families) == [False]
    installs = "app.core.installs.discovery"
    assert _loaded_after("import app.core.installs.records", installs) == [False]


def test_names_resolve_to_their_modules_objects_and_unknown_names_fail():
    from app.core.inspection.inspector import inspect_path

    assert inspection.inspect_path is inspect_path
    assert "inspect_path" in dir(inspection) and "load_state_dict" in dir(inspection)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        inspection.nothing  # noqa: B018 - the lookup is the test


def test_threads_reading_a_name_first_at_once_all_get_the_one_object():
    namespace: dict[str, object] = {}
    getattr_, _ = lazy_names("app.core.linking", {"plan_links": "plan"}, namespace)
    got: list[object] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait(10)
        got.append(getattr_("plan_links"))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    from app.core.linking.plan import plan_links

    assert got == [plan_links] * 8 and namespace["plan_links"] is plan_links
