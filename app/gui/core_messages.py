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

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication

from app.core.messages import LIST_FIELDS, parse, parse_list
from app.gui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.core.inspection.records import Problem
    from app.core.operations.undo import StepUndone
    from app.core.registry import Validation

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
    "op.link": QT_TRANSLATE_NOOP("CoreMessages", "link {name} into {where}"),  # noqa: E501
    "op.link-and-unlink": QT_TRANSLATE_NOOP("CoreMessages", "link {name} into {where}; unlink it from {unlinked}"),  # noqa: E501
    "op.unlink": QT_TRANSLATE_NOOP("CoreMessages", "unlink {names} from {where}"),  # noqa: E501
    "op.set-default": QT_TRANSLATE_NOOP("CoreMessages", "make {name} the default VAE of {install} at {root}"),  # noqa: E501
    "op.reset-default": QT_TRANSLATE_NOOP("CoreMessages", "reset the default VAE of {install} at {root}"),  # noqa: E501
    "op.reset-after-undo": QT_TRANSLATE_NOOP("CoreMessages", "reset the default VAE after undoing {summary}"),  # noqa: E501
    "op.pair": QT_TRANSLATE_NOOP("CoreMessages", "pair {vae} with {checkpoint} in {install} at {root}"),  # noqa: E501
    "op.unpair": QT_TRANSLATE_NOOP("CoreMessages", "unpair {checkpoint} in {install}"),  # noqa: E501
    "op.import": QT_TRANSLATE_NOOP("CoreMessages", "import {names}"),  # noqa: E501
    "op.remove": QT_TRANSLATE_NOOP("CoreMessages", "move {names} to {trash}"),  # noqa: E501
    "op.library-move": QT_TRANSLATE_NOOP("CoreMessages", "move the library from {old} to {new}"),  # noqa: E501
    "op.link-migrated": QT_TRANSLATE_NOOP("CoreMessages", "link {name} ({count} links)"),  # noqa: E501
    "op.link-migrated-one": QT_TRANSLATE_NOOP("CoreMessages", "link {name} (1 link)"),  # noqa: E501
    "trash.linux": QT_TRANSLATE_NOOP("CoreMessages", "the trash"),  # noqa: E501
    "trash.macos": QT_TRANSLATE_NOOP("CoreMessages", "the Trash"),  # noqa: E501
    "trash.windows": QT_TRANSLATE_NOOP("CoreMessages", "the Recycle Bin"),  # noqa: E501
    "undo.menu": QT_TRANSLATE_NOOP("CoreMessages", "Undo {what}"),  # noqa: E501
    "undo.nothing": QT_TRANSLATE_NOOP("CoreMessages", "Nothing to undo: no recorded operation is left to reverse."),  # noqa: E501
    "undo.no-such": QT_TRANSLATE_NOOP("CoreMessages", "No operation {id} is recorded."),  # noqa: E501
    "undo.already-undone": QT_TRANSLATE_NOOP("CoreMessages", "Operation {id} ({summary}) was already undone."),  # noqa: E501
    "undo.did-nothing": QT_TRANSLATE_NOOP("CoreMessages", "Operation {id} ({summary}) did nothing to undo."),  # noqa: E501
    "undo.done": QT_TRANSLATE_NOOP("CoreMessages", "Undone: {what}"),  # noqa: E501
    "undo.partly": QT_TRANSLATE_NOOP("CoreMessages", "Partly undone: {what}. Left alone:"),  # noqa: E501
    "undo.step": QT_TRANSLATE_NOOP("CoreMessages", "a '{kind}' step"),  # noqa: E501
    "undo.step-unknown": QT_TRANSLATE_NOOP("CoreMessages", "this version of VAE Manager cannot undo it"),  # noqa: E501
    "step.remove-link": QT_TRANSLATE_NOOP("CoreMessages", "remove the link {path}"),  # noqa: E501
    "step.put-back-link": QT_TRANSLATE_NOOP("CoreMessages", "put back the link {path}"),  # noqa: E501
    "step.put-value-back": QT_TRANSLATE_NOOP("CoreMessages", "put {key} in {path} back to {old}"),  # noqa: E501
    "step.remove-value": QT_TRANSLATE_NOOP("CoreMessages", "remove {key} from {path}"),  # noqa: E501
    "step.remove-created-file": QT_TRANSLATE_NOOP("CoreMessages", "remove {path}, which VAE Manager created"),  # noqa: E501
    "step.restore-trashed": QT_TRANSLATE_NOOP("CoreMessages", "put {path} back from {trash}"),  # noqa: E501
    "step.move-back": QT_TRANSLATE_NOOP("CoreMessages", "move {name} back to {folder}"),  # noqa: E501
    "step.trash-library-copy": QT_TRANSLATE_NOOP("CoreMessages", "move the library's {name} to {trash}"),  # noqa: E501
    "step.move-library-back": QT_TRANSLATE_NOOP("CoreMessages", "move the library back from {new} to {old}"),  # noqa: E501
    "undone.no-record": QT_TRANSLATE_NOOP("CoreMessages", "no record of it is left"),  # noqa: E501
    "undone.already-removed": QT_TRANSLATE_NOOP("CoreMessages", "already removed"),  # noqa: E501
    "undone.already-gone": QT_TRANSLATE_NOOP("CoreMessages", "already gone"),  # noqa: E501
    "undone.already-there": QT_TRANSLATE_NOOP("CoreMessages", "it is there already"),  # noqa: E501
    "undone.name-taken": QT_TRANSLATE_NOOP("CoreMessages", "{name} is taken by another file there"),  # noqa: E501
    "undone.taken-just-now": QT_TRANSLATE_NOOP("CoreMessages", "{name} was taken just now"),  # noqa: E501
    "undone.recreated": QT_TRANSLATE_NOOP("CoreMessages", "re-created ({mode})"),  # noqa: E501
    "undone.library-file-gone": QT_TRANSLATE_NOOP("CoreMessages", "the library file {path} is gone"),  # noqa: E501
    "undone.library-file-changed": QT_TRANSLATE_NOOP("CoreMessages", "the library file {name} changed since"),  # noqa: E501
    "undone.created-by-app": QT_TRANSLATE_NOOP("CoreMessages", "VAE Manager had created it"),  # noqa: E501
    "undone.already-so": QT_TRANSLATE_NOOP("CoreMessages", "it already was"),  # noqa: E501
    "undone.cannot-remove": QT_TRANSLATE_NOOP("CoreMessages", "cannot remove {path}: {why}"),  # noqa: E501
    "undone.gone-from-library": QT_TRANSLATE_NOOP("CoreMessages", "already gone from the library"),  # noqa: E501
    "undone.changed-since-import": QT_TRANSLATE_NOOP("CoreMessages", "{path} changed since it was imported; left alone"),  # noqa: E501
    "undone.moved-back": QT_TRANSLATE_NOOP("CoreMessages", "moved back to {path}"),  # noqa: E501
    "undone.move-back-taken": QT_TRANSLATE_NOOP("CoreMessages", "cannot move {name} back: {path} is taken by another file."),  # noqa: E501
    "undone.move-back-taken-now": QT_TRANSLATE_NOOP("CoreMessages", "cannot move {name} back: {path} was taken just now."),  # noqa: E501
    "undone.move-back-failed": QT_TRANSLATE_NOOP("CoreMessages", "cannot move {name} back to {path}: {why}"),  # noqa: E501
    "undone.kept-source-gone": QT_TRANSLATE_NOOP("CoreMessages", "{path} is kept: {source} is gone, so the library's file is the only copy left."),  # noqa: E501
    "undone.kept-source-replaced": QT_TRANSLATE_NOOP("CoreMessages", "{path} is kept: {source} is no longer the same file, so this may be the only copy."),  # noqa: E501
    "undone.kept-is-source": QT_TRANSLATE_NOOP("CoreMessages", "{path} is kept: it is the source itself."),  # noqa: E501
    "undone.trashed-copy": QT_TRANSLATE_NOOP("CoreMessages", "moved {name} to {trash} ({source} is still there)"),  # noqa: E501
    "undone.library-elsewhere": QT_TRANSLATE_NOOP("CoreMessages", "the library is now at {current}, not {new}"),  # noqa: E501
    "undone.not-moved-back": QT_TRANSLATE_NOOP("CoreMessages", "{count} file(s) not moved back ({path}: {why})"),  # noqa: E501
    "undone.moved-files-back": QT_TRANSLATE_NOOP("CoreMessages", "moved {count} file(s) back"),  # noqa: E501
    "undone.restored": QT_TRANSLATE_NOOP("CoreMessages", "restored {path} from {trash}"),  # noqa: E501
    "undone.back-already": QT_TRANSLATE_NOOP("CoreMessages", "{path} is back already"),  # noqa: E501
    "undone.restore-by-hand": QT_TRANSLATE_NOOP("CoreMessages", "{name} is in {trash}; restore it from there (the app cannot take files out of {trash} on this system)."),  # noqa: E501
    "undone.not-in-trash": QT_TRANSLATE_NOOP("CoreMessages", "{name} is no longer in {trash} (emptied, or restored by hand)."),  # noqa: E501
    "undone.restore-taken": QT_TRANSLATE_NOOP("CoreMessages", "cannot put {name} back: {path} is taken by another file; it stays in {trash}."),  # noqa: E501
    "outcome.not-ours": QT_TRANSLATE_NOOP("CoreMessages", "left alone: not made by this app"),  # noqa: E501
    "outcome.library-file": QT_TRANSLATE_NOOP("CoreMessages", "left alone: this is the library file; add --from ROOT to unlink it there"),  # noqa: E501
    "outcome.none-in": QT_TRANSLATE_NOOP("CoreMessages", "left alone: the app made no link of it in {where}"),  # noqa: E501
    "outcome.was-app-link": QT_TRANSLATE_NOOP("CoreMessages", "it was the app's link: removed"),  # noqa: E501
    "outcome.trashed": QT_TRANSLATE_NOOP("CoreMessages", "moved to {trash}"),  # noqa: E501
    "note.sidecar-not-ours": QT_TRANSLATE_NOOP("CoreMessages", "{name} was left alone: VAE Manager did not make it."),  # noqa: E501
    "note.setting-wins": QT_TRANSLATE_NOOP("CoreMessages", "The install's default VAE (sd_vae) still wins over per-checkpoint choices: reset it to Automatic, or turn off Settings > VAE > 'Selected VAE overrides per-model preferences'."),  # noqa: E501
    "note.still-uses": QT_TRANSLATE_NOOP("CoreMessages", "A1111 would still use {name} ({source}) with this checkpoint."),  # noqa: E501
    "note.built-in-vae": QT_TRANSLATE_NOOP("CoreMessages", "the checkpoint's built-in VAE"),  # noqa: E501
    "note.default-reset": QT_TRANSLATE_NOOP("CoreMessages", "{install}'s default VAE was {old}; it is now Automatic."),  # noqa: E501
    "note.default-kept": QT_TRANSLATE_NOOP("CoreMessages", "{install}'s default VAE was left as it is: {why}"),  # noqa: E501
    "note.catalog-later": QT_TRANSLATE_NOOP("CoreMessages", "the catalog lists {names} until the next scan: {why}"),  # noqa: E501
    "os.cannot-read": QT_TRANSLATE_NOOP("CoreMessages", "cannot read {path}: {reason}"),  # noqa: E501
    "os.cannot-write": QT_TRANSLATE_NOOP("CoreMessages", "cannot write {path}: {reason}"),  # noqa: E501
    "os.cannot-open": QT_TRANSLATE_NOOP("CoreMessages", "cannot open {path}: {reason}"),  # noqa: E501
    "os.cannot-create": QT_TRANSLATE_NOOP("CoreMessages", "cannot create {path}: {reason}"),  # noqa: E501
    "os.cannot-copy": QT_TRANSLATE_NOOP("CoreMessages", "cannot copy {path}: {reason}"),  # noqa: E501
    "os.cannot-hash": QT_TRANSLATE_NOOP("CoreMessages", "cannot hash {path}: {reason}"),  # noqa: E501
    "os.cannot-rename": QT_TRANSLATE_NOOP("CoreMessages", "cannot rename {path}: {reason}"),  # noqa: E501
    "os.cannot-link": QT_TRANSLATE_NOOP("CoreMessages", "cannot link {path}: {reason}"),  # noqa: E501
    "os.cannot-list": QT_TRANSLATE_NOOP("CoreMessages", "cannot list the folder {path}: {reason}"),  # noqa: E501
    "os.cannot-write-library": QT_TRANSLATE_NOOP("CoreMessages", "cannot write to the library {path}: {reason}"),  # noqa: E501
    "os.cannot-copy-into-library": QT_TRANSLATE_NOOP("CoreMessages", "cannot copy it into the library {path}: {reason}"),  # noqa: E501
    "os.cannot-undo": QT_TRANSLATE_NOOP("CoreMessages", "cannot undo {path}: {reason}"),  # noqa: E501
    "os.read": QT_TRANSLATE_NOOP("CoreMessages", "cannot read: {reason}"),  # noqa: E501
    "os.write": QT_TRANSLATE_NOOP("CoreMessages", "cannot write: {reason}"),  # noqa: E501
    "os.open": QT_TRANSLATE_NOOP("CoreMessages", "cannot open: {reason}"),  # noqa: E501
    "os.create": QT_TRANSLATE_NOOP("CoreMessages", "cannot create: {reason}"),  # noqa: E501
    "os.copy": QT_TRANSLATE_NOOP("CoreMessages", "cannot copy: {reason}"),  # noqa: E501
    "os.hash": QT_TRANSLATE_NOOP("CoreMessages", "cannot hash: {reason}"),  # noqa: E501
    "os.rename": QT_TRANSLATE_NOOP("CoreMessages", "cannot rename: {reason}"),  # noqa: E501
    "os.link": QT_TRANSLATE_NOOP("CoreMessages", "cannot link: {reason}"),  # noqa: E501
    "os.list": QT_TRANSLATE_NOOP("CoreMessages", "cannot list the folder: {reason}"),  # noqa: E501
    "os.write-library": QT_TRANSLATE_NOOP("CoreMessages", "cannot write to the library: {reason}"),  # noqa: E501
    "os.copy-into-library": QT_TRANSLATE_NOOP("CoreMessages", "cannot copy it into the library: {reason}"),  # noqa: E501
    "os.undo": QT_TRANSLATE_NOOP("CoreMessages", "cannot undo: {reason}"),  # noqa: E501
    "why.in-use-windows": QT_TRANSLATE_NOOP("CoreMessages", "another program has it open; close that program and try again"),  # noqa: E501
    "why.gone": QT_TRANSLATE_NOOP("CoreMessages", "it is not there (moved, renamed or deleted?)"),  # noqa: E501
    "why.permission": QT_TRANSLATE_NOOP("CoreMessages", "permission denied; check the file's and folder's permissions, or choose another place"),  # noqa: E501
    "why.full": QT_TRANSLATE_NOOP("CoreMessages", "the drive is full; free some space and try again"),  # noqa: E501
    "why.read-only": QT_TRANSLATE_NOOP("CoreMessages", "the drive is read-only; choose a folder on a writable drive"),  # noqa: E501
    "why.io": QT_TRANSLATE_NOOP("CoreMessages", "the drive reported an input/output error; the disk or its cable may be failing, so copy what matters elsewhere"),  # noqa: E501
    "why.network": QT_TRANSLATE_NOOP("CoreMessages", "the network or share did not answer ({detail}); check the connection and try again"),  # noqa: E501
    "why.is-folder": QT_TRANSLATE_NOOP("CoreMessages", "it is a folder, not a file"),  # noqa: E501
    "why.name-too-long": QT_TRANSLATE_NOOP("CoreMessages", "the name is too long for this drive"),  # noqa: E501
    "why.loop": QT_TRANSLATE_NOOP("CoreMessages", "it is a link that leads round in a loop (or too many links deep)"),  # noqa: E501
    "why.not-a-folder": QT_TRANSLATE_NOOP("CoreMessages", "a file stands where a folder should be on that path"),  # noqa: E501
    "why.too-large": QT_TRANSLATE_NOOP("CoreMessages", "the file is too large for this drive (or for the size limit set for the app)"),  # noqa: E501
    "why.busy": QT_TRANSLATE_NOOP("CoreMessages", "it is in use by another program; close that program and try again"),  # noqa: E501
    "why.too-many-open": QT_TRANSLATE_NOOP("CoreMessages", "too many files are open at once; close some programs and try again"),  # noqa: E501
    "why.other-drive": QT_TRANSLATE_NOOP("CoreMessages", "it is on another drive, and this step only works within one drive"),  # noqa: E501
    "why.exists": QT_TRANSLATE_NOOP("CoreMessages", "something with that name is already there (it was left untouched)"),  # noqa: E501
    "why.not-empty": QT_TRANSLATE_NOOP("CoreMessages", "the folder is not empty (it was left untouched)"),  # noqa: E501
    "why.unsupported": QT_TRANSLATE_NOOP("CoreMessages", "the drive does not support this (a name or operation it cannot hold)"),  # noqa: E501
    "db.corrupt": QT_TRANSLATE_NOOP("CoreMessages", "the {name} database {path} is damaged ({detail})"),  # noqa: E501
    "db.locked": QT_TRANSLATE_NOOP("CoreMessages", "the {name} database {path} is locked by another program (another VAE Manager window or command?); close it and try again"),  # noqa: E501
    "db.read-only": QT_TRANSLATE_NOOP("CoreMessages", "the {name} database {path} cannot be written ({detail}); check that it and the folder {folder} are writable and not on a read-only drive"),  # noqa: E501
    "db.full": QT_TRANSLATE_NOOP("CoreMessages", "the drive holding the {name} database {path} is full; free some space"),  # noqa: E501
    "db.cant-open": QT_TRANSLATE_NOOP("CoreMessages", "cannot open the {name} database {path} ({detail}); check that the folder {folder} exists and is writable"),  # noqa: E501
    "db.io": QT_TRANSLATE_NOOP("CoreMessages", "the drive holding the {name} database {path} reported an I/O error ({detail}); the disk may be failing: copy the file somewhere safe"),  # noqa: E501
    "db.permission": QT_TRANSLATE_NOOP("CoreMessages", "access to the {name} database {path} was denied ({detail})"),  # noqa: E501
    "db.out-of-memory": QT_TRANSLATE_NOOP("CoreMessages", "the computer ran out of memory using the {name} database"),  # noqa: E501
    "db.name-catalog": QT_TRANSLATE_NOOP("CoreMessages", "catalog"),  # noqa: E501
    "db.name-links": QT_TRANSLATE_NOOP("CoreMessages", "links"),  # noqa: E501
    "db.name-fingerprint": QT_TRANSLATE_NOOP("CoreMessages", "fingerprint"),  # noqa: E501
}  # fmt: skip

