"""Just enough of cmd.exe and sh to know what COMMANDLINE_ARGS ends up holding.

Users build the value over several lines (``set X=%X% ^`` continuations,
repeated ``set`` lines, ``export X="$X --flag"``), comment lines out with
``REM``/``#``, and pass flags after ``call webui.bat``. Every character keeps
the physical line it came from, so a found flag can be reported as
"--vae-dir in webui-user.bat line 5".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ARGS_VAR = "COMMANDLINE_ARGS"


@dataclass
class Traced:
    """Text whose every character remembers its source line (1-based)."""

    text: str = ""
    lines: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str, line: int) -> Traced:
        """``text`` as if it all came from ``line``."""
        return cls(text, [line] * len(text))

    def __add__(self, other: Traced) -> Traced:
        return Traced(self.text + other.text, self.lines + other.lines)

    def slice(self, start: int, end: int | None = None) -> Traced:
        """A part of the text with its line numbers."""
        return Traced(self.text[start:end], self.lines[start:end])


@dataclass
class ScriptArgs:
    """What a launcher script passes to the webui."""

    commandline_args: Traced
    call_args: list[Traced]
    """Text after ``webui.bat``/``webui.sh`` on the lines that start it."""


_BAT_VAR = re.compile(r"%([^%\s]+)%")
_BAT_SET = re.compile(r"set\s+(.*)$", re.IGNORECASE | re.DOTALL)
_BAT_CALL = re.compile(r"(?:call\s+)?\S*webui\.bat\b", re.IGNORECASE)
_SH_ASSIGN = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_SH_CALL = re.compile(r"\S*webui\.sh\b")


def _logical_lines(text: str, continuation: str) -> list[Traced]:
    r"""Join physical lines ending in the continuation character (``^`` or ``\\``)."""
    out: list[Traced] = []
    pending = Traced()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if line.endswith(continuation) and not line.endswith(continuation * 2):
            pending = pending + Traced.of(line[:-1], number)
            continue
        out.append(pending + Traced.of(line, number))
        pending = Traced()
    if pending.text:
        out.append(pending)
    return out


def _lstrip(t: Traced, chars: str | None = None) -> Traced:
    return t.slice(len(t.text) - len(t.text.lstrip(chars)))


def _expand_bat(t: Traced, variables: dict[str, Traced]) -> Traced:
    """Expand ``%NAME%`` as cmd does; undefined names vanish, as in a .bat file."""
    out, pos = Traced(), 0
    for m in _BAT_VAR.finditer(t.text):
        out = out + t.slice(pos, m.start()) + variables.get(m.group(1).upper(), Traced())
        pos = m.end()
    return out + t.slice(pos)


def parse_bat(text: str) -> ScriptArgs:
    """Run the ``set`` lines of a webui-user.bat in our heads."""
    variables: dict[str, Traced] = {}
    calls: list[Traced] = []
    for logical in _logical_lines(text, "^"):
        line = _lstrip(_lstrip(logical), "@")
        lowered = line.text.lower()
        if lowered.startswith("::") or re.match(r"rem(\s|$)", lowered):
            continue
        line = _expand_bat(line, variables)
        if m := _BAT_SET.match(line.text):
            _bat_assign(line.slice(m.start(1)), variables)
        elif m := _BAT_CALL.match(line.text):
            calls.append(line.slice(m.end()))
    return ScriptArgs(variables.get(ARGS_VAR, Traced()), calls)


def _bat_assign(arg: Traced, variables: dict[str, Traced]) -> None:
    """``NAME=value`` or ``"NAME=value"`` (quotes strip everything after the last one)."""
    if arg.text.startswith("/"):
        return
    if arg.text.startswith('"'):
        arg = arg.slice(1, arg.text.rfind('"') if arg.text.count('"') > 1 else None)
    if "=" not in arg.text:
        return
    eq = arg.text.index("=")
    variables[arg.text[:eq].strip().upper()] = arg.slice(eq + 1)


def parse_sh(text: str) -> ScriptArgs:
    """Run the assignments of a webui-user.sh (``export X="$X ..."`` and friends)."""
    variables: dict[str, Traced] = {}
    calls: list[Traced] = []
    for logical in _logical_lines(text, "\\"):
        line = _lstrip(logical)
        if not line.text or line.text.startswith("#"):
            continue
        if m := _SH_ASSIGN.match(line.text):
            variables[m.group(1)] = _sh_word(line.slice(m.start(2)), variables)
        elif m := _SH_CALL.match(line.text):
            calls.append(line.slice(m.end()))
    return ScriptArgs(variables.get(ARGS_VAR, Traced()), calls)


def _sh_word(t: Traced, variables: dict[str, Traced]) -> Traced:
    """Quote removal and ``$VAR`` expansion for one assignment value."""
    out, i, quote, s = Traced(), 0, "", t.text
    while i < len(s):
        c = s[i]
        if quote != "'" and c == "$":
            m = re.match(r"\$(?:\{(\w+)\}|(\w+))", s[i:])
            if m:
                out = out + variables.get(m.group(1) or m.group(2), Traced())
                i += m.end()
                continue
        if c in "'\"" and quote in ("", c):
            quote = "" if quote else c
        elif c == "\\" and _escapes(quote, s[i + 1 : i + 2]):
            out, i = out + t.slice(i + 1, i + 2), i + 2
            continue
        elif not quote and (c.isspace() or (c == "#" and (i == 0 or s[i - 1].isspace()))):
            break
        else:
            out = out + t.slice(i, i + 1)
        i += 1
    return out


def _escapes(quote: str, following: str) -> bool:
    r"""Whether a backslash escapes ``following`` (inside "" only $ ` " \\ are escaped)."""
    if not following or quote == "'":
        return False
    return quote == "" or following in '$`"\\'
