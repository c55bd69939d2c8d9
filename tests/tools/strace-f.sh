#!/bin/bash
# strace -f inside ptvisor against strace -f natively, on one command.
# strace -ff writes one file per traced process; each file is normalised
# (pids, addresses, random bytes, timings) and the sorted set of files must be
# identical. Interleaving between processes is not compared: it varies from
# run to run natively too, and so does where an asynchronous signal lands in
# a process's own sequence of calls (the "--- SIGCHLD" line and the
# rt_sigreturn after it), so those two lines are set aside, as are si_utime
# and si_stime, and a call that such a signal made the kernel restart
# ("= ? ERESTARTNOINTR", shown again when it is restarted).
#   strace-f.sh PTVISOR [COMMAND...]
set -euo pipefail
ptvisor=$1; shift
[ $# -gt 0 ] || set -- sh -c 'echo hi | cat'
command -v strace >/dev/null || { echo "SKIP: strace is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

normalise() {
    awk '/^--- SIGCHLD/ { skip = 1; next }
         skip && /^rt_sigreturn/ { skip = 0; next }
         / = \? ERESTART[A-Z_]* \(To be restarted\)$/ { next }
         { skip = 0; print }' "$1" |
    sed -E -e 's/0x[0-9a-f]+/ADDR/g' \
        -e 's/\b[0-9]{3,}\b/NUM/g' \
        -e 's/getrandom\("[^"]*"/getrandom("RANDOM"/' \
        -e 's/si_utime=[0-9]+, si_stime=[0-9]+[^}]*/si_times/' \
        -e 's/ +/ /g'
}

run() { # DIR CMD...
    local dir=$1; shift
    mkdir -p "$dir"
    timeout 60 "$@" > "$dir/stdout" 2> "$dir/stderr" || echo "exit $?" >> "$dir/stdout"
    for f in "$dir"/trace.*; do normalise "$f"; echo "=== end of process"; done |
        awk 'BEGIN{RS="=== end of process\n"} {print > "'"$dir"'/proc." NR}'
    for f in "$dir"/proc.*; do md5sum < "$f"; done | sort > "$dir/set"
}

run "$work/native" strace -ff -o "$work/native/trace" "$@"
run "$work/inside" "$ptvisor" -- strace -ff -o "$work/inside/trace" "$@"
status=0
if ! diff -u "$work/native/stdout" "$work/inside/stdout"; then status=1; fi
if ! diff -u "$work/native/set" "$work/inside/set" > /dev/null; then
    echo "per-process traces differ:"
    for f in "$work"/inside/proc.*; do
        sum=$(md5sum < "$f")
        if ! grep -q "$sum" "$work/native/set"; then
            best=$(for g in "$work"/native/proc.*; do
                printf '%s %s\n' "$(diff "$g" "$f" | grep -c '^[<>]')" "$g"; done | sort -n | head -1 | cut -d' ' -f2)
            echo "--- $f against the closest native trace:"
            diff -u "$best" "$f" | head -40
        fi
    done
    status=1
fi
echo "strace -ff: $(wc -l < "$work/native/set") processes natively, $(wc -l < "$work/inside/set") inside"
exit $status
