"""Core's sentences in the window's language: one place every panel goes through.

Core writes English (the CLI prints it as is) and names each sentence's template
(:mod:`app.core.messages`); messages read back from the catalog or the download
queue are matched to their template by their text. Here each template is marked
for translation and filled with its parameters, themselves translated where
they are core sentences (a mismatch's "how", a folder's reason). A message no
template wrote is shown as written, after a translated lead naming its problem
code where there is one: never blank, never silently English when it need not be.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.messages import parse

CONTEXT = "CoreMessages"
MAX_DEPTH = 3  # templates inside parameters: "named like X (… instead of …)", reasons

# The same templates as app.core.messages.TEMPLATES (a test keeps them equal), for lupdate.
TEMPLATES = {
    "pickle.unproven": QT_TRANSLATE_NOOP("CoreMessages", "cannot be proven safe: {why}"),  # noqa: E501
    "pickle.imports": QT_TRANSLATE_NOOP("CoreMessages", "pickle imports {names}; loading it could run code, so it is refused"),  # noqa: E501
    "pickle.imports-lightning": QT_TRANSLATE_NOOP("CoreMessages", "pickle imports {names}; loading it could run code, so it is refused (these are PyTorch Lightning training objects, usually harmless, but weights-only loading cannot read them: prefer a .safetensors copy)"),  # noqa: E501
    "truncated.zip-directory": QT_TRANSLATE_NOOP("CoreMessages", "zip container has no directory at its end: the file was cut short (interrupted download or copy?)"),  # noqa: E501
    "truncated.zip-member-start": QT_TRANSLATE_NOOP("CoreMessages", "zip member {name} lies past the end of the file"),  # noqa: E501
    "truncated.zip-member-end": QT_TRANSLATE_NOOP("CoreMessages", "zip member {name} ends past the end of the file"),  # noqa: E501
    "truncated.tensors": QT_TRANSLATE_NOOP("CoreMessages", "file is {size} bytes but tensors need at least {need}: the file was cut short (interrupted download or copy?)"),  # noqa: E501
    "truncated.safetensors-prefix": QT_TRANSLATE_NOOP("CoreMessages", "file is {size} bytes; a safetensors file needs at least 8"),  # noqa: E501
    "truncated.header": QT_TRANSLATE_NOOP("CoreMessages", "file is {size} bytes but its header alone needs {need}: the file was cut short (interrupted download or copy?)"),  # noqa: E501
    "truncated.empty": QT_TRANSLATE_NOOP("CoreMessages", "file is empty (0 bytes): an interrupted download or copy?"),  # noqa: E501
    "truncated.safetensors-data": QT_TRANSLATE_NOOP("CoreMessages", "file is {size} bytes but tensors need {need}: the file was cut short (interrupted download or copy?)"),  # noqa: E501
    "truncated.pickle": QT_TRANSLATE_NOOP("CoreMessages", "pickle data ends early: the file was cut short"),  # noqa: E501
    "corrupt.trailing-bytes": QT_TRANSLATE_NOOP("CoreMessages", "file has {extra} unexpected bytes after the last tensor"),  # noqa: E501
    "corrupt.pickle": QT_TRANSLATE_NOOP("CoreMessages", "not a valid pickle ({why})"),  # noqa: E501
    "truncated.inside-member": QT_TRANSLATE_NOOP("CoreMessages", "the file ends inside a member: it was cut short"),  # noqa: E501
    "header.claims-too-much": QT_TRANSLATE_NOOP("CoreMessages", "header claims {length} bytes (limit {limit}) but the file is {size} bytes: corrupt or not a safetensors file"),  # noqa: E501
    "header.too-large": QT_TRANSLATE_NOOP("CoreMessages", "header is {length} bytes, more than the {limit} this app reads (real headers, training metadata included, stay under a few MB)"),  # noqa: E501
    "header.unloadable": QT_TRANSLATE_NOOP("CoreMessages", "header {detail}: not a loadable safetensors header"),  # noqa: E501
    "not-a-vae": QT_TRANSLATE_NOOP("CoreMessages", "this is {what}, not a VAE"),  # noqa: E501
    "not-a-vae.lora": QT_TRANSLATE_NOOP("CoreMessages", "a LoRA (lora_down/lora_up weights)"),  # noqa: E501
    "not-a-vae.embedding": QT_TRANSLATE_NOOP("CoreMessages", "a textual-inversion embedding"),  # noqa: E501
    "not-a-vae.diffusion": QT_TRANSLATE_NOOP("CoreMessages", "diffusion model weights without a VAE"),  # noqa: E501
    "not-a-vae.empty": QT_TRANSLATE_NOOP("CoreMessages", "a file with no tensors"),  # noqa: E501
    "not-a-vae.other": QT_TRANSLATE_NOOP("CoreMessages", "{count} tensors with no VAE, LoRA or embedding keys"),  # noqa: E501
    "format.no-diffusers-weights": QT_TRANSLATE_NOOP("CoreMessages", "folder holds no diffusion_pytorch_model file"),  # noqa: E501
    "format.gguf": QT_TRANSLATE_NOOP("CoreMessages", "GGUF (quantized) file: not supported for VAEs"),  # noqa: E501
    "format.unknown": QT_TRANSLATE_NOOP("CoreMessages", "not a safetensors, torch or diffusers model file"),  # noqa: E501
    "format.plain-pickle": QT_TRANSLATE_NOOP("CoreMessages", "a plain Python pickle, not a torch.save file"),  # noqa: E501
    "format.legacy-tar": QT_TRANSLATE_NOOP("CoreMessages", "a torch file in the pre-1.0 tar format: weights-only loading refuses it (re-save it with a current torch)"),  # noqa: E501
    "format.zip-no-data-pkl": QT_TRANSLATE_NOOP("CoreMessages", "zip archive without data.pkl: not a torch file"),  # noqa: E501
    "corrupt.crc": QT_TRANSLATE_NOOP("CoreMessages", "{member} fails its CRC check: the file is damaged"),  # noqa: E501
    "corrupt.zip-directory": QT_TRANSLATE_NOOP("CoreMessages", "the zip directory points past the end of the file"),  # noqa: E501
    "corrupt.tensor-index": QT_TRANSLATE_NOOP("CoreMessages", "could not read the tensor index ({detail})"),  # noqa: E501
    "unreadable.read-failed": QT_TRANSLATE_NOOP("CoreMessages", "read failed: {detail}"),  # noqa: E501
    "nan-or-inf": QT_TRANSLATE_NOOP("CoreMessages", "{count} NaN/Inf values, first in tensor {tensor}"),  # noqa: E501
    "nan-check.impossible": QT_TRANSLATE_NOOP("CoreMessages", "cannot check for NaN/Inf: {reason}"),  # noqa: E501
    "verdict.official": QT_TRANSLATE_NOOP("CoreMessages", "matches {name}"),  # noqa: E501
    "verdict.mismatch": QT_TRANSLATE_NOOP("CoreMessages", "named like {name} but the hash differs ({how})"),  # noqa: E501
    "verdict.mismatch-size": QT_TRANSLATE_NOOP("CoreMessages", "{size} bytes instead of {expected}"),  # noqa: E501
    "verdict.mismatch-short": QT_TRANSLATE_NOOP("CoreMessages", "{size} bytes instead of {expected}: probably an incomplete download"),  # noqa: E501
    "verdict.mismatch-same-size": QT_TRANSLATE_NOOP("CoreMessages", "same size, different bytes: corrupt or modified"),  # noqa: E501
    "verdict.pending": QT_TRANSLATE_NOOP("CoreMessages", "not hashed yet"),  # noqa: E501
    "verdict.unconfirmed": QT_TRANSLATE_NOOP("CoreMessages", "matches the published but unconfirmed hash of {name}; likely genuine, not verified"),  # noqa: E501
    "verdict.same-size-other-bytes": QT_TRANSLATE_NOOP("CoreMessages", "third-party file; same size as {name} but other bytes (another VAE in the same format, or a modified copy)"),  # noqa: E501
    "verdict.third-party": QT_TRANSLATE_NOOP("CoreMessages", "third-party file: not in the registry of official VAEs"),  # noqa: E501
    "verdict.foreign-informational": QT_TRANSLATE_NOOP("CoreMessages", "hash read from {source}, not computed by VAE Manager: informational only, it cannot make a file official"),  # noqa: E501
    "source.a1111": QT_TRANSLATE_NOOP("CoreMessages", "A1111's cache.json"),  # noqa: E501
    "source.sdnext": QT_TRANSLATE_NOOP("CoreMessages", "SD.Next's data/cache.json"),  # noqa: E501
    "source.a1111-diskcache": QT_TRANSLATE_NOOP("CoreMessages", "the A1111/Forge hash cache (cache/hashes)"),  # noqa: E501
    "source.stability-matrix": QT_TRANSLATE_NOOP("CoreMessages", "Stability Matrix's .cm-info.json"),  # noqa: E501
    "source.unknown": QT_TRANSLATE_NOOP("CoreMessages", "unknown source"),  # noqa: E501
    "verdict.foreign-pending": QT_TRANSLATE_NOOP("CoreMessages", "hash read from {source}, not computed by VAE Manager: not judged until VAE Manager hashes the file itself"),  # noqa: E501
    "download.server-answered": QT_TRANSLATE_NOOP("CoreMessages", "the server answered {status} {reason}"),  # noqa: E501
    "download.token-refused": QT_TRANSLATE_NOOP("CoreMessages", "the access token was refused ({status} {reason}) for {where}: check the token in settings and accept the model's licence on its page"),  # noqa: E501
    "download.token-needed": QT_TRANSLATE_NOOP("CoreMessages", "this file needs an access token: set it in settings ({status} {reason}: {where})"),  # noqa: E501
    "download.not-found": QT_TRANSLATE_NOOP("CoreMessages", "not found ({status} {reason}): {where}"),  # noqa: E501
    "download.refused": QT_TRANSLATE_NOOP("CoreMessages", "the server refused the download ({status} {reason}): {where}"),  # noqa: E501
    "download.tls": QT_TRANSLATE_NOOP("CoreMessages", "secure connection failed (certificate or TLS problem): {detail}"),  # noqa: E501
    "download.too-many-redirects": QT_TRANSLATE_NOOP("CoreMessages", "the server redirected too many times"),  # noqa: E501
    "download.invalid-address": QT_TRANSLATE_NOOP("CoreMessages", "invalid download address: {detail}"),  # noqa: E501
    "download.connect-timeout": QT_TRANSLATE_NOOP("CoreMessages", "the server did not accept the connection in time"),  # noqa: E501
    "download.stalled": QT_TRANSLATE_NOOP("CoreMessages", "no data for {seconds} s (stalled transfer)"),  # noqa: E501
    "download.dropped": QT_TRANSLATE_NOOP("CoreMessages", "the connection dropped during the transfer"),  # noqa: E501
    "download.connection-refused": QT_TRANSLATE_NOOP("CoreMessages", "the server refused the connection"),  # noqa: E501
    "download.connection-problem": QT_TRANSLATE_NOOP("CoreMessages", "connection problem: {detail}"),  # noqa: E501
    "download.gave-up": QT_TRANSLATE_NOOP("CoreMessages", "{what}: download failed after {tries} tries ({failure}); the partial file is kept, resume it later"),  # noqa: E501
    "download.restarts": QT_TRANSLATE_NOOP("CoreMessages", "{what}: {reason} (gave up after {restarts} restarts)"),  # noqa: E501
    "url.invalid": QT_TRANSLATE_NOOP("CoreMessages", "the {what} {url} is not a valid URL: {detail}"),  # noqa: E501
    "url.not-https": QT_TRANSLATE_NOOP("CoreMessages", "the {what} must be an https:// address, got {url}"),  # noqa: E501
    "url.plain-http": QT_TRANSLATE_NOOP("CoreMessages", "the {what} must use https:// (plain http is only allowed for this computer): {url}"),  # noqa: E501
    "url.refused": QT_TRANSLATE_NOOP("CoreMessages", "the {what} {url} is {reason}: refused"),  # noqa: E501
    "hop.invalid": QT_TRANSLATE_NOOP("CoreMessages", "{lead}, which is not a valid URL ({detail}): refused"),  # noqa: E501
    "hop.not-http": QT_TRANSLATE_NOOP("CoreMessages", "{lead}, which is not an http(s) address: refused"),  # noqa: E501
    "hop.no-host": QT_TRANSLATE_NOOP("CoreMessages", "{lead}, which names no host: refused"),  # noqa: E501
    "hop.refused": QT_TRANSLATE_NOOP("CoreMessages", "{lead}, which is {reason}: refused"),  # noqa: E501
    "hop.plain-http": QT_TRANSLATE_NOOP("CoreMessages", "{lead}, plain http to another computer (only https is allowed there): refused"),  # noqa: E501
    "hop.redirected": QT_TRANSLATE_NOOP("CoreMessages", "the server redirected to {url}"),  # noqa: E501
    "hop.address": QT_TRANSLATE_NOOP("CoreMessages", "the address {url}"),  # noqa: E501
    "reason.markers": QT_TRANSLATE_NOOP("CoreMessages", "markers: {markers}"),  # noqa: E501
    "reason.default-models": QT_TRANSLATE_NOOP("CoreMessages", "default models/{sub}"),  # noqa: E501
    "reason.default-models-desktop": QT_TRANSLATE_NOOP("CoreMessages", "default models/{sub} (desktop base folder)"),  # noqa: E501
    "reason.default-models-root": QT_TRANSLATE_NOOP("CoreMessages", "default Models"),  # noqa: E501
    "reason.flag-line": QT_TRANSLATE_NOOP("CoreMessages", "{name} in {file} line {line}"),  # noqa: E501
    "reason.flag-line-note": QT_TRANSLATE_NOOP("CoreMessages", "{name} in {file} line {line} ({note})"),  # noqa: E501
    "reason.links-to": QT_TRANSLATE_NOOP("CoreMessages", "{source} (links to {target})"),  # noqa: E501
    "reason.aki": QT_TRANSLATE_NOOP("CoreMessages", "aki package (its launcher's own arguments are not read)"),  # noqa: E501
    "reason.output-vae": QT_TRANSLATE_NOOP("CoreMessages", "output/vae (ComfyUI also lists it)"),  # noqa: E501
    "reason.yaml-section": QT_TRANSLATE_NOOP("CoreMessages", "{file}: section {section}, {how}"),  # noqa: E501
    "reason.yaml-relative": QT_TRANSLATE_NOOP("CoreMessages", "{key} (relative to the yaml folder)"),  # noqa: E501
    "reason.desktop-config": QT_TRANSLATE_NOOP("CoreMessages", "ComfyUI desktop base folder (basePath in {file})"),  # noqa: E501
    "reason.desktop-markers": QT_TRANSLATE_NOOP("CoreMessages", "ComfyUI desktop base folder (markers: {markers}; no desktop config found)"),  # noqa: E501
    "reason.config-key": QT_TRANSLATE_NOOP("CoreMessages", "config.json {key}"),  # noqa: E501
    "reason.invokeai-no-folder": QT_TRANSLATE_NOOP("CoreMessages", "InvokeAI has no VAE folder"),  # noqa: E501
    "reason.invokeai-add": QT_TRANSLATE_NOOP("CoreMessages", "add the file in Model Manager (Scan Folder / URL or Local Path, 'in place')"),  # noqa: E501
    "reason.one-click": QT_TRANSLATE_NOOP("CoreMessages", "one-click package {path}"),  # noqa: E501
    "reason.portable": QT_TRANSLATE_NOOP("CoreMessages", "portable package {path}"),  # noqa: E501
    "reason.windows-package": QT_TRANSLATE_NOOP("CoreMessages", "Windows package {path}"),  # noqa: E501
    "reason.stability-package": QT_TRANSLATE_NOOP("CoreMessages", "Stability Matrix package {label} in {root}"),  # noqa: E501
    "reason.stability-library": QT_TRANSLATE_NOOP("CoreMessages", "Stability Matrix library{portable}: {markers}"),  # noqa: E501
    "reason.added-by-you": QT_TRANSLATE_NOOP("CoreMessages", "added by you"),  # noqa: E501
    "reason.shared-models": QT_TRANSLATE_NOOP("CoreMessages", "shared Models/{sub}"),  # noqa: E501
    "reason.override": QT_TRANSLATE_NOOP("CoreMessages", "settings.json ModelDirectoryOverride"),  # noqa: E501
    "reason.override-refused": QT_TRANSLATE_NOOP("CoreMessages", "settings.json ModelDirectoryOverride {path} is refused: {why}"),  # noqa: E501
    "reason.override-unusable": QT_TRANSLATE_NOOP("CoreMessages", "settings.json ModelDirectoryOverride {value} is not a usable path: ignored, default Models/ used"),  # noqa: E501
    "reason.ignored-defaults": QT_TRANSLATE_NOOP("CoreMessages", "{what}: ignored, default folders used"),  # noqa: E501
    "reason.package": QT_TRANSLATE_NOOP("CoreMessages", "'{name}' ({package}, shared folders: {method})"),  # noqa: E501
}  # fmt: skip

# A lead for a problem whose sentence no template wrote (a parser's own detail).
CODE_LEADS = {
    "truncated": QT_TRANSLATE_NOOP("CoreMessages", "The file was cut short (an interrupted download or copy?)"),  # noqa: E501
    "not-a-vae": QT_TRANSLATE_NOOP("CoreMessages", "Not a VAE"),
    "unsafe-pickle": QT_TRANSLATE_NOOP("CoreMessages", "Refused: this pickle file cannot be proven safe to load"),  # noqa: E501
    "nan-or-inf": QT_TRANSLATE_NOOP("CoreMessages", "The weights hold NaN/Inf values"),
    "header-too-large": QT_TRANSLATE_NOOP("CoreMessages", "The header is too large"),
    "unknown-format": QT_TRANSLATE_NOOP("CoreMessages", "Not a model file this app can read"),
    "corrupt": QT_TRANSLATE_NOOP("CoreMessages", "The file is damaged"),
    "unreadable": QT_TRANSLATE_NOOP("CoreMessages", "The file cannot be read"),
    "unsupported-tensor": QT_TRANSLATE_NOOP("CoreMessages", "The file holds tensors without plain data"),  # noqa: E501
}  # fmt: skip

# Download phases (app.core.downloads.records.PHASE_*).
PHASES = {
    "connecting": QT_TRANSLATE_NOOP("CoreMessages", "Connecting…"),
    "checking partial file": QT_TRANSLATE_NOOP("CoreMessages", "Checking the part downloaded before…"),  # noqa: E501
    "downloading": QT_TRANSLATE_NOOP("CoreMessages", "Downloading…"),
    "waiting to retry": QT_TRANSLATE_NOOP("CoreMessages", "Waiting to try again…"),
    "verifying": QT_TRANSLATE_NOOP("CoreMessages", "Checking the SHA-256…"),
    "done": QT_TRANSLATE_NOOP("CoreMessages", "Done"),
}  # fmt: skip

# How a lead joins a message, and how reasons join their parts.
LEAD_JOIN = QT_TRANSLATE_NOOP("CoreMessages", "{lead}: {message}")
PART_JOIN = QT_TRANSLATE_NOOP("CoreMessages", "; ")


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def render(message: str, key: str = "", params: Mapping[str, str] | None = None) -> str:
    """``message`` in the window's language; ``key``/``params`` when the record carries them."""
    if not message and not key:
        return ""
    items = tuple(sorted((params or {}).items()))
    return _render(message, key, items, _tr(PART_JOIN)) or message


