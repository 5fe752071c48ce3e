"""Background work you can see and stop: a list of running tasks plus a status-bar summary.

Rows are refreshed from the tasks' own progress on the runner's tick, never
per chunk. Anything with ``title``, ``progress``, ``state``, ``detail`` and
``cancel()`` can be listed: a download's tasks show its one item (``Task.shown_as``).
Running work is listed first, then waiting work, then what just finished; work
counted in bytes says how far it is, how fast and how long is left.
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

from app.gui.formatting import human_eta, human_size, human_speed
from app.gui.icons import icon
from app.gui.tasks import FINISHED_STATES, UNIT_BYTES, Task, TaskRunner, TaskState

LINGER_MS = 4000


class TaskLike(Protocol):
    """What the panel needs from a task: :class:`Task` and download items both fit."""

    @property
    def title(self) -> str: ...

    @property
    def detail(self) -> str: ...

    @property
    def state(self) -> TaskState: ...

    @property
    def progress(self) -> tuple[int, int | None]: ...

    def cancel(self) -> None: ...


def _percent(progress: tuple[int, int | None]) -> int | None:
    done, total = progress
    if not total:
        return None
    return max(0, min(100, int(done * 100 / total)))


_FINISHED = FINISHED_STATES


def list_order(task: TaskLike) -> int:
    """Running first, then waiting, then results to read, then the rest of what finished.

    Ties keep the order the tasks came in.
    """
    state = task.state
    if state in _FINISHED:
        return 2 if getattr(task, "sticky", False) else 3
    return 1 if state == TaskState.QUEUED else 0


def headline(task: TaskLike) -> str:
    """What runs: ``Hashing vae.safetensors`` once the work named its file, else the title."""
    return getattr(task, "headline", task.title)


def progress_text(task: TaskLike) -> str:
    """``1.2 GiB of 3.1 GiB, 420 MiB/s, 5 s left`` for running work counted in bytes, else ""."""
    if getattr(task, "unit", None) != UNIT_BYTES or task.state != TaskState.RUNNING:
        return ""
    done, total = task.progress
    of = QCoreApplication.translate("TaskRow", "{done} of {total}")
    parts = [of.format(done=human_size(done), total=human_size(total)) if total
             else human_size(done)]  # fmt: skip
    rate = getattr(task, "rate", None)
    if rate is not None and rate.speed:
        parts.append(human_speed(rate.speed))
        left = rate.seconds_left(done, total)
        if left is not None:
            left_text = QCoreApplication.translate("TaskRow", "{eta} left")
            parts.append(left_text.format(eta=human_eta(left)))
    return ", ".join(parts)


def status_line(task: TaskLike) -> str:
    """The status bar's sentence for one task: what runs and how far it is."""
    text = progress_text(task)
    return f"{headline(task)} — {text}" if text else headline(task)


class TaskRow(QWidget):
    """One task: title, state, a progress bar and a cancel (or, once read, dismiss) button."""

    dismissed = Signal()

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
        layout.addWidget(self.bar, 2)
        self.status = QLabel()
        self.status.setMinimumWidth(280)  # "1.2 GiB of 3.1 GiB, 420.0 MiB/s, 5 s left"
        layout.addWidget(self.status, 2)
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
        if state in _FINISHED:  # never a busy bar on work that stopped
            self.bar.setRange(0, 100)
            self.bar.setValue(100 if state == TaskState.DONE else (percent or 0))
            sticky = self.sticky()
            self.cancel_button.setEnabled(sticky)
            self.cancel_button.setToolTip(self.tr("Dismiss") if sticky else self.tr("Cancel"))
            self._set_texts(state)
            return
        self.cancel_button.setToolTip(self.tr("Cancel"))
        if state == TaskState.QUEUED and not percent:  # waiting is not working: no busy bar
            self.bar.setRange(0, 100)
            self.bar.setValue(0)
        elif percent is None:
            self.bar.setRange(0, 0)  # busy: the size of the job is not known yet
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(percent)
        self._set_texts(state)

    def _set_texts(self, state: TaskState) -> None:
        self.title.setText(headline(self.task))
        self.status.setText(progress_text(self.task) or self.task.detail
                            or _state_text(self, state))  # fmt: skip
        self.status.setToolTip(getattr(self.task, "details", "") or self.task.detail)

    def sticky(self) -> bool:
        """A finished task with results to read stays until the user dismisses it."""
        return bool(getattr(self.task, "sticky", False))

    def _on_cancel_button_clicked(self) -> None:
        if self.task.state in _FINISHED:
            self.dismissed.emit()
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("cancelling…"))


