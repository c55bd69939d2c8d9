#!/bin/bash
# The tracer benchmark of issue #5: real tracers run natively, inside ptvisor
# and inside PRoot, side by side in one run.
#
#   bench/tracers.sh [--quick] [--build-dir DIR] [--no-proot] [--no-breakdown]
#                    [--keep DIR]
#
# Builds build/ptvisor and bench/ptvbench (meson + ninja in DIR, default
# "build"), checks that each environment really traces (strace's output has
# every expected syscall line; gdb reports every breakpoint hit), then runs
# each benchmark several times, rotating the order of the environments from
# one repetition to the next, and prints the medians and ratios:
#
#   (a) strace -f -o /dev/null ptvbench mix N: N cheap raw syscalls (getppid,
#       getuid, getgid, close(-1)), timed inside the tracee; natively, in
#       ptvisor (ptvisor -- strace ...) and in PRoot (proot strace ...).
#       Per traced syscall.                          target: ptvisor <= 2x
#   (b) the same with ptvbench forkexec N /bin/true (fork, exec, waitpid);
#       per traced syscall, the count of syscalls per iteration taken from
#       one native strace run's output.
#   (c) gdb -batch -ex 'break ptvbench_hit' -ex run -ex 'ignore 1 1000000'
#       -ex continue: N breakpoint hits, each a real stop (gdb evaluates
#       ignore counts itself), timed inside the inferior; natively and in
#       ptvisor. Per hit.                            target: ptvisor <= 2x
#
# Then (unless --no-breakdown) where the time goes inside ptvisor, for (a)
# and (c) on two small instances whose difference cancels start-up and exit:
#   - ptvisor --log: host events per virtual stop, by kind and by role
#     (virtually traced task or not), and the trapped calls by name (ptrace
#     by request) and outcome;
#   - strace on the supervisor itself: its own host syscalls per virtual stop
#     (ptrace by request, /proc files by name);
#   - strace -c on the native tracer: the calls it makes per stop, each of
#     which is a trapped call in ptvisor;
#   - perf stat (if perf works): context switches and CPU migrations per
#     traced syscall / hit, natively and in ptvisor.
#
# The script pins nothing (but the "pinned" run of a full run); ptvisor
# keeps a tracer, its tracees and itself on one CPU while they take short
# turns (co-location, docs/design-notes.md, 24), and each benchmark runs
# with --no-colocate too, for information. The CPU time other processes used during each
# repetition is logged (from /proc/stat); figures only mean something on an
# idle machine. --quick: about 1 minute; full: about 4 minutes on an idle
# 2-CPU VM. --keep DIR keeps the logs and traces of the breakdown in DIR.
# The log (stderr) has every sample; the report (stdout) is Markdown.
set -euo pipefail

usage() {
    if [ "${1:-0}" = 0 ]; then
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    else
        echo "usage: bench/tracers.sh [--quick] [--build-dir DIR] [--no-proot] [--no-breakdown] [--keep DIR]" >&2
    fi
    exit "${1:-0}"
}

