"""TypeScript side of the round trip: the same sample JSON, written into a `.ts` file of each
generated package as ``export const s0: Order = <json>;``, must type-check with tsc
(``--strict --noUncheckedIndexedAccess --exactOptionalPropertyTypes``), and invalid variants
that TypeScript can see (a required property removed, a wrong tag or enum value, a value of
the wrong JSON type) must NOT: each is preceded by ``// @ts-expect-error``, so an accepted
one is an "Unused '@ts-expect-error' directive" error. Constraint violations (lengths,
bounds, formats) are invisible to TypeScript's types and are left to the Python side.

All cases are checked by one tsc run (a session fixture); each case's test reports the
errors in its own file.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cases import CASES, ROOT, Case, document, generated_ts_dir, generated_type, targets
from known_failures import (
    KNOWN_FAILURES,
    KNOWN_TS_FAILURES,
    known_failure,
    known_mutation_failure,
    known_ts_failure,
)
from mutations import mutations
from pydantic import ValidationError

SAMPLES_PER_TARGET = 12
NEGATIVES_PER_TARGET = 12
TS_VISIBLE = (
    "required property removed",
    "unknown discriminator tag",
    "wrong const",
    "value outside the enum",
    "an object instead of a string",
    "a list instead of a number",
    "a string instead of an array",
    "a number instead of an object",
    "an object instead of a boolean",
)
FILE_NAME = "roundtrip_samples.ts"


def tsc() -> Path:
    path = Path(os.environ.get("RPCFORGE_TSC") or ROOT / "tests/node/node_modules/.bin/tsc")
    if not path.exists():
        raise RuntimeError(f"tsc not found at {path}: run scripts/test (npm ci in tests/node)")
    return path


def _ts_type_exists(types_ts: str, name: str) -> bool:
    return re.search(rf"^export (interface|type) {re.escape(name)}\b", types_ts, re.M) is not None


def write_case_file(case: Case) -> tuple[Path, int, int]:
    """Writes the case's sample file; returns (path, positives, negatives)."""
    from samples import samples  # noqa: PLC0415 (imported late: hypothesis settles first)

    src = generated_ts_dir(case) / "src"
    types_ts = (src / "types.ts").read_text(encoding="utf-8")
    defs = document(case).get("$defs", {})
    names: set[str] = set()
    lines: list[str] = []
    positives = negatives = 0
    for target in targets(case):
        name = generated_type(target).name
        if not _ts_type_exists(types_ts, name) and _ts_type_exists(types_ts, name + "Model"):
            name += "Model"  # TypeScript renames types that shadow globals: Date -> DateModel
        if not _ts_type_exists(types_ts, name):
            lines.append(f"// {target.where}: no TypeScript type {name} in types.ts")
            lines.append(f"export const missing_{len(lines)}: {name} = null;")
            continue
        names.add(name)
        data = samples(target)
        if target.mode == "validation":
            # Params: the JSON the client sends, written by the generated Python model (the
            # Python test proves the original accepts it); the original's own JSON may be
            # in a lax form the input schema does not describe (durations as seconds).
            data = tuple(_client_json(generated_type(target).adapter, d) for d in data)
            data = tuple(d for d in data if d is not None)
        lines.append(f"\n// {target.where} ({target.original.__name__})")
        for sample in data[:SAMPLES_PER_TARGET]:
            if known_failure(target, sample) or target.id in KNOWN_FAILURES:
                continue
            if known_ts_failure(target, sample):
                continue
            lines.append(f"export const s{positives}: {name} = {_literal(sample)};")
            positives += 1
        count = 0
        schema = {"$ref": f"#/$defs/{target.def_key}"}
        for sample in data[:4]:
            for mutation in mutations(sample, schema, defs):
                if count >= NEGATIVES_PER_TARGET or not mutation.what.startswith(TS_VISIBLE):
                    continue
                if known_mutation_failure(target, mutation):
                    continue
                try:
                    target.original.model_validate(mutation.data)
                except (ValidationError, TypeError, ValueError):  # a crashing validator too
                    pass
                else:
                    continue
                lines.append(f"// {mutation.describe()}")
                lines.append("// @ts-expect-error")
                lines.append(f"export const n{negatives}: {name} = {_literal(mutation.data)};")
                negatives += 1
                count += 1
    header = (
        f"import type {{ {', '.join(sorted(names))} }} from \"./types.js\";\n" if names else ""
    )
    path = src / FILE_NAME
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path, positives, negatives


