#!/bin/bash
# The Linux kernel's ptrace selftests (tools/testing/selftests/ptrace), run
# natively and under ptvisor: every subtest that passes natively must pass
# under ptvisor (the host kernel is the oracle).
#
# usage: run.sh [PTVISOR [CACHE_DIR]]
#   PTVISOR    default build/ptvisor
#   CACHE_DIR  where the sources are extracted, built and the outputs kept
#              (default: tests/selftests/cache beside PTVISOR's build dir)
#
# The sources come from Debian's linux-source-6.1 package, installed here
# with apt-get when it is missing; only the ptrace selftests, the kselftest
# headers and the uapi ptrace.h that their Makefile puts on the quote path
# are extracted from /usr/src/linux-source-6.1.tar.xz, into CACHE_DIR,
# never into the source tree. Each test is built as its Makefile builds it
# (gcc -std=c99 -pthread -Wall -iquote include/uapi) and run, natively then
# under PTVISOR, under timeout(1).
#
# Results: a kselftest/TAP test has one result per "ok N" / "not ok N" line
# ("# SKIP" is a skip; a subtest of the "1..N" plan with no line, after a
# crash or a timeout, is "missing"); a test that prints no TAP has a single
# result from its exit status (0 pass, 4 skip, 124 timeout, else fail).
#
# Exit status: 0 every natively passing subtest passes under ptvisor,
# 1 some does not (or a test did not build), 77 linux-source-6.1 could not be
# installed (no network, no root), 2 usage error.
set -u

PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
TOP=linux-source-6.1
SELFTESTS=tools/testing/selftests
LIMIT=${PTV_SELFTEST_TIMEOUT:-75} # per run; the harness allows 30 s a subtest
# Tests of later kernels that this package may lack: name, first release.
LATER_TESTS="get_set_sud:6.3 set_syscall_info:6.16"

case "${1:-}" in -h|--help) sed -n '6,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
ptvisor=$(realpath -e "${1:-build/ptvisor}") || { echo "run.sh: no ptvisor at ${1:-build/ptvisor}" >&2; exit 2; }
cache=${2:-$(dirname "$ptvisor")/tests/selftests/cache}
mkdir -p "$cache" && cache=$(realpath "$cache")

# --- 1. The package ---------------------------------------------------------

install_package() {
	local sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo="sudo -n"
		else
			echo "SKIP: $PKG is not installed and installing it needs root (no sudo)"
			return 1
		fi
	fi
	echo "installing $PKG with apt-get (about 140 MB)..."
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get install -y -qq "$PKG" >"$cache/apt.log" 2>&1 && return 0
	# The package lists may be stale (a security update replaced the version).
	$sudo apt-get update -qq >>"$cache/apt.log" 2>&1
	$sudo apt-get install -y -qq "$PKG" >>"$cache/apt.log" 2>&1 && return 0
	echo "SKIP: apt-get could not install $PKG (no network or no package source?);"
	echo "      the kernel's ptrace selftests were NOT run. apt-get said:"
	tail -n 5 "$cache/apt.log" | sed 's/^/      /'
	return 1
}

if [ ! -f "$TARBALL" ]; then
	install_package || exit 77
	[ -f "$TARBALL" ] || { echo "SKIP: $PKG is installed but $TARBALL is missing"; exit 77; }
fi
echo "sources: $TARBALL ($(dpkg-query -W -f='${Package} ${Version}' "$PKG" 2>/dev/null))"

# --- 2. Extraction (once per tarball) ----------------------------------------