def _state_text(widget: QWidget, state: TaskState) -> str:
    words = {
        TaskState.QUEUED: QCoreApplication.translate("TaskRow", "waiting"),
        TaskState.DONE: QCoreApplication.translate("TaskRow", "done"),
        TaskState.FAILED: QCoreApplication.translate("TaskRow", "failed"),
        TaskState.CANCELLED: QCoreApplication.translate("TaskRow", "cancelled"),
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
        scroll.setMinimumHeight(3 * 30)  # three rows without scrolling
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
        row.dismissed.connect(lambda r=row: self._remove(r))
        self.rows.append(row)
        self.list_layout.insertWidget(self.list_layout.count() - 1, row)
        self.placeholder.hide()
        self._sort()
        self.count_changed.emit(self.active_count())
        return row

    def active_count(self) -> int:
        return sum(r.task.state not in _FINISHED for r in self.rows)

    def active_tasks(self) -> list[TaskLike]:
        """Unfinished listed tasks, in the order shown (running first)."""
        return [r.task for r in self.rows if r.task.state not in _FINISHED]

    def refresh(self) -> None:
        for row in list(self.rows):
            row.refresh()
            finished = row.task.state in _FINISHED
            if not finished and row.property("leaving"):  # resumed: it stays
                row.setProperty("leaving", False)
            if finished and not row.property("leaving") and not row.sticky():
                row.setProperty("leaving", True)
                QTimer.singleShot(LINGER_MS, row, lambda r=row: self._drop(r))
        self._sort()
        self.count_changed.emit(self.active_count())

    def _sort(self) -> None:
        """Keep running rows on top; widgets move only when the order really changed."""
        wanted = sorted(self.rows, key=lambda r: list_order(r.task))  # stable: arrival order
        if wanted == self.rows:
            return
        self.rows = wanted
        for index, row in enumerate(wanted):
            self.list_layout.insertWidget(index + 1, row)  # after the (hidden) placeholder

    def _drop(self, row: TaskRow) -> None:
        if not row.property("leaving"):  # came back to life meanwhile (resumed)
            return
        self._remove(row)

    def _remove(self, row: TaskRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            row.deleteLater()
        self.placeholder.setVisible(not self.rows)

    def _on_runner_task_added(self, task: Task) -> None:
        if task.visible:  # a task with a row of its own (a download's item) shows that row
            self.add(task.shown_as or task)


class TaskIndicator(QWidget):
    """Status-bar summary: what runs and how far it is, and a button that opens the list.

    It says "Ready" only when nothing runs: unlisted work of the runner counts too.
    """

    def __init__(self, panel: TaskPanel, runner: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.panel = panel
        self.runner = runner
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

    def running(self) -> list[TaskLike]:
        """Everything unfinished, the listed tasks first (running ones on top)."""
        active = self.panel.active_tasks()
        if self.runner is not None:
            active += [t for t in self.runner.active_tasks() if not (t.visible or t.quiet)]
        return sorted(active, key=list_order)

    def _on_panel_count_changed(self, count: int) -> None:
        active = self.running()
        self.bar.setVisible(bool(active))
        if not active:
            self.label.setText(self.tr("Ready"))
            self.label.setToolTip("")
            return
        first = active[0]
        more = self.tr(" (+{n} more)").format(n=len(active) - 1) if len(active) > 1 else ""
        self.label.setText(status_line(first) + more)
        self.label.setToolTip("\n".join(status_line(t) for t in active))
        percent = _percent(first.progress)
        if percent is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(percent)
