#!/usr/bin/env bash
# The host's file system fills up under a guest's writes (docs/eckd.md
# "Sense", docs/operations.md "When something says no"): the volume's
# CCKD file lives on a small ext4 of its own, beside a filler file. The
# real guest writes 1 MiB O_DIRECT chunks of random data until a write
# fails - the guest sees an I/O error after its dasd driver's retries
# (equipment check), ccwpassd keeps running and logs "No space left on
# device" for the volume. The host then deletes the filler; the guest's
# writes go on where they failed, with no restart of anything, until the
# file system is full again. Every chunk the guest saw complete reads back
# in the guest, the host finds them in the image (ccwpass readblk), and
# Hercules' cckdcdsk -3 finds the image clean.
# Skips (77) without root, mkfs.ext4, a loop device or the kit.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
UUID=7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f
MIB=160                 # the guest's data: more than the file system holds

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
command -v mkfs.ext4 >/dev/null || skip "needs mkfs.ext4"
host_workdir guest-hostfull
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"
truncate -s 112M "$W/fs.img"
mkfs.ext4 -q -F "$W/fs.img" || skip "mkfs.ext4 failed"
mkdir "$W/vol"
mount -o loop "$W/fs.img" "$W/vol" 2>/dev/null || skip "cannot mount a loop device"
# shellcheck disable=SC2317  # run by host_cleanup at exit
host_cleanup_hook() {
    stop_daemon
    umount "$W/vol"
}
need_kit
head -c 24M /dev/zero >"$W/vol/filler"
sync

cat >"$W/inventory.conf" <<CONF
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a
device = 3390-3
image  = $W/vol/vol.cckd
volser = 0X2B09
create = cdl
format = cckd
CONF
start_daemon --mdevctl none
pass_through 0.0.0313 "$UUID"

go_disk
guest_wait_go >"$W/g.sh"
cat >>"$W/g.sh" <<EOF
# Chunks n.. until a write fails or all $MIB are written; sets n.
stream() {
    while [ \$n -lt $MIB ]; do
        dd if=/tmp/data of=/dev/dasda1 bs=1M count=1 skip=\$n seek=\$n oflag=direct 2>/dev/null || break
        n=\$((n + 1))
    done
}
chccwdev -e 0.0.1234 >/dev/null
for _ in \$(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
dd if=/dev/urandom of=/tmp/data bs=1M count=$MIB 2>/dev/null
n=0
stream
echo "full at \$n"
wait_go 1
stream
echo "full again at \$n"
echo 3 >/proc/sys/vm/drop_caches
echo "sums \$(dd if=/tmp/data bs=1M count=\$n 2>/dev/null | sha256sum | cut -d' ' -f1) \$(dd if=/dev/dasda1 bs=1M count=\$n iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
dmesg -t | grep -m1 -E 'I/O error, dev dasda'
EOF

guest_bg -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID" \
    "${GO_DISK[@]}"
if wait_for -t "$TIMEOUT" grep -qE '^full at [0-9]+'$'\r''?$' "$W/g.err"; then
    check "ccwpassd still runs after the failed write" kill -0 "$DPID"
    rm -f "$W/vol/filler"
    go 1
else
    bad "the guest's writes failed (full)"
fi
wait "$GPID"; RC=$?
GPID=
O=$W/g.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
N1=$(sed -n 's/^full at //p' "$O") N2=$(sed -n 's/^full again at //p' "$O")
check "the first write failed when the file system was full (after ${N1:-?} MiB)" \
    test -n "$N1" -a "${N1:-0}" -gt 0 -a "${N1:-$MIB}" -lt "$MIB"
check "the guest saw it as an I/O error of dasda" has "$O" 'I/O error, dev dasda'
check "ccwpassd named the volume and the cause" \
    grep -q "$W/vol/vol.cckd: .*No space left on device" "$W/daemon.log"
check "with the filler gone the writes went on (${N1:-?} -> ${N2:-?} MiB) and filled it again" \
    test -n "$N2" -a "${N2:-0}" -gt "${N1:-0}" -a "${N2:-$MIB}" -lt "$MIB"
read -r _ WANT GOT < <(grep '^sums ' "$O")
check "every chunk the guest saw complete reads back in the guest" \
    test -n "${WANT:-}" -a "${WANT:-}" = "${GOT:-}"
check "ccwpassd ran through it all" kill -0 "$DPID"
stop_daemon
HOST=$("$CLI" readblk --partition "$W/vol/vol.cckd" 0 $((${N2:-0} * 256)) | sha256sum | cut -d' ' -f1)
check "the image holds them (host read $HOST)" test "$HOST" = "${WANT:-none}"
if command -v cckdcdsk >/dev/null; then
    # cckdcdsk exits 0 whatever it finds: clean is no message at all.
    cckdcdsk -3 -ro -f "$W/vol/vol.cckd" >"$W/cdsk.out" 2>&1
    check "cckdcdsk -3 finds the image clean (no message)" \
        test -f "$W/vol/vol.cckd" -a ! -s "$W/cdsk.out"
fi
if ((FAILS)); then
    echo "---- guest ----"; cat "$O"; tail -n 20 "$W/g.err"; cat "$W/cdsk.out" 2>/dev/null
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
