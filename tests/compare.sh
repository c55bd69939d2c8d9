#!/usr/bin/env bash
# Runs a guest scenario natively and under ptvisor and diffs the transcripts
# (DESIGN.md, "Testing: the host kernel is the oracle").
#
# usage: compare.sh [OPTIONS] PTVISOR SCENARIO [ARG...]
#   --stdin FILE     the scenario's standard input (default /dev/null)
#   --setup SHELL    shell code run before each side starts (umask, ulimit,
#                    extra descriptors such as 'exec 3<FILE', trap '' SIG)
#   --wrap WORD      put WORD in front of the command on both sides, before
#                    ptvisor (repeatable: a wrapper that sets up state the
#                    guest must inherit and then execs the rest)
#   --native-parent PROG
#                    the native side runs PROG SCENARIO... (tests/lib/
#                    native-parent, which stands where ptvisor stands, so
#                    both sides have the same process tree), and both sides
#                    run under PROG --reaper, a subreaper outside their
#                    session that reaps their orphans at once; default:
#                    native-parent beside SCENARIO, if there is one
#   --timeout SECS   per side (default 40)
#   --keep DIR       keep the transcripts in DIR
#   --depth N        ptvisor inside ptvisor, N levels (default 1); the
#                    native side has N levels of the native parent
#   --ptvisor-opt OPT  give ptvisor option OPT (repeatable), at each level
#
# Each side runs in a fresh session (setsid), in the same fresh working
# directory, under timeout(1) and the reaper, with stdout and stderr captured
# together and the exit status appended. The transcripts are normalised (addresses, the
# temporary directory's name) and must be identical. Afterwards no process of
# the run may be left: every process the run started carries PTV_COMPARE_TAG
# in its environment, and /proc is searched for it.
#
# Exit status: 0 identical, 1 different, a process was left behind or the
# native run failed (a FAIL: or WATCHDOG line, exit status 124 to 127),
# 2 usage error.
set -u

usage() {
	sed -n '5,23p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

stdin=/dev/null
setup=:
wrap=()
limit=40
keep=
depth=1
ptvisor_opts=()
native_parent=()
while [ $# -gt 0 ]; do
	case $1 in
	--stdin) stdin=$2; shift 2 ;;
	--setup) setup=$2; shift 2 ;;
	--wrap)
		# A program named by a relative path must survive the cd below.
		if [ -e "$2" ] && [[ $2 == */* ]]; then
			wrap+=("$(realpath "$2")")
		else
			wrap+=("$2")
		fi
		shift 2 ;;
	--native-parent) native_parent=("$(realpath "$2")") || exit 2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--depth) depth=$2; shift 2 ;;
	--ptvisor-opt) ptvisor_opts+=("$2"); shift 2 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
ptvisor=$(realpath "$1") || exit 2
scenario=$(realpath "$2") || exit 2
shift 2
if [ ${#native_parent[@]} -eq 0 ] && [ -x "$(dirname "$scenario")/native-parent" ]; then
	native_parent=("$(dirname "$scenario")/native-parent")
fi

reaper=()
[ ${#native_parent[@]} -gt 0 ] && reaper=("${native_parent[@]}" --reaper)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptv-compare.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
work=$tmp/cwd
tag="$$-$(basename "$scenario")-$RANDOM"

# Tids of live tasks (not zombies: their environment is gone) whose
# environment holds our tag: each process's leader, and each thread, found
# under its process (a live thread of a zombie leader, stopped for its
# group, is a process left behind too; /proc lists no thread at its top).
tagged_processes() {
	grep -lzxF "PTV_COMPARE_TAG=$tag" /proc/[0-9]*/environ \
		/proc/[0-9]*/task/[0-9]*/environ 2>/dev/null |
		sed 's#^.*/\([0-9]*\)/environ$#\1#' | sort -un
}

# Waits up to 5 s for the run's processes to go; reports and kills the rest.
check_leftovers() {
	local side=$1 left pid i
	for i in $(seq 50); do
		left=$(tagged_processes)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "compare.sh: $side run left processes behind:"
	for pid in $left; do
		printf '  %s %s state %s\n' "$pid" \
			"$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" \
			"$(sed 's/.*) \(.\).*/\1/' "/proc/$pid/stat" 2>/dev/null)"
		kill -KILL "$pid" 2>/dev/null
	done
	return 1
}

# run SIDE COMMAND...: one side, transcript in $tmp/SIDE.
run_side() {
	local side=$1 status
	shift
	rm -rf "$work"
	mkdir "$work"
	(
		cd "$work" || exit 125
		ulimit -c 0
		eval "$setup"
		exec "${reaper[@]}" env PTV_COMPARE_TAG="$tag" \
			timeout -k 5 "$limit" setsid -w "${wrap[@]}" "$@"
	) <"$stdin" >"$tmp/out" 2>&1
	status=$?
	# Both sides write to the same name: a guest may print where it writes.
	mv "$tmp/out" "$tmp/$side.raw"
	[ $status -eq 124 ] && echo "compare.sh: $side run timed out" >>"$tmp/$side.raw"
	echo "exit status: $status" >>"$tmp/$side.raw"
	sed -E -e 's/0x[0-9a-f]{6,16}/0xADDR/g' \
		-e "s/PTV_COMPARE_TAG=$tag/PTV_COMPARE_TAG=TAG/g" \
		-e "s|$tmp|TMP|g" \
		"$tmp/$side.raw" >"$tmp/$side"
	check_leftovers "$side" >>"$tmp/$side.leftovers"
}

native_levels=() inside_levels=()
for ((level = 0; level < depth; level++)); do
	native_levels+=("${native_parent[@]}")
	inside_levels+=("$ptvisor" "${ptvisor_opts[@]}" --)
done
run_side native "${native_levels[@]}" "$scenario" "$@"
run_side ptvisor "${inside_levels[@]}" "$scenario" "$@"

if [ -n "$keep" ]; then
	mkdir -p "$keep" && cp "$tmp/native" "$tmp/ptvisor" "$keep/"
fi
result=0
# A scenario that fails natively proves nothing about ptvisor.
native_status=$(sed -n 's/^exit status: //p' "$tmp/native")
if grep -qE '^(FAIL:|WATCHDOG)' "$tmp/native" ||
	{ [ "$native_status" -ge 124 ] && [ "$native_status" -le 127 ]; }; then
	echo "compare.sh: the scenario failed natively (exit status $native_status):"
	cat "$tmp/native"
	exit 1
fi
if ! diff -u --label native --label ptvisor "$tmp/native" "$tmp/ptvisor"; then
	result=1
else
	echo "identical transcripts ($(wc -l <"$tmp/native") lines):"
	cat "$tmp/native"
fi
for side in native ptvisor; do
	if [ -s "$tmp/$side.leftovers" ]; then
		cat "$tmp/$side.leftovers"
		result=1
	fi
done
exit $result
