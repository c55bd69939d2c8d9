#!/bin/sh
# Builds ptvisor if needed and runs it on a built-in example: a small shell
# pipeline with a background job, a signal and an exit status, with the
# supervisor's log of every host event it handled.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh build
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
build/ptvisor --log "$log" -- sh -c '
    echo "hello from a guest shell, pid $$"
    seq 1 5 | sort -r | tr "\n" " "; echo
    sleep 0.1 & wait $!
    sh -c "kill -TERM \$\$"; echo "child killed by signal $(($? - 128))"
    exit 3'
status=$?
set -e
echo "ptvisor exited with status $status (the guest's own)"
echo "--- supervisor log ($(wc -l < "$log") host events and decisions) ---"
cat "$log"
echo
echo "--- strace -f inside ptvisor ---"
build/ptvisor -- strace -f sh -c 'echo hi | cat'
echo
echo "--- gdb inside ptvisor ---"
build/ptvisor -- gdb -nx -batch -ex 'break main' -ex run -ex bt -ex continue \
    build/tests/tools/tool-prog
