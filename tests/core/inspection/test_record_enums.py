"""The enums of inspection records: typed in memory, plain strings on disk and in JSON."""

from __future__ import annotations

import json

import pytest

from app.core.catalog.codec import inspection_from_json, inspection_to_json
from app.core.inspection import inspect_path
from app.core.inspection import records as r
from app.core.inspection.vae_families import all_families
from app.core.inspection.vae_families.facts import Modality
from app.core.installs.records import InstallKind
from app.core.registry import Status
from app.core.verdict import Verdict, verdict_key
from tests.model_files import ldm_vae_state_dict, lora_state_dict, write_safetensors


def test_inspected_file_has_enum_fields_and_plain_json(tmp_path):
    path = write_safetensors(tmp_path / "vae.safetensors", ldm_vae_state_dict(ch=8))
    found = inspect_path(path)
    assert type(found.kind) is r.Kind and found.kind is r.Kind.VAE
    assert type(found.layout) is r.Layout and found.layout is r.Layout.LDM
    assert type(found.format) is r.Format and found.format is r.Format.SAFETENSORS
    text = json.dumps(found.to_json())
    assert '"kind": "vae"' in text and '"layout": "ldm"' in text
    assert '"format": "safetensors"' in text


def test_catalog_round_trip_gives_enums_back(tmp_path):
    path = write_safetensors(tmp_path / "lora.safetensors", lora_state_dict())
    found = inspect_path(path)
    back = inspection_from_json(inspection_to_json(found))
    assert back is not None
    assert type(back.kind) is r.Kind and back.kind is r.Kind.LORA
    assert type(back.format) is r.Format and back.format is r.Format.SAFETENSORS
    assert [p.code for p in back.problems] == [r.ProblemCode.NOT_A_VAE]


def test_values_a_newer_version_wrote_read_as_what_this_one_knows():
    stored = json.dumps(
        {
            "path": "x.safetensors",
            "format": "some-future-format",
            "size_bytes": 1,
            "kind": "hypernetwork",
            "layout": "future-layout",
        }
    )
    back = inspection_from_json(stored)
    assert back is not None
    assert back.kind is r.Kind.OTHER
    assert back.layout is r.Layout.UNKNOWN
    assert back.format is r.Format.UNKNOWN


@pytest.mark.parametrize(
    ("old", "member"),
    [
        (r.KIND_CHECKPOINT, r.Kind.CHECKPOINT),
        (r.FAMILY_SD1_OR_SDXL, r.Family.SD1_OR_SDXL),
        (r.LAYOUT_ORIGINAL, r.Layout.ORIGINAL),
        (r.PROBLEM_UNSAFE_PICKLE, r.ProblemCode.UNSAFE_PICKLE),
    ],
)
def test_old_constant_names_are_the_members(old, member):
    assert old is member
    assert old == member.value  # callers comparing plain strings keep working


def test_named_families_and_modalities_are_rows_of_the_family_table():
    table = {f.id: f for f in all_families()}
    assert set(r.Family) - {r.Family.UNKNOWN} <= set(table)
    assert {f.modality for f in table.values()} == set(Modality)


def test_verdict_keys_cover_every_status():
    assert {v.value for v in Verdict} == {s.value for s in Status} | {"unsafe"}
    for status in Status:
        assert verdict_key(status.value, (), "0" * 64) is Verdict(status.value)
    assert verdict_key(None, [r.PROBLEM_UNSAFE_PICKLE], None) is Verdict.UNSAFE
    assert verdict_key(None, (), None) is Verdict.PENDING


def test_every_family_names_only_install_kinds_that_exist():
    kinds = {k.value for k in InstallKind}
    for facts in all_families():
        assert set(facts.usable_by) <= kinds, facts.id
