"""``manage.py export_rpc_schema``: the exporter as a Django management command.

Add ``"rpcforge_export"`` to ``INSTALLED_APPS`` and describe the API in settings::

    RPCFORGE_EXPORT = {
        "API": "myproject.rpc:router",        # a django-ipc MessageRouter, or a mapping
        "EVENTS": "myproject.rpc:EVENTS",     # optional
        "OUTPUT": "api.rpc.json",             # relative to settings.BASE_DIR (else the cwd)
        "TITLE": "Shop API",
        "VERSION": "1.4.0",
        "DESCRIPTION": "...",                 # optional
        "SERVERS": {"production": "wss://shop.example.com/ws"},  # optional
        "SKIP_UNTYPED": False,                # optional
    }

Every key can be overridden on the command line (``--api-version`` stands for
``--version``, which Django reserves). ``--check`` exits 1 when the file is stale.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings  # type: ignore[import-untyped]
from django.core.management.base import (  # type: ignore[import-untyped]
    BaseCommand,
    CommandError,
    CommandParser,
)

from rpcforge_export.cli import export_text, parse_servers, write_output
from rpcforge_export.sources import ExportError

SETTING = "RPCFORGE_EXPORT"
_KEYS = frozenset(
    {"API", "EVENTS", "OUTPUT", "TITLE", "VERSION", "DESCRIPTION", "SERVERS", "SKIP_UNTYPED"}
)


class Command(BaseCommand):  # type: ignore[misc]
    help = (
        "Write the RPC schema document (rpcSchema 1) of the API named in settings.RPCFORGE_EXPORT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("api", nargs="?", help="'module.path:NAME' (default: settings API)")
        parser.add_argument("--events", metavar="MODULE:NAME", help="the events mapping")
        parser.add_argument("-o", "--output", help="file to write ('-': stdout)")
        parser.add_argument("--title", help="info.title")
        parser.add_argument("--api-version", help="info.version")
        parser.add_argument("--description", help="info.description")
        parser.add_argument(
            "--server", action="append", default=[], metavar="NAME=URL", help="repeatable"
        )
        parser.add_argument("--skip-untyped", action="store_true", default=None)
        parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")

    def handle(self, *args: Any, **options: Any) -> None:
        conf = _settings()
        api = options["api"] or conf.get("API")
        if not api:
            raise CommandError(f"no API: pass 'module:NAME' or set {SETTING}['API']", returncode=2)
        output_setting = options["output"] or conf.get("OUTPUT")
        output = _output_path(output_setting)
        if options["check"] and output is None:
            raise CommandError(f"--check needs -o/--output or {SETTING}['OUTPUT']", returncode=2)
        try:
            servers = parse_servers(options["server"]) if options["server"] else conf.get("SERVERS")
            if servers is not None and not isinstance(servers, Mapping):
                raise ExportError(f"{SETTING}['SERVERS'] must be a dict of name -> URL")
            skip = options["skip_untyped"]
            text = export_text(
                api,
                events=options["events"] or conf.get("EVENTS"),
                title=options["title"] or conf.get("TITLE"),
                version=options["api_version"] or conf.get("VERSION"),
                description=options["description"] or conf.get("DESCRIPTION"),
                servers=servers,
                skip_untyped=bool(conf.get("SKIP_UNTYPED", False) if skip is None else skip),
                warn=lambda message: self.stderr.write(f"warning: {message}"),
            )
        except ExportError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if output is None:
            self.stdout.write(text, ending="")
            return
        err = io.StringIO()
        status = write_output(
            text, output, check=options["check"], err=err, prog="export_rpc_schema"
        )
        if status != 0:
            raise CommandError(err.getvalue().strip(), returncode=status)
        if not options["check"] and options["verbosity"] > 0:
            self.stdout.write(f"wrote {output}")


def _settings() -> Mapping[str, Any]:
    conf = getattr(settings, SETTING, {})
    if not isinstance(conf, Mapping):
        raise CommandError(f"settings.{SETTING} must be a dict", returncode=2)
    unknown = sorted(str(key) for key in conf if key not in _KEYS)
    if unknown:
        raise CommandError(
            f"settings.{SETTING}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_KEYS))}",
            returncode=2,
        )
    return conf


def _output_path(value: object) -> Path | None:
    if value is None or value == "-":
        return None
    path = Path(str(value))
    base = getattr(settings, "BASE_DIR", None)
    if not path.is_absolute() and base is not None:
        path = Path(base) / path
    return path
