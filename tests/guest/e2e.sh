#!/usr/bin/env bash
# Acceptance: the QEMU documentation's vfio-ccw session (seeds/003), for
# real. ccwpassd serves two 3390 DASDs; the host side is set up with the
# real driverctl and mdevctl (subchannel 0.0.0313, as the seed) and with the
# seed's manual sysfs procedure (0.0.0314); Debian's unmodified
# qemu-system-s390x 7.2 boots the unmodified s390x guest kit through
# `ccwpass run`. Boots:
#   1. the seed: device at fe.0.1234; lscss -d, chccwdev -e, dmesg lines
#      verbatim; known data written to /dev/dasda1 and read back. The
#      channel programs the guest sent from recognition to online
#      (ccwpassd --trace, reduced by ccw-seq.sh to commands, flags, counts
#      and status) equal tests/guest/expected/seed-online.ccws, and so
#      does the trace in docs/traces/ that docs/guest-trace.md walks through;
#      the data moved by Read / Write Track Data, no unit check after online.
#   then the daemon is killed (SIGKILL): the data must already be in the
#   image file (read on the host); ccwpassd restarts and, from the saved
#   driverctl override and mdevctl definition, recreates the same mdev.
#   2. the same DASD at another devno (fe.0.5678), QEMU given seed 000's
#      feature-page spelling -M s390-ccw-virtio,s390-squash-mcss=on: online
#      (Done, New DASD), the data reads back.
#   3. two DASDs on two subchannels in one guest, both online (both New
#      DASD lines) and usable.
#   4. bootindex=1 and no -kernel: QEMU's s390-ccw BIOS probes the DASD and
#      gives up cleanly (not bootable): QEMU exits 0 by itself (disabled
#      wait + -no-reboot), nothing on its stderr from QEMU or the preload
#      library. Then seed 000's own command line works with the mdev:
#      -M s390-ccw-virtio,s390-squash-css=on and -device vfio-ccw with no
#      devno; ccwpass run says what it did, the guest finds the DASD at the
#      devno QEMU picked, brings it online and reads boot 1's data.
# Prints ok/FAIL per check and exits non-zero on any failure; skips (77)
# without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD (meson build root), GUEST_TIMEOUT (default 300 s),
# CCWPASS_E2E_KEEP=DIR (copy the traces, consoles and outputs there).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=7e270a25-e163-4922-af60-757fc8ed48c6    # the seed's UUID
U2=6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920    # seed 000's UUID

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir e2e
need_kit

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a 3a 0a
pim    = f0
pam    = f0
pom    = ff
device = 3390-9
image  = 2b09.cckd
volser = 0X2B09
create = cdl

[subchannel 0.0.0314]
devno     = 0.0.2b0a
chpids    = 1a 2a
device    = 3390-1
cylinders = 50
image     = 2b0a.cckd
volser    = 0X2B0A
create    = cdl
INV

# boot NAME GUEST-SCRIPT QEMU-ARGS...: console session in $W/NAME.out
boot() {
    local name=$1 script=$2
    shift 2
    QEMU_WRAPPER="$CLI run -r $RT -e $ETC --" \
        "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/$name.log" \
        --script "$script" -- "$@" >"$W/$name.out" 2>"$W/$name.err"
}
show() { echo "---- $1 ----"; cat "$W/$1.out" "$W/$1.err"; }

start_daemon -t "$W/trace.txt"

# ---- Step 1 of the seed: the host (driverctl + mdevctl; and by hand) ----
ns driverctl -b css set-override 0.0.0313 vfio_ccw
check "driverctl -b css set-override 0.0.0313 vfio_ccw" test $? -eq 0
ns mdevctl define -u "$U1" -p 0.0.0313 -t vfio_ccw-io -a &&
    ns mdevctl start -u "$U1"
check "mdevctl define -a + start $U1 on 0.0.0313" test $? -eq 0
pass_through 0.0.0314 "$U2"
check "manual unbind / bind / create $U2 on 0.0.0314" test $? -eq 0

