"""What the OS and SQLite refuse reaches the Chinese window in Chinese; the English is unchanged.

Real refusals: a missing file, a file where a folder should be, a damaged link
records file and a damaged catalog, each through the core function that meets
it (``from_os_error``, the SQLite wrapper), then the window's one renderer.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from app.core.errors import Doing, from_os_error
from app.core.messages import parse
from app.core.sqlite_db import DatabaseProblem
from tests.gui.test_undo_in_chinese import zh_cn  # noqa: F401 (fixture)


def _refusal(path: Path, doing: Doing | str) -> str:
    try:
        path.read_bytes()
    except OSError as exc:
        return str(from_os_error(exc, doing))
    raise AssertionError("the read should have failed")


def test_the_english_is_what_the_command_line_printed_before(tmp_path: Path) -> None:
    gone = tmp_path / "gone.safetensors"
    assert _refusal(gone, Doing.READ) == (
        f"cannot read {gone}: it is not there (moved, renamed or deleted?)"
    )
    assert _refusal(gone, "write to the library") == (
        f"cannot write to the library {gone}: it is not there (moved, renamed or deleted?)"
    )
    assert _refusal(gone, "look at") == (  # a lead with no template keeps its words
        f"cannot look at {gone}: it is not there (moved, renamed or deleted?)"
    )
    assert parse(_refusal(gone, Doing.LIST)) == (
        "os.cannot-list",
        {"path": str(gone), "reason": "it is not there (moved, renamed or deleted?)"},
    )


@pytest.mark.usefixtures("zh_cn")
def test_os_refusals_render_in_chinese(tmp_path: Path) -> None:
    from app.gui.core_messages import error_text

    gone = tmp_path / "gone.safetensors"
    assert error_text(_refusal(gone, Doing.READ)) == (
        f"无法读取 {gone}：它不在那里（已被移动、重命名或删除？）"
    )
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    under = blocker / "vae.safetensors"  # ENOTDIR: a file stands where a folder should be
    text = _refusal(under, Doing.OPEN)
    assert "a file stands where a folder should be" in text
    assert error_text(text) == f"无法打开 {under}：该路径上本应是文件夹的位置是一个文件"
    unnamed = str(from_os_error(OSError(errno.EXDEV, "Invalid cross-device link"), Doing.LINK, ""))
    assert error_text(unnamed) == "无法链接：它在另一个磁盘上，而此步骤只能在同一磁盘内进行"


@pytest.mark.usefixtures("zh_cn")
def test_damaged_databases_render_in_chinese(tmp_path: Path) -> None:
    from app.core.catalog.store import Catalog
    from app.core.linking.records import LinkStore
    from app.gui.core_messages import error_text

    links = tmp_path / "links.sqlite3"
    links.write_bytes(b"SQLite format 3\0" + b"\xee" * 300)
    with pytest.raises(DatabaseProblem) as caught:
        LinkStore(links).active_links()
    assert caught.value.reason.startswith(f"the links database {links} is damaged (")
    shown = error_text(caught.value.reason)
    assert shown.startswith(f"链接数据库 {links} 已损坏（"), shown
    catalog = tmp_path / "catalog.sqlite3"
    catalog.write_bytes(b"garbage" * 100)
    with pytest.raises(DatabaseProblem) as caught:
        Catalog(catalog)
    assert (
        error_text(caught.value.reason) == f"目录数据库 {catalog} 已损坏（file is not a database）"
    )
