#!/usr/bin/env bash
# libvirt (issue 10): Debian's libvirtd, started the way ccwpass's
# systemd drop-in starts it (`ccwpass run --preload --optional --
# libvirtd`, etc/systemd/libvirt-ccwpass.conf.in), runs a domain with
# <hostdev type='mdev' model='vfio-ccw'>: `virsh define` + `virsh start`,
# QEMU as libvirt's unprivileged qemu user (libvirt chowns /dev/vfio/N to
# it, the socket follows), the guest brings the DASD online and moves
# data. Midway ccwpassd is restarted (SIGTERM: the mdev is left to the
# next daemon, mdevctl's autostart makes it again) and libvirtd with it
# (the drop-in's PartOf=): libvirtd reconnects to the running domain,
# the guest carries on without an I/O error and reads back what it wrote.
# Then a second domain without the hostdev gets it with `virsh
# attach-device --live`, uses it, and loses it with `detach-device`.
#
# libvirt's state (/etc/libvirt/qemu, /var/lib/libvirt, /run/libvirt, ...)
# is private to the test: bind mounts inside its namespace.
# Skips (77) without root, /dev/fuse, QEMU, libvirtd/virsh, mdevctl.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=7a1b0000-0000-4000-8000-0000000c0313
DOM=ccwpass-libvirt
CHUNKS=64
export WAIT_POLL=0.2   # virsh and the console are polled

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
for p in libvirtd virsh mdevctl driverctl; do
    command -v "$p" >/dev/null || skip "$p not installed (scripts/test installs libvirt-daemon-system)"
done
QUSER=$(sed -n 's/^ *user *= *"\(.*\)"/\1/p' /etc/libvirt/qemu.conf 2>/dev/null | tail -n1)
QUSER=${QUSER:-libvirt-qemu}
id "$QUSER" >/dev/null 2>&1 || skip "no user $QUSER (libvirt-daemon-system makes it)"

host_workdir libvirt
# QEMU runs as $QUSER: it reads the kernel, the initrd and the runtime
# directory's sockets below $W (the runtime directory as /run/ccwpass is).
chmod 0755 "$W" "$RT"
need_kit
LV=$W/lv LPID=
mkdir -p "$LV"/{etc-qemu,lib,run,log,cache}

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a
device = 3390-1
cylinders = 200
image  = 2b09.cckd
volser = 0X2B09
create = cdl
INV
start_daemon
pass_through_persistent 0.0.0313 "$U1"
check "0.0.0313 passed through, its mdev defined with autostart" test $? -eq 0
G=$(basename "$(readlink "$RT/sys/bus/mdev/devices/$U1/iommu_group")")

# ---- libvirtd, as the drop-in runs it, with private state ----
# qemu.conf: libvirt's defaults (qemu user, dynamic_ownership, namespaces,
# seccomp sandbox), and only what this machine lacks: no virtlogd without
# systemd; and a root without CAP_SYS_RESOURCE (a container) cannot raise
# QEMU's memlock limit for a VFIO device (guest RAM + 1 GiB), so cgroups
# stay off and the domain's <hard_limit> is the limit there is.
MEMTUNE=
{
    echo 'stdio_handler = "file"'
    if (( (0x$(sed -n 's/^CapEff:\t//p' /proc/self/status) >> 24 & 1) == 0 )); then
        echo 'cgroup_controllers = [ ]'
        MEMTUNE="<memtune><hard_limit unit='KiB'>$(ulimit -Hl)</hard_limit></memtune>"
    fi
} >"$W/qemu.conf"
cat >"$W/libvirtd-private.sh" <<EOF
#!/bin/sh -e
mount --bind "$W/qemu.conf" /etc/libvirt/qemu.conf
mount --bind "$LV/etc-qemu" /etc/libvirt/qemu
mkdir -p /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt
mount --bind "$LV/lib" /var/lib/libvirt
mount --bind "$LV/run" /run/libvirt
mount --bind "$LV/log" /var/log/libvirt
mount --bind "$LV/cache" /var/cache/libvirt
exec "\$@"
EOF
chmod +x "$W/libvirtd-private.sh"
V() { virsh -q -c "qemu:///system?socket=$LV/run/libvirt-sock" "$@"; }
libvirtd_up() { V list --all >/dev/null 2>&1; }
start_libvirtd() {
    "$CLI" run -r "$RT" -e "$ETC" --preload --optional -- \
        "$W/libvirtd-private.sh" libvirtd >>"$W/libvirtd.log" 2>&1 &
    LPID=$!
    wait_for libvirtd_up
}
stop_libvirtd() {   # SIGTERM: libvirtd goes, its domains keep running
    if [ -n "$LPID" ] && kill -0 "$LPID" 2>/dev/null; then
        kill -TERM "$LPID"; wait "$LPID" 2>/dev/null
    fi
    LPID=
}
host_cleanup_hook() {
    V destroy "$DOM" >/dev/null 2>&1
    V destroy "$DOM-hotplug" >/dev/null 2>&1
    stop_libvirtd
    if ((FAILS)); then
        echo "---- libvirtd ----"; grep -v ' info : ' "$W/libvirtd.log" | tail -n 20
        echo "---- QEMU ----"; tail -n 15 "$LV/log/qemu/$DOM.log" 2>/dev/null
        echo "---- console ----"; tr -d '\r' <"$W/console.log" 2>/dev/null | tail -n 20
    fi
}
start_libvirtd
check "libvirtd answers inside the view" libvirtd_up

