#!/usr/bin/env bash
# HyperPAV in the real guest (issue 9): ccwpassd serves a 3390-9 base
# (subchannel 0.0.0313, device 0.0.2b09, the seed's) and three HyperPAV
# aliases of it (alias-of: 0.0.0314-0316, devices 0.0.2b0a-2b0c, unit
# addresses 0a-0c of the base's LCU). All four are bound to vfio_ccw and
# given mdevs; one QEMU gets them at fe.0.1234 (base) and fe.0.1235-1237.
# Checks:
#   host: ccwpass lscss lists the aliases like any 3390 subchannel, and
#     with --vfio their mdevs;
#   guest: the seed's lines for the base (lscss, chccwdev, the dasd-eckd
#     messages, the partition); for each alias chccwdev's two lines, "A
#     channel path ..." and "New DASD ..." and no "DASD with" / partition
#     line; sysfs alias 1 and uid ...xx, no block device for an alias;
#     lsdasd and lsdasd -u as research note hyperpav.md 4.1 shows them;
#     dasdfmt -M quick (format and format check requests go through the
#     aliases) and fdasd -a, and no "An Alias device was reassigned"
#     anywhere in dmesg;
#   data: four concurrent O_DIRECT writers at four offsets of dasda1,
#     then four concurrent O_DIRECT readers: every checksum matches, and
#     the host's image holds the same bytes (ccwpass readblk);
#   aliases carried I/O: in ccwpassd's trace every alias ran Prefix
#     programs for reads and for writes (validity B0, base 09, LSS 2b),
#     none ended with a unit check, and each alias's ccwpass_stats
#     "programs" grew.
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCHS=(0.0.0313 0.0.0314 0.0.0315 0.0.0316)
HOSTDEVS=(0.0.2b09 0.0.2b0a 0.0.2b0b 0.0.2b0c)
UUIDS=(5a5a0000-0000-4000-8000-000000000313 5a5a0000-0000-4000-8000-000000000314
       5a5a0000-0000-4000-8000-000000000315 5a5a0000-0000-4000-8000-000000000316)
ALIASES=(0.0.1235 0.0.1236 0.0.1237)
MB=16                  # MiB per writer / reader
OFFS=(100 300 500 700) # their offsets in MiB into dasda1

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir pav
need_kit

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a 3a 0a
pim    = f0
device = 3390-9
image  = 2b09.cckd
volser = 0X2B09
create = cdl

[subchannel 0.0.0314]
devno    = 0.0.2b0a
chpids   = 1a 2a 3a 0a
pim      = f0
alias-of = 0.0.0313

[subchannel 0.0.0315]
devno    = 0.0.2b0b
chpids   = 1a 2a 3a 0a
pim      = f0
alias-of = 0.0.0313

[subchannel 0.0.0316]
devno    = 0.0.2b0c
chpids   = 1a 2a 3a 0a
pim      = f0
alias-of = 0.0.0313
INV

start_daemon -t "$W/trace.txt" --mdevctl none
programs() { sed -n 's/^programs //p' "$RT/sys/bus/css/devices/$1/ccwpass_stats"; }

# ---- host: the aliases are subchannels like any other ----
"$CLI" lscss -r "$RT" >"$W/lscss.out" 2>&1
for i in 0 1 2 3; do
    check "ccwpass lscss: ${HOSTDEVS[$i]} on ${SCHS[$i]}, 3390/0e 3990/e9, f0 f0 ff" \
        has "$W/lscss.out" "^${HOSTDEVS[$i]} ${SCHS[$i]}  3390/0e 3990/e9 +f0  f0  ff   1a2a3a0a 00000000"
done
DEVS=()
for i in 0 1 2 3; do
    s=${SCHS[$i]}
    u=${UUIDS[$i]}
    pass_through "$s" "$u"
    check "$s bound to vfio_ccw with mdev $u" test $? -eq 0
    DEVS+=(-device "vfio-ccw,devno=fe.0.$(printf %04x $((0x1234 + i))),sysfsdev=/sys/bus/mdev/devices/$u")
    BEFORE[i]=$(programs "$s")
done
"$CLI" lscss -r "$RT" --vfio >"$W/lscss-vfio.out" 2>&1
for i in 1 2 3; do
    check "ccwpass lscss --vfio: alias ${SCHS[$i]} with its mdev" \
        has "$W/lscss-vfio.out" "^${HOSTDEVS[$i]} ${SCHS[$i]} .* ${UUIDS[$i]}\$"
