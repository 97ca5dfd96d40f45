#!/usr/bin/env bash
# ccwpassd life cycle and `ccwpass run`'s checks and argument repairs.
. "$(dirname "$0")/lib.sh"
write_inventory

# no daemon: run refuses clearly
out=$("$CCWPASS" run -r "$RT" -- true 2>&1) && rc=0 || rc=$?
check "run without daemon fails" 1 "$rc"
check "run says why" yes "$(grep -q "ccwpassd is not running" <<< "$out" && echo yes)"

# config errors name the line / the image
printf '[subchannel 0.0.0313]\ndevno = 0.0.2b09\nchpids = 1g\n' > "$T/bad.conf"
out=$("$CCWPASSD" -f -c "$T/bad.conf" -r "$RT" 2>&1) && rc=0 || rc=$?
check "bad config exit" 1 "$rc"
check "bad config names the line" yes "$(grep -q "bad.conf:3" <<< "$out" && echo yes)"
sed 's/create = cdl/create = no/' "$T/inventory.conf" > "$T/noimg.conf"
out=$("$CCWPASSD" -f -c "$T/noimg.conf" -r "$RT" 2>&1) && rc=0 || rc=$?
check "missing image exit" 1 "$rc"
check "missing image named" yes "$(grep -q "2b09.cckd" <<< "$out" && echo yes)"
check "missing image: the inventory line and the fix" yes \
    "$(grep -q "noimg.conf:4: subchannel 0.0.0313: .*2b09.cckd: cannot open: No such file or directory; make it with \`ccwpass dasdinit .*2b09.cckd 3390-9\`, or set \`create = cdl\`" <<< "$out" && echo yes)"
# a volume that cannot be opened for writing: readonly = yes is the fix
"$CCWPASS" dasdinit -q -c 10 "$T/ro.cckd" 3390-9
sed "s#img/2b09.cckd#$T/ro.cckd#" "$T/noimg.conf" > "$T/ro.conf"
if chattr +i "$T/ro.cckd" 2>/dev/null; then
    out=$("$CCWPASSD" -f -c "$T/ro.conf" -r "$RT" 2>&1) && rc=0 || rc=$?
    chattr -i "$T/ro.cckd"
    check "immutable image exit" 1 "$rc"
    check "immutable image: readonly = yes named" yes \
        "$(grep -q "ro.conf:4: subchannel 0.0.0313: .*ro.cckd: .*; set \`readonly = yes\` to pass it through read-only" <<< "$out" && echo yes)"
fi
# an image of another model: device and cylinders named
"$CCWPASS" dasdinit -q -c 20 "$T/other.cckd" 3390-1
sed "s#img/2b09.cckd#$T/other.cckd#" "$T/noimg.conf" > "$T/other.conf"
out=$("$CCWPASSD" -f -c "$T/other.conf" -r "$RT" 2>&1) && rc=0 || rc=$?
check "other geometry exit" 1 "$rc"
check "other geometry: device and cylinders named" yes \
    "$(grep -q "other.conf:4: subchannel 0.0.0313: .*; set \`device\` (and \`cylinders\`) to what the image is" <<< "$out" && echo yes)"

# background start reports readiness, a second daemon is refused
"$CCWPASSD" -c "$T/inventory.conf" -r "$RT" -e "$ETC"
DPID=$(cat "$RT/ccwpassd.pid")
check "background daemon runs" 0 "$(kill -0 "$DPID" && echo 0)"
check "status" yes "$("$CCWPASS" status -r "$RT" | grep -q "running (pid $DPID)" && echo yes)"
out=$("$CCWPASSD" -f -c "$T/inventory.conf" -r "$RT" 2>&1) && rc=0 || rc=$?
check "second daemon refused" 1 "$rc"
check "second daemon message" yes "$(grep -q "already runs on $RT (pid $DPID)" <<< "$out" && echo yes)"
check "lscss" "0.0.2b09 0.0.0313  3390/0e 3990/e9      f0  f0  ff   1a2a3a0a 00000000" \
    "$("$CCWPASS" lscss -r "$RT" | sed -n 3p)"
# a subchannel passed to vfio_ccw is still listed (its driver in the
# DevType column, as docs/daemon.md says), and by --vfio with no mdev yet
"$CCWPASS" run -q -r "$RT" -- sh -ec '
    echo 0.0.0313 > /sys/bus/css/devices/0.0.0313/driver/unbind
    echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/bind'
check "lscss lists a vfio_ccw subchannel" "0.0.2b09 0.0.0313  vfio_ccw              f0  f0  ff   1a2a3a0a 00000000" \
    "$("$CCWPASS" lscss -r "$RT" | grep 0.0.0313)"
check "lscss --vfio lists it" yes \
    "$("$CCWPASS" lscss --vfio -r "$RT" | grep -q '^0.0.2b09 0.0.0313 ' && echo yes)"
"$CCWPASS" run -q -r "$RT" -- sh -ec '
    echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/unbind
    echo 0.0.0313 > /sys/bus/css/drivers/io_subchannel/bind'
check "lscss: back on io_subchannel" "0.0.2b09 0.0.0313  3390/0e 3990/e9      f0  f0  ff   1a2a3a0a 00000000" \
    "$("$CCWPASS" lscss -r "$RT" | grep 0.0.0313)"

# run: QEMU gets the preload library, the runtime dir and repaired options
mkdir -p "$T/bin"
cat > "$T/bin/qemu-system-s390x" <<'QEMU'
#!/bin/sh
echo "ARGS $*"
echo "PRELOAD ${LD_PRELOAD:-none}"
echo "RUNTIME $CCWPASS_RUNTIME_DIR"
echo "SYS $(cat /sys/bus/css/devices/0.0.0313/pimpampom)"
QEMU
chmod +x "$T/bin/qemu-system-s390x"
# the library next to the build tree's ccwpass (found by run itself), else a
# stand-in (also in sanitizer builds: an ASan library cannot go into sh)
LIB=$(dirname "$CCWPASS")/../preload/libccwpass-preload.so
if [ -f "$LIB" ] && LD_PRELOAD=$LIB /bin/true 2>/dev/null; then
    unset CCWPASS_PRELOAD
    WANT="PRELOAD $(dirname "$CCWPASS")/../preload/libccwpass-preload.so"
else
    export CCWPASS_PRELOAD=$T/libstandin.so
    cp "$(ldconfig -p | awk '/libz.so.1 /{print $NF; exit}')" "$CCWPASS_PRELOAD"
    WANT="PRELOAD $CCWPASS_PRELOAD"
fi
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -r "$RT" -- \
      qemu-system-s390x -M s390-ccw-virtio,s390-squash-mcss=on -m 512 2> "$T/note")
check "qemu args repaired" "ARGS -M s390-ccw-virtio -m 512" "$(grep ARGS <<< "$out")"
check "qemu preload" "$WANT" "$(grep PRELOAD <<< "$out")"
check "qemu runtime dir" "RUNTIME $RT" "$(grep RUNTIME <<< "$out")"
check "qemu sees the view" "SYS f0 f0 ff" "$(grep SYS <<< "$out")"
check "note printed" yes "$(grep -q "removed 's390-squash-mcss=on' from -M" "$T/note" && echo yes)"
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -q -r "$RT" -- \
      qemu-system-s390x -machine s390-squash-css=on -nographic 2> "$T/note")
check "whole -machine dropped" "ARGS -nographic" "$(grep ARGS <<< "$out")"
check "quiet" "" "$(cat "$T/note")"
out=$("$CCWPASS" run -r "$RT" -- sh -c 'echo ${LD_PRELOAD:-none}')
check "no preload for others" none "$out"
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -q -r "$RT" -- timeout 60 \
      qemu-system-s390x -M s390-ccw-virtio,s390-squash-mcss=on -m 512 2>&1)
check "QEMU behind timeout: preloaded" "$WANT" "$(grep PRELOAD <<< "$out")"
check "QEMU behind timeout: args repaired" "ARGS -M s390-ccw-virtio -m 512" "$(grep ARGS <<< "$out")"
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -q -r "$RT" -- env A=b nice -n 1 \
      qemu-system-s390x -nographic 2>&1)
check "QEMU behind env and nice: preloaded" "$WANT" "$(grep PRELOAD <<< "$out")"

# run: a vfio-ccw device must name an mdev of the view, before QEMU starts
U=11111111-2222-4333-8444-555555555555
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -q -r "$RT" -- qemu-system-s390x \
      -device vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U 2>&1) && rc=0 || rc=$?
check "no mdev: QEMU not started" 1 "$rc"
check "no mdev: says none is started" yes \
    "$(grep -q "sysfsdev=/sys/bus/mdev/devices/$U: no such mdev, and none is started" <<< "$out" && ! grep -q ARGS <<< "$out" && echo yes)"
"$CCWPASS" run -q -r "$RT" -- sh -ec "
    echo 0.0.0313 > /sys/bus/css/devices/0.0.0313/driver/unbind
    echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/bind
    echo $U > /sys/bus/css/devices/0.0.0313/mdev_supported_types/vfio_ccw-io/create"
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -q -r "$RT" -- qemu-system-s390x \
      -device vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/${U%5}6 2>&1) && rc=0 || rc=$?
check "wrong mdev: QEMU not started" 1 "$rc"
check "wrong mdev: names the started one and its subchannel" yes \
    "$(grep -q "no such mdev; the started mdevs are $U (0.0.0313)" <<< "$out" && echo yes)"
out=$(PATH="$T/bin:$PATH" "$CCWPASS" run -q -r "$RT" -- qemu-system-s390x \
      -device vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/$U 2>&1) && rc=0 || rc=$?
check "the right mdev: QEMU starts" yes "$(grep -q "^ARGS -device vfio-ccw" <<< "$out" && echo yes)"
"$CCWPASS" run -q -r "$RT" -- sh -ec "
    echo 1 > /sys/bus/mdev/devices/$U/remove
    echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/unbind
    echo 0.0.0313 > /sys/bus/css/drivers/io_subchannel/bind"

# SIGTERM: clean exit, view unmounted, pid file gone - also while a
# `ccwpass run` namespace still has the view bound
"$CCWPASS" run -r "$RT" -- sh -c "touch $T/ns-up; exec sleep 60" &
SLEEPER=$!
wait_for test -e "$T/ns-up" || true
kill -TERM "$DPID"
wait_for sh -c "! kill -0 $DPID" || true
check "daemon gone although a namespace holds the view" no \
    "$(kill -0 "$DPID" 2>/dev/null && echo yes || echo no)"
kill "$SLEEPER" 2>/dev/null || true
wait "$SLEEPER" 2>/dev/null || true
DPID=
check "unmounted" no "$(grep -q " $RT/sys " /proc/mounts && echo yes || echo no)"
check "pid file removed" no "$([ -e "$RT/ccwpassd.pid" ] && echo yes || echo no)"

# a daemon that dies leaves a dead view on <runtime>/sys (statfs there
# fails with ENOTCONN); the next daemon removes it and mounts its own
"$CCWPASSD" -c "$T/inventory.conf" -r "$RT" -e "$ETC"
DEAD=$(cat "$RT/ccwpassd.pid")
check "detached daemon's log is root's alone" 600 "$(stat -c %a "$RT/ccwpassd.log")"
kill -KILL "$DEAD"
wait_for sh -c "! kill -0 $DEAD" || true
out=$("$CCWPASS" status -r "$RT") && rc=0 || rc=$?
check "status after SIGKILL: not running" 3 "$rc"
check "status names the stale pid file" yes \
    "$(grep -q "stale $RT/ccwpassd.pid" <<< "$out" && echo yes)"
start_daemon
check "one view mounted" 1 "$(grep -c " $RT/sys " /proc/mounts)"
check "restarted daemon serves" "f0 f0 ff" \
    "$(ns cat /sys/bus/css/devices/0.0.0313/pimpampom)"
stop_daemon
finish
