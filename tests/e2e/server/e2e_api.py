"""The API of the end-to-end test server: the ecommerce example's methods and events, plus
test-only methods (``test.*``) that client tests need (echo, delays, failures, pushes, big
results, server-side closes).

This module is both the exporter's input (``e2e.rpc.json`` is generated from it, see
``export.sh``) and the server's source of models (``server.py``), so the document and the
server cannot drift apart.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

ROOT = Path(__file__).resolve().parents[3]
ECOMMERCE_MODELS = ROOT / "examples" / "ecommerce" / "models.py"


def _load_ecommerce() -> Any:
    """Import examples/ecommerce/models.py as the module ``ecommerce_models``."""
    name = "ecommerce_models"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ECOMMERCE_MODELS)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {ECOMMERCE_MODELS}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before exec: pydantic resolves forward refs through it
    spec.loader.exec_module(module)
    return module


shop = _load_ecommerce()

TITLE = "Shop Orders E2E"
VERSION = shop.VERSION
DESCRIPTION = (
    "The ecommerce example's API plus test-only methods, as served by "
    "tests/e2e/server/server.py (django-ipc 1.0.9) for end-to-end tests of generated clients."
)
SERVERS = {"development": "ws://127.0.0.1:8765"}


# ---- test-only models -------------------------------------------------------------------


class EchoParams(BaseModel):
    """Anything a client may send; test.echo returns the params object exactly as received."""

    text: str
    count: int = 0
    ratio: float | None = None
    flags: list[bool] = []
    tags: list[str] = []
    ref: UUID | None = None
    when: datetime | None = None
    data: dict[str, Any] = Field(default={}, description="Free-form JSON object.")


class SleepParams(BaseModel):
    ms: int = Field(
        ge=0, le=120_000, description="How long the server waits before answering."
    )
    value: str | None = None


class SleepResult(BaseModel):
    slept_ms: int
    value: str | None


class FailParams(BaseModel):
    message: str = Field(
        default="boom",
        max_length=400,
        description="Message of the exception the handler raises.",
    )


class PushParams(BaseModel):
    events: list[
        Literal["notification", "order_status_changed", "broadcast", "room_event"]
    ] = Field(
        default=["notification", "order_status_changed"],
        description="Frames pushed to the calling connection, in order, before the response.",
    )
    repeat: int = Field(
        default=1, ge=1, le=100, description="How often the list is pushed."
    )


class PushResult(BaseModel):
    pushed: int = Field(description="Number of frames pushed before this response.")


class BigParams(BaseModel):
    size: int = Field(
        ge=0, le=8 * 1024 * 1024, description="Length of `data` in characters."
    )


class BigResult(BaseModel):
    size: int
    data: str = Field(description="`size` ASCII characters.")


class DisconnectParams(BaseModel):
    code: int = Field(
        default=4000, ge=1000, le=4999, description="WebSocket close code."
    )
    reason: str = Field(default="test.disconnect", max_length=100)
    when: Literal["before_response", "after_response"] = Field(
        default="before_response",
        description="before_response: the call never gets an answer; after_response: it does, "
        "then the connection closes.",
    )


API: dict[str, Any] = {
    **shop.API,
    "test.echo": {
        "params": EchoParams,
        "result": EchoParams,
        "summary": "Return the params object unchanged.",
    },
    "test.sleep": {
        "params": SleepParams,
        "result": SleepResult,
        "summary": "Answer after `ms` milliseconds (blocks this connection meanwhile).",
    },
    "test.fail": {
        "params": FailParams,
        "result": None,
        "summary": "Raise an exception: always answers internal_error 'Handler error: <message>'.",
    },
    "test.push": {
        "params": PushParams,
        "result": PushResult,
        "summary": "Push frames to the calling connection, then answer.",
    },
    "test.big": {
        "params": BigParams,
        "result": BigResult,
        "summary": "Answer with a result of the requested size.",
    },
    "test.disconnect": {
        "params": DisconnectParams,
        "result": None,
        "summary": "Close the calling connection with the given code.",
    },
}

EVENTS: dict[str, Any] = dict(shop.EVENTS)
