"""The English templates of the sentences core shows a user, each with an id.

Core writes plain English sentences (the CLI and ``--json`` print them as they
are). The window translates them: it needs to know *which* sentence a message
is and its parameters, also for messages read back from the catalog, where
only the English text was stored. So every family of user-facing sentence
(file problems, verdict explanations, download and URL errors, discovery
reasons, operation summaries and undo steps) has its template here; :func:`say`
writes one, and :func:`parse` reads a written message back into its template id and parameters.
``app.gui.core_messages`` holds the same templates marked for translation
(a test keeps the two lists equal).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

# Inspection problems (app.core.inspection): unsafe pickles, cut-short files, bad headers.
PROBLEM_TEMPLATES = {
    "pickle.unproven": "cannot be proven safe: {why}",
    "pickle.imports": "pickle imports {names}; loading it could run code, so it is refused",
    "pickle.imports-lightning": (
        "pickle imports {names}; loading it could run code, so it is refused (these are "
        "PyTorch Lightning training objects, usually harmless, but weights-only loading "
        "cannot read them: prefer a .safetensors copy)"
    ),
    "truncated.zip-directory": (
        "zip container has no directory at its end: the file was cut short "
        "(interrupted download or copy?)"
    ),
    "truncated.zip-member-start": "zip member {name} lies past the end of the file",
    "truncated.zip-member-end": "zip member {name} ends past the end of the file",
    "truncated.tensors": (
        "file is {size} bytes but tensors need at least {need}: the file was cut short "
        "(interrupted download or copy?)"
    ),
    "truncated.safetensors-prefix": "file is {size} bytes; a safetensors file needs at least 8",
    "truncated.header": (
        "file is {size} bytes but its header alone needs {need}: the file was cut short "
        "(interrupted download or copy?)"
    ),
    "truncated.empty": "file is empty (0 bytes): an interrupted download or copy?",
    "truncated.safetensors-data": (
        "file is {size} bytes but tensors need {need}: the file was cut short "
        "(interrupted download or copy?)"
    ),
    "truncated.pickle": "pickle data ends early: the file was cut short",
    "corrupt.trailing-bytes": "file has {extra} unexpected bytes after the last tensor",
    "corrupt.pickle": "not a valid pickle ({why})",
    "truncated.inside-member": "the file ends inside a member: it was cut short",
    "header.claims-too-much": (
        "header claims {length} bytes (limit {limit}) but the file is {size} bytes: "
        "corrupt or not a safetensors file"
    ),
    "header.too-large": (
        "header is {length} bytes, more than the {limit} this app reads (real headers, "
        "training metadata included, stay under a few MB)"
    ),
    "header.unloadable": "header {detail}: not a loadable safetensors header",
    "not-a-vae": "this is {what}, not a VAE",
    "not-a-vae.lora": "a LoRA (lora_down/lora_up weights)",
    "not-a-vae.embedding": "a textual-inversion embedding",
    "not-a-vae.diffusion": "diffusion model weights without a VAE",
    "not-a-vae.empty": "a file with no tensors",
    "not-a-vae.other": "{count} tensors with no VAE, LoRA or embedding keys",
    "format.no-diffusers-weights": "folder holds no diffusion_pytorch_model file",
    "format.gguf": "GGUF (quantized) file: not supported for VAEs",
    "format.unknown": "not a safetensors, torch or diffusers model file",
    "format.plain-pickle": "a plain Python pickle, not a torch.save file",
    "format.legacy-tar": (
        "a torch file in the pre-1.0 tar format: weights-only loading refuses it "
        "(re-save it with a current torch)"
    ),
    "format.zip-no-data-pkl": "zip archive without data.pkl: not a torch file",
    "corrupt.crc": "{member} fails its CRC check: the file is damaged",
    "corrupt.zip-directory": "the zip directory points past the end of the file",
    "corrupt.tensor-index": "could not read the tensor index ({detail})",
    "unreadable.read-failed": "read failed: {detail}",
    "nan-or-inf": "{count} NaN/Inf values, first in tensor {tensor}",
    "nan-check.impossible": "cannot check for NaN/Inf: {reason}",
}

# Verdict explanations (app.core.registry, app.core.verdict, app.core.hashing.provenance).
VERDICT_TEMPLATES = {
    "verdict.official": "matches {name}",
    "verdict.mismatch": "named like {name} but the hash differs ({how})",
    "verdict.mismatch-size": "{size} bytes instead of {expected}",
    "verdict.mismatch-short": "{size} bytes instead of {expected}: probably an incomplete download",
    "verdict.mismatch-same-size": "same size, different bytes: corrupt or modified",
    "verdict.pending": "not hashed yet",
    "verdict.unconfirmed": (
        "matches the published but unconfirmed hash of {name}; likely genuine, not verified"
    ),
    "verdict.same-size-other-bytes": (
        "third-party file; same size as {name} but other bytes (another VAE in the same "
        "format, or a modified copy)"
    ),
    "verdict.third-party": "third-party file: not in the registry of official VAEs",
    "verdict.foreign-informational": (
        "hash read from {source}, not computed by VAE Manager: informational only, it "
        "cannot make a file official"
    ),
    "source.a1111": "A1111's cache.json",
    "source.sdnext": "SD.Next's data/cache.json",
    "source.a1111-diskcache": "the A1111/Forge hash cache (cache/hashes)",
    "source.stability-matrix": "Stability Matrix's .cm-info.json",
    "source.unknown": "unknown source",
    "verdict.foreign-pending": (
        "hash read from {source}, not computed by VAE Manager: not judged until VAE Manager "
        "hashes the file itself"
    ),
}

# Download and address errors (app.core.downloads.failures, app.core.downloads.urls).
DOWNLOAD_TEMPLATES = {
    "download.server-answered": "the server answered {status} {reason}",
    "download.token-refused": (
        "the access token was refused ({status} {reason}) for {where}: check the token in "
        "settings and accept the model's licence on its page"
    ),
    "download.token-needed": (
        "this file needs an access token: set it in settings ({status} {reason}: {where})"
    ),
    "download.not-found": "not found ({status} {reason}): {where}",
    "download.refused": "the server refused the download ({status} {reason}): {where}",
    "download.tls": "secure connection failed (certificate or TLS problem): {detail}",
    "download.too-many-redirects": "the server redirected too many times",
    "download.invalid-address": "invalid download address: {detail}",
    "download.connect-timeout": "the server did not accept the connection in time",
    "download.stalled": "no data for {seconds} s (stalled transfer)",
    "download.dropped": "the connection dropped during the transfer",
    "download.connection-refused": "the server refused the connection",
    "download.connection-problem": "connection problem: {detail}",
    "download.gave-up": (
        "{what}: download failed after {tries} tries ({failure}); the partial file is kept, "
        "resume it later"
    ),
    "download.restarts": "{what}: {reason} (gave up after {restarts} restarts)",
    "url.invalid": "the {what} {url} is not a valid URL: {detail}",
    "url.not-https": "the {what} must be an https:// address, got {url}",
    "url.plain-http": (
        "the {what} must use https:// (plain http is only allowed for this computer): {url}"
    ),
    "url.refused": "the {what} {url} is {reason}: refused",
    "hop.invalid": "{lead}, which is not a valid URL ({detail}): refused",
    "hop.not-http": "{lead}, which is not an http(s) address: refused",
    "hop.no-host": "{lead}, which names no host: refused",
    "hop.refused": "{lead}, which is {reason}: refused",
    "hop.plain-http": (
        "{lead}, plain http to another computer (only https is allowed there): refused"
    ),
    "hop.redirected": "the server redirected to {url}",
    "hop.address": "the address {url}",
}

# Why a folder or install was recognised (app.core.installs): joined with "; " and " + ".
REASON_TEMPLATES = {
    "reason.markers": "markers: {markers}",
    "reason.default-models": "default models/{sub}",
    "reason.default-models-desktop": "default models/{sub} (desktop base folder)",
    "reason.default-models-root": "default Models",
    "reason.flag-line": "{name} in {file} line {line}",
    "reason.flag-line-note": "{name} in {file} line {line} ({note})",
    "reason.links-to": "{source} (links to {target})",
    "reason.aki": "aki package (its launcher's own arguments are not read)",
    "reason.output-vae": "output/vae (ComfyUI also lists it)",
    "reason.yaml-section": "{file}: section {section}, {how}",
    "reason.yaml-relative": "{key} (relative to the yaml folder)",
    "reason.desktop-config": "ComfyUI desktop base folder (basePath in {file})",
    "reason.desktop-markers": (
        "ComfyUI desktop base folder (markers: {markers}; no desktop config found)"
    ),
    "reason.config-key": "config.json {key}",
    "reason.invokeai-no-folder": "InvokeAI has no VAE folder",
    "reason.invokeai-add": (
        "add the file in Model Manager (Scan Folder / URL or Local Path, 'in place')"
    ),
    "reason.one-click": "one-click package {path}",
    "reason.portable": "portable package {path}",
    "reason.windows-package": "Windows package {path}",
    "reason.stability-package": "Stability Matrix package {label} in {root}",
    "reason.stability-library": "Stability Matrix library{portable}: {markers}",
    "reason.added-by-you": "added by you",
    "reason.shared-models": "shared Models/{sub}",
    "reason.override": "settings.json ModelDirectoryOverride",
    "reason.override-refused": "settings.json ModelDirectoryOverride {path} is refused: {why}",
    "reason.override-unusable": (
        "settings.json ModelDirectoryOverride {value} is not a usable path: ignored, "
        "default Models/ used"
    ),
    "reason.ignored-defaults": "{what}: ignored, default folders used",
    "reason.package": "'{name}' ({package}, shared folders: {method})",
}

# What each operation did (app.core.operations), as the journal stores it and the
# Undo menu shows it ("Undo <summary>"). The LIST_FIELDS below hold a
# :func:`say_list`; {trash} one of the trash names.
OPERATION_TEMPLATES = {
    "op.link": "link {name} into {where}",
    "op.link-and-unlink": "link {name} into {where}; unlink it from {unlinked}",
    "op.unlink": "unlink {names} from {where}",
    "op.set-default": "make {name} the default VAE of {install} at {root}",
    "op.reset-default": "reset the default VAE of {install} at {root}",
    "op.reset-after-undo": "reset the default VAE after undoing {summary}",
    "op.pair": "pair {vae} with {checkpoint} in {install} at {root}",
    "op.unpair": "unpair {checkpoint} in {install}",
    "op.import": "import {names}",
    "op.remove": "move {names} to {trash}",
    "op.library-move": "move the library from {old} to {new}",
    # link operations recorded before the journal (app.core.linking.records, schema v1)
    "op.link-migrated": "link {name} ({count} links)",
    "op.link-migrated-one": "link {name} (1 link)",
    # app.core.trash.trash_name()
    "trash.linux": "the trash",
    "trash.macos": "the Trash",
    "trash.windows": "the Recycle Bin",
}

# Undo (app.core.operations.undo and each step kind's handler): the menu, its refusals,
# each step's description, and how reversing it went.
UNDO_TEMPLATES = {
    "undo.menu": "Undo {what}",
    "undo.nothing": "Nothing to undo: no recorded operation is left to reverse.",
    "undo.no-such": "No operation {id} is recorded.",
    "undo.already-undone": "Operation {id} ({summary}) was already undone.",
    "undo.did-nothing": "Operation {id} ({summary}) did nothing to undo.",
    "undo.done": "Undone: {what}",
    "undo.partly": "Partly undone: {what}. Left alone:",
    "undo.step": "a '{kind}' step",
    "undo.step-unknown": "this version of VAE Manager cannot undo it",
    "step.remove-link": "remove the link {path}",
    "step.put-back-link": "put back the link {path}",
    "step.put-value-back": "put {key} in {path} back to {old}",
    "step.remove-value": "remove {key} from {path}",
    "step.remove-created-file": "remove {path}, which VAE Manager created",
    "step.restore-trashed": "put {path} back from {trash}",
    "step.move-back": "move {name} back to {folder}",
    "step.trash-library-copy": "move the library's {name} to {trash}",
    "step.move-library-back": "move the library back from {new} to {old}",
    "undone.no-record": "no record of it is left",
    "undone.already-removed": "already removed",
    "undone.already-gone": "already gone",
    "undone.already-there": "it is there already",
    "undone.name-taken": "{name} is taken by another file there",
    "undone.taken-just-now": "{name} was taken just now",
    "undone.recreated": "re-created ({mode})",
    "undone.library-file-gone": "the library file {path} is gone",
    "undone.library-file-changed": "the library file {name} changed since",
    "undone.created-by-app": "VAE Manager had created it",
    "undone.already-so": "it already was",
    "undone.cannot-remove": "cannot remove {path}: {why}",
    "undone.gone-from-library": "already gone from the library",
    "undone.changed-since-import": "{path} changed since it was imported; left alone",
    "undone.moved-back": "moved back to {path}",
    "undone.move-back-taken": "cannot move {name} back: {path} is taken by another file.",
    "undone.move-back-taken-now": "cannot move {name} back: {path} was taken just now.",
    "undone.move-back-failed": "cannot move {name} back to {path}: {why}",
    "undone.kept-source-gone": (
        "{path} is kept: {source} is gone, so the library's file is the only copy left."
    ),
    "undone.kept-source-replaced": (
        "{path} is kept: {source} is no longer the same file, so this may be the only copy."
    ),
    "undone.kept-is-source": "{path} is kept: it is the source itself.",
    "undone.trashed-copy": "moved {name} to {trash} ({source} is still there)",
    "undone.library-elsewhere": "the library is now at {current}, not {new}",
    "undone.not-moved-back": "{count} file(s) not moved back ({path}: {why})",
    "undone.moved-files-back": "moved {count} file(s) back",
    # app.core.trash.restore (the text it writes, read back here)
    "undone.restored": "restored {path} from {trash}",
    "undone.back-already": "{path} is back already",
    "undone.restore-by-hand": (
        "{name} is in {trash}; restore it from there "
        "(the app cannot take files out of {trash} on this system)."
    ),
    "undone.not-in-trash": "{name} is no longer in {trash} (emptied, or restored by hand).",
    "undone.restore-taken": (
        "cannot put {name} back: {path} is taken by another file; it stays in {trash}."
    ),
    # what an operation did with each thing it was given (app.core.operations.*)
    "outcome.not-ours": "left alone: not made by this app",
    "outcome.library-file": (
        "left alone: this is the library file; add --from ROOT to unlink it there"
    ),
    "outcome.none-in": "left alone: the app made no link of it in {where}",
    "outcome.was-app-link": "it was the app's link: removed",
    "outcome.trashed": "moved to {trash}",
    "note.sidecar-not-ours": "{name} was left alone: VAE Manager did not make it.",
    "note.setting-wins": (
        "The install's default VAE (sd_vae) still wins over per-checkpoint choices: reset it "
        "to Automatic, or turn off Settings > VAE > 'Selected VAE overrides per-model "
        "preferences'."
    ),
    "note.still-uses": "A1111 would still use {name} ({source}) with this checkpoint.",
    "note.built-in-vae": "the checkpoint's built-in VAE",
    "note.default-reset": "{install}'s default VAE was {old}; it is now Automatic.",
    "note.default-kept": "{install}'s default VAE was left as it is: {why}",
    "note.catalog-later": "the catalog lists {names} until the next scan: {why}",
}

# What the OS refused (app.core.errors.from_os_error): one lead per thing the app was
# doing ("cannot read {path}"), and the plain reason for each kind of refusal.
SYSTEM_TEMPLATES = {
    "os.cannot-read": "cannot read {path}: {reason}",
    "os.cannot-write": "cannot write {path}: {reason}",
    "os.cannot-open": "cannot open {path}: {reason}",
    "os.cannot-create": "cannot create {path}: {reason}",
    "os.cannot-copy": "cannot copy {path}: {reason}",
    "os.cannot-hash": "cannot hash {path}: {reason}",
    "os.cannot-rename": "cannot rename {path}: {reason}",
    "os.cannot-link": "cannot link {path}: {reason}",
    "os.cannot-list": "cannot list the folder {path}: {reason}",
    "os.cannot-write-library": "cannot write to the library {path}: {reason}",
    "os.cannot-copy-into-library": "cannot copy it into the library {path}: {reason}",
    "os.cannot-undo": "cannot undo {path}: {reason}",
    "os.read": "cannot read: {reason}",
    "os.write": "cannot write: {reason}",
    "os.open": "cannot open: {reason}",
    "os.create": "cannot create: {reason}",
    "os.copy": "cannot copy: {reason}",
    "os.hash": "cannot hash: {reason}",
    "os.rename": "cannot rename: {reason}",
    "os.link": "cannot link: {reason}",
    "os.list": "cannot list the folder: {reason}",
    "os.write-library": "cannot write to the library: {reason}",
    "os.copy-into-library": "cannot copy it into the library: {reason}",
    "os.undo": "cannot undo: {reason}",
    "why.in-use-windows": "another program has it open; close that program and try again",
    "why.gone": "it is not there (moved, renamed or deleted?)",
    "why.permission": (
        "permission denied; check the file's and folder's permissions, or choose another place"
    ),
    "why.full": "the drive is full; free some space and try again",
    "why.read-only": "the drive is read-only; choose a folder on a writable drive",
    "why.io": (
        "the drive reported an input/output error; the disk or its cable may be failing, "
        "so copy what matters elsewhere"
    ),
    "why.network": (
        "the network or share did not answer ({detail}); check the connection and try again"
    ),
    "why.is-folder": "it is a folder, not a file",
    "why.name-too-long": "the name is too long for this drive",
    "why.loop": "it is a link that leads round in a loop (or too many links deep)",
    "why.not-a-folder": "a file stands where a folder should be on that path",
    "why.too-large": "the file is too large for this drive (or for the size limit set for the app)",
    "why.busy": "it is in use by another program; close that program and try again",
    "why.too-many-open": "too many files are open at once; close some programs and try again",
    "why.other-drive": "it is on another drive, and this step only works within one drive",
    "why.exists": "something with that name is already there (it was left untouched)",
    "why.not-empty": "the folder is not empty (it was left untouched)",
    "why.unsupported": "the drive does not support this (a name or operation it cannot hold)",
}

# The app's SQLite files in trouble (app.core.sqlite_errors.describe); {name} is one of
# the db.name-* words, {detail} SQLite's own.
DATABASE_TEMPLATES = {
    "db.corrupt": "the {name} database {path} is damaged ({detail})",
    "db.locked": (
        "the {name} database {path} is locked by another program (another VAE Manager "
        "window or command?); close it and try again"
    ),
    "db.read-only": (
        "the {name} database {path} cannot be written ({detail}); check that it and "
        "the folder {folder} are writable and not on a read-only drive"
    ),
    "db.full": "the drive holding the {name} database {path} is full; free some space",
    "db.cant-open": (
        "cannot open the {name} database {path} ({detail}); check that the folder "
        "{folder} exists and is writable"
    ),
    "db.io": (
        "the drive holding the {name} database {path} reported an I/O error ({detail}); "
        "the disk may be failing: copy the file somewhere safe"
    ),
    "db.permission": "access to the {name} database {path} was denied ({detail})",
    "db.out-of-memory": "the computer ran out of memory using the {name} database",
    "db.name-catalog": "catalog",
    "db.name-links": "links",
    "db.name-fingerprint": "fingerprint",
}

TEMPLATES: dict[str, str] = {
    **PROBLEM_TEMPLATES,
    **VERDICT_TEMPLATES,
    **DOWNLOAD_TEMPLATES,
    **REASON_TEMPLATES,
    **OPERATION_TEMPLATES,
    **UNDO_TEMPLATES,
    **SYSTEM_TEMPLATES,
    **DATABASE_TEMPLATES,
}

# How :func:`say_list` joins names ("A, B and C"). Not in TEMPLATES: a bare
# "{items} and {last}" would claim every sentence with an "and" in it, so only the
# parameters LIST_FIELDS names (template id -> fields) are read back as lists
# (:func:`parse_list`).
LIST_TEMPLATES = {
    "list.nothing": "nothing",
    "list.separator": ", ",
    "list.last": "{items} and {last}",
    "list.more": "{count} more",
}
LIST_FIELDS: dict[str, frozenset[str]] = {
    "op.link": frozenset({"where"}),
    "op.link-and-unlink": frozenset({"where", "unlinked"}),
    "op.unlink": frozenset({"names", "where"}),
    "op.import": frozenset({"names"}),
    "op.remove": frozenset({"names"}),
    "outcome.none-in": frozenset({"where"}),
}
_FIELD = re.compile(r"\{([a-z_]+)\}")


def say(key: str, /, **params: object) -> str:
    """The English sentence of template ``key`` (what the CLI prints)."""
    return TEMPLATES[key].format(**params)


def parse(message: str) -> tuple[str, dict[str, str]] | None:
    """The template id and parameters that wrote ``message``, or None for other text."""
    for key, pattern in _patterns():
        found = pattern.fullmatch(message)
        if found:
            return key, found.groupdict()
    return None


def fields(template: str) -> set[str]:
    """The placeholder names of a template."""
    return set(_FIELD.findall(template))


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Most literal text first, so "markers: ..." beats a bare "{source} (links to ...)".
    def literal_length(item: tuple[str, str]) -> int:
        return len(_FIELD.sub("", item[1]))

    ordered = sorted(TEMPLATES.items(), key=literal_length, reverse=True)
    return tuple((key, _compile(template)) for key, template in ordered)


def _compile(template: str) -> re.Pattern[str]:
    parts, last, seen = [], 0, set()
    for found in _FIELD.finditer(template):
        name = found.group(1)
        parts.append(re.escape(template[last : found.start()]))
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")  # "{trash}" twice
        seen.add(name)
        last = found.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def say_list(items: Sequence[str]) -> str:
    """Names joined the way a sentence does: A; A and B; A, B and C ("nothing" for none)."""
    unique = list(dict.fromkeys(items))
    if not unique:
        return LIST_TEMPLATES["list.nothing"]
    if len(unique) == 1:
        return unique[0]
    head = LIST_TEMPLATES["list.separator"].join(unique[:-1])
    return LIST_TEMPLATES["list.last"].format(items=head, last=unique[-1])


def say_more(count: int) -> str:
    """The last item of a shortened list: "3 more"."""
    return LIST_TEMPLATES["list.more"].format(count=count)


def parse_list(text: str) -> list[str]:
    """The names :func:`say_list` joined (a name holding ", " or " and " reads as two)."""
    if text == LIST_TEMPLATES["list.nothing"]:
        return []
    head, found, last = text.rpartition(" and ")
    if not found:
        return [text]
    return [*head.split(LIST_TEMPLATES["list.separator"]), last]


def as_text(params: Mapping[str, object] | None) -> dict[str, str]:
    """``params`` with every value as the text its placeholder shows."""
    return {k: str(v) for k, v in (params or {}).items()}
