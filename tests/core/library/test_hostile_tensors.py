"""Meta and sparse tensors (both load under ``weights_only``) are refused by name, file by file.

A batch goes on: the good VAE next to them is still converted.
"""

from __future__ import annotations

import pytest

from app.core.errors import UserError
from app.core.library import ImportOptions, import_paths
from app.core.library.convert import convert_to_safetensors
from app.core.library.tensors import open_tensors, prepare_for_safetensors
from tests.core.inspection import hostile_headers as hh
from tests.core.inspection.test_hostile_headers import cli_record
from tests.core.library.conftest import small_vae
from tests.model_files import write_torch_zip

# The safe loader's tensor index names them first; both messages hold these words.
CLASSES = [
    (hh.build_meta_tensor, "'decoder.conv_out.weight' is a meta tensor: it has a shape"),
    (hh.build_sparse_tensor, "'decoder.norm_out.weight' is a sparse"),
]
IDS = ["meta", "sparse"]


@pytest.mark.parametrize(("build", "words"), CLASSES, ids=IDS)
def test_conversion_refuses_by_name_and_writes_nothing(tmp_path, build, words):
    source = build(tmp_path / "src")
    dest = tmp_path / "out" / "x.safetensors"
    dest.parent.mkdir()
    with pytest.raises(UserError) as info:
        convert_to_safetensors(source, dest, source_sha256="0" * 64)
    assert words in str(info.value) and "cannot" in str(info.value)
    assert list(dest.parent.iterdir()) == []


@pytest.mark.parametrize(("build", "words"), CLASSES, ids=IDS)
def test_reading_the_weights_refuses_by_name(tmp_path, build, words):
    path = build(tmp_path)
    with pytest.raises(UserError, match="cannot") as info, open_tensors(path):
        pass
    assert words in str(info.value)


def test_the_writer_refuses_a_meta_tensor_before_touching_storage():
    import torch

    tensors = {"a": torch.zeros(2), "b": torch.empty(3, device="meta")}
    with pytest.raises(UserError, match="'b' is a meta tensor"):
        prepare_for_safetensors(tensors)


def test_a_folder_import_goes_on_past_them(tmp_path, catalog, registry):
    src = tmp_path / "src"
    meta, sparse = hh.build_meta_tensor(src), hh.build_sparse_tensor(src)
    good = write_torch_zip(src / "good.vae.pt", small_vae(seed=3))
    outcomes = import_paths(
        [src], ImportOptions(to_safetensors=True), catalog=catalog, registry=registry
    )
    by_path = {o.path: o for o in outcomes}
    assert by_path[good].action == "converted"
    for path, (_, words) in zip((meta, sparse), CLASSES, strict=True):
        assert by_path[path].action == "refused"
        assert words in by_path[path].reason


@pytest.mark.parametrize(("build", "words"), CLASSES, ids=IDS)
def test_cli_import_reports_the_refusal_as_json(tmp_path, build, words):
    source = build(tmp_path / "src")
    records = cli_record(
        "import", "--json", "--to-safetensors", str(source), home=tmp_path / "home"
    )
    (record,) = records
    assert record["action"] == "refused" and words in record["reason"]
