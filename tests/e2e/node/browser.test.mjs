// The generated client in headless Chromium (Debian's `chromium`): the package's TypeScript
// source and the shared scenarios are bundled with esbuild, served from loopback, and run
// against the real server with the browser's own WebSocket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Harness, HERE, requireTool } from "./harness.mjs";

const CHROMIUM = process.env.RPCFORGE_CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

let harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => {
  await harness?.stop();
});

async function bundle(clientDir) {
  const esbuild = requireTool("esbuild");
  const result = await esbuild.build({
    entryPoints: [join(HERE, "browser", "page.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "rpc-client",
        setup(build) {
          build.onResolve({ filter: /^rpc-client$/ }, () => ({ path: join(clientDir, "src", "index.ts") }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

test("the generated client in headless Chromium against the real server", { timeout: 300_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM} (scripts/test installs Debian's chromium)`);
  const clientDir = process.env.RPCFORGE_TS_CLIENT;
  assert.ok(clientDir, "RPCFORGE_TS_CLIENT is not set");
  const script = await bundle(clientDir);

  let report;
  const done = new Promise((resolve) => (report = resolve));
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (req.method === "GET" && req.url.startsWith("/?")) {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><meta charset="utf-8"><title>rpc e2e</title><script type="module" src="/page.js"></script>');
    } else if (req.url === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      res.end(script);
    } else if (req.url === "/restart") {
      try {
        await harness.restart();
        res.end(harness.url);
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    } else if (req.url === "/log") {
      console.log(`[chromium] ${body}`);
      res.end();
    } else if (req.url === "/results") {
      res.end();
      report(JSON.parse(body));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const page = `http://127.0.0.1:${server.address().port}/?ws=${encodeURIComponent(harness.url)}`;
  const profile = mkdtempSync(join(tmpdir(), "rpcforge-chromium-"));
  // In a process group of its own: Chromium's helper processes (renderer, GPU, crash
  // handler) are killed with it, instead of writing into the profile while it is removed.
  const chromium = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, page], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  chromium.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
  const exited = new Promise((resolve) => chromium.once("exit", (code) => resolve(code)));
  try {
    const results = await Promise.race([
      done,
      exited.then((code) => {
        throw new Error(`chromium exited (${code}) before reporting:\n${stderr}`);
      }),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no report from the page in 240 s:\n${stderr}`)), 240_000).unref()),
    ]);
    const failed = results.filter((r) => !r.ok);
    for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} [chromium] ${r.name}${r.ok ? "" : `\n${r.error}`}`);
    assert.ok(results.length >= 8, `only ${results.length} results`);
    assert.deepEqual(failed, [], "scenarios failed in Chromium");
  } finally {
    try {
      process.kill(-chromium.pid, "SIGKILL");
    } catch {
      chromium.kill("SIGKILL"); // the group is gone already
    }
    await exited;
    server.close();
    // A helper the group kill missed may still be writing for a moment (ENOTEMPTY).
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});