# ---- the domain ----
sed "s/@CHUNKS@/$CHUNKS/g" "$HERE/chunks.guest" >"$W/g.sh"
"$ROOT/scripts/guest-run" --prepare "$W/boot" --script "$W/g.sh" ||
    { bad "guest boot files (guest-run --prepare)"; exit 1; }
cat >"$W/dom.xml" <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$DOM</name>
  <memory unit='MiB'>1024</memory>
  $MEMTUNE
  <os>
    <type arch='s390x' machine='s390-ccw-virtio'>hvm</type>
    <kernel>$W/boot/vmlinuz</kernel>
    <initrd>$W/boot/initrd</initrd>
    <cmdline>$(cat "$W/boot/cmdline")</cmdline>
  </os>
  <cpu mode='maximum'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$(command -v qemu-system-s390x)</emulator>
    <console type='file'>
      <source path='$W/console.log'/>
      <target type='sclp'/>
    </console>
    <hostdev mode='subsystem' type='mdev' model='vfio-ccw'>
      <source><address uuid='$U1'/></source>
      <address type='ccw' cssid='0xfe' ssid='0x0' devno='0x1234'/>
    </hostdev>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:env name='CCWPASS_RUNTIME_DIR' value='$RT'/>
  </qemu:commandline>
</domain>
EOF
V define "$W/dom.xml" >/dev/null
check "virsh define" test $? -eq 0
V start "$DOM" >"$W/start.out" 2>&1
check "virsh start" test $? -eq 0
console_has() { tr -d '\r' <"$W/console.log" 2>/dev/null | grep -Eq -- "$1"; }
wait_for -t "$TIMEOUT" console_has '^chunk 3$'
check "the guest writes to its DASD" console_has '^chunk 3$'
QPID=$(cat "$LV/run/qemu/$DOM.pid" 2>/dev/null)
check "QEMU runs as $QUSER" test "$(ps -o user= -p "${QPID:-0}" 2>/dev/null)" = "$QUSER"
check "libvirt gave it /dev/vfio/$G; the socket followed" \
    test "$(ns stat -c %U "/dev/vfio/$G") $(stat -c %U "$RT/vfio-user/$U1.sock")" = "$QUSER $QUSER"
check "ccwpass status names the domain's QEMU" \
    has <("$CLI" status -r "$RT") "^ *$U1 +0\.0\.0313 +$G +${QPID:-none} "

# ---- ccwpassd restarted under the running domain, libvirtd with it ----
kill -TERM "$DPID"; wait "$DPID"; RC=$?
DPID=
check "ccwpassd SIGTERM: exit 0, the mdev left to the next daemon (rc $RC)" test "$RC" -eq 0
stop_libvirtd
start_daemon
mdev_back() { [ -e "$RT/sys/bus/mdev/devices/$U1" ]; }
wait_for mdev_back
check "the next ccwpassd has the mdev again (mdevctl's autostart)" mdev_back
start_libvirtd
running() { [ "$(V domstate "$DOM" 2>/dev/null)" = running ]; }
check "libvirtd restarted in the new view: the domain is still running" running
done_() { ! V list --name 2>/dev/null | grep -qx "$DOM"; }
wait_for -t "$TIMEOUT" done_
"$ROOT/scripts/guest-run" --console "$W/console.log" >"$W/g.out" 2>"$W/g.err"; RC=$?
O=$W/g.out
check "the guest's script ended (rc $RC)" test "$RC" -eq 0
check "lscss -d 0.0.1234 in the guest" has "$O" '^0\.0\.1234 0\.0\.[0-9a-f]{4}  3390/[0-9a-f]{2} 3990/e9 '
check "chccwdev -e: online" has_line "$O" online
check "the guest wrote every chunk, across the restart" has_line "$O" "chunk $((CHUNKS - 1))"
SUM=$(sed -n 's/^wrote //p' "$O")
check "the guest reads back what it wrote" has_line "$O" "read ${SUM:-none}"
check "no I/O error in the guest" has_line "$O" "ioerrors 0"
check "QEMU's library reconnected to the next ccwpassd" \
    has "$LV/log/qemu/$DOM.log" 'connected to ccwpassd again'
