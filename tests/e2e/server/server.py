"""A real django-ipc 1.0.9 WebSocket RPC server for the end-to-end tests of generated clients.

    python tests/e2e/server/server.py --redis-url redis://127.0.0.1:6379/0 [--port 0]

Serves the methods of ``e2e_api.API`` (the ecommerce example + ``test.*``) on
ws://127.0.0.1:<port> with django-ipc's own ``WebSocketServer`` (auth mode ``none``: any
``Bearer <token>`` first frame is accepted). No Django project is needed: django-ipc's server
is a standalone asyncio program; Redis is used by its ConnectionManager (PING at start-up,
presence keys) and its RPC bridge (consumer group on ``stream:requests``).

stdout carries exactly one line, ``READY ws://127.0.0.1:<port>``, once the server accepts
connections (the banner, logs and everything else go to stderr). SIGTERM / SIGINT shut it
down gracefully (open connections get close 1001), bounded by ``--shutdown-grace`` seconds.
It exits by itself when its parent process dies (it polls its parent pid).

State (carts, orders placed) is in memory: a restart starts from the seeded orders again.
Carts are per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import warnings
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

sys.path.insert(0, str(Path(__file__).resolve().parent))

import e2e_api
from e2e_api import (
    BigParams,
    DisconnectParams,
    EchoParams,
    FailParams,
    PushParams,
    SleepParams,
    shop,
)
from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

warnings.filterwarnings("ignore", category=DeprecationWarning)

# Not `from django_ipc.handlers.base import BaseHandler`: importing django_ipc.handlers before
# django_ipc.server is a circular-import error in django-ipc 1.0.9.
from django_ipc.logger import LoggerConfig, RPCLogger
from django_ipc.server import (
    ActiveConnection,
    AuthMode,
    HandlerConfig,
    MessageRouter,
    ServerConfig,
    WebSocketServer,
    WSServerConfig,
)
from django_ipc.server.websocket_server import BaseHandler
from loguru import logger

Json = dict[str, Any]

# ---- in-memory shop ---------------------------------------------------------------------

Money = shop.Money
Currency = shop.Currency
OrderStatus = shop.OrderStatus

EPOCH = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
NS = UUID("6f1c2a3e-8d4b-4c5a-9e7f-0123456789ab")

PRODUCTS: dict[str, tuple[str, str]] = {
    "TSHIRT01-XL": ("T-shirt, black, XL", "19.90"),
    "TSHIRT01-MD": ("T-shirt, black, M", "19.90"),
    "MUG0001": ("Coffee mug", "9.50"),
    "HOODIE02-LG": ("Hoodie, grey, L", "49.00"),
    "SOCKS003": ("Socks, 3 pairs", "12.00"),
    "CAP00004": ("Cap", "15.25"),
}
COUPONS: dict[str, Decimal] = {"SAVE10": Decimal("0.10"), "HALFOFF": Decimal("0.50")}
CANCELLABLE = {OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PACKED}

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": None,
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}

CATEGORIES = {
    "roots": [
        {
            "id": 1,
            "slug": "clothing",
            "name": "Clothing",
            "children": [
                {"id": 2, "slug": "t-shirts", "name": "T-shirts", "children": []},
                {
                    "id": 3,
                    "slug": "outerwear",
                    "name": "Outerwear",
                    "children": [{"id": 4, "slug": "hoodies", "name": "Hoodies"}],
                },
            ],
        },
        {
            "id": 5,
            "slug": "home",
            "name": "Home",
            "children": [{"id": 6, "slug": "mugs", "name": "Mugs"}],
        },
    ]
}


def money(amount: Decimal | str) -> Any:
    return Money(
        amount=Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_UP),
        currency=Currency.EUR,
    )


def order_id(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


def _line(sku: str, quantity: int) -> Any:
    title, price = PRODUCTS[sku]
    return shop.OrderLine(
        sku=sku, title=title, quantity=quantity, unit_price=money(price)
    )


def _total(lines: list[Any]) -> Decimal:
    return sum((ln.unit_price.amount * ln.quantity for ln in lines), Decimal(0))


def _seed_orders() -> dict[UUID, Any]:
    """Five orders with fixed ids 00000000-0000-4000-8000-00000000000N, N = 1..5."""
    specs = [
        (OrderStatus.DELIVERED, [("TSHIRT01-XL", 2), ("MUG0001", 1)], True, {"gift"}),
        (OrderStatus.SHIPPED, [("HOODIE02-LG", 1)], True, set()),
        (OrderStatus.PAID, [("SOCKS003", 3)], False, {"vip", "priority"}),
        (OrderStatus.PENDING, [("CAP00004", 1), ("MUG0001", 2)], False, set()),
        (OrderStatus.CANCELLED, [("TSHIRT01-MD", 1)], False, set()),
    ]
    orders: dict[UUID, Any] = {}
    for n, (status, items, shipped, tags) in enumerate(specs, start=1):
        lines = [_line(sku, q) for sku, q in items]
        placed = EPOCH + timedelta(days=n)
        shipment = None
        if shipped:
            shipment = shop.Shipment(
                carrier="dhl",
                tracking_number=f"JD0146000{n:05d}",
                shipped_at=placed + timedelta(days=1),
                estimated_delivery=(placed + timedelta(days=3)).date(),
                events=[
                    shop.TrackingEvent(
                        at=placed + timedelta(days=1, hours=2),
                        location="Leipzig",
                        message="Picked up",
                    ),
                    shop.TrackingEvent(
                        at=placed + timedelta(days=2),
                        location=None,
                        message="In transit",
                    ),
                ],
            )
        orders[order_id(n)] = shop.Order(
            id=order_id(n),
            number=f"ORD-{n:08d}",
            status=status,
            placed_at=placed,
            lines=lines,
            total=money(_total(lines)),
            shipping_address=shop.Address(**ADDRESS),
            shipment=shipment,
            tags=tags,
        )
    return orders


class Shop:
    def __init__(self) -> None:
        self.orders = _seed_orders()
        self.updated_at: dict[UUID, datetime] = {
            oid: o.placed_at for oid, o in self.orders.items()
        }
        self.carts: dict[
            UUID, list[Any]
        ] = {}  # connection id -> cart lines (OrderLine)
        self.cart_times: dict[UUID, datetime] = {}

    # -- orders --
    def get_order(self, oid: UUID) -> Any:
        try:
            return self.orders[oid]
        except KeyError:
            raise LookupError(f"order {oid} not found") from None

    def status_result(self, oid: UUID) -> Json:
        order = self.get_order(oid)
        return dump(
            shop.OrderStatusResult(
                order_id=oid,
                status=order.status,
                updated_at=self.updated_at[oid],
                shipment=order.shipment,
            )
        )

    def list_orders(self, params: Any) -> Json:
        items = sorted(self.orders.values(), key=lambda o: o.placed_at, reverse=True)
        if params.status:
            items = [o for o in items if o.status in params.status]
        if params.placed_after is not None:
            items = [o for o in items if o.placed_at.date() > params.placed_after]
        start = 0
        if params.cursor is not None:
            if not params.cursor.isdigit():
                raise validation_error("cursor", params.cursor, "Unknown cursor")
            start = int(params.cursor)
        page = items[start : start + params.limit]
        end = start + len(page)
        page_model = shop.Page[shop.Order](
            items=page,
            total=len(items),
            next_cursor=str(end) if end < len(items) else None,
        )
        return dump(page_model)

    # -- cart --
    def cart(self, conn: ActiveConnection) -> Json:
        lines = self.carts.get(conn.connection_id, [])
        cart = shop.Cart(
            lines=[
                shop.CartLine(
                    sku=ln.sku,
                    title=ln.title,
                    quantity=ln.quantity,
                    unit_price=ln.unit_price,
                    line_total=money(ln.unit_price.amount * ln.quantity),
                )
                for ln in lines
            ],
            subtotal=money(_total(lines)),
            updated_at=self.cart_times.get(conn.connection_id, EPOCH),
        )
        return dump(cart)

    def add_item(self, conn: ActiveConnection, sku: str, quantity: int) -> Json:
        if sku not in PRODUCTS:
            raise validation_error("sku", sku, f"Unknown product {sku}")
        lines = self.carts.setdefault(conn.connection_id, [])
        for i, ln in enumerate(lines):
            if ln.sku == sku:
                if ln.quantity + quantity > 99:
                    raise validation_error(
                        "quantity", quantity, "At most 99 per product"
                    )
                lines[i] = _line(sku, ln.quantity + quantity)
                break
        else:
            lines.append(_line(sku, quantity))
        self.cart_times[conn.connection_id] = datetime.now(UTC)
        return self.cart(conn)

    def remove_item(self, conn: ActiveConnection, sku: str) -> Json:
        lines = self.carts.get(conn.connection_id, [])
        self.carts[conn.connection_id] = [ln for ln in lines if ln.sku != sku]
        self.cart_times[conn.connection_id] = datetime.now(UTC)
        return self.cart(conn)

    def checkout(self, conn: ActiveConnection, params: Any) -> Json:
        lines = self.carts.get(conn.connection_id, [])
        if not lines:
            raise ValueError("the cart is empty")
        total = _total(lines)
        if params.coupon_code is not None:
            if params.coupon_code not in COUPONS:
                raise validation_error(
                    "coupon_code", params.coupon_code, "Unknown coupon"
                )
            total = total * (1 - COUPONS[params.coupon_code])
        total_money = money(total)
        if (
            params.expected_total.amount != total_money.amount
            or params.expected_total.currency != total_money.currency
        ):
            raise validation_error(
                "expected_total",
                params.expected_total.model_dump(mode="json"),
                f"The total is now {total_money.display}",
            )
        n = len(self.orders) + 1
        oid = order_id(n) if order_id(n) not in self.orders else uuid5(NS, str(n))
        now = datetime.now(UTC)
        order = shop.Order(
            id=oid,
            number=f"ORD-{n:08d}",
            status=OrderStatus.PENDING
            if params.payment.kind == "invoice"
            else OrderStatus.PAID,
            placed_at=now,
            lines=list(lines),
            total=total_money,
            shipping_address=params.shipping_address,
            tags={"note"} if params.note else set(),
        )
        self.orders[oid] = order
        self.updated_at[oid] = now
        self.carts[conn.connection_id] = []
        self.cart_times[conn.connection_id] = now
        return dump(order)

    async def cancel(self, conn: ActiveConnection, params: Any) -> None:
        order = self.get_order(params.order_id)
        if order.status not in CANCELLABLE:
            raise ValueError(
                f"order {order.number} is {order.status.value} and cannot be cancelled"
            )
        now = datetime.now(UTC)
        previous = order.status
        self.orders[order.id] = order.model_copy(
            update={"status": OrderStatus.CANCELLED}
        )
        self.updated_at[order.id] = now
        # A real shop tells the customer: pushed before the (null) response of the call.
        await push(
            conn,
            "order_status_changed",
            dump(
                shop.OrderStatusChanged(
                    order_id=order.id,
                    number=order.number,
                    previous=previous,
                    status=OrderStatus.CANCELLED,
                    changed_at=now,
                )
            ),
        )


def dump(model: BaseModel) -> Json:
    """JSON-mode dict: django-ipc's response model only accepts a dict (or None) as result."""
    return model.model_dump(mode="json")


