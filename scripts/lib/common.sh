# shellcheck shell=bash
# ccwpass: shared settings for scripts/demo, scripts/test and .ci/run.

CCWPASS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CCWPASS_CACHE=${CCWPASS_CACHE:-/var/cache/ccwpass}

# Host packages (Debian 12) the build, the tests and the demo need.
CCWPASS_HOST_PKGS=(
    build-essential pkg-config meson ninja-build python3
    zlib1g-dev libbz2-dev libisal-dev libfuse3-dev fuse3 libcmocka-dev libsystemd-dev
    clang libclang-rt-14-dev llvm-14
    qemu-system-misc mdevctl driverctl hercules
    cpio uuid-runtime util-linux kmod bc systemd systemd-container groff-base
    libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients
)

# shellcheck source=scripts/lib/deps.sh
. "$CCWPASS_ROOT/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/wait.sh
. "$CCWPASS_ROOT/scripts/lib/wait.sh"
# shellcheck source=scripts/lib/lock.sh
. "$CCWPASS_ROOT/scripts/lib/lock.sh"

ccwpass_log() {
    printf '==> %s\n' "$*"
}

# ccwpass_usage FILE: print FILE's header comment (from line 2 to its
# "set -euo" line) without the comment marks: a script's --help.
ccwpass_usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$1"
}

# ccwpass_build DIR [meson options...]: configure once, then build.
ccwpass_build() {
    local dir=$1
    shift
    if [[ ! -f "$dir/build.ninja" ]]; then
        ccwpass_log "configuring $(basename "$dir") $*"
        meson setup "$dir" "$CCWPASS_ROOT" "$@" >"$dir.setup.log" 2>&1 || {
            cat "$dir.setup.log" >&2
            return 1
        }
    fi
    ccwpass_log "building $(basename "$dir")"
    ninja -C "$dir" >"$dir.build.log" 2>&1 || {
        tail -n 60 "$dir.build.log" >&2
        return 1
    }
}
