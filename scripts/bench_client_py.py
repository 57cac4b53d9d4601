"""Benchmark of the generated Python client against a raw ``websockets`` client.

Run by ``scripts/bench-client-py`` (which generates the client and puts it on PYTHONPATH).
Both clients talk to the same django-ipc server (tests/e2e/server, started once), in the
same process and run, calling ``test.echo``:

- latency: ``--sequential`` calls one after the other (p50 / p99),
- throughput: ``--total`` calls with ``--in-flight`` outstanding at any time.

The raw client does the minimum a correct client must: JSON-encode the frame, send it,
match the response by correlation id through a future. The generated client adds Pydantic
params (``model_dump``), result validation (``model_validate``), timeouts and reconnect
bookkeeping. Rounds alternate between the two clients to even out the noise of a shared
machine; the medians of the rounds are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import websockets

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e" / "server")
)

from harness import Harness
from shop_orders_e2e import RPCClient


class RawClient:
    """A minimal correct django-ipc client on ``websockets``: one reader, futures by id."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.pending: dict[str, asyncio.Future[Any]] = {}
        self.ids = itertools.count(1)
        self.reader = asyncio.create_task(self.read())

    @classmethod
    async def open(cls, url: str) -> RawClient:
        ws = await websockets.connect(url, max_size=None)
        await ws.send("Bearer anonymous")
        json.loads(await ws.recv())
        return cls(ws)

    async def read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            fut = self.pending.pop(msg.get("correlation_id"), None)
            if fut is not None and not fut.done():
                fut.set_result(msg)

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        cid = str(next(self.ids))
        fut = asyncio.get_running_loop().create_future()
        self.pending[cid] = fut
        await self.ws.send(
            json.dumps(
                {
                    "type": "rpc",
                    "method": method,
                    "params": params,
                    "correlation_id": cid,
                }
            )
        )
        msg = await fut
        if msg["type"] != "response":
            raise RuntimeError(msg)
        return msg["result"]

    async def close(self) -> None:
        await self.ws.close()
        await self.reader


async def sequential(call: Any, n: int) -> tuple[list[float], float]:
    """Latencies, and this process's CPU time per call (the client's own work)."""
    samples = []
    cpu0 = time.process_time()
    for i in range(n):
        t0 = time.perf_counter()
        await call(i)
        samples.append(time.perf_counter() - t0)
    return samples, (time.process_time() - cpu0) / n


async def throughput(call: Any, total: int, in_flight: int) -> float:
    counter = itertools.count()

    async def worker() -> None:
        while (i := next(counter)) < total:
            await call(i)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return total / (time.perf_counter() - t0)


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))] * 1000


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sequential", type=int, default=2000)
    ap.add_argument("--total", type=int, default=4000)
    ap.add_argument("--in-flight", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--method",
        choices=["echo", "sleep"],
        default="echo",
        help="test.echo {text, count} (EchoParams has list/dict defaults) or "
        "test.sleep {ms: 0, value} (no mutable defaults)",
    )
    args = ap.parse_args()

    with Harness() as h:
        raw = await RawClient.open(h.url or "")
        gen = RPCClient(h.url)
        await gen.connect()

        async def raw_call(i: int) -> Any:
            if args.method == "sleep":
                return await raw.call("test.sleep", {"ms": 0, "value": f"m{i}"})
            return await raw.call("test.echo", {"text": f"m{i}", "count": i})

        async def gen_call(i: int) -> Any:
            if args.method == "sleep":
                return await gen.test.sleep(ms=0, value=f"m{i}")
            return await gen.test.echo(text=f"m{i}", count=i)

        for c in (raw_call, gen_call):  # warm up
            await sequential(c, 200)
        res: dict[str, dict[str, list[float]]] = {
            name: {"p50": [], "p99": [], "cpu": [], "tput": []}
            for name in ("raw", "generated")
        }
        order = [("raw", raw_call), ("generated", gen_call)]
        for _ in range(args.rounds):
            order.reverse()  # who goes first alternates
            for name, c in order:
                s, cpu = await sequential(c, args.sequential)
                res[name]["cpu"].append(cpu * 1e6)
                res[name]["p50"].append(pct(s, 0.50))
                res[name]["p99"].append(pct(s, 0.99))
                res[name]["tput"].append(
                    await throughput(c, args.total, args.in_flight)
                )
        await raw.close()
        await gen.close()

    med = {n: {k: statistics.median(v) for k, v in r.items()} for n, r in res.items()}
    print(
        f"{args.sequential} sequential calls, {args.total} calls with {args.in_flight} "
        f"in flight; test.{args.method}; medians of {args.rounds} alternating rounds\n"
    )
    print(
        "| client | p50 latency | p99 latency | client CPU per call "
        "| throughput (64 in flight) |"
    )
    print("|---|---:|---:|---:|---:|")
    for n in ("raw", "generated"):
        m = med[n]
        print(
            f"| {n} | {m['p50']:.3f} ms | {m['p99']:.3f} ms | {m['cpu']:.1f} µs "
            f"| {m['tput']:.0f} calls/s |"
        )
    r, g = med["raw"], med["generated"]
    print(
        f"| overhead | {100 * (g['p50'] / r['p50'] - 1):+.1f}% | "
        f"{100 * (g['p99'] / r['p99'] - 1):+.1f}% | {g['cpu'] - r['cpu']:+.1f} µs | "
        f"{100 * (g['tput'] / r['tput'] - 1):+.1f}% calls/s |"
    )


if __name__ == "__main__":
    asyncio.run(main())
