r"""The path flags an A1111-family webui really receives from its launcher script.

``modules/paths_internal.py`` does ``sys.argv += shlex.split(COMMANDLINE_ARGS)``
in POSIX mode, so we split the same way: an unquoted ``D:\\models\\VAE`` really
reaches the webui as ``D:modelsVAE``, and we say so instead of guessing what the
user meant. Flags after ``call webui.bat`` come first in ``sys.argv``; argparse
keeps the last occurrence, so COMMANDLINE_ARGS wins over them.
"""

from __future__ import annotations

import io
import os
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.installs.listing import read_text
from app.core.installs.shell_text import ScriptArgs, Traced, parse_bat, parse_sh

PATH_FLAGS = (
    "--data-dir",
    "--models-dir",
    "--ckpt-dir",
    "--vae-dir",
    "--forge-ref-a1111-home",
    "--ui-settings-file",  # where the settings (sd_vae...) live: modules/cmd_args.py
)


@dataclass(frozen=True)
class Flag:
    """One flag value and where it was set."""

    name: str
    value: str
    file: str
    line: int
    note: str = ""

    def describe(self) -> str:
        """E.g. ``--vae-dir in webui-user.bat line 5``."""
        text = f"{self.name} in {self.file} line {self.line}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class _Token:
    text: str
    raw: str
    line: int


def split_posix(value: Traced) -> list[_Token]:
    """``shlex.split(posix=True)`` that also keeps each token's raw text and line."""
    stream = io.StringIO(value.text)  # what shlex wraps a string in; kept for tell()
    lex = shlex.shlex(stream, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    tokens: list[_Token] = []
    pos = 0
    while True:
        try:
            token = lex.get_token()
        except ValueError:  # unbalanced quote: the webui itself would fail to start
            break
        if token is None:
            break
        start = len(value.text) - len(value.text[pos:].lstrip()) if pos < len(value.text) else pos
        end = stream.tell()
        pos = end
        if end > start and value.text[end - 1].isspace():
            end -= 1
        line = value.lines[start] if start < len(value.lines) else 0
        tokens.append(_Token(token, value.text[start:end], line))
    return tokens


def split_windows(value: Traced) -> list[_Token]:
    """Arguments cmd hands to python after ``webui.bat``: quotes group, backslashes stay."""
    lex = shlex.shlex(value.text, posix=False)
    lex.whitespace_split = True
    lex.commenters = ""
    out: list[_Token] = []
    try:
        for token in lex:
            start = value.text.find(token)
            line = value.lines[start] if 0 <= start < len(value.lines) else 0
            out.append(_Token(token.strip('"'), token, line))
    except ValueError:
        pass
    return out


def flags_in(
    tokens: list[_Token], file: str, names: tuple[str, ...] = PATH_FLAGS
) -> dict[str, Flag]:
    """Pick ``--flag VALUE`` / ``--flag=VALUE`` pairs; the last one wins, as in argparse."""
    found: dict[str, Flag] = {}
    for i, tok in enumerate(tokens):
        name, _, inline = tok.text.partition("=")
        if name not in names:
            continue
        if inline or "=" in tok.text:
            value, raw = inline, tok.raw.partition("=")[2]
        elif i + 1 < len(tokens):
            value, raw = tokens[i + 1].text, tokens[i + 1].raw
        else:
            continue
        found[name] = Flag(name, value, file, tok.line, _backslash_note(raw, value))
    return found


def _backslash_note(raw: str, value: str) -> str:
    if "\\" in raw and "\\" not in value:
        return f"unquoted backslashes are dropped, the webui reads {value!r}; quote the path"
    return ""


def script_flags(args: ScriptArgs, file: str, *, windows_call: bool) -> dict[str, Flag]:
    """Flags from the call line(s), then COMMANDLINE_ARGS, later ones winning."""
    split_call = split_windows if windows_call else split_posix
    found: dict[str, Flag] = {}
    for call in args.call_args:
        found.update(flags_in(split_call(call), file))
    found.update(flags_in(split_posix(args.commandline_args), file))
    return found


def launch_flags(root: Path, *, prefer_bat: bool | None = None) -> dict[str, Flag]:
    """Path flags from webui-user.bat / webui-user.sh, the native script first.

    Both templates ship with the repo; the other script is read only when the
    native one sets no path flag.
    """
    if prefer_bat is None:
        prefer_bat = os.name == "nt"
    scripts = [("webui-user.bat", parse_bat, True), ("webui-user.sh", parse_sh, False)]
    if not prefer_bat:
        scripts.reverse()
    for name, parse, is_bat in scripts:
        text = read_text(root / name)
        if text:
            found = script_flags(parse(text), name, windows_call=is_bat)
            if found:
                return (
                    {k: _in_script_folder(f, root) for k, f in found.items()} if is_bat else found
                )
    return {}


_SCRIPT_FOLDER = re.compile(r"%~dp0", re.IGNORECASE)


def _in_script_folder(flag: Flag, root: Path) -> Flag:
    """``%~dp0`` as cmd.exe expands it: the batch file's folder, with its trailing separator.

    One-click packages write ``--data-dir "%~dp0data"``; cmd replaces ``%~dp0`` when
    the ``set`` line runs, so the webui receives the full path.
    """
    if not _SCRIPT_FOLDER.search(flag.value):
        return flag
    folder = os.path.join(os.fspath(root), "")
    return replace(flag, value=_SCRIPT_FOLDER.sub(lambda _: folder, flag.value))
