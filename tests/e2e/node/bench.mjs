// Client benchmark (not a test; run by scripts/bench-client-ts): the generated TypeScript
// client vs. a minimal raw `ws` client, against the same django-ipc server in the same run.
//   latency:    SEQUENTIAL calls one after another, p50 and p99 per call
//   throughput: THROUGHPUT_CALLS calls with IN_FLIGHT outstanding at any time, one connection
// Both clients call `test.echo` with the same small params. Rounds alternate raw/generated;
// the table shows the median over the rounds.
import { performance } from "node:perf_hooks";
import { Harness, loadClient, requireTool } from "./harness.mjs";

const WebSocket = requireTool("ws");
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const THROUGHPUT_CALLS = Number(process.env.BENCH_THROUGHPUT_CALLS ?? 10000);
const IN_FLIGHT = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = 300;
const PARAMS = { text: "hello", count: 1, tags: ["a", "b"] };

/** The smallest correct client: auth, correlation ids, a map of pending calls. */
async function rawClient(url, Socket = WebSocket) {
  const ws = new Socket(url);
  const pending = new Map();
  let next = 0;
  await new Promise((resolve, reject) => {
    ws.onopen = () => ws.send("Bearer anonymous");
    ws.onerror = reject;
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "auth") {
        ws.onmessage = (e) => {
          const f = JSON.parse(e.data);
          const call = pending.get(f.correlation_id);
          if (call) {
            pending.delete(f.correlation_id);
            f.type === "response" ? call.resolve(f.result) : call.reject(new Error(f.error.message));
          }
        };
        resolve();
      }
    };
  });
  return {
    echo(params) {
      const id = `r-${++next}`;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ type: "rpc", method: "test.echo", params, correlation_id: id }));
      });
    },
    close: () => ws.close(),
  };
}

async function generatedClient(api, url, Socket = WebSocket) {
  const client = new api.RPCClient(url, { WebSocket: Socket });
  await client.connect();
  return { echo: (params) => client.test.echo(params), close: () => client.close() };
}

/**
 * An in-process socket that answers every call with its params (a microtask later): what is
 * left of a call is the client's own work (framing, JSON, bookkeeping, timers).
 */
class EchoSocket {
  readyState = 0;
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  #authed = false;
  constructor() {
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(data) {
    let reply;
    if (!this.#authed) {
      this.#authed = true;
      reply = '{"type": "auth", "status": "ok", "server_version": "1.0.9"}';
    } else {
      const frame = JSON.parse(data);
      reply = JSON.stringify({ type: "response", correlation_id: frame.correlation_id, result: frame.params, error: null });
    }
    queueMicrotask(() => this.onmessage?.({ data: reply }));
  }
  close() {
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code: 1000, reason: "" }));
  }
}

/** Nanoseconds of client work per call against EchoSocket: sequential and 64 in flight. */
async function inProcess(client, calls) {
  for (let i = 0; i < 2000; i++) await client.echo(PARAMS);
  let start = performance.now();
  for (let i = 0; i < calls; i++) await client.echo(PARAMS);
  const sequential = ((performance.now() - start) * 1e6) / calls;
  let issued = 0;
  start = performance.now();
  async function lane() {
    while (issued < calls) {
      issued++;
      await client.echo(PARAMS);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const parallel = ((performance.now() - start) * 1e6) / calls;
  return { sequential, parallel };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(client) {
  for (let i = 0; i < WARMUP; i++) await client.echo(PARAMS);
  const times = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < SEQUENTIAL; i++) {
    const start = performance.now();
    await client.echo(PARAMS);
    times.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / SEQUENTIAL;
  times.sort((a, b) => a - b);
  let issued = 0;
  const start = performance.now();
  async function lane() {
    while (issued < THROUGHPUT_CALLS) {
      issued++;
      await client.echo(PARAMS);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - start) / 1000;
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpuUs, throughput: THROUGHPUT_CALLS / seconds };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const api = await loadClient();
const harness = await Harness.start();
try {
  const results = { raw: [], generated: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kind of round % 2 ? ["raw", "generated"] : ["generated", "raw"]) {
      const client = kind === "raw" ? await rawClient(harness.url) : await generatedClient(api, harness.url);
      const r = await measure(client);
      await client.close();
      results[kind].push(r);
      console.error(
        `round ${round} ${kind.padEnd(9)} p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms  client CPU ${r.cpuUs.toFixed(1)} µs/call  ${r.throughput.toFixed(0)} calls/s`,
      );
    }
  }
  const row = (kind) => ({
    p50: median(results[kind].map((r) => r.p50)),
    p99: median(results[kind].map((r) => r.p99)),
    cpuUs: median(results[kind].map((r) => r.cpuUs)),
    throughput: median(results[kind].map((r) => r.throughput)),
  });
  const raw = row("raw");
  const gen = row("generated");
  const pct = (a, b) => `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)}%`;
  const line = (name, r) =>
    `| ${name} | ${r.p50.toFixed(3)} ms | ${r.p99.toFixed(3)} ms | ${r.cpuUs.toFixed(1)} µs | ${r.throughput.toFixed(0)} calls/s |`;
  console.log(`| client | p50 latency | p99 latency | client CPU per call | throughput (${IN_FLIGHT} in flight) |`);
  console.log("|---|---:|---:|---:|---:|");
  console.log(line("raw `ws`", raw));
  console.log(line("generated client", gen));
  console.log(`| difference | ${pct(gen.p50, raw.p50)} | ${pct(gen.p99, raw.p99)} | ${pct(gen.cpuUs, raw.cpuUs)} | ${pct(gen.throughput, raw.throughput)} |`);
  console.log(
    `\n${SEQUENTIAL} sequential calls (after ${WARMUP} warm-up calls) and ${THROUGHPUT_CALLS} calls with ${IN_FLIGHT} in flight, per client and round; median of ${ROUNDS} rounds.`,
  );
  // The client's own cost, without network and server.
  const local = { raw: [], generated: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kind of round % 2 ? ["raw", "generated"] : ["generated", "raw"]) {
      const client =
        kind === "raw" ? await rawClient("ws://in-process", EchoSocket) : await generatedClient(api, "ws://in-process", EchoSocket);
      local[kind].push(await inProcess(client, 50_000));
      await client.close();
    }
  }
  const ns = (kind, key) => median(local[kind].map((r) => r[key]));
  console.log("\nClient-side cost per call, in-process echo socket (no network, no server), 50000 calls:\n");
  console.log(`| client | sequential | ${IN_FLIGHT} in flight |`);
  console.log("|---|---:|---:|");
  for (const kind of ["raw", "generated"]) {
    console.log(
      `| ${kind === "raw" ? "raw client" : "generated client"} | ${(ns(kind, "sequential") / 1000).toFixed(2)} µs | ${(ns(kind, "parallel") / 1000).toFixed(2)} µs |`,
    );
  }
} finally {
  await harness.stop();
}
