"""Pinned samples of generator bugs. An open bug recorded in known_failures.py gets a test
here marked ``xfail(strict=True)``: it fails while the bug is there and passes (failing the
suite, loudly) once the generator is fixed; then the mark and the exclusion in
known_failures.py go, and the test stays as a regression test (as the ones below)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cases import CASES, Case, Target, generated_type, targets
from samples import canonical


def _target(case_name: str, where: str) -> Target:
    case: Case = next(c for c in CASES if c.name == case_name)
    return next(t for t in targets(case) if t.where == where)


def _round_trip(target: Target, sample: Any) -> None:
    target.original.model_validate(sample)  # the sample is valid for the original
    assert canonical(target.original.model_validate(sample).model_dump(
        mode="json", by_alias=True)) == canonical(sample)
    adapter = generated_type(target).adapter
    back = adapter.dump_python(adapter.validate_python(sample), mode="json", by_alias=True)
    assert canonical(back) == canonical(sample)


def test_int_in_int_float_str_union_stays_int() -> None:
    # Was a generator bug (the Python union dropped `int` beside `float`): 0 came back 0.0.
    _round_trip(_target("fixtures/unions_primitives", "values.normalize result"),
                {"value": 0, "kind": "int"})


def test_absent_not_required_typeddict_key_stays_absent() -> None:
    # Was a generator bug: a property neither required nor nullable, with no default
    # (TypedDict NotRequired `rating: float`), became `rating: float | None = None` and an
    # absent key came back as "rating": null. Now `float | MISSING = MISSING`.
    _round_trip(
        _target("fixtures/dataclasses_typeddict", "scene.render result"),
        {"coord": [0.0, 0.0], "movie": {"title": "", "year": 0}, "movies": [], "partial": None,
         "points": {}, "pyd": {"label": "origin", "tags": [], "x": 0.0}, "std": {"x": 0, "y": 0}},
    )


def test_null_for_a_not_required_not_nullable_key_is_rejected() -> None:
    target = _target("fixtures/dataclasses_typeddict", "scene.render result")
    data = {"coord": [0.0, 0.0], "movie": {"title": "", "year": 0, "rating": None},
            "movies": [], "partial": None, "points": {},
            "pyd": {"label": "origin", "tags": [], "x": 0.0}, "std": {"x": 0, "y": 0}}
    with pytest.raises(ValidationError):
        target.original.model_validate(data)
    with pytest.raises(ValidationError):
        generated_type(target).adapter.validate_python(data)


def test_missing_required_alias_is_rejected() -> None:
    # Was a generator bug: with populate_by_name, the field for wire key "userId" was named
    # `user_id`, another field's wire key, so "user_id" filled it. Wire names are now
    # reserved for their own fields.
    target = _target("fixtures/wire_names_odd", "names.colliding params")
    data = {"USER_ID": 0, "UserId": 0, "user id": 0, "user-id": 0, "user_id": 0}  # no "userId"
    with pytest.raises(ValidationError):
        target.original.model_validate(data)
    with pytest.raises(ValidationError):
        generated_type(target).adapter.validate_python(data)
