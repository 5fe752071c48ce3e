"""Atomic JSON writes: lossless for surrogate-escaped names, never through a planted file."""

from __future__ import annotations

import json
import os
import threading

from app.core.publish.atomic import write_json_atomic


def test_a_non_utf8_file_name_round_trips(tmp_path):
    name = os.fsdecode(b"vae-\xff.safetensors")  # '\udcff' in Python
    path = tmp_path / "settings.json"
    write_json_atomic(path, {"last": name, "other": "名字"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"last": name, "other": "名字"}


def test_plain_text_stays_readable(tmp_path):
    path = tmp_path / "settings.json"
    write_json_atomic(path, {"other": "名字"})
    assert "名字" in path.read_text(encoding="utf-8")


def test_a_file_planted_beside_it_is_neither_followed_nor_removed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    # the temp name this writer used to pick, predictable from the pid and thread id
    planted = tmp_path / f".settings.json.{os.getpid()}.{threading.get_ident()}.tmp"
    planted.symlink_to(victim)
    write_json_atomic(tmp_path / "settings.json", {"a": 1})
    assert victim.read_text() == "keep me"
    assert planted.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p != planted]
