# shellcheck shell=bash
# Shared by the guest tests (tests/guest/*.sh, tests/preload/guest-*.sh):
# the meson skip code and ok/FAIL checks counted in FAILS. Sourced after
# HERE and ROOT are set.

skip() { echo "SKIP: $*"; exit 77; }

# wait_for [-t SECS] CMD...: until it succeeds, with a deadline.
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"

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

# The seed's guest session (seeds/003) in FILE, line for line: lscss -d,
# chccwdev -e, the dasd-eckd messages and the partition line. One check
# per line.
check_seed_lines() {   # check_seed_lines FILE
    local f=$1 l
    check "lscss -d 0.0.1234: 3390/0e 3990/e9, f0 f0 ff, 1a2a3a0a 00000000" \
        has "$f" '^0\.0\.1234 0\.0\.[0-9a-f]{4}  3390/0e 3990/e9 +f0  f0  ff   1a2a3a0a 00000000 *$'
    check "chccwdev: Setting device 0.0.1234 online" has_line "$f" "Setting device 0.0.1234 online"
    check "chccwdev: Done" has_line "$f" "Done"
    for l in "dasd-eckd 0.0.1234: A channel path to the device has become operational" \
             "dasd-eckd 0.0.1234: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, 15 heads, 224 sectors" \
             "dasd-eckd 0.0.1234: DASD with 4 KB/block, 7212240 KB total size, 48 KB/track, compatible disk layout"; do
        check "dmesg: $l" has_line "$f" "$l"
    done
    check "dmesg: dasda:VOL1/  0X2B09: dasda1" grep -Fq "dasda:VOL1/  0X2B09: dasda1" "$f"
}
