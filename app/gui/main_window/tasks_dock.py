"""The background-tasks dock and its status-bar summary, added after the first paint.

The dock starts hidden and the summary only says "Ready" until work starts, so
neither is needed to draw the first frame; the window adds them right after it
(or when code asks for ``window.task_panel``) and lists the visible tasks
submitted before then, so none is missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:
    from app.gui.main_window.window import MainWindow
    from app.gui.panels.task_panel import TaskIndicator, TaskPanel


@dataclass(frozen=True)
class TasksDock:
    """The dock, the task list inside it and the status-bar summary."""

    dock: QDockWidget
    panel: TaskPanel
    indicator: TaskIndicator


def build_tasks_dock(window: MainWindow) -> TasksDock:
    """Add the dock (hidden) and the summary to ``window``, wired to its runner and menu."""
    from PySide6.QtCore import Qt

    from app.gui.panels.task_panel import TaskIndicator, TaskPanel

    runner = window.runner
    panel = TaskPanel(runner)
    title = QCoreApplication.translate("MainWindow", "Background tasks")  # its old context
    dock = QDockWidget(title, window)
    dock.setObjectName("tasksDock")
    dock.setWidget(panel)
    dock.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    indicator = TaskIndicator(panel, runner)
    window.statusBar().addPermanentWidget(indicator)
    indicator.button.toggled.connect(dock.setVisible)
    dock.visibilityChanged.connect(indicator.button.setChecked)
    tasks_action = window.menu_actions["tasks"]
    tasks_action.toggled.connect(dock.setVisible)
    dock.visibilityChanged.connect(tasks_action.setChecked)
    for task in runner.tasks:  # submitted before the dock existed
        if task.visible and task.active:
            panel.add(task.shown_as or task)
    return TasksDock(dock, panel, indicator)
