"""Multiplayer arena game: lobbies, player actions and the authoritative game state."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum, IntEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

TITLE = "Arena Game"
VERSION = "3.0.0-beta.2"
DESCRIPTION = "Lobbies, real-time player actions and game state for the Arena browser game."
SERVERS = {"local": "ws://127.0.0.1:8765", "eu": "wss://eu.arena.example.com/ws"}

Vec2 = tuple[float, float]
MapName = Literal["arena", "forest", "dungeon", "harbor"]


class Team(IntEnum):
    """Team numbers as the game engine stores them."""

    SPECTATOR = 0
    RED = 1
    BLUE = 2


class GamePhase(str, Enum):
    LOBBY = "lobby"
    COUNTDOWN = "countdown"
    PLAYING = "playing"
    FINISHED = "finished"


class Player(BaseModel):
    id: UUID
    name: str = Field(min_length=3, max_length=16, pattern=r"^[A-Za-z0-9_]+$")
    team: Team
    position: Vec2 = Field(description="World coordinates (x, y) in metres.")
    velocity: Vec2 = (0.0, 0.0)
    health: int = Field(default=100, ge=0, le=100)
    score: int = 0
    ready: bool = False
    color: str = Field(default="#ffffff", pattern=r"^#[0-9a-f]{6}$")


class Pickup(BaseModel):
    id: int
    item: Literal["health_pack", "shield", "arrows", "speed_boost"]
    position: Vec2


class GameState(BaseModel):
    """Authoritative state of one match at one server tick."""

    game_id: UUID
    tick: int = Field(ge=0)
    phase: GamePhase
    map: MapName
    players: list[Player] = Field(max_length=16)
    pickups: list[Pickup] = []
    scores: dict[str, int] = Field(description="Team name -> points.")
    ends_at: datetime | None


# Movement is itself a union, told apart by `mode`, nested in the action union on `kind`.


class WalkMove(BaseModel):
    kind: Literal["move"]
    mode: Literal["walk"]
    direction: Vec2 = Field(description="Unit vector; (0, 0) stops.")
    sprint: bool = False


class TeleportMove(BaseModel):
    kind: Literal["move"]
    mode: Literal["teleport"]
    target: Vec2


Movement = Annotated[WalkMove | TeleportMove, Field(discriminator="mode")]


class AttackAction(BaseModel):
    kind: Literal["attack"]
    target_id: UUID
    weapon: Literal["sword", "bow", "fireball"] = "sword"


class UseItemAction(BaseModel):
    kind: Literal["use_item"]
    item: Literal["health_pack", "shield", "speed_boost"]
    quantity: int = Field(default=1, ge=1, le=5)


Action = Annotated[Movement | AttackAction | UseItemAction, Field(discriminator="kind")]


class Lobby(BaseModel):
    id: UUID
    name: str
    map: MapName
    max_players: int = Field(ge=2, le=16, multiple_of=2)
    player_count: int = Field(ge=0)
    has_password: bool
    created_at: datetime


# ---- params and results -------------------------------------------------------------


class ListLobbiesParams(BaseModel):
    map: MapName | None = None
    include_full: bool = False


class LobbyList(BaseModel):
    lobbies: list[Lobby]


class CreateLobbyParams(BaseModel):
    name: str = Field(min_length=3, max_length=40)
    map: MapName = "arena"
    max_players: int = Field(default=8, ge=2, le=16, multiple_of=2)
    password: str | None = Field(default=None, min_length=4, max_length=32)


class JoinGameParams(BaseModel):
    lobby_id: UUID
    player_name: str = Field(min_length=3, max_length=16, pattern=r"^[A-Za-z0-9_]+$")
    team: Team | None = Field(default=None, description="Null: let the server balance teams.")
    password: str | None = None


class JoinResult(BaseModel):
    player: Player
    state: GameState


class GameRef(BaseModel):
    game_id: UUID


class ReadyParams(BaseModel):
    game_id: UUID
    ready: bool = True


class ActionParams(BaseModel):
    """One input of the player; `seq` increases by one per action of this player."""

    game_id: UUID
    seq: int = Field(ge=0)
    action: Action


class ActionAck(BaseModel):
    seq: int
    accepted: bool
    reason: Literal["dead", "cooldown", "out_of_range", "not_playing"] | None = None
    server_tick: int


class LeaderboardParams(BaseModel):
    season: date | None = Field(default=None, description="First day of a season; null = now.")
    limit: int = Field(default=10, ge=1, le=100)


class LeaderboardEntry(BaseModel):
    rank: int = Field(ge=1)
    player_name: str
    wins: int = Field(ge=0)
    kills: int = Field(ge=0)
    win_rate: float = Field(ge=0, le=1)


class Leaderboard(BaseModel):
    season_start: date
    season_end: date | None
    entries: list[LeaderboardEntry]


class PlayerEvent(BaseModel):
    """Something happened to a player; sent to everybody in the match."""

    event: Literal["joined", "left", "died", "respawned", "scored"]
    player_id: UUID
    team: Team
    at: datetime
    by_player_id: UUID | None = None


API: dict[str, Any] = {
    "game.lobbies.list": (ListLobbiesParams, LobbyList),
    "game.lobbies.create": (CreateLobbyParams, Lobby),
    "game.join": {
        "params": JoinGameParams,
        "result": JoinResult,
        "summary": "Join a lobby's match; game_state pushes follow.",
    },
    "game.leave": (GameRef, None),
    "game.ready": (ReadyParams, None),
    "game.action": {
        "params": ActionParams,
        "result": ActionAck,
        "summary": "Send one player action.",
        "description": "The acknowledgement may arrive after the game_state that reflects it.",
    },
    "game.state": (GameRef, GameState),
    "game.leaderboard": (LeaderboardParams, Leaderboard),
}

EVENTS: dict[str, Any] = {
    "game_state": {"payload": GameState, "description": "A full state snapshot, ~20 per second."},
    "player_event": PlayerEvent,
}
