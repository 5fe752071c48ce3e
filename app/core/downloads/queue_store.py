"""The download queue as a JSON file, so it survives closing the app.

Written atomically after every state change, on whichever lane the queue's
owner runs its writes (never a UI thread's click). A job found ``running`` or
``queued`` when the file is read was cut off by a restart (or a crash): it
comes back as ``interrupted``, listed for the user to resume.
"""

from __future__ import annotations

import contextlib
import enum
import json
from dataclasses import dataclass
from pathlib import Path

from app.core.downloads.records import DownloadSpec
from app.core.lazy_log import lazy_logger
from app.core.paths import app_paths
from app.core.publish.atomic import write_json_atomic

log = lazy_logger(__name__)


class JobState(enum.StrEnum):
    """Where a download job is; stored as its string value."""

    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"
    FAILED = "failed"
    DONE = "done"


# The old names: StrEnum members equal their strings, so callers comparing either work.
STATE_QUEUED = JobState.QUEUED
STATE_RUNNING = JobState.RUNNING
STATE_PAUSED = JobState.PAUSED
STATE_INTERRUPTED = JobState.INTERRUPTED
STATE_CANCELLED = JobState.CANCELLED
STATE_FAILED = JobState.FAILED
STATE_DONE = JobState.DONE
STATES = tuple(JobState)
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)
RESUMABLE_STATES = (JobState.PAUSED, JobState.INTERRUPTED, JobState.CANCELLED, JobState.FAILED)
FORMAT_VERSION = 1
MAX_HISTORY = 200


@dataclass
class JobRecord:
    """One queued download as stored (mutable: the queue updates it in place)."""

    id: str
    spec: DownloadSpec
    state: JobState
    added: float
    error: str | None = None
    finished: float | None = None
    result: dict[str, object] | None = None

    def to_json(self) -> dict[str, object]:
        """The stored form."""
        return {
            "id": self.id,
            "spec": self.spec.to_json(),
            "state": str(self.state),
            "added": self.added,
            "error": self.error,
            "finished": self.finished,
            "result": self.result,
        }

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> JobRecord:
        """Inverse of :meth:`to_json`; a job cut off mid-run becomes ``interrupted``."""
        try:
            state = JobState(str(raw["state"]))
        except ValueError:
            raise ValueError(f"unknown state {raw['state']!r}") from None
        if state in ACTIVE_STATES:
            state = JobState.INTERRUPTED
        result = raw.get("result")
        finished = raw.get("finished")
        return cls(
            id=str(raw["id"]),
            spec=DownloadSpec.from_json(raw["spec"]),  # type: ignore[arg-type]
            state=state,
            added=float(raw.get("added") or 0.0),  # type: ignore[arg-type]
            error=str(raw["error"]) if raw.get("error") else None,
            finished=float(finished) if isinstance(finished, int | float) else None,
            result=result if isinstance(result, dict) else None,
        )


def default_state_file() -> Path:
    """Where the queue is kept: ``downloads.json`` in the app's data folder."""
    return app_paths().data_dir / "downloads.json"


def load_jobs(path: Path) -> list[JobRecord]:
    """The stored jobs; a missing file is an empty queue, a broken one is logged and set aside."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("download queue %s unreadable (%s); starting empty", path, exc)
        _set_aside(path)
        return []
    jobs: list[JobRecord] = []
    for item in raw.get("jobs", []) if isinstance(raw, dict) else []:
        try:
            jobs.append(JobRecord.from_json(item))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("skipping a broken download queue entry in %s: %s", path, exc)
    return jobs


def save_jobs(path: Path, jobs: list[JobRecord]) -> None:
    """Write the queue atomically, keeping only the newest finished jobs as history."""
    finished = [j for j in jobs if j.state == STATE_DONE]
    drop = {j.id for j in sorted(finished, key=lambda j: j.finished or 0.0)[:-MAX_HISTORY]}
    kept = [j.to_json() for j in jobs if j.id not in drop]
    write_json_atomic(path, {"version": FORMAT_VERSION, "jobs": kept})


def _set_aside(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.replace(path.with_name(path.name + ".broken"))
