"""Fixtures of the generated Python client's end-to-end tests.

The package generated from tests/e2e/server/e2e.rpc.json (``shop_orders_e2e``) must be on
PYTHONPATH; tests/e2e_python.rs generates it and runs pytest here.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from harness import Harness
from shop_orders_e2e import ReconnectPolicy, RPCClient

ORDER_3 = "00000000-0000-4000-8000-000000000003"  # seeded: paid
ORDER_4 = "00000000-0000-4000-8000-000000000004"  # seeded: pending (cancellable)

#: Fast reconnects for tests (the default starts at 0.5 s).
FAST = ReconnectPolicy(initial_delay=0.05, max_delay=0.5)


@pytest.fixture(scope="session")
def harness() -> Iterator[Harness]:
    """One server for the tests that do not kill it."""
    with Harness() as h:
        yield h


@pytest.fixture
def own_server(harness: Harness) -> Iterator[Harness]:
    """A server of the test's own (sharing the session's Redis), free to kill."""
    with Harness(redis_url=harness.redis_url) as h:
        yield h


@pytest_asyncio.fixture
async def client(harness: Harness) -> AsyncIterator[RPCClient]:
    async with RPCClient(harness.url, timeout=20.0) as c:
        yield c
