#!/usr/bin/env bash
# driverctl 0.111 against the view: set/list/unset overrides, saved
# overrides applied when the daemon starts.
. "$(dirname "$0")/lib.sh"
command -v driverctl >/dev/null || skip "driverctl not installed"
start_daemon

S=/sys/bus/css/devices/0.0.0313
check "list-devices" $'0.0.0313 io_subchannel\n0.0.0314 io_subchannel' \
    "$(ns driverctl -b css list-devices)"
ns driverctl -b css set-override 0.0.0313 vfio_ccw
check "bound by set-override" vfio_ccw "$(ns sh -c "basename \$(readlink $S/driver)")"
check "driver_override" vfio_ccw "$(ns cat $S/driver_override)"
check "list-overrides" "0.0.0313 vfio_ccw" "$(ns driverctl -b css list-overrides)"
check "list-devices marks it" "0.0.0313 vfio_ccw [*]" "$(ns driverctl -b css list-devices | head -1)"
check "saved" vfio_ccw "$(cat "$ETC/driverctl.d/css-0.0.0313")"
check "mdev parent" vfio_ccw-io "$(ns ls /sys/class/mdev_bus/0.0.0313/mdev_supported_types)"

# a restart applies the saved override before probing
stop_daemon
start_daemon
check "override after restart" vfio_ccw "$(ns cat $S/driver_override)"
check "bound after restart" vfio_ccw "$(ns sh -c "basename \$(readlink $S/driver)")"

ns driverctl -b css unset-override 0.0.0313
check "unset: override" "(null)" "$(ns cat $S/driver_override)"
check "unset: back to io_subchannel" io_subchannel "$(ns sh -c "basename \$(readlink $S/driver)")"
check "unset: file gone" no "$([ -e "$ETC/driverctl.d/css-0.0.0313" ] && echo yes || echo no)"
check "no overrides" "" "$(ns driverctl -b css list-overrides 2>/dev/null || true)"

stop_daemon
finish
