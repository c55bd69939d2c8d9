#!/bin/bash
# A tool attaching to a guest that is already running, then leaving it:
# the guest must go on and exit normally. Runs as one command, natively or
# inside ptvisor (so the guest is started inside the same ptvisor).
#   attach.sh [--sigint] EVENTS-PROGRAM -- TOOL [ARG...]
# Starts "EVENTS-PROGRAM wait" (tool-events) in the background, and TOOL
# once the guest is asleep in read(); @PID@ in TOOL's arguments is the
# guest's pid. TOOL says it is attached with a line "Process N attached" on
# its stderr (strace) or by creating the file "attached" (gdb: -ex 'shell
# touch attached'). Then one line goes to the guest; once the guest has
# answered and is asleep in read() again, TOOL gets SIGINT (--sigint, strace
# detaches on it) or is waited for (gdb -batch ending with detach); then a
# second line, and end of input. Each step waits for a state (a line, a
# file, the guest's state letter in /proc), never for a time.
set -euo pipefail
sigint=0
[ "$1" = --sigint ] && { sigint=1; shift; }
events=$1; shift
[ "$1" = -- ] && shift

state() { sed -E 's/.*\) (.).*/\1/' "/proc/$1/stat"; }
wait_asleep() { until [ "$(state "$1")" = S ]; do sleep 0.01; done; }
switches() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/status"; }
guest_says() { local line; read -r line <&4; echo "guest: $line"; }

mkfifo to-guest from-guest
"$events" wait < to-guest > from-guest &
guest=$!
exec 3> to-guest 4< from-guest
guest_says
wait_asleep "$guest"

: > tool.out; : > tool.err  # before the tool starts: waited on below
before=$(switches "$guest")
"${@//@PID@/$guest}" > tool.out 2> tool.err &
tool=$!
until [ -e attached ] || grep -q '^[^ ]*: Process [0-9]* attached' tool.err; do
    sleep 0.01
done
# strace interrupts the guest's read() and restarts it under its syscall
# tracing: wait until the guest has woken and sleeps again, or the read
# may end before strace traces it (and then it is not shown).
if [ ! -e attached ]; then
    until [ "$(switches "$guest")" -gt "$before" ] && [ "$(state "$guest")" = S ]; do
        sleep 0.01
    done
fi
echo one >&3
guest_says
wait_asleep "$guest"
[ $sigint -eq 0 ] || kill -INT "$tool"
status=0
wait "$tool" || status=$?
echo "tool exit status $status"
echo "--- tool stdout"; cat tool.out
echo "--- tool stderr"; cat tool.err
echo two >&3
guest_says
exec 3>&-
guest_says
status=0
wait "$guest" || status=$?
echo "guest exit status $status"
