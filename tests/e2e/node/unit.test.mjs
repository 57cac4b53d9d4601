// Unit checks of the generated runtime with a scripted in-process WebSocket: reconnection
// (backoff with jitter, maxAttempts, token asked per attempt, close() ends the loop), per-call
// timeouts and aborts, waiting while reconnecting, hooks, frame limit, fromEnv, asyncDispose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient } from "./harness.mjs";

const api = await loadClient();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A scripted server. `mode`: "accept" (auth ok), "refuse" (the connection fails), "silent"
 * (no auth reply), "reject" (closes 1008). `respond(frame, socket)` answers calls; default: the
 * params as result.
 */
function fakeServer(mode = "accept") {
  const server = {
    mode,
    sockets: [],
    tokens: [],
    urls: [],
    respond: (frame, socket) => socket.reply({ type: "response", correlation_id: frame.correlation_id, result: frame.params, error: null }),
  };
  class FakeWebSocket {
    readyState = 0;
    onopen = null;
    onmessage = null;
    onclose = null;
    onerror = null;
    #authed = false;
    constructor(url) {
      server.urls.push(url);
      server.sockets.push(this);
      setTimeout(() => {
        if (server.mode === "refuse") {
          this.readyState = 3;
          this.onerror?.({});
          this.onclose?.({ code: 1006, reason: "" });
        } else {
          this.readyState = 1;
          this.onopen?.({});
        }
      }, 1);
    }
    reply(frame) {
      setTimeout(() => this.readyState === 1 && this.onmessage?.({ data: JSON.stringify(frame) }), 1);
    }
    send(data) {
      if (!this.#authed) {
        this.#authed = true;
        server.tokens.push(data);
        if (server.mode === "accept") this.reply({ type: "auth", status: "ok" });
        if (server.mode === "reject") this.drop(1008, "Authentication failed");
        return;
      }
      server.respond(JSON.parse(data), this);
    }
    /** The server closes the connection. */
    drop(code = 1006, reason = "") {
      if (this.readyState === 3) return;
      this.readyState = 3;
      setTimeout(() => this.onclose?.({ code, reason }), 1);
    }
    close(code = 1000, reason = "") {
      this.drop(code, reason);
    }
  }
  server.WebSocket = FakeWebSocket;
  return server;
}

function client(server, options = {}) {
  const seen = { states: [], errors: [], unknown: [] };
  const c = new api.RPCClient("ws://fake", {
    WebSocket: server.WebSocket,
    onStateChange: (change) => seen.states.push(change),
    onError: (error) => seen.errors.push(error),
    onUnknownEvent: (event) => seen.unknown.push(event),
    ...options,
  });
  return { c, seen };
}

test("connect sends the token, resolves after the auth frame; calls use unique string ids", async () => {
  const server = fakeServer();
  const ids = [];
  server.respond = (frame, socket) => {
    ids.push(frame.correlation_id);
    socket.reply({ type: "response", correlation_id: frame.correlation_id, result: { n: frame.params.text }, error: null });
  };
  const { c, seen } = client(server, { token: "secret" });
  await c.connect();
  assert.deepEqual(server.tokens, ["Bearer secret"]);
  assert.deepEqual(seen.states.map((s) => s.state), ["connecting", "open"]);
  const results = await Promise.all([1, 2, 3].map((i) => c.test.echo({ text: String(i) })));
  assert.deepEqual(results.map((r) => r.n), ["1", "2", "3"]);
  assert.equal(new Set(ids).size, 3);
  assert.ok(ids.every((id) => typeof id === "string"));
  await c.close();
});

test("the token function is asked at every (re)connect", async () => {
  const server = fakeServer();
  let n = 0;
  const { c } = client(server, { token: async () => `t${++n}`, reconnect: { initialDelayMs: 5 } });
  await c.connect();
  server.sockets.at(-1).drop(1006);
  await sleep(5);
  await c.test.echo({ text: "x" });
  assert.deepEqual(server.tokens, ["Bearer t1", "Bearer t2"]);
  await c.close();
});

