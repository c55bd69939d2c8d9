#!/bin/bash
# A tool run natively against the same run inside ptvisor: outputs, exit
# status and chosen files must be identical once normalised (normalise.sh).
#   tool-compare.sh PTVISOR [OPTION...] -- COMMAND [ARG...]
# Options:
#   --norm NAME   normaliser (normalise.sh): gdb, strace, strace-c, ltrace
#   --merge       stderr into stdout, one stream (gdb); default: two streams
#   --stdout-only compare stdout and the exit status only (a tracer around
#                 the tool under test, whose own output is not compared)
#   --files GLOB  files COMMAND writes in its directory: the normalised
#                 contents are compared as a set (strace -ff writes one per
#                 process, named by pid)
#   --post CMD    a shell command run natively in the directory afterwards
#                 (e.g. reading a core file); its output is compared too
#   --depth N     ptvisor levels around the inside run (default 1)
#   --ptvisor-opt OPT  an option for each ptvisor level (repeatable)
# Both runs use the same directory path (paths in outputs agree), each
# under a timeout, in a process group of its own; afterwards no process
# carrying this run's environment tag may be left.
set -euo pipefail
shopt -s nullglob
here=$(cd "$(dirname "$0")" && pwd)
. "$here/normalise.sh"
ptvisor=$(realpath "$1"); shift
norm=none merge=0 stdout_only=0 files="" post="" depth=1 ptvisor_opts=()
while [ $# -gt 0 ]; do
    case $1 in
    --norm) norm=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    --stdout-only) stdout_only=1; shift ;;
    --files) files=$2; shift 2 ;;
    --post) post=$2; shift 2 ;;
    --depth) depth=$2; shift 2 ;;
    --ptvisor-opt) ptvisor_opts+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "tool-compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
tool=$(basename "$1")
[ "$tool" = bash ] || [ "$tool" = sh ] ||
    command -v "$1" >/dev/null || { echo "SKIP: $1 is not installed"; exit 77; }
work=$(mktemp -d /tmp/ptv-tools.XXXXXX)
[ -n "${KEEP_WORK:-}" ] || trap 'rm -rf "$work"' EXIT

leftovers() { # pids of processes that carry this run's tag
    grep -lazxF "PTV_TOOLS_TAG=$work" /proc/[0-9]*/environ 2>/dev/null |
        sed -E 's|/proc/([0-9]+)/environ|\1|' || true
}

check_leftovers() { # SIDE: fails if a process is left (after 2 s of grace)
    local left tries=0
    while left=$(leftovers) && [ -n "$left" ] && [ $tries -lt 40 ]; do
        sleep 0.05; tries=$((tries + 1))
    done
    [ -z "$left" ] && return 0
    echo "$1: processes left behind:"
    for p in $left; do ps -o pid=,stat=,args= -p "$p" || true; done
    kill -KILL $left 2>/dev/null || true
    return 1
}

run() { # SIDE PREFIX...: runs COMMAND in $work/run, results to $work/SIDE
    local side=$1 status=0; shift
    local prefix=("$@") dir=$work/$side
    rm -rf "$work/run"; mkdir -p "$work/run" "$dir/files"
    : > "$work/stderr"
    (cd "$work/run" && exec > "$work/stdout" < /dev/null &&
     if [ $merge -eq 1 ]; then exec 2>&1; else exec 2> "$work/stderr"; fi &&
     exec env PTV_TOOLS_TAG="$work" timeout -k 5 25 "${prefix[@]}" "${command[@]}") ||
        status=$?
    [ $stdout_only -eq 0 ] || : > "$work/stderr"
    echo "exit status $status" >> "$work/stdout"
    [ $status -ne 124 ] || echo "TIMEOUT ($side)"
    check_leftovers "$side" || echo "processes left behind ($side)" >> "$work/stdout"
    if [ -n "$post" ]; then
        (cd "$work/run" && timeout -k 5 25 bash -c "$post") > "$dir/post" 2>&1 ||
            echo "exit status $?" >> "$dir/post"
    fi
    if [ -n "$files" ]; then
        (cd "$work/run" && for f in $files; do [ -e "$f" ] && mv "$f" "$dir/files/"; done; true)
    fi
    mv "$work/stdout" "$work/stderr" "$dir/"
    normalise_side "$norm" "$dir"
}
command=("$@")
prefix=()
# --wait-all: natively, processes the tool leaves (a forked inferior gdb
# let go of) run on and finish in check_leftovers' grace; inside, ptvisor
# would kill them once the tool exits.
for ((i = 0; i < depth; i++)); do
    prefix+=("$ptvisor" --wait-all "${ptvisor_opts[@]}" --)
done
run native
# A tool that fails natively of its own bug proves nothing about ptvisor:
# gdb 13's checkpoint asserts on a host where writing the inferior's
# extended state fails ("Couldn't write extended state status: Bad
# address", seen on a 6.18 VM whose CPU's XSAVE area is larger than gdb's).
if grep -qh 'internal-error:' "$work/native/stdout" "$work/native/stderr"; then
    echo "SKIP: $tool hit an internal error of its own natively; nothing to compare:"
    grep -h -m 3 -e 'internal-error:' -e "Couldn't" "$work/native/stdout" \
        "$work/native/stderr" || true
    exit 77
fi
run inside "${prefix[@]}"

status=0
for s in stdout stderr post; do
    [ -e "$work/native/$s" ] || continue
    diff -u --label "native $s" --label "inside $s" \
        "$work/native/norm/$s" "$work/inside/norm/$s" || status=1
done
if [ -n "$files" ]; then
    if ! diff -q "$work/native/norm/set" "$work/inside/norm/set" > /dev/null; then
        echo "files ($files) differ:"
        show_closest "$work/native/norm/files" "$work/inside/norm/files"
        status=1
    fi
    echo "files: $(wc -l < "$work/native/norm/set") natively, $(wc -l < "$work/inside/norm/set") inside"
fi
[ $status -ne 0 ] || tail -3 "$work/inside/norm/stdout"
exit $status
