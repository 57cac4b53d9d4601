"""Methods of a django-ipc ``MessageRouter``, read from its handlers' type hints.

django-ipc (1.0.9) keeps the registered RPC handlers in ``router._handlers``, a dict of wire
method name -> ``async def handler(conn, params)``, in registration order (``register_type``
handlers live in ``_type_handlers`` and are not RPC methods). Before calling a handler, its
``_validate_params`` resolves ``typing.get_type_hints(handler)``, takes the *second*
parameter of ``inspect.signature(handler)`` and validates the params with its annotation
when that is a pydantic model class; anything else reaches the handler as a plain dict.

The exporter applies exactly that rule to find the params model, so the document describes
what the server really validates. The result model is the return annotation: a model class,
``None`` (the call answers ``null``), or ``Annotated[dict[str, Any], ResultModel]`` for
handlers that return ``ResultModel(...).model_dump(mode="json")`` (django-ipc 1.0.9 only
accepts a dict as a result, not a model instance). Nothing is guessed: a handler whose params
or result is not one of these is reported by name with what was found.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from rpcforge_export.sources import ExportError, MethodSpec, ModelType, is_model, split_docstring


@dataclass(frozen=True)
class RouterMethods:
    """What a router yields: the exportable methods and one message per untyped method."""

    methods: list[MethodSpec]
    problems: list[str]


def is_router(obj: object) -> bool:
    """A django-ipc ``MessageRouter`` (or anything with its ``_handlers`` + ``register``),
    or a django-ipc ``BaseHandler`` instance (its ``register(router)`` is replayed)."""
    return _handlers_of(obj) is not None


def methods_from_router(router: object) -> RouterMethods:
    """One spec per RPC method of the router, in registration order."""
    handlers = _handlers_of(router)
    if handlers is None:
        raise ExportError(f"{type(router).__name__} is not a django-ipc MessageRouter")
    methods: list[MethodSpec] = []
    problems: list[str] = []
    for name, handler in handlers.items():
        try:
            methods.append(method_from_handler(name, handler))
        except _Untyped as exc:
            problems.append(f"{name}: {exc}")
    return RouterMethods(methods, problems)


class _Untyped(Exception):
    pass


def method_from_handler(name: object, handler: object) -> MethodSpec:
    """The spec of one handler; raises `_Untyped` with the reason when it is not exportable."""
    if not isinstance(name, str) or not name:
        raise _Untyped("the method name must be a non-empty string")
    if not callable(handler):
        raise _Untyped(f"the handler {handler!r} is not callable")
    label = getattr(handler, "__qualname__", None) or repr(handler)
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError) as exc:
        raise _Untyped(f"handler {label}: no signature ({exc})") from None
    try:
        hints = typing.get_type_hints(handler, include_extras=True)
    except Exception as exc:  # NameError for an unresolvable forward reference, ...
        raise _Untyped(
            f"handler {label}: its type hints cannot be resolved ({type(exc).__name__}: {exc}); "
            "django-ipc cannot resolve them either and passes the params unvalidated"
        ) from None
    parameters = list(signature.parameters.values())
    if len(parameters) < 2:
        raise _Untyped(f"handler {label} takes no params argument (expected (conn, params))")
    params = _params_model(hints.get(parameters[1].name, inspect.Parameter.empty))
    if params is None:
        found = _describe(hints.get(parameters[1].name, inspect.Parameter.empty))
        raise _Untyped(
            f"handler {label}: params {parameters[1].name!r} is {found}, not a pydantic model "
            "class (django-ipc passes such params as an unvalidated dict)"
        )
    if "return" not in hints:
        raise _Untyped(
            f"handler {label} has no return annotation (expected -> ResultModel, -> None or "
            "-> Annotated[dict[str, Any], ResultModel])"
        )
    result = _result_model(hints["return"], label)
    summary, description = split_docstring(handler)
    return MethodSpec(
        name=name,
        params=params,
        result=result,
        summary=summary,
        description=description,
        deprecated=bool(getattr(handler, "__deprecated__", None)),
    )


def _params_model(hint: object) -> ModelType | None:
    # get_type_hints without include_extras (what django-ipc calls) strips Annotated.
    if get_origin(hint) is Annotated:
        hint = get_args(hint)[0]
    return hint if is_model(hint) else None  # type: ignore[return-value]


def _result_model(hint: object, label: str) -> ModelType | None:
    if hint is None or hint is type(None):
        return None
    if is_model(hint):
        return hint  # type: ignore[return-value]
    if get_origin(hint) is Annotated:
        base, *metadata = get_args(hint)
        models = [m for m in metadata if is_model(m)]
        if len(models) == 1:
            return models[0]  # type: ignore[no-any-return]
        if is_model(base) and not models:
            return base  # type: ignore[no-any-return]
    raise _Untyped(
        f"handler {label} returns {_describe(hint)}, not a pydantic model (expected "
        "-> ResultModel, -> None or -> Annotated[dict[str, Any], ResultModel]; a union of "
        "models, or a nullable result, needs a RootModel)"
    )


def _describe(hint: object) -> str:
    if hint is inspect.Parameter.empty:
        return "not annotated"
    if isinstance(hint, type):
        return f"annotated {hint.__module__}.{hint.__qualname__}".replace("builtins.", "")
    return f"annotated {hint!r}"


def _handlers_of(obj: object) -> Mapping[str, Any] | None:
    handlers = getattr(obj, "_handlers", None)
    if isinstance(handlers, Mapping) and callable(getattr(obj, "register", None)):
        return handlers
    base = sys.modules.get("django_ipc.handlers.base")
    handler_class = getattr(base, "BaseHandler", None)
    if isinstance(handler_class, type) and isinstance(obj, handler_class):
        recorder = _RecordingRouter()
        obj.register(recorder)  # type: ignore[attr-defined]
        return recorder._handlers
    return None


class _RecordingRouter:
    """Stands in for a MessageRouter while a django-ipc BaseHandler registers its methods."""

    def __init__(self) -> None:
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._type_handlers: dict[str, Callable[..., Any]] = {}

    def register(self, method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            self._handlers[method] = func
            return func

        return decorator

    def register_type(
        self, message_type: str
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            self._type_handlers[message_type] = func
            return func

        return decorator