def validation_error(field: str, value: Any, message: str) -> ValidationError:
    """A pydantic ValidationError: django-ipc answers it as code validation_error."""
    return ValidationError.from_exception_data(
        "params",
        [
            InitErrorDetails(
                type=PydanticCustomError("value_error", message),
                loc=tuple(int(p) if p.isdigit() else p for p in field.split(".")),
                input=value,
            )
        ],
    )


async def push(conn: ActiveConnection, frame_type: str, data: Any) -> None:
    """Send a push frame to one connection, the way django-ipc's ConnectionManager does."""
    await conn.websocket.send(json.dumps({"type": frame_type, "data": data}))


# ---- handlers -------------------------------------------------------------------------------


class E2EHandler(BaseHandler):
    """Registers every method of e2e_api.API on django-ipc's MessageRouter.

    Handlers are ``async (conn, params: Model)``: the router validates the params with the
    annotated pydantic model itself (its ``_validate_params``) and answers validation_error.
    """

    def __init__(self) -> None:
        # Pushes go straight to the calling connection's websocket, so no ConnectionManager.
        super().__init__(connection_manager=None, enabled=True)  # type: ignore[arg-type]
        self.shop = Shop()

    async def shutdown(self) -> None:
        self.shop.carts.clear()

    def register(self, router: MessageRouter) -> None:
        s = self.shop

        async def get_status(conn: ActiveConnection, params: shop.OrderRef) -> Json:
            return s.status_result(params.order_id)

        async def get_order(conn: ActiveConnection, params: shop.OrderRef) -> Json:
            return dump(s.get_order(params.order_id))

        async def list_orders(
            conn: ActiveConnection, params: shop.ListOrdersParams
        ) -> Json:
            return s.list_orders(params)

        async def cart_get(conn: ActiveConnection, params: dict) -> Json:  # type: ignore[type-arg]
            return s.cart(conn)

        async def cart_add(
            conn: ActiveConnection, params: shop.AddCartItemParams
        ) -> Json:
            return s.add_item(conn, params.sku, params.quantity)

        async def cart_remove(
            conn: ActiveConnection, params: shop.RemoveCartItemParams
        ) -> Json:
            return s.remove_item(conn, params.sku)

        async def checkout(conn: ActiveConnection, params: shop.CheckoutParams) -> Json:
            return s.checkout(conn, params)

        async def cancel(
            conn: ActiveConnection, params: shop.CancelOrderParams
        ) -> None:
            await s.cancel(conn, params)

        async def categories(conn: ActiveConnection, params: dict) -> Json:  # type: ignore[type-arg]
            return dump(shop.CategoryTree.model_validate(CATEGORIES))

        async def echo(conn: ActiveConnection, params: dict) -> Json:  # type: ignore[type-arg]
            EchoParams.model_validate(params)  # validation_error when invalid
            return params  # exactly as received

        async def sleep(conn: ActiveConnection, params: SleepParams) -> Json:
            await asyncio.sleep(params.ms / 1000)
            return {"slept_ms": params.ms, "value": params.value}

        async def fail(conn: ActiveConnection, params: FailParams) -> None:
            raise RuntimeError(params.message)

        async def test_push(conn: ActiveConnection, params: PushParams) -> Json:
            n = 0
            for _ in range(params.repeat):
                for kind in params.events:
                    n += 1
                    if kind == "notification":
                        data = dump(
                            shop.ShopNotification(
                                level="info",
                                title=f"Push {n}",
                                body="Pushed by test.push",
                                order_id=order_id(1),
                            )
                        )
                        await push(conn, "notification", data)
                    elif kind == "order_status_changed":
                        data = dump(
                            shop.OrderStatusChanged(
                                order_id=order_id(2),
                                number="ORD-00000002",
                                previous=OrderStatus.PACKED,
                                status=OrderStatus.SHIPPED,
                                changed_at=EPOCH,
                            )
                        )
                        await push(conn, "order_status_changed", data)
                    elif kind == "broadcast":
                        await push(conn, "broadcast", {"message": f"broadcast {n}"})
                    else:  # room_event: django-ipc's own shape, no data key
                        await conn.websocket.send(
                            json.dumps(
                                {
                                    "type": "room_event",
                                    "event": "user_joined",
                                    "room": "shop",
                                    "user_id": conn.user_id,
                                }
                            )
                        )
            return {"pushed": n}

        async def big(conn: ActiveConnection, params: BigParams) -> Json:
            return {"size": params.size, "data": "x" * params.size}

        async def disconnect(conn: ActiveConnection, params: DisconnectParams) -> None:
            if params.when == "before_response":
                await conn.websocket.close(params.code, params.reason)
            else:

                async def later() -> None:
                    await asyncio.sleep(0.05)
                    await conn.websocket.close(params.code, params.reason)

                self._later = asyncio.get_running_loop().create_task(later())

        table = {
            "orders.get_status": get_status,
            "orders.get": get_order,
            "orders.list": list_orders,
            "cart.get": cart_get,
            "cart.add_item": cart_add,
            "cart.remove_item": cart_remove,
            "orders.checkout": checkout,
            "orders.cancel": cancel,
            "catalog.categories": categories,
            "orders.track": get_status,
            "test.echo": echo,
            "test.sleep": sleep,
            "test.fail": fail,
            "test.push": test_push,
            "test.big": big,
            "test.disconnect": disconnect,
        }
        missing = set(e2e_api.API) ^ set(table)
        if missing:
            raise RuntimeError(f"handlers and e2e_api.API differ: {sorted(missing)}")
        for name, func in table.items():
            router.register(name)(func)


