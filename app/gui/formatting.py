"""Numbers and verdicts as people read them, shared by every panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:  # the catalog pulls in numpy: not at window start
    from app.core.catalog.records import CatalogEntry

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")  # 1024-based, so the binary prefixes


def human_size(size: int | None) -> str:
    """Bytes with a unit, one decimal above 1 KiB (1024-based, labelled as such)."""
    if size is None:
        return "—"
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def human_speed(bytes_per_second: float | None) -> str:
    """A download speed, e.g. ``12.3 MiB/s``."""
    if not bytes_per_second:
        return "—"
    return human_size(int(bytes_per_second)) + "/s"


def human_eta(seconds: float | None) -> str:
    """Time left, rounded to what a person cares about."""
    if seconds is None or seconds < 0:
        return "—"
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return QCoreApplication.translate("Formatting", "{n} s").format(n=seconds)
    if seconds < 3600:
        return QCoreApplication.translate("Formatting", "{m} min {s:02d} s").format(
            m=seconds // 60, s=seconds % 60
        )
    return QCoreApplication.translate("Formatting", "{h} h {m:02d} min").format(
        h=seconds // 3600, m=seconds % 3600 // 60
    )


FAMILY_NAMES = {
    "sd1": "SD 1.x",
    "sdxl": "SDXL",
    "sd1-or-sdxl": "SD1 / SDXL",
    "sd3": "SD 3",
    "flux1": "FLUX.1",
    "sd3-or-flux1": "SD3 / FLUX.1",
    "taesd": "TAESD",
}


def family_name(family: str | None) -> str:
    """The model family as users know it (``SDXL``, ``SD 1.x``)."""
    if not family or family == "unknown":
        return QCoreApplication.translate("Formatting", "unknown")
    if family in FAMILY_NAMES:
        return FAMILY_NAMES[family]
    from app.core.inspection.vae_families import display_name  # every other family's name

    return display_name(family)


@dataclass(frozen=True)
class Badge:
    """A validation verdict as shown: a key for sorting/filtering, a label, a colour."""

    key: str
    label: str
    colour: str
    order: int


BADGE_KEYS = ("official", "mismatch", "unknown", "invalid", "unsafe", "pending")
# White text on each colour reads at WCAG AA (contrast >= 4.5), in both themes.
_BADGE_STYLE = {
    "official": ("#2f7d3b", 0),
    "mismatch": ("#c92a2a", 3),
    "unknown": ("#5c677d", 2),
    "invalid": ("#d32f2f", 4),
    "unsafe": ("#c2410c", 5),
    "pending": ("#6b7280", 1),
}


def badge_label(key: str) -> str:
    """The translated word on a verdict badge."""
    labels = {
        "official": QCoreApplication.translate("Formatting", "official"),
        "mismatch": QCoreApplication.translate("Formatting", "mismatch"),
        "unknown": QCoreApplication.translate("Formatting", "unknown"),
        "invalid": QCoreApplication.translate("Formatting", "invalid"),
        "unsafe": QCoreApplication.translate("Formatting", "unsafe"),
        "pending": QCoreApplication.translate("Formatting", "hashing…"),
    }
    return labels[key]


def badge_for(entry: CatalogEntry) -> Badge:
    """The core's one verdict (``app.core.verdict.verdict_key``) as a badge."""
    from app.core.verdict import verdict_key

    key = verdict_key(entry.validation, (p.code for p in entry.problems), entry.sha256)
    colour, order = _BADGE_STYLE[key]
    return Badge(key, badge_label(key), colour, order)
