#!/bin/sh
# ccw-seq.sh TRACE [SCH]: the channel programs in a `ccwpassd --trace` file
# (docs/vfio-ccw.md "Tracing"; also the docs/traces/ form without the time
# and subchannel columns, where SCH is ignored), reduced to what does not depend on guest
# addresses or timing: one line per start (ORB format and LPM), one per CCW
# (command, flags, count), one per IRB (device and subchannel status), in
# trace order, for subchannel SCH (default: every subchannel). The sequence
# starts at the first START after the VMM opened the device (the guest's
# recognition: Sense ID, path grouping) and ends before the first program
# that reads or writes data records (Read Data 06/86, Write Data 05/85,
# Write Key and Data 0d/8d, Write CKD 1d/9d, Write / Read Track Data
# a5 / a6), which
# the online processing never sends (its reads are Read Count and Read Key
# and Data): for a guest that runs `chccwdev -e` and then uses the disk,
# that is everything from boot through `chccwdev -e` (analysis, partition
# scan, unit address configuration). tests/guest/e2e.sh compares it with
# tests/guest/expected/seed-online.ccws, and so is
# docs/traces/linux-online-io-offline.txt.
set -eu
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: ccw-seq.sh TRACE [SCH]" >&2; exit 2; }
awk -v want="${2:-}" '
function field(name,    i) {
    for (i = k + 1; i <= NF; i++)
        if (index($i, name "=") == 1)
            return substr($i, length(name) + 2)
    return ""
}
function flush(    i) {
    if (n == 0)
        return 0
    for (i = 1; i <= n; i++)
        if (buf[i] ~ /^  ccw cmd=(06|86|05|85|0d|8d|1d|9d|a5|a6)\(/)
            return 1
    for (i = 1; i <= n; i++)
        print buf[i]
    n = 0
    return 0
}
/^#/ { next }
# Raw: "<time> <sch> <kind> ..."; docs/traces: "<kind> ...".
{ k = $1 ~ /^[0-9]+\.[0-9]+$/ ? 3 : 1 }
k == 3 && want != "" && $2 != want { next }
$k == "open" { opened = 1; next }
!opened { next }
$k == "ssch" {
    if (flush()) exit
    buf[++n] = "ssch fmt=" field("fmt") " lpm=" field("lpm") " ret=" field("ret")
    next
}
n && $k == "ccw" {
    buf[++n] = "  ccw cmd=" field("cmd") " flags=" field("flags") " count=" field("count")
    next
}
n && $k == "irb" {
    buf[++n] = "  irb dstat=" field("dstat") " cstat=" field("cstat")
    next
}
END { flush() }
' "$1"
