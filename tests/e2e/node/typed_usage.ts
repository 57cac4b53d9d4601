// Compiled with tsc (strict) against the generated package by tests/e2e_typescript.rs: the
// typed API accepts what it should and rejects what it should (each @ts-expect-error must
// be an error, or tsc fails).
import {
  AbortError,
  RPCClient,
  RPCError,
  type ConnectionState,
  type ShopNotification,
  type OrderStatusChanged,
} from "../typescript/src/index.js";

export async function usage(): Promise<void> {
  const client = new RPCClient("ws://127.0.0.1:8765", {
    token: async () => "token",
    reconnect: { initialDelayMs: 100, maxDelayMs: 5000, maxAttempts: 10 },
    onStateChange: ({ state }) => void (state satisfies ConnectionState),
    onError: (error: RPCError) => void error.code,
    onUnknownEvent: ({ type, payload }) => void [type, payload],
  });
  const fromEnv = RPCClient.fromEnv("development", { timeoutMs: 1000 });
  void fromEnv;
  const off = client.on("notification", (payload: ShopNotification) => {
    const title: string = payload.title;
    void title;
  });
  off();
  client.on("order_status_changed", (payload) => {
    const status: OrderStatusChanged["status"] = payload.status;
    void status;
  });
  // @ts-expect-error: the payload of "notification" is not an OrderStatusChanged
  client.on("notification", (payload: OrderStatusChanged) => void payload);
  // @ts-expect-error: the schema declares no such event
  client.on("no_such_event", () => {});
  const controller = new AbortController();
  const status = await client.orders.getStatus(
    { order_id: "00000000-0000-4000-8000-000000000003" },
    { timeoutMs: 500, signal: controller.signal },
  );
  const updated: string = status.updated_at;
  void updated;
  // @ts-expect-error: params are checked
  await client.orders.getStatus({ order: 1 });
  try {
    await client.cart.get({ signal: controller.signal });
  } catch (error) {
    if (error instanceof AbortError) {
      const code: string = error.code;
      void code;
    }
  }
  await client.close();
}

/** `await using` type-checks: the client is AsyncDisposable. */
export async function scoped(): Promise<void> {
  await using client = new RPCClient();
  const disposable: AsyncDisposable = client;
  void disposable;
}