# ---- server -------------------------------------------------------------------------------


class QuietRPCLogger(RPCLogger):
    """django-ipc's RPCLogger without its ./logs/*.log files; console output to stderr."""

    def _setup_handlers(self) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(self._get_log_level(self.config.level))
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s rpc: %(message)s")
        )
        self.logger.addHandler(handler)


class E2EServer(WebSocketServer):
    """django-ipc's WebSocketServer; only start-up reporting and signal handling differ."""

    def __init__(
        self, config: ServerConfig, ready_out: Any, shutdown_grace: float, **kw: Any
    ):
        super().__init__(config, **kw)
        self._ready_out = ready_out
        self._shutdown_grace = shutdown_grace

    def _setup_signal_handlers(self) -> None:
        # Called by start() once the socket listens and the RPC bridge runs. The base class
        # uses signal.signal + asyncio.Event.set, which does not wake the event loop; use the
        # loop's own signal handling instead.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal, sig)
        loop.create_task(self._watch_parent(os.getppid()))
        port = self._ws_server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready_out.write(f"READY ws://{self.config.server.host}:{port}\n")
        self._ready_out.flush()

    def _on_signal(self, sig: int) -> None:
        logger.info(f"signal {sig}: shutting down")
        self._shutdown_event.set()
        asyncio.get_running_loop().call_later(self._shutdown_grace, _force_exit)

    async def _watch_parent(self, ppid: int) -> None:
        while os.getppid() == ppid:
            await asyncio.sleep(0.2)
        logger.warning("parent process died: exiting")
        os._exit(0)


