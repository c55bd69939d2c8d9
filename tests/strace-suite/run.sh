#!/bin/bash
# strace's own test suite (Debian source package strace, the installed
# version), run natively and with its strace inside ptvisor: every test that
# passes natively must pass inside (the host kernel is the oracle).
#
# usage: run.sh [PTVISOR [WORKDIR]]
#   PTVISOR   default build/ptvisor
#   WORKDIR   where the sources are fetched, built and the results kept
#             (default: tests/strace-suite/work beside PTVISOR's build dir)
#   STRACE_SUITE_TESTS  which tests: "all" (default), the name of a file
#             listing test names, or test names separated by spaces; a name
#             is that of tests/NAME.test or tests/NAME.gen.test
#   STRACE_SUITE_TIMEOUT  limit of one test, s (default 300)
#   STRACE_SUITE_KNOWN  the known differences (default: known-differences
#             beside this script)
#   STRACE_SUITE_REUSE_NATIVE=1  keep the native results of an earlier run
#             in WORKDIR (same tests) and run only the inside side
#   STRACE_SUITE_PTVISOR_OPTS  options for ptvisor (e.g. --proc-view); the
#             results then go to WORKDIR/results-OPTS (the native side of
#             WORKDIR/results is reused with STRACE_SUITE_REUSE_NATIVE=1)
#
# Sources: `apt-get source --download-only strace=VERSION` for the installed
# version (a deb-src entry for the suite that ships it, with the same
# Signed-By as its binary entry, is added in
# /etc/apt/sources.list.d/ptvisor-deb-src.sources when apt has none), unpacked
# with dpkg-source (Debian's patches applied) into WORKDIR/src. Build
# dependencies: Debian's Build-Depends less gcc-multilib and debhelper
# (gawk, libunwind-dev, libiberty-dev, libbluetooth-dev), so strace -k works
# and the m32/mx32 personalities are not built (their suites, tests-m32 and
# tests-mx32, would triple the run and are not run). Configured as
# debian/rules configures it, plus --enable-bundled=yes: bookworm's current
# linux-libc-dev (6.1.1xx) renamed struct nexthop_grp's resvd1, and strace 6.1
# does not build against it; its bundled uapi headers are what it was
# released with. Everything is built once and kept in WORKDIR (make -j2).
#
# The two runs, one after the other in the same build tree:
#   native:  make -j2 -C tests check
#   inside:  PTVISOR -- make -j2 -C tests check
# The whole `make check` runs inside ptvisor, so every guest (make, the
# shells of the harness, strace, the programs it traces) is under the
# supervisor and every strace in the suite traces through the virtual
# ptrace; the suite itself is unchanged ($STRACE stays ../../src/strace, so
# the tests that match strace's own messages against $STRACE_EXE still hold).
# Each run's *.trs and *.log are kept in WORKDIR/results/{native,inside}.
#
# Results per test from its .trs: PASS FAIL SKIP XFAIL XPASS ERROR, or
# NORUN when the run ended (timeout) before it; WORKDIR/results/results has
# one line per test: NAME NATIVE INSIDE, and the seconds each took natively
# and inside. A difference is a test whose result differs; a regression is
# a test that passes natively (PASS) and does not pass inside, or that is
# XFAIL natively and FAIL/ERROR/NORUN inside.
#
# Known differences: the file STRACE_SUITE_KNOWN lists regressions that are
# understood, one a line, NAME then the reason. A listed regression is
# printed with its reason and does not fail the run; one that is not listed
# does. A listed test that passes natively and inside fails the run too:
# the gap is gone and the list must say so. A listed test that does not pass
# natively here is only noted (nothing to compare).
#
# Exit status: 0 no regression but the known ones, 1 some (or the build
# failed, or a known difference passes), 77 the sources or the build
# dependencies could not be obtained, 2 usage error.
set -u