quick=0 build_dir=build use_proot=1 breakdown=1 keep=
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --build-dir) [ $# -ge 2 ] || usage 2; build_dir=$2; shift ;;
    --build-dir=*) build_dir=${1#--build-dir=} ;;
    --no-proot) use_proot=0 ;;
    --no-breakdown) breakdown=0 ;;
    --keep) [ $# -ge 2 ] || usage 2; keep=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "tracers.sh: unknown argument '$1'" >&2; usage 2 ;;
    esac
    shift
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
case $build_dir in /*) ;; *) build_dir=$root/$build_dir ;; esac

if [ $quick = 1 ]; then
    n_mix=1000 reps_mix=3 n_fe=30 reps_fe=3 n_hits=300 reps_hits=3
    bd_mix=(100 200) bd_hits=(50 100) perf_hits=(50 500)
else
    n_mix=5000 reps_mix=7 n_fe=100 reps_fe=5 n_hits=1000 reps_hits=7 reps_pin=5
    bd_mix=(200 400) bd_hits=(100 200) perf_hits=(100 1000)
fi
target=2
export LC_ALL=C

log() { printf '%s\n' "$*" >&2; }
die() { log "tracers.sh: $*"; exit 1; }
median() {
    sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
idle_percent() {
    local a b
    a=$(head -n 1 /proc/stat); sleep "${1:-1}"; b=$(head -n 1 /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {
        n = split(a, x); split(b, y); tot = 0
        for (i = 2; i <= n; i++) tot += y[i] - x[i]
        idle = (y[5] - x[5]) + (y[6] - x[6])
        printf "%.0f", tot ? 100 * idle / tot : 0 }'
}
machine_ticks() { awk 'NR == 1 { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
our_ticks() { awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat; }
clk_tck=$(getconf CLK_TCK)
ncpu=$(nproc)

# ---------------------------------------------------------------- build, tools

log "== building ptvisor and bench/ptvbench in $build_dir"
if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" >/dev/null || die "meson setup $build_dir failed"
fi
ninja -C "$build_dir" ptvisor bench/ptvbench >/dev/null || die "ninja failed"
ptv=$build_dir/ptvisor
bench=$build_dir/bench/ptvbench
for tool in strace gdb; do
    command -v $tool >/dev/null || die "$tool is missing (scripts/setup.sh installs it)"
done
if [ $use_proot = 1 ] && ! command -v proot >/dev/null; then
    log "   proot is missing (apt-get install proot): no PRoot column"
    use_proot=0
fi
have_perf=0
if command -v perf >/dev/null && perf stat -e context-switches true >/dev/null 2>&1; then
    have_perf=1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptvtracers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

idle_before=$(idle_percent)
log "== machine: $ncpu CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), Linux $(uname -r)"
log "   load average: $(cut -d' ' -f1-3 /proc/loadavg); CPUs idle over 1 s: $idle_before%"
[ "$idle_before" -lt 90 ] && log "   WARNING: the machine is busy; the ratios below will be noisy"
log "   $(strace -V | head -n 1); $(gdb --version | head -n 1)$([ $use_proot = 1 ] && echo "; PRoot $(proot --version 2>&1 | grep -m1 -oE 'v[0-9][0-9.]*' || echo '?')")"
log "   mode: $([ $quick = 1 ] && echo quick || echo full); nothing pinned"

# run_in ENV CMD...: CMD natively, in ptvisor or in PRoot.
run_in() {
    local env=$1
    shift
    case $env in
    native) "$@" ;;
    ptvisor)
        if [ "$1" = taskset ]; then
            "$1" "$2" "$3" "$ptv" -- "${@:4}"
        else
            "$ptv" -- "$@"
        fi ;;
    ptvisor-nc) "$ptv" --no-colocate -- "$@" ;;
    proot) proot "$@" ;;
    esac
}

# ---------------------------------------------------------------- checks

# Each environment must really trace: strace's output has every syscall of
# the loop and every exit of the fork+exec children; gdb counts every hit.
syscall_lines() { grep -cE '^[0-9]+ +[a-z_0-9]+\(' "$1" || true; }
check_strace() {
    local env=$1 o=$tmp/check.$1 n
    run_in "$env" strace -f -o "$o.mix" "$bench" mix 400 >/dev/null 2>"$o.err" || {
        log "   $env: strace failed: $(tail -n 3 "$o.err")"; return 1; }
    for call in 'getppid()' 'getuid()' 'getgid()' 'close(-1)'; do
        n=$(grep -cF " $call" "$o.mix" || true)
        [ "$n" = 100 ] || { log "   $env: strace saw $n x $call, expected 100"; return 1; }
    done
    run_in "$env" strace -f -o "$o.fe" "$bench" forkexec 10 /bin/true >/dev/null 2>>"$o.err" || {
        log "   $env: strace -f of fork+exec failed: $(tail -n 3 "$o.err")"; return 1; }
    n=$(grep -c '+++ exited with 0 +++' "$o.fe" || true)
    [ "$n" = 11 ] || { log "   $env: strace -f saw $n exits, expected 11"; return 1; }
    n=$(grep -cE '^[0-9]+ +execve\("/bin/true' "$o.fe" || true)
    [ "$n" = 10 ] || { log "   $env: strace -f saw $n execs of /bin/true, expected 10"; return 1; }
    if grep -q 'not supported' "$o.err"; then
        log "   $env: strace works; the environment said: $(grep -m1 'not supported' "$o.err")"
    fi
    return 0
}
gdb_cmd=(gdb -nx -q -batch -ex 'break ptvbench_hit' -ex run -ex 'ignore 1 1000000'
    -ex continue -ex 'info breakpoints' --args)
check_gdb() {
    local env=$1 o=$tmp/check.gdb.$1
    run_in "$env" "${gdb_cmd[@]}" "$bench" hits 50 >"$o" 2>&1 || {
        log "   $env: gdb failed: $(tail -n 3 "$o")"; return 1; }
    grep -q 'breakpoint already hit 50 times' "$o" || {
        log "   $env: gdb did not count 50 hits: $(grep -m1 'already hit' "$o" || tail -n 2 "$o")"; return 1; }
}
log "== checking that each environment traces"
check_strace native || die "native strace does not work"
check_strace ptvisor || die "strace inside ptvisor does not work"
proot_note=
if [ $use_proot = 1 ] && ! check_strace proot; then
    proot_note="PRoot's ptrace emulation failed the strace check (see the log)"
    log "   $proot_note: no PRoot column"
    use_proot=0
fi
check_gdb native || die "native gdb does not work"
check_gdb ptvisor || die "gdb inside ptvisor does not work"
# Traced syscalls per fork+exec iteration, from native strace output.
strace -f -o "$tmp/calib" "$bench" forkexec 10 /bin/true >/dev/null
strace -f -o "$tmp/calib2" "$bench" forkexec 20 /bin/true >/dev/null
fe_calls=$(calc %.1f "($(syscall_lines "$tmp/calib2") - $(syscall_lines "$tmp/calib")) / 10")
log "   all traced; a fork+exec+waitpid iteration is $fe_calls traced syscalls"

# ---------------------------------------------------------------- timed runs

# rotate NAME FN REPS ENV...: REPS rounds; round i runs FN once in every ENV,
# starting at the (i mod count)-th, so that each goes first as often. FN ENV
# prints one number; samples go to $tmp/NAME.ENV.
rotate() {
    local name=$1 fn=$2 reps=$3 i j k env t0 m0 o0 foreign line
    shift 3
    local envs=("$@") n=$#
    for env in "${envs[@]}"; do : >"$tmp/$name.$env"; done
    for ((i = 0; i < reps; i++)); do
        t0=$EPOCHREALTIME m0=$(machine_ticks) o0=$(our_ticks) line=
        for ((j = 0; j < n; j++)); do
            k=$(((i + j) % n))
            env=${envs[$k]}
            v=$("$fn" "$env") || exit 1
            [ -n "$v" ] || die "$name: no sample from $env"
            echo "$v" >>"$tmp/$name.$env"
            line="$line $env $v,"
        done
        foreign=$(awk -v t0="$t0" -v t1="$EPOCHREALTIME" -v m="$(($(machine_ticks) - m0))" \
            -v o="$(($(our_ticks) - o0))" -v hz="$clk_tck" -v n="$ncpu" \
            'BEGIN { f = 100 * (m - o) / hz / ((t1 - t0) * n); printf "%.0f", f < 0 ? 0 : f }')
        log "  $name $((i + 1))/$reps:${line%,} (other processes: $foreign%)"
    done
}
# ns_of ENV CMD...: runs CMD in ENV, prints the tracee's own timing line (ns).
ns_of() {
    local env=$1 v
    shift
    v=$(run_in "$env" "$@" 2>"$tmp/err" | grep -E '^[0-9]+$' | tail -n 1) || true
    [ -n "$v" ] || { cat "$tmp/err" >&2; die "no timing from $env: $*"; }
    echo "$v"
}
envs=(native ptvisor)
[ $use_proot = 1 ] && envs+=(proot)

# Per-unit microseconds: ns / units / 1000.
per_us() { awk -v u="$1" '{ printf "%.2f\n", $1 / u / 1000 }'; }

bench_mix() { ns_of "$1" strace -f -o /dev/null "$bench" mix $n_mix | per_us $n_mix; }
log "== (a) strace -f of $n_mix cheap syscalls: µs per traced syscall, $reps_mix rounds"
rotate mix bench_mix $reps_mix "${envs[@]}" ptvisor-nc

fe_total=$(calc %.1f "$fe_calls * $n_fe")
bench_fe() { ns_of "$1" strace -f -o /dev/null "$bench" forkexec $n_fe /bin/true | per_us "$fe_total"; }
log "== (b) strace -f of $n_fe x fork+exec /bin/true: µs per traced syscall, $reps_fe rounds"
rotate fe bench_fe $reps_fe "${envs[@]}" ptvisor-nc

bench_pinned() { ns_of "$1" taskset -c 0 strace -f -o /dev/null "$bench" mix $n_mix | per_us $n_mix; }
if [ $quick = 0 ] && command -v taskset >/dev/null; then
    log "== (a, pinned) the same with everything pinned to CPU 0 (taskset -c 0; ptvisor inherits it), $reps_pin rounds"
    rotate pinned bench_pinned $reps_pin native ptvisor
fi

bench_hits() { ns_of "$1" "${gdb_cmd[@]}" "$bench" hits $n_hits | per_us $n_hits; }
log "== (c) gdb, $n_hits breakpoint hits: µs per hit, $reps_hits rounds"
rotate hits bench_hits $reps_hits native ptvisor ptvisor-nc

idle_after=$(idle_percent)
log "== timed runs done; CPUs idle over 1 s: $idle_before% before, $idle_after% after;" \
    "load average now $(cut -d' ' -f1-3 /proc/loadavg)"

med() { median <"$tmp/$1.$2"; }
ratio() { calc %.2f "$(med "$1" "$2") / $(med "$1" native)"; }
cell() { [ -s "$tmp/$1.$2" ] && echo "$(calc %.1f "$(med "$1" "$2")") µs" || echo "—"; }
rcell() { [ -s "$tmp/$1.$2" ] && echo "$(ratio "$1" "$2")x" || echo "—"; }
verdict() { awk -v v="$(ratio "$1" ptvisor)" -v t=$target 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }

pinned_row=
if [ -s "$tmp/pinned.native" ]; then
    pinned_row="| (a) the same, all pinned to one CPU (information), $reps_pin runs | $(cell pinned native) | $(cell pinned ptvisor) | — | $(rcell pinned ptvisor) | — | |
"
fi
nc_rows=
for b in mix fe hits; do
    case $b in mix) what="(a)" ;; fe) what="(b)" ;; hits) what="(c)" ;; esac
    nc_rows="$nc_rows| $what the same, \`ptvisor --no-colocate\` (information) | $(cell $b native) | $(cell $b ptvisor-nc) | — | $(rcell $b ptvisor-nc) | — | |
"
done
cat <<EOF

### Real tracers inside ptvisor (bench/tracers.sh$([ $quick = 1 ] && echo " --quick"))

Medians of rotated runs; $ncpu CPUs, Linux $(uname -r), $(strace -V | head -n 1 | sed 's/ -- version//'), $(gdb --version | head -n 1 | sed 's/^GNU //'); CPUs idle $idle_before% before, $idle_after% after.

| benchmark | native | in ptvisor | in PRoot | ptvisor / native | PRoot / native | target (ptvisor) |
|---|---|---|---|---|---|---|
| (a) \`strace -f\`, $n_mix cheap syscalls, per traced syscall, $reps_mix runs | $(cell mix native) | $(cell mix ptvisor) | $(cell mix proot) | $(rcell mix ptvisor) | $(rcell mix proot) | ≤ ${target}x $(verdict mix) |
$pinned_row| (b) \`strace -f\`, $n_fe fork+exec /bin/true ($fe_calls syscalls each), per traced syscall, $reps_fe runs | $(cell fe native) | $(cell fe ptvisor) | $(cell fe proot) | $(rcell fe ptvisor) | $(rcell fe proot) | ≤ ${target}x $(verdict fe) |
| (c) gdb, $n_hits breakpoint hits (ignore count), per hit, $reps_hits runs | $(cell hits native) | $(cell hits ptvisor) | — | $(rcell hits ptvisor) | — | ≤ ${target}x $(verdict hits) |
$nc_rows
EOF
[ -n "$proot_note" ] && printf '\n%s.\n' "$proot_note"

[ $breakdown = 1 ] || exit 0

# ---------------------------------------------------------------- breakdown

log "== breakdown: (a) with mix ${bd_mix[0]} and ${bd_mix[1]}, (c) with ${bd_hits[0]} and ${bd_hits[1]} hits"
bd=$tmp/bd
[ -n "$keep" ] && { mkdir -p "$keep"; bd=$keep; }
mkdir -p "$bd"

# logkinds LOG: "COUNT KEY" lines. Keys: "host: KIND [tracee|other]" (a host
# event; tracee = a virtually traced task), "trap: CALL -> OUTCOME" (ptrace
# by request), "virtual stops", "woken", "wait reports a virtual event".
logkinds() {
    awk '
    { sub(/^ *[0-9.]+ \[[0-9]+\] /, ""); role = / \(traced\)/ ? "tracee" : "other"; sub(/ \(traced\)$/, "") }
    /^(event-stop|syscall-stop|signal-delivery-stop|trap-stop|group-stop)/ {
        k = $0; sub(/ \(.*/, "", k); n["host: " k " [" role "]"]++; n["host events, all"]++; next }
    /^(exited with|killed by)/ { n["host: exit [" role "]"]++; n["host events, all"]++; next }
    /^ptrace\(PTRACE_[A-Z_]+,/ { req = $0; sub(/^ptrace\(/, "", req); sub(/,.*/, "", req); next }
    /^[a-z0-9_:]+ -> (runs natively|returns)/ {
        c = $1; o = ($3 == "runs") ? "runs natively" : "skipped, returns"
        if (c == "ptrace") c = "ptrace(" req ")"
        n["trap: " c " -> " o]++; n["traps, all"]++; next }
    /^virtual (syscall-enter|syscall-exit|signal-delivery|event|group)-stop/ { n["virtual stops"]++; next }
    /^woken:/ { n["woken (PTRACE_INTERRUPT of a waiting tracer)"]++; next }
    /^wait reports virtual event/ { n["wait reports a virtual event"]++; next }
    END { for (k in n) print n[k], k }' "$1"
}
# hostcalls STRACE_OUTPUT: "COUNT KEY" for the supervisor's own syscalls.
hostcalls() {
    awk '
    /^--- / { n["(signal delivered to the supervisor: " $2 ")"]++; next }
    /^\+\+\+/ { next }
    { c = $0; sub(/\(.*/, "", c)
      if (c == "ptrace") { r = $0; sub(/^ptrace\(/, "", r); sub(/,.*/, "", r); c = "ptrace(" r ")" }
      else if (c == "openat") { p = $0; sub(/^[^"]*"/, "", p); sub(/".*/, "", p); gsub(/[0-9]+/, "N", p); c = "openat(" p ")" }
      n[c]++; n["host syscalls, all"]++ }
    END { for (k in n) print n[k], k }' "$1"
}
# stracec STRACE_C_OUTPUT: "COUNT SYSCALL" from strace -c's table.
stracec() { awk '$NF ~ /^[a-z_0-9]+$/ && $(NF-1) ~ /^[0-9]+$/ && $1 ~ /^[0-9.]+$/ {
    print ($(NF-2) ~ /^[0-9]+$/ && NF == 6) ? $(NF-2) : $(NF-1), $NF }' "$1"; }
# diffper SMALL LARGE UNITS: per-unit difference of two "COUNT KEY" lists.
diffper() {
    awk -v u="$3" 'FNR == 1 { f++ } { c = $1; $1 = ""; k = substr($0, 2); v[k, f] = c; keys[k] = 1 }
        END { for (k in keys) { d = (v[k, 2] - v[k, 1]) / u; if (d >= 0.05 || d <= -0.05) printf "%.2f\t%s\n", d, k } }' \
        "$1" "$2" | sort -t "$(printf '\t')" -k1,1gr
}
table() {
    echo "| $1 | $2 |"
    echo "|---:|---|"
    awk -F '\t' '{ printf "| %s | %s |\n", $1, $2 }'
}

# One instance of workload W (mix or hits) with size N, run as PREFIX.
wl() {
    local w=$1 n=$2
    shift 2
    if [ "$w" = mix ]; then
        "$@" strace -f -o /dev/null "$bench" mix "$n"
    else
        "$@" "${gdb_cmd[@]}" "$bench" hits "$n"
    fi >/dev/null 2>&1
}
for w in mix hits; do
    if [ $w = mix ]; then sizes=("${bd_mix[@]}"); else sizes=("${bd_hits[@]}"); fi
    for n in "${sizes[@]}"; do
        wl $w "$n" "$ptv" --log "$bd/$w.$n.log" --
        logkinds "$bd/$w.$n.log" >"$bd/$w.$n.kinds"
        wl $w "$n" strace -qq -o "$bd/$w.$n.host" "$ptv" --
        hostcalls "$bd/$w.$n.host" >"$bd/$w.$n.hostcalls"
        wl $w "$n" strace -c -o "$bd/$w.$n.native-c"
        stracec "$bd/$w.$n.native-c" >"$bd/$w.$n.native"
    done
    if [ $w = mix ]; then psizes=("${bd_mix[@]}"); else psizes=("${perf_hits[@]}"); fi
    if [ $have_perf = 1 ]; then
        for n in "${psizes[@]}"; do
            for env in native ptvisor; do
                wl $w "$n" perf stat -x, -o "$bd/$w.$n.perf.$env" -e context-switches,cpu-migrations \
                    $([ $env = ptvisor ] && echo "$ptv --")
                awk -F, '$3 ~ /context-switches|cpu-migrations/ { print $1, $3 }' \
                    "$bd/$w.$n.perf.$env" >"$bd/$w.$n.perfc.$env"
            done
        done
    fi
    small=${sizes[0]} large=${sizes[1]}
    if [ $w = mix ]; then
        units=$((large - small)) unit="traced syscall"
        title="(a) strace -f of cheap syscalls"
    else
        units=$((large - small)) unit="breakpoint hit"
        title="(c) gdb breakpoint hits"
    fi
    vs=$(awk '$2 == "virtual" && $3 == "stops" { print $1 }' "$bd/$w.$large.kinds" "$bd/$w.$small.kinds" |
        paste -sd' ' | awk '{ print $1 - $2 }')
    echo
    echo "#### Where the time goes: $title, per $unit"
    echo
    echo "Differences between runs of $small and $large (start-up and exit cancel out):" \
        "$(calc %.2f "$vs / $units") virtual stops per $unit."
    echo
    echo "Host events and trapped calls in ptvisor's log (\`--log\`):"
    echo
    diffper "$bd/$w.$small.kinds" "$bd/$w.$large.kinds" $units | table "per $unit" "event"
    echo
    echo "The supervisor's own host syscalls (strace of ptvisor; \"signal delivered\" is an artefact of that strace):"
    echo
    diffper "$bd/$w.$small.hostcalls" "$bd/$w.$large.hostcalls" $units | table "per $unit" "syscall"
    echo
    echo "The native tracer's own syscalls (\`strace -c\` of it, outside ptvisor), each a trapped call inside:"
    echo
    diffper "$bd/$w.$small.native" "$bd/$w.$large.native" $units | table "per $unit" "syscall"
    if [ $have_perf = 1 ]; then
        echo
        echo "perf stat (all tasks of the run; runs of ${psizes[0]} and ${psizes[1]}):"
        echo
        echo "| per $unit | native | in ptvisor |"
        echo "|---|---:|---:|"
        for ev in context-switches cpu-migrations; do
            printf '| %s |' "$ev"
            for env in native ptvisor; do
                a=$(awk -v e=$ev '$2 == e { print $1 }' "$bd/$w.${psizes[0]}.perfc.$env")
                b=$(awk -v e=$ev '$2 == e { print $1 }' "$bd/$w.${psizes[1]}.perfc.$env")
                printf ' %s |' "$(calc %.2f "($b - $a) / (${psizes[1]} - ${psizes[0]})")"
            done
            echo
        done
    fi
done
log "== breakdown done$([ -n "$keep" ] && echo "; logs in $keep")"