# ---- Boot 1: the seed's guest session, plus known data ----
cat >"$W/g1.sh" <<'EOF'
lscss -d 0.0.1234
chccwdev -e 0.0.1234
dmesg -t | grep -E 'dasd|0\.0\.1234'
dd if=/dev/urandom of=/tmp/data bs=4096 count=1024 2>/dev/null
echo "wrote $(sha256sum </tmp/data)"
dd if=/tmp/data of=/dev/dasda1 bs=4096 seek=300 conv=fsync 2>/dev/null
echo 3 >/proc/sys/vm/drop_caches
echo "read $(dd if=/dev/dasda1 bs=4096 skip=300 count=1024 2>/dev/null | sha256sum)"
EOF
# Every start posted (by default only while another device has one in
# flight: docs/preload.md "Posted starts").
CCWPASS_PRELOAD_POSTED_START=1 \
boot seed "$W/g1.sh" -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1"
check "boot 1 (seed) runs its script" test $? -eq 0
O=$W/seed.out
check "lscss header" has "$O" '^Device +Subchan\. +DevType CU Type Use +PIM PAM POM +CHPIDs?'
check_seed_lines "$O"
SUM=$(sed -n 's/^wrote \([0-9a-f]\{64\}\).*/\1/p' "$O")
check "guest wrote data (checksum $SUM)" test -n "$SUM"
check "guest reads back what it wrote" has "$O" "^read $SUM"
((FAILS)) && show seed
# The channel programs from recognition to online, as docs/guest-trace.md
# shows them (only this boot's: the trace file is copied before boot 2).
cp "$W/trace.txt" "$W/seed-trace.txt"
"$HERE/ccw-seq.sh" "$W/seed-trace.txt" 0.0.0313 >"$W/seed-online.ccws"
check "guest's channel programs, boot to online, match expected/seed-online.ccws ($(grep -c '^ssch' "$W/seed-online.ccws") starts)" \
    cmp -s "$HERE/expected/seed-online.ccws" "$W/seed-online.ccws"
if ! cmp -s "$HERE/expected/seed-online.ccws" "$W/seed-online.ccws"; then
    diff -u "$HERE/expected/seed-online.ccws" "$W/seed-online.ccws" | head -n 60
fi
check "docs/traces/linux-online-io-offline.txt shows the same sequence" \
    sh -c "'$HERE/ccw-seq.sh' '$ROOT/docs/traces/linux-online-io-offline.txt' | cmp -s '$HERE/expected/seed-online.ccws' -"
# The data went a track a command: the feature codes announce Prefix,
# Read Track Data and Write Track Data (docs/eckd.md); and after going
# online no program ended in a unit check.
NRTD=$(grep -c ' 0\.0\.0313 ccw .*cmd=a6(' "$W/seed-trace.txt")
NWTD=$(grep -c ' 0\.0\.0313 ccw .*cmd=a5(' "$W/seed-trace.txt")
check "the guest's data moved by Read / Write Track Data ($NRTD / $NWTD commands)" \
    test "$NRTD" -gt 0 -a "$NWTD" -gt 0
# QEMU's starts were posted (docs/preload.md "Posted starts"): every one.
NSSCH=$(grep -c ' 0\.0\.0313 ssch ' "$W/seed-trace.txt")
check "with CCWPASS_PRELOAD_POSTED_START=1 every start of boot 1 was posted ($NSSCH starts)" \
    test "$NSSCH" -gt 0 -a "$(grep -c ' 0\.0\.0313 ssch .* posted=1 ' "$W/seed-trace.txt")" -eq "$NSSCH"
check "no unit check after going online" \
    test "$(grep -c ' 0\.0\.0313 irb .*dstat=0e' "$W/seed-trace.txt")" -eq \
         "$(grep -c 'dstat=0e' "$W/seed-online.ccws")"
# The host's I/O counters (ccwpass stat) saw the guest's 4 MiB go both
# ways, and count as errors exactly the programs the trace shows ending
# in a unit check.
STAT=$("$CLI" stat -r "$RT" --json 0.0.0313)
jstat() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])" <<<"$STAT"; }
check "ccwpass stat: the guest's reads and writes (read $(jstat bytes_read) B, written $(jstat bytes_written) B in $(jstat programs) programs)" \
    test "$(jstat bytes_read)" -ge 4194304 -a "$(jstat bytes_written)" -ge 4194304
check "ccwpass stat: errors = the unit checks in the trace ($(jstat errors))" \
    test "$(jstat errors)" -eq "$(grep -c ' 0\.0\.0313 irb .*dstat=0e' "$W/seed-trace.txt")"

