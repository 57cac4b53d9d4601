// Fault test: 1000 calls while the server is killed (SIGKILL) and started again 5 times.
// Every call must settle, with its result or a typed RPCError, no later than its own timeout
// (plus a generous scheduling margin: a hang guard, not a performance check); none may hang,
// and the client must work afterwards.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Harness, loadClient, requireTool } from "./harness.mjs";

const WebSocket = requireTool("ws");
const CALLS = 1000;
const IN_FLIGHT = 16;
const RESTARTS = 5;
const TIMEOUT_MS = 4000;
/** Event-loop and machine load slack on top of a call's timeout (hang guard only). */
const MARGIN_MS = 10_000;

let harness;
let api;
before(async () => {
  api = await loadClient();
  harness = await Harness.start();
});
after(async () => {
  await harness?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("1000 calls across 5 server kills and restarts: every call settles, none hangs", { timeout: 600_000 }, async () => {
  const client = new api.RPCClient(harness.url, {
    WebSocket,
    timeoutMs: TIMEOUT_MS,
    reconnect: { initialDelayMs: 50, maxDelayMs: 1000 },
    onError: () => {},
  });
  const outcomes = { resolved: 0 };
  const late = [];
  let settled = 0;
  let next = 0;

  async function worker() {
    while (next < CALLS) {
      const i = next++;
      const started = Date.now();
      const call =
        i % 4 === 0
          ? client.test.sleep({ ms: 30, value: String(i) }).then((r) => r.value)
          : client.test.echo({ text: String(i) }).then((r) => r.text);
      try {
        const value = await call;
        assert.equal(value, String(i), "a result belongs to its own call");
        outcomes.resolved += 1;
      } catch (error) {
        assert.ok(error instanceof api.RPCError, `call ${i} failed with an untyped error: ${error}`);
        outcomes[error.name] = (outcomes[error.name] ?? 0) + 1;
      }
      const elapsed = Date.now() - started;
      if (elapsed > TIMEOUT_MS + MARGIN_MS) late.push({ i, elapsed });
      settled += 1;
    }
  }

  async function chaos() {
    for (let round = 1; round <= RESTARTS; round++) {
      const target = Math.floor((CALLS * round) / (RESTARTS + 1));
      while (settled < target) await sleep(10);
      await harness.kill();
      await sleep(200 + 100 * round);
      await harness.start();
    }
  }

  const workers = Array.from({ length: IN_FLIGHT }, worker);
  const all = Promise.all([...workers, chaos()]);
  // Hang guard: the calls' own timeouts must end everything long before this.
  let guard;
  const hung = new Promise((_, reject) => {
    guard = setTimeout(() => reject(new Error(`hang: ${settled}/${CALLS} calls settled`)), 300_000);
  });
  await Promise.race([all, hung]);
  clearTimeout(guard);

  console.log(`outcomes of ${CALLS} calls with ${RESTARTS} kills/restarts: ${JSON.stringify(outcomes)}`);
  assert.equal(settled, CALLS);
  assert.deepEqual(late, [], "calls that settled long after their timeout");
  assert.ok(outcomes.resolved > 0, "some calls succeeded");
  assert.ok((outcomes.ConnectionLostError ?? 0) > 0, "the kills were noticed");
  // The client recovered by itself.
  assert.equal((await client.test.echo({ text: "done" })).text, "done");
  assert.equal(client.state, "open");
  await client.close();
});
