#!/usr/bin/env bash
# Wrong writes get the kernel's errno through the view.
. "$(dirname "$0")/lib.sh"
start_daemon

S=/sys/bus/css/devices/0.0.0313
TYPE=$S/mdev_supported_types/vfio_ccw-io

check "bind io_subchannel twice" EBUSY "$(sysw /sys/bus/css/drivers/io_subchannel/bind 0.0.0313)"
check "bind vfio_ccw to a bound device" EBUSY "$(sysw /sys/bus/css/drivers/vfio_ccw/bind 0.0.0313)"
check "unbind from the wrong driver" ENODEV "$(sysw /sys/bus/css/drivers/vfio_ccw/unbind 0.0.0313)"
check "garbage into bind" ENODEV "$(sysw /sys/bus/css/drivers/vfio_ccw/bind garbage)"
check "two newlines" ENODEV "$(sysw /sys/bus/css/drivers/vfio_ccw/bind $'0.0.0313\n\n')"
check "drivers_probe unknown" ENODEV "$(sysw /sys/bus/css/drivers_probe 0.0.9999)"
check "read write-only bind" EACCES "$(sysr /sys/bus/css/drivers/vfio_ccw/bind)"
check "write read-only type" EACCES "$(sysw $S/type 1)"
check "driver_override too long" EINVAL "$(sysw $S/driver_override "$(head -c 4095 /dev/zero | tr '\0' x)")"

check "unbind" "OK 9" "$(sysw /sys/bus/css/drivers/io_subchannel/unbind $'0.0.0313\n')"
check "bind" "OK 8" "$(sysw /sys/bus/css/drivers/vfio_ccw/bind 0.0.0313)"
check "bind twice" EBUSY "$(sysw /sys/bus/css/drivers/vfio_ccw/bind 0.0.0313)"
check "bad UUID" EINVAL "$(sysw $TYPE/create not-a-uuid)"
check "UUID 35 chars" EINVAL "$(sysw $TYPE/create ${UUID1:0:35})"
check "UUID with X" EINVAL "$(sysw $TYPE/create ${UUID1:0:35}X)"
check "UUID 38 bytes" EINVAL "$(sysw $TYPE/create "$UUID1"$'\n\n')"
check "create" "OK 37" "$(sysw $TYPE/create "$UUID1"$'\n')"
check "duplicate UUID" EEXIST "$(sysw $TYPE/create "$UUID1")"
check "duplicate UUID upper case" EEXIST "$(sysw $TYPE/create "${UUID1^^}")"
check "second instance" EUSERS "$(sysw $TYPE/create "$UUID2")"
# the UUID is unique on the whole host, not per parent
sysw /sys/bus/css/drivers/io_subchannel/unbind 0.0.0314 >/dev/null
sysw /sys/bus/css/drivers/vfio_ccw/bind 0.0.0314 >/dev/null
check "duplicate UUID on another parent" EEXIST \
    "$(sysw /sys/bus/css/devices/0.0.0314/mdev_supported_types/vfio_ccw-io/create "$UUID1")"
check "remove garbage" EINVAL "$(sysw /sys/bus/mdev/devices/$UUID1/remove abc)"
check "remove 0 does nothing" "OK 1" "$(sysw /sys/bus/mdev/devices/$UUID1/remove 0)"
check "still there" "$UUID1" "$(ns ls /sys/bus/mdev/devices)"
check "read write-only create" EACCES "$(sysr $TYPE/create)"
check "remove" "OK 2" "$(sysw /sys/bus/mdev/devices/$UUID1/remove $'1\n')"
check "chp status garbage" EINVAL "$(sysw /sys/devices/css0/chp0.1a/status bogus)"

stop_daemon
finish
