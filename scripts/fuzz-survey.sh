#!/usr/bin/env bash
# Runs ptfuzz on many seeds, natively and inside ptvisor (tests/compare.sh),
# and records each seed's result: a survey for differences, not a test.
#
#   scripts/fuzz-survey.sh [-j N] [-b BUILD_DIR] OUTDIR STEPS MODE SEED...
#
# MODE: normal, events (ptfuzz's events mode), pidns and pidns-events (in a
# pid namespace of its own: unshare -Urpf --mount-proc), procview and
# procview-events (ptvisor --proc-view), nested and nested-events (ptvisor
# inside ptvisor). The binaries are copied first, so the build may change
# while the survey runs. OUTDIR/results gets "SEED rc=N" lines (0: the
# transcripts match; 1: they differ, or the native run failed: see
# OUTDIR/SEED/compare.out, kept with both transcripts); the seeds run N at
# a time (default 2).
set -euo pipefail

jobs=2 build=build
while getopts 'j:b:' opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	b) build=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 4 ]; then
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
fi
out=$1 steps=$2 mode=$3
shift 3
case $mode in
normal | events | pidns | pidns-events | procview | procview-events | \
	nested | nested-events) ;;
*)
	echo "fuzz-survey.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
cp "$build/ptvisor" "$build/tests/fuzz/ptfuzz" \
	"$build/tests/ptrace/ptrace-native-parent" "$root/tests/compare.sh" "$bin/"

one() {
	local seed=$1 dir rc
	local args=() pre=()
	local fz=("$seed" "$steps")

	case $mode in
	*events) fz+=(events) ;;
	esac
	case $mode in
	pidns*) pre=("$(command -v unshare)" -Urpf --mount-proc) ;;
	procview*) args=(--ptvisor-opt --proc-view) ;;
	nested*) args=(--depth 2) ;;
	esac
	dir=$out/$seed
	rm -rf "$dir"
	mkdir -p "$dir"
	rc=0
	"$bin/compare.sh" --timeout 150 --keep "$dir" "${args[@]}" \
		--native-parent "$bin/ptrace-native-parent" "$bin/ptvisor" \
		"${pre[@]}" "$bin/ptfuzz" "${fz[@]}" > "$dir/compare.out" 2>&1 ||
		rc=$?
	echo "$seed rc=$rc" >> "$out/results"
	if [ "$rc" = 0 ]; then rm -rf "$dir"; fi
}
export -f one
export out steps mode bin
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'one {}'
sort -n "$out/results" -o "$out/results"
awk '{ n[$2]++ } END { for (r in n) printf "%s: %d\n", r, n[r] }' \
	"$out/results"
