"""Build and render the RPC schema document (format version "1") from specs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import PydanticUserError
from pydantic.json_schema import (
    GenerateJsonSchema,
    JsonSchemaMode,
    JsonSchemaValue,
    models_json_schema,
)
from pydantic_core import core_schema

from rpcforge_export.sources import EventSpec, ExportError, MethodSpec, ModelType

FORMAT_VERSION = "1"
REF_PREFIX = "#/$defs/"
REF_TEMPLATE = REF_PREFIX + "{model}"


class RpcSchemaGenerator(GenerateJsonSchema):
    """Pydantic's JSON Schema generator, with a ``pattern`` on the string form of Decimals.

    Pydantic >= 2.13 leaves the pattern out unless asked; with it a client can tell a
    Decimal string from any string, and max_digits/decimal_places stay visible. (Older
    pydantic versions never call this hook and emit their own fixed pattern.)
    """

    def get_decimal_pattern(self, schema: core_schema.DecimalSchema) -> str | None:
        return self.build_decimal_pattern(schema)


@dataclass(frozen=True)
class Info:
    title: str
    version: str
    description: str | None = None


def build_document(
    info: Info,
    methods: Sequence[MethodSpec],
    events: Sequence[EventSpec] | None = None,
    servers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The document as a JSON-ready dict, keys in the order the spec lists them.

    Params models are rendered in pydantic's "validation" mode (what the server accepts),
    results and event payloads in "serialization" mode (what it sends). All schemas share
    one ``$defs``, so a model whose two modes differ shows up as ``Name-Input`` and
    ``Name-Output``.
    """
    if not info.title or not info.version:
        raise ExportError("info needs a non-empty title and version")
    _check_servers(servers or {})
    _check_unique([m.name for m in methods], "method")
    _check_unique([e.name for e in events or ()], "event")

    wanted: list[tuple[ModelType, JsonSchemaMode]] = []
    for method in methods:
        if method.params is not None:
            wanted.append((method.params, "validation"))
        if method.result is not None:
            wanted.append((method.result, "serialization"))
    wanted.extend((event.payload, "serialization") for event in events or ())
    try:
        schemas, top = models_json_schema(
            list(dict.fromkeys(wanted)),
            ref_template=REF_TEMPLATE,
            schema_generator=RpcSchemaGenerator,
        )
    except PydanticUserError as exc:
        raise ExportError(f"pydantic cannot build a JSON Schema: {exc}") from exc
    defs: dict[str, JsonSchemaValue] = top.get("$defs", {})

    method_objects: list[dict[str, Any]] = []
    for method in methods:
        obj: dict[str, Any] = {"name": method.name}
        if method.summary:
            obj["summary"] = method.summary
        if method.description:
            obj["description"] = method.description
        if method.params is not None:
            obj["params"] = schemas[(method.params, "validation")]
            _require_object(obj["params"], defs, f"method {method.name!r} params", nullable=False)
        if method.result is not None:
            obj["result"] = schemas[(method.result, "serialization")]
            _require_object(obj["result"], defs, f"method {method.name!r} result", nullable=True)
        if method.deprecated:
            obj["deprecated"] = True
        method_objects.append(obj)

    info_object = {"title": info.title, "version": info.version}
    if info.description:
        info_object["description"] = info.description
    doc: dict[str, Any] = {"rpcSchema": FORMAT_VERSION, "info": info_object}
    if servers:
        doc["servers"] = dict(servers)
    doc["methods"] = method_objects
    if events is not None:
        event_objects: list[dict[str, Any]] = []
        for event in events:
            ev: dict[str, Any] = {"name": event.name}
            if event.description:
                ev["description"] = event.description
            ev["payload"] = schemas[(event.payload, "serialization")]
            event_objects.append(ev)
        doc["events"] = event_objects
    if defs:
        doc["$defs"] = {name: defs[name] for name in sorted(defs)}
    return doc


def render_document(doc: Mapping[str, Any]) -> str:
    """Deterministic JSON text: 2-space indent, keys in insertion order, final newline."""
    try:
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError as exc:  # NaN / Infinity, e.g. in a default
        raise ExportError(f"the schema is not valid JSON: {exc}") from exc


def _check_servers(servers: Mapping[str, str]) -> None:
    for name, url in servers.items():
        if not name:
            raise ExportError(f"server {url!r}: empty environment name")
        if not url.startswith(("ws://", "wss://")):
            raise ExportError(f"server {name!r}: {url!r} is not a ws:// or wss:// URL")


def _check_unique(names: Sequence[str], kind: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ExportError(f"{kind} {name!r} is defined twice")
        seen.add(name)


def _require_object(
    schema: JsonSchemaValue, defs: Mapping[str, JsonSchemaValue], where: str, *, nullable: bool
) -> None:
    """Params must be an object schema; a result an object, or a union of objects and null."""
    allowed = {"object", "null"} if nullable else {"object"}
    if not _types_of(schema, defs, set()) <= allowed:
        kinds = " or null" if nullable else ""
        raise ExportError(f"{where}: the model's JSON Schema must describe an object{kinds}")


def _types_of(
    schema: JsonSchemaValue, defs: Mapping[str, JsonSchemaValue], seen: set[str]
) -> set[str]:
    """JSON types a schema can match; "any" where that cannot be told."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF_PREFIX):
        name = ref.removeprefix(REF_PREFIX)
        if name in seen or name not in defs:
            return {"any"}
        return _types_of(defs[name], defs, seen | {name})
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return set().union(*(_types_of(member, defs, seen) for member in schema[key]))
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    return {"any"}
