#!/usr/bin/env bash
# The s390-tools an administrator runs on a DASD, in the real guest, on a
# ccwpass 3390 (docs/eckd.md "Reserve and release"):
#  - lsdasd -u / dasdinfo -u: the volume's uid; fdasd -p: the CDL VTOC;
#  - tunedasd -c / -g: the cache mode Define Extent carries;
#  - tunedasd -Q / -S / -L / -O: Sense Path Group ID shows the reservation
#    that Device Reserve, Device Release and Unconditional Reserve make
#    and drop; I/O goes on while reserved, and a device set offline and
#    online again (cio disbands its path group, then regroups) is still
#    reserved to this system, not boxed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
UUID=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir guest-tools
need_kit

small_volume
start_daemon --mdevctl none

cat >"$W/guest.sh" <<'GUEST'
#!/bin/bash
chccwdev -e 0.0.1234 >/dev/null && echo online
for _ in $(seq 20); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
echo "uid $(lsdasd -u 0.0.1234 | tail -n1 | awk '{print $3}') $(dasdinfo -u -d /dev/dasda)"
fdasd -p /dev/dasda | grep -E 'volume serial|/dev/dasda1'
tunedasd -c prestage -n 2 /dev/dasda >/dev/null && echo "cache $(tunedasd -g /dev/dasda)"
q() { echo "query $1 $(tunedasd -Q /dev/dasda 2>&1)"; }
q start
tunedasd -S /dev/dasda >/dev/null 2>&1; echo "reserve rc=$?"
q reserved
dd if=/dev/urandom of=/tmp/data bs=4096 count=64 2>/dev/null
dd if=/tmp/data of=/dev/dasda1 bs=4096 oflag=direct 2>/dev/null
echo "io $(dd if=/dev/dasda1 bs=4096 count=64 iflag=direct 2>/dev/null | cmp - /tmp/data && echo same)"
chccwdev -d 0.0.1234 >/dev/null; chccwdev -e 0.0.1234 >/dev/null; echo "online again rc=$?"
for _ in $(seq 20); do [ -b /dev/dasda ] && break; sleep 0.2; done
q again
tunedasd -L /dev/dasda >/dev/null 2>&1; echo "release rc=$?"
q released
tunedasd -O /dev/dasda >/dev/null 2>&1; echo "unconditional rc=$?"
q stolen
tunedasd -L /dev/dasda >/dev/null 2>&1; echo "release2 rc=$?"
q end
echo "ioerrors $(dmesg | grep -ciE 'i/o error|ERP failed|boxed')"
GUEST

boot_passed tools "$W/guest.sh" "0.0.0313:$UUID:1234"
RC=$?
O=$W/tools.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
check "the DASD online" has_line "$O" online
check "lsdasd -u and dasdinfo -u show the volume's uid" \
    has "$O" '^uid IBM\.[0-9A-Z]+\.[0-9a-f]+\.[0-9a-f]+ IBM\.[0-9A-Z]+\.'
check "fdasd -p reads the CDL VTOC" has "$O" 'volume serial \.+: 0X2B09'
check "fdasd -p lists dasda1" has "$O" '/dev/dasda1 +2 '
check "tunedasd -c / -g: the cache mode set" has_line "$O" "cache prestage (2 cyl)"
check "tunedasd -Q: not reserved at first" has_line "$O" "query start none"
check "tunedasd -S: Device Reserve accepted" has_line "$O" "reserve rc=0"
check "tunedasd -Q: reserved to this system" has_line "$O" "query reserved reserved"
check "I/O while reserved" has_line "$O" "io same"
check "offline and online again" has_line "$O" "online again rc=0"
check "... still reserved to this system" has_line "$O" "query again reserved"
check "tunedasd -L: Device Release accepted" has_line "$O" "release rc=0"
check "tunedasd -Q: not reserved after the release" has_line "$O" "query released none"
check "tunedasd -O: Unconditional Reserve accepted" has_line "$O" "unconditional rc=0"
check "tunedasd -Q: reserved after it" has_line "$O" "query stolen reserved"
check "released again" has_line "$O" "release2 rc=0"
check "tunedasd -Q: none at the end" has_line "$O" "query end none"
check "no I/O error, no boxed device" has_line "$O" "ioerrors 0"
if ((FAILS)); then
    echo "---- guest ----"; cat "$O"; tail -n 30 "$W/tools.err"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