case "${1:-}" in -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
ptvisor=$(realpath -e "${1:-build/ptvisor}") || { echo "run.sh: no ptvisor at ${1:-build/ptvisor}" >&2; exit 2; }
work=${2:-$(dirname "$ptvisor")/tests/strace-suite/work}
mkdir -p "$work" && work=$(realpath "$work")
LIMIT=${STRACE_SUITE_TIMEOUT:-300}
known=${STRACE_SUITE_KNOWN:-$(dirname "$(realpath "$0")")/known-differences}
[ -f "$known" ] || { echo "run.sh: no list of known differences at $known" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
JOBS=2

skip() { echo "SKIP: $*"; echo "      strace's test suite was NOT run."; exit 77; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
fi
apt_log=$work/apt.log
: >"$apt_log"

# --- 1. Build dependencies ----------------------------------------------------

DEPS="gcc make gawk dpkg-dev libunwind-dev libiberty-dev libbluetooth-dev"
missing=""
for p in $DEPS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" -eq 0 ] || [ -n "$sudo" ] ||
		skip "build dependencies missing ($missing) and installing them needs root"
	echo "installing build dependencies:$missing"
	if ! $sudo apt-get install -y -qq --no-install-recommends $missing >>"$apt_log" 2>&1; then
		$sudo apt-get update -qq >>"$apt_log" 2>&1
		$sudo apt-get install -y -qq --no-install-recommends $missing >>"$apt_log" 2>&1 || {
			tail -n 5 "$apt_log" | sed 's/^/      /'
			skip "apt-get could not install the build dependencies:$missing"
		}
	fi
fi

# --- 2. Sources ----------------------------------------------------------------

version=$(dpkg-query -W -f='${Version}' strace 2>/dev/null)
if [ -z "$version" ]; then
	version=$(apt-cache policy strace 2>/dev/null | sed -n 's/^ *Candidate: *//p')
	[ -n "$version" ] && [ "$version" != "(none)" ] ||
		skip "strace is not installed and apt knows no candidate version"
	echo "strace is not installed; using the candidate version $version"
fi
src=$work/src
if [ "$(cat "$src/.version" 2>/dev/null)" != "$version" ]; then
	dl=$work/download
	rm -rf "$dl" "$src" "$work/build" && mkdir -p "$dl"
	fetch() { (cd "$dl" && apt-get source --download-only -qq "strace=$version") >>"$apt_log" 2>&1; }
	# An older run's one-line entry, without Signed-By, can make apt refuse
	# every source list: it goes first.
	old_list=/etc/apt/sources.list.d/ptvisor-deb-src.list
	if [ -f "$old_list" ] && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
		$sudo rm -f "$old_list"
		$sudo apt-get update -qq >>"$apt_log" 2>&1
	fi
	if ! fetch; then
		# No deb-src entry: add one for the suite that ships this version.
		[ "$(id -u)" -eq 0 ] || [ -n "$sudo" ] ||
			skip "no deb-src entry for strace and adding one needs root"
		origin=$(apt-cache madison strace 2>/dev/null |
			awk -F'|' -v v="$version" '{ gsub(/ /, "", $2) } $2 == v && $3 ~ /Packages/ { print $3; exit }')
		# " http://deb.debian.org/debian bookworm/main amd64 Packages"
		set -- $origin
		uri=${1:-} suite=${2%%/*} comp=${2#*/}
		[ -n "$uri" ] && [ -n "$suite" ] || skip "apt knows no repository that ships strace $version"
		# The same key as the binary entry for that URI: apt refuses two
		# entries of one source with different Signed-By values.
		key=$(awk -v u="${uri%/}" '
			/^$/ { if (hit && k != "") { print k; exit } hit = 0; k = "" }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) { x = $i; sub(/\/$/, "", x); if (x == u) hit = 1 } }
			tolower($1) == "signed-by:" { k = $2 }
			END { if (hit && k != "") print k }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
		[ -n "$key" ] || key=$(sed -n "s|^deb \[.*signed-by=\([^] ]*\).*\] ${uri%/}/\{0,1\} .*|\1|p" \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
		list=/etc/apt/sources.list.d/ptvisor-deb-src.sources
		echo "adding deb-src $uri $suite $comp${key:+ (Signed-By $key)} in $list"
		printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s' \
			"$uri" "$suite" "$comp" "${key:+Signed-By: $key
}" | $sudo tee "$list" >/dev/null
		$sudo apt-get update -qq >>"$apt_log" 2>&1
		if ! fetch; then
			tail -n 5 "$apt_log" | sed 's/^/      /'
			# Leave apt as it was: an entry it cannot use goes.
			$sudo rm -f "$list"
			$sudo apt-get update -qq >>"$apt_log" 2>&1
			skip "apt-get source could not download strace $version"
		fi
	fi
	dsc=$(ls "$dl"/strace_*.dsc | head -n 1)
	echo "unpacking $(basename "$dsc") into $src"
	dpkg-source --no-check -x "$dsc" "$src" >>"$apt_log" 2>&1 ||
		{ echo "FAIL: dpkg-source could not unpack $dsc"; exit 1; }
	echo "$version" >"$src/.version"
fi
echo "sources: strace $version ($src)"

# --- 3. Build (once) ------------------------------------------------------------

b=$work/build
mkdir -p "$b"
if [ ! -f "$b/.configured" ]; then
	echo "configuring in $b..."
	start=$SECONDS
	(cd "$b" && sh "$src/configure" --enable-mpers=check --enable-bundled=yes \
		--prefix=/usr) >"$b/configure.log" 2>&1 ||
		{ echo "FAIL: configure failed:"; tail -n 20 "$b/configure.log"; exit 1; }
	touch "$b/.configured"
	echo "  configured in $((SECONDS - start)) s"
fi
start=$SECONDS
echo "building strace and the test programs (make -j$JOBS)..."
if ! make -C "$b" -j$JOBS >"$b/make.log" 2>&1 ||
	! make -C "$b/tests" -j$JOBS check TESTS= >>"$b/make.log" 2>&1; then
	echo "FAIL: the build failed:"; grep -E -m 20 'error|Error' "$b/make.log"; exit 1
fi
echo "  built in $((SECONDS - start)) s: $("$b/src/strace" -V | head -n 1)"

# --- 4. Which tests ---------------------------------------------------------------

sel=${STRACE_SUITE_TESTS:-all}
tests=""
if [ "$sel" != all ]; then
	[ -f "$sel" ] && sel=$(sed 's/#.*//' "$sel")
	for n in $sel; do
		n=${n%.gen.test}; n=${n%.test}
		if [ -f "$src/tests/$n.gen.test" ]; then tests="$tests $n.gen.test"
		elif [ -f "$src/tests/$n.test" ]; then tests="$tests $n.test"
		else echo "run.sh: no test $n in strace's tests/" >&2; exit 2
		fi
	done
fi

# --- 5. The two runs ----------------------------------------------------------------

opts=${STRACE_SUITE_PTVISOR_OPTS:-}
res=$work/results$(printf '%s' "$opts" | tr -cs 'a-zA-Z0-9' '-')
# run SIDE [PREFIX...]: make check in tests/, its .trs and .log kept in $res/SIDE
run() {
	local side=$1 start rc; shift
	rm -rf "$res/$side" && mkdir -p "$res/$side"
	(cd "$b/tests" && find . -maxdepth 1 \( -name '*.trs' -o -name '*.log' \) -delete)
	start=$SECONDS
	echo "running the suite $side${tests:+ ($(echo $tests | wc -w) tests)}..."
	# A test's own limit (TIMEOUT_DURATION, used by tests/run.sh) bounds
	# each test; meson's timeout bounds the whole.
	(cd "$b/tests" && exec "$@" make -j$JOBS check TIMEOUT_DURATION="$LIMIT" \
		${tests:+TESTS="$tests"}) >"$res/$side/make.out" 2>&1
	rc=$?
	# A test's seconds: from its .log's creation to its .trs's last write.
	(cd "$b/tests" && for trs in *.trs; do
		[ -f "$trs" ] || continue
		echo "${trs%.trs} $(($(stat -c %Y "$trs") - $(stat -c %W "${trs%.trs}.log" 2>/dev/null || stat -c %Y "$trs")))"
	done) >"$res/$side/seconds"
	(cd "$b/tests" && find . -maxdepth 1 \( -name '*.trs' -o -name '*.log' \) \
		-exec cp {} "$res/$side/" \;)
	echo "  $side: make check exit $rc, $((SECONDS - start)) s" | tee "$res/$side/time"
}
if [ "${STRACE_SUITE_REUSE_NATIVE:-}" = 1 ] && [ ! -f "$res/native/time" ] &&
	[ -f "$work/results/native/time" ]; then
	mkdir -p "$res" && rm -rf "$res/native" && cp -r "$work/results/native" "$res/"
fi
if [ "${STRACE_SUITE_REUSE_NATIVE:-}" = 1 ] && [ -f "$res/native/time" ]; then
	echo "native: the results of an earlier run are kept ($(cat "$res/native/time"))"
else
	run native
fi
# shellcheck disable=SC2086 # the options are words
run inside "$ptvisor" $opts --

# --- 6. Comparison --------------------------------------------------------------------

# A test's name is its file's less .gen.test or .test, as in ci-tests.
all=$(cd "$res/native" && ls -- *.trs 2>/dev/null | sed 's/\.trs$//; s/\.gen$//' | sort)
[ -n "$tests" ] && all=$(printf '%s\n' $tests | sed 's/\.test$//; s/\.gen$//' | sort)
[ -n "$all" ] || { echo "FAIL: the native run left no result"; tail -n 20 "$res/native/make.out"; exit 1; }
file() { if [ -f "$res/$1/$2.gen.$3" ]; then echo "$res/$1/$2.gen.$3"; else echo "$res/$1/$2.$3"; fi; }
result() { sed -n 's/^:test-result: *//p' "$(file "$1" "$2" trs)" 2>/dev/null | head -n 1 | grep . || echo NORUN; }
seconds() { awk -v t="$2" '$1 == t || $1 == t ".gen" { print $2; f = 1; exit } END { if (!f) print "-" }' "$res/$1/seconds"; }
# reason NAME: the reason a known difference gives, or nothing
reason() { awk -v t="$1" '$1 == t { $1 = ""; sub(/^ +/, ""); print; exit }' "$known"; }
passes() { [ "$1" = PASS ] || [ "$1" = XFAIL ]; }

printf '%s\n' $all | while read -r t; do
	echo "$t $(result native "$t") $(result inside "$t") $(seconds native "$t") $(seconds inside "$t")"
done >"$res/results"
for side in native inside; do
	col=$([ $side = native ] && echo 2 || echo 3)
	line=""
	for r in PASS FAIL SKIP XFAIL XPASS ERROR NORUN; do
		n=$(awk -v c=$col -v r=$r '$c == r' "$res/results" | wc -l)
		line="$line $r $n"
	done
	printf '%-7s %s tests:%s\n' "$side" "$(wc -l <"$res/results")" "$line"
done

status=0 new=0 nknown=0
diffs=$(awk '$2 != $3' "$res/results")
if [ -n "$diffs" ]; then
	echo
	echo "Tests whose result differs (native -> inside, seconds native/inside):"
	while read -r t n i ns is; do
		mark="" why=""
		if { [ "$n" = PASS ] && [ "$i" != PASS ]; } ||
			{ [ "$n" = XFAIL ] && [ "$i" != XFAIL ] && [ "$i" != PASS ] && [ "$i" != XPASS ]; }; then
			why=$(reason "$t")
			if [ -n "$why" ]; then
				mark="  known difference"; nknown=$((nknown + 1))
			else
				mark="  <- REGRESSION"; status=1; new=$((new + 1))
			fi
		fi
		echo "--- $t: $n -> $i ($ns s / $is s)$mark"
		if [ -n "$why" ]; then
			echo "$why" | fold -s -w 72 | sed 's/^/    /'
		elif [ -n "$mark" ] && [ -f "$(file inside "$t" log)" ]; then
			grep -v '^+' "$(file inside "$t" log)" | tail -n 15 | sed 's/^/    /'
		fi
	done <<<"$diffs"
fi

# A known difference that is not one here: gone (it passes inside), or not
# comparable (it does not pass natively here).
gone=""
for t in $(sed 's/^[[:space:]]*#.*//' "$known" | awk 'NF { print $1 }'); do
	read -r _ n i _ < <(awk -v t="$t" '$1 == t' "$res/results")
	[ -n "${n:-}" ] || continue
	if passes "$n" && passes "$i"; then
		gone="$gone $t"; status=1
	elif ! passes "$n"; then
		echo "note: known difference $t not compared: $n natively"
	fi
	n=""
done
echo
echo "results: $res (per test: $res/results; logs: $res/{native,inside}/NAME.log)"
[ -z "$gone" ] || echo "FAIL: known differences that pass inside now (remove them from $known):$gone"
if [ $new -gt 0 ]; then
	echo "FAIL: $new test(s) pass natively and not inside, not among the known differences (above)"
elif [ $status -eq 0 ]; then
	echo "PASS: every test that passes natively passes with strace inside ptvisor," \
		"but for $nknown known difference(s), listed above with their reasons"
fi
exit $status
