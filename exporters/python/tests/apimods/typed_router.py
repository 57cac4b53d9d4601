"""A django-ipc router whose handlers are all typed (importable as apimods.typed_router)."""

import warnings
from typing import Annotated, Any

import django_ipc.server  # noqa: F401  (before django_ipc.handlers: circular import)
from django_ipc.logger import LoggerConfig, RPCLogger
from django_ipc.server import ActiveConnection, ConnectionManager, MessageRouter
from pydantic import BaseModel, Field

TITLE = "Typed router"
VERSION = "2.0.0"
SERVERS = {"development": "ws://127.0.0.1:8765"}


class OrderRef(BaseModel):
    order_id: int = Field(ge=1)


class OrderStatus(BaseModel):
    """Where an order is."""

    order_id: int
    status: str


class Notice(BaseModel):
    """A toast."""

    text: str


_logger = RPCLogger(
    config=LoggerConfig(log_dir=__import__("tempfile").mkdtemp(prefix="rpcforge-export-")),
    name="typed_router",
)
router = MessageRouter(ConnectionManager(redis_url="redis://127.0.0.1:1/0"), logger=_logger)


@router.register("orders.get_status")
async def get_status(conn: ActiveConnection, params: OrderRef) -> OrderStatus:
    """Status of one order.

    Looks the order up by id.
    """
    return OrderStatus(order_id=params.order_id, status="paid")


@router.register("orders.cancel")
async def cancel(conn: ActiveConnection, params: OrderRef) -> None:
    """Cancel an order."""


@router.register("orders.status_dict")
async def status_dict(
    conn: ActiveConnection, params: OrderRef
) -> Annotated[dict[str, Any], OrderStatus]:
    return OrderStatus(order_id=params.order_id, status="paid").model_dump(mode="json")


with warnings.catch_warnings():
    warnings.simplefilter("ignore")

    async def old_status(conn: ActiveConnection, params: OrderRef) -> OrderStatus:
        """Old name of orders.get_status."""
        return await get_status(conn, params)

    old_status.__deprecated__ = "use orders.get_status"  # type: ignore[attr-defined]
    router.register("orders.track")(old_status)


@router.register_type("ping")
async def ping(conn: ActiveConnection, params: dict) -> dict:  # type: ignore[type-arg]
    return {"pong": True}


EVENTS = {"notice": Notice}