def _force_exit() -> None:
    logger.warning("graceful shutdown took too long: exiting")
    os._exit(0)


def build_config(
    host: str, port: int, redis_url: str, ping_interval: int
) -> ServerConfig:
    ws = WSServerConfig(
        host=host,
        port=8765,  # replaced below: the model refuses 0 (ge=1024), serve() accepts it
        redis_url=redis_url,
        auth_mode=AuthMode.NONE,
        ping_interval=ping_interval,
        enable_health_endpoint=False,  # an aiohttp port of its own (8766): not needed
    ).model_copy(update={"port": port})
    handlers = HandlerConfig(
        enable_notifications=False,  # built-in send_notification etc.: not in the schema
        enable_broadcasts=False,
        enable_system=False,
    )
    return ServerConfig(server=ws, handlers=handlers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    parser.add_argument("--ping-interval", type=int, default=20, help="seconds, 5..300")
    parser.add_argument(
        "--shutdown-grace",
        type=float,
        default=2.0,
        help="seconds before in-flight calls are abandoned",
    )
    parser.add_argument(
        "--log-level", default=os.environ.get("E2E_SERVER_LOG_LEVEL", "WARNING")
    )
    args = parser.parse_args(argv)

    # stdout is reserved for the READY line: everything else (django-ipc's banner printed
    # with rich, print()s, console log handlers bound to sys.stdout) goes to stderr.
    ready_out = sys.stdout
    sys.stdout = sys.stderr
    logger.remove()
    logger.add(sys.stderr, level=args.log_level.upper())
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper())

    config = build_config(args.host, args.port, args.redis_url, args.ping_interval)
    rpc_logger = QuietRPCLogger(
        config=LoggerConfig(
            log_dir=os.environ.get("TMPDIR", "/tmp"),
            level=args.log_level.upper(),
            log_rpc_calls=args.log_level.upper() == "DEBUG",
        ),
        name="e2e_message_router",
    )

    async def run() -> None:
        server = E2EServer(
            config,
            ready_out=ready_out,
            shutdown_grace=args.shutdown_grace,
            custom_handlers=[E2EHandler()],
            rpc_logger=rpc_logger,
        )
        await server.start()

    try:
        asyncio.run(run())
    except Exception as exc:  # noqa: BLE001 - e.g. port in use, Redis unreachable: exit 1
        print(
            f"server.py: start-up failed: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
