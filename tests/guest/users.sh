#!/usr/bin/env bash
# QEMU not running as root (issue 8, point 8), as real hosts run it: the
# real guest uses a ccwpass DASD from a QEMU that runs as `nobody`, given
# the mdev by the ownership of its group node, /dev/vfio/N - and not
# before; and from a root QEMU that drops to nobody with -runas after it
# connected.
#
#  1. QEMU as nobody, node root's (0600): QEMU refuses to start, naming
#     /dev/vfio/N and "Permission denied"; the socket stays root's.
#  2. `chown nobody /dev/vfio/N` inside `ccwpass run`: the socket follows
#     (owner nobody), its directory becomes searchable (0711); QEMU as
#     nobody boots, the guest writes and reads the disk with equal
#     checksums, guest RAM by the memory file QEMU sent (process_vm).
#  3. The node root's again; QEMU as root with -runas nobody: it connects
#     while root, then runs the guest as nobody: the same I/O works.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
UUID=4f3e2d1c-0b9a-4876-a543-210fedcba987

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
id nobody >/dev/null 2>&1 || skip "no user nobody"

host_workdir guest-users
# The runtime directory as /run/ccwpass is: reachable, not writable.
chmod 0755 "$W" "$RT"

need_kit

small_volume 1a
start_daemon --mdevctl none
pass_through 0.0.0313 "$UUID"
check "mdev $UUID created" test -e "$RT/sys/bus/mdev/devices/$UUID"
G=$(basename "$(readlink "$RT/sys/bus/mdev/devices/$UUID/iommu_group")")
SOCK=$RT/vfio-user/$UUID.sock
check "group node /dev/vfio/$G is root's, 0600" \
    test "$(ns stat -c '%U %a' "/dev/vfio/$G")" = "root 600"
check "its socket too, in a 0700 directory" \
    test "$(stat -c '%U %a' "$SOCK") $(stat -c %a "$RT/vfio-user")" = "root 600 700"

cat >"$W/guest.sh" <<'GUEST'
#!/bin/bash
lscss -d 0.0.1234 | tail -n1
chccwdev -e 0.0.1234 >/dev/null && echo online
for _ in $(seq 20); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
dd if=/dev/urandom of=/tmp/data bs=4096 count=256 2>/dev/null
echo "wrote $(sha256sum < /tmp/data | cut -c1-16)"
dd if=/tmp/data of=/dev/dasda1 bs=4096 oflag=direct 2>/dev/null
echo "read $(dd if=/dev/dasda1 bs=4096 count=256 iflag=direct 2>/dev/null | sha256sum | cut -c1-16)"
GUEST

boot() {   # boot NAME WRAPPER_OPTS -- EXTRA_QEMU_ARGS...
    local name=$1 wrap=$2
    shift 3
    CCWPASS_PRELOAD_DEBUG=1 \
    QEMU_WRAPPER="$CLI run -q -r $RT -e $ETC $wrap --" \
        "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/$name.log" \
        --script "$W/guest.sh" -- -nic none \
        -device "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$UUID" \
        "$@" >"$W/$name.out" 2>"$W/$name.err"
}

io_ok() {   # io_ok NAME: the session wrote and read the same data
    local out=$W/$1.out w r
    w=$(sed -n 's/^wrote //p' "$out")
    r=$(sed -n 's/^read //p' "$out")
    has_line "$out" online && [ -n "$w" ] && [ "$w" = "$r" ]
}

# ---- 1: not granted ----
boot denied "--user nobody" --; rc=$?
check "QEMU as nobody without the node: no guest (rc $rc)" test "$rc" -ne 0
check "QEMU says /dev/vfio/$G: Permission denied" \
    has "$W/denied.log" "/dev/vfio/$G.*(Permission denied|permission denied)"

# ---- 2: granted by the node's owner ----
ns chown nobody "/dev/vfio/$G"
sock_follows() { [ "$(stat -c %U "$SOCK")" = nobody ]; }
wait_for sock_follows
check "the socket follows the node: owner nobody" sock_follows
check "the socket directory is searchable (0711)" \
    test "$(stat -c %a "$RT/vfio-user")" = 711
boot granted "--user nobody" --; rc=$?
check "QEMU as nobody boots the guest (rc $rc)" test "$rc" -eq 0
check "the guest sees the DASD" has "$W/granted.out" '^0\.0\.1234 .* 3390/[0-9a-f]{2} +3990/e9'
check "the guest writes and reads it back (as nobody's QEMU)" io_ok granted
check "guest RAM by QEMU's memory file (process_vm)" \
    has "$W/granted.log" "mdev $UUID: connected to .*process_vm"

# ---- 3: -runas after connecting ----
ns chown root "/dev/vfio/$G"
sock_root() { [ "$(stat -c %U "$SOCK")" = root ] && [ "$(stat -c %a "$RT/vfio-user")" = 700 ]; }
wait_for sock_root
check "back to root's: socket root's, directory 0700" sock_root
boot runas "" -- -runas nobody; rc=$?
check "QEMU -runas nobody boots the guest (rc $rc)" test "$rc" -eq 0
check "the guest writes and reads it back (after -runas)" io_ok runas

if ((FAILS)); then
    for f in denied granted runas; do
        echo "---- $f ----"; cat "$W/$f.out" "$W/$f.err" 2>/dev/null | tail -n 15
        grep -a 'ccwpass\|vfio' "$W/$f.log" 2>/dev/null | tail -n 10
    done
    echo "---- daemon ----"; tail -n 30 "$W/daemon.log"
    echo "$FAILS check(s) failed"; exit 1
fi
echo "all checks passed"
