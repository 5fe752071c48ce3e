"""Publishing files: nothing partial under a final name, nothing of the user's replaced or lost.

Real files on the test's own folder; a real killed process for the crash; each
way :func:`publish_no_replace` can take (``renameat2``, link + unlink, a plain
rename where hard links are refused) is run for real by turning the faster ones
off in turn.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.errors import Cancelled, UserError
from app.core.owned_files import is_ours
from app.core.publish import atomic as atomic_module
from app.core.publish import (
    backup_copy,
    copy_verified,
    exclusive_temp,
    hashed_copy,
    publish_no_replace,
    same_drive,
    swap_symlink,
    sweep_abandoned,
    temp_path_for,
    write_json_atomic,
    write_text_atomic,
    write_text_new,
)
from app.core.publish import rename as rename_module
from app.core.tasks import CancelToken

ROOT = Path(__file__).resolve().parents[2]
BLOCK = 8 << 20  # the hashing pipeline's read size: bigger files are copied in several reads


def _no_renameat2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rename_module, "_renamer", lambda: None)


def _no_hardlinks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")  # as FAT or exFAT answer

    monkeypatch.setattr(os, "link", refuse)


WAYS = {
    "renameat2": lambda mp: None,
    "link-unlink": _no_renameat2,
    "rename-without-links": lambda mp: (_no_renameat2(mp), _no_hardlinks(mp)),
}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder of its own: the app home (with the temp-file journal) sits beside it."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# -- publish_no_replace -------------------------------------------------------------------------


@pytest.mark.parametrize("way", list(WAYS))
def test_publish_gives_the_name_and_leaves_no_temp(work, monkeypatch, way):
    WAYS[way](monkeypatch)
    tmp, final = work / ".a.bin.vaem-tmp", work / "a.bin"
    tmp.write_bytes(b"new bytes")
    publish_no_replace(tmp, final)
    assert final.read_bytes() == b"new bytes"
    assert _names(work) == ["a.bin"]


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("planted", ["file", "dangling-link"])
def test_publish_never_replaces_what_is_at_the_final_name(work, monkeypatch, way, planted):
    WAYS[way](monkeypatch)
    tmp, final = work / ".a.bin.vaem-tmp", work / "a.bin"
    tmp.write_bytes(b"new bytes")
    if planted == "file":
        final.write_bytes(b"the user's file")
    else:
        final.symlink_to(work / "gone")
    with pytest.raises(FileExistsError):
        publish_no_replace(tmp, final)
    if planted == "file":
        assert final.read_bytes() == b"the user's file"
    else:
        assert os.readlink(final) == str(work / "gone")
    assert tmp.read_bytes() == b"new bytes"  # left for its owner, as documented


def test_a_refused_publish_of_an_exclusive_temp_leaves_only_the_users_file(work):
    final = work / "model.safetensors"
    with exclusive_temp(final) as tmp:
        tmp.write(b"ours")
        final.write_bytes(b"the user's, written meanwhile")
        with pytest.raises(FileExistsError):
            tmp.publish()
        assert tmp.path.exists()
    assert _names(work) == ["model.safetensors"]
    assert final.read_bytes() == b"the user's, written meanwhile"


def test_an_exclusive_temp_publishes_its_bytes_durably_and_forgets_itself(work):
    final = work / "model.safetensors"
    with exclusive_temp(final) as tmp:
        assert tmp.path == temp_path_for(final) and is_ours(tmp.path)
        tmp.write(b"part one, ")
        tmp.writer()(memoryview(b"part two"))
        assert tmp.publish() == final
    assert final.read_bytes() == b"part one, part two"
    assert _names(work) == ["model.safetensors"]
    assert not is_ours(tmp.path)


_CRASH = """
import os, sys
from pathlib import Path
from app.core.publish import exclusive_temp
tmp = exclusive_temp(Path(sys.argv[1])).__enter__()
tmp.write(b"half a model")
os.fsync(tmp.fd)
print(tmp.path, flush=True)
os.kill(os.getpid(), 9)  # killed between writing and publishing
"""


def test_a_crash_before_publishing_leaves_only_an_owned_temp_that_the_sweep_removes(work):
    final = work / "model.safetensors"
    users_lookalike = work / ".other.safetensors.vaem-tmp"
    users_lookalike.write_bytes(b"a user's file with a temp-like name")
    run = subprocess.run(
        [sys.executable, "-c", _CRASH, str(final)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -9, run.stderr
    left = Path(run.stdout.strip())
    assert left.read_bytes() == b"half a model" and not final.exists()
    assert is_ours(left)  # the journal survived the kill
    assert sweep_abandoned(work) == 1
    assert _names(work) == [users_lookalike.name]
    assert users_lookalike.read_bytes() == b"a user's file with a temp-like name"


def test_a_sweep_never_removes_a_file_that_replaced_the_apps_temp(work):
    final = work / "model.safetensors"
    crashed = exclusive_temp(final).__enter__()
    crashed.close()
    # Moved away, not deleted: a freed inode number is reused at once, and the journal
    # knows a file by (device, inode) only (see the report on app.core.owned_files).
    os.rename(crashed.path, work / "kept-aside")
    crashed.path.write_bytes(b"the user's now")  # same name, another file
    assert sweep_abandoned(work) == 0
    assert crashed.path.read_bytes() == b"the user's now"


# -- copy_verified / hashed_copy ----------------------------------------------------------------


def _source(folder: Path, size: int = 3 * BLOCK + 123) -> tuple[Path, str]:
    data = os.urandom(size)
    path = folder / "source.bin"
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def test_a_verified_copy_has_the_sources_bytes_and_times(work):
    source, sha = _source(work)
    os.utime(source, ns=(1_600_000_000_000_000_000, 1_700_000_000_000_000_000))
    dest = work / "out" / "copy.bin"
    dest.parent.mkdir()
    progress: list[int] = []
    assert copy_verified(source, dest, progress=lambda d, _t: progress.append(d)) == sha
    assert dest.read_bytes() == source.read_bytes()
    assert dest.stat().st_mtime_ns == 1_700_000_000_000_000_000
    assert progress[-1] == source.stat().st_size
    assert _names(dest.parent) == ["copy.bin"]


def test_a_source_changed_mid_copy_is_refused_and_nothing_is_published(work):
    source, _sha = _source(work)
    dest = work / "out" / "copy.bin"
    dest.parent.mkdir()

    changed: list[int] = []

    def change_the_source(done: int, _total: int | None) -> None:
        if not changed:  # after the first read: rewrite bytes not read yet
            changed.append(done)
            with open(source, "r+b") as fh:
                fh.seek(2 * BLOCK)
                fh.write(b"\0" * 4096)

    with pytest.raises(UserError, match="changed while it was copied"):
        copy_verified(source, dest, progress=change_the_source)
    assert changed == [BLOCK] and _names(dest.parent) == []


def test_a_source_changed_since_it_was_hashed_is_refused(work):
    source, sha = _source(work)
    dest = work / "copy.bin"
    wrong = hashlib.sha256(b"what the plan hashed").hexdigest()
    with pytest.raises(UserError, match="changed while it was copied"):
        copy_verified(source, dest, expected_sha256=wrong)
    assert not dest.exists() and _names(work) == ["source.bin"]
    assert copy_verified(source, dest, expected_sha256=sha) == sha


def test_a_verified_copy_never_replaces_a_file_that_appears_meanwhile(work):
    source, _sha = _source(work, 1000)
    dest = work / "copy.bin"

    def plant(done: int, _total: int | None) -> None:
        dest.write_bytes(b"the user's")

    with pytest.raises(FileExistsError):
        copy_verified(source, dest, progress=plant)
    assert dest.read_bytes() == b"the user's"
    assert _names(work) == ["copy.bin", "source.bin"]


def test_a_cancelled_copy_leaves_nothing(work):
    source, _sha = _source(work)
    dest = work / "copy.bin"
    token = CancelToken()

    def cancel_after_one_block(done: int, _total: int | None) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        copy_verified(source, dest, progress=cancel_after_one_block, cancel=token)
    assert _names(work) == ["source.bin"]


def test_a_hashed_copy_is_discarded_unless_published(work):
    source, sha = _source(work, BLOCK + 5)
    with hashed_copy(source, work / "kept.bin") as copy:
        assert copy.hashes.sha256 == sha and copy.hashes.blake3 and copy.size == BLOCK + 5
        copy.publish(work / "kept.bin")
    with hashed_copy(source, work / "dropped.bin") as copy:
        assert copy.temp.path.exists()
    assert _names(work) == ["kept.bin", "source.bin"]


def test_a_write_error_names_the_destination(work):
    source, _sha = _source(work, 1 << 20)
    dest = work / "copy.bin"
    limit = 64 << 10  # RLIMIT_FSIZE turns a bigger write into EFBIG, as a full disk fails one
    code = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from app.core.errors import Cancelled, UserError\n"
        "from app.core.publish import copy_verified\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "try:\n"
        "    copy_verified(Path(sys.argv[1]), Path(sys.argv[2]), where='the library')\n"
        "except UserError as exc:\n"
        "    print(exc)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(source), str(dest)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.startswith("cannot write to the library: File too large"), run.stderr
    assert _names(work) == ["source.bin"]


# -- swap_symlink -------------------------------------------------------------------------------


def test_a_symlink_swap_never_leaves_the_name_missing(work):
    a, b = work / "a.bin", work / "b.bin"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    link = work / "link.bin"
    link.symlink_to(a)
    seen: set[str] = set()
    missing: list[OSError] = []
    stop = threading.Event()

    def read_all_the_time() -> None:
        while not stop.is_set():
            try:
                seen.add(link.read_bytes().decode())
            except OSError as exc:
                missing.append(exc)

    reader = threading.Thread(target=read_all_the_time)
    reader.start()
    try:
        for i in range(300):
            assert swap_symlink(link, b if i % 2 == 0 else a) == str(b if i % 2 == 0 else a)
    finally:
        stop.set()
        reader.join()
    assert missing == [] and seen <= {"a", "b"}
    assert os.readlink(link) == str(a)
    assert _names(work) == ["a.bin", "b.bin", "link.bin"]


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "replace"])
def test_a_symlink_swap_refuses_a_users_file(work, monkeypatch, exchange):
    if not exchange:
        _no_renameat2(monkeypatch)
    users = work / "link.bin"
    users.write_bytes(b"the user's file")
    with pytest.raises(FileExistsError):
        swap_symlink(users, work / "elsewhere")
    assert users.read_bytes() == b"the user's file" and not users.is_symlink()
    assert _names(work) == ["link.bin"]


@pytest.mark.skipif(rename_module._renamer() is None, reason="needs renameat2 (Linux)")
def test_a_file_that_replaces_the_link_at_the_last_instant_is_put_back(work):
    """The exchange itself finds the file: it swaps back, so the file is never lost."""
    users = work / "link.bin"
    users.write_bytes(b"the user's file")
    new_link = work / ".link.bin.new"
    new_link.symlink_to(work / "target")
    with pytest.raises(FileExistsError):
        rename_module._exchange(new_link, users)
    assert users.read_bytes() == b"the user's file" and not users.is_symlink()
    assert os.readlink(new_link) == str(work / "target")


# -- write_text_atomic / write_json_atomic ------------------------------------------------------


def test_a_json_write_keeps_the_files_mode_and_fsyncs_before_the_rename(work, monkeypatch):
    path = work / "config.json"
    path.write_text("{}")
    path.chmod(0o640)
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_json_atomic(path, {"sd_vae": "Automatic", "name": "日本"})
    assert path.read_text(encoding="utf-8") == '{\n  "sd_vae": "Automatic",\n  "name": "日本"\n}\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert events == ["fsync-file", "replace", "fsync-dir"]
    assert _names(work) == ["config.json"]


def test_a_private_write_is_owner_only_and_text_is_kept_byte_for_byte(work):
    path = work / "settings.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_json_atomic(path, {"token": "hf_x"}, private=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = work / "config.txt"
    write_text_atomic(text, "a\r\nb\n")
    assert text.read_bytes() == b"a\r\nb\n"


def test_a_rewrite_through_a_symlink_keeps_the_link(work):
    real = work / "shared" / "config.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = work / "config.json"
    link.symlink_to(real)
    write_json_atomic(link, {"sd_vae": "x.safetensors"})
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text()) == {"sd_vae": "x.safetensors"}
    assert _names(work) == ["config.json", "shared"] and _names(real.parent) == ["config.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(work, monkeypatch):
    path = work / "config.json"
    path.write_text('{"old": true}')

    def disk_error(_fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    with pytest.raises(OSError, match="Input/output"):
        write_json_atomic(path, {"new": True})
    assert path.read_text() == '{"old": true}'
    assert _names(work) == ["config.json"]


@pytest.mark.parametrize("way", list(WAYS))
def test_a_new_file_is_created_whole_and_never_over_one_that_appeared(work, monkeypatch, way):
    WAYS[way](monkeypatch)
    path = work / "ui-config.json"
    write_text_new(path, '{"a": 1}')
    assert path.read_text() == '{"a": 1}'
    with pytest.raises(FileExistsError):
        write_text_new(path, '{"b": 2}')
    assert path.read_text() == '{"a": 1}'
    assert _names(work) == ["ui-config.json"]


def test_names_that_are_not_utf8_survive_a_json_round_trip(work):
    name = os.fsdecode(b"caf\xe9.safetensors")
    path = work / "state.json"
    write_json_atomic(path, {"file": name})
    assert json.loads(path.read_text(encoding="utf-8")) == {"file": name}
    assert atomic_module.json_text({"file": name}).isascii()


# -- backup_copy --------------------------------------------------------------------------------


def test_backup_names_never_collide_and_never_overwrite(work, monkeypatch):
    monkeypatch.setattr(time, "strftime", lambda _fmt, *_a: "20260101-120000")
    path = work / "config.json"
    planted = work / "config.json.vaem-bak-20260101-120000"
    planted.write_bytes(b"an older backup")
    backups = []
    for version in range(3):
        path.write_text(f"version {version}")
        backups.append(backup_copy(path, ".vaem-bak-"))
    assert [b.name for b in backups if b] == [
        "config.json.vaem-bak-20260101-120000-2",
        "config.json.vaem-bak-20260101-120000-3",
        "config.json.vaem-bak-20260101-120000-4",
    ]
    assert [b.read_text() for b in backups if b] == ["version 0", "version 1", "version 2"]
    assert planted.read_bytes() == b"an older backup"


def test_a_backup_keeps_times_and_mode_and_none_when_no_file(work):
    assert backup_copy(work / "missing.json", ".bak-") is None
    path = work / "config.json"
    path.write_text("{}")
    path.chmod(0o640)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_650_000_000_000_000_000))
    backup = backup_copy(path, ".bak-")
    assert backup is not None and backup.read_text() == "{}"
    assert backup.stat().st_mtime_ns == 1_650_000_000_000_000_000
    assert stat.S_IMODE(backup.stat().st_mode) == 0o640


def test_a_backup_that_cannot_be_made_is_a_user_error(work):
    folder = work / "config.json"
    folder.mkdir()  # a folder where the file should be: reading it fails
    with pytest.raises(UserError, match="cannot back up"):
        backup_copy(folder, ".bak-")
    assert _names(work) == ["config.json"]


# -- same_drive ---------------------------------------------------------------------------------


def test_same_drive_follows_the_nearest_existing_folder(work):
    source = work / "a.bin"
    source.write_bytes(b"x")
    assert same_drive(source, work)
    assert same_drive(source, work / "not" / "made" / "yet")
    assert not same_drive(work / "missing.bin", work)


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc (another file system)")
def test_same_drive_tells_two_file_systems_apart(work):
    source = work / "a.bin"
    source.write_bytes(b"x")
    assert os.stat("/proc").st_dev != os.stat(work).st_dev
    assert not same_drive(source, Path("/proc"))
