#!/bin/sh
# Runs the NumPy differential test (numpy_diff.py, with gradients.py) against a built mnl with
# the fixed CI seed and case count. Skipped, with a notice, when python3 or NumPy is missing.
# Longer runs: MNL_DIFF_CASES=20000 MNL_DIFF_GRAD_CASES=2000 MNL_DIFF_SEED=7 Tests/differential/run.sh MNL
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/mnl" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import numpy' 2>/dev/null; then
  echo "SKIPPED differential test against NumPy: python3 with numpy is not installed (scripts/setup installs it)"
  exit 0
fi
exec python3 "$here/numpy_diff.py" "$1"
