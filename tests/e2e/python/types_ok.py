"""Type test: the generated client's surface, checked by ``mypy --strict`` (never run).

tests/e2e_python.rs checks this file with mypy; ``types_misuse.py`` holds the calls that
must be rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import assert_type
from uuid import UUID

from shop_orders_e2e import (
    SERVERS,
    AuthError,
    ConnectionLostError,
    EventStream,
    MethodNotFoundError,
    ReconnectPolicy,
    ResponseValidationError,
    RPCClient,
    RPCError,
    RPCTimeoutError,
    ServerError,
    SyncEventStream,
    SyncRPCClient,
    ValidationError,
)
from shop_orders_e2e.models import (
    Address,
    CardPayment,
    Cart,
    CategoryTree,
    EchoParams,
    MoneyInput,
    Order,
    OrderRef,
    OrderStatusChanged,
    OrderStatusResult,
    PageOrder,
    ShopNotification,
    SleepResult,
)

ORDER = UUID("00000000-0000-4000-8000-000000000003")


async def token() -> str:
    return "t"


async def async_surface() -> None:
    assert_type(SERVERS, dict[str, str])
    client = RPCClient(
        "ws://127.0.0.1:8765",
        token=token,
        timeout=5.0,
        reconnect=ReconnectPolicy(initial_delay=0.1, max_attempts=3),
    )
    assert_type(RPCClient(), RPCClient)
    assert_type(RPCClient(token=lambda: "t", reconnect=None), RPCClient)
    assert_type(RPCClient.from_env(), RPCClient)
    async with client as c:
        assert_type(c, RPCClient)
        assert_type(
            await c.orders.get_status(OrderRef(order_id=ORDER)), OrderStatusResult
        )
        assert_type(
            await c.orders.get_status(order_id=ORDER, timeout=1.0), OrderStatusResult
        )
        assert_type(await c.orders.get(order_id=ORDER), Order)
        assert_type(await c.orders.list(), PageOrder)
        assert_type(await c.orders.list(limit=5, cursor=None), PageOrder)
        assert_type(await c.cart.get(), Cart)
        assert_type(await c.cart.get(timeout=2), Cart)
        assert_type(await c.cart.add_item(sku="MUG0001"), Cart)
        assert_type(await c.catalog.categories(), CategoryTree)
        order = await c.orders.checkout(
            shipping_address=Address(
                name="A", line1="B", city="C", postal_code="12345", country="DE"
            ),
            payment=CardPayment(token="tok_0123456789abcdef"),
            expected_total=MoneyInput(amount="1.00"),
            note="leave at the door",
        )
        assert_type(order, Order)
        assert_type(await c.orders.cancel(order_id=order.id, reason="other"), None)
        assert_type(await c.test.echo(EchoParams(text="x")), EchoParams)
        assert_type(await c.test.echo(text="x", when=datetime.now()), EchoParams)
        assert_type(await c.test.sleep(ms=1), SleepResult)

        def on_note(n: ShopNotification) -> None:
            assert_type(n.title, str)

        async def on_change(e: OrderStatusChanged) -> None:
            assert_type(e.changed_at, datetime)

        off = c.on("notification", on_note)
        assert_type(off, Callable[[], None])
        c.on("order_status_changed", on_change)
        c.on_error(lambda e: print(e.code, e.message, e.details, e.retryable))
        c.on_unknown_message(lambda m: print(m["type"]))
        stream = c.events("notification")
        assert_type(stream, EventStream[ShopNotification])
        async for note in stream:
            assert_type(note, ShopNotification)
        async with c.events("order_status_changed") as changes:
            async for change in changes:
                assert_type(change, OrderStatusChanged)

    try:
        await client.connect()
    except AuthError as e:
        assert_type(e.close_code, int | None)
    except ValidationError as e:
        assert_type(e.field_errors[0].field, str)
    except (MethodNotFoundError, ServerError, RPCTimeoutError) as e:
        assert_type(e.code, str)
    except ConnectionLostError as e:
        assert_type(e.retryable, bool)
    except ResponseValidationError as e:
        assert isinstance(e, RPCError)


def sync_surface() -> None:
    with SyncRPCClient("ws://127.0.0.1:8765", token="t", timeout=3) as c:
        assert_type(c, SyncRPCClient)
        assert_type(c.orders.get_status(order_id=ORDER), OrderStatusResult)
        assert_type(c.orders.get_status(OrderRef(order_id=ORDER)), OrderStatusResult)
        assert_type(c.cart.get(), Cart)
        assert_type(c.orders.cancel(order_id=ORDER, reason="too_slow"), None)
        c.on("notification", lambda n: print(n.body))
        stream = c.events("notification")
        assert_type(stream, SyncEventStream[ShopNotification])
        for note in stream:
            assert_type(note, ShopNotification)
        assert_type(stream.get(timeout=1.0), ShopNotification)
