#!/usr/bin/env bash
# An FBA DASD in a real guest (issue 11), in a mixed inventory: a 9336
# (on a plain FBA volume ccwpassd makes, sparse) beside a 3390, a 3370
# (behind a 3880, on a compressed CFBA volume), a 3490 and a 3480 tape
# drive (on a HET tape: tar writes and reads it), each on its own
# subchannel (the drives share a CHPID), passed through with vfio-ccw; the host's lscss and status show
# each type. The guest's lscss shows 9336/10
# 6310/80, chccwdev -e brings it online, dasd_fba prints its "New FBA
# DASD" line and the partition scan its "(nonl)" line; a file system made
# on /dev/dasdb1 holds a file. ccwpassd is then killed (SIGKILL) and
# started again, and a second boot finds the file intact and the file
# system clean. The host sees the ext4 superblock where the guest put it
# (block 2 of the volume on). Data written to the 3370's CFBA volume reads
# back after the SIGKILL too, and Hercules' cckdcdsk finds the file
# clean.
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=5e1e0000-0000-4000-8000-0000000f0313
U2=5e1e0000-0000-4000-8000-0000000f0320
U3=5e1e0000-0000-4000-8000-0000000f0321
U4=5e1e0000-0000-4000-8000-0000000f0330
U5=5e1e0000-0000-4000-8000-0000000f0331

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir fba
need_kit

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0313]
devno     = 0.0.2b09
chpids    = 1a
device    = 3390-1
cylinders = 30
image     = 2b09.cckd
create    = cdl

[subchannel 0.0.0320]
devno  = 0.0.0200
chpids = 4a
device = 9336
image  = 0200.fba
create = blank

[subchannel 0.0.0321]
devno  = 0.0.0201
chpids = 4b
device = 3370
image  = 0201.cfba
create = blank
format = cfba

[subchannel 0.0.0330]
devno  = 0.0.0580
chpids = 5a
device = 3490
image  = 0580.aws
create = blank

[subchannel 0.0.0331]
devno  = 0.0.0581
chpids = 5a
device = 3480
image  = 0581.het
create = blank
INV

boot() {   # boot NAME SCRIPT: the five subchannels passed through
    boot_passed "$1" "$2" "0.0.0313:$U1:1234" "0.0.0320:$U2:0200" \
        "0.0.0321:$U3:0201" "0.0.0330:$U4:0580" "0.0.0331:$U5:0581"
}

start_daemon --trace "$W/trace.txt"
check "host lscss: 9336/10 6310/80 on CHPID 4a" \
    has <("$CLI" lscss -r "$RT") '^0\.0\.0200 0\.0\.0320  9336/10 6310/80 +80  80  ff   4a000000'
check "host lscss: 3370/00 3880/01 on CHPID 4b" \
    has <("$CLI" lscss -r "$RT") '^0\.0\.0201 0\.0\.0321  3370/00 3880/01 +80  80  ff   4b000000'
check "host lscss: 3490/10 3490/10 on CHPID 5a" \
    has <("$CLI" lscss -r "$RT") '^0\.0\.0580 0\.0\.0330  3490/10 3490/10 +80  80  ff   5a000000'
"$CLI" status -r "$RT" >"$W/status.txt"
check "host lscss: 3480/10 3480/10 on CHPID 5a" \
    has <("$CLI" lscss -r "$RT") '^0\.0\.0581 0\.0\.0331  3480/10 3480/10 +80  80  ff   5a000000'
check "ccwpass status names each type (3390, 9336-20, 3370-1, 3490, 3480) and its file" \
    test "$(awk '$1 ~ /^0\.0\.03/ { printf "%s ", $3 }' "$W/status.txt")" = "3390 9336-20 3370-1 3490 3480 "
check "ccwpassd made the volume: 1672881 blocks, 0600, sparse" \
    test "$(stat -c '%s %a' "$W/0200.fba")" = "$((1672881 * 512)) 600" -a \
    "$(stat -c %b "$W/0200.fba")" -lt 1024

cat >"$W/g1.sh" <<'EOF'
#!/bin/bash
lscss -d 0.0.0200,0.0.0201 | tail -n2
chccwdev -e 0.0.1234 >/dev/null && chccwdev -e 0.0.0200 && echo online
chccwdev -e 0.0.0201 >/dev/null && echo "3370 online"
lscss -d 0.0.0580,0.0.0581 | tail -n2
chccwdev -e 0.0.0580 >/dev/null && echo "3490 online"
chccwdev -e 0.0.0581 >/dev/null && echo "3480 online"
for _ in $(seq 50); do [ -c /dev/ntibm0 ] && [ -c /dev/ntibm1 ] && break; sleep 0.2; done
lstape | grep 0.0.058
tar cf /dev/ntibm1 -C /etc . 2>/dev/null && mt -f /dev/ntibm1 rewind &&
    echo "3480 tar: $(tar tf /dev/ntibm1 | wc -l) entries back"
for _ in $(seq 50); do [ -b /dev/dasdb1 ] && break; sleep 0.2; done
for _ in $(seq 50); do [ -b /dev/dasdc1 ] && break; sleep 0.2; done
dmesg -t | grep -E 'dasd-fba|dasd[bc]'
lsdasd 0.0.0200 | tail -n1
mkfs.ext4 -q /dev/dasdb1 && mount -t ext4 /dev/dasdb1 /mnt && echo mounted
dd if=/dev/urandom of=/mnt/data bs=64k count=64 2>/dev/null
echo "wrote $(sha256sum </mnt/data | cut -d' ' -f1)"
umount /mnt && echo unmounted
dd if=/dev/urandom of=/tmp/c bs=64k count=16 2>/dev/null
dd if=/tmp/c of=/dev/dasdc1 bs=64k seek=3 oflag=direct 2>/dev/null
echo "wrote cfba $(sha256sum </tmp/c | cut -d' ' -f1)"
EOF
boot one "$W/g1.sh"; RC=$?
O=$W/one.out
check "boot 1 ran its script (rc $RC)" test "$RC" -eq 0
check "guest lscss -d 0.0.0200: 9336/10 6310/80" \
    has "$O" '^0\.0\.0200 0\.0\.[0-9a-f]{4}  9336/10 6310/80 '
