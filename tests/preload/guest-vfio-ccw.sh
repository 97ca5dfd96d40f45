#!/usr/bin/env bash
# Guest test of the preload library: Debian's qemu-system-s390x 7.2 boots
# the guest kit with -device vfio-ccw through `ccwpass run` against a live
# ccwpassd, three times: with plain anonymous guest RAM (`--private-ram`),
# with a shared memfd memory backend given on the command line, and with
# the seed's plain command line, to which `ccwpass run` adds the shared
# memfd itself. The guest must list the device (lscss -d 0.0.1234), bring
# it online as a DASD and read it. With CCWPASS_PRELOAD_DEBUG the library
# says how it handed guest RAM (1 GiB at iova 0) to ccwpassd: plain RAM has
# no file, and the connection negotiated ccwpass.process_vm (ccwpassd
# copies it with process_vm_readv/writev, docs/protocol.md "Direct access
# to client memory"); memfd RAM is mapped as a shared file, zero-copy.
#
# Skips (exit 77) until ccwpassd and `ccwpass run` exist, or without root,
# /dev/fuse or qemu-system-s390x. Prints PASS/FAIL per check and
# "N passed, N failed"; exit 0 when all pass.
# Env: CCWPASS_BUILD (meson build root), GUEST_TIMEOUT (default 300 s).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CCWPASS_BUILD:-$ROOT/build}
DAEMON=$BUILD/src/daemon/ccwpassd
CLI=$BUILD/src/cli/ccwpass
TIMEOUT=${GUEST_TIMEOUT:-300}
UUID=7e0b5d3c-2a1f-4e6d-9c8b-0123456789ab

# shellcheck source=tests/guest/lib.sh
. "$ROOT/tests/guest/lib.sh"
[ -x "$DAEMON" ] || skip "no ccwpassd at $DAEMON yet"
[ -x "$CLI" ] && "$CLI" run --help >/dev/null 2>&1 || skip "no 'ccwpass run' yet"
[ "$(id -u)" = 0 ] || skip "needs root (mount namespace, FUSE)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
command -v qemu-system-s390x >/dev/null || skip "no qemu-system-s390x"


WORK=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-preload-guest.XXXXXX")
DPID=
cleanup() {
    [ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    rm -rf -- "$WORK"
}
trap cleanup EXIT
RUN=$WORK/run
mkdir -p "$RUN" "$WORK/etc"

"$ROOT/scripts/guest-kit" --quiet || { bad "guest kit builds"; exit 1; }

# A small 3390 volume on subchannel 0.0.0313 (docs/inventory.md).
cat >"$WORK/inventory.conf" <<'CONF'
[subchannel 0.0.0313]
devno     = 0.0.2b09
chpids    = 1a
device    = 3390-1
cylinders = 30
image     = vol.cckd
create    = cdl
CONF

"$DAEMON" --config "$WORK/inventory.conf" --runtime-dir "$RUN" \
    --etc-dir "$WORK/etc" --foreground >"$WORK/daemon.log" 2>&1 &
DPID=$!
view_up() { [ -e "$RUN/sys/bus/css/devices/0.0.0313" ] || pid_gone "$DPID"; }
wait_for view_up
check "ccwpassd serves its sysfs view" test -e "$RUN/sys/bus/css/devices/0.0.0313"

# The seed's manual procedure: hand the subchannel to vfio_ccw, create the mdev.
"$CLI" run --runtime-dir "$RUN" -- sh -ec "
    echo 0.0.0313 > /sys/bus/css/devices/0.0.0313/driver/unbind
    echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/bind
    echo $UUID > /sys/bus/css/devices/0.0.0313/mdev_supported_types/vfio_ccw-io/create
    test -e /sys/bus/mdev/devices/$UUID" >"$WORK/setup.log" 2>&1
check "mdev $UUID created through ccwpass run" test $? -eq 0

cat >"$WORK/guest.sh" <<'GUEST'
#!/bin/bash
lscss -d 0.0.1234
chccwdev -e 0.0.1234
echo "online rc=$?"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/dasda ] && break; sleep 0.5; done
lsdasd 0.0.1234
dd if=/dev/dasda of=/dev/null bs=4096 count=16 2>/dev/null
echo "read rc=$?"
chccwdev -d 0.0.1234
echo "offline rc=$?"
GUEST

boot() {   # boot NAME RUN_OPTS EXTRA_QEMU_ARGS...
    local name=$1 opts=$2 out=$WORK/$1.out rc=0
    shift 2
    CCWPASS_PRELOAD_DEBUG=1 QEMU_WRAPPER="$CLI run --runtime-dir $RUN $opts --" \
        "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$WORK/$name.log" \
        --script "$WORK/guest.sh" -- \
        -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID" \
        "$@" >"$out" || rc=$?
    local n0=$FAILS
    check "$name: guest-run exits 0 (got $rc)" test "$rc" -eq 0
    check "$name: lscss lists 0.0.1234 as a 3390 behind a 3990" \
        has "$out" '^0\.0\.1234 +0\.0\.[0-9a-f]{4} +3390/[0-9a-f]{2} +3990/[0-9a-f]{2}'
    check "$name: chccwdev sets it online" has "$out" '^online rc=0$'
    check "$name: lsdasd shows it active" has "$out" '^0\.0\.1234 +active'
    check "$name: the guest reads the volume" has "$out" '^read rc=0$'
    check "$name: chccwdev sets it offline" has "$out" '^offline rc=0$'
    if [ "$FAILS" -ne "$n0" ]; then
        sed 's/^/  | /' "$out"
        grep -a 'ccwpass' "$WORK/$name.log" | tail -n 20 | sed 's/^/  log| /'
    fi
}

# How guest RAM reached ccwpassd (the library's debug lines in QEMU's
# stderr, which guest-run puts in the log).
RAM_MAP='^ccwpass-preload: map iova 0x0 size 0x40000000 vaddr 0x[0-9a-f]+ prot 3: '
CONNECTED="^ccwpass-preload: mdev $UUID: connected to .*RAM without file: "

boot plain --private-ram -nic none
check "plain: guest RAM mapped without a file" \
    has "$WORK/plain.log" "${RAM_MAP}no file, process_vm or DMA messages"
check "plain: 'RAM without file: process_vm' negotiated with ccwpassd" \
    has "$WORK/plain.log" "${CONNECTED}process_vm \\(DMA messages as fallback\\)"
boot memfd "" -nic none -object memory-backend-memfd,id=mem,size=1G,share=on \
    -machine memory-backend=mem
check "memfd: guest RAM mapped as 'shared file, zero-copy'" \
    has "$WORK/memfd.log" "${RAM_MAP}shared file, zero-copy"
check "memfd: no guest RAM mapped without a file" \
    sh -c "! grep -q '^ccwpass-preload: map .*: no file' '$WORK/memfd.log'"

boot seed "" -nic none
check "seed: ccwpass run makes the guest RAM a shared memfd" \
    has "$WORK/seed.log" "^ccwpass run: guest RAM \\(1024 MiB\\) shared with ccwpassd"
check "seed: guest RAM mapped as 'shared file, zero-copy'" \
    has "$WORK/seed.log" "${RAM_MAP}shared file, zero-copy"

if [ "$FAILS" -ne 0 ]; then
    echo "  --- ccwpassd log ---"
    tail -n 30 "$WORK/daemon.log" | sed 's/^/  | /'
fi
if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
