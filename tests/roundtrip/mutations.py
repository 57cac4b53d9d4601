"""Invalid variants of a valid JSON sample, guided by the exported JSON Schema.

Each mutation breaks one thing the schema states, at one place in the sample: a required
property removed, a tag / enum / const replaced by an unknown value, a string, number or
array pushed past its bound, a value of the wrong JSON type. The test keeps the mutations
the ORIGINAL model rejects and requires the generated model to reject them too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

WRONG_TAG = "\u00a7not-a-tag\u00a7"


@dataclass(frozen=True)
class Mutation:
    path: tuple[str | int, ...]
    what: str
    data: Any

    def describe(self) -> str:
        where = "/" + "/".join(str(p) for p in self.path)
        return f"{self.what} at {where}"


def mutations(sample: Any, schema: dict[str, Any], defs: dict[str, Any]) -> Iterator[Mutation]:
    yield from _walk(sample, schema, defs, (), sample, set())


def _replace(root: Any, path: tuple[str | int, ...], value: Any, delete: bool = False) -> Any:
    out = copy.deepcopy(root)
    if not path:
        return value
    node = out
    for step in path[:-1]:
        node = node[step]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        schema = defs[schema["$ref"].removeprefix("#/$defs/")]
        seen += 1
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], defs)
    return schema


def _walk(  # noqa: C901, PLR0912
    value: Any,
    schema: dict[str, Any],
    defs: dict[str, Any],
    path: tuple[str | int, ...],
    root: Any,
    seen_refs: set[str],
) -> Iterator[Mutation]:
    schema = _resolve(schema, defs)
    if not isinstance(schema, dict):
        return
    # unions: descend into the one member a discriminator names, or the only non-null one
    for key in ("oneOf", "anyOf"):
        if key in schema:
            members = [m for m in schema[key] if m.get("type") != "null"]
            if value is None:
                return
            disc = schema.get("discriminator")
            if disc and isinstance(value, dict):
                prop = disc["propertyName"]
                yield Mutation((*path, prop), "unknown discriminator tag",
                               _replace(root, (*path, prop), WRONG_TAG))
                ref = disc.get("mapping", {}).get(value.get(prop)) if isinstance(
                    value.get(prop), str) else None
                if ref:  # a "#/$defs/X" string, or a nested union's schema (pydantic)
                    sub = {"$ref": ref} if isinstance(ref, str) else ref
                    yield from _walk(value, sub, defs, path, root, seen_refs)
                return
            if len(members) == 1:
                yield from _walk(value, members[0], defs, path, root, seen_refs)
            return
    if "const" in schema:
        yield Mutation(path, "wrong const", _replace(root, path, WRONG_TAG))
        return
    if "enum" in schema:
        yield Mutation(path, "value outside the enum", _replace(root, path, WRONG_TAG))
        return
    kind = schema.get("type")
    if kind == "object" and isinstance(value, dict):
        props: dict[str, Any] = schema.get("properties", {})
        for name in schema.get("required", []):
            if name in value:
                yield Mutation((*path, name), "required property removed",
                               _replace(root, (*path, name), None, delete=True))
        for name, sub in props.items():
            if name in value:
                yield from _walk(value[name], sub, defs, (*path, name), root, seen_refs)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not props:
            for name in list(value)[:1]:
                yield from _walk(value[name], extra, defs, (*path, name), root, seen_refs)
        if extra is False:
            yield Mutation((*path, "\u00a7extra"), "unknown property (additionalProperties false)",
                           _replace(root, (*path, "\u00a7extra"), 1))
        if path:
            yield Mutation(path, "a number instead of an object", _replace(root, path, 5))
    elif kind == "array" and isinstance(value, list):
        if path:
            yield Mutation(path, "a string instead of an array", _replace(root, path, "[]"))
        if "maxItems" in schema and value and "prefixItems" not in schema:
            longer = value + [value[0]] * (schema["maxItems"] + 1 - len(value))
            yield Mutation(path, "too many items", _replace(root, path, longer))
        if "minItems" in schema and schema["minItems"] > 0:
            yield Mutation(path, "too few items", _replace(root, path, value[: schema["minItems"] - 1]))
        prefix = schema.get("prefixItems")
        if prefix:
            for i, sub in enumerate(prefix[: len(value)]):
                yield from _walk(value[i], sub, defs, (*path, i), root, seen_refs)
        elif isinstance(schema.get("items"), dict) and value:
            yield from _walk(value[0], schema["items"], defs, (*path, 0), root, seen_refs)
    elif kind == "string" and isinstance(value, str):
        yield Mutation(path, "an object instead of a string", _replace(root, path, {"s": 1}))
        if "maxLength" in schema:
            yield Mutation(path, "string too long",
                           _replace(root, path, "x" * (schema["maxLength"] + 1)))
        if schema.get("minLength", 0) > 0:
            yield Mutation(path, "string too short",
                           _replace(root, path, "x" * (schema["minLength"] - 1)))
        if schema.get("format") in ("date-time", "date", "time", "uuid", "duration"):
            yield Mutation(path, f"not a {schema['format']}", _replace(root, path, "nope"))
    elif kind in ("integer", "number") and isinstance(value, int | float) and not isinstance(
        value, bool
    ):
        yield Mutation(path, "a list instead of a number", _replace(root, path, [1]))
        if kind == "integer":
            yield Mutation(path, "a fraction for an integer", _replace(root, path, 0.5))
        if "maximum" in schema:
            yield Mutation(path, "above maximum", _replace(root, path, schema["maximum"] + 1))
        if "minimum" in schema:
            yield Mutation(path, "below minimum", _replace(root, path, schema["minimum"] - 1))
        if "exclusiveMaximum" in schema:
            yield Mutation(path, "at exclusiveMaximum",
                           _replace(root, path, schema["exclusiveMaximum"]))
        if "exclusiveMinimum" in schema:
            yield Mutation(path, "at exclusiveMinimum",
                           _replace(root, path, schema["exclusiveMinimum"]))
    elif kind == "boolean" and isinstance(value, bool):
        yield Mutation(path, "an object instead of a boolean", _replace(root, path, {"b": 1}))



def unordered_sets(value: Any, schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """``value`` with the arrays that ``schema`` marks ``uniqueItems`` (Python sets) sorted:
    a set has no order, and the generated model's set may iterate differently."""
    schema = _resolve(schema, defs)
    for key in ("oneOf", "anyOf"):
        if key in schema and value is not None:
            disc = schema.get("discriminator")
            if disc and isinstance(value, dict):
                ref = disc.get("mapping", {}).get(value.get(disc["propertyName"]))
                sub = {"$ref": ref} if isinstance(ref, str) else ref
                return unordered_sets(value, sub, defs) if sub else value
            members = [m for m in schema[key] if m.get("type") != "null"]
            return unordered_sets(value, members[0], defs) if len(members) == 1 else value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: unordered_sets(v, props[k] if k in props else extra if isinstance(extra, dict)
                              else {}, defs)
            for k, v in value.items()
        }
    if isinstance(value, list):
        prefix = schema.get("prefixItems")
        items = schema.get("items")
        if prefix:
            out = [unordered_sets(v, s, defs) for v, s in zip(value, prefix, strict=False)]
        elif isinstance(items, dict):
            out = [unordered_sets(v, items, defs) for v in value]
        else:
            out = list(value)
        if schema.get("uniqueItems"):
            out.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return out
    return value