test("reconnect: exponential backoff with jitter, capped, then gives up after maxAttempts", async () => {
  const server = fakeServer();
  const { c, seen } = client(server, { reconnect: { initialDelayMs: 40, maxDelayMs: 100, maxAttempts: 4 }, timeoutMs: 60_000 });
  await c.connect();
  server.mode = "refuse";
  server.respond = () => {}; // never answers
  const waiting = c.test.echo({ text: "x" }).catch((e) => e);
  await sleep(5);
  server.sockets.at(-1).drop(1006);
  const error = await waiting;
  // The call was sent on the lost connection: it fails at once.
  assert.ok(error instanceof api.ConnectionLostError);
  const later = await c.test.echo({ text: "y" }).catch((e) => e);
  assert.ok(later instanceof api.ConnectionLostError, String(later));
  const delays = seen.states.filter((s) => s.state === "reconnecting").map((s) => s.delayMs);
  // After the loss: attempts 1-4 (40, 80, 100, 100 ms bases, jittered to 50-100%); then a new
  // round for the call `later` that gives up the same way.
  const bases = [40, 80, 100, 100];
  for (const [i, delay] of delays.slice(0, 4).entries()) {
    assert.ok(delay >= bases[i] / 2 && delay <= bases[i], `delay ${i + 1}: ${delay} not in [${bases[i] / 2}, ${bases[i]}]`);
  }
  assert.ok(seen.states.some((s) => s.state === "disconnected" && s.error instanceof api.ConnectionLostError));
  assert.equal(c.state, "disconnected");
  await c.close();
});

test("calls made while reconnecting wait for the connection within their own timeout", async () => {
  const server = fakeServer();
  const { c } = client(server, { reconnect: { initialDelayMs: 20, maxDelayMs: 20 } });
  await c.connect();
  server.mode = "refuse";
  server.sockets.at(-1).drop(1006);
  await sleep(5);
  const short = c.test.echo({ text: "short" }, { timeoutMs: 100 }).catch((e) => e);
  const long = c.test.echo({ text: "long" }, { timeoutMs: 20_000 });
  const error = await short;
  assert.ok(error instanceof api.TimeoutError, String(error));
  assert.match(error.message, /not connected within 100 ms/);
  server.mode = "accept";
  assert.equal((await long).text, "long");
  await c.close();
});

