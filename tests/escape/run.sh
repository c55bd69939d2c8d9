#!/usr/bin/env bash
# Runs one escape attempt (escape.c) under ptvisor, and natively to show
# that its checks can fail (README.md in this directory).
#
# usage: run.sh [OPTIONS] PTVISOR NATIVE-PARENT ESCAPE CASE
#   --as-nobody      run ptvisor (natively: native-parent) as uid 65534
#   --guest-nobody   the attempt drops to uid 65534 before it starts
#   --victim-nobody  the unrelated process runs as uid 65534 (default: ours)
#   --native MODE    what the native run must report: "escaped" (the
#                    attempt's checks fail without ptvisor: they can fail),
#                    "blocked" (the host refuses it too: same errors),
#                    "escaped-if-present" (an entry point this kernel may
#                    lack: "escaped" where it has it, "blocked" where the
#                    attempt reports it "entry point absent"), or
#                    "skip" (not run natively)
#   --killed         the attempt kills the supervisor: ptvisor must die of
#                    SIGKILL and leave no guest behind (natively a guest
#                    outlives its parent)
#   --timeout SECS   per run (default 30)
#
# An unrelated process (sleep, in a session of its own) is started outside
# ptvisor for each run; its pid is the attempt's VICTIM. Under ptvisor the attempt must print
# "RESULT: BLOCKED" and exit 0, every "EXPECT-LOG: RE" line it prints must
# match a line of the supervisor's log, and no process of the run may be
# left. Exit status 0 when all holds, 1 otherwise, 2 on usage errors.
set -u

usage() {
	sed -n '5,18p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

as=()
guest_as=()
victim_as=()
native=escaped
killed=false
limit=30
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
while [ $# -gt 0 ]; do
	case $1 in
	--as-nobody) as=("${nobody[@]}"); shift ;;
	--guest-nobody) guest_as=(nobody); shift ;;
	--victim-nobody) victim_as=("${nobody[@]}"); shift ;;
	--native) native=$2; shift 2 ;;
	--killed) killed=true; shift ;;
	--timeout) limit=$2; shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 4 ] || usage
ptvisor=$(realpath "$1") || exit 2
native_parent=$(realpath "$2") || exit 2
escape=$(realpath "$3") || exit 2
case_name=$4

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptv-escape.XXXXXX") || exit 2
chmod 755 "$tmp"
victim=
cleanup() {
	[ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null && wait "$victim" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Pids of live processes whose environment holds @1.
tagged_processes() {
	grep -lzxF "PTV_ESCAPE_TAG=$1" /proc/[0-9]*/environ 2>/dev/null |
		sed 's#^/proc/\([0-9]*\)/environ$#\1#'
}

# Waits up to 5 s for the run's processes to go; lists and kills the rest.
# Returns 1 if some were left.
leftovers() {
	local tag=$1 left pid i
	for i in $(seq 50); do
		left=$(tagged_processes "$tag")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	for pid in $left; do
		printf '  left behind: %s %s (TracerPid %s)\n' "$pid" \
			"$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" \
			"$(sed -n 's/^TracerPid:\t//p' "/proc/$pid/status" 2>/dev/null)"
		kill -KILL "$pid" 2>/dev/null
	done
	return 1
}

# run SIDE COMMAND...: one run with a fresh victim; output in $tmp/SIDE,
# status in $status, leftovers noted in $left (true/false).
run() {
	local side=$1 tag
	shift
	rm -rf "$tmp/cwd"
	mkdir -m 777 "$tmp/cwd"
	# In a session of its own: SIGCONT may be sent to any process of the
	# sender's session (kernel/signal.c:check_kill_permission()).
	setsid "${victim_as[@]}" sleep 1000 &
	victim=$!
	# Until setpriv has exec'd sleep, the victim is not dumpable (it just
	# changed its uid), and attaching it fails natively too.
	for _ in $(seq 500); do
		[ "$(cat "/proc/$victim/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.01
	done
	tag="$$-$side-$RANDOM"
	(
		cd "$tmp/cwd" || exit 125
		ulimit -c 0
		exec env PTV_ESCAPE_TAG="$tag" timeout -k 5 "$limit" \
			"${as[@]}" "$@" "$escape" "$case_name" "$victim" "$$" \
			"${guest_as[@]}"
	) >"$tmp/$side" 2>&1 </dev/null
	status=$?
	left=false
	leftovers "$tag" >>"$tmp/$side" || left=true
	echo "exit status: $status" >>"$tmp/$side"
	kill -KILL "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	victim=
}

result=0
fail() {
	echo "FAIL: $*"
	result=1
}

if [ "$native" != skip ]; then
	run native "$native_parent"
	if [ "$native" = escaped-if-present ]; then
		if grep -q 'entry point absent' "$tmp/native"; then
			native=blocked
		else
			native=escaped
		fi
	fi
	echo "--- native run (must report: $native)"
	cat "$tmp/native"
	native_escaped=false
	if grep -q '^ESCAPED' "$tmp/native" || $left; then
		native_escaped=true
	fi
	if grep -qE '^(FAIL|WATCHDOG)' "$tmp/native"; then
		fail "the attempt failed natively"
	elif [ "$native" = escaped ] && ! $native_escaped; then
		fail "natively the attempt was not reported as an escape: its checks cannot fail"
	elif [ "$native" = blocked ] && { $native_escaped || ! grep -q '^RESULT: BLOCKED' "$tmp/native"; }; then
		fail "natively the host does not refuse the attempt as documented"
	fi
fi

run ptvisor "$ptvisor" -o "$tmp/cwd/ptvisor.log" --
echo "--- under ptvisor (must report: blocked)"
cat "$tmp/ptvisor"
if grep -q '^ESCAPED' "$tmp/ptvisor"; then
	fail "the attempt got through under ptvisor"
fi
if $left; then
	fail "processes of the run were left behind (untraced survivors)"
fi
if $killed; then
	[ "$status" -eq 137 ] || fail "ptvisor's status is $status, not 137 (killed by SIGKILL)"
elif [ "$status" -ne 0 ] || ! grep -q '^RESULT: BLOCKED' "$tmp/ptvisor"; then
	fail "no RESULT: BLOCKED with status 0"
fi
while IFS= read -r re; do
	if ! grep -qE "$re" "$tmp/cwd/ptvisor.log" 2>/dev/null; then
		fail "the supervisor's log has no line matching: $re"
	else
		echo "log: $(grep -E "$re" "$tmp/cwd/ptvisor.log" | head -1)"
	fi
done < <(sed -n 's/^EXPECT-LOG: //p' "$tmp/ptvisor")
exit $result
