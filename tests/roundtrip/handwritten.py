"""Hand-written input data, per (case, original model name): edge cases hypothesis rarely
produces. Each must be valid for the original model (samples.py asserts it)."""

from __future__ import annotations

from typing import Any

HANDWRITTEN: dict[tuple[str, str], list[Any]] = {}
