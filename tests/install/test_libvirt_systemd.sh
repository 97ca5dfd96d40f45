#!/usr/bin/env bash
# libvirt as installed, under the real systemd: `meson install` into a
# scratch tree, a systemd-nspawn container of this host (as
# test_systemd.sh) boots systemd, and a test unit inside starts
# ccwpassd.service, passes 0.0.0313 through with driverctl and mdevctl
# (autostart), starts Debian's libvirtd.service - which the installed
# drop-in runs inside the view with the preload library - and a domain
# with <hostdev type='mdev' model='vfio-ccw'> booting the guest kit. While
# the guest writes, `systemctl restart ccwpassd` restarts libvirtd with it
# (PartOf=); the domain keeps running and the guest reads back what it
# wrote. Skips (77) when systemd cannot boot in a container here, or
# without libvirt, QEMU or the guest kit.
# Arguments: BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$(realpath "$1") SRC=$(realpath "$2")   # BUILD: lib.sh
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn not installed (systemd-container)"; exit 77; }
[ -c /dev/fuse ] || { echo "SKIP: needs /dev/fuse"; exit 77; }
for p in libvirtd virsh mdevctl driverctl qemu-system-s390x; do
    command -v "$p" >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
[ -f /lib/systemd/system/libvirtd.service ] || { echo "SKIP: no libvirtd.service (libvirt-daemon-system)"; exit 77; }
id libvirt-qemu >/dev/null 2>&1 || { echo "SKIP: no user libvirt-qemu"; exit 77; }
T=$(mktemp -d /tmp/ccwpass-libvirt-systemd.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
chmod 0755 "$T"
# shellcheck source=tests/install/lib.sh
. "$(dirname "$0")/lib.sh"
[ "$prefix" != /usr ] || { echo "SKIP: prefix /usr would hide the host's /usr"; exit 77; }
install_tree
mkdir -p "$T/out" && chmod 0755 "$T/out"
CHUNKS=48
UUID=7a1b0000-0000-4000-8000-0000000d0313

sed "s/@CHUNKS@/$CHUNKS/g" "$SRC/tests/guest/chunks.guest" >"$T/g.sh"
"$SRC/scripts/guest-run" --prepare "$T/boot" --script "$T/g.sh" >/dev/null 2>&1 ||
    { echo "SKIP: no guest kit (scripts/guest-kit)"; exit 77; }
chmod 0755 "$T/boot"

# Only what this machine lacks: a root without CAP_SYS_RESOURCE (a
# container) cannot raise the memlock limit libvirt wants for VFIO, nor
# systemd libvirtd.service's LimitMEMLOCK=64M (docs/libvirt.md): the
# domain's <hard_limit> is the limit there is, and libvirt must see no
# cgroup controller (it would limit RAM to it), so the container gets a
# cgroup2 hierarchy without controllers.
MEMTUNE='' NOCAP=''
if (( (0x$(sed -n 's/^CapEff:\t//p' /proc/self/status) >> 24 & 1) == 0 )); then
    NOCAP=1
    MEMTUNE="<memtune><hard_limit unit='KiB'>$(ulimit -Hl)</hard_limit></memtune>"
fi
cat >"$T/out/dom.xml" <<EOF
<domain type='qemu'>
  <name>guest</name>
  <memory unit='MiB'>1024</memory>
  $MEMTUNE
  <os>
    <type arch='s390x' machine='s390-ccw-virtio'>hvm</type>
    <kernel>/boot-kit/vmlinuz</kernel>
    <initrd>/boot-kit/initrd</initrd>
    <cmdline>$(cat "$T/boot/cmdline")</cmdline>
  </os>
  <cpu mode='maximum'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>$(command -v qemu-system-s390x)</emulator>
    <console type='file'><source path='/out/console.log'/><target type='sclp'/></console>
    <hostdev mode='subsystem' type='mdev' model='vfio-ccw'>
      <source><address uuid='$UUID'/></source>
      <address type='ccw' cssid='0xfe' ssid='0x0' devno='0x1234'/>
    </hostdev>
    <memballoon model='none'/>
  </devices>
</domain>
EOF

printf 'P=%s\nUUID=%s\nNOCAP=%s\n' "$prefix" "$UUID" "$NOCAP" >"$T/out/env"
cat >"$T/out/run.sh" <<'RUN'
#!/bin/bash
# key=value lines for the host to check
set -x
. /out/env
# wait_until SECONDS CMD...: until CMD succeeds, with a deadline
wait_until() {
    local end=$((SECONDS + $1)); shift
    until "$@"; do ((SECONDS < end)) || return 1; sleep 0.2; done
}
console_has() { tr -d '\r' </out/console.log 2>/dev/null | grep -qx "$1"; }
libvirtd_new() { [ "$(systemctl show -P MainPID libvirtd)" != "$1" ] && [ "$(systemctl is-active libvirtd)" = active ]; }
virsh_up() { virsh -q list --all >/dev/null 2>&1; }
dom_gone() { ! virsh -q list --name | grep -qx guest; }
mkdir -p /etc/ccwpass /etc/libvirt
cat >/etc/ccwpass/inventory.conf <<'INV'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a
device = 3390-1
cylinders = 200
image  = /var/lib/ccwpass/2b09.cckd
volser = 0X2B09
create = cdl
INV
if [ -n "$NOCAP" ]; then
    echo 'cgroup_controllers = [ ]' >/etc/libvirt/qemu.conf
    mkdir -p /etc/systemd/system/libvirtd.service.d
    printf '[Service]\nLimitMEMLOCK=%sK\n' "$(ulimit -Hl)" >/etc/systemd/system/libvirtd.service.d/memlock.conf
    systemctl daemon-reload
fi
echo "dropin=$(systemctl show -P DropInPaths libvirtd | tr ' ' '\n' | grep -c "^$P/lib/systemd/system/libvirtd.service.d/ccwpass.conf$")"
systemctl start ccwpassd; echo "ccwpassd=$?"
"$P/bin/ccwpass" run -- driverctl -b css set-override 0.0.0313 vfio_ccw &&
    "$P/bin/ccwpass" run -- mdevctl define -u "$UUID" -p 0.0.0313 -t vfio_ccw-io -a &&
    "$P/bin/ccwpass" run -- mdevctl start -u "$UUID"
echo "mdev=$?"
systemctl start libvirtd; echo "libvirtd=$?"
echo "libvirtd_view=$(nsenter -t "$(systemctl show -P MainPID libvirtd)" -m readlink -f "/sys/bus/mdev/devices/$UUID/iommu_group")"
# QEMU runs as libvirt-qemu: the runtime directory is open to it under
# the unit's UMask=0077 too
echo "runtime_modes=$(stat -c %a /run/ccwpass /run/ccwpass/dev /run/ccwpass/dev/vfio | tr '\n' ' ')"
virsh -q define /out/dom.xml >/dev/null; echo "define=$?"
virsh -q start guest >/dev/null; echo "start=$?"
virsh -q domstate guest | grep -qx running || { echo "no domain"; exit 1; }
wait_until 300 console_has 'chunk 3'; echo "chunk3=$?"
QPID=$(cat /run/libvirt/qemu/guest.pid)
echo "qemu_user=$(ps -o user= -p "$QPID")"
old=$(systemctl show -P MainPID libvirtd)
systemctl restart ccwpassd; echo "restart=$?"
wait_until 60 libvirtd_new "$old"
echo "libvirtd_restarted=$(systemctl is-active libvirtd) $([ "$(systemctl show -P MainPID libvirtd)" != "$old" ] && echo new || echo same)"
wait_until 60 virsh_up
echo "running=$(virsh domstate guest)"
echo "holder=$("$P/bin/ccwpass" status | grep -cE "^ *$UUID .* $QPID ")"
wait_until 300 dom_gone; echo "ended=$?"
journalctl -u ccwpassd -u libvirtd --no-pager -o short-monotonic | tail -n 40 >/out/journal.txt
RUN
[ -z "$NOCAP" ] || export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
boot_container "libvirt with a ccwpass mdev" 600 --bind-ro="$T/boot:/boot-kit" --bind-ro=/etc/passwd --bind-ro=/etc/group
check "libvirtd.service has ccwpass's drop-in" 1 "$(r dropin)"
check "systemctl start ccwpassd" 0 "$(r ccwpassd)"
check "0.0.0313 passed through, mdev defined with autostart" 0 "$(r mdev)"
check "systemctl start libvirtd" 0 "$(r libvirtd)"
check "runtime directories 0755 under UMask=0077" "755 755 755 " "$(r runtime_modes)"
check "libvirtd runs in the view (iommu_group resolves)" /sys/kernel/iommu_groups/0 "$(r libvirtd_view)"
check "virsh define" 0 "$(r define)"
check "virsh start" 0 "$(r start)"
check "the guest writes" 0 "$(r chunk3)"
check "QEMU runs as libvirt-qemu" libvirt-qemu "$(r qemu_user)"
check "systemctl restart ccwpassd" 0 "$(r restart)"
check "... restarted libvirtd with it (PartOf=)" "active new" "$(r libvirtd_restarted)"
check "... the domain still runs" running "$(r running)"
check "ccwpass status names the domain's QEMU" 1 "$(r holder)"
check "the domain ended by itself" 0 "$(r ended)"
"$SRC/scripts/guest-run" --console "$T/out/console.log" >"$T/g.out" 2>"$T/g.err" && rc=0 || rc=$?
check "the guest's script ended" 0 "$rc"
check "the guest saw the DASD online" yes "$(grep -qx online "$T/g.out" && echo yes || echo no)"
check "the guest wrote every chunk, across the restart" yes \
    "$(grep -qx "chunk $((CHUNKS - 1))" "$T/g.out" && echo yes || echo no)"
SUM=$(sed -n 's/^wrote //p' "$T/g.out")
check "the guest reads back what it wrote" "${SUM:-none}" "$(sed -n 's/^read //p' "$T/g.out")"
check "no I/O error in the guest" 0 "$(sed -n 's/^ioerrors //p' "$T/g.out")"
if ((FAILS)); then
    tail -n 30 "$T/out/trace.txt"; cat "$T/out/journal.txt" 2>/dev/null
    cat "$T/g.out" "$T/g.err"; echo "$FAILS check(s) failed"; exit 1
fi
echo "all checks passed"