# ---- Durability: kill the daemon outright; the data is in the image ----
kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
umount -l "$RT/sys" 2>/dev/null
HOST=$("$CLI" readblk --partition "$W/2b09.cckd" 300 1024 | sha256sum | cut -d' ' -f1)
check "image file holds the data after SIGKILL (host read $HOST)" test "$HOST" = "$SUM"

# ---- Restart: saved override + mdevctl definition bring the mdev back ----
start_daemon -t "$W/trace.txt"
wait_for test -e "$RT/sys/bus/mdev/devices/$U1"
check "after restart, mdev $U1 is back (driverctl override + mdevctl -a)" \
    test -e "$RT/sys/bus/mdev/devices/$U1"
pass_through 0.0.0314 "$U2"
check "0.0.0314 passed through again by hand" test $? -eq 0

# ---- Boot 2: another devno, a second boot reads the data back ----
cat >"$W/g2.sh" <<'EOF'
lscss -d 0.0.5678
chccwdev -e 0.0.5678
dmesg -t | grep -E 'dasd'
echo "read $(dd if=/dev/dasda1 bs=4096 skip=300 count=1024 2>/dev/null | sha256sum)"
EOF
# This boot waits for each start's answer, as QEMU does with the kernel.
T0=$(wc -l <"$W/trace.txt")
CCWPASS_PRELOAD_POSTED_START=0 \
boot devno "$W/g2.sh" -M s390-ccw-virtio,s390-squash-mcss=on \
    -device "vfio-ccw,devno=fe.0.5678,sysfsdev=/sys/bus/mdev/devices/$U1"
check "boot 2 (devno fe.0.5678, seed 000's -M) runs its script" test $? -eq 0
tail -n +"$((T0 + 1))" "$W/trace.txt" >"$W/devno-trace.txt"
NSSCH=$(grep -c ' 0\.0\.0313 ssch ' "$W/devno-trace.txt")
check "with CCWPASS_PRELOAD_POSTED_START=0 no start was posted ($NSSCH starts)" \
    test "$NSSCH" -gt 0 -a "$(grep -c ' 0\.0\.0313 ssch .* posted=0 ' "$W/devno-trace.txt")" -eq "$NSSCH"
check "ccwpass run says what it did with s390-squash-mcss" \
    has "$W/devno.log" "^ccwpass run: removed 's390-squash-mcss=on' from -M"
check "lscss -d 0.0.5678 shows the DASD" \
    has "$W/devno.out" '^0\.0\.5678 0\.0\.[0-9a-f]{4}  3390/0e 3990/e9 +f0  f0  ff   1a2a3a0a 00000000'
check "chccwdev -e 0.0.5678" has_line "$W/devno.out" "Setting device 0.0.5678 online"
check "chccwdev -e 0.0.5678: Done" has_line "$W/devno.out" "Done"
check "dmesg: dasd-eckd 0.0.5678: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, ..." \
    has_line "$W/devno.out" "dasd-eckd 0.0.5678: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, 15 heads, 224 sectors"
check "second boot reads the data back" has "$W/devno.out" "^read $SUM"
((FAILS)) && show devno

# ---- Boot 3: two DASDs on two subchannels in one guest ----
cat >"$W/g3.sh" <<'EOF'
lscss -d 0.0.1234,0.0.1235
chccwdev -e 0.0.1234,0.0.1235
dmesg -t | grep -E 'dasd|VOL1'
lsdasd
dd if=/dev/urandom of=/tmp/d2 bs=4096 count=256 2>/dev/null
echo "wrote2 $(sha256sum </tmp/d2)"
B=$(basename "$(readlink -f /sys/bus/ccw/devices/0.0.1235/block/* 2>/dev/null || ls -d /sys/bus/ccw/devices/0.0.1235/block/*)")
dd if=/tmp/d2 of=/dev/${B}1 bs=4096 seek=10 conv=fsync 2>/dev/null
echo 3 >/proc/sys/vm/drop_caches
echo "read2 $(dd if=/dev/${B}1 bs=4096 skip=10 count=256 2>/dev/null | sha256sum)"
echo "read1 $(dd if=/dev/dasda1 bs=4096 skip=300 count=1024 2>/dev/null | sha256sum)"
EOF
boot two "$W/g3.sh" \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1" \
    -device "vfio-ccw,devno=fe.0.1235,sysfsdev=/sys/bus/mdev/devices/$U2"
