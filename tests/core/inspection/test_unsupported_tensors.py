"""Meta and sparse tensors are named by a plain ``inspect``, not only by ``--check-nan``.

A meta tensor has a shape but no bytes, a sparse one no dense weights: a UI that loads
such a "VAE" fails, so the verdict is ``invalid`` with the reason, never a clean VAE.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.inspection import inspect_path
from app.core.inspection.records import PROBLEM_UNSUPPORTED_TENSOR
from app.core.registry import STATUS_INVALID, load_registry
from tests.core.inspection.hostile_headers import build_meta_tensor, build_sparse_tensor


@pytest.mark.parametrize(
    ("build", "words"),
    [(build_meta_tensor, "meta tensor"), (build_sparse_tensor, "sparse")],
)
def test_plain_inspect_names_the_tensor_without_data(tmp_path: Path, build, words: str) -> None:
    inspection = inspect_path(build(tmp_path))
    problems = [p for p in inspection.problems if p.code == PROBLEM_UNSUPPORTED_TENSOR]
    assert problems and words in problems[0].message
    verdict = load_registry().validate("0" * 64, "x.pt", 1, inspection)
    assert verdict.status == STATUS_INVALID
