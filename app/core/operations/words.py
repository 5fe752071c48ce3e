"""Plain-words helpers for operation summaries ("link a.safetensors into ComfyUI and Forge").

The words come from :mod:`app.core.messages` (the journal stores the English, the
window reads it back into its templates and translates it).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.messages import say_list, say_more


def plain_list(items: Sequence[str]) -> str:
    """Join names the way a sentence does: A; A and B; A, B and C ("nothing" for none)."""
    return say_list(items)


def short_list(names: Sequence[str], keep: int = 3) -> str:
    """At most ``keep`` names, the rest counted: "a, b and 3 more"."""
    if len(names) > keep:
        names = [*names[: keep - 1], say_more(len(names) - keep + 1)]
    return say_list(names)


def count(n: int, noun: str) -> str:
    """A count with its noun: 1 link, 2 links."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
