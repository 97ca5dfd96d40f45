#!/usr/bin/env bash
# Dynamic I/O reconfiguration under a running guest (issue 10): ccwpassd
# serves two DASDs (0.0.0313 -> guest 0.0.1234, 0.0.0314 -> 0.0.1235);
# the guest brings both online and writes to both; then the host takes
# 0.0.0314 out of the inventory and runs `ccwpass reload`. As when the
# kernel removes a subchannel: its mdev gets the request interrupt, QEMU
# unplugs the device, the guest sees 0.0.1235 go. 0.0.1234 is not touched:
# the guest reads its data back after the reload, and the image of the
# removed volume holds what the guest wrote to it. Beside it, a trace of
# 0.0.0313 alone is switched on while the daemon runs (`ccwpass trace
# --max-size 200K`): it shows the guest's programs and stops at its bound.
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=5e1e0000-0000-4000-8000-000000000313
U2=5e1e0000-0000-4000-8000-000000000314

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir reload
need_kit
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

[subchannel 0.0.0314]
devno     = 0.0.2b0a
chpids    = 1a 2a
device    = 3390-1
cylinders = 50
image     = 2b0a.cckd
volser    = 0X2B0A
create    = cdl
INV

start_daemon
pass_through 0.0.0313 "$U1" && pass_through 0.0.0314 "$U2"
check "both subchannels passed through" test $? -eq 0
# A trace of 0.0.0313 alone, switched on while the daemon runs, bounded.
out=$("$CLI" trace -r "$RT" --max-size 200K 0.0.0313 on "$W/live.trace")
check "ccwpass trace 0.0.0313 on ($out)" test -f "$W/live.trace"

cat >"$W/g.sh" <<'EOF2'
chccwdev -e 0.0.1234,0.0.1235 >/dev/null
for d in a b; do
    dd if=/dev/urandom of=/tmp/$d bs=4096 count=256 2>/dev/null
    dd if=/tmp/$d of=/dev/dasd${d}1 bs=4096 seek=100 oflag=direct 2>/dev/null
    echo "wrote $d $(sha256sum </tmp/$d | cut -d' ' -f1)"
done
echo "ready for reload"
i=0
while ! dmesg | grep -q '0.0.1235: No operational channel path is left' && [ $i -lt 1200 ]; do
    sleep 0.1; i=$((i + 1))
done
dmesg | grep -q '0.0.1235: No operational channel path is left' &&
    echo "0.0.1235 lost its paths" || echo "0.0.1235 still has its paths"
chccwdev -d 0.0.1235 >/dev/null 2>&1
echo "0.0.1235 online $(cat /sys/bus/ccw/devices/0.0.1235/online 2>/dev/null || echo gone)"
echo 3 >/proc/sys/vm/drop_caches
echo "read a $(dd if=/dev/dasda1 bs=4096 skip=100 count=256 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
dmesg -t | grep -iE '0\.0\.1235|dasdb' | tail -n 5
EOF2

guest_bg -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U1" \
    -device "vfio-ccw,devno=fe.0.1235,sysfsdev=/sys/bus/mdev/devices/$U2"

# -v: the console streams to g.err while the guest runs
if wait_for -t "$TIMEOUT" grep -q "^ready for reload" "$W/g.err"; then
    ok "the guest wrote to both DASDs"
    sed -i '/^\[subchannel 0.0.0314\]/,$d' "$W/inventory.conf"
    out=$("$CLI" reload -r "$RT" 2>&1)
    check "ccwpass reload removes 0.0.0314 ($out)" \
        test "$out" = "ccwpassd reloaded its inventory: removed 0.0.0314; 1 unchanged"
else
    bad "the guest wrote to both DASDs"
fi
wait "$GPID"; RC=$?
GPID=
O=$W/g.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
# QEMU unplugs the device on the request interrupt; Linux's dasd driver
# keeps an online DASD whose subchannel went as "disconnected", as on a
# mainframe, and the guest can set it offline.
check "the guest saw 0.0.1235 go: dasd-eckd 0.0.1235: No operational channel path is left for the device" \
    has_line "$O" "0.0.1235 lost its paths"
check "the guest set it offline" has "$O" "^0.0.1235 online (0|gone)$"
check "QEMU said nothing on stderr but the notes" \
    test -z "$(grep -v -e '^ccwpass run:' -e '^guest kit:' -e '^KASLR' -e '^=== ' "$W/g.err" | grep -iE 'error|qemu-system' )"
SUMA=$(sed -n 's/^wrote a //p' "$O")
check "0.0.1234 untouched: the guest reads its data back" has_line "$O" "read a ${SUMA:-none}"
SUMB=$(sed -n 's/^wrote b //p' "$O")
HOSTB=$("$CLI" readblk --partition "$W/2b0a.cckd" 100 256 | sha256sum | cut -d' ' -f1)
check "the removed volume's image holds what the guest wrote (host read $HOSTB)" \
    test -n "$SUMB" -a "$HOSTB" = "$SUMB"
check "the removed subchannel is gone from the host" \
    test -z "$("$CLI" lscss -r "$RT" | grep 0.0.0314)"
check "the live trace shows the guest's programs on 0.0.0313 ($(grep -c ' 0\.0\.0313 ssch' "$W/live.trace") starts)" \
    test "$(grep -c ' 0\.0\.0313 ssch' "$W/live.trace")" -gt 10
check "... and nothing of 0.0.0314" test "$(grep -c ' 0\.0\.0314 ' "$W/live.trace")" -eq 0
check "... and stopped at its 200 KiB bound with a last line" \
    test "$(tail -n1 "$W/live.trace")" = "trace stopped: its size limit of 204800 bytes was reached" \
         -a "$(stat -c %s "$W/live.trace")" -le 205000
if ((FAILS)); then
    echo "---- guest ----"; cat "$O"; tail -n 40 "$W/g.err"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
