"""The cases of the round trip: every example and every Pydantic fixture, their original
models, their committed documents, and the clients rpcforge generates from them.

A *target* is one top-level model of a case in one Pydantic mode: a method's params
("validation"), a method's result or an event payload ("serialization"). Its ``$defs`` key is
read from the committed document, and the generated class is the one the generator names
after that key (``Page_Order_`` -> ``PageOrder``, ``Money-Input`` -> ``MoneyInput``).
"""

from __future__ import annotations

import ast
import atexit
import functools
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, TypeAdapter
from rpcforge_export import collect_events, collect_methods

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["chat", "dashboard", "ecommerce", "game", "notifications"]
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "pydantic"


@dataclass(frozen=True)
class Case:
    name: str  # "examples/ecommerce" or "fixtures/enums_basic"
    models_py: Path
    document: Path

    @property
    def slug(self) -> str:
        return self.name.replace("/", "_")


@dataclass(frozen=True)
class Target:
    case: Case
    where: str  # "orders.get_status params", "event notification"
    original: type[BaseModel]
    mode: str  # "validation" | "serialization"
    def_key: str  # key in the document's $defs

    @property
    def id(self) -> str:
        return f"{self.case.name}:{self.where}"


def all_cases() -> list[Case]:
    cases = [
        Case(f"examples/{name}", ROOT / "examples" / name / "models.py",
             ROOT / "examples" / name / f"{name}.rpc.json")
        for name in EXAMPLES
    ]
    for directory in sorted(FIXTURES_DIR.iterdir()):
        if (directory / "models.py").is_file():
            cases.append(
                Case(f"fixtures/{directory.name}", directory / "models.py",
                     directory / f"{directory.name}.rpc.json")
            )
    return cases


CASES = all_cases()


@functools.cache
def original_module(case: Case) -> ModuleType:
    """The case's models.py, imported under a name of its own."""
    return _load_module(case.models_py, f"rt_original_{case.slug}")


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before exec: pydantic resolves forward refs through it
    spec.loader.exec_module(module)
    return module


@functools.cache
def document(case: Case) -> dict[str, Any]:
    return json.loads(case.document.read_text(encoding="utf-8"))


def targets(case: Case) -> list[Target]:
    module = original_module(case)
    doc = document(case)
    out: list[Target] = []
    methods = collect_methods(module.API)
    for spec, method in zip(methods, doc["methods"], strict=True):
        assert spec.name == method["name"]
        for model, mode, key in (
            (spec.params, "validation", "params"),
            (spec.result, "serialization", "result"),
        ):
            if model is not None:
                out.append(Target(case, f"{spec.name} {key}", model, mode, _def_key(method[key])))
    events = collect_events(module.EVENTS) if hasattr(module, "EVENTS") else []
    for event, ev in zip(events, doc.get("events", []), strict=True):
        out.append(
            Target(case, f"event {event.name}", event.payload, "serialization",
                   _def_key(ev["payload"]))
        )
    # The same model in the same mode is one target (first place it is used).
    unique: dict[tuple[type[BaseModel], str], Target] = {}
    for target in out:
        unique.setdefault((target.original, target.mode), target)
    return list(unique.values())


def _def_key(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    assert isinstance(ref, str) and ref.startswith("#/$defs/"), schema
    return ref.removeprefix("#/$defs/")


# ---- generated clients ---------------------------------------------------------------------


def rpcforge_bin() -> Path:
    path = Path(os.environ.get("RPCFORGE_BIN") or ROOT / "target" / "debug" / "rpcforge")
    if not path.is_file():
        raise RuntimeError(f"rpcforge binary not found at {path}: run `cargo build` first")
    return path


@functools.cache
def _generated_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="rpcforge-roundtrip-"))
    atexit.register(shutil.rmtree, root, True)
    return root


