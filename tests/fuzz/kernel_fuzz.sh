#!/usr/bin/env bash
# kernel_fuzz.sh SRCDIR OUTDIR SECONDS: builds tests/fuzz/kernel_fuzz.c and
# the kernel model with clang -fsanitize=fuzzer,address,undefined and runs it
# for SECONDS on a copy of the seed corpus (tests/fuzz/corpus/kernel).
# Exit 77 (skipped) when clang or its libFuzzer runtime is missing, so the
# gcc build is never broken by it. A crash leaves its input in OUTDIR.
set -u
src=$1 out=$2 secs=$3
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null || { echo "no $cc: skipped"; exit 77; }
mkdir -p "$out" || exit 1
bin=$out/kernel_fuzz_libfuzzer
flags=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -D_GNU_SOURCE -I"$src/src" -g -O1 -Wall -Wextra -Werror)
if ! "$cc" "${flags[@]}" "$src/tests/fuzz/kernel_fuzz.c" \
	"$src/src/kernel/task.c" "$src/src/kernel/ptrace.c" \
	"$src/src/kernel/check.c" -o "$bin" 2>"$out/build.log"; then
	if grep -q "fuzzer" "$out/build.log" && ! grep -q "kernel_fuzz.c\|src/kernel" "$out/build.log"; then
		echo "$cc has no libFuzzer runtime: skipped"; cat "$out/build.log"; exit 77
	fi
	cat "$out/build.log"; exit 1
fi
corpus=$(mktemp -d "${TMPDIR:-/tmp}/kernel-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$corpus"' EXIT
cp "$src"/tests/fuzz/corpus/kernel/* "$corpus"/ 2>/dev/null
cd "$out" || exit 1
# libFuzzer's own exit status for a crash or a timeout is 77, which meson
# takes for "skipped": a failure must fail.
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	-error_exitcode=1 -timeout_exitcode=1 \
	-print_final_stats=1 -artifact_prefix="$out/" "$corpus"
