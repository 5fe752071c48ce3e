"""Background work you can see and stop: a list of running tasks plus a status-bar summary.

Rows are refreshed from the tasks' own progress on the runner's tick, never
per chunk. Anything with ``title``, ``progress``, ``state``, ``detail`` and
``cancel()`` can be listed, so downloads (run by their own queue) show here too.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.icons import icon
from app.gui.tasks import CANCELLED, DONE, FAILED, QUEUED, Task, TaskRunner

LINGER_MS = 4000


class TaskLike(Protocol):
    """What the panel needs from a task: :class:`Task` and download items both fit."""

    title: str
    state: str
    detail: str

    @property
    def progress(self) -> tuple[int, int | None]: ...

    def cancel(self) -> None: ...


def _percent(progress: tuple[int, int | None]) -> int | None:
    done, total = progress
    if not total:
        return None
    return max(0, min(100, int(done * 100 / total)))


class TaskRow(QWidget):
    """One task: title, state, a progress bar and a cancel button."""

    def __init__(self, task: TaskLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        self.title = QLabel(task.title)
        self.title.setMinimumWidth(220)
        layout.addWidget(self.title, 2)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setMaximumHeight(16)
        layout.addWidget(self.bar, 3)
        self.status = QLabel()
        self.status.setMinimumWidth(140)
        layout.addWidget(self.status, 1)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setToolTip(self.tr("Cancel"))
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        layout.addWidget(self.cancel_button)
        self.refresh()

    def refresh(self) -> None:
        state = self.task.state
        percent = _percent(self.task.progress)
        if state in (DONE, FAILED, CANCELLED):  # never a busy bar on work that stopped
            self.bar.setRange(0, 100)
            self.bar.setValue(100 if state == DONE else (percent or 0))
            self.cancel_button.setEnabled(False)
        elif percent is None:
            self.bar.setRange(0, 0)  # busy: the size of the job is not known yet
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(percent)
        self.status.setText(self.task.detail or _state_text(self, state))

    def _on_cancel_button_clicked(self) -> None:
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("cancelling…"))


def _state_text(widget: QWidget, state: str) -> str:
    words = {
        QUEUED: QCoreApplication.translate("TaskRow", "waiting"),
        DONE: QCoreApplication.translate("TaskRow", "done"),
        FAILED: QCoreApplication.translate("TaskRow", "failed"),
        CANCELLED: QCoreApplication.translate("TaskRow", "cancelled"),
    }
    return words.get(state, QCoreApplication.translate("TaskRow", "running"))


class TaskPanel(QWidget):
    """The list of tasks (shown in a dock); finished rows linger a moment, then go."""

    count_changed = Signal(int)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskPanel")
        self.rows: list[TaskRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.list_layout = QVBoxLayout(body)
        self.list_layout.setContentsMargins(4, 4, 4, 4)
        self.list_layout.setSpacing(0)
        self.placeholder = QLabel(self.tr("No background tasks. Scans, hashing, downloads, "
                                          "imports and previews show up here."))  # fmt: skip
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_layout.addWidget(self.placeholder)
        self.list_layout.addStretch()
        scroll.setWidget(body)
        outer.addWidget(scroll)
        runner.task_added.connect(self._on_runner_task_added)
        runner.ticked.connect(self.refresh)

    def add(self, task: TaskLike) -> TaskRow:
        """A row for ``task``; a task already listed (a resumed download) keeps its one row."""
        for row in self.rows:
            if row.task is task:
                row.setProperty("leaving", False)
                row.cancel_button.setEnabled(True)
                row.refresh()
                self.count_changed.emit(self.active_count())
                return row
        row = TaskRow(task)
        self.rows.append(row)
        self.list_layout.insertWidget(self.list_layout.count() - 1, row)
        self.placeholder.hide()
        self.count_changed.emit(self.active_count())
        return row

    def active_count(self) -> int:
        return sum(r.task.state not in (DONE, FAILED, CANCELLED) for r in self.rows)

    def refresh(self) -> None:
        for row in list(self.rows):
            row.refresh()
            finished = row.task.state in (DONE, FAILED, CANCELLED)
            if not finished and row.property("leaving"):  # resumed: it stays
                row.setProperty("leaving", False)
            if finished and not row.property("leaving"):
                row.setProperty("leaving", True)
                QTimer.singleShot(LINGER_MS, row, lambda r=row: self._drop(r))
        self.count_changed.emit(self.active_count())

    def _drop(self, row: TaskRow) -> None:
        if not row.property("leaving"):  # came back to life meanwhile (resumed)
            return
        if row in self.rows:
            self.rows.remove(row)
            row.deleteLater()
        self.placeholder.setVisible(not self.rows)

    def _on_runner_task_added(self, task: Task) -> None:
        if task.visible:
            self.add(task)


class TaskIndicator(QWidget):
    """Status-bar summary: the busiest task's progress and a button that opens the list."""

    def __init__(self, panel: TaskPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        self.label = QLabel()
        layout.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        layout.addWidget(self.bar)
        self.button = QPushButton(icon("tasks"), self.tr("Tasks"))
        self.button.setObjectName("tasksButton")
        self.button.setCheckable(True)
        self.button.setFlat(True)
        layout.addWidget(self.button)
        panel.count_changed.connect(self._on_panel_count_changed)
        self._on_panel_count_changed(0)

    def _on_panel_count_changed(self, count: int) -> None:
        active = [r for r in self.panel.rows if r.task.state not in (DONE, FAILED, CANCELLED)]
        self.bar.setVisible(bool(active))
        if not active:
            self.label.setText(self.tr("Ready"))
            return
        first = active[0].task
        more = self.tr(" (+{n} more)").format(n=len(active) - 1) if len(active) > 1 else ""
        self.label.setText(first.title + more)
        percent = _percent(first.progress)
        if percent is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(percent)
