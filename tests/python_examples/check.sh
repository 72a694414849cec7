#!/usr/bin/env bash
# Runs the corpus's python examples with the pinned libraries, as the test suite does, and prints
# each failure at its question's file and line. Arguments keep only the question files whose path
# contains one of them: `tests/python_examples/check.sh django/11-` checks one question.
# QUESTIONS_DIR: the corpus (default ./questions). DAILYDRILL: the dailydrill command to export it
# with (default: cargo run --release). DAILYDRILL_EXAMPLES_ROOT: see setup.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$("$here/setup.sh")"
mkdir -p "$root/opt/dailydrill-check"
cp -r "$here/check.py" "$here/run_django.py" "$here/fixture" "$root/opt/dailydrill-check/"
read -r -a dailydrill <<< "${DAILYDRILL:-cargo run --quiet --release --}"
"${dailydrill[@]}" corpus export --dir "${QUESTIONS_DIR:-questions}" |
  chroot "$root" /opt/examples/bin/python /opt/dailydrill-check/check.py "$@"