check "chccwdev -e 0.0.0200: Setting device 0.0.0200 online, Done" \
    has_line "$O" "Setting device 0.0.0200 online"
check "online" has_line "$O" online
check "dmesg: dasd-fba 0.0.0200: New FBA DASD 9336/10 (CU 6310/80) with 816 MB and 512 B/blk" \
    has_line "$O" "dasd-fba 0.0.0200: New FBA DASD 9336/10 (CU 6310/80) with 816 MB and 512 B/blk"
check "dmesg: dasdb:(nonl) dasdb1" has "$O" '^ ?dasdb:\(nonl\) dasdb1'
check "guest lscss -d 0.0.0201: 3370/00 3880/01" \
    has "$O" '^0\.0\.0201 0\.0\.[0-9a-f]{4}  3370/00 3880/01 '
check "dmesg: dasd-fba 0.0.0201: New FBA DASD 3370/00 (CU 3880/01) with 272 MB and 512 B/blk" \
    has_line "$O" "dasd-fba 0.0.0201: New FBA DASD 3370/00 (CU 3880/01) with 272 MB and 512 B/blk"
check "guest lscss -d 0.0.0580: 3490/10 3490/10" \
    has "$O" '^0\.0\.0580 0\.0\.[0-9a-f]{4}  3490/10 3490/10 '
check "the 3490 online beside them, lstape: LOADED" \
    has "$O" '^[01] +0\.0\.0580 +3490/10 +3490/10 +auto +UNUSED +--- +LOADED'
check "guest lscss -d 0.0.0581: 3480/10 3480/10" \
    has "$O" '^0\.0\.0581 0\.0\.[0-9a-f]{4}  3480/10 3480/10 '
check "a 3480 (on a HET tape) online too, lstape: LOADED" \
    has "$O" '^[01] +0\.0\.0581 +3480/10 +3480/10 +auto +UNUSED +--- +LOADED'
check "tar to the 3480's HET tape and back" has "$O" '^3480 tar: [1-9][0-9]* entries back$'
check "lsdasd: FBA, 512-byte blocks" has "$O" '^0\.0\.0200 +active +dasdb +[0-9]+:[0-9]+ +FBA +512 +816MB'
check "mkfs.ext4 and mount on /dev/dasdb1" has_line "$O" mounted
check "unmounted" has_line "$O" unmounted
SUM=$(sed -n 's/^wrote \([0-9a-f]*\)$/\1/p' "$O")
CSUM=$(sed -n 's/^wrote cfba //p' "$O")
check "the guest wrote 1 MiB to the 3370's CFBA volume" test -n "$CSUM"
check "ccwpass status: the 3370's volume is cfba" \
    has <("$CLI" status -r "$RT") '0201\.cfba'
# dasd_fba's programs, as ccwpassd traced them for 0.0.0320.
check "trace: Read Device Characteristics (64, 32 bytes, no SLI)" \
    grep -Eq '^[0-9.]+ 0\.0\.0320 ccw [0-9a-f]+ cmd=64.* flags=00 count=32 ' "$W/trace.txt"
check "trace: Define Extent + Locate + data-chained Read/Write (63, 43, 42/41 DC)" \
    sh -c "grep -E '^[0-9.]+ 0\\.0\\.0320 ccw ' '$W/trace.txt' | grep -A2 -E 'cmd=63.* count=16 ' | grep -Eq 'cmd=4[12].*flags=80'"
check "the host sees the ext4 superblock at the partition's start (block 2)" \
    test "$(od -An -tx1 -j $((2 * 512 + 1080)) -N2 "$W/0200.fba" | tr -d ' ')" = 53ef

kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
start_daemon

cat >"$W/g2.sh" <<'EOF'
#!/bin/bash
chccwdev -e 0.0.0200 >/dev/null
for _ in $(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
e2fsck -fn /dev/dasda1 >/dev/null 2>&1; echo "fsck $?"
mount -t ext4 -o ro /dev/dasda1 /mnt && echo "read $(sha256sum </mnt/data | cut -d' ' -f1)"
chccwdev -e 0.0.0201 >/dev/null
for _ in $(seq 50); do [ -b /dev/dasdb1 ] && break; sleep 0.2; done
echo "read cfba $(dd if=/dev/dasdb1 bs=64k skip=3 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
EOF
boot two "$W/g2.sh"; RC=$?
O=$W/two.out
check "boot 2 (after SIGKILL of ccwpassd) ran its script (rc $RC)" test "$RC" -eq 0
check "the file system is clean" has_line "$O" "fsck 0"
check "the file is intact" has_line "$O" "read ${SUM:-none}"
check "the 3370's CFBA data is intact" has_line "$O" "read cfba ${CSUM:-none}"
stop_daemon
if command -v cckdcdsk >/dev/null; then
    cckdcdsk -3 -ro "$W/0201.cfba" >"$W/cckdcdsk.out" 2>&1
    check "Hercules' cckdcdsk -3 finds the CFBA volume clean" \
        test -z "$(grep -E 'HHC[0-9]+[EW]' "$W/cckdcdsk.out")"
fi

if ((FAILS)); then
    for f in one two; do echo "---- $f ----"; cat "$W/$f.out"; tail -n 5 "$W/$f.err"; done
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
