"""Hypothesis strategies for *input data* of the original Pydantic models.

Hypothesis's ``st.from_type`` knows the scalar types (with ``annotated_types`` constraints:
``Annotated[int, Ge(1)]``), enums, literals, tuples, dataclasses, TypedDicts..., but not
pydantic models (``st.builds`` would only fill required constructor arguments and know nothing
of aliases or constraints). So a model becomes a ``fixed_dictionaries`` of its fields by their
validation alias (optional fields sometimes left out), each field from ``st.from_type`` of its
annotation plus the field's constraint metadata, recursing through containers and unions.
Values are then validated by the original model (invalid ones rejected), so the constraints
here only need to make valid data likely, not certain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import ipaddress
import json
import re
import types
import typing
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
import pydantic
from hypothesis import strategies as st
from pydantic import BaseModel, RootModel
from pydantic.fields import FieldInfo
from pydantic_core import to_jsonable_python

try:  # Python 3.12+ `type X = ...`; typing_extensions backports it
    from typing_extensions import TypeAliasType
except ImportError:  # pragma: no cover
    TypeAliasType = ()  # type: ignore[assignment,misc]

MAX_ITEMS = 3

json_scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)

_TIMEZONES = st.sampled_from(
    [None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30)),
     dt.timezone(dt.timedelta(hours=-8))]
)

_model_cache: dict[type, st.SearchStrategy[Any]] = {}


def for_model(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    """Input data (a dict by alias, or the root value of a RootModel) for ``model``."""
    if model not in _model_cache:
        _model_cache[model] = st.deferred(lambda: _build_model(model))
    return _model_cache[model]


def _build_model(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    model.model_rebuild()
    fields = model.model_fields
    if issubclass(model, RootModel):
        return for_field(fields["root"])
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in fields.items():
        key = _input_key(name, field, model)
        (required if field.is_required() else optional)[key] = for_field(field)
    return st.fixed_dictionaries(required, optional=optional)


def _input_key(name: str, field: FieldInfo, model: type[BaseModel]) -> str:
    alias = field.validation_alias
    if isinstance(alias, str):
        return alias
    if isinstance(alias, pydantic.AliasChoices):
        first = alias.choices[0]
        if isinstance(first, str):
            return first
    if field.alias:
        return field.alias
    generator = model.model_config.get("alias_generator")
    if callable(generator):
        return str(generator(name))
    if generator is not None and getattr(generator, "validation_alias", None):
        return str(generator.validation_alias(name))
    if generator is not None and getattr(generator, "alias", None):
        return str(generator.alias(name))
    return name


def for_field(field: FieldInfo) -> st.SearchStrategy[Any]:
    return for_type(field.annotation, tuple(field.metadata))


def for_type(tp: Any, meta: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:  # noqa: C901, PLR0911, PLR0912
    if any(m is pydantic.Json or isinstance(m, pydantic.Json) for m in meta):
        # Json[T]: the input is a JSON string of a T
        rest = tuple(m for m in meta if not (m is pydantic.Json or isinstance(m, pydantic.Json)))
        return for_type(tp, rest).map(lambda v: json.dumps(to_jsonable_python(v)))
    origin = get_origin(tp)
    if origin is Annotated:
        base, *extra = get_args(tp)
        return for_type(base, (*meta, *extra))
    if isinstance(tp, TypeAliasType):
        return for_type(tp.__value__, meta)
    if isinstance(tp, typing.ForwardRef | str):  # e.g. pydantic's recursive JsonValue
        return json_values
    if isinstance(tp, typing.TypeVar):
        return json_values
    if tp is Any or tp is object:
        return json_values
    if tp is None or tp is type(None):
        return st.none()
    if origin in (Union, types.UnionType):
        return st.one_of([for_type(arg) for arg in get_args(tp)])
    if origin is Literal:
        return st.sampled_from(get_args(tp))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return for_model(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from([member.value for member in tp])
    size = _sizes(meta)
    if origin in (list, Sequence, typing.List) or tp is list:  # noqa: UP006
        (item,) = get_args(tp) or (Any,)
        return st.lists(for_type(item), **size)
    if origin in (set, frozenset, typing.AbstractSet) or tp in (set, frozenset):
        (item,) = get_args(tp) or (Any,)
        return st.lists(for_type(item), **size).map(_dedup)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(for_type(args[0]), **size)
        if args == ((),):
            return st.just([])
        return st.tuples(*(for_type(a) for a in args)).map(list)
    if origin in (dict, Mapping, typing.Dict) or tp is dict:  # noqa: UP006
        key, value = get_args(tp) or (str, Any)
        return st.dictionaries(for_type(key), for_type(value), **size)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp, include_extras=True)
        required = {}
        optional = {}
        for f in dataclasses.fields(tp):
            target = optional if (f.default is not dataclasses.MISSING
                                  or f.default_factory is not dataclasses.MISSING) else required
            target[f.name] = for_type(hints[f.name])
        return st.fixed_dictionaries(required, optional=optional)
    if typing.is_typeddict(tp):
        hints = typing.get_type_hints(tp, include_extras=True)
        req = {k: for_type(v) for k, v in hints.items() if k in tp.__required_keys__}
        opt = {k: for_type(v) for k, v in hints.items() if k not in tp.__required_keys__}
        return st.fixed_dictionaries(req, optional=opt)
    return _scalar(tp, meta)


def _dedup(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _sizes(meta: tuple[Any, ...]) -> dict[str, int]:
    low, high = 0, MAX_ITEMS
    for m in _flat(meta):
        if isinstance(m, at.MinLen):
            low = m.min_length
        if isinstance(m, at.MaxLen):
            high = m.max_length
    return {"min_size": low, "max_size": max(low, min(high, low + MAX_ITEMS))}


def _flat(meta: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for m in meta:
        if isinstance(m, at.GroupedMetadata):
            out.extend(m)
        else:
            out.append(m)
    return out


def _bounds(meta: tuple[Any, ...]) -> dict[str, Any]:
    b: dict[str, Any] = {}
    for m in _flat(meta):
        for attr in ("ge", "gt", "le", "lt", "multiple_of", "max_digits", "decimal_places",
                     "pattern", "min_length", "max_length"):
            value = getattr(m, attr, None)
            if value is not None:
                b[attr] = value
    return b


def _python_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:  # e.g. \\p{L}: valid for pydantic's Rust regex, not for Python's re
        return False
    return True


def _scalar(tp: Any, meta: tuple[Any, ...]) -> st.SearchStrategy[Any]:  # noqa: C901, PLR0911
    b = _bounds(meta)
    if tp is bool:
        return st.booleans()
    if tp is int:
        low = b.get("ge", b["gt"] + 1 if "gt" in b else None)
        high = b.get("le", b["lt"] - 1 if "lt" in b else None)
        strategy = st.integers(low, high)
        if "multiple_of" in b:
            m = b["multiple_of"]
            k_low = None if low is None else -(-low // m)
            k_high = None if high is None else high // m
            strategy = st.integers(k_low, k_high).map(lambda k: k * m)
        return strategy | st.sampled_from([0, 1, -1, 2**53 + 1, -(2**63)])
    if tp is float:
        low = b.get("ge", b.get("gt"))
        high = b.get("le", b.get("lt"))
        return st.floats(low, high, allow_nan=False, allow_infinity=False,
                         exclude_min="gt" in b, exclude_max="lt" in b)
    if tp is decimal.Decimal:
        places = b.get("decimal_places", 3)
        return st.decimals(b.get("ge", b.get("gt")), b.get("le", b.get("lt")),
                           allow_nan=False, allow_infinity=False, places=places)
    if tp is str:
        if "pattern" in b and _python_regex(b["pattern"]):
            low, high = b.get("min_length", 0), b.get("max_length", 10**6)
            strategy = st.from_regex(b["pattern"], fullmatch=True).filter(
                lambda v: low <= len(v) <= high
            )
        else:
            strategy = st.text(min_size=b.get("min_length", 0),
                               max_size=b.get("max_length", b.get("min_length", 0) + 12))
        return strategy | st.sampled_from(["", "a", "é ☃ \U0001f600", "line\nbreak", '"q"'])
    if tp is bytes:
        return st.binary(max_size=b.get("max_length", 12)).map(lambda x: x.hex().encode())
    name = getattr(tp, "__name__", "")
    temporal = {"AwareDatetime": dt.datetime, "NaiveDatetime": dt.datetime,
                "PastDatetime": dt.datetime, "FutureDatetime": dt.datetime,
                "PastDate": dt.date, "FutureDate": dt.date}
    if name in temporal:  # pydantic's marker classes (not datetime subclasses)
        tp = temporal[name]
        name = name if "Past" in name or "Future" in name or "ware" in name else ""
    if isinstance(tp, type) and issubclass(tp, dt.datetime | dt.date):
        # pydantic's AwareDatetime, NaiveDatetime, PastDate, FutureDatetime... by name
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        low, high = dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)
        if name.startswith("Past"):
            high = now - dt.timedelta(days=2)
        if name.startswith("Future"):
            low = now + dt.timedelta(days=2)
        if issubclass(tp, dt.datetime):
            zones = _TIMEZONES
            if name.startswith("Aware"):
                zones = st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=2))])
            if name.startswith("Naive"):
                zones = st.none()
            return st.datetimes(low, high, timezones=zones)
        return st.dates(low.date(), high.date())
    if tp is dt.time:
        return st.times(timezones=_TIMEZONES)
    if tp is dt.timedelta:
        return st.timedeltas(min_value=dt.timedelta(days=-3000), max_value=dt.timedelta(days=3000))
    if tp is uuid.UUID:
        return st.uuids()
    if isinstance(tp, type) and issubclass(tp, PurePath) or tp is Path:
        return st.sampled_from(["/tmp/a.txt", "relative/b", "c"])
    if tp in (ipaddress.IPv4Address, ipaddress.IPv6Address, ipaddress.IPv4Network):
        return st.from_type(tp).map(str)
    name = getattr(tp, "__name__", repr(tp))
    if "Url" in name or "URL" in name:
        return st.sampled_from(["https://example.com/", "http://example.org:8080/a?b=c#d",
                                "https://user:pw@example.com/p"])
    if "Email" in name:
        return st.sampled_from(["ada@example.com", "x.y+z@example.org"])
    if "Secret" in name:
        return st.text(max_size=10)
    try:
        strategy = st.from_type(tp)
        strategy.validate()  # resolves it now: unknown types fail here, not when drawn
        return strategy
    except Exception:  # noqa: BLE001 - unknown type: JSON data, filtered by validation
        return json_values
