#!/usr/bin/env bash
# ccwpassd as a service: systemd's readiness protocol (Type=notify: READY
# only once the view is mounted, MAINPID, STATUS, STOPPING), the journal's
# native protocol when stderr is the journal's stream, timestamped lines on
# stderr, a usable log target option. docs/daemon.md "Logging", "Service".
# Arguments: CCWPASSD CCWPASS SYSFS_IO
. "$(dirname "$0")/lib.sh"
LISTEN="python3 $(dirname "$(realpath "$0")")/dgram_listen.py"
LPIDS=()
EXTRA_CLEANUP='for p in "${LPIDS[@]}"; do kill "$p" 2>/dev/null || true; done'

# listen SOCKET OUT [--view PATH]: a datagram listener, ready on return.
listen() {
    $LISTEN "$@" & LPIDS+=($!)
    wait_for test -e "$2.ready" || { echo "listener on $1 did not start"; exit 1; }
}
# field FILE KEY: the values of KEY= in the messages received so far.
field() { sed -n "s/^$2=//p" "$1"; }

echo "== Type=notify, in the foreground"
listen "$T/notify" "$T/notify.out" --view "$RT/sys"
NOTIFY_SOCKET=$T/notify start_daemon --mdevctl none
wait_for grep -q '^READY=1$' "$T/notify.out" || { echo "no READY=1"; cat "$T/notify.out"; exit 1; }
check "READY=1 names the daemon as MAINPID" "$DPID" "$(field "$T/notify.out" MAINPID)"
check "READY=1 only once the view is mounted" 1 "$(field "$T/notify.out" VIEW_MOUNTED | head -n1)"
check "STATUS says what is ready" "ready: 2 subchannels, view at $RT/sys" \
    "$(field "$T/notify.out" STATUS)"
line=$(grep ' ready: ' "$T/daemon.log" | tail -n1)
check "stderr lines carry the time, name, pid and level" yes \
    "$([[ "$line" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{4}\ ccwpassd\[$DPID\]:\ notice:\ ccwpassd\ [0-9.]+\ ready ]] && echo yes || echo "no: $line")"
stop_daemon
check "STOPPING=1 when stopping" 1 "$(field "$T/notify.out" STOPPING)"

echo "== Type=notify, detached: MAINPID is the process that stays"
: > "$T/notify.out"
out=$(NOTIFY_SOCKET=$T/notify "$CCWPASSD" -c "$T/inventory.conf" -r "$RT" \
    -e "$ETC" --mdevctl none --log-target stderr 2>&1) || { echo "start failed: $out"; exit 1; }
pid=$(cat "$RT/ccwpassd.pid")
wait_for grep -q '^READY=1$' "$T/notify.out"
check "detached: MAINPID is the daemon's (its pid file)" "$pid" "$(field "$T/notify.out" MAINPID)"
kill -TERM "$pid"
wait_for pid_gone "$pid"
check "detached: stderr is the log file, timestamped" yes \
    "$(grep -Eq "^[0-9-]{10}T[0-9:.]{12}[+-][0-9]{4} ccwpassd\[$pid\]: notice: Terminated: shutting down$" \
        "$RT/ccwpassd.log" && echo yes || { echo no; cat "$RT/ccwpassd.log"; })"
check "the log file is root's alone" 600 "$(stat -c %a "$RT/ccwpassd.log")"

echo "== the journal, when stderr is its stream (as systemd runs a service)"
# A private /run/systemd with our listener as journald's socket.
unshare -m --propagation private bash -c '
    set -e
    T=$1 RT=$2 CCWPASSD=$3 LISTEN=$4
    . "$5"
    mount -t tmpfs -o mode=755 tmpfs /run/systemd
    mkdir /run/systemd/journal
    $LISTEN /run/systemd/journal/socket "$T/journal.out" &
    L=$!
    wait_for test -e "$T/journal.out.ready"
    exec 2> "$T/stream"
    export JOURNAL_STREAM=$(stat -c %d:%i "$T/stream")
    "$CCWPASSD" -f -c "$T/inventory.conf" -r "$RT" -l info --mdevctl none &
    D=$!
    wait_for grep -q "^MESSAGE=ccwpassd .* ready" "$T/journal.out" || true
    kill -TERM $D; wait $D || echo "daemon exit $?" >> "$T/journal.err"
    kill $L
' _ "$T" "$RT" "$CCWPASSD" "$LISTEN" \
    "$(dirname "$(realpath "$0")")/../../scripts/lib/wait.sh" || true
j=$T/journal.out
check "journal: the ready message" 1 "$(grep -c '^MESSAGE=ccwpassd [0-9.]* ready: 2 subchannels' "$j" || true)"
check "journal: SYSLOG_IDENTIFIER on every entry" \
    "$(grep -c '^MESSAGE=' "$j")" "$(grep -c '^SYSLOG_IDENTIFIER=ccwpassd$' "$j")"
check "journal: the ready message is a notice (PRIORITY=5)" 5 \
    "$(grep -A2 '^MESSAGE=ccwpassd [0-9.]* ready' "$j" | sed -n 's/^PRIORITY=//p')"
check "journal: a subchannel's message names it in CCWPASS_OBJECT" yes \
    "$(grep -B1 -A3 '^MESSAGE=sch 0.0.0313: bound to io_subchannel' "$j" | grep -qx 'CCWPASS_OBJECT=sch 0.0.0313' && echo yes || echo no)"
check "journal: nothing was written to stderr" "" "$(cat "$T/stream" 2>/dev/null)"
check "journal: orderly exit" "" "$(cat "$T/journal.err" 2>/dev/null)"

echo "== options"
out=$("$CCWPASSD" --log-target kmsg 2>&1) && rc=0 || rc=$?
check "an unknown log target is refused" "2: ccwpassd: unknown log target 'kmsg' (auto, stderr, journal, syslog)" "$rc: $out"
finish
