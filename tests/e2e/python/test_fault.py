"""Fault test: 1000 calls while the server is killed and restarted 5 times.

Every call must settle (a result or an ``RPCError``) within its timeout; none may hang.
The hang guard around each call is its timeout plus a generous margin, and a call that
reaches it fails the test.
"""

from __future__ import annotations

import asyncio
import collections
import random

import pytest
from harness import Harness
from shop_orders_e2e import ConnectionLostError, RPCClient, RPCError, RPCTimeoutError

CALLS = 1000
WORKERS = 25
RESTARTS = 5
CALL_TIMEOUT = 20.0
HANG_GUARD = CALL_TIMEOUT + 40.0


@pytest.mark.asyncio
async def test_1000_calls_through_5_kills_and_restarts(own_server: Harness) -> None:
    outcomes: collections.Counter[str] = collections.Counter()
    hangs: list[int] = []
    done = 0
    rng = random.Random(7)
    plan = [rng.choice(["echo", "sleep", "cart"]) for _ in range(CALLS)]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(CALLS):
        queue.put_nowait(i)

    # the default reconnect policy
    async with RPCClient(own_server.url, timeout=CALL_TIMEOUT) as client:

        async def one(i: int) -> None:
            kind = plan[i]
            if kind == "echo":
                r = await client.test.echo(text=f"call {i}")
                assert r.text == f"call {i}"
            elif kind == "sleep":
                s = await client.test.sleep(ms=rng.randint(0, 30), value=str(i))
                assert s.value == str(i)
            else:
                await client.cart.get()

        async def worker() -> None:
            nonlocal done
            while not queue.empty():
                i = queue.get_nowait()
                try:
                    await asyncio.wait_for(one(i), HANG_GUARD)
                    outcomes["ok"] += 1
                except TimeoutError:
                    hangs.append(i)  # the hang guard: the call did not settle
                except ConnectionLostError:
                    outcomes["connection_lost"] += 1
                except RPCTimeoutError:
                    outcomes["timeout"] += 1
                except RPCError as exc:
                    outcomes[f"rpc_error:{exc.code}"] += 1
                done += 1

        async def chaos() -> None:
            for n in range(RESTARTS):
                # Spread the faults over the run: wait until another share of the calls
                # has settled (never a fixed time).
                target = (n + 1) * CALLS // (RESTARTS + 2)
                while done < target:
                    await asyncio.sleep(0.005)
                await own_server.akill()
                await asyncio.sleep(rng.uniform(0.0, 0.3))
                await own_server.arestart()

        workers = [asyncio.create_task(worker()) for _ in range(WORKERS)]
        await asyncio.gather(chaos(), *workers)
        # after the last restart the client works again
        assert (await client.test.echo(text="end")).text == "end"

    print(f"fault test outcomes: {dict(outcomes)}, hangs: {len(hangs)}")
    assert hangs == []
    assert sum(outcomes.values()) == CALLS
    assert outcomes["ok"] > 0 and outcomes["connection_lost"] > 0
    # every failure was a typed, settled one
    assert set(outcomes) <= {"ok", "connection_lost", "timeout"}
