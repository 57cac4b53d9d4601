"""Turn an API source into a list of method and event specs.

A *source* is whatever describes the API: a plain mapping of wire method name to models,
or a django-ipc ``MessageRouter`` whose handlers are introspected for their type hints
(see `rpcforge_export.router`). Every kind of source ends up as ``list[MethodSpec]`` /
``list[EventSpec]``; `collect_methods` / `collect_events` dispatch on the kind.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

ModelType = type[BaseModel]

# Frame types of the django-ipc wire protocol itself; an event may not reuse them.
RESERVED_EVENT_NAMES = frozenset({"auth", "rpc", "response", "error"})

_METHOD_KEYS = frozenset({"params", "result", "summary", "description", "deprecated", "handler"})
_EVENT_KEYS = frozenset({"payload", "description"})


class ExportError(Exception):
    """A problem with the exporter's input; the message is meant for the user."""


@dataclass(frozen=True)
class MethodSpec:
    """One RPC method: wire name, models (None = no params / no result) and docs."""

    name: str
    params: ModelType | None
    result: ModelType | None
    summary: str | None = None
    description: str | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class EventSpec:
    """One server-pushed message type and the model of its payload."""

    name: str
    payload: ModelType
    description: str | None = None


def load_object(path: str) -> object:
    """Import ``"package.module:attr[.attr...]"`` and return the object it names."""
    module_name, sep, attr_path = path.partition(":")
    if not sep or not module_name or not attr_path:
        raise ExportError(f"{path!r}: expected 'module.path:NAME', e.g. 'myapp.rpc:API'")
    try:
        obj: object = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or whatever the module raised while loading
        raise ExportError(
            f"{path!r}: cannot import module {module_name!r}: {type(exc).__name__}: {exc}"
        ) from exc
    for attr in attr_path.split("."):
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise ExportError(f"{path!r}: {module_name!r} has no attribute {attr_path!r}") from None
    return obj


def collect_methods(
    source: object,
    *,
    skip_untyped: bool = False,
    warn: Callable[[str], None] | None = None,
) -> list[MethodSpec]:
    """Turn any supported source into method specs, in the source's order.

    For a django-ipc router, a handler without a pydantic params or result model is an
    error listing every such method; with ``skip_untyped`` each is passed to ``warn`` and
    left out of the document instead.
    """
    if isinstance(source, Mapping):
        return [_method_from_entry(name, entry) for name, entry in source.items()]
    # Imported here: router.py builds on the helpers of this module.
    from rpcforge_export.router import is_router, methods_from_router

    if is_router(source):
        found = methods_from_router(source)
        if found.problems and not skip_untyped:
            listed = "".join(f"\n  - {problem}" for problem in found.problems)
            raise ExportError(
                f"{len(found.problems)} method(s) of the router have no pydantic params or "
                f"result model (left out with --skip-untyped):{listed}"
            )
        for problem in found.problems:
            if warn is not None:
                warn(f"skipped {problem}")
        if not found.methods:
            raise ExportError("the router has no exportable RPC method")
        return found.methods
    raise ExportError(
        f"unsupported API source of type {type(source).__name__}: expected a django-ipc "
        "MessageRouter or a mapping "
        "{'method.name': (ParamsModel | None, ResultModel | None), ...}"
    )


def collect_events(source: object) -> list[EventSpec]:
    """Turn any supported events source into event specs, in the source's order."""
    if isinstance(source, Mapping):
        return [_event_from_entry(name, entry) for name, entry in source.items()]
    raise ExportError(
        f"unsupported events source of type {type(source).__name__}: expected a mapping "
        "{'event_name': PayloadModel, ...}"
    )


def _method_from_entry(name: object, entry: object) -> MethodSpec:
    where = f"method {name!r}"
    if not isinstance(name, str) or not name:
        raise ExportError(f"{where}: the method name must be a non-empty string")
    if isinstance(entry, tuple | list):
        if len(entry) != 2:
            raise ExportError(f"{where}: expected a (params, result) pair, got {len(entry)} items")
        return MethodSpec(
            name=name,
            params=_optional_model(entry[0], f"{where} params"),
            result=_optional_model(entry[1], f"{where} result"),
        )
    if isinstance(entry, Mapping):
        _check_keys(entry, _METHOD_KEYS, where)
        summary, description = _docstring_parts(entry.get("handler"), where)
        deprecated = entry.get("deprecated", False)
        if not isinstance(deprecated, bool):
            raise ExportError(f"{where}: 'deprecated' must be a bool")
        return MethodSpec(
            name=name,
            params=_optional_model(entry.get("params"), f"{where} params"),
            result=_optional_model(entry.get("result"), f"{where} result"),
            summary=_optional_str(entry, "summary", where, summary),
            description=_optional_str(entry, "description", where, description),
            deprecated=deprecated,
        )
    raise ExportError(
        f"{where}: expected a (params, result) pair or a dict with 'params'/'result', "
        f"got {type(entry).__name__}"
    )


def _event_from_entry(name: object, entry: object) -> EventSpec:
    where = f"event {name!r}"
    if not isinstance(name, str) or not name:
        raise ExportError(f"{where}: the event name must be a non-empty string")
    if name in RESERVED_EVENT_NAMES:
        raise ExportError(f"{where}: {name!r} is a frame type of the wire protocol itself")
    if isinstance(entry, Mapping):
        _check_keys(entry, _EVENT_KEYS, where)
        payload = _model(entry.get("payload"), f"{where} payload")
        return EventSpec(
            name=name,
            payload=payload,
            description=_optional_str(entry, "description", where, _model_doc(payload)),
        )
    payload = _model(entry, f"{where} payload")
    return EventSpec(name=name, payload=payload, description=_model_doc(payload))


def is_model(value: object) -> bool:
    """Whether ``value`` is a pydantic model class (not an instance)."""
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model(value: object, where: str) -> ModelType:
    if isinstance(value, type) and issubclass(value, BaseModel):
        return value
    raise ExportError(f"{where}: expected a pydantic BaseModel subclass, got {value!r}")


def _optional_model(value: object, where: str) -> ModelType | None:
    return None if value is None else _model(value, where)


def _optional_str(
    entry: Mapping[Any, Any], key: str, where: str, default: str | None
) -> str | None:
    value = entry.get(key, default)
    if value is not None and not isinstance(value, str):
        raise ExportError(f"{where}: {key!r} must be a string")
    return value or None


def _check_keys(entry: Mapping[Any, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(str(key) for key in entry if key not in allowed)
    if unknown:
        raise ExportError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _docstring_parts(handler: object, where: str) -> tuple[str | None, str | None]:
    """Summary (first line) and description (the rest) of a handler's docstring."""
    if handler is None:
        return None, None
    if not callable(handler):
        raise ExportError(f"{where}: 'handler' must be callable")
    return split_docstring(handler)


def split_docstring(func: Callable[..., object]) -> tuple[str | None, str | None]:
    doc = inspect.getdoc(func)
    if not doc:
        return None, None
    first, _, rest = doc.partition("\n")
    return first.strip() or None, rest.strip() or None


def _model_doc(model: ModelType) -> str | None:
    # Only the class's own docstring: inspect.getdoc would inherit BaseModel's.
    doc = model.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None
