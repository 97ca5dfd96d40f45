#!/usr/bin/env bash
# Guest test of the preload library alone (no ccwpassd needed): Debian's
# qemu-system-s390x 7.2 with -device vfio-ccw and LD_PRELOAD, its sysfs
# reads served by a small fake /sys bind-mounted in a private mount
# namespace (unshare -m), the device by pl_testsrv --ccw (answers SENSE ID
# with 3990-E9 / 3390-0C). Booted twice: plain guest RAM (process_vm) and
# a shared memfd backend (zero-copy). The guest's `lscss -d 0.0.1234` must
# show the 3390 behind the 3990 — a real SSCH round trip through QEMU, the
# library and vfio-user, with the sense data DMA-written into guest memory.
#
# Needs root (mount namespace) and qemu-system-s390x, else skips (77).
# Env: PL_LIB, PL_TESTSRV (set by meson), GUEST_TIMEOUT (default 300 s).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TIMEOUT=${GUEST_TIMEOUT:-300}
UUID=0b7c5e3a-9d2f-4c1e-8a6b-3f2e1d0c9b8a
GROUP=7

# shellcheck source=tests/guest/lib.sh
. "$ROOT/tests/guest/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (unshare -m, mount --bind)"
command -v unshare >/dev/null || skip "no unshare"
command -v qemu-system-s390x >/dev/null || skip "no qemu-system-s390x"
[ -f "${PL_LIB:-}" ] && [ -x "${PL_TESTSRV:-}" ] || skip "PL_LIB / PL_TESTSRV not set"


WORK=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-preload-fake.XXXXXX")
SPID=
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
    rm -rf -- "$WORK"
}
trap cleanup EXIT

"$ROOT/scripts/guest-kit" --quiet || { bad "guest kit builds"; exit 1; }

# What QEMU 7.2 reads at realize (shared/research/qemu-vfio-ccw-interface.md):
# realpath(sysfsdev), pimpampom, chpids, chp type, the iommu_group link.
SYS=$WORK/sys
SCH=$SYS/bus/css/devices/0.0.0313
mkdir -p "$SCH/$UUID" "$SYS/devices/css0/chp0.1b" \
    "$WORK/run/sys/kernel/iommu_groups/$GROUP/devices" "$WORK/run/vfio-user"
echo "80 80 ff" >"$SCH/pimpampom"
echo "1b 00 00 00 00 00 00 00 " >"$SCH/chpids"
echo "1b" >"$SYS/devices/css0/chp0.1b/type"
ln -s "../../../../../kernel/iommu_groups/$GROUP" "$SCH/$UUID/iommu_group"
: >"$WORK/run/sys/kernel/iommu_groups/$GROUP/devices/$UUID"

"$PL_TESTSRV" --ccw "$WORK/run/vfio-user/$UUID.sock" 3 3>"$WORK/ready" \
    >"$WORK/server.log" 2>&1 &
SPID=$!
wait_for test -s "$WORK/ready"
check "test server listens" test -s "$WORK/ready"

cat >"$WORK/wrap.sh" <<WRAP
#!/bin/bash
# --propagation private needs / to be a mount point, which it is not in a
# chroot; making /sys private is what the bind mount below needs.
exec unshare -m --propagation unchanged bash -c 'mount --make-rprivate /sys &&
    mount --bind "$SYS" /sys &&
    exec env LD_PRELOAD="$PL_LIB" CCWPASS_RUNTIME_DIR="$WORK/run" \
    CCWPASS_PRELOAD_DEBUG=1 "\$@"' wrap "\$@"
WRAP
chmod +x "$WORK/wrap.sh"

cat >"$WORK/guest.sh" <<'GUEST'
#!/bin/bash
lscss -d 0.0.1234
GUEST

boot() {   # boot NAME MAP_WORDS ACCESS_WORDS EXTRA_QEMU_ARGS...
    local name=$1 mode=$2 access=$3 out=$WORK/$1.out log=$WORK/$1.log rc=0
    shift 3
    QEMU_WRAPPER="$WORK/wrap.sh" "$ROOT/scripts/guest-run" \
        --timeout "$TIMEOUT" --log "$log" --script "$WORK/guest.sh" -- \
        -nic none \
        -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$SCH/$UUID" \
        "$@" >"$out" 2>/dev/null || rc=$?
    local n0=$FAILS
    check "$name: guest-run exits 0 (got $rc)" test "$rc" -eq 0
    check "$name: QEMU got a device fd" \
        has "$log" 'ccwpass-preload: ioctl\([0-9]+, VFIO_GROUP_GET_DEVICE_FD, .*\) = [0-9]+'
    check "$name: guest RAM mapped with $mode" \
        has "$log" "ccwpass-preload: map iova 0x0 size 0x40000000 .*: $mode"
    check "$name: RAM without file reached with $access" \
        has "$log" "ccwpass-preload: mdev $UUID: connected .*RAM without file: $access"
    check "$name: the guest's SSCH went through pwrite" \
        has "$log" 'ccwpass-preload: pwrite\([0-9]+, 124 bytes, offset 0x0\) = 124'
    check "$name: lscss -d 0.0.1234 shows 3390/0c on 3990/e9" \
        has "$out" '^0\.0\.1234 +0\.0\.[0-9a-f]{4} +3390/0c +3990/e9 +80 +80 +80 +1b000000'
    if [ "$FAILS" -ne "$n0" ]; then
        sed 's/^/  | /' "$out"
        grep -a 'ccwpass-preload\|qemu-system' "$log" | tail -n 20 | sed 's/^/  log| /'
    fi
}

# Plain RAM: the test server (another process, root) reads and writes
# QEMU's memory with process_vm_readv/writev; memfd RAM: zero-copy.
boot plain "no file, process_vm or DMA messages" "process_vm"
boot memfd "shared file, zero-copy" "process_vm" \
    -object memory-backend-memfd,id=mem,size=1G,share=on -machine memory-backend=mem

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
