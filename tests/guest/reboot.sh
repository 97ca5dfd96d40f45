#!/usr/bin/env bash
# The guest reboots with a ccwpass DASD (`reboot` in the guest: QEMU's
# system reset, which resets the vfio-ccw device, then the same kernel
# again). The first boot writes random data and a marker to its DASD and
# reboots; the second finds the marker, recognises the DASD again
# (lscss, dasd-eckd) and reads the data back. QEMU is started by
# `ccwpass run -- timeout ... qemu-system-s390x` (the preload library
# reaches a QEMU behind a wrapper; guest-run's QEMU has -no-reboot).
# Suite 'long' (not in scripts/test): QEMU 7.2's TCG takes ~60 s to IPL
# again after a reset, the same without any ccwpass device (measured with
# a virtio-blk disk only, after `reboot -f` and after QMP system_reset).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
UUID=3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir guest-reboot
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"
need_kit
small_volume
start_daemon --mdevctl none
pass_through 0.0.0313 "$UUID"

cat >"$W/g.sh" <<'GUEST'
chccwdev -e 0.0.1234 >/dev/null
for _ in $(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
if dd if=/dev/dasda1 bs=4k count=1 skip=100 iflag=direct 2>/dev/null | grep -q '^BOOTED$'; then
    echo "second boot"
    lscss -d 0.0.1234 | grep '^0\.0\.1234' | awk '{print "lscss", $3, $4}'
    echo "read $(dd if=/dev/dasda1 bs=4k count=64 skip=200 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
    echo "ioerrors $(dmesg | grep -ciE 'i/o error|ERP failed')"
    echo "newdasd $(dmesg | grep -c 'New DASD 3390/0E')"
    echo "done"
    poweroff -f
else
    echo "first boot"
    dd if=/dev/urandom of=/tmp/d bs=4k count=64 2>/dev/null
    echo "wrote $(sha256sum </tmp/d | cut -d' ' -f1)"
    dd if=/tmp/d of=/dev/dasda1 bs=4k seek=200 oflag=direct 2>/dev/null
    printf 'BOOTED\n' | dd of=/dev/dasda1 bs=4k seek=100 count=1 conv=sync oflag=direct 2>/dev/null
    echo "rebooting"
    reboot -f
fi
GUEST
"$ROOT/scripts/guest-run" --prepare "$W/boot" --script "$W/g.sh" ||
    { bad "guest boot files (guest-run --prepare)"; exit 1; }
"$CLI" run -q -r "$RT" -e "$ETC" -- timeout "$TIMEOUT" qemu-system-s390x \
    -M s390-ccw-virtio -cpu max -m 1024 -nographic -nic none \
    -kernel "$W/boot/vmlinuz" -initrd "$W/boot/initrd" \
    -append "$(cat "$W/boot/cmdline")" \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID" \
    >"$W/console.log" 2>&1 </dev/null &
QPID=$!
# shellcheck disable=SC2317  # run by host_cleanup at exit
host_cleanup_hook() { kill "$QPID" 2>/dev/null; }
wait "$QPID"; RC=$?
QPID=
O=$W/console.txt
tr -d '\r' <"$W/console.log" >"$O"
check "QEMU ended by the guest's poweroff (rc $RC)" test "$RC" -eq 0
check "the first boot wrote and rebooted" \
    test "$(grep -cxE 'first boot|rebooting' "$O")" -eq 2
check "the second boot found the marker" has_line "$O" "second boot"
check "its lscss shows the DASD again" has_line "$O" "lscss 3390/0e 3990/e9"
SUM=$(sed -n 's/^wrote //p' "$O")
check "it reads back what the first boot wrote" has_line "$O" "read ${SUM:-none}"
check "no I/O error after the reboot" has_line "$O" "ioerrors 0"
check "dasd-eckd recognised the DASD after the reset" has_line "$O" "newdasd 1"
if ((FAILS)) || [ -n "${REBOOT_SHOW:-}" ]; then
    echo "---- console ----"; tail -n 80 "$O"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
