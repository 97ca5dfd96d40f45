#!/usr/bin/env bash
# Smoke test of the guest kit: boots the real s390x guest twice under QEMU.
#  1. plain boot: lscss shows QEMU's default virtio-ccw device (CU type
#     3832/01), uname/bash/chccwdev/lsdasd run, the dasd modules are loaded.
#  2. virtio-blk: a host raw image with random data is read and partly
#     rewritten in the guest with busybox dd + sha256sum; the host checks the
#     result. A second scratch disk gets an ext4 filesystem (mke2fs, mount,
#     e2fsck) to prove e2fsprogs and the ext4 modules.
# Exit 0 when every check passes; prints PASS/FAIL per check and a closing
# "N passed, N failed" line.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUN=$ROOT/scripts/guest-run
TIMEOUT=${SMOKE_TIMEOUT:-300}

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-smoke.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

# Build (or reuse) the kit first so that its time does not count against the
# guest timeout and a kit failure is reported as such.
if ! "$ROOT/scripts/guest-kit"; then
    bad "guest kit builds (scripts/guest-kit)"
    exit 1
fi

show_output() {   # on failure, show what the guest printed
    printf '  --- guest output (%s) ---\n' "$1"
    sed 's/^/  | /' "$1"
}

# --- 1. plain boot --------------------------------------------------------------

cat >"$WORK/plain.sh" <<'GUEST'
#!/bin/bash
echo "uname: $(uname -r)"
lscss
bash --version | head -n1
chccwdev --version | head -n1
lsdasd
echo "lsdasd rc=$?"
# A device that does not exist: exercises chccwdev's gawk bus-ID parsing and
# sysfs lookup without changing anything.
chccwdev -e 0.0.1234
echo "chccwdev-absent rc=$?"
echo "modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
dmesg -t | grep -m1 '^Linux version'
GUEST

OUT1=$WORK/plain.out
rc=0
"$RUN" --timeout "$TIMEOUT" --log "$WORK/plain.log" --script "$WORK/plain.sh" >"$OUT1" || rc=$?
n0=$FAILS
check "plain boot: guest-run exits 0 (got $rc)" test "$rc" -eq 0
check "plain boot: kernel 6.1 s390x" has "$OUT1" '^uname: 6\.1\.[0-9]+-[0-9]+-s390x$'
check "plain boot: lscss header" has "$OUT1" '^Device +Subchan\. +DevType +CU Type'
check "plain boot: lscss lists the default virtio-ccw device (CU 3832/01)" \
    has "$OUT1" '^0\.0\.0000 0\.0\.0000 +0000/00 3832/01 +yes'
check "plain boot: bash runs" has "$OUT1" '^GNU bash, version 5\.'
check "plain boot: chccwdev runs" has "$OUT1" '^chccwdev: version 2\.'
check "plain boot: lsdasd runs" has "$OUT1" '^lsdasd rc=0$'
check "plain boot: lsdasd header" has "$OUT1" '^Bus-ID +Status +Name'
check "plain boot: chccwdev reports an absent device" has "$OUT1" '^Device 0\.0\.1234 not found$'
check "plain boot: chccwdev fails for it" has "$OUT1" '^chccwdev-absent rc=1$'
check "plain boot: dasd_mod, dasd_eckd_mod, dasd_fba_mod, tape_34xx, virtio_blk loaded" \
    has "$OUT1" '^modules: .*dasd_eckd_mod dasd_fba_mod dasd_mod .*tape_34xx .*virtio_blk'
check "plain boot: util-linux dmesg -t works" has "$OUT1" '^Linux version 6\.1\.'
((FAILS > n0)) && show_output "$OUT1"

# --- 2. virtio-blk ----------------------------------------------------------------

IMG=$WORK/data.img
SCRATCH=$WORK/scratch.img
head -c $((8 * 1024 * 1024)) /dev/urandom >"$IMG"
truncate -s 32M "$SCRATCH"
ORIG=$(sha256sum <"$IMG" | cut -d' ' -f1)
cp "$IMG" "$WORK/orig.img"

