#!/bin/sh
# Runs the REPL's scripted sessions and its pseudo-terminal test against a built mnl.
#
#   Tests/repl/run.sh path/to/mnl            check every sessions/*.in against its .out
#   UPDATE=1 Tests/repl/run.sh path/to/mnl   rewrite the .out files from the current output
#
# Each session runs as `mnl repl < NAME.in` in a scratch directory holding the fixtures
# (fixtures.py), with no history file and no colour; stdout and stderr are compared together
# (lines matching "time: …" are masked, since timings vary). NAME.status, when present, holds the
# expected exit status (default 0). The pty test (pty_test.py) needs python3 with pexpect; it is
# skipped with a notice when pexpect is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/mnl" >&2
  exit 2
fi
mnl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 "$here/fixtures.py" "$scratch" || exit 1

failures=0
count=0
for input in "$here"/sessions/*.in; do
  name=$(basename "$input" .in)
  expected="$here/sessions/$name.out"
  count=$((count + 1))
  actual="$scratch/$name.actual"
  (cd "$scratch" && env -u COLORTERM MNL_HISTORY= NO_COLOR=1 TERM=dumb COLUMNS=80 MNL_CHECKPOINT= \
    "$mnl" repl < "$input" > "$actual" 2>&1)
  status=$?
  sed -i 's/^time: .*/time: <elapsed>/' "$actual"
  want_status=0
  [ -f "$here/sessions/$name.status" ] && want_status=$(cat "$here/sessions/$name.status")
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$actual" "$expected"
    [ "$status" != 0 ] && echo "$status" > "$here/sessions/$name.status"
    [ "$status" = 0 ] && rm -f "$here/sessions/$name.status"
    echo "updated $name (status $status)"
    continue
  fi
  if ! diff -u "$expected" "$actual" > "$scratch/$name.diff" 2>&1; then
    echo "FAIL session $name: output differs"
    cat "$scratch/$name.diff"
    failures=$((failures + 1))
  elif [ "$status" != "$want_status" ]; then
    echo "FAIL session $name: exit status $status, expected $want_status"
    failures=$((failures + 1))
  else
    echo "ok   session $name"
  fi
done

if python3 -c 'import pexpect' 2>/dev/null; then
  count=$((count + 1))
  if python3 "$here/pty_test.py" "$mnl"; then
    echo "ok   pty"
  else
    echo "FAIL pty"
    failures=$((failures + 1))
  fi
else
  echo "skip pty (python3 pexpect not installed)"
fi

echo "$((count - failures))/$count REPL tests passed"
[ "$failures" = 0 ]
