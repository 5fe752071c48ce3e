"""The fingerprint store: one connection per object, shared by threads, old files still read."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from app.core.library.fingerprint import FINGERPRINT_VERSION
from app.core.library.fingerprint_store import FingerprintStore, Stored
from app.core.sqlite_db import DatabaseProblem, Trouble


def test_one_connection_serves_every_call_from_every_thread(tmp_path: Path, monkeypatch) -> None:
    opened: list[str] = []
    real_connect = sqlite3.connect

    def counting_connect(*args, **kwargs):
        opened.append(str(args[0]))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    errors: list[BaseException] = []
    with FingerprintStore(tmp_path / "fingerprints.sqlite3") as store:

        def work(n: int) -> None:
            try:
                for i in range(40):
                    store.put(f"{n}-{i}", None if i % 5 == 0 else f"fp{i % 3}")
                    assert store.get(f"{n}-{i}") is not None
                    store.with_fingerprint("fp1")
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.get("0-0") == Stored(None) and store.get("3-1") == Stored("fp1")
        expected = sorted(f"{n}-{i}" for n in range(4) for i in range(40) if i % 5 and i % 3 == 1)
        assert store.with_fingerprint("fp1") == expected
        assert store.missing(["0-1", "nope"]) == ["nope"]
    assert opened == [str(tmp_path / "fingerprints.sqlite3")]


def test_a_file_written_by_the_old_store_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "fingerprints.sqlite3"
    old = sqlite3.connect(path)  # the schema the per-call store wrote, at user_version 1
    old.executescript(
        "CREATE TABLE fingerprints (sha256 TEXT PRIMARY KEY, fingerprint TEXT, "
        "version TEXT NOT NULL, computed_at REAL NOT NULL);"
        "CREATE INDEX fingerprints_value ON fingerprints (fingerprint);"
        "PRAGMA user_version = 1;"
    )
    old.execute("INSERT INTO fingerprints VALUES ('abc', 'fp', ?, 0)", (FINGERPRINT_VERSION,))
    old.commit()
    old.close()
    with FingerprintStore(path) as store:
        assert store.get("abc") == Stored("fp")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")] == []  # no migration


def test_a_damaged_store_names_itself_and_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "fingerprints.sqlite3"
    path.write_bytes(b"not a database" * 100)
    store = FingerprintStore(path)
    with pytest.raises(DatabaseProblem) as caught:
        store.get("abc")
    assert caught.value.trouble is Trouble.CORRUPT
    assert str(caught.value).startswith(f"the fingerprint database {path} is damaged")
    assert f"move {path} aside and they are worked out again" in str(caught.value)
    assert path.read_bytes() == b"not a database" * 100
