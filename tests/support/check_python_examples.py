#!/usr/bin/env python3
"""Checks that the corpus's python examples are true.

Reads a JSON array on stdin, one object per ```python block:
  {"source": path, "line": n, "code": str, "fragment": bool, "expected_output": str | null}

Every block must parse. A block that imports only the standard library and is not a fragment is
run in a fresh temporary directory (deprecation warnings are errors: a coach must not teach a
deprecated API) and must exit 0; when it has an expected output, its stdout must match exactly
(trailing spaces on a line and trailing blank lines aside).

Prints one line per failure and a last line "python examples: P parsed, R run, O outputs checked,
F failed"; exits 1 if anything failed.
"""

import ast
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

TIMEOUT_SECONDS = 30
THIRD_PARTY = "<third-party>"


def imported_roots(tree):
    """Top-level module names a block imports; relative imports count as third-party."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                yield THIRD_PARTY
            else:
                yield node.module.split(".")[0]


def normalise(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run(example):
    """Runs one block; returns a failure message or None."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "example.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(example["code"])
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
        try:
            done = subprocess.run(
                [sys.executable, "-W", "error::DeprecationWarning", "example.py"],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return f"did not finish within {TIMEOUT_SECONDS} s"
    if done.returncode != 0:
        return f"exited with {done.returncode}:\n{done.stderr.strip()}"
    expected = example.get("expected_output")
    if expected is not None and normalise(done.stdout) != normalise(expected):
        return f"printed:\n{done.stdout.rstrip()}\nbut the answer claims:\n{expected.rstrip()}"
    return None


def main():
    examples = json.load(sys.stdin)
    stdlib = set(sys.stdlib_module_names)
    failures = []
    runnable = []
    for ex in examples:
        where = f"{ex['source']}:{ex['line']}"
        try:
            tree = ast.parse(ex["code"], filename=where)
        except SyntaxError as e:
            failures.append(f"{where}: does not parse: {e.msg} (block line {e.lineno})")
            continue
        if ex.get("fragment"):
            if ex.get("expected_output") is not None:
                failures.append(f"{where}: a fragment is not run, so it cannot claim an output")
            continue
        if all(root in stdlib for root in imported_roots(tree)):
            runnable.append((where, ex))
        elif ex.get("expected_output") is not None:
            failures.append(f"{where}: claims an output but imports third-party modules, so it is not run")

    checked = sum(1 for _, ex in runnable if ex.get("expected_output") is not None)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for (where, _), failure in zip(runnable, pool.map(run, [ex for _, ex in runnable])):
            if failure:
                failures.append(f"{where}: {failure}")

    for failure in failures:
        print(failure)
    print(
        f"python examples: {len(examples)} parsed, {len(runnable)} run, "
        f"{checked} outputs checked, {len(failures)} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
