"""Hostile safetensors headers, tensors without data and nested configs: a named problem each.

Every file comes from :mod:`tests.core.inspection.hostile_headers`. Each is checked
three ways: the core parser names the problem, the real safetensors loader refuses
the same file (so the verdict is the loader's, not a guess), and ``main.py inspect
--json`` in a subprocess prints JSON with that problem and no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli_commands.common import EXIT_FAILED_CHECK, EXIT_OK
from app.core.inspection import inspect_path
from app.core.inspection.failure import BadFile
from app.core.inspection.safetensors_header import read_header
from tests.core.inspection import hostile_headers as hh

ROOT = Path(__file__).resolve().parents[3]

# builder -> (problem code, words the message must hold, whether safetensors refuses it too;
# None: not comparable, the file is a sparse stand-in whose size alone is the point)
HEADER_CLASSES = {
    hh.build_nested_header: ("corrupt", "nests deeper than 64 levels", True),
    hh.build_huge_int_shape: ("corrupt", "5,000-digit number", True),
    hh.build_overflowing_shape: ("corrupt", "element count overflows 64 bits", True),
    hh.build_dimension_beyond_int64: ("corrupt", "beyond 2**63 - 1", True),
    hh.build_huge_offsets: ("corrupt", "bad data_offsets", True),
    hh.build_value_flood: ("corrupt", "more than 2,000,000 values", False),
    hh.build_object_flood: ("corrupt", "more than 2,000,000 values", False),
    hh.build_header_over_loader_cap: ("header-too-large", "limit 100,000,000", True),
    hh.build_header_over_parse_cap: ("header-too-large", "more than the 33,554,432", None),
    hh.build_metadata_not_strings: ("corrupt", "__metadata__ must map names to strings", True),
    hh.build_duplicate_field: ("corrupt", "names the key 'dtype' twice", True),
    hh.build_nan_literal: ("corrupt", "holds NaN", True),
    hh.build_float_out_of_range: ("corrupt", "beyond float64's range", True),
    hh.build_lone_surrogate_name: ("corrupt", "unpaired UTF-16 surrogate", True),
    hh.build_negative_zero_dim: ("corrupt", "bad shape [-0.0]", True),
    hh.build_odd_f4: ("corrupt", "do not fill whole bytes", True),
}
HEADER_CASES = list(HEADER_CLASSES.items())
IDS = [build.__name__.removeprefix("build_") for build in HEADER_CLASSES]
LOADER_CASES = [(build, expected) for build, expected in HEADER_CASES if expected[2] is not None]
LOADER_IDS = [build.__name__.removeprefix("build_") for build, _ in LOADER_CASES]


def _loader_refuses(path: Path) -> bool:
    """Whether safetensors itself fails to open the file or to read any of its tensors."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            for key in handle.keys():  # noqa: SIM118 (safe_open is not a mapping)
                handle.get_tensor(key)
    except Exception:  # the loader raises SafetensorError, TypeError, ... : any refusal counts
        return True
    return False


