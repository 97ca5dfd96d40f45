#!/usr/bin/env bash
# A volume filled past 4 GiB by the guest (issue 8, point 0): the default
# volume format (CCKD64) holds a 3390-9's capacity of random data, where a
# CCKD file stopped at 4 GiB. The guest copies 4.6 GB of host-made random
# data from a virtio-blk disk onto the DASD partition (O_DIRECT, 1 MiB),
# then copies the partition back onto a second virtio-blk disk; the host
# compares every byte. Random data does not compress, so the image file
# grows past 4 GiB. Not in the default run (suite 'long', several minutes
# and ~14 GB of $TMPDIR): meson test -C build-test --suite long.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MIB=${FILL_MIB:-4600}              # > 4096: the CCKD limit
UUID=1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 3600
host_workdir guest-fill
free=$(df -Pk "$W" | awk 'NR==2 { print int($4 / 1024) }')
[ "$free" -gt $((MIB * 3 + 1024)) ] || skip "needs $((MIB * 3 + 1024)) MiB free in $W (has $free)"

need_kit
# The default volume: a 3390-9 in the default format.
cat >"$W/inventory.conf" <<'CONF'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a
device = 3390-9
image  = vol.img
volser = 0X2B09
create = cdl
CONF
start_daemon --mdevctl none
check "the default volume is CCKD64" \
    test "$(head -c 8 "$W/vol.img")" = CKD_C064
pass_through 0.0.0313 "$UUID"

# Random data the guest cannot compress, made fast on the host.
head -c $((MIB << 20)) /dev/urandom >"$W/src.raw"
truncate -s $((MIB << 20)) "$W/dst.raw"

cat >"$W/guest.sh" <<GUEST
#!/bin/bash
chccwdev -e 0.0.1234 >/dev/null || exit 1
for _ in \$(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
# vda / vdb come in probe order: find the disks by their serials.
dev_by_serial() { for d in /sys/block/vd*; do [ "\$(cat \$d/serial)" = "\$1" ] && basename \$d; done; }
SRC=/dev/\$(dev_by_serial src) DST=/dev/\$(dev_by_serial dst)
echo "src \$SRC dst \$DST"
cat /sys/block/dasda/dasda1/size
dd if=\$SRC of=/dev/dasda1 bs=1M count=$MIB iflag=direct oflag=direct 2>&1 | tail -n1
echo "write rc=\${PIPESTATUS[0]}"
dd if=/dev/dasda1 of=\$DST bs=1M count=$MIB iflag=direct oflag=direct 2>&1 | tail -n1
echo "read rc=\${PIPESTATUS[0]}"
GUEST

QEMU_WRAPPER="$CLI run -q -r $RT -e $ETC --" \
    "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/console.log" \
    --script "$W/guest.sh" -- -nic none \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID" \
    -drive "file=$W/src.raw,if=none,id=src,format=raw,cache=none,aio=threads,readonly=on" \
    -device virtio-blk-ccw,drive=src,serial=src \
    -drive "file=$W/dst.raw,if=none,id=dst,format=raw,cache=none,aio=threads" \
    -device virtio-blk-ccw,drive=dst,serial=dst >"$W/out" 2>"$W/err"
rc=$?
cat "$W/out"
check "the guest ran (rc $rc)" test "$rc" -eq 0
check "the guest wrote $MIB MiB to the DASD" has_line "$W/out" "write rc=0"
check "the guest read them back" has_line "$W/out" "read rc=0"
check "every byte came back" cmp -s "$W/src.raw" "$W/dst.raw"
size=$(stat -c %s "$W/vol.img")
echo "image file: $size bytes"
check "the image file grew past 4 GiB ($size bytes)" test "$size" -gt 4294967296
check "no error in the daemon log" sh -c "! grep -E ' (error|crit|alert|emerg):' '$W/daemon.log'"
if ((FAILS)); then
    tail -n 20 "$W/daemon.log"; tail -n 20 "$W/err"
    echo "$FAILS check(s) failed"; exit 1
fi
echo "all checks passed"
