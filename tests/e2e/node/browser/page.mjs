// The Chromium test page: runs the shared scenarios with the browser's own WebSocket and
// reports to the runner (browser.test.mjs) that served it. Bundled with esbuild, together
// with the generated package's TypeScript source (imported as "rpc-client").
import * as api from "rpc-client";
import { runScenarios } from "../scenarios.mjs";

const post = (path, body) => fetch(path, { method: "POST", body });

async function main() {
  const env = {
    api,
    url: new URLSearchParams(location.search).get("ws"),
    WebSocket: undefined, // the global one
    restart: async () => {
      const response = await post("/restart", "");
      if (!response.ok) throw new Error(`restart: ${await response.text()}`);
    },
    log: (line) => post("/log", line),
  };
  const results = [];
  // Browser-only: environment detection must not touch `process`, which does not exist here.
  try {
    if (typeof process !== "undefined") throw new Error("`process` exists in the page");
    const url = api.serverUrl(api.servers);
    if (url !== api.servers.development) throw new Error(`serverUrl: ${url}`);
    const client = api.RPCClient.fromEnv(undefined, { reconnect: false });
    await client.close();
    results.push({ name: "fromEnv in a browser (no process)", ok: true });
  } catch (error) {
    results.push({ name: "fromEnv in a browser (no process)", ok: false, error: String(error?.stack ?? error) });
  }
  results.push(...(await runScenarios(env)));
  await post("/results", JSON.stringify(results));
}

main().catch((error) => post("/results", JSON.stringify([{ name: "page", ok: false, error: String(error?.stack ?? error) }])));