done

# ---- the guest ----
cat >"$W/g.sh" <<EOF
lscss -d 0.0.1234
chccwdev -e 0.0.1234
chccwdev -e ${ALIASES[0]},${ALIASES[1]},${ALIASES[2]}
echo "=== lsdasd"; lsdasd
echo "=== lsdasd -u"; lsdasd -u
for d in 0.0.1234 ${ALIASES[*]}; do
    echo "sysfs \$d alias=\$(cat /sys/bus/ccw/devices/\$d/alias) uid=\$(cat /sys/bus/ccw/devices/\$d/uid) block=\$(ls /sys/bus/ccw/devices/\$d/block 2>/dev/null | tr '\n' ' ')"
done
echo "block devices: \$(ls /sys/block | grep -c '^dasd')"
# dasdfmt opens /dev/block/MAJ:MIN (no udev in the kit).
mkdir -p /dev/block
for b in /sys/block/dasda /sys/block/dasda/dasda*; do
    [ -e \$b/dev ] && ln -sf /dev/\$(basename \$b) /dev/block/\$(cat \$b/dev)
done
dasdfmt -b 4096 -d cdl -y -M quick /dev/dasda >/dev/null 2>&1; echo "dasdfmt rc=\$?"
fdasd -a /dev/dasda </dev/null >/dev/null 2>&1; echo "fdasd rc=\$?"
for i in 0 1 2 3; do dd if=/dev/urandom of=/tmp/d\$i bs=1M count=$MB 2>/dev/null; done
for i in 0 1 2 3; do echo "wrote \$i \$(sha256sum </tmp/d\$i | cut -d' ' -f1)"; done
i=0
for o in ${OFFS[*]}; do
    dd if=/tmp/d\$i of=/dev/dasda1 bs=1M seek=\$o oflag=direct 2>/dev/null &
    i=\$((i + 1))
done
wait
echo 3 >/proc/sys/vm/drop_caches
i=0
for o in ${OFFS[*]}; do
    ( echo "read \$i \$(dd if=/dev/dasda1 bs=1M skip=\$o count=$MB iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)" >/tmp/r\$i ) &
    i=\$((i + 1))
done
wait
cat /tmp/r0 /tmp/r1 /tmp/r2 /tmp/r3
echo "=== dmesg"; dmesg -t | grep -E 'dasd|0\.0\.123'
EOF
QEMU_WRAPPER="$CLI run -r $RT -e $ETC --" \
    "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/guest.log" \
    --script "$W/g.sh" -- "${DEVS[@]}" >"$W/guest.out" 2>"$W/guest.err"
check "the guest with base + 3 aliases runs its script" test $? -eq 0
O=$W/guest.out

check_seed_lines "$O"
for d in "${ALIASES[@]}"; do
    check "chccwdev: Setting device $d online" has_line "$O" "Setting device $d online"
    check "dmesg: dasd-eckd $d: A channel path to the device has become operational" \
        has_line "$O" "dasd-eckd $d: A channel path to the device has become operational"
    check "dmesg: dasd-eckd $d: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, ..." \
        has_line "$O" "dasd-eckd $d: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, 15 heads, 224 sectors"
    check "dmesg: no 'DASD with' line for alias $d" sh -c "! grep -q '^dasd-eckd $d: DASD with' '$O'"
    check "sysfs $d: alias=1, uid IBM.ZZ000000002B09.002b.xx, no block device" \
        has_line "$O" "sysfs $d alias=1 uid=IBM.ZZ000000002B09.002b.xx block="
done
check "chccwdev: four Done" test "$(grep -cx Done "$O")" -eq 4
check "sysfs 0.0.1234: alias=0, uid IBM.ZZ000000002B09.002b.09, block dasda" \
    has_line "$O" "sysfs 0.0.1234 alias=0 uid=IBM.ZZ000000002B09.002b.09 block=dasda "