cat >"$WORK/virtio.sh" <<'GUEST'
#!/bin/sh
lscss
sum() { sha256sum | cut -d' ' -f1; }
# vda/vdb are handed out in probe order, which varies from boot to boot: find
# each disk by the serial QEMU gave it.
disk() {
    for d in /sys/block/vd*; do
        if [ "$(cat "$d/serial" 2>/dev/null)" = "$1" ]; then echo "/dev/${d##*/}"; return; fi
    done
    echo "no disk with serial $1" >&2
    echo /dev/null-disk-$1
}
DATA=$(disk data)
SCRATCH=$(disk scratch)
echo "disks: data=$DATA scratch=$SCRATCH"
echo "read: $(dd if="$DATA" bs=1M iflag=direct 2>/dev/null | sum)"
# 2 MiB of fresh random data written at offset 1 MiB, then read back from the
# device (direct I/O, caches dropped).
dd if=/dev/urandom of=/tmp/pattern bs=1M count=2 2>/dev/null
echo "pattern: $(sum </tmp/pattern)"
dd if=/tmp/pattern of="$DATA" bs=1M seek=1 conv=fsync 2>/dev/null
echo "write rc=$?"
sync
echo 3 >/proc/sys/vm/drop_caches
echo "readback: $(dd if="$DATA" bs=1M skip=1 count=2 iflag=direct 2>/dev/null | sum)"
echo "whole: $(dd if="$DATA" bs=1M iflag=direct 2>/dev/null | sum)"
# ext4 on the scratch disk.
mke2fs -q -t ext4 -L smoke "$SCRATCH" && echo "mke2fs ok"
modprobe ext4 && mount -t ext4 "$SCRATCH" /mnt && echo "mount ok"
echo hello >/mnt/hello && sync && cat /mnt/hello
umount /mnt && echo "umount ok"
e2fsck -fn "$SCRATCH" >/dev/null 2>&1
echo "e2fsck rc=$?"
GUEST

OUT2=$WORK/virtio.out
rc=0
"$RUN" --timeout "$TIMEOUT" --log "$WORK/virtio.log" --script "$WORK/virtio.sh" -- \
    -drive "file=$IMG,format=raw,if=none,id=d0" -device virtio-blk-ccw,drive=d0,serial=data \
    -drive "file=$SCRATCH,format=raw,if=none,id=d1" -device virtio-blk-ccw,drive=d1,serial=scratch \
    >"$OUT2" || rc=$?
n0=$FAILS
val() { sed -n "s/^$1: //p" "$OUT2" | head -n1; }
check "virtio: guest-run exits 0 (got $rc)" test "$rc" -eq 0
check "virtio: lscss lists two virtio-blk devices (CU 3832/02)" \
    test "$(grep -Ec '^0\.0\.[0-9a-f]{4} .* 3832/02 ' "$OUT2")" -eq 2
check "virtio: both disks found by serial" \
    has "$OUT2" '^disks: data=/dev/vd[a-z]+ scratch=/dev/vd[a-z]+$'
check "virtio: guest reads the host image (sha256 $ORIG)" test "$(val read)" = "$ORIG"
PATTERN=$(val pattern)
check "virtio: guest wrote a pattern" test -n "$PATTERN"
check "virtio: dd write succeeded" has "$OUT2" '^write rc=0$'
check "virtio: guest reads its pattern back" test "$(val readback)" = "$PATTERN"
HOSTPART=$(dd if="$IMG" bs=1M skip=1 count=2 2>/dev/null | sha256sum | cut -d' ' -f1)
check "virtio: host sees the pattern at 1 MiB" test "$HOSTPART" = "$PATTERN"
HOSTWHOLE=$(sha256sum <"$IMG" | cut -d' ' -f1)
check "virtio: host and guest agree on the whole image" test "$(val whole)" = "$HOSTWHOLE"
same_outside_pattern() {   # bytes [0,1M) and [3M,8M) untouched
    cmp -s <(head -c 1M "$IMG") <(head -c 1M "$WORK/orig.img") \
        && cmp -s <(tail -c +$((3 * 1024 * 1024 + 1)) "$IMG") \
            <(tail -c +$((3 * 1024 * 1024 + 1)) "$WORK/orig.img")
}
check "virtio: host image changed only where the guest wrote" same_outside_pattern
check "virtio: mke2fs on the scratch disk" has "$OUT2" '^mke2fs ok$'
check "virtio: ext4 mounts" has "$OUT2" '^mount ok$'
check "virtio: file written on ext4" has "$OUT2" '^hello$'
check "virtio: e2fsck finds the filesystem clean" has "$OUT2" '^e2fsck rc=0$'
((FAILS > n0)) && show_output "$OUT2"

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
