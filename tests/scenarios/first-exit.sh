#!/usr/bin/env bash
# What ptvisor does when the first guest exits while others still run:
# by default it kills them all (each is dead when ptvisor exits; the zombie
# of one whose parent is gone is for the reaper above ptvisor, init or a
# subreaper, as natively: ptvisor is no subreaper) and exits with the first
# guest's status; with --wait-all it waits for every guest, and still exits with the
# first guest's status. Not a native comparison: natively nobody kills the
# others. No guest may be left behind in either mode.
# usage: first-exit.sh PTVISOR
# Prints one "ok" or "not ok" line per check; exits 1 if any check failed.
set -u

ptvisor=$(realpath "$1") || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptv-first-exit.XXXXXX") || exit 2
cd "$tmp" || exit 2
tag="first-exit-$$-$RANDOM"
failures=0
ptv_pid=

cleanup() {
	local pid
	[ -n "$ptv_pid" ] && kill -KILL "$ptv_pid" 2>/dev/null
	for pid in $(tagged); do
		kill -KILL "$pid" 2>/dev/null
	done
	cd / && rm -rf "$tmp"
}
trap cleanup EXIT

# Live processes started by this test (their environment holds the tag).
tagged() {
	grep -lzxF "PTV_FIRST_EXIT_TAG=$tag" /proc/[0-9]*/environ 2>/dev/null |
		sed 's#^/proc/\([0-9]*\)/environ$#\1#'
}

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		failures=$((failures + 1))
	fi
}

is() { [ "$1" = "$2" ]; }
gone() { [ ! -e "/proc/$1" ]; }
dead() { gone "$1" || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
absent() { [ ! -e "$1" ]; }
contains() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }
none_left() { [ -z "$(tagged)" ]; }

# Polls (up to 10 s) until the command succeeds; a condition, not an order.
await() {
	local i
	for i in $(seq 1000); do
		"$@" && return 0
		sleep 0.01
	done
	return 1
}

# start [OPTION...] -- SHELL-CODE: ptvisor runs sh -c SHELL-CODE in the
# background, tagged; $ptv_pid is ptvisor.
start() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	rm -f first.pid bg.pid late.txt
	PTV_FIRST_EXIT_TAG=$tag timeout -k 5 30 "$ptvisor" "${opts[@]}" -- sh -c "$1" \
		</dev/null >out 2>err &
	ptv_pid=$!
}

finish() {
	wait "$ptv_pid"
	status=$?
	ptv_pid=
}

rm -f fifo && mkfifo fifo

# A background guest that would write late.txt once released through the
# FIFO (its open blocks until then), and exit 5.
background='(read x <fifo; echo late >late.txt; exit 5) & echo $! >bg.pid'

echo "# default: the others are killed"
start -- "echo \$\$ >first.pid; $background; exit 3"
finish
check "exit status is the first guest's (3)" is "$status" 3
check "the background guest is dead" dead "$(cat bg.pid)"
check "it never wrote" absent late.txt
check "no process left" none_left

echo "# --wait-all: ptvisor waits for the others"
start --wait-all -- "echo \$\$ >first.pid; $background; exit 3"
await test -s bg.pid
check "the first guest exits and is reaped" await gone "$(cat first.pid)"
check "ptvisor still runs" alive "$ptv_pid"
check "the background guest still runs" alive "$(cat bg.pid)"
echo go >fifo
finish
check "the background guest wrote after the first guest's exit" contains late.txt late
check "exit status is still the first guest's (3, not 5)" is "$status" 3
check "no process left" none_left

echo "# --wait-all: the first guest killed by a signal"
start --wait-all -- "echo \$\$ >first.pid; $background; kill -KILL \$\$"
await test -s bg.pid
check "the first guest is gone" await gone "$(cat first.pid)"
echo go >fifo
finish
check "exit status 128+9" is "$status" 137
check "the background guest wrote" contains late.txt late

echo "# default: a stopped guest is killed too"
start -- 'sleep 1000 & echo $! >bg.pid; kill -STOP $!; exit 4'
finish
check "exit status 4" is "$status" 4
check "the stopped guest is dead" dead "$(cat bg.pid)"
check "no process left" none_left

echo "# default: an orphaned grandchild is killed too"
start -- '(sleep 1000 & echo $! >bg.pid); exit 6'
finish
check "exit status 6" is "$status" 6
check "the orphan is dead" dead "$(cat bg.pid)"
check "no process left" none_left

echo "# default: the first guest killed by a signal"
start -- 'sleep 1000 & echo $! >bg.pid; kill -SEGV $$'
finish
check "exit status 128+11" is "$status" 139
check "the other guest is dead" dead "$(cat bg.pid)"
check "no process left" none_left

echo "# $failures check(s) failed"
[ "$failures" -eq 0 ]
