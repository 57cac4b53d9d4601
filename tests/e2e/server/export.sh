#!/usr/bin/env bash
# (Re)write tests/e2e/server/e2e.rpc.json, the schema document of the e2e server, from
# e2e_api.py (ecommerce example + test.* methods) with the exporter in exporters/python.
#   tests/e2e/server/export.sh           rewrite it
#   tests/e2e/server/export.sh --check   exit 1 if it is stale
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-.venv/bin/python}"
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="tests/e2e/server:exporters/python/src" \
    "$PYTHON" -m rpcforge_export e2e_api:API --events e2e_api:EVENTS \
    -o tests/e2e/server/e2e.rpc.json "$@"
