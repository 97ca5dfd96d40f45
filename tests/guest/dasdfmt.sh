#!/usr/bin/env bash
# A blank volume made usable by the guest's own tools: ccwpassd serves a
# 50-cylinder 3390-1 made by `ccwpass dasdinit --blank -f cckd` (every
# track only HA + R0; CCKD, not the default CCKD64, so that Debian's
# Hercules 3.13 utilities below can read it); the unmodified s390x guest,
# through `ccwpass run` and Debian's QEMU 7.2, sees it unformatted (dmesg
# "The DASD is not formatted", lsdasd "n/f"), formats it with s390-tools'
# dasdfmt (CDL, 4 KB blocks, full mode), gets the new geometry (dmesg
# "DASD with 4 KB/block, 36000 KB total size, 48 KB/track, compatible disk
# layout", lsdasd active), has the kernel read back the count of every
# record (`dasdfmt --check`: "Disk is fine"), makes one partition with
# `fdasd -a` (dmesg "dasda:VOL1/  0X1234: dasda1") and writes and reads
# back known data up to the last block of the partition. ccwpassd's trace
# shows that the format went through Write CKD chains and that the only
# unit checks were the expected ones (the ESE queries' command reject and
# the "no record found" of the analysis of the blank volume): an error
# that Linux's error recovery retried away would fail here. After QEMU
# exits, on the host: the image holds the data (`ccwpass readblk`), the
# rest of the partition reads as dasdfmt's zeros, Hercules' dasdls lists
# the label and the partition's data set, and cckdcdsk -3 finds nothing
# wrong. The guest kit has no udev: dasdfmt opens /dev/block/MAJ:MIN, so
# the guest script makes those links first.
# Prints ok/FAIL per check and exits non-zero on any failure; skips (77)
# without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD (meson build root), GUEST_TIMEOUT (default 300 s),
# CCWPASS_E2E_KEEP=DIR (copy the trace, console and outputs there).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U=7e270a25-e163-4922-af60-757fc8ed48c6
CYLS=50
BLOCKS=$(((CYLS * 15 - 2) * 12))    # partition 1: track 2 to the end
FIRST=$((BLOCKS - 1000))            # the data: the last 1000 blocks

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir dasdfmt
IMG=$W/fmt.cckd
need_kit

"$CLI" dasdinit -q --blank -f cckd -t 3390-1 -c "$CYLS" "$IMG"
check "ccwpass dasdinit --blank -f cckd -t 3390-1 -c $CYLS" test $? -eq 0
"$CLI" readblk --partition "$IMG" 0 >/dev/null 2>"$W/readblk.err"
check "the image is blank: no 4 KB record where partition 1 would start" \
    has "$W/readblk.err" 'track 2 has no 4096-byte record 1'

cat >"$W/inventory.conf" <<INV
[subchannel 0.0.0313]
devno     = 0.0.2b09
chpids    = 1a 2a
device    = 3390-1
cylinders = $CYLS
image     = fmt.cckd
INV

start_daemon -t "$W/trace.txt"
pass_through 0.0.0313 "$U"
check "0.0.0313 passed through (unbind / bind / create $U)" test $? -eq 0

cat >"$W/g.sh" <<EOF
chccwdev -e 0.0.1234
lsdasd
mkdir -p /dev/block
for d in /sys/class/block/*; do ln -sf "../\${d##*/}" "/dev/block/\$(cat "\$d/dev")"; done
dasdfmt -b 4096 -d cdl -y /dev/dasda
echo "dasdfmt rc=\$?"
lsdasd
dasdfmt --check -b 4096 -d cdl -y /dev/dasda
echo "dasdfmt --check rc=\$?"
fdasd -a /dev/dasda
echo "fdasd rc=\$?"
lsdasd
cat /proc/partitions
dmesg -t | grep -E 'dasd'
dd if=/dev/urandom of=/tmp/data bs=4096 count=1000 2>/dev/null
echo "wrote \$(sha256sum </tmp/data)"
dd if=/tmp/data of=/dev/dasda1 bs=4096 seek=$FIRST conv=fsync 2>/dev/null
echo "dd rc=\$?"
echo 3 >/proc/sys/vm/drop_caches
echo "read \$(dd if=/dev/dasda1 bs=4096 skip=$FIRST count=1000 2>/dev/null | sha256sum)"
EOF
QEMU_WRAPPER="$CLI run -r $RT -e $ETC --" \
    "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/guest.log" \
    --script "$W/g.sh" -- -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U" \
    >"$W/guest.out" 2>"$W/guest.err"
check "the guest runs its script" test $? -eq 0
O=$W/guest.out

# Before: Linux finds the volume, and finds it unformatted.
check "chccwdev -e 0.0.1234: Done" has_line "$O" "Done"
check "dmesg: New DASD 3390/0E (CU 3990/01) with $CYLS cylinders, 15 heads, 224 sectors" \
    has_line "$O" "dasd-eckd 0.0.1234: New DASD 3390/0E (CU 3990/01) with $CYLS cylinders, 15 heads, 224 sectors"
check "dmesg: dasd-eckd 0.0.1234: The DASD is not formatted" \
    has_line "$O" "dasd-eckd 0.0.1234: The DASD is not formatted"
