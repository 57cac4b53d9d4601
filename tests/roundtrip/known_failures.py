"""Mismatches that are the generator's fault (or a limit of what the schema can carry),
recorded so they stay visible.

Each generator bug has a pinned sample in test_known_failures.py, marked
``xfail(strict=True)``: it fails today, and the day the generator is fixed it passes, which
fails the suite loudly until the entry is removed here. The property tests skip exactly
the samples (or invalid variants) that hit a recorded bug, so they keep checking everything
else of the same model.
"""

from __future__ import annotations

from typing import Any

from cases import Target
from mutations import Mutation

# Whole targets that cannot round-trip for a reason outside the generator (the schema does
# not carry the information). target id -> reason.
SKIP_JSON_SCHEMA = (
    "not a generator bug: field_options.Documented.hidden is SkipJsonSchema[int], so the "
    "document does not describe it; the generated model cannot know the field (the original "
    "sends it, the generated model drops it and cannot send it)"
)
SERIALIZED_FORM = (
    "not a generator bug: validators_input_types.Filters.mask is `Hex = Annotated[int, "
    "WithJsonSchema({type: string, pattern: ^0x...}, mode='validation')]`: the schema "
    "deliberately says string while the original takes and sends an int; the generated model "
    "follows the schema and rejects {\"mask\": 0}"
)
KNOWN_FAILURES: dict[str, str] = {
    "fixtures/validators_input_types:filters.apply params": SERIALIZED_FORM,
    "fixtures/field_options:docs.put params": SKIP_JSON_SCHEMA,
    "fixtures/field_options:docs.put result": SKIP_JSON_SCHEMA,
}


def known_failure(target: Target, sample: Any) -> bool:
    """Whether a valid sample hits a recorded generator bug (skipped by the property tests).
    None is open today; a new one gets a predicate here and a pinned sample in
    test_known_failures.py."""
    return False


def known_mutation_failure(target: Target, mutation: Mutation) -> bool:
    """Whether an invalid variant hits a recorded generator bug (none is open today)."""
    return False


# TypeScript case tests that fail because of a recorded generator bug: case -> reason.
KNOWN_TS_FAILURES: dict[str, str] = {}

SCHEMA_HIDES_NULL = ("skip_none", "not_nullable_but_default_none")


def known_ts_failure(target: Target, sample: Any) -> bool:
    """Samples whose JSON the schema itself does not allow (not a generator bug):
    optional_nullable's `int | SkipJsonSchema[None]` and `int = None` are exported as plain
    integers, yet the original sends null for them."""
    if target.case.name == "fixtures/optional_nullable":
        return _has_null_at(sample, SCHEMA_HIDES_NULL)
    return False


def _has_null_at(value: Any, keys: tuple[str, ...]) -> bool:
    if isinstance(value, dict):
        if any(k in value and value[k] is None for k in keys):
            return True
        return any(_has_null_at(v, keys) for v in value.values())
    if isinstance(value, list):
        return any(_has_null_at(v, keys) for v in value)
    return False
