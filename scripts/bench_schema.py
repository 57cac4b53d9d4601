#!/usr/bin/env python3
"""Synthetic but realistic APIs for the rpcforge benchmarks (`scripts/bench`).

    bench_schema.py generate N DIR     writes DIR/bench_models_N.py (Pydantic v2 models, the
                                       methods mapping API and EVENTS) and, through the exporter
                                       in exporters/python, DIR/bench_N.rpc.json
    bench_schema.py stats FILE         what a document holds (methods, $defs, sharing)
    bench_schema.py django-ipc N DIR OUT
                                       builds a django-ipc 1.0.9 MessageRouter with the same N
                                       methods from the same models, times
                                       django_ipc.codegen.cli.generate_clients (TypeScript and
                                       Python, written to OUT) in this process and prints
                                       {"seconds": wall, "cpu_seconds": cpu} on stdout

The same N always gives the same files (a fixed seed). Each method has its own params and
result models of 5-15 fields; a pool of shared models (0.7 per method: with the enums and union
variants about a third of all models, each used by several methods) is referenced from them,
nested up to four levels deep (a method reaches about 25 models), with str/int enums, unions,
discriminated unions, optionals, lists, maps, literals, tuples, Decimals, datetimes, UUIDs, a
recursive model and a generic page. Needs pydantic v2 (and django-ipc for `django-ipc`).
The django-ipc step runs in the current directory, where django-ipc's loguru creates logs/.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260607

NAMESPACES = [
    "accounts", "orders", "billing", "catalog", "chat", "inventory", "shipping", "reports",
    "auth", "search", "media", "teams", "projects", "tasks", "notifications", "settings",
    "payments", "reviews", "analytics", "admin",
]
VERBS = [
    "get", "list", "create", "update", "delete", "search", "archive", "restore", "sync",
    "export", "import", "approve", "reject", "assign", "close", "reopen",
]
NOUNS = [
    "item", "order", "invoice", "customer", "product", "shipment", "report", "user", "team",
    "project", "task", "comment", "message", "room", "file", "image", "payment", "refund",
    "review", "tag", "label", "address", "contact", "session", "token", "device", "event",
    "webhook", "plan", "quota",
]
WORDS = [
    "id", "name", "title", "description", "status", "kind", "created_at", "updated_at",
    "owner", "count", "total", "amount", "price", "currency", "quantity", "email", "url",
    "tags", "labels", "notes", "priority", "score", "rating", "enabled", "visible", "locked",
    "parent", "children", "items", "lines", "metadata", "attributes", "settings", "version",
    "revision", "cursor", "limit", "offset", "query", "filters", "sort", "order_by", "since",
    "until", "deadline", "duration", "progress", "location", "address", "phone", "country",
    "language", "timezone", "reference", "external_id", "checksum", "size_bytes", "width",
    "height", "color", "weight", "reason", "comment", "summary", "author", "assignee",
    "reviewer", "approved", "archived", "deleted", "source", "target", "channel", "level",
]
ENUM_VALUES = [
    "draft", "pending", "active", "paused", "done", "failed", "cancelled", "archived",
    "low", "medium", "high", "urgent", "red", "green", "blue", "public", "private", "internal",
]


def pascal(s: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in s.replace(".", "_").split("_") if p)


class Generator:
    """Builds the source text of the models module for one N."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = random.Random(SEED * 10007 + n)
        self.out: list[str] = []
        self.enums: list[str] = []
        self.enum_first: dict[str, str] = {}  # enum -> its first member's name
        self.shared_by_level: list[list[str]] = [[], [], [], []]
        self.families: list[str] = []  # type aliases of discriminated unions
        self.recursive: list[str] = []
        self.budget = 0  # model references the model being written may still make

    # ---- types ------------------------------------------------------------------------

    def shared_ref(self, max_level: int) -> str | None:
        """A shared model of level <= max_level, while the current model's budget of
        references lasts (it keeps a method's reachable models to a realistic 10-30)."""
        levels = [lv for lv in range(max_level + 1) if self.shared_by_level[lv]]
        if not levels or self.budget <= 0:
            return None
        self.budget -= 1
        return self.rng.choice(self.shared_by_level[self.rng.choice(levels)])

    def scalar(self) -> tuple[str, str | None]:
        """A scalar annotation and its Field(...) constraints (or None)."""
        r = self.rng.random()
        if r < 0.30:
            c = self.rng.choice([None, "min_length=1, max_length=200", "max_length=64",
                                 'pattern=r"^[a-z0-9-]+$"'])
            return "str", c
        if r < 0.48:
            return "int", self.rng.choice([None, "ge=0", "ge=1, le=1000", "gt=0"])
        if r < 0.55:
            return "float", self.rng.choice([None, "ge=0.0", "ge=0.0, le=1.0"])
        if r < 0.65:
            return "bool", None
        if r < 0.75:
            return "datetime", None
        if r < 0.79:
            return "date", None
        if r < 0.87:
            return "UUID", None
        if r < 0.90:
            return "Decimal", "max_digits=12, decimal_places=2"
        if r < 0.93:
            return "timedelta", None
        return "str", "min_length=3, max_length=254"

    def element(self, max_level: int) -> str:
        """An item type for a list or map: a scalar, an enum or a shared model."""
        r = self.rng.random()
        if r < 0.45 and max_level >= 0:
            ref = self.shared_ref(max_level)
            if ref:
                return ref
        if r < 0.6 and self.enums:
            return self.rng.choice(self.enums)
        return self.rng.choice(["str", "int", "float", "UUID", "datetime"])

    def field_type(self, max_level: int) -> tuple[str, str | None, str | None]:
        """(annotation, Field constraints, default source) for one field; max_level is the
        highest shared level it may refer to (-1: none)."""
        rng = self.rng
        r = rng.random()
        default: str | None = None
        constraints: str | None = None
        if r < 0.40:
            ann, constraints = self.scalar()
        elif r < 0.50 and self.enums:
            ann = rng.choice(self.enums)
            if rng.random() < 0.3:
                default = f"{ann}.{self.enum_first[ann]}"
        elif r < 0.66 and (ref := self.shared_ref(max_level)):
            ann = ref
        elif r < 0.76:
            ann = f"list[{self.element(max_level)}]"
            if rng.random() < 0.4:
                default = "[]"
            elif rng.random() < 0.3:
                constraints = "max_length=100"
        elif r < 0.81:
            ann = f"dict[str, {self.element(max_level)}]"
            if rng.random() < 0.5:
                default = "{}"
        elif r < 0.86:
            a = self.shared_ref(max_level)
            b = self.shared_ref(max_level) if a else None
            if a and b and a != b:
                ann = f"{a} | {b}"
            else:
                ann = rng.choice(["str | int", "int | float", "str | list[str]"])
        elif r < 0.90 and self.families and max_level >= 1 and self.budget > 0:
            self.budget -= 1
            ann = rng.choice(self.families)
        elif r < 0.94:
            values = rng.sample(ENUM_VALUES, rng.randint(2, 4))
            ann = "Literal[" + ", ".join(json.dumps(v) for v in values) + "]"
            if rng.random() < 0.3:
                default = json.dumps(values[0])
        elif r < 0.96:
            ann = rng.choice(["tuple[int, int]", "tuple[str, int, bool]", "tuple[float, float]"])
        elif r < 0.98:
            ann = rng.choice(["set[str]", "set[int]"])
            default = "set()"
        else:
            ann = "Any"
            default = "None"
        # Optionals: a third of the fields with no default yet.
        if default is None and rng.random() < 0.33:
            ann = f"{ann} | None"
            default = None if rng.random() < 0.15 else "None"  # some required-nullable
        return ann, constraints, default

    # ---- models -----------------------------------------------------------------------

    def model(self, name: str, n_fields: int, max_level: int, doc: str | None,
              extra: list[str] | None = None, refs: int = 0) -> None:
        """Writes a model of n_fields fields (plus `extra` lines) that refers to at most
        `refs` other models, of levels up to max_level."""
        rng = self.rng
        self.budget = refs
        base = "BaseModel"
        lines = [f"class {name}({base}):"]
        if doc:
            lines.append(f'    """{doc}"""')
            lines.append("")
        for line in extra or []:
            lines.append(f"    {line}")
        taken = {line.split(":")[0] for line in extra or []}
        names = [w for w in rng.sample(WORDS, min(n_fields, len(WORDS))) if w not in taken]
        for fname in names:
            ann, constraints, default = self.field_type(max_level)
            args: list[str] = []
            if default is not None:
                if default in ("[]", "{}", "set()"):
                    args.append(f"default_factory={ {'[]': 'list', '{}': 'dict', 'set()': 'set'}[default]}")
                else:
                    args.append(f"default={default}")
            if constraints:
                args.append(constraints)
            if rng.random() < 0.2:
                args.append(f'description="The {fname.replace("_", " ")} of this {name}."')
            if rng.random() < 0.02:
                args.append("deprecated=True")
            if args:
                lines.append(f"    {fname}: {ann} = Field({', '.join(args)})")
            else:
                lines.append(f"    {fname}: {ann}")
        self.out.append("\n".join(lines) + "\n\n")

    def generate(self) -> str:
        n, rng = self.n, self.rng
        self.out.append(
            f'"""Synthetic API of {n} methods for the rpcforge benchmarks (generated by\n'
            f'scripts/bench_schema.py; do not edit)."""\n\n'
            "from __future__ import annotations\n\n"
            "from datetime import date, datetime, timedelta\n"
            "from decimal import Decimal\n"
            "from enum import Enum, IntEnum\n"
            "from typing import Annotated, Any, Generic, Literal, TypeVar\n"
            "from uuid import UUID\n\n"
            "from pydantic import BaseModel, Field\n\n"
            f'TITLE = "Bench {n}"\nVERSION = "1.0.0"\n'
            'DESCRIPTION = "A synthetic API for benchmarks."\n'
            'SERVERS = {"development": "ws://localhost:8765", "production": "wss://api.example.com/ws"}\n\n'
            'T = TypeVar("T")\n\n\n'
        )
        # Enums: one per 10 methods, a quarter of them integer enums.
        for k in range(max(2, n // 10)):
            name = f"{pascal(rng.choice(NOUNS))}Status{k}"
            values = rng.sample(ENUM_VALUES, rng.randint(3, 6))
            if k % 4 == 3:
                body = "\n".join(f"    V{v} = {v}" for v in range(1, len(values) + 1))
                self.out.append(f"class {name}(IntEnum):\n{body}\n\n\n")
                self.enum_first[name] = "V1"
            else:
                body = "\n".join(f'    {v.upper()} = "{v}"' for v in values)
                self.out.append(f"class {name}(str, Enum):\n{body}\n\n\n")
                self.enum_first[name] = values[0].upper()
            self.enums.append(name)
        # Shared models: 0.7 per method (with the enums and union variants, about a third of
        # all models, the methods' own params and results being the rest), in four levels; a
        # level refers only to lower ones, so nesting is at most four deep.
        shared = max(8, n * 7 // 10)
        counts = [int(shared * f) for f in (0.4, 0.3, 0.2)]
        counts.append(shared - sum(counts))
        for level, count in enumerate(counts):
            for j in range(count):
                name = f"{pascal(rng.choice(NOUNS))}L{level}N{j}"
                doc = f"A shared {name} record." if rng.random() < 0.5 else None
                extra = []
                if level == 0 and j % 25 == 0:
                    extra.append(f"children: list[{name}] = Field(default_factory=list)")
                    self.recursive.append(name)
                self.model(name, rng.randint(5, 10), level - 1, doc, extra,
                           refs=rng.randint(1, 2) if level else 0)
                self.shared_by_level[level].append(name)
            if level == 0:
                # Discriminated unions: one family of 2-3 variants per 20 methods.
                for f in range(max(1, n // 20)):
                    variants = []
                    for v, tag in enumerate(rng.sample(["text", "image", "file", "link",
                                                         "video", "audio"], rng.randint(2, 3))):
                        vname = f"{pascal(tag)}Part{f}"
                        self.model(vname, rng.randint(4, 7), 0, None,
                                   [f'kind: Literal["{tag}"]'])
                        variants.append(vname)
                    alias = f"Part{f}"
                    self.out.append(
                        f"{alias} = Annotated[{' | '.join(variants)}, "
                        'Field(discriminator="kind")]\n\n\n'
                    )
                    self.families.append(alias)
        self.out.append(
            "class Page(BaseModel, Generic[T]):\n"
            '    """One page of a listing."""\n\n'
            "    items: list[T]\n    has_more: bool\n    next_cursor: str | None = None\n\n\n"
        )
        # Methods: each with its own params and result models of 5-15 fields.
        api_lines = ["API: dict[str, Any] = {"]
        top = len(self.shared_by_level) - 1
        for i in range(n):
            ns, verb, noun = rng.choice(NAMESPACES), rng.choice(VERBS), rng.choice(NOUNS)
            wire = f"{ns}.{verb}_{noun}_{i}"
            base = pascal(f"{verb}_{noun}_{i}")
            params = result = "None"
            if rng.random() >= 0.05:
                params = f"{base}Params"
                doc = f"Parameters of {wire}." if rng.random() < 0.3 else None
                self.model(params, rng.randint(5, 15), top, doc, refs=rng.randint(1, 3))
            if rng.random() >= 0.08:
                result = f"{base}Result"
                extra = []
                if rng.random() < 0.1:
                    self.budget = 1
                    extra.append(f"page: Page[{self.shared_ref(1)}]")
                doc = f"What {wire} returns." if rng.random() < 0.3 else None
                self.model(result, rng.randint(5, 15) - len(extra), top, doc, extra,
                           refs=rng.randint(1, 3))
            if rng.random() < 0.25:
                summary = json.dumps(f"{verb.capitalize()} a {noun}.")
                deprecated = "True" if rng.random() < 0.1 else "False"
                api_lines.append(
                    f'    "{wire}": {{"params": {params}, "result": {result}, '
                    f'"summary": {summary}, "deprecated": {deprecated}}},'
                )
            else:
                api_lines.append(f'    "{wire}": ({params}, {result}),')
        api_lines.append("}\n")
        events = ["EVENTS: dict[str, Any] = {"]
        for k in range(max(2, n // 50)):
            self.budget = 1
            payload = self.shared_ref(top)
            events.append(f'    "{rng.choice(NOUNS)}_changed_{k}": {payload},')
        events.append("}\n")
        self.out.append("\n".join(api_lines) + "\n" + "\n".join(events))
        return "".join(self.out)


def load_module(path: Path):
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def generate(n: int, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    models_path = out_dir / f"bench_models_{n}.py"
    source = Generator(n).generate()
    if not models_path.exists() or models_path.read_text() != source:
        models_path.write_text(source)
    module = load_module(models_path)
    sys.path.insert(0, str(ROOT / "exporters" / "python" / "src"))
    from rpcforge_export import (Info, build_document, collect_events, collect_methods,
                                 render_document)

    doc = build_document(
        Info(module.TITLE, module.VERSION, module.DESCRIPTION),
        collect_methods(module.API),
        collect_events(module.EVENTS),
        module.SERVERS,
    )
    doc_path = out_dir / f"bench_{n}.rpc.json"
    doc_path.write_text(render_document(doc))
    return doc_path


def stats(path: Path) -> dict:
    doc = json.loads(path.read_text())
    defs = doc.get("$defs", {})

    def refs(schema, acc: set[str]) -> None:
        stack = [schema]
        while stack:
            s = stack.pop()
            if isinstance(s, dict):
                ref = s.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/$defs/"):
                    name = ref[len("#/$defs/"):]
                    if name not in acc:
                        acc.add(name)
                        stack.append(defs.get(name))
                stack.extend(v for k, v in s.items() if k != "$ref")
            elif isinstance(s, list):
                stack.extend(s)

    users: dict[str, int] = {}
    fields = []
    for m in doc["methods"]:
        acc: set[str] = set()
        for key in ("params", "result"):
            if key in m:
                refs(m[key], acc)
                target = m[key].get("$ref", "")[len("#/$defs/"):]
                fields.append(len(defs.get(target, {}).get("properties", {})))
        for name in acc:
            users[name] = users.get(name, 0) + 1
    shared = sum(1 for c in users.values() if c >= 2)
    return {
        "methods": len(doc["methods"]),
        "events": len(doc.get("events", [])),
        "defs": len(defs),
        "defs_shared_by_2_or_more_methods": shared,
        "fields_per_params_or_result": [min(fields), max(fields)] if fields else None,
        "bytes": path.stat().st_size,
    }


def time_django_ipc(n: int, out_dir: Path, target: Path) -> tuple[float, float]:
    """Wall and CPU seconds of django-ipc's generate_clients (both languages)."""
    import logging
    import warnings

    module = load_module(out_dir / f"bench_models_{n}.py")
    from django_ipc.codegen.cli import generate_clients
    from django_ipc.server.connection_manager import ActiveConnection, ConnectionManager
    from django_ipc.server.message_router import MessageRouter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        router = MessageRouter(ConnectionManager(redis_url="redis://localhost:6379/0"))

    from typing import Any

    def handler_for(params, result):
        async def handler(conn, params):  # never called: the codegen reads the annotations
            raise NotImplementedError

        handler.__annotations__ = {
            "conn": ActiveConnection,
            "params": params if params is not None else dict[str, Any],
            "return": result if result is not None else dict[str, Any],
        }
        return handler

    for wire, entry in module.API.items():
        if isinstance(entry, dict):
            params, result = entry["params"], entry["result"]
        else:
            params, result = entry
        router.register(wire)(handler_for(params, result))
    logging.disable(logging.CRITICAL)  # its progress log goes nowhere, as with --quiet
    start, cpu = time.perf_counter(), time.process_time()
    generate_clients(router, target, typescript=True, python=True)
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "generate":
        path = generate(int(argv[1]), Path(argv[2]))
        print(json.dumps({"document": str(path), **stats(path)}))
        return 0
    if len(argv) == 2 and argv[0] == "stats":
        print(json.dumps(stats(Path(argv[1]))))
        return 0
    if len(argv) == 4 and argv[0] == "django-ipc":
        seconds, cpu = time_django_ipc(int(argv[1]), Path(argv[2]), Path(argv[3]))
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