def _client_json(adapter: Any, sample: Any) -> Any:
    try:
        value = adapter.validate_python(sample)
    except ValidationError:
        return None  # reported by the Python test
    return adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)


def _literal(value: Any) -> str:
    # One line, so that a @ts-expect-error covers the whole value.
    # ASCII only: an unescaped U+2028 would start a new line for tsc.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


@functools.cache
def tsc_report() -> tuple[dict[str, list[str]], dict[str, tuple[int, int]], str]:
    files: dict[str, Path] = {}
    counts: dict[str, tuple[int, int]] = {}
    for case in CASES:
        path, pos, neg = write_case_file(case)
        files[case.name] = path
        counts[case.name] = (pos, neg)
    root = Path(tempfile.mkdtemp(prefix="rpcforge-roundtrip-tsc-"))
    atexit.register(shutil.rmtree, root, True)
    config = {
        "compilerOptions": {
            "strict": True,
            "noUncheckedIndexedAccess": True,
            "exactOptionalPropertyTypes": True,
            "target": "ES2022",
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "lib": ["ES2022", "DOM"],
            "types": [],
            "noEmit": True,
        },
        "files": [str(p) for p in files.values()],
    }
    (root / "tsconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    proc = subprocess.run(
        [str(tsc()), "-p", str(root / "tsconfig.json"), "--pretty", "false"],
        capture_output=True, text=True, timeout=900, check=False,
    )
    output = proc.stdout + proc.stderr
    errors: dict[str, list[str]] = {name: [] for name in files}
    unattributed: list[str] = []
    for line in output.splitlines():
        for name, path in files.items():
            if str(path.parent.parent) in line or line.startswith(str(path.parent.parent)):
                errors[name].append(line)
                break
        else:
            if line.strip() and not line.startswith(" "):
                unattributed.append(line)
    if proc.returncode != 0 and not any(errors.values()):
        unattributed.append(f"tsc exited {proc.returncode}")
    return errors, counts, "\n".join(unattributed)


def test_tsc_ran_cleanly() -> None:
    _, _, unattributed = tsc_report()
    assert not unattributed, unattributed


def _case_params() -> list[Any]:
    out = []
    for case in CASES:
        reason = KNOWN_TS_FAILURES.get(case.name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


@pytest.mark.parametrize("case", _case_params())
def test_samples_type_check(case: Case) -> None:
    errors, counts, _ = tsc_report()
    positives, negatives = counts[case.name]
    all_known = all(t.id in KNOWN_FAILURES for t in targets(case))
    assert positives > 0 or all_known, f"{case.name}: no sample written"
    text = (generated_ts_dir(case) / "src" / FILE_NAME).read_text(encoding="utf-8").splitlines()
    report = []
    for line in errors[case.name][:10]:
        m = re.search(r"\((\d+),\d+\)", line)
        source = text[int(m.group(1)) - 1][:300] if m and int(m.group(1)) <= len(text) else ""
        context = text[int(m.group(1)) - 3][:200] if m and int(m.group(1)) >= 3 else ""
        report.append(f"{line}\n    {context}\n    {source}")
    assert not errors[case.name], (
        f"{case.name}: tsc rejects {len(errors[case.name])} line(s) of {positives} samples / "
        f"{negatives} @ts-expect-error variants:\n" + "\n".join(report)
    )
