"""How a JSON settings file is laid out, so a rewrite looks like the program wrote it.

A1111 saves ``config.json`` with ``json.dump(data, file, indent=4,
ensure_ascii=False)`` through a text-mode file (AUTOMATIC1111 stable-diffusion-webui
``modules/options.py``, ``Options.save``, read at commit 45b8a499 = v1.8.0): four
spaces, UTF-8 as is, no newline at the end, and CRLF line ends on Windows.
Hand-edited files differ (two spaces, a final newline, one line), and the user
diffing the backup should see only the value that changed, so the layout is read
from the file rather than assumed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_INDENT = re.compile(r"\A\s*[\{\[][ \t]*\r?\n([ \t]+)\S")
_FIRST_COLON = re.compile(r'"(?:[^"\\]|\\.)*"([ \t]*):([ \t]*)')
_ITEM_SEP = re.compile(r',([ \t]*)["\{\[\d\-tfn]')
_ESCAPED_NON_ASCII = re.compile(r"\\u(?!00[0-7][0-9a-fA-F])[0-9a-fA-F]{4}")


@dataclass(frozen=True)
class JsonFormat:
    """Indent (None: one line), separators, ASCII escaping, line ends and final newline."""

    indent: str | None = "    "
    item_separator: str = ","
    key_separator: str = ": "
    ensure_ascii: bool = False
    newline: str = "\n"
    final_newline: bool = False

    def dumps(self, data: object) -> str:
        """``data`` in this layout."""
        text = json.dumps(
            data,
            indent=self.indent,
            ensure_ascii=self.ensure_ascii,
            separators=(self.item_separator, self.key_separator),
        )
        if self.final_newline:
            text += "\n"
        return text.replace("\n", self.newline) if self.newline != "\n" else text


A1111_FORMAT = JsonFormat()
"""What A1111's ``Options.save`` writes on Linux and macOS (a missing file gets this)."""


def detect_format(text: str) -> JsonFormat:
    """The layout of ``text`` (a JSON object or list as a program or a person wrote it)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    final_newline = text.endswith("\n")
    indent_match = _INDENT.match(text)
    indent = indent_match.group(1) if indent_match else None
    colon = _FIRST_COLON.search(text)
    key_separator = f"{colon.group(1)}:{colon.group(2)}" if colon else ": "
    if indent is not None:
        item_separator = ","  # json.dumps puts the newline and indent after it
        key_separator = key_separator.replace("\t", " ") or ": "
    else:
        item = _ITEM_SEP.search(text)
        item_separator = f",{item.group(1)}" if item else ", "
    has_raw_non_ascii = any(ord(c) > 127 for c in text)
    ensure_ascii = not has_raw_non_ascii and bool(_ESCAPED_NON_ASCII.search(text))
    return JsonFormat(indent, item_separator, key_separator, ensure_ascii, newline, final_newline)
