"""The generated asyncio client (``RPCClient``) against the real django-ipc server."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from harness import Harness
from shop_orders_e2e import (
    AuthError,
    ConnectionLostError,
    FieldError,
    MethodNotFoundError,
    ResponseValidationError,
    RPCClient,
    RPCError,
    RPCTimeoutError,
    ServerError,
    ValidationError,
)
from shop_orders_e2e._runtime import ignore_result
from shop_orders_e2e.models import (
    AddCartItemParams,
    Address,
    CardPayment,
    Cart,
    CategoryTree,
    EchoParams,
    MoneyInput,
    Order,
    OrderRef,
    OrderStatus,
    OrderStatusChanged,
    OrderStatusResult,
    PageOrder,
    ShopNotification,
    SleepResult,
)

from conftest import FAST, ORDER_3, ORDER_4

pytestmark = pytest.mark.asyncio

ADDRESS = Address(
    name="A B", line1="Main St 1", city="Berlin", postal_code="10115", country="DE"
)
LOGGER = "shop_orders_e2e"


async def sent(client: RPCClient) -> None:
    """Returns once a call is waiting for its response (hang guard: 30 s)."""
    for _ in range(3000):
        if client._rt._pending:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no call went out")


async def settle(awaitable: Any, guard: float = 60.0) -> Any:
    """Awaits with a hang guard (never a timing assertion)."""
    return await asyncio.wait_for(awaitable, guard)


# ---- connection ------------------------------------------------------------------------


async def test_connect_returns_after_auth_and_close(harness: Harness) -> None:
    c = RPCClient(harness.url)
    assert not c.connected
    await c.connect()
    assert c.connected and c.url == harness.url
    await c.close()
    assert not c.connected
    with pytest.raises(ConnectionLostError):
        await c.cart.get()


async def test_refused_token_is_auth_error(harness: Harness) -> None:
    # The server takes exactly "Bearer <one word>"; anything else closes with 1008.
    with pytest.raises(AuthError) as info:
        await settle(RPCClient(harness.url, token="two words").connect())
    assert info.value.close_code == 1008 and info.value.code == "auth_failed"
    assert isinstance(info.value, RPCError)


async def test_token_callables_are_asked_at_each_connect(harness: Harness) -> None:
    asked: list[str] = []

    def sync_token() -> str:
        asked.append("sync")
        return "sync-token"

    async def async_token() -> str:
        asked.append("async")
        return "async-token"

    for source in (sync_token, async_token):
        async with RPCClient(harness.url, token=source) as c:
            assert isinstance(await c.cart.get(), Cart)
    assert asked == ["sync", "async"]


async def test_from_env() -> None:
    c = RPCClient.from_env(
        {"SHOP_ORDERS_E2E_SERVER": "development", "SHOP_ORDERS_E2E_TIMEOUT": "3"}
    )
    assert c.url == "ws://127.0.0.1:8765"
    c = RPCClient.from_env({"SHOP_ORDERS_E2E_URL": "ws://example.invalid:1/ws"})
    assert c.url == "ws://example.invalid:1/ws"
    assert RPCClient.from_env({}).url == "ws://127.0.0.1:8765"
    with pytest.raises(ValueError):
        RPCClient.from_env({"SHOP_ORDERS_E2E_SERVER": "production"})


# ---- every method of the example ------------------------------------------------------------


async def test_every_ecommerce_method(client: RPCClient) -> None:
    status = await client.orders.get_status(OrderRef(order_id=UUID(ORDER_3)))
    assert isinstance(status, OrderStatusResult)
    assert status.status is OrderStatus.PAID and isinstance(status.updated_at, datetime)
    # the same call with keyword arguments
    assert await client.orders.get_status(order_id=UUID(ORDER_3)) == status

    order = await client.orders.get(order_id=UUID(ORDER_3))
    assert isinstance(order, Order) and order.number == "ORD-00000003"

    page = await client.orders.list(
        status=[OrderStatus.PAID, OrderStatus.SHIPPED], limit=1
    )
    assert isinstance(page, PageOrder)
    assert page.total == 2 and len(page.items) == 1 and page.next_cursor == "1"

    cart = await client.cart.get()
    assert isinstance(cart, Cart) and cart.lines == []
    cart = await client.cart.add_item(AddCartItemParams(sku="MUG0001", quantity=2))
    assert cart.subtotal.amount == "19.00" and cart.lines[0].quantity == 2
    cart = await client.cart.remove_item(sku="MUG0001")
    assert cart.lines == []

    tree = await client.catalog.categories()
    assert isinstance(tree, CategoryTree) and tree.roots

    with pytest.warns(DeprecationWarning, match="orders.track"):
        tracked = await client.orders.track(order_id=UUID(ORDER_3))
    assert tracked.order_id == UUID(ORDER_3)

    # checkout (nested models, a discriminated union) and cancel (pushes, then null)
    await client.cart.add_item(sku="CAP00004")
    changes: list[OrderStatusChanged] = []
    client.on("order_status_changed", changes.append)
    placed = await client.orders.checkout(
        shipping_address=ADDRESS,
        payment=CardPayment(token="tok_0123456789abcdef"),
        expected_total=MoneyInput(amount="15.25"),
    )
    assert placed.status is OrderStatus.PAID and placed.total.amount == "15.25"
    assert await client.orders.cancel(order_id=placed.id, reason="other") is None
    assert [(c.previous, c.status) for c in changes] == [
        (OrderStatus.PAID, OrderStatus.CANCELLED)
    ]
    assert changes[0].order_id == placed.id


async def test_params_go_over_the_wire_as_set(client: RPCClient) -> None:
    # test.echo returns the params exactly as received: only the fields set, in JSON mode.
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    ref = UUID(ORDER_4)
    echoed = await client.test.echo(text="hi", when=when, ref=ref, data={"k": [1]})
    assert echoed.model_fields_set == {"text", "when", "ref", "data"}
    assert (echoed.when, echoed.ref, echoed.data) == (when, ref, {"k": [1]})
    echoed = await client.test.echo(EchoParams(text="only"))
    assert echoed.model_fields_set == {"text"}


# ---- errors ----------------------------------------------------------------------------------


async def test_handler_error(client: RPCClient) -> None:
    with pytest.raises(ServerError) as info:
        await client.test.fail(message="kaputt")
    e = info.value
    assert (e.code, e.message, e.details, e.retryable) == (
        "internal_error",
        "Handler error: kaputt",
        None,
        False,
    )


async def test_validation_errors_with_field_paths(client: RPCClient) -> None:
    # from the server
    with pytest.raises(ValidationError) as info:
        await client.cart.add_item(sku="ZZZZ9999")
    assert info.value.code == "validation_error"
    assert info.value.field_errors == [
        FieldError(
            field="sku", error="Unknown product ZZZZ9999", input_value="ZZZZ9999"
        )
    ]
    # keyword arguments are validated before anything is sent, with the same error type
    with pytest.raises(ValidationError) as info:
        await client.orders.list(status=["paid", "bogus"])  # type: ignore[list-item]
    assert [f.field for f in info.value.field_errors] == ["status.1"]


async def test_unknown_method(client: RPCClient) -> None:
    with pytest.raises(MethodNotFoundError) as info:
        await client._rt.call("no.such_method", None, ignore_result, None)
    assert info.value.code == "method_not_found"
    assert info.value.message == "Method not found: no.such_method"


async def test_result_that_does_not_match_the_schema(client: RPCClient) -> None:
    with pytest.raises(ResponseValidationError) as info:
        await client._rt.call(
            "test.echo", EchoParams(text="x"), SleepResult.model_validate, None
        )
    assert info.value.code == "response_validation_error" and info.value.details


async def test_uncorrelated_error_reaches_the_hook(client: RPCClient) -> None:
    errors: list[RPCError] = []
    client.on_error(errors.append)
    ws = client._rt._ws
    assert ws is not None
    await ws.send("[1, 2]")  # answered with an error that has no correlation_id
    await client.cart.get()  # answered after it: the error has arrived
    assert len(errors) == 1 and isinstance(errors[0], ServerError)


# ---- timeouts and cancellation ---------------------------------------------------------------


async def test_timeout_and_late_response_dropped(
    client: RPCClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    errors: list[Any] = []
    client.on_error(errors.append)
    client.on_unknown_message(errors.append)
    with pytest.raises(RPCTimeoutError) as info:
        await client.test.sleep(ms=1500, value="late", timeout=0.2)
    assert info.value.code == "timeout" and isinstance(info.value, TimeoutError)
    # The server answers in order: this call's response comes after the late one.
    assert (await client.test.echo(text="next")).text == "next"
    assert "dropping a late response" in caplog.text
    assert errors == [] and client._rt._pending == {}


async def test_cancellation_drops_the_late_response(
    client: RPCClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    task = asyncio.create_task(client.test.sleep(ms=800, value="cancelled"))
    await sent(client)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client._rt._pending == {}
    assert (await client.test.echo(text="after")).text == "after"
    assert "dropping a late response" in caplog.text


async def test_close_fails_pending_calls_at_once(harness: Harness) -> None:
    c = RPCClient(harness.url)
    await c.connect()
    pending = asyncio.create_task(c.test.sleep(ms=20000))
    await sent(c)
    await settle(c.close(), 30)
    with pytest.raises(ConnectionLostError):
        await settle(pending, 5)


# ---- pushes -------------------------------------------------------------------------------


async def test_typed_pushes_handlers_streams_and_unknown(client: RPCClient) -> None:
    notes: list[ShopNotification] = []
    changes: list[OrderStatusChanged] = []
    unknown: list[dict[str, Any]] = []

    async def on_change(payload: OrderStatusChanged) -> None:
        changes.append(payload)

    off = client.on("notification", notes.append)
    client.on("order_status_changed", on_change)
    client.on_unknown_message(unknown.append)
    async with client.events("notification") as stream:
        result = await client.test.push(
            events=["notification", "order_status_changed", "broadcast", "room_event"]
        )
        assert result.pushed == 4
        first = await settle(stream.__anext__(), 10)
    await asyncio.sleep(0)  # let the async handler's task run
    assert isinstance(first, ShopNotification)
    assert len(notes) == 1 and isinstance(notes[0], ShopNotification)
    assert len(changes) == 1 and isinstance(changes[0], OrderStatusChanged)
    assert [u["type"] for u in unknown] == ["broadcast", "room_event"]
    off()
    await client.test.push(events=["notification"])
    assert len(notes) == 1


# ---- restarts ----------------------------------------------------------------------------


async def test_server_restart_mid_session(own_server: Harness) -> None:
    notes: list[ShopNotification] = []
    async with RPCClient(own_server.url, reconnect=FAST, timeout=30) as c:
        c.on("notification", notes.append)
        stream = c.events("notification")
        await c.test.push(events=["notification"])
        pending = asyncio.create_task(c.test.sleep(ms=20000))
        await sent(c)
        await own_server.akill()
        with pytest.raises(ConnectionLostError) as info:
            await settle(pending)
        assert info.value.retryable
        await own_server.arestart()
        # calls made while reconnecting wait for the new connection
        assert (await settle(c.test.echo(text="back"))).text == "back"
        assert c.connected
        # handlers and streams survive the reconnect
        await c.test.push(events=["notification"])
        assert len(notes) == 2
        got = [await settle(stream.__anext__(), 10) for _ in range(2)]
        assert all(isinstance(n, ShopNotification) for n in got)
    # the stream ends with the client
    assert [n async for n in stream] == []


async def test_server_side_close_reconnects(harness: Harness) -> None:
    async with RPCClient(harness.url, reconnect=FAST) as c:
        with pytest.raises(ConnectionLostError) as info:
            await settle(c.test.disconnect(code=4000, reason="bye"))
        assert (info.value.close_code, info.value.close_reason) == (4000, "bye")
        assert (await settle(c.test.echo(text="again"))).text == "again"


async def test_no_reconnect_policy(own_server: Harness) -> None:
    async with RPCClient(own_server.url, reconnect=None) as c:
        await own_server.akill()
        with pytest.raises(ConnectionLostError):
            await settle(c.test.echo(text="x"))
        with pytest.raises(ConnectionLostError):
            await settle(c.test.echo(text="y"))


async def test_logs_never_contain_the_token(
    own_server: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "s3cr3t-t0ken-value"
    async with RPCClient(own_server.url, token=secret, reconnect=FAST) as c:
        await c.cart.get()
        await own_server.arestart()
        await settle(c.cart.get())
    assert "reconnected" in caplog.text
    assert secret not in caplog.text
    assert all(secret not in str(r.args) for r in caplog.records)
