from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.installs import Environment, recognize
from app.core.installs.records import (
    KIND_A1111,
    KIND_COMFYUI,
    KIND_COMFYUI_DESKTOP,
    KIND_FOOOCUS,
    KIND_FORGE,
    KIND_INVOKEAI,
    KIND_REFORGE,
    KIND_SDNEXT,
    KIND_STABILITY_MATRIX,
    KIND_SWARMUI,
)
from tests.core.installs import trees


@pytest.fixture
def env(tmp_path: Path) -> Environment:
    return Environment.for_home(tmp_path / "home")


def only(path: Path, env: Environment):
    found = recognize(path, env=env)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("make", "kind", "version"),
    [
        (trees.make_a1111, KIND_A1111, "1.10.1"),
        (trees.make_forge1, KIND_FORGE, "1"),
        (trees.make_forge2, KIND_FORGE, "2"),
        (trees.make_reforge, KIND_REFORGE, None),
        (trees.make_sdnext, KIND_SDNEXT, "2025.07.01"),
    ],
)
def test_webui_family_is_told_apart_by_markers_not_folder_name(tmp_path, env, make, kind, version):
    # Every one lives in a folder named like A1111 on purpose.
    root = make(tmp_path / "stable-diffusion-webui")
    install = only(root, env)
    assert (install.kind, install.version, install.root) == (kind, version, root)
    assert install.vae_dirs[0].path == root / "models" / "VAE"
    assert install.vae_dirs[0].source == "default models/VAE"
    assert install.checkpoint_dirs[0].path == root / "models" / "Stable-diffusion"


def test_reforge2_with_forge2_layout_is_told_by_git_remote(tmp_path, env):
    root = trees.make_forge2(tmp_path / "webui")
    trees.touch(
        root,
        ".git/config",
        text='[remote "origin"]\n\turl = https://github.com/Panchovix/stable-diffusion-webui-reForge.git\n',
    )
    assert only(root, env).kind == KIND_REFORGE


def test_a1111_needs_its_code_markers(tmp_path, env):
    root = trees.make_a1111(tmp_path / "stable-diffusion-webui")
    (root / "modules" / "sd_vae.py").unlink()
    assert recognize(root, env=env) == []


def test_one_click_package_reports_the_inner_webui(tmp_path, env):
    wrapper = tmp_path / "webui_forge_cu121_torch231"
    trees.make_forge2(wrapper / "webui")
    trees.touch(wrapper, "run.bat", "update.bat", "environment.bat", "system/python/")
    install = only(wrapper, env)
    assert (install.kind, install.root) == (KIND_FORGE, wrapper / "webui")
    assert install.source.startswith(f"one-click package {wrapper}")


def test_a1111_flags_redirect_folders_with_line_numbers(tmp_path, env):
    root = trees.make_a1111(tmp_path / "a1111")
    (root / "webui-user.sh").write_text(
        "#!/bin/bash\n"
        'export COMMANDLINE_ARGS="--xformers"\n'
        f'export COMMANDLINE_ARGS="$COMMANDLINE_ARGS --data-dir {tmp_path}/data"\n'
        "export COMMANDLINE_ARGS=\"$COMMANDLINE_ARGS --vae-dir '/srv/my vaes' --ckpt-dir=ckpts\"\n"
    )
    install = only(root, env)
    assert [(f.path, f.source) for f in install.vae_dirs] == [
        (Path("/srv/my vaes"), "--vae-dir in webui-user.sh line 4"),
        (tmp_path / "data" / "models" / "VAE", "--data-dir in webui-user.sh line 3 + models/VAE"),
    ]
    assert install.checkpoint_dirs[0].path == root / "ckpts"
    assert install.checkpoint_dirs[0].source == "--ckpt-dir in webui-user.sh line 4"


def test_models_dir_flag_beats_data_dir(tmp_path, env):
    root = trees.make_forge2(tmp_path / "forge")
    (root / "webui-user.sh").write_text(
        f'export COMMANDLINE_ARGS="--data-dir {tmp_path}/d --models-dir {tmp_path}/m"\n'
    )
    vae = only(root, env).vae_dirs
    assert [f.path for f in vae] == [tmp_path / "m" / "VAE"]
    assert vae[0].source == "--models-dir in webui-user.sh line 1 + VAE"


def test_forge_ref_a1111_home_adds_the_a1111_folders(tmp_path, env):
    a1111 = trees.make_a1111(tmp_path / "a1111")
    forge = trees.make_forge2(tmp_path / "forge")
    (forge / "webui-user.sh").write_text(
        f'export COMMANDLINE_ARGS="--forge-ref-a1111-home {a1111}"\n'
    )
    vae = only(forge, env).vae_dirs
    assert [f.path for f in vae] == [forge / "models" / "VAE", a1111 / "models" / "VAE"]
    assert vae[1].source == "--forge-ref-a1111-home in webui-user.sh line 1 + models/VAE"


