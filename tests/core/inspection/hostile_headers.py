"""Builders of hostile headers, tensors and config files, shared by tests and benchmarks.

Each ``build_<class>(folder) -> Path`` writes one file (or folder) that used to end in a
traceback, a hang or a blow-up, and returns the path a command is given. ``CASES``
lists ``(class name, builder, argv)``: ``python main.py *argv PATH`` exercises it
(``benchmarks/hostile_inputs.py`` runs them all and measures time and memory). The
builders are deterministic and fast, and need no pytest fixture.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from pathlib import Path

from tests.core.installs import trees

_F32_ENTRY = '"dtype":"F32","shape":[1],"data_offsets":[0,4]'


def safetensors_bytes(header: bytes | str, data: bytes = b"") -> bytes:
    """A safetensors file around a header given verbatim (any JSON text, even broken)."""
    raw = header.encode() if isinstance(header, str) else header
    return struct.pack("<Q", len(raw)) + raw + data


def _write(folder: Path, name: str, header: bytes | str, data: bytes = b"") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(safetensors_bytes(header, data))
    return path


# ------------------------------------------------------------------ safetensors headers


def build_nested_header(folder: Path) -> Path:
    """100,000 nested arrays in a field the loader ignores: RecursionError in json.loads."""
    deep = "[" * 100_000 + "]" * 100_000
    return _write(folder, "nested.safetensors", f'{{"a":{{{_F32_ENTRY},"x":{deep}}}}}', b"\0" * 4)


def build_huge_int_shape(folder: Path) -> Path:
    """A 5,000-digit dimension: int() of it raises ValueError past 4,300 digits."""
    header = '{"a":{"dtype":"F32","shape":[' + "9" * 5000 + '],"data_offsets":[0,4]}}'
    return _write(folder, "huge-int.safetensors", header, b"\0" * 4)


def build_overflowing_shape(folder: Path) -> Path:
    """Dimensions of 2**32 each, then 0: zero elements in Python, overflow for the loader."""
    header = '{"a":{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}'
    return _write(folder, "overflow.safetensors", header)


def build_dimension_beyond_int64(folder: Path) -> Path:
    """2**64 - 1 as a dimension (with a 0): the loader parses it, torch cannot hold it."""
    header = '{"a":{"dtype":"U8","shape":[18446744073709551615,0],"data_offsets":[0,0]}}'
    return _write(folder, "u64-dim.safetensors", header)


def build_huge_offsets(folder: Path) -> Path:
    """An end offset of 2**64: beyond what the loader's 64-bit offsets can say."""
    end = 2**64
    header = f'{{"a":{{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,{end}]}}}}'
    return _write(folder, "huge-offsets.safetensors", header)


def build_value_flood(folder: Path) -> Path:
    """3,000,000 zeros in an ignored field (6 MB): would be ~50 MB of list, capped first."""
    flood = "[" + ",".join(["0"] * 3_000_000) + "]"
    return _write(folder, "flood.safetensors", f'{{"a":{{{_F32_ENTRY},"x":{flood}}}}}', b"\0" * 4)


def build_object_flood(folder: Path) -> Path:
    """2,500,000 empty objects (7.5 MB of header text) that json.loads would build as dicts."""
    flood = "[" + ",".join(["{}"] * 2_500_000) + "]"
    return _write(folder, "objects.safetensors", f'{{"a":{{{_F32_ENTRY},"x":{flood}}}}}', b"\0" * 4)


