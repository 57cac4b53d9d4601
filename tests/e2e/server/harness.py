"""Start a throw-away Redis and the django-ipc end-to-end server (server.py) for client tests.

As a library (pytest)::

    from harness import Harness          # tests/e2e/server on sys.path
    with Harness() as h:                 # redis-server on a free port + server.py, READY
        h.url                            # "ws://127.0.0.1:<port>"
        h.kill()                         # SIGKILL the server (Redis keeps running)
        h.restart()                      # SIGKILL if still running, start again on the same port
        h.stop()                         # (also on __exit__/atexit) server, then Redis

As a command (Node tests spawn it with a stdin pipe)::

    python tests/e2e/server/harness.py [--port N] [--ping-interval S] [--log-level L]

prints ``READY ws://127.0.0.1:<port>`` and then serves until stdin reaches EOF, ``quit``, SIGTERM
or SIGINT, or its parent dies. One command per stdin line, each answered by one stdout line:
``kill`` -> ``KILLED`` (SIGKILL), ``term`` -> ``STOPPED`` (SIGTERM, graceful), ``restart`` ->
``READY ws://...`` (same port; kills a running server first), ``start`` -> ``READY ws://...``;
anything else -> ``ERROR ...``. Diagnostics (pids, Redis URL, log file) go to stderr.

No orphans: the children run in their own process groups and are killed by stop(), by an
atexit hook and by the CLI's signal handlers; if this process is SIGKILLed, Redis gets
SIGKILL from the kernel (PR_SET_PDEATHSIG, set when started from the main thread) and
server.py notices its parent is gone within 0.2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import ctypes
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import IO, Any, Self

HERE = Path(__file__).resolve().parent
SERVER = HERE / "server.py"
ROOT = HERE.parents[2]

_PR_SET_PDEATHSIG = 1
_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


class HarnessError(RuntimeError):
    """A child process did not come up; the message ends with the tail of its log."""


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (the OS's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """preexec_fn: SIGKILL this child when the thread that forked it (main thread) dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: rely on stop()/atexit
        return


def _preexec() -> Any:
    # PDEATHSIG fires when the forking *thread* exits, so only use it from the main thread.
    return (
        _die_with_parent
        if threading.current_thread() is threading.main_thread()
        else None
    )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _kill_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


class RedisServer:
    """redis-server on 127.0.0.1 with no persistence; ``url`` = redis://127.0.0.1:<port>/0."""

    def __init__(
        self, workdir: Path, port: int = 0, startup_timeout: float = 10.0
    ) -> None:
        self.workdir = workdir
        self.port = port
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Self:
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(exe).exists():
            raise HarnessError(
                "redis-server not found (Debian: apt-get install redis-server)"
            )
        attempts = 1 if self.port else 5
        for _ in range(attempts):
            port = self.port or free_port()
            proc = subprocess.Popen(
                [
                    exe,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.workdir),
                    "--logfile",
                    str(self.log_path),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_preexec(),  # noqa: PLW1509 - only prctl, async-signal-safe
            )
            if self._wait_pong(proc, port):
                self.proc, self.port = proc, port
                return self
            _kill_group(proc, signal.SIGKILL)
            proc.wait()
        raise HarnessError(f"redis-server did not start:\n{_tail(self.log_path)}")

    def _wait_pong(self, proc: subprocess.Popen[bytes], port: int) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc, signal.SIGKILL)  # nothing to persist
            self.proc.wait()
            self.proc = None


