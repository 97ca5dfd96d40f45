#!/usr/bin/env python3
"""ccwpass fault campaign (scripts/fault-campaign): the host's check of a
volume after a round.

    fault-verify.py gen BLOCK VERSION [COUNT]
        the blocks scripts/lib/fault-block.awk makes, to standard output
    fault-verify.py round --state FILE --round R --blocks N
                          (--image IMAGE [--readblk PROG] | --raw FILE)
                          [--console LOG] [--sample FILE] [--sample-size K]
        read the round's console log (T: a write is attempted, A: it was
        acknowledged), then every 4 KiB block of the partition, and check
        each against what the campaign knows (below). The state FILE (JSON)
        carries that knowledge from round to round; it is created when
        missing. --sample writes "BLOCK VERSION" lines the next round's
        guest reads back first.

Every block of the partition must be either all zeros (never written) or
a well-formed campaign block (fault-block.awk) that
  - names its own block number (else: a misplaced write),
  - has exactly the content its header implies (else: torn or corrupt),
  - has a version >= the last acknowledged one of the block (else: an
    acknowledged write is lost),
  - has a version >= the one found on disk at the previous check (a
    volume never goes back in time),
  - has a version some write to this block attempted: its T line names
    the block, or there is no T line with that write's number (a killed
    QEMU takes its last lines with it; a QEMU message may garble one).
A write in flight (T without A) may or may not have landed: both pass.

The last line is "verified: ...", with the bytes of campaign data checked.
Exit 0 when everything holds, 1 when something does not, 2 on usage or
I/O errors.
"""
import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys

BLOCK = 4096
ROUND_MUL = 1000000
ZERO = bytes(BLOCK)
HEADER_RE = re.compile(rb"^CCWPF b=([0-9]+) v=([0-9]+) r=([0-9]+) c=[0-9a-f]{8} *\n")
LINE_RE = re.compile(r"^([TAE]) ([0-9]+) ([0-9]+) ([0-9]+)(?: .*)?$")


def gen(blk, ver):
    """The block fault-block.awk's gen() makes."""
    x = (blk * 7919 + ver * 104729) % 2147483646 + 1
    total = 0
    lines = []
    for _ in range(63):
        words = []
        for _ in range(7):
            x = (x * 48271) % 2147483647
            total += x
            words.append("%08x " % x)
        lines.append("".join(words) + "\n")
    head = "CCWPF b=%d v=%d r=%d c=%08x" % (blk, ver, ver // ROUND_MUL,
                                           total % 4294967296)
    return ("%-63s\n" % head + "".join(lines)).encode("ascii")


def load_state(path, nblocks):
    if os.path.exists(path):
        with open(path) as f:
            st = json.load(f)
        if st["blocks"] != nblocks:
            raise SystemExit("fault-verify: %s is for %d blocks, not %d"
                             % (path, st["blocks"], nblocks))
        return st
    return {"blocks": nblocks, "acked": {}, "ondisk": {}, "digest": {},
            "attempts": {}, "seqs": {}}


def save_state(path, st):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(st, f)
    os.replace(tmp, path)


def read_console(path, rnd, st):
    """Fold the round's T and A lines into the state; counts per kind."""
    counts = {"T": 0, "A": 0, "E": 0}
    if not path:
        return counts
    att = st["attempts"]
    acked = st["acked"]
    seqs = set(st["seqs"].get(str(rnd), []))
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            m = LINE_RE.match(line)
            if not m:
                continue
            kind, ver, blk, cnt = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
            if ver // ROUND_MUL != rnd or not 1 <= cnt <= 256:
                continue
            counts[kind] += 1
            for b in range(blk, blk + cnt):
                key = str(b)
                if kind == "T":
                    lst = att.setdefault(key, [])
                    if ver not in lst:
                        lst.append(ver)
                elif kind == "A":
                    if ver > acked.get(key, 0):
                        acked[key] = ver
            if kind == "T":
                seqs.add(ver % ROUND_MUL)
    st["seqs"][str(rnd)] = sorted(seqs)
    return counts


