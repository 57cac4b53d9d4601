// Starts the end-to-end server (tests/e2e/server/harness.py: Redis + django-ipc 1.0.9) as a
// child process and drives it through its stdin commands: kill, restart, term.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, "..", "..", "..");

/** Packages of tests/node (ws, esbuild): that directory is no ancestor of this one. */
export const requireTool = createRequire(join(ROOT, "tests", "node", "package.json"));

/** The generated package's compiled entry point (set by tests/e2e_typescript.rs). */
export async function loadClient() {
  const dir = process.env.RPCFORGE_TS_CLIENT;
  if (!dir) {
    throw new Error("RPCFORGE_TS_CLIENT (the built generated package) is not set");
  }
  return import(join(dir, "dist", "index.js"));
}

export class Harness {
  #child;
  #lines = [];
  #waiting = [];
  #stderr = "";
  url = "";

  static async start() {
    const harness = new Harness();
    await harness.#spawn();
    return harness;
  }

  async #spawn() {
    const python = process.env.RPCFORGE_PYTHON || join(ROOT, ".venv", "bin", "python");
    const args = [join(ROOT, "tests", "e2e", "server", "harness.py"), "--log-level", "WARNING"];
    this.#child = spawn(python, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.#child.stderr.on("data", (chunk) => {
      this.#stderr = (this.#stderr + chunk).slice(-20_000);
    });
    let buffer = "";
    this.#child.stdout.on("data", (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        const waiter = this.#waiting.shift();
        if (waiter) waiter.resolve(line);
        else this.#lines.push(line);
      }
    });
    this.#child.on("exit", (code) => {
      for (const waiter of this.#waiting.splice(0)) {
        waiter.reject(new Error(`harness exited (${code}):\n${this.#stderr}`));
      }
    });
    this.url = this.#ready(await this.#line(60_000));
  }

  #ready(line) {
    if (!line.startsWith("READY ")) {
      throw new Error(`harness said ${JSON.stringify(line)}:\n${this.#stderr}`);
    }
    return line.slice("READY ".length);
  }

  #line(timeoutMs) {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`harness: no answer in ${timeoutMs} ms:\n${this.#stderr}`)), timeoutMs);
      this.#waiting.push({
        resolve: (line) => (clearTimeout(timer), resolve(line)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  async #command(command) {
    this.#child.stdin.write(`${command}\n`);
    return this.#line(60_000);
  }

  /** SIGKILL the server (Redis stays). */
  async kill() {
    const line = await this.#command("kill");
    if (line !== "KILLED") throw new Error(`kill: ${line}`);
  }

  /** Start the server again on the same port (after kill). */
  async start() {
    this.url = this.#ready(await this.#command("start"));
  }

  /** Kill the server if running and start it again on the same port. */
  async restart() {
    this.url = this.#ready(await this.#command("restart"));
  }

  async stop() {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    this.#child.stdin.end();
    await exited;
  }
}
