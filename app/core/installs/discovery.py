"""Public entry points: find installs, and let the user add or remove them by hand."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.errors import UserError
from app.core.installs import comfyui_desktop, stability_matrix
from app.core.installs.base import prefixed
from app.core.installs.environment import Environment, SearchRoot
from app.core.installs.listing import path_key
from app.core.installs.records import Install
from app.core.installs.registry import detect_path, make_context, markers_help
from app.core.installs.remembered import RememberedInstalls
from app.core.installs.walker import ScanReport, walk
from app.core.tasks import CancelToken

DEFAULT_MAX_DEPTH = 5
DEFAULT_TIME_BUDGET_S = 30.0


def pointer_roots(env: Environment) -> list[Path]:
    """Install folders the UIs' own config files point at (desktop app, Stability Matrix)."""
    roots = [comfyui_desktop.desktop_base(d) for d in env.comfy_desktop_data]
    for app_data in env.stability_matrix_data:
        roots += [stability_matrix.library_path(app_data), app_data]
    if env.vars.get("INVOKEAI_ROOT"):
        roots.append(Path(env.vars["INVOKEAI_ROOT"]))
    roots.append(env.home / "invokeai")
    return [r for r in roots if r is not None]


def discover_report(
    search_roots: Sequence[Path] | None = None,
    *,
    extra_roots: Sequence[Path] = (),
    cancel: CancelToken | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    time_budget_s: float = DEFAULT_TIME_BUDGET_S,
    env: Environment | None = None,
    remembered: RememberedInstalls | None = None,
) -> ScanReport:
    """Like :func:`discover`, also saying what was skipped and whether time ran out."""
    env = env or Environment.from_os()
    state = (remembered or RememberedInstalls()).load()
    roots = [SearchRoot(Path(p), 0) for p in state.added]
    if search_roots is None:
        roots += env.default_roots(max_depth) + [SearchRoot(p, 0) for p in pointer_roots(env)]
    else:
        roots += [SearchRoot(Path(p), max_depth) for p in search_roots]
    roots += [SearchRoot(Path(p), max_depth) for p in extra_roots]
    report = walk(roots, make_context(env), time_budget_s=time_budget_s, cancel=cancel)
    added = {path_key(p) for p in state.added}
    report.installs = [
        prefixed(i, "added by you") if path_key(i.root) in added else i
        for i in report.installs
        if path_key(i.root) in added or not state.is_removed(i.root)
    ]
    return report


def discover(
    search_roots: Sequence[Path] | None = None,
    *,
    extra_roots: Sequence[Path] = (),
    cancel: CancelToken | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    time_budget_s: float = DEFAULT_TIME_BUDGET_S,
    env: Environment | None = None,
    remembered: RememberedInstalls | None = None,
) -> list[Install]:
    """Find local UI installs under ``search_roots`` (default: home, user folders, disks).

    Remembered additions are always checked; removed installs are left out.
    """
    return discover_report(
        search_roots,
        extra_roots=extra_roots,
        cancel=cancel,
        max_depth=max_depth,
        time_budget_s=time_budget_s,
        env=env,
        remembered=remembered,
    ).installs


def recognize(path: Path, *, env: Environment | None = None) -> list[Install]:
    """The installs at exactly ``path`` (a Stability Matrix library gives several)."""
    return detect_path(Path(path), make_context(env or Environment.from_os()))


def install_at(path: Path, *, env: Environment | None = None) -> Install:
    """The one install rooted at ``path`` (or its package wrapper); UserError if none."""
    found = recognize(path, env=env)
    if not found:
        raise _not_an_install(Path(path))
    exact = [i for i in found if path_key(i.root) == path_key(path)]
    return (exact or found)[0]


def add_install(
    path: Path, *, env: Environment | None = None, remembered: RememberedInstalls | None = None
) -> list[Install]:
    """Remember a folder the scan did not find; it must be a recognised install."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise UserError(f"{path} is not a folder.")
    found = recognize(path, env=env)
    if not found:
        raise _not_an_install(path)
    (remembered or RememberedInstalls()).add([path] + [i.root for i in found])
    return found


def remove_install(
    path: Path, *, env: Environment | None = None, remembered: RememberedInstalls | None = None
) -> None:
    """Hide an install from discovery until it is added again (nothing on disk changes)."""
    path = Path(path).expanduser()
    roots = [path] + [i.root for i in recognize(path, env=env)] if path.is_dir() else [path]
    (remembered or RememberedInstalls()).remove(roots)


def _not_an_install(path: Path) -> UserError:
    return UserError(
        f"{path} is not a recognised Stable Diffusion install. Looked for:\n{markers_help()}"
    )
