"""Moved to :mod:`app.core.publish`; these names stay for existing importers."""

from app.core.publish.atomic import json_text, write_json_atomic

__all__ = ["json_text", "write_json_atomic"]
