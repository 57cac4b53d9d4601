"""Command line: ``python -m rpcforge_export module:API [--events module:EVENTS] ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rpcforge_export.document import Info, build_document, render_document
from rpcforge_export.sources import ExportError, collect_events, collect_methods, load_object

PROG = "rpcforge-export"


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status: 0 done (or up to date), 1 ``--check`` found a stale file, 2 input error."""
    args = _parser().parse_args(argv)
    try:
        text = _export(args)
    except ExportError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current == text:
            return 0
        state = "is missing" if current is None else "is out of date"
        print(f"{PROG}: {output} {state}; run again without --check", file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Write the RPC schema document (rpcSchema 1) of a Pydantic-typed RPC API.",
        epilog="--title/--version/--description/--server default to the module-level constants "
        "TITLE, VERSION, DESCRIPTION and SERVERS (a dict) of the API's module.",
    )
    parser.add_argument("api", help="the methods mapping, as 'module.path:NAME'")
    parser.add_argument("--events", metavar="MODULE:NAME", help="the events mapping")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--title", help="info.title: the API's name")
    parser.add_argument("--version", help="info.version: the API's own version")
    parser.add_argument("--description", help="info.description")
    parser.add_argument(
        "--server",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a server entry, e.g. production=wss://api.example.com/ws (repeatable)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the --output file differs from what would be written",
    )
    return parser


def _export(args: argparse.Namespace) -> str:
    if args.check and args.output is None:
        raise ExportError("--check needs -o/--output")
    methods = collect_methods(load_object(args.api))
    events = collect_events(load_object(args.events)) if args.events else None
    module = args.api.partition(":")[0]
    title = args.title or _constant(module, "TITLE")
    version = args.version or _constant(module, "VERSION")
    if not title or not version:
        missing = "--title" if not title else "--version"
        raise ExportError(f"missing {missing} (or a {missing[2:].upper()} constant in {module})")
    info = Info(title, version, args.description or _constant(module, "DESCRIPTION"))
    servers = _parse_servers(args.server) if args.server else _module_servers(module)
    doc = build_document(info, methods, events, servers)
    return render_document(doc)


def _constant(module: str, name: str) -> str | None:
    try:
        value = load_object(f"{module}:{name}")
    except ExportError:
        return None
    if not isinstance(value, str):
        raise ExportError(f"{module}.{name} must be a string")
    return value


def _module_servers(module: str) -> dict[str, str] | None:
    try:
        value = load_object(f"{module}:SERVERS")
    except ExportError:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ExportError(f"{module}.SERVERS must be a dict of environment name -> URL")
    return dict(value)


def _parse_servers(entries: Sequence[str]) -> dict[str, str]:
    servers: dict[str, str] = {}
    for entry in entries:
        name, sep, url = entry.partition("=")
        if not sep or not name or not url:
            raise ExportError(f"--server {entry!r}: expected NAME=URL")
        if name in servers:
            raise ExportError(f"--server {name!r} given twice")
        servers[name] = url
    return servers
