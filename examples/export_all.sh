#!/usr/bin/env bash
# Regenerate examples/<name>/<name>.rpc.json from examples/<name>/models.py with the
# exporter in exporters/python (run from its source; no install needed).
#
#   examples/export_all.sh            rewrite all five documents
#   examples/export_all.sh --check    exit 1 if any committed document is stale
#
# PYTHON picks the interpreter (default .venv/bin/python, relative to the repo root);
# it needs pydantic v2, at the version pinned in tests/python/requirements.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-.venv/bin/python}"
EXAMPLES=(ecommerce chat dashboard game notifications)

mode=()
case "${1:-}" in
    "") ;;
    --check) mode=(--check) ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

stale=0
for name in "${EXAMPLES[@]}"; do
    dir="examples/$name"
    status=0
    PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$dir:exporters/python/src" \
        "$PYTHON" -m rpcforge_export models:API --events models:EVENTS \
        -o "$dir/$name.rpc.json" ${mode[@]+"${mode[@]}"} || status=$?
    case "$status" in
        0) [[ ${#mode[@]} -eq 0 ]] && echo "wrote $dir/$name.rpc.json" ;;
        1) stale=1 ;;
        *) echo "examples/export_all.sh: exporting $name failed" >&2; exit "$status" ;;
    esac
done

if [[ $stale -ne 0 ]]; then
    echo "examples/export_all.sh: stale documents; run examples/export_all.sh" >&2
    exit 1
fi