def problem_text(problem) -> str:
    """A :class:`~app.core.inspection.records.Problem` in the window's language."""
    text = render(problem.message, getattr(problem, "key", ""), getattr(problem, "params", None))
    lead = CODE_LEADS.get(problem.code)
    if text == problem.message and lead and _tr(lead) != lead:
        return _tr(LEAD_JOIN).format(lead=_tr(lead), message=problem.message)
    return text


def problems_text(problems) -> str:
    """Every problem in one line."""
    return _tr(PART_JOIN).join(problem_text(p) for p in problems)


def verdict_text(validation_or_message) -> str:
    """A verdict's explanation (a Validation, or the message the catalog kept)."""
    if isinstance(validation_or_message, str):
        return render(validation_or_message)
    v = validation_or_message
    return render(v.message, getattr(v, "key", ""), getattr(v, "params", None))


def reason_text(source: str) -> str:
    """Why discovery took a folder or install, its parts translated where known.

    Reasons are built from parts ("--vae-dir in webui-user.bat line 5 + models/VAE"),
    so the parts are split before any template is tried on the whole.
    """
    if not source:
        return ""
    return _render(source, "", (), _tr(PART_JOIN), 0, True) or source


def error_text(message: str) -> str:
    """A download, URL or other core error message (``code: message`` from an import too)."""
    code, _, rest = message.partition(": ")
    if code in CODE_LEADS and rest:
        return problem_text(_Coded(code, rest))
    return render(message)


