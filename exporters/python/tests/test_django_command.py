"""``manage.py export_rpc_schema`` in a real (minimal) Django project."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import HERE, run_exporter

SETTINGS = """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "x"
INSTALLED_APPS = ["rpcforge_export"]
RPCFORGE_EXPORT = {EXPORT!r}
"""


def _project(tmp_path: Path, export: dict[str, object]) -> Path:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "rpc_settings.py").write_text(SETTINGS.replace("{EXPORT!r}", repr(export)))
    return project


def _manage(project: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_exporter(
        "export_rpc_schema",
        "--settings=rpc_settings",
        *args,
        cwd=project,
        pythonpath=[project, HERE],
        module="django",
    )


def test_settings_driven_export_and_check(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "API": "apimods.typed_router:router",
            "EVENTS": "apimods.typed_router:EVENTS",
            "OUTPUT": "schema/api.rpc.json",
            "TITLE": "From settings",
            "SERVERS": {"production": "wss://shop.example.com/ws"},
        },
    )
    out = project / "schema" / "api.rpc.json"
    check = _manage(project, "--check")
    assert check.returncode == 1 and "is missing" in check.stderr

    proc = _manage(project)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    doc = json.loads(out.read_text())
    assert doc["info"] == {"title": "From settings", "version": "2.0.0"}  # VERSION: module
    assert doc["servers"] == {"production": "wss://shop.example.com/ws"}
    assert [e["name"] for e in doc["events"]] == ["notice"]

    # The same document as the plain command line with the same inputs.
    cli = run_exporter(
        "apimods.typed_router:router",
        "--events",
        "apimods.typed_router:EVENTS",
        "--title",
        "From settings",
        "--server",
        "production=wss://shop.example.com/ws",
        cwd=tmp_path,
        pythonpath=[HERE],
    )
    assert cli.stdout == out.read_text()

    assert _manage(project, "--check").returncode == 0
    stale = _manage(project, "--check", "--api-version", "3.0.0")
    assert stale.returncode == 1 and "is out of date" in stale.stderr

    stdout = _manage(project, "-o", "-", "--title", "Flag", "--server", "dev=ws://localhost:1")
    assert stdout.returncode == 0, stdout.stderr
    doc = json.loads(stdout.stdout)
    assert doc["info"]["title"] == "Flag"
    assert doc["servers"] == {"dev": "ws://localhost:1"}


def test_untyped_router_and_bad_settings(tmp_path: Path) -> None:
    project = _project(tmp_path, {"API": "apimods.untyped_router:router", "OUTPUT": "a.json"})
    proc = _manage(project)
    assert proc.returncode == 2
    assert "items.raw" in proc.stderr and "items.bare" in proc.stderr
    assert not (project / "a.json").exists()

    skipped = _manage(project, "--skip-untyped")
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stderr.count("warning: skipped") == 4

    project = _project(tmp_path, {"API": "apimods.typed_router:router", "TYPO": 1})
    proc = _manage(project)
    assert proc.returncode == 2 and "unknown key(s) TYPO" in proc.stderr

    project = _project(tmp_path, {})
    proc = _manage(project)
    assert proc.returncode == 2 and "no API" in proc.stderr
