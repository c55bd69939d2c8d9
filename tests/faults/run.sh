#!/usr/bin/env bash
# The driver of the fault and load suites (issue 6): runs COMMAND natively
# and under ptvisor, each side in a session of its own and under a time
# limit, and checks:
#  - the transcripts, less the "figure:" lines, are identical (the host
#    kernel is the oracle; a random test prints only invariants that must
#    hold on both sides, and its varying counts as figures);
#  - the ptvisor side exits as the native side does;
#  - no process of the run is left afterwards, zombie or not: every process
#    of a side is in the side's session (ptvisor's pid is its id) or carries
#    the side's tag in its environment;
#  - with --sample, the supervisor does not leak: when the guest reaches a
#    checkpoint (it writes a name to the FIFO in $PTV_LOAD_CP and waits for
#    a byte on $PTV_LOAD_ACK), the driver samples ptvisor's descriptor count
#    and VmRSS/VmHWM; the "end" sample must have the "warm" sample's
#    descriptors and at most --rss-tolerance KiB more VmRSS. Not counted:
#    /proc files of tasks still alive, which the supervisor keeps open
#    while they live (docs/design-notes.md, 19) and opens when it first
#    needs them, at moments that depend on timing; one of a dead task is.
# The figures of both sides are printed, with each side's wall time.
#
# usage: run.sh [--native-parent PROG] [--timeout SECS] [--sample]
#               [--rss-tolerance KIB] PTVISOR COMMAND [ARG...]
# Exit status: 0 pass, 1 fail, 2 usage.
set -u

native_parent=()
limit=60
sample=false
rss_tolerance=512
while [ $# -gt 0 ]; do
	case $1 in
	--native-parent) native_parent=("$(realpath "$2")") || exit 2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--sample) sample=true; shift ;;
	--rss-tolerance) rss_tolerance=$2; shift 2 ;;
	--) shift; break ;;
	-*) sed -n '2,23p' "$0" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || { sed -n '2,23p' "$0" >&2; exit 2; }