class Harness:
    """Redis + server.py. Blocking methods; ``akill``/``arestart``/``astop`` for asyncio tests.

    port: 0 = a free port chosen by the server on the first start; restarts reuse it.
    redis_url: use this Redis instead of starting one.
    server_log: file that gets the server's stderr (appended over restarts); default a file
    in the harness's temp dir; "-" = inherit this process's stderr (env E2E_SERVER_LOG too).
    """

    def __init__(
        self,
        port: int = 0,
        *,
        redis_url: str | None = None,
        ping_interval: int = 20,
        log_level: str = "WARNING",
        server_log: str | os.PathLike[str] | None = None,
        startup_timeout: float = 30.0,
        extra_args: list[str] | None = None,
    ) -> None:
        self.port = port
        self.ping_interval = ping_interval
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args or [])
        self.tmpdir = Path(tempfile.mkdtemp(prefix="rpcforge-e2e-"))
        log = server_log if server_log is not None else os.environ.get("E2E_SERVER_LOG")
        self.server_log: Path | None = (
            None if log == "-" else Path(log) if log else self.tmpdir / "server.log"
        )
        self._external_redis = redis_url
        self.redis: RedisServer | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.url: str | None = None
        self.startup_seconds: float | None = None  # of the last start of server.py
        self._lock = threading.Lock()
        _LIVE.add(self)

    # ---- properties -------------------------------------------------------------------------

    @property
    def redis_url(self) -> str:
        if self._external_redis:
            return self._external_redis
        if self.redis is None:
            raise HarnessError("not started")
        return self.redis.url

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Start Redis (unless given) and the server; return once it printed READY."""
        with self._lock:
            if self.redis is None and not self._external_redis:
                self.redis = RedisServer(self.tmpdir).start()
            if not self.running:
                self._start_server()
        return self

    def _start_server(self) -> None:
        # A fixed port may still be held for a moment after a SIGKILL: retry briefly.
        attempts = 15 if self.port else 1
        for attempt in range(attempts):
            try:
                self._spawn_server()
                return
            except HarnessError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2)

    def _spawn_server(self) -> None:
        cmd = [
            sys.executable,
            str(SERVER),
            "--port",
            str(self.port),
            "--redis-url",
            self.redis_url,
            "--ping-interval",
            str(self.ping_interval),
            "--log-level",
            self.log_level,
            *self.extra_args,
        ]
        env = dict(
            os.environ,
            PYTHONHASHSEED="0",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
        )
        err: IO[bytes] | None = None
        if self.server_log is not None:
            err = open(self.server_log, "ab")  # noqa: SIM115 - handed to the child
            err.write(
                f"---- server.py start {time.strftime('%H:%M:%S')} ----\n".encode()
            )
            err.flush()
        t0 = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                start_new_session=True,
                env=env,
                cwd=str(self.tmpdir),
            )
        finally:
            if err is not None:
                err.close()
        try:
            url = self._read_ready(proc)
        except BaseException:
            _kill_group(proc, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            assert proc.stdout is not None
            proc.stdout.close()  # server.py writes nothing after READY
        self.startup_seconds = time.monotonic() - t0
        self.proc, self.url = proc, url
        self.port = int(url.rsplit(":", 1)[1])

    def _read_ready(self, proc: subprocess.Popen[bytes]) -> str:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + self.startup_timeout
        buf = b""
        while True:
            line, nl, rest = buf.partition(b"\n")
            if nl:
                text = line.decode(errors="replace").strip()
                if text.startswith("READY "):
                    return text.split(" ", 1)[1]
                buf = rest
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HarnessError(
                    f"server.py not READY after {self.startup_timeout}s"
                    + self._log_tail()
                )
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.1))
            if ready:
                chunk = os.read(fd, 4096)
                if chunk:
                    buf += chunk
                    continue
                proc.wait(timeout=5)
            if proc.poll() is not None:
                raise HarnessError(
                    f"server.py exited with {proc.returncode} before READY"
                    + self._log_tail()
                )

    def _log_tail(self) -> str:
        return f"\n{_tail(self.server_log)}" if self.server_log else ""

    def kill(self) -> None:
        """SIGKILL the server (as a crash would) and reap it. Redis keeps running."""
        with self._lock:
            if self.proc is not None:
                _kill_group(self.proc, signal.SIGKILL)
                self.proc.wait()
                self.proc = None

    def terminate(self, timeout: float = 5.0) -> int | None:
        """SIGTERM the server (graceful: clients get close 1001); SIGKILL after ``timeout``."""
        with self._lock:
            if self.proc is None:
                return None
            proc, self.proc = self.proc, None
            _kill_group(proc, signal.SIGTERM)
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc, signal.SIGKILL)
                return proc.wait()

    def restart(self) -> str:
        """SIGKILL the server if it runs, start it again on the same port; return the url."""
        self.kill()
        self.start()
        assert self.url is not None
        return self.url

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and Redis; remove the temp dir."""
        self.terminate()
        with self._lock:
            if self.redis is not None:
                self.redis.stop()
                self.redis = None
            keep = self.server_log is not None and not self.server_log.is_relative_to(
                self.tmpdir
            )
            if keep or os.environ.get("E2E_KEEP_LOGS"):
                return
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    # ---- conveniences ---------------------------------------------------------------------------

    async def akill(self) -> None:
        await asyncio.to_thread(self.kill)

    async def arestart(self) -> str:
        return await asyncio.to_thread(self.restart)

    async def astop(self) -> None:
        await asyncio.to_thread(self.stop)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@atexit.register
def _stop_all() -> None:
    for harness in list(_LIVE):
        with contextlib.suppress(Exception):
            harness.stop()


# ---- CLI -----------------------------------------------------------------------------------


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Redis + the django-ipc e2e server, until stdin closes."
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ping-interval", type=int, default=20)
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument(
        "--server-log", help="file for the server's stderr; '-' = this stderr"
    )
    parser.add_argument("--redis-url", help="use this Redis instead of starting one")
    parser.add_argument(
        "--no-stdin",
        action="store_true",
        help="ignore stdin; run until SIGTERM/SIGINT or the parent dies",
    )
    args = parser.parse_args(argv)

    def on_signal(sig: int, _frame: Any) -> None:
        raise SystemExit(128 + sig)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch_parent, daemon=True).start()

    harness = Harness(
        args.port,
        redis_url=args.redis_url,
        ping_interval=args.ping_interval,
        log_level=args.log_level,
        server_log=args.server_log,
    )
    try:
        harness.start()
        print(
            f"harness: server pid {harness.pid} on {harness.url}, redis {harness.redis_url} "
            f"(pid {harness.redis.proc.pid if harness.redis and harness.redis.proc else '-'}), "
            f"server log {harness.server_log or 'stderr'}, started in {harness.startup_seconds:.2f}s",
            file=sys.stderr,
            flush=True,
        )
        _say(f"READY {harness.url}")
        if args.no_stdin:
            while True:
                time.sleep(3600)
        for raw in sys.stdin:
            cmd = raw.strip()
            if not cmd:
                continue
            try:
                if cmd == "kill":
                    harness.kill()
                    _say("KILLED")
                elif cmd == "term":
                    harness.terminate()
                    _say("STOPPED")
                elif cmd in ("restart", "start"):
                    if cmd == "restart":
                        harness.kill()
                    harness.start()
                    _say(f"READY {harness.url}")
                elif cmd == "quit":
                    break
                else:
                    _say(f"ERROR unknown command {cmd!r}")
            except HarnessError as exc:
                _say(f"ERROR {str(exc).splitlines()[0]}")
                print(exc, file=sys.stderr, flush=True)
        return 0
    except HarnessError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        harness.stop()


if __name__ == "__main__":
    sys.exit(main())
