# shellcheck shell=bash
# Shared by the guest tests (tests/guest/*.sh, tests/preload/guest-*.sh):
# the meson skip code and ok/FAIL checks counted in FAILS. Sourced after
# HERE and ROOT are set.

skip() { echo "SKIP: $*"; exit 77; }

# The daemon, the CLI, root, FUSE and QEMU, or skip (77).
need_host() {   # need_host DAEMON CLI
    [ -x "$1" ] && [ -x "$2" ] || skip "ccwpassd / ccwpass not built in ${BUILD:-build}"
    [ "$(id -u)" = 0 ] || skip "needs root (mount namespace, FUSE)"
    [ -c /dev/fuse ] || skip "needs /dev/fuse"
    command -v qemu-system-s390x >/dev/null || skip "needs qemu-system-s390x"
}

FAILS=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; FAILS=$((FAILS + 1)); }
check() {   # check DESC COMMAND...
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else bad "$desc"; fi
}
has() { grep -Eq -- "$2" "$1"; }          # has FILE ERE
has_line() { grep -Fxq -- "$2" "$1"; }    # has_line FILE EXACT-LINE

