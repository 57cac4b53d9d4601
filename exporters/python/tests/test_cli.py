"""Command line: determinism, --check, errors."""

from __future__ import annotations

from pathlib import Path

from conftest import HERE, run_exporter

ARGS = ["apimods.typed_router:router", "--events", "apimods.typed_router:EVENTS"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = run_exporter(*ARGS, cwd=tmp_path, pythonpath=[HERE])
    second = run_exporter(*ARGS, cwd=tmp_path, pythonpath=[HERE])
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.endswith("}\n")


def test_check(tmp_path: Path) -> None:
    out = tmp_path / "api.rpc.json"
    check = [*ARGS, "-o", str(out), "--check"]
    missing = run_exporter(*check, cwd=tmp_path, pythonpath=[HERE])
    assert missing.returncode == 1 and "is missing" in missing.stderr
    assert not out.exists()

    assert run_exporter(*ARGS, "-o", str(out), cwd=tmp_path, pythonpath=[HERE]).returncode == 0
    assert run_exporter(*check, cwd=tmp_path, pythonpath=[HERE]).returncode == 0

    out.write_text(out.read_text().replace("2.0.0", "1.9.9"))
    stale = run_exporter(*check, cwd=tmp_path, pythonpath=[HERE])
    assert stale.returncode == 1 and "is out of date" in stale.stderr
    assert "1.9.9" in out.read_text()  # --check writes nothing


def test_flags_override_module_constants(tmp_path: Path) -> None:
    proc = run_exporter(
        *ARGS,
        "--title",
        "Other",
        "--version",
        "9",
        "--server",
        "production=wss://x.example/ws",
        "--server",
        "dev=ws://localhost:1",
        cwd=tmp_path,
        pythonpath=[HERE],
    )
    assert proc.returncode == 0, proc.stderr
    assert '"title": "Other"' in proc.stdout and '"version": "9"' in proc.stdout
    assert '"production": "wss://x.example/ws"' in proc.stdout
    assert "127.0.0.1:8765" not in proc.stdout


def test_input_errors_exit_2(tmp_path: Path) -> None:
    for args, needle in [
        ([*ARGS, "--check"], "--check needs -o/--output"),
        (["apimods.nope:router"], "cannot import module"),
        (["apimods.typed_router:nope"], "has no attribute"),
        (["apimods.typed_router:TITLE"], "unsupported API source of type str"),
        ([*ARGS, "--server", "http://x"], "expected NAME=URL"),
        ([*ARGS, "--server", "p=http://x"], "is not a ws:// or wss:// URL"),
    ]:
        proc = run_exporter(*args, cwd=tmp_path, pythonpath=[HERE])
        assert proc.returncode == 2, (args, proc.stderr)
        assert needle in proc.stderr, (args, proc.stderr)
