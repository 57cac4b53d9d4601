"""Python side of the round trip, one test per target (a top-level model in one mode).

For every sample (see samples.py: for results and events the original model's JSON dump of a
valid instance; for params the input JSON the original accepts), the generated client's type
(the one its method signature or event table uses) validates it, and:
- results and events: dumps it back to exactly the same JSON;
- params: dumps it stably, and what the client sends (its ``exclude_unset`` dump) is
  accepted by the original model and read as the same value as the sample itself (input
  JSON is lax, "5" for an int, so the comparison is of what the server reads);
and for schema-guided invalid variants of the first samples (mutations.py): whatever the
original model rejects, the generated type rejects too.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from cases import CASES, Target, document, generated_type, targets
from handwritten import HANDWRITTEN
from known_failures import KNOWN_FAILURES, known_failure, known_mutation_failure
from mutations import mutations, unordered_sets
from samples import canonical, samples

TARGETS = [t for case in CASES for t in targets(case)]


def test_handwritten_samples_name_a_target() -> None:
    # A misspelt key would leave its samples unused without a word.
    targets_by_model = {(t.case.name, t.original.__name__) for t in TARGETS}
    assert set(HANDWRITTEN) <= targets_by_model, set(HANDWRITTEN) - targets_by_model
NEGATIVE_SAMPLES = 4
MAX_MUTATIONS = 60


def _params(targets_: list[Target], *, known: bool = False) -> list[Any]:
    out = []
    for t in targets_:
        marks = []
        reason = KNOWN_FAILURES.get(t.id) if known else None
        if reason is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        out.append(pytest.param(t, id=t.id, marks=marks))
    return out


def _dump(adapter: Any, value: Any, **kw: Any) -> Any:
    return adapter.dump_python(value, mode="json", by_alias=True, **kw)


@pytest.mark.parametrize("target", _params(TARGETS, known=True))
def test_valid_samples_round_trip(target: Target) -> None:
    generated = generated_type(target)
    data = samples(target)
    assert len(data) >= 1, f"{target.id}: no valid sample could be made"
    defs = document(target.case).get("$defs", {})
    schema = {"$ref": f"#/$defs/{target.def_key}"}

    def same(a: Any, b: Any) -> bool:  # equal JSON, sets (uniqueItems) in any order
        return canonical(unordered_sets(a, schema, defs)) == canonical(
            unordered_sets(b, schema, defs)
        )

    failures: list[str] = []
    for sample in data:
        if known_failure(target, sample):
            continue
        try:
            value = generated.adapter.validate_python(sample)
        except ValidationError as exc:
            failures.append(f"generated {generated.name} rejects {canonical(sample)}:\n{exc}")
            continue
        back = _dump(generated.adapter, value)
        if target.mode == "serialization":
            # What the server sends: the client must read it and mean exactly the same.
            if not same(back, sample):
                failures.append(
                    f"{generated.name} reads {canonical(sample)}\n  dumps back {canonical(back)}"
                )
            continue
        # Params: input JSON is lax ("5" for an int), so what counts is that the client's
        # JSON is stable and that the server reads it as the same value as the sample.
        again_back = _dump(generated.adapter, generated.adapter.validate_python(back))
        if not same(again_back, back):
            failures.append(f"{generated.name} is not stable: {canonical(back)} -> "
                            f"{canonical(again_back)}")
            continue
        wire = (
            value.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if isinstance(value, BaseModel)
            else back
        )
        try:
            server = target.original.model_validate(wire)
        except ValidationError as exc:
            failures.append(
                f"original rejects what the client sends, {canonical(wire)}:\n{exc}"
            )
            continue
        again = server.model_dump(mode="json", by_alias=True)
        # Compared with what the server reads from the original's own JSON: a lossy
        # serialization (datetimes as float seconds) rounds the same way for both.
        expected = target.original.model_validate(sample).model_dump(mode="json", by_alias=True)
        if not same(again, expected):
            failures.append(
                f"client sends {canonical(wire)} for {canonical(sample)}; the server reads "
                f"{canonical(again)}"
            )
    assert not failures, (
        f"{target.id} ({target.original.__name__} -> generated {generated.name}, "
        f"{len(failures)} of {len(data)} samples):\n" + "\n".join(failures[:5])
    )


@pytest.mark.parametrize("target", _params(TARGETS))
def test_invalid_data_is_rejected(target: Target) -> None:
    generated = generated_type(target)
    doc = document(target.case)
    defs = doc.get("$defs", {})
    schema = {"$ref": f"#/$defs/{target.def_key}"}
    failures: list[str] = []
    checked = 0
    for sample in samples(target)[:NEGATIVE_SAMPLES]:
        for mutation in list(mutations(sample, schema, defs))[:MAX_MUTATIONS]:
            if known_mutation_failure(target, mutation):
                continue
            try:
                target.original.model_validate(mutation.data)
            except (ValidationError, TypeError, ValueError):  # a crashing validator too
                pass
            else:
                continue  # not invalid for the original: nothing to prove
            checked += 1
            try:
                generated.adapter.validate_python(mutation.data)
            except ValidationError:
                continue
            failures.append(
                f"{mutation.describe()}: the original rejects, generated {generated.name} accepts "
                f"{canonical(mutation.data)}"
            )
    assert not failures, f"{target.id}: {len(failures)} of {checked} invalid variants accepted:\n" + (
        "\n".join(failures[:8])
    )