check "the domain ended, libvirt gave /dev/vfio/$G back to root" \
    test "$(ns stat -c %U "/dev/vfio/$G")" = root

# ---- hot plug through libvirt: virsh attach-device / detach-device ----
# A second domain without the hostdev; the guest waits for the DASD,
# writes and reads past the first domain's chunks, then waits for it to
# go.
DOM2=$DOM-hotplug
cat >"$W/g2.sh" <<'GUEST'
has1234() { lscss | grep -q '^0\.0\.1234 0\.0\.'; }
echo "before $(lscss | grep -c '^0\.0\.1234')"
echo ready
end=$((SECONDS + 240)); until has1234; do [ $SECONDS -ge $end ] && break; sleep 0.2; done
chccwdev -e 0.0.1234 >/dev/null && echo online
for _ in $(seq 50); do [ -b /dev/dasda1 ] && break; sleep 0.2; done
dd if=/dev/urandom of=/tmp/d bs=4k count=64 2>/dev/null
dd if=/tmp/d of=/dev/dasda1 bs=4k seek=30000 oflag=direct 2>/dev/null
echo "io $(dd if=/dev/dasda1 bs=4k skip=30000 count=64 iflag=direct 2>/dev/null | cmp - /tmp/d && echo same)"
echo io-done
end=$((SECONDS + 240)); while has1234; do [ $SECONDS -ge $end ] && break; sleep 0.2; done
echo "after $(lscss | grep -c '^0\.0\.1234 0\.0\.')"
echo "ioerrors $(dmesg | grep -ciE 'i/o error|ERP failed')"
GUEST
"$ROOT/scripts/guest-run" --prepare "$W/boot2" --script "$W/g2.sh" ||
    { bad "guest boot files (guest-run --prepare)"; exit 1; }
sed -e "s|<name>$DOM</name>|<name>$DOM2</name>|" -e "s|$W/boot/|$W/boot2/|" \
    -e "s|$W/console.log|$W/console2.log|" -e "s|<cmdline>.*</cmdline>|<cmdline>$(cat "$W/boot2/cmdline")</cmdline>|" \
    -e '/<hostdev/,/<\/hostdev>/d' "$W/dom.xml" >"$W/dom2.xml"
sed -n '/<hostdev/,/<\/hostdev>/p' "$W/dom.xml" >"$W/hostdev.xml"
V define "$W/dom2.xml" >/dev/null && V start "$DOM2" >/dev/null
check "a domain without the DASD started" test $? -eq 0
console2_has() { tr -d '\r' <"$W/console2.log" 2>/dev/null | grep -Eq -- "$1"; }
wait_for -t "$TIMEOUT" console2_has '^ready$'
V attach-device "$DOM2" "$W/hostdev.xml" --live >"$W/attach.out" 2>&1
check "virsh attach-device --live" test $? -eq 0
QPID2=$(cat "$LV/run/qemu/$DOM2.pid" 2>/dev/null)
check "ccwpass status names the second domain's QEMU" \
    has <("$CLI" status -r "$RT") "^ *$U1 +0\.0\.0313 +$G +${QPID2:-none} "
wait_for -t "$TIMEOUT" console2_has '^io-done$'
V detach-device "$DOM2" "$W/hostdev.xml" --live >"$W/detach.out" 2>&1
check "virsh detach-device --live" test $? -eq 0
released() { has <("$CLI" status -r "$RT") "^ *$U1 +0\.0\.0313 +$G +- "; }
wait_for -t 30 released
check "ccwpassd has the mdev free again" released
done2() { ! V list --name 2>/dev/null | grep -qx "$DOM2"; }
wait_for -t "$TIMEOUT" done2
"$ROOT/scripts/guest-run" --console "$W/console2.log" >"$W/g2.out" 2>>"$W/g.err"; RC=$?
check "the second guest's script ended (rc $RC)" test "$RC" -eq 0
check "the DASD was not there before the attach" has_line "$W/g2.out" "before 0"
check "attached: online, written and read back" \
    test "$(grep -cxE 'online|io same' "$W/g2.out")" -eq 2
check "detached: gone from the guest's lscss" has_line "$W/g2.out" "after 0"
check "no I/O error in the second guest" has_line "$W/g2.out" "ioerrors 0"

stop_libvirtd
stop_daemon
HOST=$("$CLI" readblk --partition "$W/2b09.cckd" 0 $((CHUNKS * 64)) | sha256sum | cut -d' ' -f1)
check "the image holds it (host read)" test "$HOST" = "${SUM:-none}"
if ((FAILS)); then
    echo "---- guest ----"; cat "$O" "$W/g2.out" "$W/g.err"
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
