#!/usr/bin/env bash
# IPL from a ccwpass 3390 (issue 11, "Alongside"): a first boot puts an
# ext4 file system on the DASD's partition, copies the guest kit's kernel
# and an initramfs there and runs zipl on it; a second QEMU has no -kernel,
# only the DASD with bootindex=1: QEMU's s390-ccw BIOS loads zipl's boot
# loader, the kernel and the initramfs through vfio-ccw from ccwpassd, and
# the guest reports how it was IPLed (/sys/firmware/ipl: ccw, the DASD's
# device number).
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=5e1e0000-0000-4000-8000-0000001b0313

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir ipl
need_kit

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0313]
devno     = 0.0.2b09
chpids    = 1a 2a
device    = 3390-1
cylinders = 200
image     = 2b09.cckd
volser    = 0X2B09
create    = cdl
INV
start_daemon
pass_through 0.0.0313 "$U1"
check "0.0.0313 passed through" test $? -eq 0

# What the IPLed guest runs: how it was IPLed.
cat >"$W/ipled.sh" <<'EOF'
#!/bin/bash
for f in ipl_type device; do echo "ipl $f $(cat /sys/firmware/ipl/$f)"; done
lscss -d 0.0.1234 | tail -n1
EOF
"$ROOT/scripts/guest-run" --prepare "$W/dasdboot" --script "$W/ipled.sh" ||
    { bad "boot files for the DASD (guest-run --prepare)"; exit 1; }

# Boot 1: the kernel, that initramfs and zipl's boot record onto the DASD.
cat >"$W/install.sh" <<'EOF'
#!/bin/bash
chccwdev -e 0.0.1234 >/dev/null && echo online
for _ in $(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
mkfs.ext4 -q /dev/dasda1 && mount -t ext4 /dev/dasda1 /mnt && mkdir /mnt/boot &&
    cp /boot-files/vmlinuz /boot-files/initrd /mnt/boot/ && echo copied
zipl -t /mnt/boot -i /mnt/boot/vmlinuz -r /mnt/boot/initrd \
    -P "$(cat /boot-files/cmdline)" >/tmp/zipl.out 2>&1; echo "zipl rc $?"
tail -n 3 /tmp/zipl.out
umount /mnt && echo unmounted
EOF
QEMU_WRAPPER="$CLI run -q -r $RT -e $ETC --" \
    "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/install.log" \
    --script "$W/install.sh" \
    --file "$W/dasdboot/vmlinuz:/boot-files/vmlinuz" \
    --file "$W/dasdboot/initrd:/boot-files/initrd" \
    --file "$W/dasdboot/cmdline:/boot-files/cmdline" -- \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1" \
    >"$W/install.out" 2>"$W/install.err"
RC=$?
O=$W/install.out
check "boot 1 ran its script (rc $RC)" test "$RC" -eq 0
check "the kernel and initramfs on the DASD's file system" has_line "$O" copied
check "zipl wrote the boot record (rc 0)" has_line "$O" "zipl rc 0"
check "unmounted" has_line "$O" unmounted

# Boot 2: no -kernel; the BIOS IPLs from the DASD.
timeout "$TIMEOUT" "$CLI" run -q -r "$RT" -e "$ETC" -- qemu-system-s390x \
    -M s390-ccw-virtio -cpu max -m 1024 -nographic -no-reboot -nic none \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1,bootindex=1" \
    </dev/null >"$W/ipl.log" 2>&1
RC=$?
check "the IPLed guest ran and powered off (QEMU rc $RC)" test "$RC" -eq 0
"$ROOT/scripts/guest-run" --console "$W/ipl.log" >"$W/ipl.out" 2>"$W/ipl.err"
RC=$?
O=$W/ipl.out
check "the IPLed guest's script ended (rc $RC)" test "$RC" -eq 0
check "/sys/firmware/ipl/ipl_type: ccw" has_line "$O" "ipl ipl_type ccw"
check "/sys/firmware/ipl/device: 0.0.1234" has_line "$O" "ipl device 0.0.1234"
check "the IPL device in its lscss: a 3390 behind a 3990" \
    has "$O" '^0\.0\.1234 0\.0\.[0-9a-f]{4}  3390/[0-9a-f]{2} 3990/e9 '

if ((FAILS)); then
    cat "$W/install.out" "$W/ipl.out"; tr -d '\r' <"$W/ipl.log" | tail -n 20
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
