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

stop_daemon
finish
