from __future__ import annotations

from pathlib import Path

from app.core.installs.shell_text import parse_bat, parse_sh
from app.core.installs.webui_args import launch_flags, script_flags

FORGE_TEMPLATE = r"""@echo off

set PYTHON=
set GIT=
set VENV_DIR=
set COMMANDLINE_ARGS=

@REM Uncomment following code to reference an existing A1111 checkout.
@REM set A1111_HOME=Your A1111 checkout dir
@REM
@REM set VENV_DIR=%A1111_HOME%/venv
@REM set COMMANDLINE_ARGS=%COMMANDLINE_ARGS% ^
@REM  --ckpt-dir %A1111_HOME%/models/Stable-diffusion ^
@REM  --vae-dir %A1111_HOME%/models/VAE

call webui.bat
"""


def bat_flags(text: str) -> dict[str, tuple[str, int, str]]:
    found = script_flags(parse_bat(text), "webui-user.bat", windows_call=True)
    return {k: (f.value, f.line, f.note) for k, f in found.items()}


def sh_flags(text: str) -> dict[str, tuple[str, int]]:
    found = script_flags(parse_sh(text), "webui-user.sh", windows_call=False)
    return {k: (f.value, f.line) for k, f in found.items()}


def test_commented_template_sets_nothing():
    assert bat_flags(FORGE_TEMPLATE) == {}


def test_uncommented_template_with_continuations_and_expansion():
    text = FORGE_TEMPLATE.replace(
        "@REM set A1111_HOME=Your A1111 checkout dir", "set A1111_HOME=C:/a1111"
    )
    text = text.replace("@REM set COMMANDLINE_ARGS", "set COMMANDLINE_ARGS").replace(
        "@REM  --", " --"
    )
    assert bat_flags(text) == {
        "--ckpt-dir": ("C:/a1111/models/Stable-diffusion", 13, ""),
        "--vae-dir": ("C:/a1111/models/VAE", 14, ""),
    }


def test_repeated_set_lines_keep_the_line_each_flag_came_from():
    text = (
        "set COMMANDLINE_ARGS=--vae-dir C:/first\n"
        "rem set COMMANDLINE_ARGS=--vae-dir C:/commented\n"
        ":: set COMMANDLINE_ARGS=--vae-dir C:/commented-too\n"
        "set COMMANDLINE_ARGS=%COMMANDLINE_ARGS% --ckpt-dir C:/ckpt\n"
        "set COMMANDLINE_ARGS=%commandline_args% --vae-dir C:/second\n"
    )
    assert bat_flags(text) == {
        "--ckpt-dir": ("C:/ckpt", 4, ""),
        "--vae-dir": ("C:/second", 5, ""),
    }


def test_a_plain_set_line_replaces_what_came_before():
    text = "set COMMANDLINE_ARGS=--vae-dir C:/old\nset COMMANDLINE_ARGS=--medvram\n"
    assert bat_flags(text) == {}


def test_unquoted_backslashes_are_dropped_like_the_webui_does():
    text = 'set COMMANDLINE_ARGS=--vae-dir D:\\models\\VAE --ckpt-dir "D:\\models\\ckpt"\n'
    flags = bat_flags(text)
    assert flags["--vae-dir"][0] == "D:modelsVAE"
    assert "quote the path" in flags["--vae-dir"][2]
    assert flags["--ckpt-dir"] == ("D:\\models\\ckpt", 1, "")


def test_quoted_set_and_equals_form():
    text = 'set "COMMANDLINE_ARGS=--models-dir=E:/sd models --data-dir E:/data"\n'
    assert bat_flags(text) == {"--models-dir": ("E:/sd", 1, ""), "--data-dir": ("E:/data", 1, "")}


def test_call_line_flags_count_but_commandline_args_win():
    text = (
        "set COMMANDLINE_ARGS=--vae-dir C:/from-args\n"
        'call webui.bat --vae-dir "C:\\from call" --ckpt-dir C:\\ckpt\n'
    )
    assert bat_flags(text) == {
        "--vae-dir": ("C:/from-args", 1, ""),
        "--ckpt-dir": ("C:\\ckpt", 2, ""),
    }


def test_sh_export_forms_comments_and_continuation():
    text = (
        "#!/bin/bash\n"
        '#export COMMANDLINE_ARGS="--vae-dir /commented"\n'
        "export COMMANDLINE_ARGS='--ckpt-dir /single $NOT_EXPANDED'\n"
        'COMMANDLINE_ARGS="${COMMANDLINE_ARGS} \\\n'
        '  --vae-dir \\"/with space\\"" # trailing comment\n'
    )
    assert sh_flags(text) == {"--ckpt-dir": ("/single", 3), "--vae-dir": ("/with space", 5)}


def test_launch_flags_prefers_the_native_script(tmp_path: Path):
    (tmp_path / "webui-user.bat").write_text("set COMMANDLINE_ARGS=--vae-dir C:/bat\n")
    (tmp_path / "webui-user.sh").write_text('export COMMANDLINE_ARGS=""\n')
    assert launch_flags(tmp_path, prefer_bat=True)["--vae-dir"].value == "C:/bat"
    # The native .sh sets nothing, so the .bat is used rather than ignoring the user's flags.
    assert launch_flags(tmp_path, prefer_bat=False)["--vae-dir"].describe() == (
        "--vae-dir in webui-user.bat line 1"
    )
    (tmp_path / "webui-user.sh").write_text('export COMMANDLINE_ARGS="--vae-dir /sh"\n')
    assert launch_flags(tmp_path, prefer_bat=False)["--vae-dir"].value == "/sh"