check "boot 3 (two DASDs) runs its script" test $? -eq 0
O=$W/two.out
check "lscss: 0.0.1235 with PIM c0 and CHPIDs 1a2a0000" \
    has "$O" '^0\.0\.1235 0\.0\.[0-9a-f]{4}  3390/0e 3990/e9 +c0  c0  ff   1a2a0000 00000000'
for l in "dasd-eckd 0.0.1234: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, 15 heads, 224 sectors" \
         "dasd-eckd 0.0.1235: New DASD 3390/0E (CU 3990/01) with 50 cylinders, 15 heads, 224 sectors"; do
    check "dmesg: $l" has_line "$O" "$l"
done
check "both volumes' labels: 0X2B09 and 0X2B0A" \
    sh -c "grep -q 'VOL1/  0X2B09:' '$O' && grep -q 'VOL1/  0X2B0A:' '$O'"
check "lsdasd: two active DASDs" test "$(grep -c ' active ' "$O")" -eq 2
S2=$(sed -n 's/^wrote2 \([0-9a-f]\{64\}\).*/\1/p' "$O")
check "second DASD reads back what was written" has "$O" "^read2 ${S2:-none}"
check "first DASD still holds boot 1's data" has "$O" "^read1 $SUM"
((FAILS)) && show two

# ---- Boot 4: the BIOS probes the DASD (bootindex, no -kernel) ----
: >"$W/trace.txt"
timeout "$TIMEOUT" "$CLI" run -q -r "$RT" -e "$ETC" -- qemu-system-s390x \
    -M s390-ccw-virtio -cpu max -m 512 -nographic -no-reboot -nic none \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1,bootindex=1" \
    >"$W/bios.out" 2>"$W/bios.err" </dev/null
RC=$?
# The BIOS ends in a disabled wait; with -no-reboot QEMU then exits 0.
check "BIOS boot attempt ends by itself, QEMU exit 0 (got $RC; 124 = timeout)" test "$RC" -eq 0
check "no errors from QEMU or the preload library on stderr" \
    sh -c "! grep -Eai 'ccwpass-preload: (error|warning)|qemu-system-s390x:|abort|core dumped|segmentation|assert' '$W/bios.err'"
check "the BIOS read the IPL record through the mdev" has "$W/trace.txt" 'cmd=02\(READ_IPL\)'
check "the BIOS reports the volume as not bootable" has "$W/bios.out" 'IPL1 data invalid|[Nn]ot bootable|no IPL'
check "ccwpassd survived" kill -0 "$DPID"
# Seed 000's command line: the gone machine property, no devno.
cat >"$W/g4.sh" <<'EOF'
D=$(lscss | awk '$3 == "3390/0e" { print $1; exit }')
echo "dasd at ${D:-none}"
lscss -d "$D"
chccwdev -e "$D"
echo "read $(dd if=/dev/dasda1 bs=4096 skip=300 count=1024 2>/dev/null | sha256sum)"
EOF
boot after "$W/g4.sh" -M s390-ccw-virtio,s390-squash-css=on \
    -device "vfio-ccw,sysfsdev=/sys/bus/mdev/devices/$U1"
check "boot 5 (seed 000: s390-squash-css=on, no devno) runs its script" test $? -eq 0
check "ccwpass run: removed 's390-squash-css=on' from -M ... (vfio-ccw devices go to css fe ...)" \
    has_line "$W/after.log" "ccwpass run: removed 's390-squash-css=on' from -M: QEMU 7.2 has no such machine property (vfio-ccw devices go to css fe: use devno=fe.x.xxxx, or let QEMU pick one)"
D=$(sed -n 's/^dasd at \(0\.0\.[0-9a-f]\{4\}\)$/\1/p' "$W/after.out")
check "the guest finds the DASD at the devno QEMU picked (${D:-none})" test -n "$D"
D=${D:-none}
check "lscss -d $D: 3390/0e 3990/e9, f0 f0 ff, 1a2a3a0a 00000000" \
    has "$W/after.out" "^$D 0\\.0\\.[0-9a-f]{4}  3390/0e 3990/e9 +f0  f0  ff   1a2a3a0a 00000000"
check "chccwdev -e $D: Setting device $D online" has_line "$W/after.out" "Setting device $D online"
check "chccwdev -e $D: Done" has_line "$W/after.out" "Done"
check "the mdev works after the BIOS probe (boot 1's data reads back)" has "$W/after.out" "^read $SUM"
((FAILS)) && { cat "$W/bios.out" "$W/bios.err"; show after; }

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
