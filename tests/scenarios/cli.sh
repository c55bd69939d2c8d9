#!/usr/bin/env bash
# The command line of ptvisor: options, usage errors, exit statuses, logs.
# usage: cli.sh PTVISOR
# Prints one "ok" or "not ok" line per check; exits 1 if any check failed.
set -u

ptvisor=$(realpath "$1") || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptv-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
failures=0

# run [ARG...]: runs ptvisor with a timeout; sets $status, $out, $err.
run() {
	timeout -k 5 30 "$ptvisor" "$@" >out 2>err </dev/null
	status=$?
	out=$(cat out)
	err=$(cat err)
}

# check DESCRIPTION CONDITION...: one result line.
check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		echo "#   status $status"
		echo "#   stdout: ${out:0:500}"
		echo "#   stderr: ${err:0:500}"
		failures=$((failures + 1))
	fi
}

is() { [ "$1" = "$2" ]; }
has() { [[ $1 == *"$2"* ]]; }
matches() { [[ $1 =~ $2 ]]; }
not() { ! "$@"; }

for opt in --help -h; do
	run "$opt"
	check "$opt: exit 0" is "$status" 0
	check "$opt: usage on stdout" has "$out" "Usage: ptvisor"
	check "$opt: nothing on stderr" is "$err" ""
done

for opt in --version -V; do
	run "$opt"
	check "$opt: exit 0" is "$status" 0
	check "$opt: 'ptvisor VERSION' on stdout" matches "$out" '^ptvisor [0-9]+\.[0-9]+'
done

run --bogus true
check "unknown option: exit 2" is "$status" 2
check "unknown option: named on stderr" has "$err" "--bogus"
check "unknown option: points to --help" has "$err" "--help"
check "unknown option: nothing on stdout" is "$out" ""

run
check "no COMMAND: exit 2" is "$status" 2
check "no COMMAND: a message on stderr" matches "$err" 'COMMAND|command'

run --
check "only --: exit 2" is "$status" 2

run --log
check "--log without FILE: exit 2" is "$status" 2

run /nonexistent/program
check "nonexistent command: exit 127" is "$status" 127
check "nonexistent command: named on stderr" has "$err" "/nonexistent/program"

run no-such-program-in-path-ptv
check "command not in PATH: exit 127" is "$status" 127

printf '#!/bin/sh\necho never\n' >not-executable
chmod 644 not-executable
run ./not-executable
check "non-executable file: exit 126" is "$status" 126
check "non-executable file: named on stderr" has "$err" "not-executable"

mkdir directory
run ./directory
check "a directory: exit 126" is "$status" 126

for code in 0 1 7 255; do
	run sh -c "exit $code"
	check "exit $code: exit status $code" is "$status" "$code"
done

run sh -c 'kill -SEGV $$'
check "death by SIGSEGV: 139" is "$status" 139
run sh -c 'kill -KILL $$'
check "death by SIGKILL: 137" is "$status" 137
run sh -c 'kill -TERM $$'
check "death by SIGTERM: 143" is "$status" 143

run -- sh -c 'echo "$@"' sh -v --help -- x
check "arguments after COMMAND are COMMAND's" is "$out" "-v --help -- x"
run printf '%s\n' --version
check "options after COMMAND are not ptvisor's" is "$out" "--version"

echo "from stdin" >input
timeout -k 5 30 "$ptvisor" cat <input >out 2>err
status=$? out=$(cat out) err=$(cat err)
check "stdin reaches the guest" is "$out" "from stdin"

run --log log.txt sh -c 'echo guest output'
check "--log: exit 0" is "$status" 0
check "--log: the guest's output untouched" is "$out" "guest output"
check "--log: nothing on stderr" is "$err" ""
check "--log: the log names PTRACE_EVENT_EXEC" grep -q PTRACE_EVENT_EXEC log.txt
check "--log: the log records the exit" grep -qi "exit" log.txt

run -o log2.txt true
check "-o: writes the log" grep -q PTRACE_EVENT_EXEC log2.txt

run -v sh -c 'echo guest output'
check "-v: exit 0" is "$status" 0
check "-v: the guest's output untouched" is "$out" "guest output"
check "-v: the log on stderr" has "$err" "PTRACE_EVENT_EXEC"

run -v --log log3.txt true
check "-v --log: the log goes to the file" grep -q PTRACE_EVENT_EXEC log3.txt

run --log /nonexistent/dir/log true
check "--log to an unwritable place: exit 125" is "$status" 125
check "--log to an unwritable place: a message" has "$err" "/nonexistent/dir/log"

# --proc-view (docs/design-notes.md, 34): the view's directory, in TMPDIR
# here, holds a copy during an open only, and goes when ptvisor ends.
mkdir views
TMPDIR=$tmp/views run --proc-view sh -c 'grep TracerPid /proc/self/status; ls $TMPDIR/*'
check "--proc-view: exit 0" is "$status" 0
# (ls lists the directory: its name would be on stderr if it were not
# there, the name of a file left in it on stdout.)
check "--proc-view: TracerPid 0, the directory there and empty" \
	is "$out" $'TracerPid:\t0'
check "--proc-view: nothing on stderr" is "$err" ""
check "--proc-view: the directory gone at the end" is "$(ls views)" ""
run --help
check "--help names --proc-view" has "$out" "--proc-view"

# Co-location (docs/design-notes.md, 24): a tracer and a tracee taking short
# turns share one CPU; a tracee that then computes (a shell loop: no
# syscalls) is let go by the tick-driven check while it runs.
run --no-colocate true
check "--no-colocate: exit 0" is "$status" 0
busy='i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo computed'
if command -v strace >/dev/null && [ "$(nproc)" -gt 1 ]; then
	run --log coloc.txt strace -f -o /dev/null sh -c "$busy"
	check "co-location: the traced program runs" is "$out" "computed"
	check "co-location: tracer and tracee pinned" \
		test "$(grep -c 'co-located on CPU' coloc.txt)" -ge 2
	check "co-location: a computing tracee let go while it runs" \
		grep -q 'let go (computes)' coloc.txt
	check "co-location: ends with the trace" grep -q 'co-location ends' coloc.txt
	run --no-colocate --log nocoloc.txt strace -f -o /dev/null sh -c "$busy"
	check "--no-colocate: the traced program runs" is "$out" "computed"
	check "--no-colocate: nothing pinned" not grep -q 'co-located' nocoloc.txt
else
	echo "ok - co-location checks skipped: no strace, or one CPU # SKIP"
fi

echo "# $failures check(s) failed"
[ "$failures" -eq 0 ]
