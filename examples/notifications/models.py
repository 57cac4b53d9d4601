"""In-app, e-mail and push notifications: inbox, preferences and sending."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, field_serializer

TITLE = "Notifications"
VERSION = "1.0.0"
DESCRIPTION = "The notification inbox, delivery preferences and transactional sending."
SERVERS = {"development": "ws://localhost:8765", "production": "wss://notify.example.com/ws"}


class Channel(str, Enum):
    IN_APP = "in_app"
    EMAIL = "email"
    PUSH = "push"
    SMS = "sms"


class OrderShippedBody(BaseModel):
    kind: Literal["order_shipped"]
    order_number: str
    carrier: str
    tracking_url: str | None


class MentionBody(BaseModel):
    """Someone @-mentioned the user in a chat room."""

    kind: Literal["mention"]
    room: str
    by_user: str
    excerpt: str = Field(max_length=140)


class SystemBody(BaseModel):
    """A message from the operators, e.g. planned maintenance."""

    kind: Literal["system"]
    title: str = Field(max_length=80)
    body: str
    severity: Literal["info", "warning", "critical"] = "info"


NotificationBody = Annotated[
    OrderShippedBody | MentionBody | SystemBody, Field(discriminator="kind")
]


class Notification(BaseModel):
    """One entry of the user's notification inbox."""

    id: UUID
    channel: Channel
    created_at: datetime
    read_at: datetime | None = Field(description="Null while unread.")
    priority: Literal["low", "normal", "high"] = "normal"
    body: NotificationBody
    action_url: str | None = None


class QuietHours(BaseModel):
    """No push or SMS between `start` and `end` (local time); they wait in the inbox."""

    start: time
    end: time
    timezone: str = Field(default="UTC", examples=["Europe/Amsterdam"])


class Preferences(BaseModel):
    """Delivery preferences. `muted_topics` is a set on input, sent back as a sorted list."""

    channels: dict[str, bool] = Field(
        default={"in_app": True, "email": True, "push": False, "sms": False},
        description="Channel -> enabled.",
    )
    muted_topics: set[str] = set()
    quiet_hours: QuietHours | None = None
    digest: Literal["off", "daily", "weekly"] = "weekly"
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")

    @field_serializer("muted_topics")
    def _sorted_topics(self, topics: set[str]) -> list[str]:
        return sorted(topics)


# ---- params and results -------------------------------------------------------------


class ListParams(BaseModel):
    unread_only: bool = False
    channels: list[Channel] = Field(default=[], description="Empty = all channels.")
    since: date | None = None
    limit: int = Field(default=25, ge=1, le=100)


class NotificationList(BaseModel):
    items: list[Notification]
    unread_count: int = Field(ge=0)


class MarkReadParams(BaseModel):
    ids: list[UUID] = Field(min_length=1, max_length=500)


class MarkReadResult(BaseModel):
    updated: int = Field(ge=0)


class EmailRecipient(BaseModel):
    """Merge fields of the mail templates keep their legacy hyphenated names."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    first_name: str = Field(alias="first-name", min_length=1, max_length=60)
    last_name: str | None = Field(default=None, alias="last-name", max_length=60)


class SendParams(BaseModel):
    """Send a transactional notification to one recipient (staff only)."""

    template: str = Field(pattern=r"^[a-z][a-z0-9_]{2,40}$", examples=["order_shipped"])
    recipient: EmailRecipient
    channels: list[Channel] = Field(default=[Channel.EMAIL], min_length=1, max_length=4)
    variables: dict[str, str] = {}
    send_after: datetime | None = None


class SendResult(BaseModel):
    notification_id: UUID
    queued: list[Channel]
    skipped: dict[str, str] = Field(description="Channel -> reason it was skipped.")


class TopicParams(BaseModel):
    topic: str = Field(min_length=1, max_length=64)


class UnreadCount(BaseModel):
    """The new unread count, pushed whenever it changes."""

    unread_count: int = Field(ge=0)


API: dict[str, Any] = {
    "notifications.list": {
        "params": ListParams,
        "result": NotificationList,
        "summary": "The inbox, newest first.",
    },
    "notifications.mark_read": (MarkReadParams, MarkReadResult),
    "notifications.mark_all_read": (None, MarkReadResult),
    "notifications.preferences.get": (None, Preferences),
    "notifications.preferences.update": {
        "params": Preferences,
        "result": Preferences,
        "summary": "Replace the delivery preferences; returns them as stored.",
    },
    "notifications.send": (SendParams, SendResult),
    "notifications.mute_topic": {
        "params": TopicParams,
        "result": None,
        "summary": "Mute one topic.",
        "description": "Use notifications.preferences.update with muted_topics instead.",
        "deprecated": True,
    },
}

EVENTS: dict[str, Any] = {
    "notification": Notification,
    "unread_count": UnreadCount,
}
