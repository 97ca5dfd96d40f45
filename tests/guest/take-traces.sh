#!/usr/bin/env bash
# take-traces.sh [OUTDIR]: (re)take the guest traces of docs/traces/ with
# this build (not a test; docs/guest-trace.md says how they are read).
# ccwpassd runs with the shipped default inventory (etc/inventory.conf:
# subchannel 0.0.0313, device 0.0.2b09, 3390-9 volume 0X2B09, CDL) in a
# temporary directory and --trace; the mdev (UUID 11111111-...) is created
# with the seed's manual sysfs procedure; stock QEMU runs through
# `ccwpass run` with the device at fe.0.1234.
#   linux-online-io-offline.txt  the guest kit: lscss -d 0.0.1234,
#       chccwdev -e 0.0.1234, 8 direct 4 KB reads and then writes at block
#       1000 of dasda1, chccwdev -d 0.0.1234
#   bios-ipl-probe.txt  bootindex=1 and no -kernel: the s390-ccw BIOS
# Timestamps and the subchannel column are dropped. OUTDIR defaults to
# docs/traces. Needs root, /dev/fuse, QEMU; CCWPASS_BUILD = meson build root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"
BUILD=${CCWPASS_BUILD:-$ROOT/build}
OUT=${1:-$ROOT/docs/traces}
DAEMON=$BUILD/src/daemon/ccwpassd
CLI=$BUILD/src/cli/ccwpass
UUID=11111111-2222-3333-4444-555555555555
SCH=0.0.0313

W=$(mktemp -d /tmp/ccwpass-traces.XXXXXX)
DPID=
cleanup() {
    if [[ -n "$DPID" ]] && kill -0 "$DPID" 2>/dev/null; then
        kill -TERM "$DPID"; wait "$DPID" 2>/dev/null || true
    fi
    if grep -q " $W/rt/sys " /proc/mounts; then umount -l "$W/rt/sys"; fi
    rm -rf -- "$W"
}
trap cleanup EXIT
mkdir -p "$W/rt" "$W/etc" "$OUT"
cp "$ROOT/etc/inventory.conf" "$W/inventory.conf"
"$ROOT/scripts/guest-kit" --quiet
ns() { "$CLI" run -q -r "$W/rt" -e "$W/etc" -- "$@"; }

# take NAME HEADER-LINE...: run the daemon and take_NAME with a fresh trace.
take() {
    local name=$1
    shift
    : >"$W/trace"
    "$DAEMON" -f -c "$W/inventory.conf" -r "$W/rt" -e "$W/etc" -t "$W/trace" \
        >>"$W/daemon.log" 2>&1 &
    DPID=$!
    wait_for test -e "$W/rt/sys/bus/css/devices/$SCH"
    ns sh -ec "
        echo $SCH > /sys/bus/css/devices/$SCH/driver/unbind
        echo $SCH > /sys/bus/css/drivers/vfio_ccw/bind
        echo $UUID > /sys/bus/css/devices/$SCH/mdev_supported_types/vfio_ccw-io/create"
    "take_$name"
    ns sh -c "echo 1 > /sys/bus/mdev/devices/$UUID/remove"
    kill -TERM "$DPID"; wait "$DPID" 2>/dev/null || true
    DPID=
    { printf '%s\n' "$@"; awk '$2 == "'$SCH'"' "$W/trace" | cut -d' ' -f3-; } \
        >"$OUT/$name.txt"
    echo "wrote $OUT/$name.txt ($(grep -c '^ssch' "$OUT/$name.txt") starts)"
}

take_linux-online-io-offline() {
    cat >"$W/guest.sh" <<'G'
set -e
lscss -d 0.0.1234
chccwdev -e 0.0.1234
dd if=/dev/dasda1 of=/tmp/blk bs=4096 skip=1000 count=8 iflag=direct 2>/dev/null
dd if=/tmp/blk of=/dev/dasda1 bs=4096 seek=1000 count=8 oflag=direct 2>/dev/null
chccwdev -d 0.0.1234
G
    QEMU_WRAPPER="$CLI run -q -r $W/rt -e $W/etc --" "$ROOT/scripts/guest-run" \
        --script "$W/guest.sh" -- -nic none \
        -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID"
}

take_bios-ipl-probe() {
    timeout 300 "$CLI" run -q -r "$W/rt" -e "$W/etc" -- qemu-system-s390x \
        -M s390-ccw-virtio -cpu max -m 512 -nographic -no-reboot -nic none \
        -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID,bootindex=1" \
        </dev/null | tr -d '\r'
}

QV=$(qemu-system-s390x --version | sed -n 's/.*version \([^ ]*\).*/\1/p')
take linux-online-io-offline \
    "# ccwpassd --trace: Debian 6.1 s390x guest, QEMU $QV, vfio-ccw at fe.0.1234 (sch $SCH, 3390-9)" \
    "# guest: lscss -d 0.0.1234; chccwdev -e 0.0.1234; dd read 8 x 4K at block 1000 of dasda1 (O_DIRECT); dd write the same; chccwdev -d 0.0.1234" \
    "# taken with tests/guest/take-traces.sh; timestamps and the sch column removed; format: docs/vfio-ccw.md \"Tracing\""
take bios-ipl-probe \
    "# ccwpassd --trace: QEMU $QV s390-ccw BIOS probing the DASD (-device vfio-ccw,...,bootindex=1, no -kernel)" \
    "# console: LOADPARM=[        ] / dasd-ipl: IPL1 data invalid. Is this disk really bootable?" \
    "# taken with tests/guest/take-traces.sh; timestamps and the sch column removed"
