"""Hand-written input data, per (case, original model name): edge cases hypothesis rarely
produces. Each must be valid for the original model (samples.py asserts it)."""

from __future__ import annotations

from typing import Any

_STD = {"x": 0, "y": 0}
_PYD = {"x": 0.0, "label": "origin", "tags": []}

HANDWRITTEN: dict[tuple[str, str], list[Any]] = {
    # NotRequired keys absent and present, at the top and nested (absent must stay absent).
    ("fixtures/dataclasses_typeddict", "Scene"): [
        {"std": _STD, "pyd": _PYD, "movie": {"title": "", "year": 0}, "coord": [0.0, 0.0]},
        {
            "std": {"x": -1, "y": 2**53},
            "pyd": {"x": -0.0, "label": "", "tags": ["", "\u2028", "😀"]},
            "movie": {"title": "T", "year": 1999, "rating": 9.5},
            "partial": {"id": 1, "nested": {"title": "n", "year": 1}},
            "movies": [{"title": "a", "year": 1}, {"title": "b", "year": 2, "rating": 0.0}],
            "coord": [1e-300, -1e300],
        },
        {"std": _STD, "pyd": _PYD, "movie": {"title": "x", "year": 0},
         "partial": {"id": 0}, "coord": [0.0, 0.0]},
    ],
    # Every nullable at null, and None inside containers.
    ("fixtures/optional_nullable", "Nullables"): [
        {
            "required_nullable": None,
            "required_nullable_old": None,
            "required_nullable_union": None,
            "required_nullable_model": None,
            "optional_value": None,
            "null_first": None,
            "list_of_nullable": [None, 0, None],
            "dict_of_nullable": {"a": None, "": {"v": 1}},
            "nested_optional": [None, {"v": -1}],
        },
        {
            "required_nullable": 2**63,
            "required_nullable_old": "",
            "required_nullable_union": 0.5,
            "required_nullable_model": {"v": 0},
            "nullable_list": [],
        },
    ],
    # Exact decimals at their precision limits; UUIDs of several versions.
    ("fixtures/uuid_decimal", "Invoice"): [
        {
            "id": "00000000-0000-0000-0000-000000000000",
            "v4": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
            "amount": "9999999999.99",
            "rate": "0.9999",
            "plain": "-1E-30",
            "lines": ["0.01", "0", "1234567890.12"],
            "by_currency": {"EUR": "1.10", "": "-0"},
        },
    ],
}
