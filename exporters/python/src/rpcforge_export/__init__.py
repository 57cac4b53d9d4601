"""Export Pydantic v2 models of a django-ipc WebSocket RPC API as an RPC schema document.

The document format is "RPC schema document, version 1", the input of the rpcforge code
generator. Typical use is the command line (``python -m rpcforge_export app.rpc:API``); the
functions below are the same steps for use from Python.
"""

from rpcforge_export.document import Info, build_document, render_document
from rpcforge_export.sources import (
    EventSpec,
    ExportError,
    MethodSpec,
    collect_events,
    collect_methods,
    load_object,
)

__all__ = [
    "EventSpec",
    "ExportError",
    "Info",
    "MethodSpec",
    "build_document",
    "collect_events",
    "collect_methods",
    "load_object",
    "render_document",
]
