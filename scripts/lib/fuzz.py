#!/usr/bin/env python3
"""Helpers of scripts/fuzz (libFuzzer campaigns).

  fuzz.py targets BUILD      one line per fuzz target of BUILD (its meson
                             tests in suite 'fuzz'):
                             NAME EXE SEED_DIR MAX_LEN TIMEOUT REPLAY
                             (REPLAY: the <NAME>_stable test's command but
                             its corpus, words joined by commas; - if none)
  fuzz.py stats LOG...       "RUNS COV FT" of one target's libFuzzer logs
                             (runs summed, coverage of the last log that
                             reports any); "0 0 0" without any
  fuzz.py table RESULT...    the campaign's summary table, one row per
                             result file scripts/fuzz wrote
  fuzz.py recheck OUT DIR EXE TIMEOUT
                             each timeout-* artifact in DIR runs alone
                             (EXE -timeout=TIMEOUT -runs=3 FILE); those
                             that end with status 0 move to OUT: libFuzzer
                             times inputs on the wall clock, which a clock
                             step fools. Prints "MOVED KEPT".
Result files hold one line: NAME SECONDS RUNS COV FT COV0 COV1 FILES0 FILES
BYTES CRASHES STABLE (COV/FT: what the fuzzer reached; COV0/COV1, FILES0:
the committed corpus's coverage before and after the merge, its files
before; FILES/BYTES: after; STABLE: yes, no or -)."""
import glob
import json
import os
import re
import subprocess
import sys


def targets(build):
    out = subprocess.run(["meson", "introspect", "--tests", build],
                         check=True, capture_output=True, text=True).stdout
    tests = json.loads(out)
    replay = {t["name"]: ",".join(t["cmd"][:-1]) for t in tests
              if t["name"].endswith("_stable")}
    for t in tests:
        if not any(s.endswith(":fuzz") or s == "fuzz" for s in t["suite"]):
            continue
        if t["name"].endswith("_stable"):
            continue
        cmd = t["cmd"]
        opt = {a.split("=", 1)[0][1:]: a.split("=", 1)[1]
               for a in cmd[1:] if a.startswith("-") and "=" in a}
        print(t["name"], cmd[0], cmd[-1], opt.get("max_len", "65536"),
              opt.get("timeout", "10"),
              replay.get(t["name"] + "_stable", "-"))


STAT_RUNS = re.compile(r"^stat::number_of_executed_units:\s*(\d+)", re.M)
PROGRESS = re.compile(r"^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+)", re.M)


def stats(logs):
    runs = cov = ft = 0
    for log in logs:
        try:
            with open(log, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        progress = PROGRESS.findall(text)
        done = STAT_RUNS.findall(text)
        if done:
            runs += int(done[-1])
        elif progress:
            runs += int(progress[-1][0])
        if progress:
            cov, ft = int(progress[-1][1]), int(progress[-1][2])
    print(runs, cov, ft)


def duration(s):
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else \
        f"{s // 60}m{s % 60:02d}s"


def table(results):
    head = ("target", "time", "runs", "exec/s", "cov", "ft", "corpus cov",
            "files", "new", "KB", "crashes", "stable")
    rows = [head]
    for r in results:
        with open(r) as f:
            v = f.read().split()
        name, (secs, runs, cov, ft, cov0, cov1, files0, files, size) = \
            v[0], map(int, v[1:10])
        rows.append((name, duration(secs), str(runs),
                     str(runs // secs if secs else 0), str(cov), str(ft),
                     f"{cov0}->{cov1}", str(files), f"+{files - files0}",
                     str((size + 1023) // 1024), v[10], v[11]))
    width = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for row in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, width))).rstrip())


def recheck(out, crashes, exe, timeout):
    moved = kept = 0
    for f in sorted(glob.glob(os.path.join(crashes, "timeout-*"))):
        try:
            rc = subprocess.run([exe, f"-timeout={timeout}", "-runs=3", f],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                timeout=3 * int(timeout) + 60).returncode
        except subprocess.TimeoutExpired:
            rc = -1
        if rc == 0:
            os.makedirs(out, exist_ok=True)
            os.replace(f, os.path.join(out, os.path.basename(f)))
            moved += 1
        else:
            kept += 1
    print(moved, kept)


def main(argv):
    if len(argv) >= 3 and argv[1] == "targets":
        targets(argv[2])
    elif len(argv) >= 2 and argv[1] == "stats":
        stats(argv[2:])
    elif len(argv) >= 2 and argv[1] == "table":
        table(argv[2:])
    elif len(argv) == 6 and argv[1] == "recheck":
        recheck(*argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