test("close() ends the connection and the reconnect loop; connect() reopens", async () => {
  const server = fakeServer("refuse");
  const { c } = client(server, { reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
  const pending = c.connect({ timeoutMs: 60_000 }).catch((e) => e);
  await sleep(50);
  await c.close();
  assert.ok((await pending) instanceof api.ConnectionLostError);
  const attempts = server.sockets.length;
  await sleep(100);
  assert.equal(server.sockets.length, attempts, "no attempt after close()");
  assert.equal(c.state, "closed");
  assert.ok((await c.cart.get().catch((e) => e)) instanceof api.ConnectionLostError);
  server.mode = "accept";
  await c.connect();
  assert.equal(c.state, "open");
  await c[Symbol.asyncDispose]();
  assert.equal(c.state, "closed");
});

test("pending calls fail at once with ConnectionLostError when the socket closes", async () => {
  const server = fakeServer();
  server.respond = () => {}; // never answers
  const { c } = client(server, { reconnect: false });
  const calls = [1, 2, 3].map(() => c.cart.get().catch((e) => e));
  await sleep(20);
  server.sockets.at(-1).drop(4000, "bye");
  for (const error of await Promise.all(calls)) {
    assert.ok(error instanceof api.ConnectionLostError);
    assert.equal(error.closeCode, 4000);
  }
  assert.equal(c.state, "disconnected");
  server.respond = fakeServer().respond;
  assert.equal((await c.test.echo({ text: "on demand" })).text, "on demand");
  await c.close();
});

test("timeouts and aborts; late answers are dropped without reaching onError", async () => {
  const server = fakeServer();
  const held = [];
  server.respond = (frame, socket) => held.push(() => socket.reply({ type: "response", correlation_id: frame.correlation_id, result: {}, error: null }));
  const { c, seen } = client(server);
  const t = await c.cart.get({ timeoutMs: 20 }).catch((e) => e);
  assert.ok(t instanceof api.TimeoutError && t instanceof api.RPCError);
  const controller = new AbortController();
  const a = c.cart.get({ signal: controller.signal }).catch((e) => e);
  await sleep(10);
  controller.abort("stop");
  const aborted = await a;
  assert.ok(aborted instanceof api.AbortError);
  assert.equal(aborted.cause, "stop");
  for (const answer of held) answer();
  await sleep(20);
  assert.deepEqual(seen.errors, []);
  // An answer to an id never used is reported.
  server.sockets.at(-1).reply({ type: "response", correlation_id: "nope", result: null, error: null });
  await sleep(20);
  assert.deepEqual(seen.errors.map((e) => e.code), ["unmatched_response"]);
  await c.close();
});

test("hooks: error frames of no call, unknown events, throwing handlers; typed on() unsubscribes", async () => {
  const server = fakeServer();
  const { c, seen } = client(server);
  await c.connect();
  const socket = server.sockets.at(-1);
  const got = [];
  c.on("notification", () => {
    throw new Error("handler bug");
  });
  const off = c.on("notification", (payload) => got.push(payload.title));
  socket.reply({ type: "error", correlation_id: null, result: null, error: { code: "invalid_params", message: "bad json" } });
  socket.reply({ type: "broadcast", data: { x: 1 } });
  socket.reply({ type: "room_event", event: "user_joined", room: "r" });
  socket.reply({ type: "notification", data: { title: "hi", body: "b" } });
  await sleep(30);
  off();
  socket.reply({ type: "notification", data: { title: "again", body: "b" } });
  await sleep(30);
  assert.deepEqual(got, ["hi"]);
  assert.ok(seen.errors[0] instanceof api.InvalidParamsError);
  assert.deepEqual(seen.errors.map((e) => e.code), ["invalid_params", "handler_error", "handler_error"]);
  assert.deepEqual(seen.unknown.map((e) => [e.type, e.payload]), [
    ["broadcast", { x: 1 }],
    ["room_event", { event: "user_joined", room: "r" }],
  ]);
  await c.close();
});

test("AuthError on 1008 (no retry); TimeoutError without auth reply; no WebSocket available", async () => {
  const rejecting = fakeServer("reject");
  const { c } = client(rejecting);
  assert.ok((await c.connect().catch((e) => e)) instanceof api.AuthError);
  assert.equal(rejecting.sockets.length, 1, "an AuthError is not retried");
  const silent = fakeServer("silent");
  const { c: c2 } = client(silent, { connectTimeoutMs: 30, reconnect: false });
  assert.ok((await c2.connect().catch((e) => e)) instanceof api.TimeoutError);
  const c3 = new api.RPCClient("ws://fake", { reconnect: false });
  const none = await c3.connect().catch((e) => e);
  assert.ok(none instanceof api.ConnectionLostError && /WebSocket/.test(none.message), String(none));
});

test("a frame over 1 MiB is refused before sending; the connection stays open", async () => {
  const server = fakeServer();
  const { c } = client(server);
  await c.connect();
  const sent = server.tokens.length;
  const error = await c.test.echo({ text: "é".repeat(600_000) }).catch((e) => e);
  assert.ok(error instanceof api.FrameTooLargeError && error instanceof api.RPCError);
  assert.ok(error.size > 1_200_000 && error.limit === 1_048_576, `${error.size}`);
  assert.equal(server.tokens.length, sent);
  assert.equal((await c.test.echo({ text: "x".repeat(1000) })).text.length, 1000);
  assert.equal(c.state, "open");
  await c.close();
});

test("fromEnv and the default URL: servers of the schema, env names and variables", async () => {
  assert.equal(api.servers.development, "ws://127.0.0.1:8765");
  assert.equal(api.serverUrl(api.servers, "development"), "ws://127.0.0.1:8765");
  assert.throws(() => api.serverUrl(api.servers, "staging"), RangeError);
  assert.equal(api.serverUrl(api.servers, { RPC_URL: "ws://x:1" }), "ws://x:1");
  assert.equal(api.serverUrl(api.servers, { NODE_ENV: "test" }), "ws://127.0.0.1:8765");
  assert.equal(api.serverUrl(api.servers, { RPC_ENV: "development" }), "ws://127.0.0.1:8765");
  assert.throws(() => api.serverUrl({}, {}), RangeError);
  // Without `process` (as in a browser) nothing crashes.
  const saved = globalThis.process;
  try {
    Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
    assert.equal(api.serverUrl(api.servers), "ws://127.0.0.1:8765");
  } finally {
    Object.defineProperty(globalThis, "process", { value: saved, configurable: true, writable: true });
  }
  const server = fakeServer();
  process.env.RPC_URL = "ws://from-env:9";
  try {
    const c = api.RPCClient.fromEnv(undefined, { WebSocket: server.WebSocket });
    await c.connect();
    await c.close();
    const d = new api.RPCClient(undefined, { WebSocket: server.WebSocket });
    await d.connect();
    await d.close();
  } finally {
    delete process.env.RPC_URL;
  }
  assert.deepEqual(server.urls, ["ws://from-env:9", "ws://127.0.0.1:8765"]);
});
