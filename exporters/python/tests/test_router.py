"""The django-ipc router source: handlers' type hints -> methods, untyped ones reported."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import django_ipc.server  # noqa: F401  (before django_ipc.handlers: circular import)
import pytest
from conftest import HERE, ROOT, run_exporter
from django_ipc.handlers.base import BaseHandler
from django_ipc.server import ConnectionManager, MessageRouter
from pydantic import BaseModel

from rpcforge_export import Info, build_document, collect_methods, render_document
from rpcforge_export.router import is_router, methods_from_router
from rpcforge_export.sources import ExportError

EXAMPLES = ["chat", "dashboard", "ecommerce", "game", "notifications"]


# Module level: with `from __future__ import annotations`, handlers' hints are strings that
# get_type_hints resolves in the module's globals (as django-ipc does).
class P(BaseModel):
    a: int


class R(BaseModel):
    b: int


def _router(rpc_logger: Any) -> MessageRouter:
    return MessageRouter(ConnectionManager(redis_url="redis://127.0.0.1:1/0"), logger=rpc_logger)


def _load(path: Path, name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before exec: pydantic resolves forward refs through it
    spec.loader.exec_module(module)
    return module


def _handler(params: type[BaseModel], result: type[BaseModel] | None, doc: str | None) -> Any:
    async def handler(conn: Any, params: Any) -> Any:
        raise NotImplementedError

    # Real objects, not strings: exactly what `params: Model` / `-> Model` leave behind.
    handler.__annotations__ = {"conn": Any, "params": params, "return": result}
    handler.__doc__ = doc
    return handler


def test_typed_router_cli(tmp_path: Path) -> None:
    out = tmp_path / "api.rpc.json"
    proc = run_exporter(
        "apimods.typed_router:router",
        "--events",
        "apimods.typed_router:EVENTS",
        "-o",
        str(out),
        cwd=tmp_path,
        pythonpath=[HERE],
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["info"] == {"title": "Typed router", "version": "2.0.0"}
    assert doc["servers"] == {"development": "ws://127.0.0.1:8765"}
    methods = {m["name"]: m for m in doc["methods"]}
    # Registration order; register_type handlers ("ping") are not RPC methods.
    assert list(methods) == [
        "orders.get_status",
        "orders.cancel",
        "orders.status_dict",
        "orders.track",
    ]
    status = methods["orders.get_status"]
    assert status["summary"] == "Status of one order."
    assert status["description"] == "Looks the order up by id."
    assert status["params"] == {"$ref": "#/$defs/OrderRef"}
    assert status["result"] == {"$ref": "#/$defs/OrderStatus"}
    assert "result" not in methods["orders.cancel"]  # -> None
    assert methods["orders.status_dict"]["result"] == {"$ref": "#/$defs/OrderStatus"}
    assert methods["orders.track"]["deprecated"] is True
    assert doc["events"] == [
        {"name": "notice", "description": "A toast.", "payload": {"$ref": "#/$defs/Notice"}}
    ]
    assert doc["$defs"]["OrderRef"]["properties"]["order_id"]["minimum"] == 1


def test_untyped_methods_are_reported_not_guessed(tmp_path: Path) -> None:
    out = tmp_path / "api.rpc.json"
    proc = run_exporter(
        "apimods.untyped_router:router", "-o", str(out), cwd=tmp_path, pythonpath=[HERE]
    )
    assert proc.returncode == 2
    assert not out.exists()
    assert "4 method(s) of the router have no pydantic params or result model" in proc.stderr
    for needle in [
        "items.raw: handler raw: params 'params' is annotated dict[str, typing.Any]",
        "items.no_return: handler no_return has no return annotation",
        "items.maybe: handler maybe returns annotated apimods.untyped_router.Item | None",
        "items.bare: handler bare: params 'params' is not annotated",
    ]:
        assert needle in proc.stderr
    assert "items.get" not in proc.stderr

    proc = run_exporter(
        "apimods.untyped_router:router",
        "--skip-untyped",
        "-o",
        str(out),
        cwd=tmp_path,
        pythonpath=[HERE],
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("warning: skipped items.") == 4
    assert [m["name"] for m in json.loads(out.read_text())["methods"]] == ["items.get"]


def test_unresolvable_hints_are_reported(rpc_logger: Any) -> None:
    router = _router(rpc_logger)

    async def handler(conn: Any, params: NotDefinedAnywhere) -> None:  # type: ignore[name-defined]  # noqa: F821
        pass

    router.register("x.y")(handler)
    found = methods_from_router(router)
    assert found.methods == []
    assert len(found.problems) == 1
    assert found.problems[0].startswith("x.y: handler ")
    assert "NameError" in found.problems[0]
    with pytest.raises(ExportError, match="1 method"):
        collect_methods(router)


def test_annotated_params_count_like_django_ipc(rpc_logger: Any) -> None:
    """django-ipc strips Annotated from the params hint and validates with the model."""

    router = _router(rpc_logger)

    async def handler(conn: Any, params: Annotated[P, "meta"]) -> None:
        pass

    router.register("a.b")(handler)
    (spec,) = collect_methods(router)
    assert spec.params is P and spec.result is None


def test_base_handler_is_replayed() -> None:
    class MyHandler(BaseHandler):
        def register(self, router: Any) -> None:
            @router.register("mine.do")
            async def do(conn: Any, params: P) -> R:
                """Do it."""
                return R(b=params.a)

            @router.register_type("ping")
            async def ping(conn: Any, params: dict) -> dict:  # type: ignore[type-arg]
                return {}

    handler = MyHandler(connection_manager=None, enabled=True)  # type: ignore[arg-type]
    assert is_router(handler)
    (spec,) = collect_methods(handler)
    assert (spec.name, spec.params, spec.result, spec.summary) == ("mine.do", P, R, "Do it.")


def test_empty_router_is_an_error(rpc_logger: Any) -> None:
    with pytest.raises(ExportError, match="no exportable RPC method"):
        collect_methods(_router(rpc_logger))


@pytest.mark.parametrize("example", EXAMPLES)
def test_router_and_mapping_give_the_same_document(example: str, rpc_logger: Any) -> None:
    """Every example method with params, registered on a real MessageRouter with handlers
    typed like the mapping, exports byte-identically to the mapping itself."""
    module = _load(ROOT / "examples" / example / "models.py", f"router_example_{example}")
    mapping: dict[str, Any] = {}
    router = _router(rpc_logger)
    for name, spec in zip(module.API, collect_methods(module.API), strict=True):
        if spec.params is None:
            continue  # django-ipc always passes params: a router method has a params model
        mapping[name] = module.API[name]
        doc = "\n\n".join(p for p in (spec.summary, spec.description) if p) or None
        if spec.description and not spec.summary:
            pytest.skip("description without summary cannot come from a docstring")
        handler = _handler(spec.params, spec.result, doc)
        if spec.deprecated:
            handler.__deprecated__ = "deprecated"
        router.register(name)(handler)
    assert mapping, example
    info = Info("T", "1")
    from_router = render_document(build_document(info, collect_methods(router)))
    from_mapping = render_document(build_document(info, collect_methods(mapping)))
    assert from_router == from_mapping
