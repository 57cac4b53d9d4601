"""The generated blocking client (``SyncRPCClient``) against the real django-ipc server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from harness import Harness
from shop_orders_e2e import (
    AuthError,
    ConnectionLostError,
    FieldError,
    RPCTimeoutError,
    ServerError,
    SyncRPCClient,
    ValidationError,
)
from shop_orders_e2e.models import (
    Cart,
    CategoryTree,
    OrderRef,
    OrderStatus,
    OrderStatusChanged,
    OrderStatusResult,
    PageOrder,
    ShopNotification,
)

from conftest import FAST, ORDER_3


def wait_until(condition: Callable[[], bool], guard: float = 30.0) -> None:
    deadline = time.monotonic() + guard
    while not condition():
        assert time.monotonic() < deadline, "condition not reached (hang guard)"
        time.sleep(0.01)


@pytest.fixture
def client(harness: Harness) -> Iterator[SyncRPCClient]:
    with SyncRPCClient(harness.url, timeout=20.0) as c:
        yield c


def test_methods(client: SyncRPCClient) -> None:
    status = client.orders.get_status(OrderRef(order_id=UUID(ORDER_3)))
    assert isinstance(status, OrderStatusResult) and status.status is OrderStatus.PAID
    assert client.orders.get_status(order_id=UUID(ORDER_3)) == status
    assert isinstance(client.orders.list(limit=1), PageOrder)
    assert isinstance(client.cart.get(), Cart)
    cart = client.cart.add_item(sku="MUG0001", quantity=3)
    assert cart.lines[0].quantity == 3
    assert client.cart.remove_item(sku="MUG0001").lines == []
    assert isinstance(client.catalog.categories(), CategoryTree)
    when = datetime.fromisoformat("2024-01-02T03:04:05+00:00")
    echoed = client.test.echo(text="x", when=when)
    assert echoed.when == when and echoed.model_fields_set == {"text", "when"}


def test_errors(client: SyncRPCClient, harness: Harness) -> None:
    with pytest.raises(ServerError, match="Handler error: kaputt"):
        client.test.fail(message="kaputt")
    with pytest.raises(ValidationError) as info:
        client.cart.add_item(sku="ZZZZ9999")
    assert info.value.field_errors == [
        FieldError("sku", "Unknown product ZZZZ9999", "ZZZZ9999")
    ]
    with pytest.raises(RPCTimeoutError):
        client.test.sleep(ms=1500, timeout=0.2)
    # the late response is dropped
    assert client.test.echo(text="after").text == "after"
    with pytest.raises(AuthError):
        SyncRPCClient(harness.url, token="two words").connect()


def test_pushes_on_the_loop_thread(client: SyncRPCClient) -> None:
    notes: list[ShopNotification] = []
    threads: set[str] = set()
    changes: list[OrderStatusChanged] = []

    def on_note(n: ShopNotification) -> None:
        threads.add(threading.current_thread().name)
        notes.append(n)

    async def on_change(c: OrderStatusChanged) -> None:
        changes.append(c)

    client.on("notification", on_note)
    client.on("order_status_changed", on_change)
    with client.events("notification") as stream:
        client.test.push(events=["notification", "order_status_changed"])
        first = stream.get(timeout=10)
    assert isinstance(first, ShopNotification)
    assert len(notes) == 1 and threads == {"shop_orders_e2e-loop"}
    client.test.echo(text="sync point")  # the async handler's task ran meanwhile
    assert len(changes) == 1


def test_restart_mid_session(own_server: Harness) -> None:
    notes: list[Any] = []
    with SyncRPCClient(own_server.url, reconnect=FAST, timeout=30) as c:
        c.on("notification", notes.append)
        result: list[BaseException] = []

        def slow_call() -> None:
            try:
                c.test.sleep(ms=20000)
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                result.append(exc)

        t = threading.Thread(target=slow_call)
        t.start()
        wait_until(lambda: bool(c._rt.runtime._pending))  # the call is out
        own_server.kill()
        t.join(60)
        assert not t.is_alive()
        assert len(result) == 1 and isinstance(result[0], ConnectionLostError)
        own_server.restart()
        assert c.test.echo(text="back").text == "back"
        c.test.push(events=["notification"])
        assert len(notes) == 1


def test_close_ends_streams_and_fails_later_calls(harness: Harness) -> None:
    c = SyncRPCClient(harness.url)
    c.connect()
    stream = c.events("notification")
    c.close()
    assert list(stream) == []
    with pytest.raises(ConnectionLostError):
        c.cart.get()