class _Coded(NamedTuple):
    """A problem written as ``code: message`` (an import's refusal reason)."""

    code: str
    message: str


def phase_text(phase: str) -> str:
    """A download phase in words."""
    words = PHASES.get(phase)
    return _tr(words) if words else phase


@lru_cache(maxsize=4096)
def _render(
    message: str, key: str, items: tuple, join: str, depth: int = 0, parts_first: bool = False
) -> str | None:
    """The translation, or None where nothing in ``message`` is a known sentence."""
    if parts_first and not key and (split := _parts(message, join, depth, parts_first)):
        return split
    if key not in TEMPLATES or (not items and "{" in TEMPLATES[key]):
        found = parse(message) if message else None
        if found is None:
            return None if parts_first else _parts(message, join, depth, parts_first)
        key, params = found
        items = tuple(params.items())
    nested = {
        name: _render(value, "", (), join, depth + 1, parts_first) or value
        if depth < MAX_DEPTH
        else value
        for name, value in items
    }
    try:
        return _tr(TEMPLATES[key]).format(**nested)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return TEMPLATES[key].format(**nested) if depth else message


def _parts(message: str, join: str, depth: int, parts_first: bool) -> str | None:
    """Reasons and refusals joined with "; " or " + ": each part on its own."""
    if depth >= MAX_DEPTH:
        return None
    for separator, joined in (("; ", join), (" + ", " + ")):
        parts = message.split(separator)
        if len(parts) > 1:
            rendered = [_render(p, "", (), join, depth + 1, parts_first) or p for p in parts]
            return joined.join(rendered) if rendered != parts else None
    return None