def build_header_over_loader_cap(folder: Path) -> Path:
    """A header length of 100,000,001: between the loader's cap and 100 MiB."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "over-cap.safetensors"
    path.write_bytes(struct.pack("<Q", 100_000_001) + b'{"a":' + b" " * 64)
    return path


def build_header_over_parse_cap(folder: Path) -> Path:
    """A 99,999,000-byte header (within the loader's cap), as a sparse file: not parsed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "100mb-header.safetensors"
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", 99_999_000) + b'{"__metadata__":{"k":"')
        handle.seek(8 + 99_999_000 - 1)
        handle.write(b"}")
    return path


def build_widest_parsed_header(folder: Path) -> Path:
    """The costliest header still parsed: 32 MiB of text with one 4-byte character."""
    size = (32 << 20) - 200
    text = '{"__metadata__":{"k":"\U0001f600' + "x" * size + f'"}},"a":{{{_F32_ENTRY}}}}}'
    return _write(folder, "wide.safetensors", text.encode(), b"\0" * 4)


def build_metadata_not_strings(folder: Path) -> Path:
    """``__metadata__`` with a number: the loader only takes strings there."""
    header = f'{{"__metadata__":{{"steps":1000}},"a":{{{_F32_ENTRY}}}}}'
    return _write(folder, "meta-int.safetensors", header, b"\0" * 4)


def build_duplicate_field(folder: Path) -> Path:
    """``dtype`` twice in one tensor entry: json keeps the last, serde refuses the file."""
    header = f'{{"a":{{{_F32_ENTRY},"dtype":"F16"}}}}'
    return _write(folder, "dup-field.safetensors", header, b"\0" * 4)


def build_nan_literal(folder: Path) -> Path:
    """``NaN`` in the header: Python's json reads it, JSON (and the loader) does not."""
    return _write(folder, "nan.safetensors", f'{{"a":{{{_F32_ENTRY},"x":NaN}}}}', b"\0" * 4)


def build_float_out_of_range(folder: Path) -> Path:
    """``1e400``: json gives inf, the loader refuses a number out of range."""
    return _write(folder, "1e400.safetensors", f'{{"a":{{{_F32_ENTRY},"x":1e400}}}}', b"\0" * 4)


def build_lone_surrogate_name(folder: Path) -> Path:
    """A tensor name ending in an unpaired ``\\ud800`` escape: unprintable as UTF-8."""
    return _write(folder, "surrogate.safetensors", f'{{"a\\ud800":{{{_F32_ENTRY}}}}}', b"\0" * 4)


def build_negative_zero_dim(folder: Path) -> Path:
    """``-0`` as a dimension: 0 for Python, a float for the loader (which refuses it)."""
    header = '{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}'
    return _write(folder, "neg0.safetensors", header)


def build_odd_f4(folder: Path) -> Path:
    """Three 4-bit values in 2 bytes: the loader refuses a sub-byte tensor not filling bytes."""
    header = '{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}'
    return _write(folder, "odd-f4.safetensors", header, b"\0" * 2)


# ------------------------------------------------------------------ torch tensors without data


def _small_vae() -> dict:
    import torch

    generator = torch.Generator().manual_seed(0)
    return {
        "encoder.conv_in.weight": torch.randn(8, 3, 3, 3, generator=generator),
        "decoder.conv_in.weight": torch.randn(8, 4, 3, 3, generator=generator),
    }


def build_meta_tensor(folder: Path) -> Path:
    """A VAE whose ``decoder.conv_out.weight`` is a meta tensor (shape, no data)."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    state = _small_vae()
    state["decoder.conv_out.weight"] = torch.empty(3, 8, 3, 3, device="meta")
    path = folder / "meta.vae.pt"
    torch.save(state, path)
    return path


def build_sparse_tensor(folder: Path) -> Path:
    """A VAE with a sparse COO ``decoder.norm_out.weight`` (``_rebuild_sparse_tensor``)."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    state = _small_vae()
    state["decoder.norm_out.weight"] = torch.eye(4).to_sparse()
    path = folder / "sparse.vae.pt"
    torch.save(state, path)
    return path


# ------------------------------------------------------------------ config files


def build_diffusers_nested_config(folder: Path) -> Path:
    """A diffusers VAE folder whose config.json nests 100,000 deep."""
    from safetensors.torch import save_file

    model = folder / "nested-config-vae"
    model.mkdir(parents=True, exist_ok=True)
    save_file(_small_vae(), str(model / "diffusion_pytorch_model.safetensors"))
    (model / "config.json").write_text('{"a":' + "[" * 100_000 + "]" * 100_000 + "}")
    return model


def build_stability_matrix_nested_settings(folder: Path) -> Path:
    """A Stability Matrix library whose settings.json is 100,000 nested arrays."""
    library = trees.make_stability_matrix(folder / "StabilityMatrix")
    (library / "settings.json").write_text("[" * 100_000 + "]" * 100_000)
    return library


def build_stability_matrix_wrong_types(folder: Path) -> Path:
    """settings.json with numbers and NULs where paths and lists belong."""
    library = trees.make_stability_matrix(folder / "StabilityMatrix")
    settings = {
        "InstalledPackages": 5,
        "ModelDirectoryOverride": "Shared\u0000Models",
        "LibraryDir": 5,
    }
    (library / "settings.json").write_text(json.dumps(settings))
    return library


def build_stability_matrix_bad_package_paths(folder: Path) -> Path:
    """InstalledPackages entries whose LibraryPath holds a NUL or a lone surrogate."""
    library = trees.make_stability_matrix(folder / "StabilityMatrix")
    text = (
        '{"InstalledPackages": [{"LibraryPath": "Packages\\\\a\\u0000b", "DisplayName": [1]},'
        ' {"LibraryPath": "Packages\\\\\\ud800"}, "not an object"]}'
    )
    (library / "settings.json").write_text(text)
    return library


def build_a1111_nested_config(folder: Path) -> Path:
    """An A1111 install whose config.json nests 100,000 deep (given to set-default)."""
    root = trees.make_a1111(folder / "webui")
    (root / "config.json").write_text('{"sd_vae": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return root


def build_a1111_huge_number_config(folder: Path) -> Path:
    """An A1111 config.json holding a 5,000-digit number."""
    root = trees.make_a1111(folder / "webui")
    (root / "config.json").write_text('{"sd_vae": "Automatic", "seed": ' + "7" * 5000 + "}")
    return root


def build_a1111_huge_config(folder: Path) -> Path:
    """An A1111 config.json of 9 MiB (one long string): past the 8 MiB limit."""
    root = trees.make_a1111(folder / "webui")
    (root / "config.json").write_text('{"notes": "' + "x" * (9 << 20) + '"}')
    return root


def build_a1111_list_config(folder: Path) -> Path:
    """An A1111 config.json whose top level is a list."""
    root = trees.make_a1111(folder / "webui")
    (root / "config.json").write_text("[1, 2, 3]")
    return root


def build_a1111_surrogate_config(folder: Path) -> Path:
    """An A1111 config.json with an unpaired surrogate escape: cannot be written back."""
    root = trees.make_a1111(folder / "webui")
    (root / "config.json").write_text('{"sd_vae": "Automatic", "note": "\\ud800"}')
    return root


def _comfy_with_yaml(folder: Path, name: str, text: str) -> Path:
    root = trees.make_comfy(folder / name)
    (root / "extra_model_paths.yaml").write_text(text)
    return root


def build_yaml_nested(folder: Path) -> Path:
    """extra_model_paths.yaml nesting 50,000 flow sequences: RecursionError in PyYAML."""
    return _comfy_with_yaml(folder, "ComfyUI-nested", "a: " + "[" * 50_000 + "]" * 50_000)


def build_yaml_billion_laughs(folder: Path) -> Path:
    """Nine levels of nine aliases each (9**9 leaves if expanded) plus a real vae entry."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    lines += ["bomb:", "  base_path: /models", "  vae: *l9", "  checkpoints: *l9"]
    return _comfy_with_yaml(folder, "ComfyUI-laughs", "\n".join(lines) + "\n")


def build_yaml_huge_int(folder: Path) -> Path:
    """A 5,000-digit int and an impossible date: ValueError inside yaml.safe_load."""
    text = "a111:\n  base_path: /x\n  vae: models/vae\n  n: " + "9" * 5000 + "\n  d: 2024-13-45\n"
    return _comfy_with_yaml(folder, "ComfyUI-int", text)


def build_yaml_flow_flood(folder: Path) -> Path:
    """100,000 flow-list items (200 KB): tens of seconds in the pure-Python loader."""
    text = "a111:\n  base_path: /x\n  vae: models/vae\n  z: [" + ",".join(["1"] * 100_000) + "]\n"
    return _comfy_with_yaml(folder, "ComfyUI-flood", text)


INSPECT = ["inspect", "--json"]
INSPECT_NAN = ["inspect", "--json", "--check-nan"]
CONVERT = ["import", "--json", "--to-safetensors"]
INSTALLS = ["installs", "--json", "--root"]

Builder = Callable[[Path], Path]
CASES: list[tuple[str, Builder, list[str]]] = [
    ("safetensors header nested 100,000 deep", build_nested_header, INSPECT),
    ("safetensors shape with a 5,000-digit integer", build_huge_int_shape, INSPECT),
    ("safetensors shape whose element count overflows", build_overflowing_shape, INSPECT),
    ("safetensors dimension 2**64-1", build_dimension_beyond_int64, INSPECT),
    ("safetensors data_offsets beyond 2**64", build_huge_offsets, INSPECT),
    ("safetensors header with 3,000,000 values", build_value_flood, INSPECT),
    ("safetensors header with 2,500,000 objects", build_object_flood, INSPECT),
    ("safetensors header length 100,000,001", build_header_over_loader_cap, INSPECT),
    ("safetensors header of 99,999,000 bytes", build_header_over_parse_cap, INSPECT),
    ("safetensors 32 MiB header with a 4-byte character", build_widest_parsed_header, INSPECT),
    ("safetensors __metadata__ with a number", build_metadata_not_strings, INSPECT),
    ("safetensors tensor entry with dtype twice", build_duplicate_field, INSPECT),
    ("safetensors header with NaN", build_nan_literal, INSPECT),
    ("safetensors header with 1e400", build_float_out_of_range, INSPECT),
    ("safetensors tensor name with a lone surrogate", build_lone_surrogate_name, INSPECT),
    ("safetensors dimension -0", build_negative_zero_dim, INSPECT),
    ("safetensors F4 tensor not filling whole bytes", build_odd_f4, INSPECT),
    ("meta tensor, --check-nan", build_meta_tensor, INSPECT_NAN),
    ("sparse tensor, --check-nan", build_sparse_tensor, INSPECT_NAN),
    ("meta tensor, import --to-safetensors", build_meta_tensor, CONVERT),
    ("sparse tensor, import --to-safetensors", build_sparse_tensor, CONVERT),
    ("diffusers folder, config.json nested 100,000 deep", build_diffusers_nested_config, INSPECT),
    (
        "Stability Matrix settings.json nested 100,000 deep",
        build_stability_matrix_nested_settings,
        INSTALLS,
    ),
    ("Stability Matrix settings.json wrong types", build_stability_matrix_wrong_types, INSTALLS),
    (
        "Stability Matrix package paths with NUL/surrogate",
        build_stability_matrix_bad_package_paths,
        INSTALLS,
    ),
    ("extra_model_paths.yaml nested 50,000 deep", build_yaml_nested, INSTALLS),
    ("extra_model_paths.yaml billion laughs", build_yaml_billion_laughs, INSTALLS),
    ("extra_model_paths.yaml 5,000-digit int, bad date", build_yaml_huge_int, INSTALLS),
    ("extra_model_paths.yaml 100,000-item flow list", build_yaml_flow_flood, INSTALLS),
]
# The A1111 config.json builders have no CASES entry: set-default is reached only from the
# window (Library > Set as default VAE); tests/core/installs/test_hostile_configs.py runs them.
