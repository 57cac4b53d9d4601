// The generated client from Node 20 (with the `ws` package) against the real server.
import { test, before, after } from "node:test";
import { Harness, loadClient, requireTool } from "./harness.mjs";
import { scenarios } from "./scenarios.mjs";

const WebSocket = requireTool("ws");
let harness;
let api;

before(async () => {
  api = await loadClient();
  harness = await Harness.start();
});
after(async () => {
  await harness?.stop();
});

for (const [name, scenario] of Object.entries(scenarios)) {
  test(name, { timeout: 120_000 }, () =>
    scenario({ api, url: harness.url, WebSocket, restart: () => harness.restart() }),
  );
}
