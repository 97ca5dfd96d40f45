#!/usr/bin/env bash
# Dynamic I/O reconfiguration: `ccwpass reload` and SIGHUP. A new
# subchannel appears with its volume, its driverctl override and mdevctl's
# autostart; an alias joins its base's LCU; unchanged subchannels and the
# client on their mdev are not touched; a removed subchannel in use loses
# its mdev (the client's connection ends), its image is let go; a bad
# inventory, a redefined subchannel and an image handed over change
# nothing and say why. docs/operations.md "Add or remove a DASD".
# Arguments: CCWPASSD CCWPASS SYSFS_IO
. "$(dirname "$0")/lib.sh"
command -v mdevctl >/dev/null || skip "mdevctl not installed"
command -v driverctl >/dev/null || skip "driverctl not installed"
HELLO="python3 $(dirname "$(realpath "$0")")/vfu_hello.py"
UUID3=3b1b04a6-9d2f-4c4e-8f61-0d4c7f1e2a10
CPID=
EXTRA_CLEANUP='[ -z "$CPID" ] || kill "$CPID" 2>/dev/null'

start_daemon --release-timeout 300
reload() { "$CCWPASS" reload -r "$RT" 2>&1; }
lscss_rows() { "$CCWPASS" lscss -r "$RT" | tail -n +3 | awk '{print $2}' | tr '\n' ' '; }
cp "$T/inventory.conf" "$T/inv.orig"

# 0.0.0313 passed through, its mdev held by a client across the reloads
ns driverctl -b css set-override 0.0.0313 vfio_ccw
ns mdevctl start -u "$UUID1" -p 0.0.0313 -t vfio_ccw-io
coproc HOLD { $HELLO "$RT/vfio-user/$UUID1.sock"; }
CPID=$HOLD_PID
read -r -t 30 word pid <&"${HOLD[0]}" || true
check "a client holds 0.0.0313's mdev" connected "$word"

echo "== add: a volume on a new channel path, with an alias"
ns mdevctl define -u "$UUID3" -p 0.0.0320 -t vfio_ccw-io -a
echo vfio_ccw > "$ETC/driverctl.d/css-0.0.0320"
cat >> "$T/inventory.conf" <<INV

[chpid 4a]
type = 1b

[subchannel 0.0.0320]
devno = 0.0.3000
chpids = 4a
device = 3390-3
cylinders = 5
image = img/3000.cckd
volser = NEWVOL
create = cdl

[subchannel 0.0.0321]
devno = 0.0.3001
chpids = 4a
alias-of = 0.0.0320
INV
out=$(reload) && rc=0 || rc=$?
check "reload says what it added" "0 ccwpassd reloaded its inventory: added 0.0.0320 0.0.0321; 2 unchanged" "$rc $out"
check "the new subchannels are on the css bus" "0.0.0313 0.0.0314 0.0.0320 0.0.0321 " "$(lscss_rows)"
check "the new chpid is there" online "$(sysr /sys/devices/css0/chp0.4a/status)"
check "driverctl's saved override bound it to vfio_ccw" vfio_ccw \
    "$(basename "$(ns readlink /sys/bus/css/devices/0.0.0320/driver)")"
wait_for test -e "$RT/sys/bus/mdev/devices/$UUID3" || true
check "mdevctl's autostart made its mdev" "$UUID3" "$(ns ls /sys/devices/css0/0.0.0320 | grep -- -)"
check "the volume was created, labelled" "model 3390 volser NEWVOL" \
    "$(sysr /sys/bus/css/devices/0.0.0320/ccwpass_device | grep -E '^(model|volser) ' | tr '\n' ' ' | sed 's/ $//')"
check "the alias is in the new base's LCU" "uid IBM.ZZ000000003000.0030.01" \
    "$(sysr /sys/bus/css/devices/0.0.0321/ccwpass_device | grep '^uid')"
check "0.0.0313's client is still connected" "$pid" "$(sysr "/sys/bus/mdev/devices/$UUID1/ccwpass_holder")"

echo "== refused: nothing changes"
cp "$T/inventory.conf" "$T/inv.good"
check "ccwpassd --check reads it" "$T/inventory.conf: 4 subchannels, 5 channel paths: OK" \
    "$("$CCWPASSD" --check -c "$T/inventory.conf")"