src=$cache/src
stamp="$(stat -c '%s %Y' "$TARBALL")"
if [ "$(cat "$src/.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "extracting $SELFTESTS/ptrace and the kselftest headers into $src..."
	rm -rf "$src" && mkdir -p "$src"
	if ! tar -xJf "$TARBALL" -C "$src" --strip-components=1 --wildcards \
		"$TOP/$SELFTESTS/ptrace/*" "$TOP/$SELFTESTS/kselftest*.h" \
		"$TOP/include/uapi/linux/ptrace.h"; then
		echo "FAIL: could not extract the selftests from $TARBALL"
		exit 1
	fi
	echo "$stamp" >"$src/.stamp"
fi
dir=$src/$SELFTESTS/ptrace
echo "in $SELFTESTS/ptrace: $(cd "$dir" && ls -- *.c | tr '\n' ' ')"

# The programs its Makefile builds (TEST_GEN_PROGS).
tests=$(sed -n 's/^TEST_GEN_PROGS *+\{0,1\}:\{0,1\}= *//p' "$dir/Makefile" | tr '\n' ' ')
for later in $LATER_TESTS; do
	name=${later%%:*}
	[ -f "$dir/$name.c" ] ||
		echo "not in $PKG: $name.c (it arrived in Linux ${later#*:}); not run"
done

# --- 3. Build -----------------------------------------------------------------

bin=$cache/bin out=$cache/out
rm -rf "$bin" "$out" && mkdir -p "$bin" "$out"
built=""
status=0
for t in $tests; do
	# In its directory, as make builds it: the harness's messages name "$t.c".
	if (cd "$dir" && gcc -std=c99 -pthread -Wall -iquote "$src/include/uapi" \
		-o "$bin/$t" "$t.c") >"$out/$t.build.log" 2>&1; then
		built="$built $t"
	else
		echo "FAIL: $t does not build:"
		sed 's/^/    /' "$out/$t.build.log"
		status=1
	fi
done

# --- 4. Runs -----------------------------------------------------------------

# run SIDE TEST: output in $out/TEST.SIDE, exit status appended to $out/TEST.SIDE.rc
run() {
	local side=$1 t=$2 start end
	start=$(date +%s.%N)
	if [ "$side" = native ]; then
		(cd "$bin" && exec timeout -k 5 "$LIMIT" "./$t") </dev/null >"$out/$t.$side" 2>&1
	else
		(cd "$bin" && exec timeout -k 5 "$LIMIT" "$ptvisor" -- "./$t") </dev/null >"$out/$t.$side" 2>&1
	fi
	echo $? >"$out/$t.$side.rc"
	end=$(date +%s.%N)
	printf '  %-18s %-8s exit %3s  %5.1f s\n' "$t" "$side" "$(cat "$out/$t.$side.rc")" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
}

echo "running each test natively and under $ptvisor (timeout ${LIMIT} s each):"
for t in $built; do
	run native "$t"
	run ptvisor "$t"
done

# results FILE RC: one "N<TAB>name<TAB>result" line per subtest
results() {
	awk -v rc="$2" '
	function verdict() {
		if (rc == 0) return "pass"
		if (rc == 4) return "skip"
		if (rc == 124 || rc == 137) return "timeout"
		return "fail(exit " rc ")"
	}
	/^1\.\.[0-9]+/ { tap = 1; plan = substr($1, 4) + 0; next }
	/^(not )?ok [0-9]+/ {
		tap = 1
		neg = ($1 == "not"); n = neg ? $3 : $2
		name = $0; sub(/^(not )?ok [0-9]+ */, "", name)
		r = neg ? "fail" : "pass"
		if (name ~ /# *SKIP/) r = "skip"
		else if (name ~ /# *XFAIL/) r = "xfail"
		sub(/ *#.*/, "", name)
		if (name == "") name = "#" n
		res[n] = r; nm[n] = name
		if (n > max) max = n
		next
	}
	END {
		if (!tap) { print 1 "\t-\t" verdict(); exit }
		if (plan > max) max = plan
		for (i = 1; i <= max; i++)
			if (i in res) print i "\t" nm[i] "\t" res[i]
			else print i "\t#" i "\tmissing"
	}' "$1"
}

# summary FILE RC: the test's own closing line, or its exit status
summary() {
	local line
	line=$(grep -E '^# (PASSED|FAILED)' "$1" | tail -n 1 | sed 's/^# //')
	[ -n "$line" ] || line=$(grep -E '^(PASS|FAIL)' "$1" | tail -n 1)
	echo "${line:-no summary} (exit $2)"
}

# subtest_lines FILE NAME: what the harness printed for one subtest
subtest_lines() {
	awk -v name="$2" '
	$0 ~ "^#  RUN +" name " " { on = 1 }
	on { print "    " $0 }
	on && /^(not )?ok [0-9]+/ { exit }' "$1"
}

# reason FILE NAME: why a subtest failed, in the harness's words
reason() {
	local r=""
	[ "$2" != - ] &&
		r=$(subtest_lines "$1" "$2" | grep -E 'terminated by|Expected' | head -n 1 |
			sed -E 's/^ *# *//')
	echo "${r:-it fails}"
}

echo
printf '%-18s %-24s %-10s %-10s %s\n' test subtest native ptvisor ""
printf '%-18s %-24s %-10s %-10s %s\n' ---- ------- ------ ------- ""
diffs=""
for t in $built; do
	nrc=$(cat "$out/$t.native.rc") prc=$(cat "$out/$t.ptvisor.rc")
	results "$out/$t.native" "$nrc" >"$out/$t.native.res"
	results "$out/$t.ptvisor" "$prc" >"$out/$t.ptvisor.res"
	while IFS=$'\t' read -r n name nres; do
		pres=$(awk -F'\t' -v n="$n" '$1 == n { print $3 }' "$out/$t.ptvisor.res")
		pres=${pres:-missing}
		mark=""
		if [ "$nres" = pass ] && [ "$pres" != pass ]; then
			mark="<- DIFFERENCE"
			diffs="$diffs $t:$n:$name"
		elif [ "$nres" != pass ] && [ "$nres" != skip ]; then
			mark="(not compared: natively $(reason "$out/$t.native" "$name"))"
		fi
		printf '%-18s %-24s %-10s %-10s %s\n' "$t" "$name" "$nres" "$pres" "$mark"
	done <"$out/$t.native.res"
	printf '%-18s %-24s %s | %s\n' "" "(summary)" \
		"$(summary "$out/$t.native" "$nrc")" "$(summary "$out/$t.ptvisor" "$prc")"
done

if [ -n "$diffs" ]; then
	status=1
	echo
	echo "Subtests that pass natively and not under ptvisor:"
	for d in $diffs; do
		t=${d%%:*} rest=${d#*:} name=${d#*:*:}
		echo "--- $t, subtest ${rest%%:*} ($name)"
		if [ "$name" = - ]; then
			echo "  native:";  sed 's/^/    /' "$out/$t.native"
			echo "  ptvisor:"; sed 's/^/    /' "$out/$t.ptvisor"
		else
			echo "  native:";  subtest_lines "$out/$t.native" "$name"
			echo "  ptvisor:"; subtest_lines "$out/$t.ptvisor" "$name"
		fi
	done
fi
echo
echo "outputs: $out"
if [ "$status" -eq 0 ]; then
	echo "PASS: every subtest that passes natively passes under ptvisor"
else
	echo "FAIL: see above"
fi
exit "$status"
