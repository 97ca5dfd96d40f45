#!/usr/bin/env bash
# The seeds' manual procedure inside `ccwpass run`, and what QEMU 7.2 reads.
. "$(dirname "$0")/lib.sh"
start_daemon

S=/sys/bus/css/devices/0.0.0313
TYPE=$S/mdev_supported_types/vfio_ccw-io

# a real /sys entry stays usable next to the view
check "/sys/class/net readable" yes "$(ns sh -c 'ls /sys/class/net | grep -qx lo && echo yes')"
check "/sys/devices/system readable" yes "$(ns sh -c '[ -d /sys/devices/system/cpu ] && echo yes')"
# ...is writable as before (write back the value it has)...
check "real /sys attribute writable" yes "$(ns sh -c 'v=$(cat /sys/class/net/lo/tx_queue_len) && echo "$v" > /sys/class/net/lo/tx_queue_len && echo yes')"
# ...and shows what appears after the namespace was made: a directory made
# outside while a command runs inside, and one made inside seen outside.
LATE=/sys/fs/cgroup/ccwpass-it-late.$$ INNER=/sys/fs/cgroup/ccwpass-it-inner.$$
rmdir "$LATE" "$INNER" 2>/dev/null || true
ns sh -c "touch $T/inside; while [ ! -e $T/go ]; do sleep 0.05; done
          [ -d $LATE ] && echo late; mkdir $INNER && echo inner" > "$T/late" &
NSPID=$!
wait_for test -e "$T/inside"
mkdir "$LATE" && touch "$T/go"
wait "$NSPID" || true
check "entry made after entering visible inside" "late
inner" "$(cat "$T/late")"
check "entry made inside visible outside" yes "$([ -d "$INNER" ] && echo yes)"
rmdir "$LATE" "$INNER" 2>/dev/null || true

check "subchannel link" "../../../devices/css0/0.0.0313" "$(ns readlink $S)"
check "driver at start" io_subchannel "$(ns sh -c "basename \$(readlink $S/driver)")"
check "dev_busid" 0.0.2b09 "$(ns cat $S/dev_busid)"
check "ccw device" "/sys/devices/css0/0.0.0313/0.0.2b09" "$(ns realpath /sys/bus/ccw/devices/0.0.2b09)"
check "ccw cutype" 3990/e9 "$(ns cat /sys/bus/ccw/devices/0.0.2b09/cutype)"

# seed 000: the ccw device, then the subchannel
check "unbind ccw device" "OK 9" "$(sysw /sys/bus/ccw/devices/0.0.2b09/driver/unbind $'0.0.2b09\n')"
# seed 003
ns sh -c "echo 0.0.0313 > $S/driver/unbind"
check "unbound" no "$(ns sh -c "[ -e $S/driver ] && echo yes || echo no")"
check "ccw device gone" no "$(ns sh -c '[ -e /sys/bus/ccw/devices/0.0.2b09 ] && echo yes || echo no')"
check "dev_busid kept" 0.0.2b09 "$(ns cat $S/dev_busid)"
ns sh -c "echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/bind"
check "bound to vfio_ccw" vfio_ccw "$(ns sh -c "basename \$(readlink $S/driver)")"
check "mdev_bus class link" "/sys/devices/css0/0.0.0313" "$(ns realpath /sys/class/mdev_bus/0.0.0313)"
check "available_instances" 1 "$(ns cat $TYPE/available_instances)"
check "device_api" vfio-ccw "$(ns cat $TYPE/device_api)"
check "name" "I/O subchannel (Non-QDIO)" "$(ns cat $TYPE/name)"
ns sh -c "echo \"$UUID1\" > $TYPE/create"
check "available_instances after create" 0 "$(ns cat $TYPE/available_instances)"
check "type devices link" "/sys/devices/css0/0.0.0313/$UUID1" "$(ns realpath $TYPE/devices/$UUID1)"
check "socket" yes "$([ -S "$RT/vfio-user/$UUID1.sock" ] && echo yes)"
check "socket mode" "600 root" "$(stat -c '%a %U' "$RT/vfio-user/$UUID1.sock")"
check "socket directory mode" "700 root" "$(stat -c '%a %U' "$RT/vfio-user")"

# QEMU 7.2 realize: realpath of sysfsdev, parent basename, schib files,
# chp type, iommu_group link
REAL=$(ns realpath /sys/bus/mdev/devices/$UUID1)
check "realpath sysfsdev" "/sys/devices/css0/0.0.0313/$UUID1" "$REAL"
check "parent basename" 0.0.0313 "$(basename "$(dirname "$REAL")")"
check "pimpampom" "f0 f0 ff" "$(ns cat /sys/bus/css/devices/0.0.0313/pimpampom)"
check "chpids" "1a 2a 3a 0a 00 00 00 00 " "$(ns cat /sys/bus/css/devices/0.0.0313/chpids)"
check "chp type" 1b "$(ns cat /sys/devices/css0/chp0.1a/type)"
check "iommu_group" "../../../../kernel/iommu_groups/0" \
    "$(ns readlink /sys/bus/css/devices/0.0.0313/$UUID1/iommu_group)"
# libvirt: realpath of the group link resolves, under the real /sys/kernel
check "iommu_group resolves (libvirt's realpath)" "/sys/kernel/iommu_groups/0 $UUID1" \
    "$(ns sh -c "realpath -e /sys/bus/mdev/devices/$UUID1/iommu_group && ls /sys/kernel/iommu_groups/0/devices" | tr '\n' ' ' | sed 's/ $//')"
check "the rest of /sys/kernel is the host's" yes \
    "$(ns sh -c '[ -e /sys/kernel/mm ] && [ -e /sys/kernel/uevent_seqnum ]' && echo yes || echo no)"
check "mdev_type" vfio_ccw-io "$(ns sh -c "basename \$(realpath /sys/bus/mdev/devices/$UUID1/mdev_type)")"
# what the preload library looks up, outside the namespace
check "group devices in the view" "$UUID1" "$(ls "$RT/sys/kernel/iommu_groups/0/devices")"

# remove
ns sh -c "echo 1 > /sys/bus/mdev/devices/$UUID1/remove"
check "mdev removed" "" "$(ns ls /sys/bus/mdev/devices)"
check "socket removed" no "$([ -e "$RT/vfio-user/$UUID1.sock" ] && echo yes || echo no)"
check "instances back" 1 "$(ns cat $TYPE/available_instances)"

# unbinding vfio_ccw removes its mdev
ns sh -c "echo $UUID2 > $TYPE/create"
ns sh -c "echo 0.0.0313 > /sys/bus/css/drivers/vfio_ccw/unbind"
check "unbind removes mdev" "" "$(ns ls /sys/bus/mdev/devices)"
check "no parent left" "" "$(ns ls /sys/class/mdev_bus)"
ns sh -c "echo 0.0.0313 > /sys/bus/css/drivers_probe"
check "drivers_probe: io_subchannel" io_subchannel "$(ns sh -c "basename \$(readlink $S/driver)")"

stop_daemon
finish
