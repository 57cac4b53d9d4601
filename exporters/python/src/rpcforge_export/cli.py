"""Command line: ``python -m rpcforge_export module:API [--events module:EVENTS] ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from rpcforge_export.document import Info, build_document, render_document
from rpcforge_export.sources import ExportError, collect_events, collect_methods, load_object

PROG = "rpcforge-export"


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status: 0 done (or up to date), 1 ``--check`` found a stale file, 2 input error."""
    args = _parser().parse_args(argv)
    try:
        if args.check and args.output is None:
            raise ExportError("--check needs -o/--output")
        text = export_text(
            args.api,
            events=args.events,
            title=args.title,
            version=args.version,
            description=args.description,
            servers=parse_servers(args.server) if args.server else None,
            skip_untyped=args.skip_untyped,
        )
    except ExportError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    return write_output(text, args.output, check=args.check)


def write_output(
    text: str, output: Path | None, *, check: bool, err: TextIO | None = None, prog: str = PROG
) -> int:
    """Write ``text`` to ``output`` (stdout when None), or with ``check`` compare only:
    0 written / up to date, 1 stale or missing (a message on ``err``)."""
    err = err or sys.stderr
    if output is None:
        sys.stdout.write(text)
        return 0
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current == text:
            return 0
        state = "is missing" if current is None else "is out of date"
        print(f"{prog}: {output} {state}; run again without --check", file=err)
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
    parser.add_argument(
        "api",
        help="the API as 'module.path:NAME': a django-ipc MessageRouter (or BaseHandler) "
        "or a mapping of method name -> (ParamsModel, ResultModel)",
    )
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
        "--skip-untyped",
        action="store_true",
        help="router: leave out (with a warning) the handlers without a pydantic params or "
        "result model instead of failing",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the --output file differs from what would be written",
    )
    return parser


def export_text(
    api: str,
    *,
    events: str | None = None,
    title: str | None = None,
    version: str | None = None,
    description: str | None = None,
    servers: Mapping[str, str] | None = None,
    skip_untyped: bool = False,
    warn: Callable[[str], None] | None = None,
) -> str:
    """The document for the API at import path ``api`` (and ``events``), as text.

    Title, version, description and servers left as None come from the constants TITLE,
    VERSION, DESCRIPTION and SERVERS of the API's module, when it has them.
    """
    if warn is None:

        def warn(message: str) -> None:
            print(f"{PROG}: warning: {message}", file=sys.stderr)

    methods = collect_methods(load_object(api), skip_untyped=skip_untyped, warn=warn)
    event_specs = collect_events(load_object(events)) if events else None
    module = api.partition(":")[0]
    title = title or _constant(module, "TITLE")
    version = version or _constant(module, "VERSION")
    if not title or not version:
        missing = "--title" if not title else "--version"
        raise ExportError(f"missing {missing} (or a {missing[2:].upper()} constant in {module})")
    info = Info(title, version, description or _constant(module, "DESCRIPTION"))
    if servers is None:
        servers = _module_servers(module)
    doc = build_document(info, methods, event_specs, servers)
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


def parse_servers(entries: Sequence[str]) -> dict[str, str]:
    servers: dict[str, str] = {}
    for entry in entries:
        name, sep, url = entry.partition("=")
        if not sep or not name or not url:
            raise ExportError(f"--server {entry!r}: expected NAME=URL")
        if name in servers:
            raise ExportError(f"--server {name!r} given twice")
        servers[name] = url
    return servers