# How core joins names in a list (app.core.messages.LIST_TEMPLATES; a test keeps them equal).
LIST_TEMPLATES = {
    "list.nothing": QT_TRANSLATE_NOOP("CoreMessages", "nothing"),
    "list.separator": QT_TRANSLATE_NOOP("CoreMessages", ", "),
    "list.last": QT_TRANSLATE_NOOP("CoreMessages", "{items} and {last}"),
    "list.more": QT_TRANSLATE_NOOP("CoreMessages", "{count} more"),
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


def problem_text(problem: Problem | _Coded) -> str:
    """A :class:`~app.core.inspection.records.Problem` in the window's language."""
    text = render(problem.message, getattr(problem, "key", ""), getattr(problem, "params", None))
    lead = CODE_LEADS.get(problem.code)
    if text == problem.message and lead and _tr(lead) != lead:
        return _tr(LEAD_JOIN).format(lead=_tr(lead), message=problem.message)
    return text


def problems_text(problems: Iterable[Problem]) -> str:
    """Every problem in one line."""
    return _tr(PART_JOIN).join(problem_text(p) for p in problems)


def verdict_text(validation_or_message: Validation | str) -> str:
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


def step_text(step: StepUndone) -> str:
    """An undo step left alone (:class:`~app.core.operations.undo.StepUndone`): what, and why."""
    what = render(step.description)
    if not step.reason:
        return what
    return _tr(LEAD_JOIN).format(lead=what, message=error_text(step.reason))


def phase_text(phase: str) -> str:
    """A download phase in words."""
    words = PHASES.get(phase)
    return _tr(words) if words else phase


@lru_cache(maxsize=4096)
def _render(
    message: str,
    key: str,
    items: tuple[tuple[str, str], ...],
    join: str,
    depth: int = 0,
    parts_first: bool = False,
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
    lists = LIST_FIELDS.get(key, frozenset())
    nested = {name: _param(value, name in lists, join, depth, parts_first) for name, value in items}
    try:
        return _tr(TEMPLATES[key]).format(**nested)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return TEMPLATES[key].format(**nested) if depth else message


def _param(value: str, is_list: bool, join: str, depth: int, parts_first: bool) -> str:
    """One parameter, itself translated where it is a core sentence or a list of names."""
    if depth >= MAX_DEPTH:
        return value
    if is_list:
        return _list(value, join, depth)
    return _render(value, "", (), join, depth + 1, parts_first) or value


def _list(text: str, join: str, depth: int) -> str:
    """A list of names core joined ("a, b and 3 more"), joined the window's way."""
    names = parse_list(text)
    if not names:
        return _tr(LIST_TEMPLATES["list.nothing"])
    shown = [_more(n) or _render(n, "", (), join, depth + 1) or n for n in names]
    if len(shown) == 1:
        return shown[0]
    head = _tr(LIST_TEMPLATES["list.separator"]).join(shown[:-1])
    return _tr(LIST_TEMPLATES["list.last"]).format(items=head, last=shown[-1])


def _more(name: str) -> str | None:
    """The end of a shortened list ("3 more") in the window's language."""
    count, found, rest = name.partition(" ")
    if found and count.isdigit() and f"{{count}}{found}{rest}" == LIST_TEMPLATES["list.more"]:
        return _tr(LIST_TEMPLATES["list.more"]).format(count=count)
    return None


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
