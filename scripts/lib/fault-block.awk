# ccwpass fault campaign (scripts/fault-campaign): the self-describing
# 4 KiB block, written and checked by the guest (gawk -b). The host's
# scripts/lib/fault-verify.py builds the very same bytes.
#
# A block is 64 lines of 64 bytes:
#   line 0   "CCWPF b=<block> v=<version> r=<round> c=<checksum>", blank-padded
#            to 63 characters, "\n"
#   lines 1-63  7 words "%08x " of a Park-Miller (minstd) sequence seeded
#            from block and version, "\n"
# version = round * 1000000 + the write's number in its round; checksum =
# the sum of the 441 words mod 2^32. A block that is all zeros has never
# been written (version 0).
#
#   gawk -b -f fault-block.awk -v mode=gen -v b=BLOCK -v v=VERSION -v n=COUNT
#       blocks BLOCK..BLOCK+COUNT-1 of version VERSION, to standard output
#   gawk -b -f fault-block.awk -v mode=check -v list=LIST -v data=DATA [-v tag=T]
#       LIST has lines "BLOCK VMIN VMAX", DATA the blocks read in that
#       order; each must be version 0 (all zeros, only when VMIN is 0) or a
#       well-formed block of its own number with VMIN <= version <= VMAX.
#       Prints "T BAD ..." per bad block and "T ok=N bad=M bytes=B"; exit 1
#       when a block is bad.

function gen(blk, ver,   x, i, j, line, out, sum) {
    x = (blk * 7919 + ver * 104729) % 2147483646 + 1
    out = ""
    sum = 0
    for (i = 0; i < 63; i++) {
        line = ""
        for (j = 0; j < 7; j++) {
            x = (x * 48271) % 2147483647
            sum += x
            line = line sprintf("%08x ", x)
        }
        out = out line "\n"
    }
    sum = sum % 4294967296
    return sprintf("%-63s\n", sprintf("CCWPF b=%d v=%d r=%d c=%08x", blk, ver,
                   int(ver / 1000000), sum)) out
}

function zeros(n,   s) {
    s = sprintf("%c", 0)
    while (length(s) < n)
        s = s s
    return substr(s, 1, n)
}

function printable(s) {
    gsub(/[^ -~]/, ".", s)
    return s
}

BEGIN {
    if (mode == "gen") {
        for (k = 0; k < n; k++)
            printf "%s", gen(b + k, v)
        exit 0
    }
    if (mode != "check") {
        print "fault-block.awk: mode must be gen or check" > "/dev/stderr"
        exit 2
    }
    if (tag == "")
        tag = "CHECK"
    Z = zeros(4096)
    RS = "^$"
    buf = ""
    if ((getline buf < data) < 0)
        buf = ""
    close(data)
    RS = "\n"
    i = 0; ok = 0; bad = 0
    while ((getline line < list) > 0) {
        split(line, f, " ")
        blk = f[1] + 0; vmin = f[2] + 0; vmax = f[3] + 0
        s = substr(buf, i * 4096 + 1, 4096)
        i++
        if (length(s) != 4096) {
            printf "%s BAD b=%d: read %d bytes, not 4096\n", tag, blk, length(s)
            bad++
            continue
        }
        if (s == Z) {
            if (vmin == 0) ok++
            else {
                printf "%s BAD b=%d: all zeros, expected version %d..%d\n", tag, blk, vmin, vmax
                bad++
            }
            continue
        }
        if (!match(substr(s, 1, 63), /^CCWPF b=([0-9]+) v=([0-9]+) r=([0-9]+) c=[0-9a-f]{8} *$/, m)) {
            printf "%s BAD b=%d: no block header: '%s'\n", tag, blk, printable(substr(s, 1, 63))
            bad++
            continue
        }
        hb = m[1] + 0; hv = m[2] + 0
        if (hb != blk) {
            printf "%s BAD b=%d: holds block %d (v=%d): misplaced write\n", tag, blk, hb, hv
            bad++
        } else if (s != gen(hb, hv)) {
            printf "%s BAD b=%d: v=%d: content differs from its header (torn or corrupt)\n", tag, blk, hv
            bad++
        } else if (hv < vmin || hv > vmax) {
            printf "%s BAD b=%d: version %d, expected %d..%d%s\n", tag, blk, hv, vmin, vmax,
                hv < vmin ? " (an acknowledged write is lost)" : ""
            bad++
        } else
            ok++
    }
    close(list)
    printf "%s ok=%d bad=%d bytes=%d\n", tag, ok, bad, ok * 4096
    exit bad ? 1 : 0
}