def blocks_from(args):
    if args.raw:
        f = open(args.raw, "rb")
        proc = None
    else:
        cmd = [args.readblk, "readblk", "--partition", args.image, "0",
               str(args.blocks)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        f = proc.stdout
    try:
        for _ in range(args.blocks):
            data = f.read(BLOCK)
            if len(data) != BLOCK:
                raise SystemExit("fault-verify: the partition ends early "
                                 "(%d blocks expected)" % args.blocks)
            yield data
    finally:
        f.close()
        if proc and proc.wait() != 0:
            raise SystemExit("fault-verify: %s failed (exit %d)"
                             % (" ".join(cmd), proc.returncode))


def check_round(args):
    st = load_state(args.state, args.blocks)
    counts = read_console(args.console, args.round, st)
    acked, ondisk, digest = st["acked"], st["ondisk"], st["digest"]
    att = st["attempts"]
    seqs = {}
    problems = []
    data_blocks = zero_blocks = 0
    for b, data in enumerate(blocks_from(args)):
        key = str(b)
        prev = ondisk.get(key, 0)
        want = acked.get(key, 0)
        if data == ZERO:
            zero_blocks += 1
            if want:
                problems.append("b=%d: all zeros, but version %d was acknowledged "
                                "(an acknowledged write is lost)" % (b, want))
            elif prev:
                problems.append("b=%d: all zeros, version %d was there before "
                                "(the volume went back in time)" % (b, prev))
            ondisk.pop(key, None)
            digest.pop(key, None)
            continue
        m = HEADER_RE.match(data)
        if not m:
            problems.append("b=%d: not a campaign block: %r" % (b, data[:63]))
            continue
        hb, hv, hr = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if hb != b:
            problems.append("b=%d: holds block %d version %d (a misplaced write)"
                            % (b, hb, hv))
            continue
        h = hashlib.sha1(data).hexdigest()
        if not (hv == prev and digest.get(key) == h):
            if hr != hv // ROUND_MUL or data != gen(hb, hv):
                problems.append("b=%d: version %d: the content differs from "
                                "what its header implies (torn or corrupt)"
                                % (b, hv))
                continue
        data_blocks += 1
        if hv < want:
            problems.append("b=%d: version %d, but %d was acknowledged "
                            "(an acknowledged write is lost)" % (b, hv, want))
        elif hv < prev:
            problems.append("b=%d: version %d, %d was there before (the volume "
                            "went back in time)" % (b, hv, prev))
        elif hv // ROUND_MUL > args.round:
            problems.append("b=%d: version %d is from a later round than %d"
                            % (b, hv, args.round))
        elif hv not in att.get(key, ()) and \
                hv % ROUND_MUL in seqs.setdefault(
                    hv // ROUND_MUL, set(st["seqs"].get(str(hv // ROUND_MUL), []))):
            problems.append("b=%d: version %d was never written to this block "
                            "(its T line names other blocks)" % (b, hv))
        ondisk[key] = hv
        digest[key] = h
    save_state(args.state, st)
    if args.sample:
        rng = random.Random(args.round * 7717 + 3)
        have = sorted(int(k) for k in ondisk)
        pick = rng.sample(have, min(len(have), args.sample_size))
        zeros = [b for b in (rng.randrange(args.blocks) for _ in range(8))
                 if str(b) not in ondisk and b not in pick]
        with open(args.sample, "w") as f:
            for b in sorted(pick + zeros):
                f.write("%d %d\n" % (b, ondisk.get(str(b), 0)))
    for p in problems[:50]:
        print("FAIL " + p)
    if len(problems) > 50:
        print("FAIL ... and %d more" % (len(problems) - 50))
    print("verified: %d blocks with data (%d bytes), %d never written; round %d: "
          "%d writes attempted, %d acknowledged, %d failed; %d problem(s)"
          % (data_blocks, data_blocks * BLOCK, zero_blocks, args.round,
             counts["T"], counts["A"], counts["E"], len(problems)))
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(prog="fault-verify.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("block", type=int)
    g.add_argument("version", type=int)
    g.add_argument("count", type=int, nargs="?", default=1)
    r = sub.add_parser("round")
    r.add_argument("--state", required=True)
    r.add_argument("--round", type=int, required=True)
    r.add_argument("--blocks", type=int, required=True)
    r.add_argument("--image")
    r.add_argument("--readblk", default="ccwpass")
    r.add_argument("--raw")
    r.add_argument("--console")
    r.add_argument("--sample")
    r.add_argument("--sample-size", type=int, default=48)
    args = ap.parse_args()
    if args.cmd == "gen":
        out = sys.stdout.buffer
        for b in range(args.block, args.block + args.count):
            out.write(gen(b, args.version))
        return 0
    if bool(args.image) == bool(args.raw):
        ap.error("round needs one of --image and --raw")
    return check_round(args)


if __name__ == "__main__":
    sys.exit(main())
