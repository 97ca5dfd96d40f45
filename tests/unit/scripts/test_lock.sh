#!/usr/bin/env bash
# scripts/lib/lock.sh: the scripts' one-run-at-a-time locks (demo, test,
# guest-kit) are root's alone, so another user holding a lock on an old,
# readable lock file does not stop the README's commands.
set -uo pipefail
. "$1/lock.sh"
. "$1/wait.sh"
FAILS=0
check() {   # check DESC WANT GOT
    if [ "$2" = "$3" ]; then echo "ok   $1"; else
        echo "FAIL $1: want '$2', got '$3'"; FAILS=$((FAILS + 1)); fi
}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to be another user"; exit 77; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
chmod 755 "$D"
F=$D/x.lock
: > "$F"; chmod 644 "$F"
# Another user holds a shared lock on the old file until told to stop.
mkfifo "$D/go"; chmod 666 "$D/go"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    flock -s "$F" sh -c "cat '$D/go' >/dev/null" &
HOLDER=$!
held() { ! flock -n -x "$F" true; }
wait_for held
lock_open 9 "$F"
flock -n 9 && got=locked || got=busy
check "a lock another user holds on an old file stops nobody" locked "$got"
check "the lock file is root's alone" "0 600" "$(stat -c '%u %a' "$F")"
lock_open 8 "$F"
flock -n 8 && got=locked || got=busy
check "a second run is refused" busy "$got"
echo > "$D/go"
wait "$HOLDER"
exec 8>&- 9>&-
((FAILS == 0))
