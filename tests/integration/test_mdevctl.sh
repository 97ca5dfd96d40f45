#!/usr/bin/env bash
# mdevctl 1.2.0 against the view: types, define -a, start/list/stop,
# undefine, autostart when the parent registers (bind and daemon start).
. "$(dirname "$0")/lib.sh"
command -v mdevctl >/dev/null || skip "mdevctl not installed"
command -v driverctl >/dev/null || skip "driverctl not installed"
start_daemon

check "types: no parent yet" "" "$(ns mdevctl types)"
ns driverctl -b css set-override 0.0.0313 vfio_ccw
check "types" $'0.0.0313\n  vfio_ccw-io\n    Available instances: 1\n    Device API: vfio-ccw\n    Name: I/O subchannel (Non-QDIO)' \
    "$(ns mdevctl types)"
ns mdevctl define -u $UUID1 -p 0.0.0313 -t vfio_ccw-io -a
check "list -d" "$UUID1 0.0.0313 vfio_ccw-io auto" "$(ns mdevctl list -d)"
check "config file" yes "$([ -f "$ETC/mdevctl.d/0.0.0313/$UUID1" ] && echo yes)"
check "not active yet" "" "$(ns mdevctl list)"
ns mdevctl start -u $UUID1
check "list" "$UUID1 0.0.0313 vfio_ccw-io auto (defined)" "$(ns mdevctl list)"
check "mdev in sysfs" "$UUID1" "$(ns ls /sys/bus/mdev/devices)"
check "types: none left" "    Available instances: 0" "$(ns mdevctl types | grep Available)"
ns mdevctl stop -u $UUID1
check "stopped" "" "$(ns mdevctl list)"

# autostart: the parent registers again when vfio_ccw binds
ns sh -c 'echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/unbind'
ns sh -c 'echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/bind'
wait_for test -e "$RT/sys/bus/mdev/devices/$UUID1" || true
check "autostart on bind" "$UUID1 0.0.0313 vfio_ccw-io auto (defined)" "$(ns mdevctl list)"

# and when the daemon starts with a saved override
stop_daemon
start_daemon
wait_for test -e "$RT/sys/bus/mdev/devices/$UUID1" || true
check "autostart at daemon start" "$UUID1 0.0.0313 vfio_ccw-io auto (defined)" "$(ns mdevctl list)"
ns mdevctl stop -u $UUID1

# the seed's type spelling is repaired by `ccwpass run`
ns mdevctl undefine -u $UUID1
check "undefined" "" "$(ns mdevctl list -d)"
"$CCWPASS" run -r "$RT" -e "$ETC" -- mdevctl define -u $UUID2 -p 0.0.0313 -t vfio-ccw_io 2> "$T/note"
check "typo note" yes "$(grep -q "typo" "$T/note" && echo yes)"
check "typo repaired" "$UUID2 0.0.0313 vfio_ccw-io manual" "$(ns mdevctl list -d)"
ns mdevctl undefine -u $UUID2

stop_daemon
finish
