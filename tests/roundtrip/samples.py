"""Sample data of a target: the ORIGINAL model's JSON dumps of many valid instances.

Instances come from hypothesis (see strategies.py; derandomized, so every run checks the same
samples) plus the hand-written inputs of handwritten.py. Each is validated by the original
model first: only what the original accepts becomes a sample. For results and events the
sample is ``model_dump(mode="json", by_alias=True)``, the JSON the server sends; for params
the same dump when the original accepts it back as input, else (serialization aliases or
forms that differ from the input ones) the input data itself as JSON, kept only when the
original accepts it as JSON too.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis.errors import Unsatisfiable
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from cases import Target
from handwritten import HANDWRITTEN
from strategies import for_model

MAX_EXAMPLES = 30


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)


@functools.cache
def samples(target: Target) -> tuple[Any, ...]:
    collected: dict[str, Any] = {}
    model = target.original

    def add(raw: Any) -> bool:
        try:
            instance = model.model_validate(raw)
            dumped = instance.model_dump(mode="json", by_alias=True)
            if target.mode == "validation":
                # Params: the JSON a client sends. The original's own dump when the original
                # accepts it back as input (the schema's forms); else, when serialization
                # aliases or forms differ from the input ones, the input data as JSON.
                try:
                    model.model_validate(dumped)
                except ValidationError:
                    dumped = to_jsonable_python(raw)
                    model.model_validate(json.loads(canonical(dumped)))
            text = canonical(dumped)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        except Exception:  # noqa: BLE001 - e.g. PydanticSerializationError
            return False
        collected.setdefault(text, json.loads(text))
        return True

    for raw in HANDWRITTEN.get((target.case.name, model.__name__), ()):
        assert add(raw), f"hand-written sample for {model.__name__} is invalid: {raw!r}"

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(for_model(model))
    def run(raw: Any) -> None:
        if not add(raw):
            reject()

    try:
        run()
    except Unsatisfiable:
        pass  # the count is asserted by the test, with the hand-written ones
    return tuple(collected.values())
