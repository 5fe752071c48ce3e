"""Hostile UI config files: skipped or refused with a reason, never a crash, never a write.

Stability Matrix ``settings.json`` and ComfyUI ``extra_model_paths.yaml`` only redirect
folders, so a bad one is ignored (the install is still found, with its default
folders). An A1111 ``config.json`` is about to be rewritten by set-default, so a bad
one is refused and left byte for byte as it was.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.core.installs import Environment, discover_report, install_at, recognize
from app.core.installs.a1111_config import BACKUP_INFIX, current_default_vae, set_default_vae
from app.core.installs.comfy_yaml import MAX_PATHS, read_model_paths
from app.core.installs.records import KIND_A1111, KIND_COMFYUI, KIND_STABILITY_MATRIX
from tests.core.inspection import hostile_headers as hh
from tests.core.inspection.test_hostile_headers import cli_record


@pytest.fixture
def env(tmp_path: Path) -> Environment:
    return Environment.for_home(tmp_path / "home")


# ---------------------------------------------------------------- Stability Matrix settings.json


def test_nested_settings_are_skipped_with_the_reason(tmp_path, env):
    library = hh.build_stability_matrix_nested_settings(tmp_path)
    found = recognize(library, env=env)
    sm = found[0]
    assert sm.kind == KIND_STABILITY_MATRIX
    assert sm.vae_dirs[0].path == library / "Models" / "VAE"  # the default still holds
    assert "settings.json nests deeper than 64 levels: ignored" in sm.source
    assert {i.kind for i in found[1:]} == {KIND_A1111, KIND_COMFYUI}  # Packages/* still seen
    report = discover_report([tmp_path], env=env)
    reason = "settings.json nests deeper than 64 levels: ignored, default folders used"
    assert (library / "settings.json", reason) in report.skipped


def test_settings_with_wrong_types_and_nul_paths(tmp_path, env):
    library = hh.build_stability_matrix_wrong_types(tmp_path)
    sm = recognize(library, env=env)[0]
    assert sm.vae_dirs[0].path == library / "Models" / "VAE"  # the NUL override is no path
    assert sm.vae_dirs[0].source == "shared Models/VAE"
    assert "ModelDirectoryOverride 'Shared\\x00Models' is not a usable path" in sm.source
    assert "InstalledPackages is not a list: ignored" in sm.source
    assert {i.root for i in recognize(library, env=env)[1:]} == set(
        (library / "Packages").iterdir()
    )


def test_package_paths_with_nul_or_surrogates_are_left_out(tmp_path, env):
    library = hh.build_stability_matrix_bad_package_paths(tmp_path)
    found = recognize(library, env=env)
    roots = [i.root for i in found[1:]]
    assert sorted(roots) == sorted((library / "Packages").iterdir())
    for install in found:
        for folder in install.vae_dirs:
            str(folder.path).encode("utf-8")  # printable and storable


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hh.build_stability_matrix_nested_settings, "nests deeper than 64 levels"),
        (hh.build_stability_matrix_wrong_types, "InstalledPackages is not a list"),
        (hh.build_stability_matrix_bad_package_paths, "Stability Matrix library"),
    ],
    ids=["nested", "wrong-types", "bad-package-paths"],
)
def test_cli_lists_the_library(tmp_path, build, words):
    library = build(tmp_path / "in")
    records = cli_record("installs", "--json", "--root", str(library), home=tmp_path / "home")
    sm = next(r for r in records if r["kind"] == KIND_STABILITY_MATRIX)
    assert words in sm["source"]
    assert sm["vae_dirs"][0]["path"] == str(library / "Models" / "VAE")


# ---------------------------------------------------------------- A1111 config.json (set-default)


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _vae_in(root: Path) -> Path:
    vae = root / "models" / "VAE" / "mine.safetensors"
    vae.write_bytes(b"not read here")
    return vae


def _surrogate_beside_raw_unicode(folder: Path) -> Path:
    """A lone surrogate escape in a file that also holds raw UTF-8: no layout can keep both."""
    root = hh.build_a1111_surrogate_config(folder)
    (root / "config.json").write_text('{"sd_vae": "Automatic", "名": "\\ud800"}', "utf-8")
    return root


def test_a_lone_surrogate_in_an_all_ascii_file_is_written_back_as_the_same_escape(tmp_path):
    root = hh.build_a1111_surrogate_config(tmp_path)
    set_default_vae(install_at(root), _vae_in(root))
    text = (root / "config.json").read_text("ascii")
    assert '"note": "\\ud800"' in text and '"sd_vae": "mine.safetensors"' in text


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hh.build_a1111_nested_config, "nests deeper than 64 levels"),
        (hh.build_a1111_huge_number_config, "5,000-digit number"),
        (hh.build_a1111_huge_config, "larger than 8,388,608 bytes"),
        (hh.build_a1111_list_config, "not a JSON object"),
        (_surrogate_beside_raw_unicode, "not valid Unicode"),
    ],
    ids=["nested", "5000-digits", "9-MiB", "list", "lone-surrogate"],
)
def test_set_default_refuses_and_leaves_the_file_untouched(tmp_path, build, words):
    root = build(tmp_path)
    config = root / "config.json"
    before = _snapshot(config)
    install = install_at(root)
    with pytest.raises(UserError, match=words) as info:
        set_default_vae(install, _vae_in(root))
    assert "left untouched" in str(info.value) or "not a JSON object" in str(info.value)
    assert _snapshot(config) == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith((".config", "config"))) == [
        "config.json"
    ]  # no backup, no temp file
    assert not list(root.glob(f"config.json{BACKUP_INFIX}*"))


def test_reading_the_default_of_a_nested_config_is_refused_too(tmp_path):
    root = hh.build_a1111_nested_config(tmp_path)
    with pytest.raises(UserError, match="nests deeper"):
        current_default_vae(install_at(root))


def test_a_config_json_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    root = hh.build_a1111_list_config(tmp_path)
    (root / "config.json").unlink()
    os.mkfifo(root / "config.json")
    install = install_at(root)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            set_default_vae(install, _vae_in(root))
        except BaseException as exc:  # noqa: BLE001 (handed to the test thread)
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(20)  # a hang guard: opening a FIFO for reading would block forever
    assert not worker.is_alive()
    assert isinstance(outcome[0], UserError) and "not a regular file" in str(outcome[0])


def test_a_huge_but_legal_number_is_kept_as_it_was(tmp_path):
    """Below Python's 4,300-digit limit a number is the webui's business: written back as is."""
    root = hh.build_a1111_list_config(tmp_path)
    (root / "config.json").write_text('{"sd_vae": "Automatic", "seed": ' + "7" * 4000 + "}")
    set_default_vae(install_at(root), _vae_in(root))
    assert '"seed": ' + "7" * 4000 in (root / "config.json").read_text()


# ---------------------------------------------------------------- ComfyUI extra_model_paths.yaml


@pytest.mark.parametrize(
    "build",
    [
        hh.build_yaml_nested,
        hh.build_yaml_billion_laughs,
        hh.build_yaml_huge_int,
        hh.build_yaml_flow_flood,
    ],
    ids=["nested", "billion-laughs", "huge-int-bad-date", "flow-flood"],
)
def test_hostile_yaml_adds_no_folder_and_breaks_nothing(tmp_path, env, build):
    root = build(tmp_path)
    yaml_file = root / "extra_model_paths.yaml"
    assert read_model_paths(yaml_file, "vae") == []
    (comfy,) = recognize(root, env=env)
    assert [f.path for f in comfy.vae_dirs] == [root / "models" / "vae"]
    records = cli_record("installs", "--json", "--root", str(root), home=tmp_path / "home")
    assert [d["path"] for d in records[0]["vae_dirs"]] == [str(root / "models" / "vae")]


def test_a_yaml_listing_thousands_of_folders_gives_the_first_thousand(tmp_path):
    yaml_file = tmp_path / "extra_model_paths.yaml"
    lines = "".join(f"    vae{i}\n" for i in range(5000))
    yaml_file.write_text(f"a111:\n  base_path: {tmp_path}\n  vae: |\n{lines}")
    found = read_model_paths(yaml_file, "vae")
    assert len(found) == MAX_PATHS
    assert found[0][0].path == tmp_path / "vae0"


def test_a_yaml_line_with_a_nul_is_no_folder(tmp_path):
    yaml_file = tmp_path / "extra_model_paths.yaml"
    yaml_file.write_text(f'a111:\n  base_path: {tmp_path}\n  vae: "good\\nbad\\0name"\n')
    assert [f.path for f, _ in read_model_paths(yaml_file, "vae")] == [tmp_path / "good"]


def test_a_fifo_named_like_a_launcher_file_never_blocks_discovery(tmp_path) -> None:
    """``webui-user.sh`` as a named pipe: reading it would wait for a writer forever."""
    import os
    import subprocess
    import sys

    from tests.core.installs import trees

    root = trees.make_a1111(tmp_path / "webui")
    launcher = root / "webui-user.sh"
    launcher.unlink(missing_ok=True)
    os.mkfifo(launcher)
    code = (
        "import sys; from pathlib import Path; from app.core.installs import discover; "
        "print(len(discover([Path(sys.argv[1])])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60,
        env={**os.environ, "VAE_MANAGER_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 1
