"""The e2e server speaks django-ipc 1.0.9's wire protocol: checked with a raw websockets client.

.venv/bin/python -m pytest tests/e2e/server -q
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import websockets
from websockets.asyncio.client import ClientConnection

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import e2e_api
from harness import Harness

ORDER_3 = "00000000-0000-4000-8000-000000000003"  # seeded: paid
ORDER_4 = "00000000-0000-4000-8000-000000000004"  # seeded: pending (cancellable)
ADDRESS = {
    "name": "A B",
    "line1": "Main St 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with Harness() as h:
        yield h


class Raw:
    """A raw django-ipc client: one frame at a time, no library magic."""

    def __init__(self, ws: ClientConnection, auth: dict[str, Any]) -> None:
        self.ws = ws
        self.auth = auth
        self.seq = 0

    @classmethod
    async def open(cls, url: str, token: str = "anonymous") -> Raw:
        ws = await websockets.connect(url, max_size=None, open_timeout=5)
        await ws.send(f"Bearer {token}")
        auth = json.loads(await asyncio.wait_for(ws.recv(), 5))
        return cls(ws, auth)

    async def send(self, method: str, params: Any = None) -> str:
        self.seq += 1
        cid = f"c{self.seq}"
        frame: dict[str, Any] = {"type": "rpc", "method": method, "correlation_id": cid}
        if params is not None:
            frame["params"] = params
        await self.ws.send(json.dumps(frame))
        return cid

    async def recv(self) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.ws.recv(), 10))

    async def call(
        self, method: str, params: Any = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """(pushes received before the answer, the answer frame)."""
        cid = await self.send(method, params)
        pushes = []
        while True:
            frame = await self.recv()
            if frame["type"] in ("response", "error"):
                assert frame["correlation_id"] == cid, frame
                return pushes, frame
            pushes.append(frame)

    async def close(self) -> None:
        await self.ws.close()


@pytest_asyncio.fixture
async def client(harness: Harness) -> AsyncIterator[Raw]:
    raw = await Raw.open(harness.url or "")
    yield raw
    await raw.close()


def ok(frame: dict[str, Any]) -> Any:
    assert frame["type"] == "response" and frame["error"] is None, frame
    assert set(frame) == {"type", "correlation_id", "result", "error"}
    return frame["result"]


def err(frame: dict[str, Any], code: str) -> dict[str, Any]:
    assert frame["type"] == "error" and frame["result"] is None, frame
    assert set(frame) == {"type", "correlation_id", "result", "error"}
    error = frame["error"]
    assert error["code"] == code, error
    assert {"code", "message", "details", "retryable", "retry_after"} <= set(error)
    assert error["retryable"] is False and error["retry_after"] is None
    return error


# ---- handshake ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_auth_ok_frame(harness: Harness) -> None:
    raw = await Raw.open(harness.url or "", token="any-token-at-all")
    assert raw.auth == {"type": "auth", "status": "ok", "server_version": "1.0.9"}
    await raw.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "first", ["Bearer", "Token abc", "Bearer a b", '{"type":"rpc"}']
)
async def test_bad_auth_frame_closes_1008(harness: Harness, first: str) -> None:
    async with websockets.connect(harness.url or "") as ws:
        await ws.send(first)
        with pytest.raises(websockets.ConnectionClosed) as info:
            await asyncio.wait_for(ws.recv(), 5)
    assert info.value.rcvd is not None
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (
        1008,
        "Authentication failed",
    )


# ---- every method ---------------------------------------------------------------------------

CALLS: list[tuple[str, Any]] = [
    ("orders.get_status", {"order_id": ORDER_3}),
    ("orders.get", {"order_id": ORDER_3}),
    ("orders.list", {"status": ["paid", "shipped"], "limit": 1}),
    ("cart.get", None),
    ("cart.add_item", {"sku": "MUG0001", "quantity": 2}),
    ("cart.remove_item", {"sku": "MUG0001"}),
    ("catalog.categories", None),
    ("orders.track", {"order_id": ORDER_3}),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("method", "params"), CALLS, ids=[c[0] for c in CALLS])
async def test_ecommerce_method(client: Raw, method: str, params: Any) -> None:
    pushes, frame = await client.call(method, params)
    assert pushes == []
    result = ok(frame)
    spec = e2e_api.API[method]
    model = spec["result"] if isinstance(spec, dict) else spec[1]
    model.model_validate(result)
    if method == "orders.list":
        assert (
            result["total"] == 2
            and len(result["items"]) == 1
            and result["next_cursor"] == "1"
        )
        assert result["items"][0]["number"] == "ORD-00000003"  # newest first
    if method == "cart.add_item":
        assert result["subtotal"] == {
            "amount": "19.00",
            "currency": "EUR",
            "display": "19.00 EUR",
        }


@pytest.mark.asyncio
async def test_checkout_and_cancel(client: Raw) -> None:
    ok((await client.call("cart.add_item", {"sku": "CAP00004"}))[1])
    checkout = {
        "shipping_address": ADDRESS,
        "payment": {"kind": "card", "token": "tok_0123456789abcdef"},
        "expected_total": {"amount": "15.25", "currency": "EUR"},
    }
    order = ok((await client.call("orders.checkout", checkout))[1])
    e2e_api.shop.Order.model_validate(order)
    assert order["status"] == "paid" and order["total"]["amount"] == "15.25"
    assert ok((await client.call("cart.get"))[1])["lines"] == []

    # orders.cancel pushes order_status_changed to the caller before its null result
    pushes, frame = await client.call(
        "orders.cancel", {"order_id": order["id"], "reason": "other"}
    )
    assert ok(frame) is None
    assert [p["type"] for p in pushes] == ["order_status_changed"]
    changed = pushes[0]["data"]
    e2e_api.shop.OrderStatusChanged.model_validate(changed)
    assert (changed["previous"], changed["status"]) == ("paid", "cancelled")

    again = err(
        (
            await client.call(
                "orders.cancel", {"order_id": order["id"], "reason": "other"}
            )
        )[1],
        "internal_error",
    )
    assert (
        again["message"].startswith("Handler error: order ORD-")
        and "cannot be cancelled" in again["message"]
    )


@pytest.mark.asyncio
async def test_echo_returns_params_unchanged(client: Raw) -> None:
    params = {
        "text": "héllo ✓",
        "count": 3,
        "ratio": 0.5,
        "flags": [True, False],
        "tags": [],
        "ref": ORDER_3,
        "when": "2024-05-01T09:30:00Z",
        "data": {"a": [1, None, {"b": "c"}]},
    }
    assert ok((await client.call("test.echo", params))[1]) == params
    assert ok((await client.call("test.echo", {"text": "x"}))[1]) == {
        "text": "x"
    }  # no defaults added


# ---- errors --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_validation_error_shape(client: Raw) -> None:
    params = {
        "shipping_address": {**ADDRESS, "country": "de"},
        "payment": {"kind": "card", "token": "short"},
        "expected_total": {"amount": "1.234"},
    }
    cid = await client.send("orders.checkout", params)
    frame = await client.recv()
    assert frame["correlation_id"] == cid
    error = err(frame, "validation_error")
    assert error["message"] == "Validation failed" and error["details"] is None
    assert error["validation_errors"] == [
        {
            "field": "shipping_address.country",
            "error": "String should match pattern '^[A-Z]{2}$'",
            "input_value": "de",
        },
        # a discriminated union adds the tag to the path: payment.card.token, not payment.token
        {
            "field": "payment.card.token",
            "error": "String should have at least 16 characters",
            "input_value": "short",
        },
        {
            "field": "expected_total.amount",
            "error": "Decimal input should have no more than 2 decimal places",
            "input_value": "1.234",
        },
    ]
    # list index in the path; a missing field reports the enclosing object as input_value
    error = err(
        (await client.call("orders.list", {"status": ["paid", "bogus"]}))[1],
        "validation_error",
    )
    assert [e["field"] for e in error["validation_errors"]] == ["status.1"]
    error = err((await client.call("orders.get", {}))[1], "validation_error")
    assert error["validation_errors"] == [
        {"field": "order_id", "error": "Field required", "input_value": {}}
    ]
    # raised by a handler (business rule), same shape
    error = err(
        (await client.call("cart.add_item", {"sku": "ZZZZ9999"}))[1], "validation_error"
    )
    assert error["validation_errors"] == [
        {"field": "sku", "error": "Unknown product ZZZZ9999", "input_value": "ZZZZ9999"}
    ]


@pytest.mark.asyncio
async def test_unknown_method(client: Raw) -> None:
    error = err((await client.call("no.such_method", {}))[1], "method_not_found")
    assert error["message"] == "Method not found: no.such_method"


@pytest.mark.asyncio
async def test_internal_error(client: Raw) -> None:
    error = err(
        (await client.call("test.fail", {"message": "kaputt"}))[1], "internal_error"
    )
    assert error["message"] == "Handler error: kaputt" and error["details"] is None


@pytest.mark.asyncio
async def test_frames_that_match_no_call(client: Raw) -> None:
    await client.ws.send("{not json")
    frame = await client.recv()
    assert frame["correlation_id"] is None
    assert err(frame, "invalid_params")["message"].startswith("Invalid JSON: ")
    await client.ws.send(
        json.dumps(
            {
                "type": "rpc",
                "method": "test.echo",
                "params": {"text": "x"},
                "correlation_id": 7,
            }
        )
    )
    frame = await client.recv()  # non-string correlation_id: internal_error, id lost
    assert frame["correlation_id"] is None and err(frame, "internal_error")
    await client.ws.send(
        json.dumps(
            {
                "type": "rpc",
                "method": "test.echo",
                "params": None,
                "correlation_id": "n",
            }
        )
    )
    error = err(await client.recv(), "validation_error")  # params null
    assert error["validation_errors"][0]["field"] == "params"
    assert ok((await client.call("test.echo", {"text": "still fine"}))[1]) == {
        "text": "still fine"
    }


# ---- pushes and ordering ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_push_before_response(client: Raw) -> None:
    pushes, frame = await client.call(
        "test.push",
        {"events": ["notification", "order_status_changed", "broadcast", "room_event"]},
    )
    assert ok(frame) == {"pushed": 4}
    assert [p["type"] for p in pushes] == [
        "notification",
        "order_status_changed",
        "broadcast",
        "room_event",
    ]
    e2e_api.shop.ShopNotification.model_validate(pushes[0]["data"])
    e2e_api.shop.OrderStatusChanged.model_validate(pushes[1]["data"])
    assert pushes[2] == {"type": "broadcast", "data": {"message": "broadcast 3"}}
    assert pushes[3] == {
        "type": "room_event",
        "event": "user_joined",
        "room": "shop",
        "user_id": None,
    }
    pushes, frame = await client.call("test.push", {"repeat": 3})
    assert ok(frame) == {"pushed": 6} and len(pushes) == 6


@pytest.mark.asyncio
async def test_frames_handled_in_order(client: Raw) -> None:
    t0 = time.monotonic()
    slow = await client.send("test.sleep", {"ms": 300, "value": "v"})
    fast = await client.send("test.echo", {"text": "after"})
    first, second = await client.recv(), await client.recv()
    assert (first["correlation_id"], second["correlation_id"]) == (slow, fast)
    assert ok(first) == {"slept_ms": 300, "value": "v"}
    assert time.monotonic() - t0 >= 0.3


@pytest.mark.asyncio
async def test_big_result_and_1mib_limit(client: Raw) -> None:
    result = ok((await client.call("test.big", {"size": 3 * 1024 * 1024}))[1])
    assert (
        result["size"] == len(result["data"]) == 3 * 1024 * 1024
    )  # the server sends > 1 MiB
    await client.ws.send("x" * (1024 * 1024 + 1))  # but accepts no frame over 1 MiB
    with pytest.raises(websockets.ConnectionClosed) as info:
        await client.recv()
    assert info.value.rcvd is not None and info.value.rcvd.code == 1009


@pytest.mark.asyncio
async def test_server_side_close(client: Raw) -> None:
    await client.send("test.disconnect", {"code": 4000, "reason": "bye"})
    with pytest.raises(websockets.ConnectionClosed) as info:
        await client.recv()
    assert info.value.rcvd is not None and (
        info.value.rcvd.code,
        info.value.rcvd.reason,
    ) == (4000, "bye")


# ---- faults ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_kill_restart_reconnect(harness: Harness) -> None:
    """SIGKILL + restart on the same port 5 times, with a connected client each time."""
    with Harness(redis_url=harness.redis_url) as h:
        port = h.port
        for _ in range(5):
            raw = await Raw.open(h.url or "")
            ok((await raw.call("cart.add_item", {"sku": "MUG0001"}))[1])
            pending = await raw.send("test.sleep", {"ms": 5000})
            await asyncio.sleep(0.05)
            await h.akill()
            with pytest.raises(websockets.ConnectionClosed) as info:
                await raw.recv()  # no answer for the pending call, no close frame
            assert info.value.rcvd is None, pending
            with pytest.raises(OSError):
                await websockets.connect(h.url or "", open_timeout=2)
            t0 = time.monotonic()
            assert await h.arestart() == f"ws://127.0.0.1:{port}"
            restart = time.monotonic() - t0
            raw = await Raw.open(h.url or "")
            cart = ok((await raw.call("cart.get"))[1])
            assert cart["lines"] == []  # state is in memory: gone with the process
            await raw.close()
            assert restart < 10, restart


@pytest.mark.asyncio
async def test_sigterm_is_graceful(harness: Harness) -> None:
    h = Harness(redis_url=harness.redis_url).start()
    try:
        raw = await Raw.open(h.url or "")
        t0 = time.monotonic()
        code = await asyncio.to_thread(h.terminate, 10)
        with pytest.raises(websockets.ConnectionClosed) as info:
            await raw.recv()
        assert info.value.rcvd is not None and info.value.rcvd.code == 1001
        assert code == 0 and time.monotonic() - t0 < 5
    finally:
        h.stop()


@pytest.mark.asyncio
async def test_auth_timeout_and_pings(harness: Harness) -> None:
    """10 s without an auth frame: close 1008; the server pings at --ping-interval (min 5 s)."""
    with Harness(redis_url=harness.redis_url, ping_interval=5) as h:
        silent = await websockets.connect(h.url or "", ping_interval=None)
        raw = await Raw.open(h.url or "")
        pings: list[float] = []
        protocol = raw.ws.protocol
        original = protocol.recv_frame

        def spy(frame: Any) -> None:
            if frame.opcode.name == "PING":
                pings.append(time.monotonic())
            original(frame)

        protocol.recv_frame = spy  # type: ignore[method-assign]
        t0 = time.monotonic()
        with pytest.raises(websockets.ConnectionClosed) as info:
            await asyncio.wait_for(silent.recv(), 15)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (
            1008,
            "Authentication timeout",
        )
        assert 9 < time.monotonic() - t0 < 12
        assert len(pings) >= 1
        await raw.close()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_cli_commands_and_no_orphans(tmp_path: Path) -> None:
    errfile = (tmp_path / "harness.err").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "harness.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errfile,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        ready = proc.stdout.readline().strip()
        assert ready.startswith("READY ws://127.0.0.1:"), ready
        for command, answer in [
            ("kill", "KILLED"),
            ("restart", ready),
            ("term", "STOPPED"),
            ("start", ready),
            ("restart", ready),
        ]:
            proc.stdin.write(command + "\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == answer, command
        children = _children(proc.pid)
        assert len(children) == 2  # redis-server and server.py
        # the parent dies without any clean-up of its own
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(c) for c in children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errfile.close()
        # killed with -9, the CLI could not remove its temp dir: "server log <dir>/server.log"
        for word in (tmp_path / "harness.err").read_text().split():
            if word.endswith("/server.log,"):
                shutil.rmtree(Path(word.rstrip(",")).parent, ignore_errors=True)


def test_cli_exits_on_stdin_eof() -> None:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "harness.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    assert proc.stdout.readline().startswith("READY ")
    children = _children(proc.pid)
    proc.stdin.close()
    assert proc.wait(timeout=10) == 0
    assert not any(_alive(c) for c in children)
