#!/usr/bin/env bash
# Hot plug (docs/preload.md "The fd model"): a running guest gets a ccwpass
# DASD with QMP device_add vfio-ccw and loses it with device_del, twice.
# The preload library in QEMU opens the mdev's group and connects to
# ccwpassd when the device is added, long after QEMU started, and lets go
# of it when it is removed (ccwpass status shows QEMU's pid, then none).
# The guest sees the subchannel arrive (a channel report word; lscss, the
# dasd-eckd messages), sets it online and writes; after device_del the
# subchannel goes ("No operational channel path is left for the device");
# the second device_add brings it back and the guest reads what it wrote.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
UUID=2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir guest-hotplug
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"
need_kit

small_volume
start_daemon --mdevctl none
pass_through 0.0.0313 "$UUID"

go_disk
guest_wait_go >"$W/g.sh"
cat >>"$W/g.sh" <<'GUEST'
# Until the subchannel of 0.0.1234 is there ($1 = 1) or gone (0).
wait_sch() {
    local end=$((SECONDS + 60))
    until [ "$(lscss -d 0.0.1234 | grep -c '^0\.0\.1234 0\.0\.')" = "$1" ]; do
        [ "$SECONDS" -ge "$end" ] && { echo "no change of 0.0.1234 to $1"; return; }
        sleep 0.2
    done
}
online() {
    chccwdev -e 0.0.1234 >/dev/null
    for _ in $(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
}
echo "before $(lscss | grep -c '^0\.0\.1234')"
echo ready1
wait_go 1
wait_sch 1
echo "added $(lscss -d 0.0.1234 | grep '^0\.0\.1234' | awk '{print $3, $4}')"
online
dd if=/dev/urandom of=/tmp/d bs=4k count=64 2>/dev/null
dd if=/tmp/d of=/dev/dasda1 bs=4k oflag=direct 2>/dev/null && echo written
echo ready2
wait_go 2
wait_sch 0
echo "removed $(lscss | grep -c '^0\.0\.1234 0\.0\.')"
chccwdev -d 0.0.1234 >/dev/null 2>&1
echo ready3
wait_go 3
wait_sch 1
online
echo "again $(dd if=/dev/dasda1 bs=4k count=64 iflag=direct 2>/dev/null | cmp - /tmp/d && echo same)"
chccwdev -d 0.0.1234 >/dev/null
echo ready4
wait_go 4
wait_sch 0
echo "ioerrors $(dmesg | grep -ciE 'i/o error|ERP failed')"
dmesg -t | grep -c 'No operational channel path is left' | sed 's/^/nopath /'
dmesg -t | grep -c 'New DASD 3390/0E' | sed 's/^/newdasd /'
GUEST

# qmp CMD-JSON: one QMP command on QEMU's socket; prints the answer.
qmp() {
    python3 - "$W/qmp.sock" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(60)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
f.flush()
f.readline()
f.write(sys.argv[2] + "\n")
f.flush()
while True:
    line = f.readline()
    if not line:
        sys.exit(1)
    if '"return"' in line or '"error"' in line:
        print(line.strip())
        break
PY
}
ADD='{"execute": "device_add", "arguments": {"driver": "vfio-ccw", "id": "dasd1", "devno": "fe.0.1234", "sysfsdev": "/sys/bus/mdev/devices/'$UUID'"}}'
DEL='{"execute": "device_del", "arguments": {"id": "dasd1"}}'
qemu_pid() { "$CLI" status -r "$RT" | awk -v u="$UUID" '$1 == u {print $4}'; }
# shellcheck disable=SC2317  # run by wait_for
user_is() { [ "$(qemu_pid)" = "$1" ]; }
# shellcheck disable=SC2317
user_set() { local p; p=$(qemu_pid); [ -n "$p" ] && [ "$p" != - ]; }

guest_bg -qmp "unix:$W/qmp.sock,server=on,wait=off" "${GO_DISK[@]}"
ready() { wait_for -t "$TIMEOUT" grep -qE "^ready$1"$'\r'"?\$" "$W/g.err" || { bad "the guest got to ready$1"; return 1; }; }
USERS=
for step in 1:add 2:del 3:add 4:del; do
    n=${step%%:*} what=${step#*:}
    ready "$n" || break
    if [ "$what" = add ]; then
        check "device_add $n accepted" test "$(qmp "$ADD")" = '{"return": {}}'
        wait_for -t 30 user_set
    else
        check "device_del $n accepted" test "$(qmp "$DEL")" = '{"return": {}}'
        wait_for -t 30 user_is -
    fi
    USERS+="$(qemu_pid) "
    go "$n"
done
wait "$GPID"; RC=$?
GPID=
O=$W/g.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
check "no 0.0.1234 before the device_add" has_line "$O" "before 0"
check "the guest's lscss shows the added DASD" has_line "$O" "added 3390/0e 3990/e9"
check "it wrote to it" has_line "$O" "written"
check "device_del took the subchannel away" has_line "$O" "removed 0"
check "the second device_add brought it back with the data" has_line "$O" "again same"
check "dasd-eckd recognised it twice and saw it go twice" \
    test "$(sed -n 's/^newdasd //p' "$O") $(sed -n 's/^nopath //p' "$O")" = "2 2"
check "no I/O error in the guest" has_line "$O" "ioerrors 0"
read -r U1 U2 U3 U4 <<<"$USERS"
check "ccwpass status: QEMU's pid while added, none after device_del ($USERS)" \
    test -n "${U1:-}" -a "${U1:-}" != - -a "${U2:-}" = - -a "${U3:-}" = "${U1:-}" -a "${U4:-}" = -
if ((FAILS)); then
    echo "---- guest ----"; cat "$O"; tail -n 30 "$W/g.err"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
