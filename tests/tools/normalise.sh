# Normalisers for tool-compare.sh (sourced; needs nullglob). What differs between two runs
# of the same command, natively as well as inside ptvisor, is replaced:
# pids (learnt from where the outputs show them, so that no other number is
# touched), addresses, random bytes and times. Everything else stays.

# learn_pids DIR: the pids one side's outputs show, one a line.
learn_pids() {
    local f
    {
        for f in "$1"/files/*; do
            echo "${f##*/}"
        done | sed -nE 's/.*\.([0-9]+)$/\1/p'
        for f in "$1"/stdout "$1"/stderr "$1"/post "$1"/files/*; do
            if [ -e "$f" ]; then cat "$f"; fi
        done |
            grep -oE '(process|processes|Process|LWP|pid) +[0-9]+|si_pid ?= ?[0-9]+|(parent|child)_tid=\[[0-9]+|(clone3?|v?fork|getp?pid|gettid|wait4|waitid|set_tid_address)\(.*\) += (0x[0-9a-f]+|[0-9]+)' |
            grep -oE '(0x[0-9a-f]+|[0-9]+)$' | while read -r n; do
                case $n in 0x*) echo $((n)) ;; *) echo "$n" ;; esac
            done || true
    } | awk 'length($0) >= 3' | sort -u
}

# pid_script PIDS-FILE: a sed script replacing each of those pids by PID,
# and its hex form too: ltrace prints a value of unknown type in decimal
# up to 10000 and in hex above, so one side's pid may show as 5432 and the
# other's as 0x4b5f (ltrace-S-ids failed once in CI).
# Not in the arguments of a memory-mapping call, whose sizes are as likely
# to equal a pid as any number (mmap(ADDR, 24576, ...) with pid 24576 once
# failed strace-f-pipeline; ltrace -S names them SYS_mmap...): there only
# strace's "[pid N]" prefix. Nor in
# a stat structure's fields (st_size=27028 with pid 27028 failed it once):
# they are marked first (st_size=_N, no word boundary before N) and
# unmarked at the end. Nor the hex form as an offset in a symbol
# (strace -k's "libc.so.6(sym+0x2c1)" with pid 705 failed
# strace-ff-k-threads once).
pid_script() {
    awk '{
        printf "s/^(\\[pid +)%s\\]/\\1PID]/\n", $0
        printf "s/\\b(st_[a-z_]+=)(%s)\\b/\\1_\\2/g\n", $0
        printf "\\%%^(\\[pid +[^]]+\\] +)?([0-9:. ]+ )?(SYS_)?(mmap|mprotect|munmap|mremap|madvise|brk)\\(%%!s/\\b%s\\b/PID/g\n", $0
        printf "\\%%^(\\[pid +[^]]+\\] +)?([0-9:. ]+ )?(SYS_)?(mmap|mprotect|munmap|mremap|madvise|brk)\\(%%!s/(^|[^+])\\b0x%x\\b/\\1PID/g\n", $0
    }
    END { print "s/\\b(st_[a-z_]+=)_/\\1/g" }' "$1"
}

# gdb: addresses; table columns (`info threads`) are as wide as their
# widest pid or address, so runs of spaces count as one.
norm_gdb() {
    sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/Thread ADDR/Thread/g' -e 's/ +/ /g'
}

# strace: an asynchronous SIGCHLD lands anywhere in its receiver's sequence
# of calls natively too, so its "---" line and the rt_sigreturn after it are
# set aside, as is a call that it made the kernel restart (shown again when
# restarted); si_utime/si_stime, random bytes and -r/-t times vary.
norm_strace() {
    awk '/^(\[pid +[0-9PID]+\] )?--- SIGCHLD/ { skip = 1; next }
         skip && /^(\[pid +[0-9PID]+\] )?rt_sigreturn/ { skip = 0; next }
         / = \? ERESTART[A-Z_]* \(To be restarted\)$/ { next }
         { skip = 0; print }' |
    sed -E -e 's/0x[0-9a-f]+/ADDR/g' \
        -e 's/getrandom\("[^"]*"/getrandom("RANDOM"/' \
        -e 's/si_utime=[0-9]+, si_stime=[0-9]+[^}]*/si_times/' \
        -e 's/^((PID|[0-9]+) +)? *[0-9]+(:[0-9]+:[0-9]+)?\.[0-9]+ /\1TIME /' \
        -e 's/ +/ /g'
}

# strace -c: only which calls were made, how often, and how many failed
# (the table's rows sorted by name; other lines as they are).
norm_strace_c() {
    awk 'function row(s) { print s | "sort"; rows = 1 }
         function flush() { if (rows) close("sort"); rows = 0 }
         /^-/ || /% time/ { next }
         NF == 5 && $1 ~ /^[0-9.]+$/ { row($5 " calls " $4); next }
         NF == 6 && $1 ~ /^[0-9.]+$/ { row($6 " calls " $4 " errors " $5); next }
         { flush(); print }
         END { flush() }'
}

# ltrace: its columns move with the width of the values before them.
norm_ltrace() {
    sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/ +/ /g'
}

# LeakSanitizer: its reports' "==PID==" prefixes and frame addresses.
norm_lsan() {
    sed -E -e 's/^==[0-9]+==/==PID==/' -e 's/0x[0-9a-f]+/ADDR/g'
}

norm_none() { cat; }

# normalise_side NORM DIR: DIR/{stdout,stderr,post,files/*} normalised into
# DIR/norm, and DIR/norm/set, the sorted checksums of the normalised files.
normalise_side() {
    local norm=$1 dir=$2 f
    local fn=norm_${norm//-/_}
    mkdir -p "$dir/norm/files"
    learn_pids "$dir" > "$dir/pids"
    pid_script "$dir/pids" > "$dir/pids.sed"
    for f in stdout stderr post; do
        [ -e "$dir/$f" ] || continue
        sed -E -f "$dir/pids.sed" "$dir/$f" | $fn > "$dir/norm/$f"
    done
    for f in "$dir"/files/*; do
        sed -E -f "$dir/pids.sed" "$f" | $fn > "$dir/norm/files/${f##*/}"
    done
    for f in "$dir"/norm/files/*; do
        md5sum < "$f"
    done | sort > "$dir/norm/set"
}

# show_closest NATIVE-DIR INSIDE-DIR: each inside file no native file
# matches, against the native file closest to it.
show_closest() {
    local f g sum best
    for f in "$2"/*; do
        sum=$(md5sum < "$f")
        for g in "$1"/*; do
            [ "$(md5sum < "$g")" = "$sum" ] && continue 2
        done
        best=$(for g in "$1"/*; do
            printf '%s %s\n' "$(diff "$g" "$f" | grep -c '^[<>]')" "$g"; done |
            sort -n | head -1 | cut -d' ' -f2)
        echo "--- inside ${f##*/} against the closest native file (${best##*/}):"
        diff -u "$best" "$f" | head -60
    done
}
