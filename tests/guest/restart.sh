#!/usr/bin/env bash
# No outage when ccwpassd restarts (issue 10): a guest streams O_DIRECT
# writes of known data to its DASD while ccwpassd is killed with SIGKILL
# and started again, then stopped with SIGTERM (`systemctl restart`) and
# started again. The preload library in QEMU connects to the new
# daemon (mdevctl's autostart made the mdev again), replays the DMA
# mappings and interrupts; a channel program in flight ends with an
# interface-control check, which the guest's dasd driver retries. The
# guest sees no I/O error, reads back what it wrote, and the image holds it.
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=5e1e0000-0000-4000-8000-00000000a313
MB=48

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir restart
need_kit
command -v mdevctl >/dev/null || skip "mdevctl not installed"
command -v driverctl >/dev/null || skip "driverctl not installed"
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a
device = 3390-9
image  = 2b09.cckd
volser = 0X2B09
create = cdl
INV

start_daemon
pass_through_persistent 0.0.0313 "$U1"
check "0.0.0313 passed through, its mdev defined with autostart" test $? -eq 0

cat >"$W/g.sh" <<EOF2
chccwdev -e 0.0.1234 >/dev/null
dd if=/dev/urandom of=/tmp/data bs=1M count=$MB 2>/dev/null
echo "wrote \$(sha256sum </tmp/data | cut -d' ' -f1)"
echo "streaming"
for i in \$(seq 0 $((MB - 1))); do
    dd if=/tmp/data of=/dev/dasda1 bs=64k count=16 skip=\$((i * 16)) seek=\$((i * 16 + 1600)) oflag=direct 2>/tmp/dd.err ||
        { echo "dd failed at \$i: \$(cat /tmp/dd.err)"; break; }
    echo "chunk \$i"
done
echo 3 >/proc/sys/vm/drop_caches
echo "read \$(dd if=/dev/dasda1 bs=64k skip=1600 count=$((MB * 16)) iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "ioerrors \$(dmesg | grep -ciE 'i/o error|ERP failed|Buffer I/O')"
dmesg -t | grep -E 'dasd|0\.0\.1234' | tail -n 8
EOF2

guest_bg -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1"

mdev_back() { [ -e "$RT/sys/bus/mdev/devices/$U1" ]; }
KILLS=0 TERM_RCS=
# Crashes (SIGKILL), then orderly restarts (SIGTERM, as `systemctl
# restart` sends) onto another binary, as an upgrade replaces it: with
# the mdev in use, it is left to the next daemon.
cp "$DAEMON" "$W/ccwpassd.upgraded"
for step in 4:KILL 12:KILL 20:TERM 30:TERM; do
    at=${step%%:*} sig=${step#*:}
    if ! wait_for -t "$TIMEOUT" grep -qE "^chunk $at"$'\r'"?\$" "$W/g.err"; then
        bad "the guest streamed up to chunk $at"; break
    fi
    kill -"$sig" "$DPID"; wait "$DPID"; rc=$?; DPID=
    [ "$sig" = TERM ] && TERM_RCS+="$rc " && DAEMON=$W/ccwpassd.upgraded
    start_daemon
    wait_for mdev_back && KILLS=$((KILLS + 1))
done
check "ccwpassd killed (SIGKILL) twice and stopped (SIGTERM) twice, started again each time, during the stream ($KILLS times)" test "$KILLS" -eq 4
check "SIGTERM with the mdev in use: exit 0, the mdev left to the next daemon (twice)" \
    test "$TERM_RCS" = "0 0 " -a "$(grep -c 'mdev in use (QEMU pid [0-9]*): leaving it to the next ccwpassd' "$W/daemon.log")" -eq 2
check "the last daemons ran from the upgraded binary" \
    test "$(readlink "/proc/$DPID/exe")" = "$W/ccwpassd.upgraded"
wait "$GPID"; RC=$?
GPID=
O=$W/g.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
check "the guest wrote every chunk" has_line "$O" "chunk $((MB - 1))"
SUM=$(sed -n 's/^wrote //p' "$O")
check "the guest reads back what it wrote" has_line "$O" "read ${SUM:-none}"
check "no I/O error in the guest" has_line "$O" "ioerrors 0"
stop_daemon     # it holds the image
HOST=$("$CLI" readblk --partition "$W/2b09.cckd" $((1600 * 16)) $((MB * 256)) | sha256sum | cut -d' ' -f1)
check "the image holds it (host read $HOST)" test "$HOST" = "${SUM:-none}"
check "QEMU's library reconnected each time" \
    test "$(grep -c 'connected to ccwpassd again' "$W/g.err")" -eq 4
if ((FAILS)); then
    echo "---- guest ----"; cat "$O"; tail -n 40 "$W/g.err"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
