#!/usr/bin/env bash
# Other local users: what they can reach of a running ccwpassd, and what
# they cannot take from it (issue 8). Files they cannot read; locks they
# cannot hold; open files of the view, which cost the daemon memory,
# bounded per user (sysfs_quota.h).
. "$(dirname "$0")/lib.sh"
# The runtime directory is reachable by all, as /run/ccwpass is.
chmod 0755 "$T" "$RT"
start_daemon

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# ---- files ----
IMG=$T/img/2b09.cckd
check "created volume 0600" 600 "$(stat -c %a "$IMG")"
check "the daemon's lock root's alone" 600 "$(stat -c %a "$RT/ccwpassd.lock")"
check "pid file readable" 644 "$(stat -c %a "$RT/ccwpassd.pid")"
check "socket directory 0700" 700 "$(stat -c %a "$RT/vfio-user")"
check "nobody cannot read the volume" no \
    "$(as_nobody cat "$IMG" >/dev/null 2>&1 && echo yes || echo no)"
check "nobody cannot open the daemon's lock" no \
    "$(as_nobody sh -c "exec 3<'$RT/ccwpassd.lock'" 2>/dev/null && echo yes || echo no)"

# ---- ccwpassd as another user: refused before it creates anything ----
NR=$T/nonroot-run
out=$(as_nobody "$CCWPASSD" -f -c "$T/inventory.conf" -r "$NR" 2>&1) && rc=0 || rc=$?
check "ccwpassd as nobody exits 1" 1 "$rc"
check "ccwpassd as nobody says it must run as root" yes \
    "$(grep -q "must run as root" <<<"$out" && echo yes)"
check "ccwpassd as nobody created nothing" no "$([ -e "$NR" ] && echo yes || echo no)"

# ---- open files of the view: 256 per user, root unbounded ----
OPENER='
import errno, sys
files = []
try:
    for _ in range(int(sys.argv[2])):
        files.append(open(sys.argv[1]))
    print(len(files), "ok")
except OSError as e:
    print(len(files), errno.errorcode[e.errno])
'
V=$RT/sys/devices/css0/0.0.0313/pimpampom
check "nobody reads the view" "f0 f0 ff" "$(as_nobody cat "$V")"
check "nobody: 256 open files, then EMFILE" "256 EMFILE" \
    "$(as_nobody /usr/bin/python3 -c "$OPENER" "$V" 300)"
SHARED='
import errno, os, sys
held = [open(sys.argv[1]) for _ in range(200)]
if os.fork() == 0:
    mine = []
    try:
        while len(mine) < 300:
            mine.append(open(sys.argv[1]))
    except OSError as e:
        print(len(mine), errno.errorcode[e.errno])
    os._exit(0)
os.wait()
'
check "two processes of one user share the bound" "56 EMFILE" \
    "$(as_nobody /usr/bin/python3 -c "$SHARED" "$V")"
check "root is not bounded" "600 ok" "$(/usr/bin/python3 -c "$OPENER" "$V" 600)"
check "nobody's share is back after exit" "256 EMFILE" \
    "$(as_nobody /usr/bin/python3 -c "$OPENER" "$V" 300)"

# ---- who may use an mdev: its group node's owner decides ----
sysw /sys/bus/css/devices/0.0.0313/driver/unbind 0.0.0313 >/dev/null
sysw /sys/bus/css/drivers/vfio_ccw/bind 0.0.0313 >/dev/null
sysw /sys/bus/css/devices/0.0.0313/mdev_supported_types/vfio_ccw-io/create "$UUID1" >/dev/null
G=$(basename "$(readlink "$RT/sys/bus/mdev/devices/$UUID1/iommu_group")")
NODE=$RT/dev/vfio/$G
SOCK=$RT/vfio-user/$UUID1.sock
check "group node made with the mdev, root's 0600" "root 600" "$(stat -c '%U %a' "$NODE")"
check "seen at /dev/vfio inside ccwpass run" "root 600" "$(ns stat -c '%U %a' "/dev/vfio/$G")"
check "the container node, as the kernel's" 666 "$(stat -c %a "$RT/dev/vfio/vfio")"
# A VERSION as nobody; prints the reply's first bytes' length or how it ended.
HELLO='
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect", e.strerror); sys.exit(0)
v = struct.pack("<HH", 0, 1) + b"{}\0"
try:
    s.sendall(struct.pack("<HHIII", 1, 1, 16 + len(v), 0, 0) + v)
    r = s.recv(4096)
except OSError:
    r = b""
print("reply" if len(r) >= 16 else "closed")
'
check "nobody cannot connect to a root node's socket" "connect Permission denied" \
    "$(as_nobody /usr/bin/python3 -c "$HELLO" "$SOCK")"
# Even a socket left open to all (by hand): the daemon asks the node.
chmod 0711 "$RT/vfio-user"; chmod 0666 "$SOCK"
check "a reachable socket: ccwpassd closes it, the node says no" closed \
    "$(as_nobody /usr/bin/python3 -c "$HELLO" "$SOCK")"
check "and says why" yes "$(grep -q "may not open $NODE" "$T/daemon.log" && echo yes)"
ns chown nobody "/dev/vfio/$G"
sock_follows() { [ "$(stat -c '%U %a' "$SOCK")" = "nobody 600" ]; }
wait_for sock_follows
check "the socket follows the node (nobody, 0600)" "nobody 600" "$(stat -c '%U %a' "$SOCK")"
check "nobody is served" reply "$(as_nobody /usr/bin/python3 -c "$HELLO" "$SOCK")"
ns chmod 0660 "/dev/vfio/$G"
ns chown root:nogroup "/dev/vfio/$G"
sock_group() { [ "$(stat -c '%U:%G %a' "$SOCK")" = "root:nogroup 660" ]; }
wait_for sock_group
check "group access: the socket follows (root:nogroup 0660)" "root:nogroup 660" \
    "$(stat -c '%U:%G %a' "$SOCK")"
check "a member of the group is served" reply \
    "$(setpriv --reuid=daemon --regid=nogroup --clear-groups /usr/bin/python3 -c "$HELLO" "$SOCK")"
sysw "/sys/bus/mdev/devices/$UUID1/remove" 1 >/dev/null
check "the node goes with the mdev" no "$([ -e "$NODE" ] && echo yes || echo no)"
check "the socket directory closes again" 700 "$(stat -c %a "$RT/vfio-user")"

stop_daemon
finish
