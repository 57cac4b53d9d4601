"""A router with typed and untyped handlers (importable as apimods.untyped_router)."""

from typing import Any

import django_ipc.server  # noqa: F401
from django_ipc.logger import LoggerConfig, RPCLogger
from django_ipc.server import ActiveConnection, ConnectionManager, MessageRouter
from pydantic import BaseModel

TITLE = "Untyped router"
VERSION = "0.1.0"


class Ref(BaseModel):
    id: int


class Item(BaseModel):
    id: int
    name: str


_logger = RPCLogger(
    config=LoggerConfig(log_dir=__import__("tempfile").mkdtemp(prefix="rpcforge-export-")),
    name="untyped_router",
)
router = MessageRouter(ConnectionManager(redis_url="redis://127.0.0.1:1/0"), logger=_logger)


@router.register("items.get")
async def get_item(conn: ActiveConnection, params: Ref) -> Item:
    return Item(id=params.id, name="x")


@router.register("items.raw")
async def raw(conn: ActiveConnection, params: dict[str, Any]) -> Item:
    return Item(id=1, name="x")


@router.register("items.no_return")
async def no_return(conn: ActiveConnection, params: Ref):  # type: ignore[no-untyped-def]
    return {}


@router.register("items.maybe")
async def maybe(conn: ActiveConnection, params: Ref) -> Item | None:
    return None


@router.register("items.bare")
async def bare(conn, params):  # type: ignore[no-untyped-def]
    return {}
