"""One mapping from OSError to a UserError class and sentence, with real OS errors."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from app.core import errors
from app.core.errors import Doing, from_os_error

REPO = Path(__file__).resolve().parents[2]


def _raised(action) -> OSError:
    try:
        action()
    except OSError as exc:
        return exc
    raise AssertionError("the OS did not refuse")


def test_a_missing_file_is_gone_and_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "vae.safetensors"
    exc = _raised(lambda: missing.open("rb"))
    problem = from_os_error(exc, Doing.READ)
    assert type(problem) is errors.FileGone
    assert str(problem) == f"cannot read {missing}: it is not there (moved, renamed or deleted?)"
    assert problem.path == missing


def test_a_full_drive_is_disk_full() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")

    def write() -> None:
        with open("/dev/full", "wb", buffering=0) as f:
            f.write(b"x")

    exc = _raised(write)
    assert exc.errno == errno.ENOSPC
    problem = from_os_error(exc, Doing.WRITE, "/lib/vae.safetensors")
    assert type(problem) is errors.DiskFull
    assert str(problem) == (
        "cannot write /lib/vae.safetensors: the drive is full; free some space and try again"
    )


def test_a_link_loop_and_a_file_in_place_of_a_folder(tmp_path: Path) -> None:
    loop = tmp_path / "loop.pt"
    loop.symlink_to(loop)
    problem = from_os_error(_raised(lambda: loop.open("rb")), Doing.READ, "")
    assert type(problem) is errors.FileProblem
    assert (
        str(problem)
        == "cannot read: it is a link that leads round in a loop (or too many links deep)"
    )
    (tmp_path / "file").write_text("x")
    problem = from_os_error(_raised(lambda: (tmp_path / "file" / "x").open("rb")), Doing.OPEN)
    assert "a file stands where a folder should be" in str(problem)


_PERMISSION_CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from app.core.errors import Doing, from_os_error

    if os.geteuid() == 0:  # root ignores chmod: be user nobody
        os.setgid(65534)
        os.setuid(65534)
    try:
        (Path(sys.argv[1]) / "x").write_text("x")
    except OSError as exc:
        problem = from_os_error(exc, Doing.WRITE)
        print(type(problem).__name__, problem, sep="|")
    """
)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_real_permission_refusal() -> None:
    locked = Path(tempfile.mkdtemp(prefix="errors-perm-"))  # under /tmp: reachable by nobody
    try:
        locked.chmod(0o555)
        child = subprocess.run(
            [sys.executable, "-c", _PERMISSION_CHILD, str(locked)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )  # fmt: skip
    finally:
        locked.chmod(0o755)
        shutil.rmtree(locked)
    if child.returncode != 0 and "Operation not permitted" in child.stderr:
        pytest.skip("cannot drop root's privileges here")
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == (
        f"PermissionDenied|cannot write {locked / 'x'}: permission denied; check the file's "
        "and folder's permissions, or choose another place"
    )


@pytest.mark.parametrize(
    ("code", "cls", "words"),
    [
        (errno.ENOENT, errors.FileGone, "it is not there"),
        (errno.EACCES, errors.PermissionDenied, "permission denied"),
        (errno.EPERM, errors.PermissionDenied, "permission denied"),
        (errno.ENOSPC, errors.DiskFull, "the drive is full"),
        (errno.EDQUOT, errors.DiskFull, "the drive is full"),
        (errno.EROFS, errors.ReadOnlyDrive, "the drive is read-only"),
        (errno.EIO, errors.DeviceFailure, "input/output error; the disk or its cable"),
        (errno.ETIMEDOUT, errors.NetworkError, "the network or share did not answer"),
        (errno.ECONNRESET, errors.NetworkError, "the network or share did not answer"),
        (errno.ESTALE, errors.NetworkError, "the network or share did not answer"),
        (errno.ENAMETOOLONG, errors.FileProblem, "the name is too long for this drive"),
        (errno.EBUSY, errors.FileProblem, "in use by another program"),
        (errno.EXDEV, errors.FileProblem, "on another drive"),
    ],
)
def test_each_errno_gives_its_class_and_sentence(code: int, cls: type, words: str) -> None:
    exc = OSError(code, os.strerror(code), "/data/vae.pt")
    problem = from_os_error(exc, Doing.COPY)
    assert type(problem) is cls and isinstance(problem, errors.UserError)
    assert str(problem).startswith("cannot copy /data/vae.pt: ")
    assert words in str(problem)


def test_the_subclass_decides_even_without_an_errno() -> None:
    assert type(from_os_error(ConnectionResetError(), "download")) is errors.NetworkError
    assert type(from_os_error(PermissionError(), "write")) is errors.PermissionDenied


def test_a_windows_sharing_violation_says_another_program_has_it() -> None:
    exc = PermissionError(errno.EACCES, "The process cannot access the file", "C:/m/v.pt")
    exc.winerror = 32  # type: ignore[attr-defined]  # what Windows sets
    problem = from_os_error(exc, Doing.RENAME)
    assert type(problem) is errors.PermissionDenied
    assert "another program has it open" in str(problem)


def test_an_unknown_errno_keeps_the_os_words() -> None:
    exc = OSError(errno.ENOTSOCK, os.strerror(errno.ENOTSOCK))
    assert str(from_os_error(exc, "read", "x")) == f"cannot read x: {os.strerror(errno.ENOTSOCK)}"


def test_every_doing_has_its_translatable_lead() -> None:
    """A new Doing without templates would stay English in the Chinese window."""
    assert set(errors._LEADS) == set(Doing)
