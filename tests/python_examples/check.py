#!/usr/bin/env python3
"""Checks that the corpus's python examples are true, with the pinned libraries.

Runs with the examples' own Python (see setup.sh). Reads `dailydrill corpus export` JSON on stdin
(an array of questions, each with "source" and "examples": [{"line", "code", "runner",
"expected_output"}]); optional arguments keep only the questions whose source contains one of them.

Every block must parse. By runner:
  script    run as a program (`__name__ == "__main__"`), must exit 0;
  django    run inside the Django fixture (run_django.py), must exit 0;
  pytest    a test module run by pytest, whose tests must pass;
  fragment  parsed only.
Deprecation warnings are errors: a coach must not teach a deprecated API. A block with an expected
output must print exactly that (trailing spaces and blank lines aside). Each block runs in a fresh
temporary folder, with its code at the same line numbers as in its question file, so a traceback
names the question's own lines.

Prints one line per failure and a last line "python examples: P parsed, R run (S scripts, D django,
T pytest), O outputs checked, N fragments, F failed"; exits 1 if anything failed.
"""

import ast
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

TIMEOUT_SECONDS = 60
HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def command(runner, path):
    python = [sys.executable, "-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning"]
    if runner == "django":
        return python + [os.path.join(HERE, "run_django.py"), path]
    if runner == "pytest":
        return python + [
            "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::DeprecationWarning",
            "-o", "asyncio_default_fixture_loop_scope=function", path,
        ]
    return python + [path]


def run(example):
    """Runs one block; returns a failure message or None."""
    source, line = example["source"], example["line"]
    with tempfile.TemporaryDirectory() as tmp:
        name = "test_example.py" if example["runner"] == "pytest" else "example.py"
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            # The fence is on `line`; padding puts the code's first line on line + 1.
            f.write("\n" * line + example["code"])
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": tmp,
            "PYTHONHASHSEED": "0",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.path.join(HERE, "fixture"),
        }
        try:
            done = subprocess.run(
                command(example["runner"], path),
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return f"did not finish within {TIMEOUT_SECONDS} s"
    if done.returncode != 0:
        report = (done.stderr.strip() + "\n" + done.stdout.strip()).strip()
        report = report.replace(path, source).replace(tmp, "<tmp>")
        return f"exited with {done.returncode}:\n{report}"
    expected = example.get("expected_output")
    if expected is not None and normalise(done.stdout) != normalise(expected):
        return f"printed:\n{done.stdout.rstrip()}\nbut the answer claims:\n{expected.rstrip()}"
    return None


def main():
    text = sys.stdin.read()
    if not text.strip():
        print("no corpus on stdin: the export failed (its problems are printed above)")
        return 2
    questions = json.loads(text)
    only = sys.argv[1:]
    examples = [
        dict(ex, source=q["source"])
        for q in questions
        if not only or any(part in q["source"] for part in only)
        for ex in q["examples"]
    ]
    failures = []
    runnable = []
    fragments = 0
    for ex in examples:
        where = f"{ex['source']}:{ex['line']}"
        try:
            ast.parse(ex["code"], filename=where)
        except SyntaxError as e:
            failures.append(f"{where}: does not parse: {e.msg} (line {ex['line'] + (e.lineno or 0)})")
            continue
        if ex["runner"] == "fragment":
            fragments += 1
        else:
            runnable.append((where, ex))

    by_runner = {r: sum(1 for _, ex in runnable if ex["runner"] == r) for r in ("script", "django", "pytest")}
    checked = sum(1 for _, ex in runnable if ex.get("expected_output") is not None)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for (where, _), failure in zip(runnable, pool.map(run, [ex for _, ex in runnable])):
            if failure:
                failures.append(f"{where}: {failure}")

    for failure in failures:
        print(failure)
    print(
        f"python examples: {len(examples)} parsed, {len(runnable)} run "
        f"({by_runner['script']} scripts, {by_runner['django']} django, {by_runner['pytest']} pytest), "
        f"{checked} outputs checked, {fragments} fragments, {len(failures)} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
