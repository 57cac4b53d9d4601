"""Type test: misuses of the generated client that ``mypy --strict`` must reject.

Each line ending in ``# E:`` and an error code must get exactly that error, and no other
line any error (checked by tests/e2e_python.rs).
"""

from __future__ import annotations

from uuid import UUID

from shop_orders_e2e import RPCClient, SyncRPCClient
from shop_orders_e2e.models import OrderRef, ShopNotification

ORDER = UUID("00000000-0000-4000-8000-000000000003")


async def misuse(c: RPCClient, s: SyncRPCClient) -> None:
    await c.orders.get_status()  # E: call-overload
    await c.orders.get_status(order_id="7")  # E: call-overload
    await c.orders.get_status(order=ORDER)  # E: call-overload
    ref = OrderRef(order_id=ORDER)
    await c.orders.get_status(ref, order_id=ORDER)  # E: call-overload
    await c.orders.cancel(order_id=ORDER)  # E: call-overload
    await c.cart.get(7)  # E: call-arg
    status: int = await c.orders.get_status(order_id=ORDER)  # E: assignment
    c.on("notification", lambda n: n.no_such_field)  # E: call-overload
    c.on("no_such_event", print)  # E: call-overload
    note: ShopNotification = s.cart.get()  # E: assignment
    s.orders.list(limit="5")  # E: call-overload
    print(status, note)
