// End-to-end scenarios of the generated TypeScript client against the real django-ipc server
// (tests/e2e/server). Shared by the Node run (e2e.test.mjs, with `ws`) and the Chromium run
// (browser/page.mjs, with the browser's WebSocket): no Node-only APIs here.
//
// `env` = { api (the generated package's exports), url, WebSocket (or undefined: the global
// one), restart (async: kill the server and start it again on the same port), log }.
// Every scenario returns normally or throws; runScenarios collects the outcomes.

const ORDER_3 = "00000000-0000-4000-8000-000000000003"; // seeded: paid
const ADDRESS = {
  name: "A B",
  line1: "Main St 1",
  city: "Berlin",
  postal_code: "10115",
  country: "DE",
};

export function assert(condition, message) {
  if (!condition) {
    throw new Error(`assertion failed: ${message}`);
  }
}

export function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${message}: expected ${e}, got ${a}`);
  }
}

/** Awaits `promise`, which must reject with an instance of `Class`; returns the error. */
export async function rejectsWith(promise, Class, message) {
  try {
    const value = await promise;
    throw new Error(`${message}: resolved with ${JSON.stringify(value)}, expected ${Class.name}`);
  } catch (error) {
    if (!(error instanceof Class)) {
      throw new Error(`${message}: expected ${Class.name}, got ${error?.name}: ${error?.message}`);
    }
    return error;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every 20 ms until it holds; throws after `ms` (a hang guard only). */
async function until(predicate, message, ms = 20_000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) {
      throw new Error(`gave up waiting: ${message}`);
    }
    await sleep(20);
  }
}

/** A client plus what its hooks saw. */
function makeClient(env, options = {}) {
  const seen = { errors: [], unknown: [], states: [], tokens: 0 };
  const client = new env.api.RPCClient(env.url, {
    WebSocket: env.WebSocket,
    token: () => {
      seen.tokens += 1;
      return `tok${seen.tokens}`;
    },
    timeoutMs: 20_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    onError: (error) => seen.errors.push(error),
    onUnknownEvent: (event) => seen.unknown.push(event),
    onStateChange: (change) => seen.states.push(change.state),
    ...options,
  });
  return { client, seen };
}

export const scenarios = {
  async "connect resolves after the auth frame; every ecommerce method"(env) {
    const { client, seen } = makeClient(env);
    assertEqual(client.state, "disconnected", "initial state");
    await client.connect();
    assertEqual(client.state, "open", "state after connect");
    assert(client.connected, "connected");
    assertEqual(seen.tokens, 1, "token asked once");

    const status = await client.orders.getStatus({ order_id: ORDER_3 });
    assertEqual([status.order_id, status.status], [ORDER_3, "paid"], "orders.getStatus");
    const order = await client.orders.get({ order_id: ORDER_3 });
    assertEqual(order.number, "ORD-00000003", "orders.get");
    const page = await client.orders.list({ status: ["paid", "shipped"], limit: 1 });
    assertEqual([page.total, page.items.length, page.next_cursor], [2, 1, "1"], "orders.list");
    const all = await client.orders.list();
    assert(all.total >= 5, "orders.list without params");
    const tracked = await client.orders.track({ order_id: ORDER_3 });
    assertEqual(tracked.status, "paid", "orders.track");
    const empty = await client.cart.get();
    assertEqual(empty.lines, [], "cart.get");
    const cart = await client.cart.addItem({ sku: "MUG0001", quantity: 2 });
    assertEqual(cart.subtotal.amount, "19.00", "cart.addItem");
    const removed = await client.cart.removeItem({ sku: "MUG0001" });
    assertEqual(removed.lines, [], "cart.removeItem");
    const tree = await client.catalog.categories();
    assert(Array.isArray(tree.roots) && tree.roots.length > 0, "catalog.categories");

    // checkout, then cancel: the cancel pushes order_status_changed to a typed handler first
    await client.cart.addItem({ sku: "CAP00004" });
    const placed = await client.orders.checkout({
      shipping_address: ADDRESS,
      payment: { kind: "card", token: "tok_0123456789abcdef" },
      expected_total: { amount: "15.25", currency: "EUR" },
    });
    assertEqual([placed.status, placed.total.amount], ["paid", "15.25"], "orders.checkout");
    const changes = [];
    const off = client.on("order_status_changed", (payload) => changes.push(payload));
    const cancelled = await client.orders.cancel({ order_id: placed.id, reason: "other" });
    assertEqual(cancelled, null, "orders.cancel result");
    assertEqual(
      changes.map((c) => [c.order_id, c.previous, c.status]),
      [[placed.id, "paid", "cancelled"]],
      "order_status_changed pushed before the result",
    );
    off();
    const echo = { text: "héllo ✓", count: 3, flags: [true], data: { a: [1, null] } };
    assertEqual(await client.test.echo(echo), echo, "test.echo");
    const big = await client.test.big({ size: 3 * 1024 * 1024 });
    assertEqual(big.data.length, 3 * 1024 * 1024, "a 3 MiB result arrives");
    assertEqual(seen.errors.length, 0, "no stray errors");
    await client.close();
    assertEqual(client.state, "closed", "state after close");
    await rejectsWith(client.cart.get(), env.api.ConnectionLostError, "a call after close()");
  },

  async "typed errors: handler error, validation error with field paths, unknown method"(env) {
    const { api } = env;
    const { client } = makeClient(env);
    const failed = await rejectsWith(client.test.fail({ message: "kaputt" }), api.ServerError, "test.fail");
    assert(failed instanceof api.RPCError, "ServerError is an RPCError");
    assertEqual(
      [failed.code, failed.message, failed.details, failed.retryable],
      ["internal_error", "Handler error: kaputt", null, false],
      "handler error",
    );
    const invalid = await rejectsWith(
      client.orders.checkout({
        shipping_address: { ...ADDRESS, country: "de" },
        payment: { kind: "card", token: "short" },
        expected_total: { amount: "1.234" },
      }),
      api.ValidationError,
      "orders.checkout with bad params",
    );
    assert(invalid instanceof api.RPCError, "ValidationError is an RPCError");
    assertEqual(invalid.code, "validation_error", "validation code");
    assertEqual(
      invalid.validationErrors.map((e) => e.field),
      ["shipping_address.country", "payment.card.token", "expected_total.amount"],
      "field paths",
    );
    assertEqual(invalid.validationErrors[0].inputValue, "de", "input value");
    const listed = await rejectsWith(client.orders.list({ status: ["paid", "bogus"] }), api.ValidationError, "orders.list");
    assertEqual(listed.validationErrors.map((e) => e.field), ["status.1"], "list index in path");

    // A method the schema does not have, through the runtime the typed methods share.
    const runtime = new api.RPCRuntime(env.url, { WebSocket: env.WebSocket }, []);
    const missing = await rejectsWith(runtime.call("no.such_method", {}), api.MethodNotFoundError, "unknown method");
    assertEqual([missing.code, missing.message], ["method_not_found", "Method not found: no.such_method"], "unknown method");
    await runtime.close();

    // The server refuses a token that is not one word: connect() rejects with AuthError.
    const refused = makeClient(env, { token: "two words" }).client;
    const auth = await rejectsWith(refused.connect(), api.AuthError, "bad token");
    assert(auth instanceof api.RPCError, "AuthError is an RPCError");
    assertEqual(refused.state, "disconnected", "no reconnect loop after AuthError");
    await refused.close();
    await client.close();
  },

  async "timeout and abort; late responses are dropped quietly"(env) {
    const { api } = env;
    const { client, seen } = makeClient(env);
    const timedOut = await rejectsWith(
      client.test.sleep({ ms: 3000, value: "late" }, { timeoutMs: 200 }),
      api.TimeoutError,
      "timeout",
    );
    assertEqual([timedOut.code, timedOut.retryable], ["timeout", true], "TimeoutError fields");
    // The server answers in order: this answer comes after the late one, which must be dropped.
    const after = await client.test.echo({ text: "after the timeout" });
    assertEqual(after.text, "after the timeout", "next call after a timeout");

    const controller = new AbortController();
    const aborted = client.test.sleep({ ms: 3000, value: "aborted" }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user went away")), 100);
    const abortError = await rejectsWith(aborted, api.AbortError, "abort");
    assert(abortError instanceof api.RPCError, "AbortError is an RPCError");
    assertEqual(abortError.code, "aborted", "AbortError code");
    const pre = new AbortController();
    pre.abort();
    await rejectsWith(client.test.echo({ text: "never sent" }, { signal: pre.signal }), api.AbortError, "already aborted");
    const next = await client.test.echo({ text: "after the abort" });
    assertEqual(next.text, "after the abort", "next call after an abort");
    await sleep(100);
    assertEqual(seen.errors.map((e) => e.message), [], "late responses reach no hook");
    assertEqual(client.state, "open", "the connection survived");
    await client.close();
  },

  async "pushes reach typed handlers; unknown events reach onUnknownEvent"(env) {
    const { client, seen } = makeClient(env);
    const notes = [];
    const changes = [];
    const offNote = client.on("notification", (payload) => notes.push(payload));
    client.on("order_status_changed", (payload) => changes.push(payload));
    const result = await client.test.push({
      events: ["notification", "order_status_changed", "broadcast", "room_event"],
      repeat: 2,
    });
    assertEqual(result.pushed, 8, "pushed");
    assertEqual(notes.length, 2, "notifications");
    assert(typeof notes[0].title === "string" && typeof notes[0].body === "string", "notification payload");
    assertEqual(changes.length, 2, "order_status_changed");
    assertEqual(seen.unknown.map((e) => e.type), ["broadcast", "room_event", "broadcast", "room_event"], "unknown events");
    offNote();
    await client.test.push({ events: ["notification"] });
    assertEqual(notes.length, 2, "unsubscribed handler is not called");
    await client.close();
  },

  async "a request over 1 MiB is refused client-side; the connection stays up"(env) {
    const { api } = env;
    const { client } = makeClient(env);
    await client.connect();
    const error = await rejectsWith(
      client.test.echo({ text: "x".repeat(1024 * 1024 + 10) }),
      api.FrameTooLargeError,
      "1 MiB frame",
    );
    assert(error instanceof api.RPCError && error.size > error.limit, "size and limit");
    assertEqual(error.limit, 1024 * 1024, "limit");
    assertEqual((await client.test.echo({ text: "ok" })).text, "ok", "next call");
    assertEqual(client.state, "open", "still open");
    await client.close();
  },

  async "server-side close: the pending call fails at once, the client reconnects"(env) {
    const { api } = env;
    const { client, seen } = makeClient(env);
    await client.connect();
    const lost = await rejectsWith(
      client.test.disconnect({ code: 4000, reason: "bye", when: "before_response" }),
      api.ConnectionLostError,
      "test.disconnect",
    );
    assertEqual([lost.closeCode, lost.closeReason], [4000, "bye"], "close code and reason");
    assertEqual((await client.test.echo({ text: "again" })).text, "again", "call after reconnect");
    assert(seen.tokens >= 2, "the token function was asked again");
    await client.close();
  },

  async "server restart mid-session: ConnectionLostError, reconnect by itself, handlers survive"(env) {
    const { api } = env;
    const { client, seen } = makeClient(env);
    const notes = [];
    client.on("notification", (payload) => notes.push(payload));
    await client.test.push({ events: ["notification"] });
    assertEqual(notes.length, 1, "push before the restart");
    const pending = [1, 2, 3].map((i) => client.test.sleep({ ms: 10_000, value: String(i) }).then(
      () => "resolved",
      (error) => error,
    ));
    await sleep(100);
    await env.restart();
    for (const outcome of await Promise.all(pending)) {
      assert(outcome instanceof api.ConnectionLostError, `pending call: ${outcome}`);
    }
    // A call made now waits for the reconnection (within its timeout) and succeeds.
    const echo = await client.test.echo({ text: "after restart" });
    assertEqual(echo.text, "after restart", "call after restart");
    assert(seen.states.includes("reconnecting"), `states: ${seen.states}`);
    assertEqual(client.state, "open", "open again");
    assert(seen.tokens >= 2, "token asked at the reconnect");
    await client.test.push({ events: ["notification"] });
    assertEqual(notes.length, 2, "the handler survived the reconnect");
    await client.close();
  },
};

/** Runs every scenario (or those whose name contains `filter`); returns [{name, ok, error}]. */
export async function runScenarios(env, filter = "") {
  const results = [];
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (!name.includes(filter)) {
      continue;
    }
    const start = Date.now();
    try {
      await scenario(env);
      results.push({ name, ok: true, ms: Date.now() - start });
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.stack ?? error) });
    }
    env.log?.(`${results.at(-1).ok ? "ok  " : "FAIL"} ${name}`);
  }
  return results;
}
