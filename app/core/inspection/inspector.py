"""Inspect any path (file or diffusers folder) without running anything stored in it.

Bad files never raise: what is wrong goes into ``Inspection.problems``. Only a path that
does not exist or cannot be opened raises :class:`UserError`, and so does a FIFO, socket
or device file (or a link to one), which is never opened: reading it would block or
never end (:class:`~app.core.safe_open.NotRegularFile`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import UserError
from app.core.inspection import formats, nan_check
from app.core.inspection.classify import Classification, classify
from app.core.inspection.failure import BadFile
from app.core.inspection.family import name_hints
from app.core.inspection.records import (
    PROBLEM_TRUNCATED,
    PROBLEM_UNKNOWN_FORMAT,
    PROBLEM_UNREADABLE,
    Format,
    Inspection,
    Problem,
    TensorInfo,
)
from app.core.inspection.safetensors_header import SafetensorsHeader, read_header
from app.core.safe_open import NotRegularFile, regular_stat, special_kind


@dataclass
class _Parsed:
    tensors: dict[str, TensorInfo]
    metadata: dict[str, str] = field(default_factory=dict)
    header: SafetensorsHeader | None = None  # kept for the NaN scan


def inspect_path(path: str | Path, *, check_nan: bool = False) -> Inspection:
    """Describe a model file or diffusers folder; ``check_nan`` also reads all tensor data."""
    path = Path(path)
    if path.is_dir():
        return _inspect_folder(path, check_nan)
    try:
        size = regular_stat(path).st_size
        fmt = formats.sniff(path)
    except FileNotFoundError:
        raise UserError(f"{path} does not exist") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    config = formats.sibling_config(path) if _config_kind(path.parent) is None else None
    return _inspect_file(path, fmt, size, name_hints(path), config, check_nan)


def _config_kind(folder: Path) -> str | None:
    """What ``folder``'s config.json is when it is a FIFO or device (then it is not read)."""
    config = folder / "config.json"
    try:
        return special_kind(config, config.stat())
    except OSError:
        return None  # absent or unreadable: the config reader copes with that


def _inspect_folder(folder: Path, check_nan: bool) -> Inspection:
    for candidate in (folder, folder / "vae"):
        what = _config_kind(candidate)
        if what is not None and what != "folder":
            raise NotRegularFile(candidate / "config.json", what)
    model = formats.find_diffusers_folder(folder)
    if model is None:
        problem = Problem(PROBLEM_UNKNOWN_FORMAT, "folder holds no diffusion_pytorch_model file")
        return Inspection(str(folder), formats.FORMAT_UNKNOWN, 0, problems=[problem])
    fmt = formats.sniff(model.weights)
    names = name_hints(model.folder)
    size = model.weights.stat().st_size
    inspection = _inspect_file(model.weights, fmt, size, names, model.config, check_nan)
    inspection.path, inspection.format = str(folder), formats.FORMAT_DIFFUSERS
    return inspection


def _inspect_file(
    path: Path,
    fmt: Format,
    size: int,
    names: Sequence[str],
    config: Mapping[str, object] | None,
    check_nan: bool,
) -> Inspection:
    inspection = Inspection(path=str(path), format=fmt, size_bytes=size)
    if size == 0:
        inspection.problems.append(Problem.said(PROBLEM_TRUNCATED, "truncated.empty"))
        return inspection
    try:
        parsed = _parse(path, fmt)
        if config:
            parsed.metadata.update(_config_metadata(config))
        _apply(
            inspection,
            classify(parsed.tensors, metadata=parsed.metadata, names=names, config=config),
        )
        inspection.metadata = parsed.metadata
        if check_nan:
            _check_nan(inspection, path, parsed)
    except BadFile as bad:
        inspection.problems.append(bad.problem)
    except NotRegularFile as swapped:  # replaced by a FIFO or device after the first check
        inspection.problems.append(Problem(PROBLEM_UNREADABLE, str(swapped)))
    except OSError as exc:
        inspection.problems.append(Problem(PROBLEM_UNREADABLE, f"read failed: {exc}"))
    return inspection


def _parse(path: Path, fmt: Format) -> _Parsed:
    if fmt == formats.FORMAT_SAFETENSORS:
        header = read_header(path)
        return _Parsed(header.tensors, dict(header.metadata), header)
    if fmt in (formats.FORMAT_TORCH_ZIP, formats.FORMAT_TORCH_PICKLE):
        # The pickle scanners (tarfile, zip, stubs: ~8 ms) load for torch files only.
        from app.core.inspection.safe_load import checked_scan
        from app.core.inspection.torch_file import read_torch_contents

        contents = read_torch_contents(path, checked_scan(path))
        return _Parsed(contents.tensors, dict(contents.extras))
    if fmt == formats.FORMAT_GGUF:
        raise BadFile(PROBLEM_UNKNOWN_FORMAT, "GGUF (quantized) file: not supported for VAEs")
    raise BadFile(PROBLEM_UNKNOWN_FORMAT, "not a safetensors, torch or diffusers model file")


def _config_metadata(config: Mapping[str, object]) -> dict[str, str]:
    keys = ("_class_name", "latent_channels", "scaling_factor", "shift_factor", "force_upcast")
    return {f"config.{k}": str(config[k]) for k in keys if k in config}


def _apply(inspection: Inspection, result: Classification) -> None:
    inspection.kind, inspection.kind_reason = result.kind, result.kind_reason
    inspection.family, inspection.family_reason = result.family, result.family_reason
    inspection.layout, inspection.latent_channels = result.layout, result.latent_channels
    inspection.has_encoder, inspection.dtypes = result.has_encoder, result.dtypes
    inspection.parameter_count, inspection.tensor_count = (
        result.parameter_count,
        result.tensor_count,
    )
    inspection.problems.extend(result.problems)
    # What the family is (vae_families facts): name, modality, latent shape, who loads it.
    inspection.family_name, inspection.modality = result.family_name, result.modality
    inspection.spatial_compression = result.spatial_compression
    inspection.temporal_compression = result.temporal_compression
    inspection.has_decoder, inspection.usable_by = result.has_decoder, list(result.usable_by)


def _check_nan(inspection: Inspection, path: Path, parsed: _Parsed) -> None:
    if parsed.header is not None:
        found = nan_check.scan_safetensors(path, parsed.header)
    else:
        from app.core.inspection.safe_load import load_state_dict

        try:
            found = nan_check.scan_tensors(load_state_dict(path))
        except UserError as exc:
            inspection.problems.append(Problem(PROBLEM_UNREADABLE, str(exc)))
            return
    problem = found.problem()
    if problem is not None:
        inspection.problems.append(problem)
