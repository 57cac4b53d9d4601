"""Shared helpers of the exporter's tests: run them with ``.venv/bin/python -m pytest
exporters/python/tests`` from the repository root (tests/exporter.rs does)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
ROOT = HERE.parents[2]

if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def run_exporter(
    *args: str, cwd: Path, pythonpath: list[Path] | None = None, module: str = "rpcforge_export"
) -> subprocess.CompletedProcess[str]:
    """``python -m rpcforge_export ARGS`` in a fresh interpreter (the real command line)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*(pythonpath or []), SRC])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def rpc_logger(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A django-ipc RPCLogger writing below tmp_path (its default is ./logs)."""
    import django_ipc.server  # noqa: F401  (before django_ipc.handlers: circular import)
    from django_ipc.logger import LoggerConfig, RPCLogger

    return RPCLogger(config=LoggerConfig(log_dir=str(tmp_path / "logs")), name="test_router")
