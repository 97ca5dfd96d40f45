#!/usr/bin/env bash
# Tracing one subchannel while ccwpassd runs: `ccwpass trace` and the
# view's ccwpass_trace (on to a file created 0600, off, a size bound that
# stops it with a last line), refused for a subchannel not bound to
# vfio_ccw and for bad requests. docs/vfio-ccw.md "Tracing".
# Arguments: CCWPASSD CCWPASS SYSFS_IO
. "$(dirname "$0")/lib.sh"
HELLO="python3 $(dirname "$(realpath "$0")")/vfu_hello.py"
start_daemon
tr_() { "$CCWPASS" trace -r "$RT" "$@" 2>&1; }
A=/sys/bus/css/devices/0.0.0313/ccwpass_trace
# connect: one vfio-user client connects and goes (a "client" trace line)
connect() { echo | $HELLO "$RT/vfio-user/$UUID1.sock" >/dev/null; }

out=$(tr_ 0.0.0313 on "$T/x.trace") && rc=0 || rc=$?
check "a subchannel on io_subchannel is not traced" \
    "1 ccwpass trace: subchannel 0.0.0313 is bound to io_subchannel: only a subchannel bound to vfio_ccw is traced" "$rc $out"
out=$(tr_ 0.0.9999) && rc=0 || rc=$?
check "an unknown subchannel is named" "1 ccwpass trace: no subchannel 0.0.9999 on this host (\`ccwpass status\` lists them)" "$rc $out"

sysw /sys/bus/css/devices/0.0.0313/driver/unbind 0.0.0313 >/dev/null
sysw /sys/bus/css/drivers/vfio_ccw/bind 0.0.0313 >/dev/null
sysw /sys/bus/css/devices/0.0.0313/mdev_supported_types/vfio_ccw-io/create "$UUID1" >/dev/null
check "off at first" "0.0.0313: off" "$(tr_ 0.0.0313)"

cd "$T"
out=$(tr_ 0.0.0313 on t1.trace)
check "on, to the file's absolute path, 64 MiB bound" yes \
    "$([[ "$out" =~ ^0\.0\.0313:\ on\ $T/t1\.trace\ [0-9]+\ 67108864$ ]] && echo yes || echo "no: $out")"
cd - >/dev/null
check "the trace file is root's alone" 600 "$(stat -c %a "$T/t1.trace")"
connect
wait_for grep -q " 0.0.0313 client mdev $UUID1 connected" "$T/t1.trace"
check "a client's connection is traced" 1 "$(grep -c " 0.0.0313 client mdev $UUID1 connected" "$T/t1.trace")"
check "off" "0.0.0313: off" "$(tr_ 0.0.0313 off)"
size=$(stat -c %s "$T/t1.trace")
connect
check "nothing is traced once off" "$size" "$(stat -c %s "$T/t1.trace")"

out=$(tr_ --max-size 300 0.0.0313 on "$T/t2.trace")
check "on with a bound of 300 bytes" yes "$([[ "$out" == *" 300" ]] && echo yes || echo "no: $out")"
connect; connect; connect
stopped() { grep -q '^trace stopped: its size limit of 300 bytes was reached$' "$T/t2.trace"; }
wait_for stopped
check "the bound stops it with a last line" 1 "$(grep -c '^trace stopped' "$T/t2.trace")"
check "... and tracing is off" "0.0.0313: off" "$(tr_ 0.0.0313)"
check "the file stayed within its bound (plus that line)" yes \
    "$([ "$(stat -c %s "$T/t2.trace")" -le 400 ] && echo yes || echo no)"

echo "== the view's attribute"
check "a relative path is refused" EINVAL "$(sysw $A 'on rel.trace')"
check "garbage is refused" EINVAL "$(sysw $A 'bogus')"
check "a bad bound is refused" EINVAL "$(sysw $A "on $T/t3.trace -5")"
ln -s /etc/passwd "$T/link.trace"
check "a symbolic link is not followed" ELOOP "$(sysw $A "on $T/link.trace")"
check "a device other than /dev/null is refused" EINVAL "$(sysw $A "on /dev/zero")"
check "/dev/null is taken (a trace not kept)" "OK 14" "$(sysw $A "on /dev/null 0")"
sysw $A off >/dev/null
mkfifo "$T/fifo.trace"
check "a FIFO is refused at once (no hang)" ENXIO "$(sysw $A "on $T/fifo.trace")"
touch "$T/user.trace" && chown nobody "$T/user.trace"
check "another user's file is refused" EINVAL "$(sysw $A "on $T/user.trace")"
touch "$T/old.trace" && chmod 644 "$T/old.trace"
sysw $A "on $T/old.trace" >/dev/null
check "an existing file of root's becomes 0600" 600 "$(stat -c %a "$T/old.trace")"
out=$("$CCWPASS" trace -r "$RT" 0.0.0313 on "$T/with blank.trace" 2>&1) && rc=0 || rc=$?
check "a path with a blank is refused by the CLI" "1 ccwpass trace: $T/with blank.trace: a trace file's path may not hold blanks" "$rc $out"
check "on by a write, 0 = no bound" "OK $((${#T} + 14))" "$(sysw $A "on $T/t3.trace 0")"
check "its state" yes "$([[ "$(sysr $A)" =~ ^on\ $T/t3\.trace\ [0-9]+\ 0$ ]] && echo yes || echo no)"
stop_daemon
finish
