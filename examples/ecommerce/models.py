"""Order tracking, cart and checkout API of the web shop's django-ipc server."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field, computed_field

TITLE = "Shop Orders"
VERSION = "1.4.0"
DESCRIPTION = "Order tracking, shopping cart and checkout for the web shop."
SERVERS = {
    "development": "ws://localhost:8765",
    "production": "wss://shop.example.com/ws/rpc",
}

T = TypeVar("T")


class Currency(str, Enum):
    """ISO 4217 codes of the currencies the shop sells in."""

    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


class Money(BaseModel):
    """An exact amount in one currency. Amounts travel as decimal strings, never floats."""

    amount: Decimal = Field(max_digits=12, decimal_places=2, description="Major units, e.g. 12.50")
    currency: Currency = Currency.EUR

    @computed_field(description="The amount formatted for display, e.g. '12.50 EUR'.")  # type: ignore[prop-decorator]
    @property
    def display(self) -> str:
        return f"{self.amount:.2f} {self.currency.value}"


class OrderStatus(str, Enum):
    """Life cycle of an order."""

    PENDING = "pending"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Address(BaseModel):
    """A postal address."""

    name: str = Field(min_length=1, max_length=120)
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = None
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(pattern=r"^[A-Za-z0-9 -]{3,10}$")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")


class OrderLine(BaseModel):
    sku: str = Field(pattern=r"^[A-Z0-9]{4,12}(-[A-Z0-9]{2,4})?$", examples=["TSHIRT01-XL"])
    title: str
    quantity: int = Field(ge=1, le=99)
    unit_price: Money


class TrackingEvent(BaseModel):
    """One scan reported by the carrier."""

    at: datetime
    location: str | None = Field(description="Depot or city; null when the carrier gives none.")
    message: str


class Shipment(BaseModel):
    carrier: Literal["dhl", "ups", "fedex", "postnl"]
    tracking_number: str = Field(min_length=6, max_length=40)
    shipped_at: datetime
    estimated_delivery: date | None
    events: list[TrackingEvent] = []


class Order(BaseModel):
    """An order as the customer sees it."""

    id: UUID
    number: str = Field(pattern=r"^ORD-[0-9]{8}$", examples=["ORD-00012345"])
    status: OrderStatus
    placed_at: datetime
    lines: list[OrderLine] = Field(min_length=1)
    total: Money
    shipping_address: Address
    shipment: Shipment | None = None
    tags: set[str] = Field(default_factory=set, description="Labels set by customer service.")


class Page(BaseModel, Generic[T]):
    """One page of a cursor-paginated listing."""

    items: list[T]
    total: int = Field(ge=0, description="Number of matching items over all pages.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to fetch the next page; null on the last page."
    )


class Category(BaseModel):
    """A node of the product category tree."""

    id: int = Field(gt=0)
    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str
    children: list[Category] = []


class CardPayment(BaseModel):
    """Pay by card, tokenised in the browser by the payment provider's SDK."""

    kind: Literal["card"] = "card"
    token: str = Field(min_length=16, description="Provider token; never a card number.")
    save_card: bool = False


class PayPalPayment(BaseModel):
    kind: Literal["paypal"] = "paypal"
    paypal_order_id: str = Field(min_length=1)


class InvoicePayment(BaseModel):
    """Pay by invoice; business customers only."""

    kind: Literal["invoice"] = "invoice"
    vat_id: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{2,12}$")
    purchase_order: str | None = Field(default=None, max_length=35)


PaymentMethod = Annotated[CardPayment | PayPalPayment | InvoicePayment, Field(discriminator="kind")]


# ---- params and results -------------------------------------------------------------


class OrderRef(BaseModel):
    order_id: UUID


class OrderStatusResult(BaseModel):
    order_id: UUID
    status: OrderStatus
    updated_at: datetime
    shipment: Shipment | None


class ListOrdersParams(BaseModel):
    status: list[OrderStatus] = Field(default=[], description="Only these statuses; empty = all.")
    placed_after: date | None = None
    cursor: str | None = None
    limit: int = Field(default=20, ge=1, le=100)


class CartLine(BaseModel):
    sku: str
    title: str
    quantity: int = Field(ge=1, le=99)
    unit_price: Money
    line_total: Money


class Cart(BaseModel):
    """The signed-in customer's shopping cart."""

    lines: list[CartLine] = []
    subtotal: Money
    coupon_code: str | None = None
    updated_at: datetime


class AddCartItemParams(BaseModel):
    sku: str = Field(pattern=r"^[A-Z0-9]{4,12}(-[A-Z0-9]{2,4})?$")
    quantity: int = Field(default=1, ge=1, le=99)


class RemoveCartItemParams(BaseModel):
    sku: str


class CheckoutParams(BaseModel):
    """Turn the cart into an order."""

    shipping_address: Address
    payment: PaymentMethod
    coupon_code: str | None = Field(default=None, min_length=4, max_length=20)
    expected_total: Money = Field(
        description="The total the customer saw; checkout fails if the price changed since."
    )
    note: str | None = Field(default=None, max_length=500)


class CancelOrderParams(BaseModel):
    order_id: UUID
    reason: Literal["changed_mind", "found_cheaper", "too_slow", "other"]
    comment: str | None = Field(default=None, max_length=1000)


class CategoryTree(BaseModel):
    roots: list[Category]


class OrderStatusChanged(BaseModel):
    """Pushed to the customer whenever one of their orders changes status."""

    order_id: UUID
    number: str
    previous: OrderStatus
    status: OrderStatus
    changed_at: datetime


class ShopNotification(BaseModel):
    """A message for the customer, shown as a toast."""

    level: Literal["info", "success", "warning"] = "info"
    title: str = Field(max_length=80)
    body: str
    order_id: UUID | None = None


API: dict[str, Any] = {
    "orders.get_status": {
        "params": OrderRef,
        "result": OrderStatusResult,
        "summary": "Current status and shipment tracking of one order.",
    },
    "orders.get": (OrderRef, Order),
    "orders.list": {
        "params": ListOrdersParams,
        "result": Page[Order],
        "summary": "The customer's orders, newest first.",
    },
    "cart.get": (None, Cart),
    "cart.add_item": {
        "params": AddCartItemParams,
        "result": Cart,
        "summary": "Add a product to the cart, or raise its quantity.",
    },
    "cart.remove_item": (RemoveCartItemParams, Cart),
    "orders.checkout": {
        "params": CheckoutParams,
        "result": Order,
        "summary": "Place an order for the cart's content.",
        "description": "Fails with validation_error when expected_total no longer matches.",
    },
    "orders.cancel": {
        "params": CancelOrderParams,
        "result": None,
        "summary": "Cancel an order that has not shipped yet.",
    },
    "catalog.categories": (None, CategoryTree),
    "orders.track": {
        "params": OrderRef,
        "result": OrderStatusResult,
        "summary": "Old name of orders.get_status.",
        "description": "Kept for app versions before 3.0; will be removed in API 2.0.",
        "deprecated": True,
    },
}

EVENTS: dict[str, Any] = {
    "order_status_changed": OrderStatusChanged,
    "notification": ShopNotification,
}