def test_sdnext_reads_config_json_and_data_dir_env(tmp_path):
    root = trees.make_sdnext(tmp_path / "automatic")
    data = tmp_path / "sddata"
    trees.touch(data, "config.json", text='{"vae_dir": "/mnt/vae", "models_dir": "mymodels"}')
    env = Environment.for_home(tmp_path / "home", {"SD_DATADIR": str(data)})
    install = only(root, env)
    assert [(f.path, f.source) for f in install.vae_dirs] == [
        (Path("/mnt/vae"), "config.json vae_dir")
    ]
    assert install.checkpoint_dirs[0].path == data / "mymodels" / "Stable-diffusion"
    assert install.checkpoint_dirs[0].source == "config.json models_dir + Stable-diffusion"


def test_comfyui_git_clone_with_yaml_sections(tmp_path, env):
    root = trees.make_comfy(tmp_path / "ComfyUI")
    (root / "extra_model_paths.yaml").write_text(
        "a111:\n"
        "    base_path: ../a1111/\n"
        "    checkpoints: models/Stable-diffusion\n"
        "    vae: models/VAE\n"
        "other:\n"
        "    vae: |\n"
        "        /data/vae1\n"
        "        shared/vae2\n"
        "mine:\n"
        "    is_default: true\n"
        "    base_path: ~/ai\n"
        "    vae: vae\n"
    )
    install = only(root, env)
    assert install.kind == KIND_COMFYUI and install.version == "0.3.64"
    got = [(f.path, f.source) for f in install.vae_dirs]
    home_ai = Path(os.path.expanduser("~/ai"))
    assert got == [
        (home_ai / "vae", "extra_model_paths.yaml: section mine, base_path + vae"),
        (root / "models" / "vae", "default models/vae"),
        (
            tmp_path / "a1111" / "models" / "VAE",
            "extra_model_paths.yaml: section a111, base_path + vae",
        ),
        (Path("/data/vae1"), "extra_model_paths.yaml: section other, vae"),
        (
            root / "shared" / "vae2",
            "extra_model_paths.yaml: section other, vae (relative to the yaml folder)",
        ),
    ]


def test_comfyui_portable_reads_run_bat_flags(tmp_path, env):
    wrapper = tmp_path / "ComfyUI_windows_portable"
    extra = tmp_path / "extra.yaml"
    extra.write_text(f"x:\n  vae: {tmp_path}/extra_vae\n")
    trees.make_comfy_portable(
        wrapper, f'--base-directory "{tmp_path}/base" --extra-model-paths-config {extra}'
    )
    install = only(wrapper, env)
    assert install.root == wrapper / "ComfyUI"
    assert install.source.startswith(f"portable package {wrapper}")
    assert [(f.path, f.source) for f in install.vae_dirs] == [
        (
            tmp_path / "base" / "models" / "vae",
            "--base-directory in run_cpu.bat line 1 + models/vae",
        ),
        (tmp_path / "extra_vae", "extra.yaml: section x, vae"),
    ]


def test_comfyui_desktop_base_folder_uses_extra_models_config(tmp_path):
    home = tmp_path / "home"
    env = Environment.for_home(home)
    old = trees.make_comfy(tmp_path / "old-comfy")
    base = trees.make_comfy_desktop(
        home / "Documents" / "ComfyUI",
        env.comfy_desktop_data[0],
        "comfyui_desktop:\n"
        "  is_default: 'true'\n"
        f"  base_path: {home}/Documents/ComfyUI\n"
        "  custom_nodes: custom_nodes/\n"
        "  download_model_base: models\n"
        "comfyui_migration:\n"
        f"  base_path: {old}\n"
        "  vae: models/vae/\n"
        "  checkpoints: models/checkpoints/\n",
    )
    install = only(base, env)
    assert install.kind == KIND_COMFYUI_DESKTOP
    assert "basePath in" in install.source
    assert [(f.path, f.source) for f in install.vae_dirs] == [
        (base / "models" / "vae", "default models/vae (desktop base folder)"),
        (
            old / "models" / "vae",
            "extra_models_config.yaml: section comfyui_migration, base_path + vae",
        ),
    ]


def test_desktop_base_without_config_needs_the_venv_marker(tmp_path, env):
    base = trees.make_comfy_desktop(tmp_path / "ComfyUI", tmp_path / "unused-userdata")
    assert only(base, env).kind == KIND_COMFYUI_DESKTOP
    (base / ".venv" / "bin" / "python").unlink()
    (base / ".venv" / "bin").rmdir()
    (base / ".venv").rmdir()
    assert recognize(base, env=env) == []