check "one DASD block device" has_line "$O" "block devices: 1"
sed -n '/^=== lsdasd$/,/^=== lsdasd -u$/p' "$O" | sed '1d;$d' >"$W/lsdasd.txt"
cat >"$W/lsdasd-want.txt" <<'EOF'
Bus-ID    Status    Name      Device  Type         BlkSz  Size      Blocks
================================================================================
0.0.1235  alias                       ECKD
0.0.1236  alias                       ECKD
0.0.1237  alias                       ECKD
0.0.1234  active    dasda     94:0    ECKD         4096   7043MB    1803060
EOF
check "lsdasd: three alias lines, then the base" cmp -s "$W/lsdasd-want.txt" "$W/lsdasd.txt"
sed -n '/^=== lsdasd -u$/,/^sysfs /p' "$O" | sed '1d;$d' >"$W/lsdasd-u.txt"
cat >"$W/lsdasd-u-want.txt" <<'EOF'
Bus-ID    Name      UID
================================================================================
0.0.1234  dasda     IBM.ZZ000000002B09.002b.09
0.0.1235  alias     IBM.ZZ000000002B09.002b.xx
0.0.1236  alias     IBM.ZZ000000002B09.002b.xx
0.0.1237  alias     IBM.ZZ000000002B09.002b.xx
EOF
check "lsdasd -u: the base's uid, then the aliases' (...xx)" cmp -s "$W/lsdasd-u-want.txt" "$W/lsdasd-u.txt"
check "dasdfmt -M quick through base and aliases" has_line "$O" "dasdfmt rc=0"
check "fdasd -a" has_line "$O" "fdasd rc=0"
check "dmesg: no 'An Alias device was reassigned' (after dasdfmt's reload too)" \
    sh -c "! grep -q 'An Alias device was reassigned' '$O' '$W/guest.log'"
check "dmesg: no dasd error" sh -c "! grep -Eiq 'dasd.*(error|failed|I/O)' '$O'"
for i in 0 1 2 3; do
    SUM[i]=$(sed -n "s/^wrote $i \\([0-9a-f]\\{64\\}\\)$/\\1/p" "$O")
    check "writer $i (${OFFS[$i]} MiB) and reader $i agree (${SUM[i]:-none})" \
        has_line "$O" "read $i ${SUM[i]:-none}"
done
((FAILS)) && { echo "---- guest ----"; cat "$O" "$W/guest.err"; }

# ---- the aliases carried I/O ----
T=$W/trace.txt
for i in 1 2 3; do
    s=${SCHS[$i]}
    # Prefix format 00 or 01 (with a Locate Record Extended: the track
    # programs), validity B0 (verify base, HyperPAV), base 09, LSS 2b;
    # Define Extent mask 40 (read) or 80 (update write).
    nr=$(grep -c " $s ccw .*cmd=e7(PREFIX).* data=0[01]b009002b0000000000000040" "$T")
    nw=$(grep -c " $s ccw .*cmd=e7(PREFIX).* data=0[01]b009002b0000000000000080" "$T")
    check "alias $s ran Prefix programs on base 09: $nr reads, $nw writes" \
        test "$nr" -gt 0 -a "$nw" -gt 0
    nr=$(grep -c " $s ccw .*cmd=a6(" "$T")
    nw=$(grep -c " $s ccw .*cmd=a5(" "$T")
    check "alias $s read and wrote whole tracks: $nr Read Track Data, $nw Write Track Data" \
        test "$nr" -gt 0 -a "$nw" -gt 0
    check "alias $s: no unit check" sh -c "! grep -q ' $s irb .*dstat=0e' '$T'"
    after=$(programs "$s")
    check "alias $s: ccwpass_stats programs grew (${BEFORE[$i]} -> $after)" \
        test "$after" -gt "${BEFORE[$i]}"
done
# By default a start is posted only while another device has one in
# flight (docs/preload.md "Posted starts"): the four streams' are, the
# bring-up's, one device at a time, are not.
NP=$(grep -c ' ssch .* posted=1 ' "$T")
NW=$(grep -c ' ssch .* posted=0 ' "$T")
check "starts posted while others were in flight: $NP posted, $NW waited for" \
    test "$NP" -gt 0 -a "$NW" -gt 0
check "ccwpassd survived" kill -0 "$DPID"

# ---- the image on the host holds what the four writers wrote ----
stop_daemon
for i in 0 1 2 3; do
    h=$("$CLI" readblk --partition "$W/2b09.cckd" $((OFFS[i] * 256)) $((MB * 256)) |
        sha256sum | cut -d' ' -f1)
    check "the image holds writer $i's data (host readblk)" test "$h" = "${SUM[i]:-none}"
done

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
