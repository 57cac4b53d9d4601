"""Round-trip proof of type fidelity: export -> rpcforge generate-clients -> generated models.

Run from the repository root: ``.venv/bin/python -m pytest tests/roundtrip`` (tests/roundtrip.rs
does, with RPCFORGE_BIN pointing at the freshly built binary; without it target/debug/rpcforge
is used, so `cargo build` first).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (HERE, ROOT / "exporters" / "python" / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