def test_invokeai_has_no_vae_folder(tmp_path, env):
    install = only(trees.make_invokeai(tmp_path / "invokeai"), env)
    assert (install.kind, install.version, install.vae_dirs) == (KIND_INVOKEAI, "5.6.0", ())
    assert "Model Manager" in install.source


def test_fooocus_config_txt_and_env_override(tmp_path):
    root = trees.make_fooocus(tmp_path / "Fooocus")
    (tmp_path / "cfg_vae").mkdir()
    (tmp_path / "env_vae").mkdir()
    (root / "config.txt").write_text(
        f'{{"path_vae": "{tmp_path}/cfg_vae", "path_checkpoints": ["{tmp_path}/missing"]}}'
    )
    env = Environment.for_home(tmp_path / "home")
    install = only(root, env)
    assert (install.kind, install.version) == (KIND_FOOOCUS, "2.5.5")
    assert [(f.path, f.source) for f in install.vae_dirs] == [
        (tmp_path / "cfg_vae", "config.txt path_vae")
    ]
    # A configured folder that does not exist falls back to the default, as in Fooocus.
    assert install.checkpoint_dirs[0].source == "default models/checkpoints"
    env = Environment.for_home(tmp_path / "home", {"path_vae": str(tmp_path / "env_vae")})
    assert only(root, env).vae_dirs[0].path == tmp_path / "env_vae"


def test_fooocus_windows_package(tmp_path, env):
    wrapper = tmp_path / "Fooocus_win64_2-5-0"
    trees.make_fooocus(wrapper / "Fooocus")
    trees.touch(wrapper, "python_embeded/", "run.bat", "run_anime.bat")
    assert only(wrapper, env).root == wrapper / "Fooocus"


def test_swarmui_settings_fds(tmp_path, env):
    root = trees.make_swarm(
        tmp_path / "SwarmUI",
        "Paths:\n"
        "\tModelRoot: Models;/mnt/more\n"
        "\tSDVAEFolder: VAE;/abs/vae\n"
        "\tDataPath: Data\n"
        "DefaultUser:\n"
        "\tSDVAEFolder: nope\n",
    )
    trees.make_comfy(root / "dlbackend" / "comfy" / "ComfyUI")
    install = only(root, env)
    assert install.kind == KIND_SWARMUI
    assert [f.path for f in install.vae_dirs] == [
        root / "Models" / "VAE",
        Path("/abs/vae"),
        Path("/mnt/more/VAE"),
    ]
    assert (
        install.vae_dirs[0].source
        == "Data/Settings.fds Paths.ModelRoot + Data/Settings.fds Paths.SDVAEFolder"
    )
    assert install.checkpoint_dirs[0].path == root / "Models" / "Stable-Diffusion"


def test_stability_matrix_library_and_packages(tmp_path, env):
    lib = trees.make_stability_matrix(tmp_path / "StabilityMatrix")
    found = recognize(lib, env=env)
    assert [(i.kind, i.root) for i in found] == [
        (KIND_STABILITY_MATRIX, lib),
        (KIND_A1111, lib / "Packages" / "stable-diffusion-webui"),
        (KIND_COMFYUI, lib / "Packages" / "ComfyUI"),
    ]
    library, a1111, comfy = found
    assert library.vae_dirs[0].path == lib / "Models" / "VAE"
    assert "links to" in a1111.vae_dirs[0].source
    assert a1111.source.startswith("Stability Matrix package 'stable-diffusion-webui'")
    assert "shared folders: Symlink" in a1111.source
    assert lib / "Models" / "VAE" in [f.path for f in comfy.vae_dirs]


def test_stability_matrix_model_directory_override(tmp_path, env):
    lib = trees.make_stability_matrix(tmp_path / "Data")
    (lib / "settings.json").write_text(f'{{"ModelDirectoryOverride": "{tmp_path}/Shared"}}')
    library = recognize(lib, env=env)[0]
    assert library.vae_dirs[0].path == tmp_path / "Shared" / "VAE"
    assert library.vae_dirs[0].source == "settings.json ModelDirectoryOverride + VAE"


def test_to_json_shape(tmp_path, env):
    install = only(trees.make_a1111(tmp_path / "a"), env)
    data = install.to_json()
    assert set(data) == {"kind", "root", "version", "vae_dirs", "checkpoint_dirs", "source"}
    assert data["vae_dirs"] == [
        {"path": str(tmp_path / "a" / "models" / "VAE"), "source": "default models/VAE"}
    ]
