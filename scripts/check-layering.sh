#!/bin/sh
# Fails if src/kernel/ includes a header that reaches the host's ptrace,
# wait, seccomp or process-memory interfaces (DESIGN.md: kernel/ touches no
# host; it asks for host actions through the platform interface).
set -eu
dir=$1 out=$2
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*<(sys/ptrace\.h|linux/ptrace\.h|sys/wait\.h|linux/wait\.h|seccomp\.h|linux/seccomp\.h|sys/uio\.h|sys/user\.h|signal\.h|unistd\.h)>' -r "$dir" || true)
if [ -n "$bad" ]; then
    echo "layering violation: src/kernel/ must not include host-calling headers:" >&2
    echo "$bad" >&2
    exit 1
fi
touch "$out"
