#!/bin/bash
# gdb in batch mode inside ptvisor against the same gdb natively: the outputs
# must be identical once pids, addresses and thread ids are normalised.
#   gdb-batch.sh PTVISOR PROGRAM [GDB-ARGS...]
set -euo pipefail
ptvisor=$1 prog=$2; shift 2
command -v gdb >/dev/null || { echo "SKIP: gdb is not installed"; exit 77; }
normalise() {
    sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/(process|LWP) [0-9]+/\1 PID/g' \
        -e 's/Thread ADDR/Thread/g'
}
run() { # the output, then gdb's exit status
    local status=0
    timeout 60 "$@" > "$work/out" 2>&1 || status=$?
    normalise < "$work/out"
    echo "gdb exit status $status"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
native=$(run gdb -nx -batch "$@" "$prog")
inside=$(run "$ptvisor" -- gdb -nx -batch "$@" "$prog")
if [ "$native" != "$inside" ]; then
    diff -u <(echo "$native") <(echo "$inside")
    exit 1
fi
echo "$inside" | tail -3
