# shellcheck shell=bash
# Integration test support: a real ccwpassd on a temporary runtime
# directory with a small inventory, and `ccwpass run` to act inside the
# namespace. Sourced by test_*.sh; arguments: CCWPASSD CCWPASS SYSFS_IO.
set -euo pipefail

CCWPASSD=$(realpath "$1")
CCWPASS=$(realpath "$2")
SYSFS_IO=$(realpath "$3")
UUID1=7e270a25-e163-4922-af60-757fc8ed48c6
UUID2=6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920
FAILS=0
DPID=

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (mount namespaces, FUSE allow_other)"
[ -c /dev/fuse ] || skip "needs /dev/fuse"

T=$(mktemp -d /tmp/ccwpass-it.XXXXXX)
RT=$T/rt
ETC=$T/etc
mkdir -p "$RT" "$ETC"

# A test's own clean-up: EXTRA_CLEANUP is eval'ed first (the exit status
# is kept).
EXTRA_CLEANUP=
cleanup() {
    local rc=$?
    eval "$EXTRA_CLEANUP" || true
    if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
        kill -TERM "$DPID" 2>/dev/null || true
        wait "$DPID" 2>/dev/null || true
    fi
    if grep -q " $RT/sys " /proc/mounts; then umount -l "$RT/sys" || true; fi
    if [ "$rc" != 0 ] && [ -f "$T/daemon.log" ]; then
        echo "---- daemon log ----"; tail -n 40 "$T/daemon.log"
    fi
    rm -rf "$T"
    exit "$rc"
}
trap cleanup EXIT

write_inventory() {
    cat > "$T/inventory.conf" <<INV
[chpid 1a]
type = 1b

[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a 3a 0a
pim = f0
pam = f0
pom = ff
device = 3390-9
cylinders = 10
image = img/2b09.cckd
volser = 0X2B09
create = cdl

[subchannel 0.0.0314]
devno  = 0.0.2b0a
chpids = 1a 2a
device = 3390-3
cylinders = 5
image = img/2b0a.cckd
create = blank
INV
    mkdir -p "$T/img"
}

# wait_for CMD...: until it succeeds, with a deadline (scripts/lib/wait.sh).
# shellcheck source=../../scripts/lib/wait.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/wait.sh"

start_daemon() {
    [ -f "$T/inventory.conf" ] || write_inventory
    "$CCWPASSD" -f -c "$T/inventory.conf" -r "$RT" -e "$ETC" -l info "$@" \
        >> "$T/daemon.log" 2>&1 &
    DPID=$!
    if ! wait_for "$CCWPASS" status -r "$RT"; then
        echo "ccwpassd did not come up"; cat "$T/daemon.log"; exit 1
    fi
}

stop_daemon() {
    local rc=0
    kill -TERM "$DPID"
    wait "$DPID" || rc=$?
    DPID=
    check "daemon exit status after SIGTERM" 0 "$rc"
    check "view unmounted" no "$(grep -q " $RT/sys " /proc/mounts && echo yes || echo no)"
    check "pid file removed" no "$([ -e "$RT/ccwpassd.pid" ] && echo yes || echo no)"
}

# Run a command inside the namespace (the view at /sys, $ETC over /etc's).
ns() { "$CCWPASS" run -q -r "$RT" -e "$ETC" -- "$@"; }

check() {
    local what=$1 want=$2 got=$3
    if [ "$want" == "$got" ]; then
        echo "ok   $what"
    else
        echo "FAIL $what"; echo "     want: $want"; echo "     got:  $got"
        FAILS=$((FAILS + 1))
    fi
}

# One write(2) inside the namespace; prints OK <n> or the errno name.
sysw() { ns "$SYSFS_IO" write "$1" "$2"; }
sysr() { ns "$SYSFS_IO" read "$1"; }

finish() {
    if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
    echo "all checks passed"
}
