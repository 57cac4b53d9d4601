"""Chat rooms, threaded messages and typing indicators over django-ipc.

The chat team's models speak camelCase on the wire: every model derives from
`CamelModel`, which accepts both spellings on input and always sends camelCase.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

TITLE = "Chat"
VERSION = "2.1.0"
DESCRIPTION = "Rooms, threaded messages, reactions and typing indicators."
SERVERS = {
    "development": "ws://localhost:8765",
    "staging": "wss://chat.staging.example.com/ws",
    "production": "wss://chat.example.com/ws",
}

T = TypeVar("T")


class CamelModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True
    )


class RoomKind(str, Enum):
    PUBLIC = "public"
    PRIVATE = "private"
    DIRECT = "direct"


class User(CamelModel):
    """A chat participant, as others see them."""

    id: int = Field(gt=0)
    display_name: str = Field(min_length=1, max_length=64)
    avatar_url: str | None = None
    is_online: bool = False


class Room(CamelModel):
    id: UUID
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")
    name: str = Field(min_length=1, max_length=80)
    kind: RoomKind = RoomKind.PUBLIC
    topic: str | None = Field(default=None, max_length=250)
    member_count: int = Field(ge=0)
    created_at: datetime


class TextContent(CamelModel):
    """Markdown text; `mentions` lists the user ids it @-mentions."""

    kind: Literal["text"]
    text: str = Field(min_length=1, max_length=4000)
    mentions: list[int] = []


class ImageContent(CamelModel):
    kind: Literal["image"]
    url: str
    width: int = Field(gt=0, le=8192)
    height: int = Field(gt=0, le=8192)
    alt_text: str | None = Field(default=None, max_length=300)


class FileContent(CamelModel):
    kind: Literal["file"]
    url: str
    filename: str = Field(min_length=1, max_length=255)
    size_bytes: int = Field(ge=0, le=25 * 1024 * 1024, description="At most 25 MiB.")
    mime_type: str = Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$", examples=["application/pdf"])


MessageContent = Annotated[TextContent | ImageContent | FileContent, Field(discriminator="kind")]


class Message(CamelModel):
    """A message in a room. Replies nest: a thread is a message with its replies."""

    id: UUID
    room_id: UUID
    author: User
    content: MessageContent
    sent_at: datetime
    edited_at: datetime | None = Field(description="Null until the message is edited.")
    reply_to: UUID | None = None
    reactions: dict[str, int] = Field(
        default={}, description="Emoji -> number of users who reacted with it."
    )
    replies: list[Message] = []


class Page(CamelModel, Generic[T]):
    """One page of a listing, newest first."""

    items: list[T]
    has_more: bool
    next_cursor: str | None = None


# ---- params and results -------------------------------------------------------------


class ListRoomsParams(CamelModel):
    kind: RoomKind | None = None
    query: str | None = Field(default=None, min_length=2, max_length=100)
    joined_only: bool = False


class RoomList(CamelModel):
    rooms: list[Room]


class RoomRef(CamelModel):
    room_id: UUID


class JoinRoomResult(CamelModel):
    room: Room
    members: list[User] = Field(max_length=200, description="The first 200 members.")
    last_read_message_id: UUID | None


class SendMessageParams(CamelModel):
    room_id: UUID
    content: MessageContent
    reply_to: UUID | None = None
    client_message_id: str = Field(
        min_length=8, max_length=64, description="Idempotency key chosen by the client."
    )


class HistoryParams(CamelModel):
    room_id: UUID
    before: datetime | None = None
    cursor: str | None = None
    limit: int = Field(default=50, ge=1, le=200)


class EditMessageParams(CamelModel):
    message_id: UUID
    text: str = Field(min_length=1, max_length=4000)


class ReactParams(CamelModel):
    message_id: UUID
    emoji: str = Field(min_length=1, max_length=8)
    remove: bool = False


class ReactionSummary(CamelModel):
    message_id: UUID
    reactions: dict[str, int]


class TypingParams(CamelModel):
    room_id: UUID
    is_typing: bool


class UnreadCounts(CamelModel):
    by_room: dict[str, int] = Field(description="Room id -> unread messages.")
    total: int = Field(ge=0)


class RoomEvent(BaseModel):
    """A raw `room_event` frame of django-ipc (no `data` key); its keys are snake_case."""

    event: Literal["user_joined", "user_left", "user_typing"]
    room: str
    user_id: str


API: dict[str, Any] = {
    "chat.rooms.list": (ListRoomsParams, RoomList),
    "chat.rooms.join": {
        "params": RoomRef,
        "result": JoinRoomResult,
        "summary": "Join a room and start receiving its room_event pushes.",
    },
    "chat.rooms.leave": (RoomRef, None),
    "chat.messages.send": {
        "params": SendMessageParams,
        "result": Message,
        "summary": "Post a message, or a reply when replyTo is set.",
        "description": "Sending twice with the same clientMessageId returns the first message.",
    },
    "chat.messages.history": (HistoryParams, Page[Message]),
    "chat.messages.edit": (EditMessageParams, Message),
    "chat.messages.react": (ReactParams, ReactionSummary),
    "chat.typing": {
        "params": TypingParams,
        "result": None,
        "summary": "Tell the room that the user started or stopped typing.",
    },
    "chat.unread_counts": (None, UnreadCounts),
}

EVENTS: dict[str, Any] = {
    "room_event": RoomEvent,
    "message_created": {
        "payload": Message,
        "description": "A new message or reply in a room the user has joined.",
    },
}
