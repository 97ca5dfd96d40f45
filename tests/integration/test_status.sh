#!/usr/bin/env bash
# A host that explains itself: `ccwpass status` (tables and --json) with
# each subchannel's device, volume (image, format, size, volser, access,
# cache) and each mdev's group, socket and the pid of the process using
# it; `ccwpass stat` and its intervals; the view's ccwpass_device and
# ccwpass_holder. docs/operations.md "Look at the host".
# Arguments: CCWPASSD CCWPASS SYSFS_IO
. "$(dirname "$0")/lib.sh"
HELLO="python3 $(dirname "$(realpath "$0")")/vfu_hello.py"
CPID=
EXTRA_CLEANUP='[ -z "$CPID" ] || kill "$CPID" 2>/dev/null'
# jq-less JSON: python evaluates EXPR on the parsed status as J.
jget() { python3 -c "import json,sys; J=json.load(sys.stdin); print($1)"; }

out=$("$CCWPASS" status -r "$RT" --json) && rc=0 || rc=$?
check "status --json without a daemon: exit 3" 3 "$rc"
check "... and says so in JSON" False "$(jget 'J["daemon"]["running"]' <<<"$out")"

start_daemon --mdevctl none
img=$(realpath "$T/img/2b09.cckd")
out=$("$CCWPASS" status -r "$RT")
echo "$out"
row() { grep -E "^  $1 " <<<"$out" | tr -s ' '; }
check "status: 0.0.0313's row" \
    " 0.0.0313 0.0.2b09 3390 io_subchannel - 0X2B09 rw writethrough 7.0 MiB $img (cckd64, " \
    "$(row 0.0.0313 | grep -o '^.*(cckd64, ')"
check "status: a blank volume has no volser" \
    " 0.0.0314 0.0.2b0a 3390 io_subchannel - - rw writethrough" \
    "$(row 0.0.0314 | cut -d' ' -f1-9)"
check "status: no mdevs" "mdevs: none" "$(tail -n1 <<<"$out")"

echo "== channel measurement where the kernel has it (cmb_enable, cmf/)"
C=/sys/bus/ccw/devices/0.0.2b0a
check "cmb_enable reads 0" 0 "$(sysr $C/cmb_enable)"
check "no cmf/ while it is 0" no "$(ns test -d $C/cmf && echo yes || echo no)"
check "cmb_enable takes 1" "OK 1" "$(sysw $C/cmb_enable 1)"
check "cmb_enable reads 1" 1 "$(sysr $C/cmb_enable)"
check "cmf/ has the extended format's attributes" \
    "avg_control_unit_queuing_time avg_device_active_only_time avg_device_busy_time avg_device_connect_time avg_device_disconnect_time avg_function_pending_time avg_initial_command_response_time avg_sample_interval avg_utilization sample_count ssch_rsch_count" \
    "$(ns ls $C/cmf | tr '\n' ' ' | sed 's/ $//')"
check "cmf: no program yet" "0 0 -1 00.0%" \
    "$(sysr $C/cmf/ssch_rsch_count) $(sysr $C/cmf/avg_device_busy_time) $(sysr $C/cmf/avg_sample_interval) $(sysr $C/cmf/avg_utilization)"
check "cmb_enable refuses 2" EINVAL "$(sysw $C/cmb_enable 2)"
check "cmb_enable takes 0" "OK 1" "$(sysw $C/cmb_enable 0)"
check "cmf/ goes with it" no "$(ns test -d $C/cmf && echo yes || echo no)"

ns driverctl -b css set-override 0.0.0313 vfio_ccw >/dev/null 2>&1 ||
    sysw /sys/bus/css/devices/0.0.0313/driver_override vfio_ccw >/dev/null
sysw /sys/bus/css/devices/0.0.0313/driver/unbind 0.0.0313 >/dev/null 2>&1 || true
sysw /sys/bus/css/drivers_probe 0.0.0313 >/dev/null
sysw /sys/bus/css/devices/0.0.0313/mdev_supported_types/vfio_ccw-io/create "$UUID1" >/dev/null
check "view: no holder before a client connects" "" \
    "$(sysr "/sys/bus/mdev/devices/$UUID1/ccwpass_holder")"

