#!/usr/bin/env bash
# The README's main command: scripts/demo (default variant: driverctl +
# mdevctl, plain guest RAM, devno fe.0.1234; then --ipl: zipl onto the
# DASD and a second guest IPLed from it) with a host of its own
# (--private: own ccwpassd, runtime dir, /etc state and volume in a
# temporary directory; CCWPASS_BUILD: this build). It must exit 0 and its
# output must show the seed's guest session: the lscss -d line (3390/0e
# 3990/e9, f0 f0 ff, 1a2a3a0a 00000000), 'Setting device 0.0.1234 online',
# 'Done', the three dasd-eckd lines and 'dasda:VOL1/  0X2B09: dasda1'
# verbatim, and its own closing "(checked: ...)" line. Then the demo's
# session check must reject that same session with a line missing or with
# different checksums (so the demo's exit status means something).
# Prints ok/FAIL per check; skips (77) without root, /dev/fuse, QEMU or the
# built binaries.
# Env: CCWPASS_BUILD (meson build root).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CCWPASS_BUILD:-$ROOT/build}

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
need_host "$BUILD/src/daemon/ccwpassd" "$BUILD/src/cli/ccwpass"

W=$(mktemp -d /tmp/ccwpass-demo-test.XXXXXX)
cleanup() {
    if grep -q " $W/host/run/sys " /proc/mounts; then umount -l "$W/host/run/sys"; fi
    rm -rf -- "$W"
}
trap cleanup EXIT

# No terminal: strip the demo's bold escapes before matching.
CCWPASS_BUILD=$BUILD "$ROOT/scripts/demo" --ipl --private "$W/host" </dev/null \
    >"$W/demo.raw" 2>"$W/demo.err"
RC=$?
sed 's/\x1b\[[0-9;]*m//g' "$W/demo.raw" >"$W/demo.out"
O=$W/demo.out
check "scripts/demo exits 0 (got $RC)" test "$RC" -eq 0
check_seed_lines "$O"
check "the demo checked the session itself" grep -q '^(checked: the seed' "$O"
check "--ipl: a second guest IPLed from the DASD (/sys/firmware/ipl: ccw, 0.0.1234)" \
    has_line "$O" "(checked: the guest was IPLed from the ccwpass DASD 0.0.1234)"
check "the private host's ccwpassd is gone afterwards" \
    sh -c "! grep -q ' $W/host/run/sys ' /proc/mounts"

# The session as the demo saw it: from its QEMU command line to the end.
sed -n '/^\[root@host ~\]# ccwpass run -- qemu-system-s390x -cpu/,/^(checked: the seed/p' "$O" >"$W/session"
check "scripts/demo --check accepts the session" "$ROOT/scripts/demo" --check "$W/session"
grep -vFx "Done" "$W/session" >"$W/no-done"
check "scripts/demo --check rejects it without 'Done'" \
    sh -c "! '$ROOT/scripts/demo' --check '$W/no-done' 2>/dev/null"
grep -v 'New DASD' "$W/session" >"$W/no-new"
check "scripts/demo --check rejects it without 'New DASD'" \
    sh -c "! '$ROOT/scripts/demo' --check '$W/no-new' 2>/dev/null"
sed 's|^[0-9a-f]\{64\}  -$|0000000000000000000000000000000000000000000000000000000000000000  -|' \
    "$W/session" >"$W/bad-sum"
check "scripts/demo --check rejects a different read checksum" \
    sh -c "! '$ROOT/scripts/demo' --check '$W/bad-sum' 2>/dev/null"

if ((FAILS)); then
    echo "---- demo output ----"; cat "$W/demo.out" "$W/demo.err"
    [ -f "$W/host/console.log" ] && { echo "---- console (tail) ----"; tail -n 40 "$W/host/console.log"; }
    echo "$FAILS check(s) failed"; exit 1
fi
echo "all checks passed"