@functools.cache
def generated(case: Case) -> Path:
    """``rpcforge generate-clients <document> --output <dir>``; returns <dir>."""
    out = _generated_root() / case.slug
    proc = subprocess.run(
        [str(rpcforge_bin()), "--quiet", "generate-clients", str(case.document), "--output",
         str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"rpcforge generate-clients {case.document} failed:\n{proc.stderr}")
    return out


@functools.cache
def generated_package(case: Case) -> str:
    """Imports the generated Python package under a name of its own; returns that name."""
    python = generated(case) / "python"
    (init,) = list(python.glob("*/__init__.py"))
    name = f"rt_generated_{case.slug}"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return name


def generated_module(case: Case, sub: str) -> ModuleType:
    return importlib.import_module(f"{generated_package(case)}.{sub}")


def generated_ts_dir(case: Case) -> Path:
    return generated(case) / "typescript"


def pascal_case(source: str) -> str:
    """The generator's type names (src/ir/naming.rs, heck's UpperCamelCase)."""
    words: list[str] = []
    for chunk in re.sub(r"[^A-Za-z0-9]", " ", source).split():
        # heck's word boundaries: aB, ABc (acronym end); digits are neither case.
        words.extend(re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+", chunk) or [chunk])
    name = "".join(w[:1].upper() + w[1:].lower() for w in words)
    if name[:1].isdigit():
        name = "Type" + name
    return name


@dataclass(frozen=True)
class Generated:
    """The generated client's side of a target: the type it sends or accepts."""

    name: str  # the Python type name (class or TypeAlias) in the generated models.py
    adapter: TypeAdapter[Any]


def generated_type(target: Target) -> Generated:
    """What the generated Python client uses for the target: the annotation of ``params``
    of the method, the validator of its result (``X.model_validate`` /
    ``_X_RESULT.validate_python``), or the event's payload adapter; cross-checked against
    the name derived from the ``$defs`` key."""
    client = generated_module(target.case, "client")
    models = generated_module(target.case, "models")
    kind, _, rest = target.where.partition(" ")
    if kind == "event":
        owner = client._EVENTS[rest].__self__  # X.model_validate or _X.validate_python
        if isinstance(owner, type):
            name, adapter = owner.__name__, TypeAdapter(owner)
        else:
            name, adapter = _adapter_name(client, owner), owner
    else:
        params, result = _client_calls(str(client.__file__))[kind]
        expr = params if rest == "params" else result
        assert expr is not None, f"client.py has no {rest} type for {kind}"
        value = getattr(client, expr) if expr.startswith("_") else getattr(models, expr)
        if isinstance(value, TypeAdapter):
            name, adapter = _adapter_name(client, value), value
        else:
            name, adapter = expr, TypeAdapter(value)
    return Generated(name, adapter)


def _adapter_name(client: ModuleType, adapter: Any) -> str:
    for attr, value in vars(client).items():
        if value is adapter:
            return str(client.__annotations__[attr]).removeprefix("TypeAdapter[").removesuffix("]")
    raise AssertionError("adapter not found in client.py")


@functools.cache
def _client_calls(client_file: str) -> dict[str, tuple[str | None, str | None]]:
    """wire method name -> (params type, result type or ``_X_RESULT`` adapter), read from
    the ``self._rt.call("name", <params>, <result validator>, timeout)`` calls of client.py:
    ``params_of(X, ...)`` or a ``params: X`` argument; ``X.model_validate``,
    ``_X_RESULT.validate_python`` or ``ignore_result``."""
    tree = ast.parse(Path(client_file).read_text(encoding="utf-8"))
    out: dict[str, tuple[str | None, str | None]] = {}
    for func in ast.walk(tree):
        if not isinstance(func, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for node in ast.walk(func):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "call"
                and len(node.args) >= 3
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            params_arg, result_arg = node.args[1], node.args[2]
            params: str | None = None
            if isinstance(params_arg, ast.Call) and params_arg.args:
                params = ast.unparse(params_arg.args[0])  # params_of(X, params, fields)
            elif isinstance(params_arg, ast.Name):
                arg = next((a for a in func.args.posonlyargs + func.args.args
                            if a.arg == params_arg.id), None)
                if arg is not None and arg.annotation is not None:
                    params = ast.unparse(arg.annotation).removesuffix(" | None")
            result: str | None = None
            if isinstance(result_arg, ast.Attribute):
                result = ast.unparse(result_arg.value)
            out.setdefault(node.args[0].value, (params, result))
    return out
