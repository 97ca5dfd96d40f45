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
check "uevent: udev's change" "OK 7" "$(sysw $S/uevent $'change\n')"
check "uevent: garbage" EINVAL "$(sysw $S/uevent garbage)"
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
check "chp status blanks (echo >)" EINVAL "$(sysw /sys/devices/css0/chp0.1a/status $'\n')"
check "chp still online" online "$(ns cat /sys/devices/css0/chp0.1a/status)"

# one write(2) is one store of at most a page, whatever its size
D=/sys/bus/css/drivers
# (the store sees the first page; like the kernel's, it ends at the NUL)
check "huge write: one store of a page" "OK 4096" \
    "$(ns "$SYSFS_IO" writepad $D/vfio_ccw/unbind $'0.0.0314\n' 1048576)"
check "it unbound" "" "$(ns readlink /sys/bus/css/devices/0.0.0314/driver || true)"
check "override with NULs (python's way)" "OK 2000" \
    "$(ns "$SYSFS_IO" writepad $S/driver_override $'vfio_ccw\n' 2000)"
check "override value" vfio_ccw "$(ns cat $S/driver_override)"
check "override of a page" EINVAL \
    "$(ns "$SYSFS_IO" writepad $S/driver_override io_subchannel 100000)"
check "override kept" vfio_ccw "$(ns cat $S/driver_override)"
sysw $S/driver_override $'\n' >/dev/null

# what sysfs has no method for fails as on sysfs, not with ENOSYS
check "create a file" EACCES "$(ns "$SYSFS_IO" create $D/vfio_ccw/bnid)"
check "mkdir" EPERM "$(ns "$SYSFS_IO" mkdir /sys/bus/css/x)"
check "unlink an attribute" EPERM "$(ns "$SYSFS_IO" unlink /sys/bus/css/drivers_probe)"
check "rmdir a directory" EPERM "$(ns "$SYSFS_IO" rmdir /sys/devices/css0/chp0.1a)"

stop_daemon
finish
