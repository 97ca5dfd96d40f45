#!/usr/bin/env bash
# A tape drive keeps its tape and its position while ccwpassd restarts,
# as a real drive does while its control unit or channel restarts
# (docs/tape.md "Restarts"). A guest writes archive a with GNU tar; the
# host restarts ccwpassd with SIGTERM (`systemctl restart`: the mdev is
# handed over), and the guest's `mt tell` still says where a ended; it
# writes archive b after a and a tape mark; ccwpassd is killed (SIGKILL)
# and started again; the guest rewinds and reads both archives back.
# Without the guest: a tape the operator loaded (`ccwpass tape load
# --write-protect`) is mounted again by the next daemon; a tape file cut
# short while the daemon was down leaves the drive empty rather than
# offering the tape at another position; an inventory that names another
# tape mounts that one at its load point. The state files are 0600 in a
# 0700 directory.
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=5e1e0000-0000-4000-8000-0000000b0330

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir taperestart
need_kit
command -v mdevctl >/dev/null || skip "mdevctl not installed"
command -v driverctl >/dev/null || skip "driverctl not installed"
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"

inventory() {   # inventory IMAGE
    cat >"$W/inventory.conf" <<INV
[subchannel 0.0.0330]
devno  = 0.0.0580
chpids = 5a
device = 3490
image  = $1
create = blank
INV
}
inventory 0580.aws
STATE=$RT/tape/0.0.0330.state

start_daemon
pass_through_persistent 0.0.0330 "$U1"
check "0.0.0330 passed through, its mdev defined with autostart" test $? -eq 0

# The host tells the guest that ccwpassd is back through the go disk.
go_disk
{ guest_wait_go
cat <<'EOF'
T=/dev/ntibm0
chccwdev -e 0.0.0580 >/dev/null
for _ in $(seq 50); do [ -c $T ] && break; sleep 0.2; done
EOF
guest_archive_dirs 41
cat <<'EOF'
mt -f $T rewind
tar cf $T -C /tmp/a . && echo "tar a written"
echo "before $(mt -f $T tell)"
echo "a-done"
wait_go 1
echo "after $(mt -f $T tell)"
tar cf $T -C /tmp/b . && echo "tar b written"
mt -f $T weof 1 && echo "b-done"
wait_go 2
mt -f $T rewind && echo rewound
EOF
guest_read_archives
cat <<'EOF'
echo "tapeerrors $(dmesg | grep -ciE 'i/o error|tape.*error')"
EOF
} >"$W/g.sh"

guest_bg -device "vfio-ccw,devno=fe.0.0580,sysfsdev=/sys/bus/mdev/devices/$U1" \
    "${GO_DISK[@]}"
mdev_back() { [ -e "$RT/sys/bus/mdev/devices/$U1" ]; }
RESTARTS=0 n=0
for step in a-done:TERM b-done:KILL; do
    mark=${step%%:*} sig=${step#*:} n=$((n + 1))
    if ! wait_for -t "$TIMEOUT" grep -qE "^$mark"$'\r'"?\$" "$W/g.err"; then
        bad "the guest got to $mark"; break
    fi
    kill -"$sig" "$DPID"; wait "$DPID"; DPID=
    start_daemon
    wait_for mdev_back && RESTARTS=$((RESTARTS + 1))
    go "$n"
done
check "ccwpassd stopped (SIGTERM) and killed (SIGKILL), started again each time ($RESTARTS)" \
    test "$RESTARTS" -eq 2
wait "$GPID"; RC=$?
GPID=
O=$W/g.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
BEFORE=$(sed -n 's/^before //p' "$O") AFTER=$(sed -n 's/^after //p' "$O")
check "the guest's mt tell after the restart: where archive a ended ($BEFORE / $AFTER)" \
    test -n "$BEFORE" -a "$BEFORE" = "$AFTER" -a "$BEFORE" != "At block 0."
check "the daemon mounted the tape again where it was" \
    grep -q 'tape drive 0.0.0330: .*0580.aws mounted again at block [1-9]' "$W/daemon.log"
check "archive b written after the restart" has_line "$O" "tar b written"
check "both archives read back after the second restart" \
    test "$(grep -c '^tar [ab] read$' "$O")" -eq 2
SA=$(sed -n 's/^sum a //p' "$O") SB=$(sed -n 's/^sum b //p' "$O")
check "archive a reads back with its checksum" has_line "$O" "read a ${SA:-none}"
check "archive b reads back with its checksum" has_line "$O" "read b ${SB:-none}"
check "no tape error in the guest" has_line "$O" "tapeerrors 0"
check "the state file: 0600 in a 0700 directory" \
    test "$(stat -c %a "$RT/tape") $(stat -c %a "$STATE")" = "700 600"
if command -v hetmap >/dev/null; then
    hetmap "$W/0580.aws" >"$W/hetmap.out" 2>&1
    check "Hercules' hetmap reads the tape: a, b, then the end" \
        has "$W/hetmap.out" '^Files +: 3$'
fi

# Without a guest: the operator's tape, write-protected, comes back.
cp "$W/0580.aws" "$W/copy.aws"
"$CLI" tape -r "$RT" unload 0.0.0580 >/dev/null
"$CLI" tape -r "$RT" --write-protect load 0.0.0580 "$W/copy.aws" >/dev/null
check "ccwpass tape load: the copy is in" \
    has <("$CLI" tape -r "$RT") "^0\\.0\\.0580 0\\.0\\.0330 3490 $W/copy\\.aws \\(write-protected\\)\$"
stop_daemon; start_daemon
check "the next daemon mounted the operator's tape again (write-protected)" \
    has <("$CLI" tape -r "$RT") "^0\\.0\\.0580 0\\.0\\.0330 3490 $W/copy\\.aws \\(write-protected\\)\$"

# A tape that changed while no daemon ran: the drive stays empty.
stop_daemon
sed -i "s/^block 0$/block 3/; s/^offset 0$/offset 999999999/" "$STATE"
start_daemon
check "a tape that is not what it was: the drive comes up empty" \
    has <("$CLI" tape -r "$RT") '^0\.0\.0580 0\.0\.0330 3490 \(no tape\)$'
check "... and the log says why" \
    grep -q "tape drive 0.0.0330: the tape it held cannot be mounted where it was" "$W/daemon.log"

# The inventory names another tape: that one, at its load point.
stop_daemon
inventory other.aws
start_daemon
check "another tape in the inventory: mounted (made empty)" \
    has <("$CLI" tape -r "$RT") "^0\\.0\\.0580 0\\.0\\.0330 3490 $W/other\\.aws\$"
check "... and the log says so" \
    grep -q "tape drive 0.0.0330: the inventory names another tape" "$W/daemon.log"

if ((FAILS)); then
    echo "---- guest ----"; cat "$O"; tail -n 40 "$W/g.err"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