check "lsdasd: 0.0.1234 n/f (not formatted)" has "$O" '^0\.0\.1234 +n/f +dasda +94:0 +ECKD *$'

# dasdfmt, then fdasd -a.
check "dasdfmt: Finished formatting the device." has_line "$O" "Finished formatting the device."
check "dasdfmt: Rereading the partition table... ok" has_line "$O" "Rereading the partition table... ok"
check "dasdfmt -b 4096 -d cdl -y exits 0" has_line "$O" "dasdfmt rc=0"
check "dmesg: DASD with 4 KB/block, $((CYLS * 720)) KB total size, 48 KB/track, compatible disk layout" \
    has_line "$O" "dasd-eckd 0.0.1234: DASD with 4 KB/block, $((CYLS * 720)) KB total size, 48 KB/track, compatible disk layout"
check "dasdfmt --check: Done. Disk is fine. (exit 0)" \
    sh -c "grep -qx 'Done. Disk is fine.' '$O' && grep -qx 'dasdfmt --check rc=0' '$O'"
check "lsdasd: 0.0.1234 active, 4096-byte blocks, $((CYLS * 180)) blocks" \
    has "$O" "^0\\.0\\.1234 +active +dasda +94:0 +ECKD +4096 +[0-9]+MB +$((CYLS * 180)) *\$"
check "fdasd -a: auto-creating one partition" has "$O" '^auto-creating one partition'
check "fdasd -a exits 0" has_line "$O" "fdasd rc=0"
check "dmesg: dasda:VOL1/  0X1234: dasda1 (dasdfmt's default label, fdasd's partition)" \
    grep -Fq "dasda:VOL1/  0X1234: dasda1" "$O"
check "/proc/partitions: dasda1 with $((BLOCKS * 4)) KB" has "$O" "^ +94 +1 +$((BLOCKS * 4)) dasda1\$"
check "no dasd errors in dmesg (I/O error, failed, ERP)" \
    sh -c "! grep -Eiq 'dasd.*(error|failed|erp|not operational|inhibited)' '$O'"

# Data through the new partition, to its last block.
SUM=$(sed -n 's/^wrote \([0-9a-f]\{64\}\).*/\1/p' "$O")
check "guest wrote blocks $FIRST-$((BLOCKS - 1)) of dasda1 (checksum ${SUM:-none})" \
    sh -c "[ -n '$SUM' ] && grep -qx 'dd rc=0' '$O'"
check "guest reads back what it wrote" has "$O" "^read ${SUM:-none}"
((FAILS)) && { echo "---- guest ----"; cat "$O" "$W/guest.err"; }

# The channel programs: Write CKD chains, and no unexpected unit check.
check "the format was Write CKD (1D) chains with Write CKD Next Track (9D)" \
    sh -c "grep -q 'cmd=1d(WRITE_CKD)' '$W/trace.txt' && grep -q 'cmd=9d(' '$W/trace.txt'"
UC=$(grep ' irb ' "$W/trace.txt" | while read -r line; do
    ds=${line#* dstat=}; ds=${ds%% *}
    if (((16#$ds) & 0x02)); then e=${line#* ecw=}; echo "${e:0:16}"; fi
done | sort | uniq -c | awk '{ printf "%s x%s ", $2, $1 }')
echo "     unit checks (sense bytes 0-7 x count): ${UC:-none}"
check "the analysis of the blank volume ended in no record found (sense 00 08)" \
    has <(echo "$UC") '(^| )0008000000000000 x[0-9]+'
check "no other unit check than that and the ESE queries' command reject (80 .. 04)" \
    sh -c "[ -z \"\$(echo '$UC' | sed -E 's/(0008000000000000|8000000000000004) x[0-9]+ ?//g')\" ]"

# On the host, with ccwpassd stopped: the image holds it all.
stop_daemon
HOST=$("$CLI" readblk --partition "$IMG" "$FIRST" 1000 | sha256sum | cut -d' ' -f1)
check "image holds the data (host read $HOST)" test "$HOST" = "${SUM:-none}"
check "the rest of the partition reads as zeros (every track formatted)" \
    bash -c "'$CLI' readblk --partition '$IMG' 0 $FIRST | cmp -s - <(head -c $((FIRST * 4096)) /dev/zero)"
if command -v dasdls >/dev/null && command -v cckdcdsk >/dev/null; then
    dasdls "$IMG" >"$W/dasdls.out" 2>&1
    check "Hercules dasdls: VOLSER=0X1234" has "$W/dasdls.out" 'VOLSER=0X1234'
    check "Hercules dasdls: LINUX.V0X1234.PART0001.NATIVE" has "$W/dasdls.out" 'LINUX\.V0X1234\.PART0001\.NATIVE'
    cckdcdsk -3 -ro "$IMG" >"$W/cckdcdsk.out" 2>&1
    RC=$?
    check "Hercules cckdcdsk -3 -ro: nothing to report (rc $RC)" \
        sh -c "[ $RC -eq 0 ] && ! grep -q HHC '$W/cckdcdsk.out'"
    ((FAILS)) && cat "$W/dasdls.out" "$W/cckdcdsk.out"
elif [ "${CI:-}" = true ]; then
    bad "Hercules dasdls / cckdcdsk installed (CI installs package hercules)"
else
    echo "     (Hercules utilities not installed: dasdls / cckdcdsk checks left out)"
fi

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
