#!/bin/sh
# Installs what ptvisor needs to build and test (Debian 12 packages, only the
# missing ones), then configures and builds build/ptvisor.
#   scripts/setup.sh [BUILD_DIR [MESON_OPTION...]]
set -eu
cd "$(dirname "$0")/.."

packages="gcc clang meson ninja-build pkg-config libseccomp-dev libcmocka-dev
python3 procps util-linux bsdutils coreutils bash strace gdb ltrace"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

build=${1:-build}
[ $# -gt 0 ] && shift
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$@" >/dev/null
fi
ninja -C "$build" >/dev/null