ptvisor=$(realpath "$1") || exit 2
shift
# Paths in COMMAND survive the change of directory below.
args=()
for a in "$@"; do
	if [ -e "$a" ] && [[ $a == */* ]]; then a=$(realpath "$a"); fi
	args+=("$a")
done
set -- "${args[@]}"


tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptv-faults.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
result=0

fail() {
	echo "run.sh: FAIL: $*"
	result=1
}

# Pids of the processes of a side: in session $1, or tagged $2 (a zombie
# has no environment left, but keeps its session).
side_processes() {
	local sid=$1 tag=$2 stat rest
	for stat in /proc/[0-9]*/stat; do
		{ read -r rest <"$stat"; } 2>/dev/null || continue
		rest=${rest##*) }
		set -- $rest
		[ "$4" = "$sid" ] && { p=${stat#/proc/}; echo "${p%/stat}"; }
	done
	grep -lzxF "PTV_FAULTS_TAG=$tag" /proc/[0-9]*/environ 2>/dev/null |
		sed 's#^/proc/\([0-9]*\)/environ$#\1#'
}

# Waits up to 5 s for a side's processes to go; reports and kills the rest.
check_leftovers() {
	local side=$1 sid=$2 tag=$3 left pid i
	for i in $(seq 50); do
		left=$(side_processes "$sid" "$tag" | sort -u)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	fail "$side run left processes behind:"
	for pid in $left; do
		printf '  %s %s state %s\n' "$pid" \
			"$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" \
			"$(sed 's/.*) \(.\).*/\1/' "/proc/$pid/stat" 2>/dev/null)"
		kill -KILL "$pid" 2>/dev/null
	done
}

# count_fds PID: its descriptors, but for /proc files of live tasks.
count_fds() {
	local n=0 fd target
	for fd in "/proc/$1/fd/"*; do
		target=$(readlink "$fd") || continue
		if [[ $target =~ ^/proc/([0-9]+)/ ]] && [ -d "/proc/${BASH_REMATCH[1]}" ]; then
			continue
		fi
		n=$((n + 1))
	done
	echo "$n"
}

# sample_loop PID: answers the guest's checkpoints until killed.
sample_loop() {
	local pid=$1 name fds rss hwm
	while :; do
		read -r name <"$tmp/cp" || continue
		fds=$(count_fds "$pid")
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
		hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
		echo "$name $fds $rss $hwm" >>"$tmp/samples"
		printf x >"$tmp/ack"
	done
}

# run_side SIDE COMMAND...: one side; transcript in $tmp/SIDE.
run_side() {
	local side=$1 tag pid status watchdog sampler= start end
	shift
	tag="$$-$side-$RANDOM"
	mkdir -p "$tmp/cwd"
	start=$(date +%s.%N)
	if $sample && [ "$side" = ptvisor ]; then
		mkfifo "$tmp/cp" "$tmp/ack"
		: >"$tmp/samples"
	fi
	# Not a group leader (no job control here), so setsid(1) does not fork:
	# $! is the session's id and, on the ptvisor side, ptvisor's pid.
	(
		cd "$tmp/cwd" || exit 125
		ulimit -c 0
		if $sample && [ "$side" = ptvisor ]; then
			export PTV_LOAD_CP=$tmp/cp PTV_LOAD_ACK=$tmp/ack
		fi
		exec env PTV_FAULTS_TAG="$tag" setsid "$@"
	) </dev/null >"$tmp/$side.raw" 2>&1 &
	pid=$!
	if $sample && [ "$side" = ptvisor ]; then
		sample_loop "$pid" &
		sampler=$!
	fi
	(
		# Its own output elsewhere: a sleep left after the kill must not
		# hold the test's output open.
		sleep "$limit" </dev/null >/dev/null 2>&1
		echo "run.sh: $side run timed out after $limit s" >>"$tmp/$side.timeout"
		for p in $(side_processes "$pid" "$tag"); do kill -KILL "$p"; done
	) 2>/dev/null &
	watchdog=$!
	wait "$pid"
	status=$?
	end=$(date +%s.%N)
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	if [ -n "$sampler" ]; then
		kill "$sampler" 2>/dev/null
		wait "$sampler" 2>/dev/null
	fi
	[ -s "$tmp/$side.timeout" ] && { cat "$tmp/$side.timeout"; result=1; }
	echo "exit status: $status" >>"$tmp/$side.raw"
	grep -v '^figure:' "$tmp/$side.raw" >"$tmp/$side"
	grep '^figure:' "$tmp/$side.raw" | sed "s/^figure:/figure ($side):/"
	printf 'figure (%s): wall time %.2f s\n' "$side" "$(awk "BEGIN{print $end - $start}")"
	check_leftovers "$side" "$pid" "$tag"
}

# run_checked SIDE COMMAND...: run_side, again if the temporary directory
# vanished meanwhile. Three times in CI runs (sessions 9, 10 and 14), each
# time beside selftests-ptrace, it was gone within milliseconds of the
# native side's start (its `cd` failed, so the test never ran); nothing in
# the tests was found to remove it. In session 14 the same path, made
# again, vanished again: each retry takes a new directory. Said aloud.
run_checked() {
	local side=$1 try
	for try in 1 2 3; do
		run_side "$@"
		[ -e "$tmp/$side" ] && return
		echo "run.sh: WARNING: $tmp vanished during the $side run," \
			"removed from outside this test; the $side side runs" \
			"again in a new directory"
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptv-faults.XXXXXX") || exit 2
		[ "$side" = ptvisor ] && [ -n "${native_copy:-}" ] &&
			printf '%s' "$native_copy" >"$tmp/native"
	done
}

run_checked native "${native_parent[@]}" "$@"
# Kept in case the directory vanishes during the ptvisor side.
native_copy=$(cat "$tmp/native"; echo x)
native_copy=${native_copy%x}
run_checked ptvisor "$ptvisor" -- "$@"

if grep -qE '^(FAIL:|WATCHDOG)' "$tmp/native" ||
	! grep -q '^exit status: 0$' "$tmp/native"; then
	fail "the test failed natively:"
	cat "$tmp/native"
	exit 1
fi
if ! diff -u --label native --label ptvisor "$tmp/native" "$tmp/ptvisor"; then
	fail "the transcripts differ"
else
	echo "identical transcripts ($(wc -l <"$tmp/native") lines):"
	cat "$tmp/native"
fi

if $sample; then
	echo "supervisor samples (checkpoint, descriptors, VmRSS KiB, VmHWM KiB):"
	sed 's/^/  /' "$tmp/samples"
	read -r _ warm_fds warm_rss _ < <(grep '^warm ' "$tmp/samples")
	read -r _ end_fds end_rss end_hwm < <(grep '^end ' "$tmp/samples")
	if [ -z "${warm_fds:-}" ] || [ -z "${end_fds:-}" ]; then
		fail "no warm and end samples"
	else
		echo "figure (ptvisor): descriptors $warm_fds -> $end_fds," \
			"VmRSS $warm_rss -> $end_rss KiB (tolerance +$rss_tolerance)," \
			"VmHWM $end_hwm KiB"
		[ "$end_fds" -eq "$warm_fds" ] ||
			fail "supervisor descriptors grew: $warm_fds -> $end_fds"
		[ "$end_rss" -le $((warm_rss + rss_tolerance)) ] ||
			fail "supervisor VmRSS grew: $warm_rss -> $end_rss KiB"
	fi
fi
exit $result