# A vfio-user client that negotiates and stays.
coproc HOLD { $HELLO "$RT/vfio-user/$UUID1.sock"; }
CPID=$HOLD_PID
read -r -t 30 word pid <&"${HOLD[0]}" || true
check "the client connected" connected "$word"
holder() { [ "$(sysr "/sys/bus/mdev/devices/$UUID1/ccwpass_holder")" = "$pid" ]; }
wait_for holder
check "view: ccwpass_holder is the client's pid" "$pid" \
    "$(sysr "/sys/bus/mdev/devices/$UUID1/ccwpass_holder")"
out=$("$CCWPASS" status -r "$RT")
check "status: the mdev with its parent, group, QEMU pid, socket" \
    " $UUID1 0.0.0313 0 $pid $RT/vfio-user/$UUID1.sock" \
    "$(grep -E "^  $UUID1 " <<<"$out" | tr -s ' ')"
check "status: 0.0.0313 now vfio_ccw with its override" "vfio_ccw vfio_ccw" \
    "$(row 0.0.0313 | cut -d' ' -f5-6)"

j=$("$CCWPASS" status -r "$RT" --json)
check "json: daemon pid" "$DPID" "$(jget 'J["daemon"]["pid"]' <<<"$j")"
s0='J["subchannels"][0]'
check "json: 0.0.0313 device, image, format, volser, readonly, cache" \
    "0.0.2b09 $img cckd64 0X2B09 False writethrough" \
    "$(jget "' '.join(str($s0[k]) for k in ('devno','image','format','volser','readonly','cache'))" <<<"$j")"
check "json: capacity of 10 cylinders of 15 tracks of 12 4-KiB blocks" $((10 * 15 * 12 * 4096)) \
    "$(jget "$s0['capacity_bytes']" <<<"$j")"
check "json: the file's size as the file system says" "$(stat -c %s "$img")" \
    "$(jget "$s0['file_bytes']" <<<"$j")"
check "json: the mdev's QEMU pid and group" "$pid 0" \
    "$(jget "'%s %s' % ($s0['mdevs'][0]['qemu_pid'], $s0['mdevs'][0]['iommu_group'])" <<<"$j")"
check "json: I/O counters present" "0 0" \
    "$(jget "'%s %s' % ($s0['io']['programs'], $s0['io']['errors'])" <<<"$j")"
check "json: 0.0.0314 has no volser (blank volume)" None \
    "$(jget 'J["subchannels"][1]["volser"]' <<<"$j")"

echo done >&"${HOLD[1]}"
wait "$CPID" 2>/dev/null || true
CPID=
noholder() { [ -z "$(sysr "/sys/bus/mdev/devices/$UUID1/ccwpass_holder")" ]; }
wait_for noholder
check "view: the holder goes with the connection" "" \
    "$(sysr "/sys/bus/mdev/devices/$UUID1/ccwpass_holder")"

echo "== stat"
out=$("$CCWPASS" stat -r "$RT")
check "stat: a header and a row per subchannel" 3 "$(wc -l <<<"$out")"
check "stat: 0.0.0313's counters" "0.0.0313 0.0.2b09 0 0 0 B 0 B 0.000" \
    "$(grep '^0.0.0313' <<<"$out" | tr -s ' ')"
out=$("$CCWPASS" stat -r "$RT" --json 0.0.0314)
check "stat --json SUBCHANNEL: one line for it" 0.0.0314 "$(jget 'J["subchannel"]' <<<"$out")"
out=$("$CCWPASS" stat -r "$RT" -i 0.1 -c 3 --json 0.0.0313)
check "stat -i 0.1 -c 3: a total and two intervals" "3 2" \
    "$(wc -l <<<"$out") $(grep -c '"programs_per_s": 0.0' <<<"$out")"
out=$("$CCWPASS" stat -r "$RT" 0.0.9999 2>&1) && rc=0 || rc=$?
check "stat of an unknown subchannel names it" "1 ccwpass stat: no subchannel 0.0.9999 on this host (\`ccwpass status\` lists them)" "$rc $out"
out=$("$CCWPASS" stat -r "$RT" -i 0 2>&1) && rc=0 || rc=$?
check "stat -i 0 is refused" "1 ccwpass stat: --interval '0': not a number of seconds (0.1-3600)" "$rc $out"
stop_daemon
out=$("$CCWPASS" stat -r "$RT" 2>&1) && rc=0 || rc=$?
check "stat without a daemon: exit 3" 3 "$rc"
finish
