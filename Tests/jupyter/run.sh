#!/bin/sh
# Runs the Jupyter kernel and notebook-export tests against a built mnl (about 20 s):
#
#   Tests/jupyter/run.sh path/to/mnl
#
# They need python3 with jupyter_client, nbformat and nbconvert (scripts/setup installs them).
# Without python3 they are skipped with a notice; with python3 but without those packages they
# fail, since scripts/setup should have installed them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/mnl" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIPPED: the Jupyter kernel and notebook tests need python3 (scripts/setup installs it)"
  exit 0
fi
if ! python3 -c 'import jupyter_client, nbformat, nbconvert' 2>/dev/null; then
  echo "jupyter tests: python3 lacks jupyter_client, nbformat or nbconvert (run scripts/setup)" >&2
  exit 1
fi
status=0
python3 "$here/test_kernel.py" "$1" || status=1
python3 "$here/test_notebook.py" "$1" || status=1
[ $status = 0 ] && echo "jupyter tests passed" || echo "jupyter tests FAILED" >&2
exit $status
