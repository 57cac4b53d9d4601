"""Pinned samples of the generator bugs recorded in known_failures.py, each an
``xfail(strict=True)``: they fail today, and pass (failing the suite, loudly) once the
generator is fixed; then remove the entry and its exclusion in known_failures.py."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cases import CASES, Case, Target, generated_type, targets
from known_failures import BUG_NOT_REQUIRED_KEY, BUG_POPULATE_BY_NAME
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


@pytest.mark.xfail(strict=True, reason=BUG_NOT_REQUIRED_KEY)
def test_absent_not_required_typeddict_key_stays_absent() -> None:
    # expected "movie": {"title": "", "year": 0}; got "movie": {"rating": null, ...}
    _round_trip(
        _target("fixtures/dataclasses_typeddict", "scene.render result"),
        {"coord": [0.0, 0.0], "movie": {"title": "", "year": 0}, "movies": [], "partial": None,
         "points": {}, "pyd": {"label": "origin", "tags": [], "x": 0.0}, "std": {"x": 0, "y": 0}},
    )


@pytest.mark.xfail(strict=True, reason=BUG_POPULATE_BY_NAME)
def test_missing_required_alias_is_rejected() -> None:
    target = _target("fixtures/wire_names_odd", "names.colliding params")
    data = {"USER_ID": 0, "UserId": 0, "user id": 0, "user-id": 0, "user_id": 0}  # no "userId"
    with pytest.raises(ValidationError):
        target.original.model_validate(data)
    # expected: ValidationError (field "userId" required); got: accepted
    with pytest.raises(ValidationError):
        generated_type(target).adapter.validate_python(data)
