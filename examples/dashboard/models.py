"""Live metrics for the operations dashboard: queries, subscriptions and alerts."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum, IntEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

TITLE = "Ops Dashboard"
VERSION = "0.9.2"
DESCRIPTION = "Time-series queries, live metric subscriptions and alerting for the ops dashboard."
SERVERS = {"development": "ws://localhost:8765", "production": "wss://metrics.example.com/ipc"}


Resolution = Literal["10s", "1m", "5m", "1h", "1d"]


class Severity(IntEnum):
    """Alert severity; higher is worse, so clients may compare them."""

    INFO = 1
    WARNING = 2
    ERROR = 3
    CRITICAL = 4


class Aggregation(str, Enum):
    AVG = "avg"
    SUM = "sum"
    MIN = "min"
    MAX = "max"
    COUNT = "count"
    QUANTILE = "quantile"


class TimeRange(BaseModel):
    start: datetime
    end: datetime | None = Field(description="Null means 'now' and keeps the range live.")


class MetricQuery(BaseModel):
    """A time-series query, e.g. p95 of http.request.duration by route over the last hour."""

    metric: str = Field(
        pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", examples=["http.request.duration"]
    )
    aggregation: Aggregation = Aggregation.AVG
    quantile: float | None = Field(
        default=None, gt=0, lt=1, description="Only for aggregation=quantile, e.g. 0.95."
    )
    resolution: Resolution = "1m"
    range: TimeRange
    labels: dict[str, str] = Field(default={}, description="Exact-match label filters.")
    group_by: list[str] = Field(default=[], max_length=3)


class Series(BaseModel):
    labels: dict[str, str]
    points: list[tuple[float, float]] = Field(
        description="(unix time in seconds, value) pairs, oldest first."
    )


class QueryResult(BaseModel):
    metric: str
    unit: str | None
    resolution: Resolution
    series: list[Series] = Field(max_length=50)
    truncated: bool = False


class MetricInfo(BaseModel):
    name: str
    unit: str | None = None
    kind: Literal["counter", "gauge", "histogram"]
    label_names: list[str] = []
    help: str = ""


class MetricCatalog(BaseModel):
    metrics: list[MetricInfo]
    series_per_metric: dict[str, int] = Field(description="Metric name -> active series.")


class ThresholdBand(BaseModel):
    """Colours a stat by value: below `warn` green, then yellow, from `critical` red."""

    warn: float
    critical: float


class Widget(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]{1,32}$")
    title: str = Field(max_length=60)
    chart: Literal["line", "area", "bar", "stat", "table"] = "line"
    query: MetricQuery
    threshold: float | ThresholdBand | None = Field(
        default=None, description="A single limit line, or a warn/critical band."
    )
    grid: tuple[int, int, int, int] = Field(description="x, y, width, height in grid cells.")


class Dashboard(BaseModel):
    """A saved dashboard. Durations and times are sent as seconds (ser_json_temporal)."""

    model_config = ConfigDict(ser_json_temporal="seconds")

    id: UUID | None = Field(description="Null for a dashboard not saved yet.")
    title: str = Field(min_length=1, max_length=100)
    widgets: list[Widget] = Field(default=[], max_length=40)
    time_window: timedelta = timedelta(hours=1)
    refresh_interval: int = Field(default=30, ge=5, le=3600, multiple_of=5, description="Seconds.")
    updated_at: datetime | None = None


class DashboardRef(BaseModel):
    dashboard_id: UUID


class SubscribeParams(BaseModel):
    queries: list[MetricQuery] = Field(min_length=1, max_length=10)
    interval_seconds: int = Field(default=10, ge=5, le=300, multiple_of=5)


class Subscription(BaseModel):
    subscription_id: UUID
    interval_seconds: int
    expires_at: datetime


class SubscriptionRef(BaseModel):
    subscription_id: UUID


class Alert(BaseModel):
    """An alert raised by an alert rule."""

    id: UUID
    rule: str
    severity: Severity
    message: str
    value: float
    labels: dict[str, str] = {}
    fired_at: datetime
    resolved_at: datetime | None
    acknowledged_by: str | None = None


class AlertFilter(BaseModel):
    min_severity: Severity = Severity.WARNING
    active_only: bool = True
    limit: int = Field(default=100, ge=1, le=1000)


class AlertList(BaseModel):
    alerts: list[Alert]
    counts: dict[str, int] = Field(description="Severity name -> active alerts.")


class AcknowledgeParams(BaseModel):
    alert_id: UUID
    note: str | None = Field(default=None, max_length=500)


class MetricUpdate(BaseModel):
    """New points for one subscription, pushed every `interval_seconds`."""

    subscription_id: UUID
    at: datetime
    results: list[QueryResult]


API: dict[str, Any] = {
    "metrics.list": (None, MetricCatalog),
    "metrics.query": {
        "params": MetricQuery,
        "result": QueryResult,
        "summary": "Run one time-series query.",
    },
    "metrics.subscribe": {
        "params": SubscribeParams,
        "result": Subscription,
        "summary": "Receive metric_update pushes for up to ten queries.",
        "description": "Subscriptions expire after an hour; subscribe again before expires_at.",
    },
    "metrics.unsubscribe": (SubscriptionRef, None),
    "dashboards.get": (DashboardRef, Dashboard),
    "dashboards.save": {
        "params": Dashboard,
        "result": Dashboard,
        "summary": "Create (id null) or update a dashboard; returns it as saved.",
    },
    "alerts.list": (AlertFilter, AlertList),
    "alerts.acknowledge": (AcknowledgeParams, Alert),
}

EVENTS: dict[str, Any] = {
    "metric_update": MetricUpdate,
    "alert_fired": {"payload": Alert, "description": "An alert fired or changed severity."},
}
