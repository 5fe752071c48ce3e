"""The installed Qt binding keeps Python's reference counts right.

PySide6 6.12.0 under Python 3.11 drops one reference to ``None`` on every call of a
void method (``QLabel.setText`` ...): after a few thousand calls the interpreter
aborts with "none_dealloc" or "bool_dealloc", usually at exit. pyproject.toml keeps
that release out; this test fails if a binding with the bug is installed again.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_the_reference_count_of_none(qapp) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setWordWrap(True)
        label.setText("a")
    assert sys.getrefcount(None) >= before - 10  # a bug loses 400; some noise is fine


def test_bool_arguments_keep_their_reference_count(qapp) -> None:
    label = QLabel()
    before = sys.getrefcount(False)
    for _ in range(200):
        label.setVisible(False)
        label.setEnabled(False)
    assert sys.getrefcount(False) >= before - 10