def run_cli(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python main.py ARGV`` with its own app home (the timeout is only a hang guard)."""
    env = dict(os.environ, VAE_MANAGER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "main.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli_record(*argv: str, home: Path) -> dict:
    """The JSON a command printed; fails on a traceback or an exit code other than 0/1."""
    result = run_cli(*argv, home=home)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (EXIT_OK, EXIT_FAILED_CHECK), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("build", "expected"), HEADER_CASES, ids=IDS)
def test_core_names_the_problem(tmp_path, build, expected):
    code, words, _ = expected
    path = build(tmp_path)
    with pytest.raises(BadFile) as info:
        read_header(path)
    assert info.value.code == code
    assert words in info.value.message
    inspection = inspect_path(path)
    assert [p.code for p in inspection.problems] == [code]
    assert len(inspection.problems[0].message) < 400  # a sentence, not a dump of the header


@pytest.mark.parametrize(("build", "expected"), LOADER_CASES, ids=LOADER_IDS)
def test_the_real_loader_agrees(tmp_path, build, expected):
    """Where we say corrupt, safetensors refuses too; the rest are stricter than it on purpose."""
    path = build(tmp_path)
    if expected[2]:
        assert _loader_refuses(path)
    else:  # millions of values in a field the loader ignores: it reads them, we will not
        assert not _loader_refuses(path)


@pytest.mark.parametrize(("build", "expected"), HEADER_CASES, ids=IDS)
def test_cli_prints_the_problem_as_json(tmp_path, build, expected):
    record = cli_record("inspect", "--json", str(build(tmp_path / "in")), home=tmp_path / "home")
    assert record["problems"][0]["code"] == expected[0]
    assert expected[1] in record["problems"][0]["message"]
    assert record["validation"] == "invalid"


def test_the_widest_header_still_parsed_is_read(tmp_path):
    path = hh.build_widest_parsed_header(tmp_path)
    header = read_header(path)
    assert header.metadata["k"].startswith("\U0001f600xxx")
    assert not _loader_refuses(path)


def test_real_headers_still_pass_with_their_metadata(tmp_path):
    """The limits leave real files alone: many tensors, JSON-in-a-string training metadata."""
    import torch
    from safetensors.torch import save_file

    tensors = {f"lora_unet_block_{i}.lora_down.weight": torch.zeros(4, 8) for i in range(500)}
    tags = {"set": {f"tag {i} [x], {{y}}": i for i in range(2000)}}
    metadata = {
        "ss_tag_frequency": json.dumps(tags),
        "quote": 'he said "\\\\" [',
        "e": "\U0001f600",
    }
    save_file(tensors, str(tmp_path / "lora.safetensors"), metadata)
    header = read_header(tmp_path / "lora.safetensors")
    assert len(header.tensors) == 500
    assert header.metadata == metadata


# ---------------------------------------------------------------- meta and sparse tensors


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hh.build_meta_tensor, "'decoder.conv_out.weight' is a meta tensor"),
        (hh.build_sparse_tensor, "'decoder.norm_out.weight' is a sparse"),
    ],
    ids=["meta", "sparse"],
)
def test_tensors_without_plain_data_are_named_with_or_without_the_nan_check(tmp_path, build, words):
    path = build(tmp_path)
    for check_nan in (False, True):  # the tensor index names them before any data is read
        inspection = inspect_path(path, check_nan=check_nan)
        problems = {p.code: p.message for p in inspection.problems}
        assert words in problems["unsupported-tensor"]
    record = cli_record("inspect", "--json", "--check-nan", str(path), home=tmp_path / "home")
    assert any(
        p["code"] == "unsupported-tensor" and words in p["message"] for p in record["problems"]
    )


def test_a_tensor_torch_cannot_test_is_named_not_raised():
    """A float dtype torch has no kernels for (fp4 pairs) is a problem, not a traceback."""
    import torch

    from app.core.inspection.nan_check import scan_tensors

    if not hasattr(torch, "float4_e2m1fn_x2"):
        pytest.skip("this torch has no float4_e2m1fn_x2")
    fp4 = torch.zeros(4, dtype=torch.uint8).view(torch.float4_e2m1fn_x2)
    with pytest.raises(BadFile) as info:
        scan_tensors({"packed": fp4})
    assert info.value.code == "unsupported-tensor"
    assert "cannot check tensor 'packed' (float4_e2m1fn_x2) for NaN/Inf" in info.value.message


# ---------------------------------------------------------------- diffusers config.json


def test_a_nested_diffusers_config_is_ignored_not_a_crash(tmp_path):
    folder = hh.build_diffusers_nested_config(tmp_path)
    inspection = inspect_path(folder)
    assert inspection.format == "diffusers-folder"
    assert inspection.kind == "vae"
    assert not any(k.startswith("config.") for k in inspection.metadata)
    record = cli_record("inspect", "--json", str(folder), home=tmp_path / "home")
    assert record["kind"] == "vae"