echo "garbage" >> "$T/inventory.conf"
out=$("$CCWPASSD" --check -c "$T/inventory.conf" 2>&1) && rc=0 || rc=$?
check "ccwpassd --check finds the syntax error" "1 ccwpassd: $T/inventory.conf:$(wc -l < "$T/inventory.conf"): expected 'key = value' or a [section]" "$rc $out"
out=$(reload) && rc=0 || rc=$?
check "a syntax error" "1 ccwpass reload: nothing changed: $T/inventory.conf:$(wc -l < "$T/inventory.conf"): expected 'key = value' or a [section]" "$rc $out"
cp "$T/inv.good" "$T/inventory.conf"
sed -i '/^\[subchannel 0.0.0314\]/,/^$/s/^cylinders = 5$/cylinders = 6/' "$T/inventory.conf"
out=$(reload) && rc=0 || rc=$?
check "resizing a running subchannel is refused, naming it" yes \
    "$([[ "$rc $out" == "1 ccwpass reload: nothing changed: $T/inventory.conf:"*": subchannel 0.0.0314: cylinders changed; a running subchannel is not redefined (resizing included): remove it in one reload and add it in the next, or restart ccwpassd" ]] && echo yes || echo "no: $out")"
cp "$T/inv.good" "$T/inventory.conf"
sed -i 's/^\[subchannel 0.0.0314\]/[subchannel 0.0.0315]/' "$T/inventory.conf"
out=$(reload) && rc=0 || rc=$?
check "an image handed to another subchannel is refused" yes \
    "$([[ "$out" == *"subchannel 0.0.0315 takes over the device number of subchannel 0.0.0314, which this reload removes"* ]] && echo yes || echo "no: $out")"
cp "$T/inv.good" "$T/inventory.conf"
sed -i 's/^\[subchannel 0.0.0321\]/[subchannel 0.0.0322]/; s/^devno = 0.0.3001$/devno = 0.0.3002\nunit-address = 01/' "$T/inventory.conf"
out=$(reload) && rc=0 || rc=$?
check "a unit address handed over in the LCU is refused" yes \
    "$([[ "$out" == *"subchannel 0.0.0322 takes over unit address 01 of its LCU from subchannel 0.0.0321, which this reload removes"* ]] && echo yes || echo "no: $out")"
cp "$T/inv.good" "$T/inventory.conf"
sed -i '/^\[chpid 4a\]/,/^$/s/^type = 1b$/type = 1c/' "$T/inventory.conf"
out=$(reload) && rc=0 || rc=$?
check "a channel path's type change is refused" yes \
    "$([[ "$out" == *"chpid 4a: its type would change from 1b to 1c"* ]] && echo yes || echo "no: $out")"
cp "$T/inv.good" "$T/inventory.conf"
check "after the refusals: the same subchannels" "0.0.0313 0.0.0314 0.0.0320 0.0.0321 " "$(lscss_rows)"
out=$(reload) && rc=0 || rc=$?
check "the same inventory again: nothing to do" "0 ccwpassd reloaded its inventory: 4 unchanged" "$rc $out"

echo "== remove: 0.0.0313 in use, and 0.0.0314, by SIGHUP"
python3 - "$T/inventory.conf" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
for sch in ("0.0.0313", "0.0.0314"):
    s = re.sub(r"\[subchannel %s\]\n(?:[^\[]*\n)" % re.escape(sch), "", s)
open(p, "w").write(s)
PY
seq0=$(cut -d' ' -f1 "$RT/reload.status")
kill -HUP "$DPID"
reloaded() { [ "$(cut -d' ' -f1 "$RT/reload.status")" != "$seq0" ]; }
wait_for reloaded
check "SIGHUP reloads: reload.status says so" "ok removed 0.0.0313 0.0.0314; 2 unchanged" \
    "$(cut -d' ' -f2- "$RT/reload.status")"
check "reload.status is root's alone" 600 "$(stat -c %a "$RT/reload.status")"
check "they are gone from the css bus" "0.0.0320 0.0.0321 " "$(lscss_rows)"
check "the mdev in use went with it" no "$([ -e "$RT/sys/bus/mdev/devices/$UUID1" ] && echo yes || echo no)"
check "... and its socket" no "$([ -e "$RT/vfio-user/$UUID1.sock" ] && echo yes || echo no)"
check "the image was let go (ccwpass readblk can open it)" 4096 \
    "$("$CCWPASS" readblk --partition "$T/img/2b09.cckd" 0 1 | wc -c)"
check "0.0.0320's mdev is untouched" "$UUID3" "$(ns ls /sys/devices/css0/0.0.0320 | grep -- -)"
echo done >&"${HOLD[1]}" 2>/dev/null || true
wait "$CPID" 2>/dev/null || true
CPID=

echo "== and back"
cp "$T/inv.orig" "$T/inventory.conf"
out=$(reload) && rc=0 || rc=$?
check "the first inventory again: 0313/0314 back, 0320/0321 gone" \
    "0 ccwpassd reloaded its inventory: added 0.0.0313 0.0.0314; removed 0.0.0320 0.0.0321; 0 unchanged" "$rc $out"
check "0.0.0313 bound to vfio_ccw again by its saved override" vfio_ccw \
    "$(basename "$(ns readlink /sys/bus/css/devices/0.0.0313/driver)")"
stop_daemon
out=$(reload) && rc=0 || rc=$?
check "reload without a daemon says so" 1 "$rc"
finish
