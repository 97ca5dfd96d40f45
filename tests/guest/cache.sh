#!/usr/bin/env bash
# Each cache mode keeps its promise (issue 9; docs/inventory.md "Cache
# modes"): the real guest streams checksummed O_DIRECT writes to a CCKD
# 3390 while ccwpassd is killed with SIGKILL at a random point of the
# stream, three times per mode (scripts/fault-campaign --faults
# kill-daemon). After every kill, every write the guest saw complete is
# in the image (the host reads every block back), and at the end the
# image passes Hercules' cckdcdsk -3. writethrough promises that much and
# more (a host crash); writeback promises exactly that.
# Env: CCWPASS_BUILD (meson build root), CACHE_ROUNDS (default 3),
# CACHE_SEED (default: a new one, printed).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 900
command -v mkfs.ext4 >/dev/null && command -v losetup >/dev/null \
    || skip "needs mkfs.ext4 and losetup (the campaign's own file system)"

ROUNDS=${CACHE_ROUNDS:-3}
for mode in writethrough writeback; do
    out=$(CCWPASS_BUILD=$BUILD "$ROOT/scripts/fault-campaign" --rounds "$ROUNDS" \
        --faults kill-daemon --cache "$mode" ${CACHE_SEED:+--seed "$CACHE_SEED"} 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed "s/^/[$mode] /"
    check "$mode: fault-campaign exits 0" test "$rc" -eq 0
    check "$mode: survived $ROUNDS SIGKILLs of ccwpassd, every acknowledged write there" \
        grep -q "^rounds survived $ROUNDS/$ROUNDS, faults injected $ROUNDS (kill-qemu 0, kill-daemon $ROUNDS" <<<"$out"
    check "$mode: the final check found no problem" \
        grep -q "^final check: verified: .*; 0 problem(s)" <<<"$out"
    if command -v cckdcdsk >/dev/null; then
        check "$mode: cckdcdsk -3 clean" grep -q "^cckdcdsk -3 FAULTS.cckd: clean" <<<"$out"
    fi
done
((FAILS == 0)) || { echo "$FAILS check(s) failed"; exit 1; }
echo "all checks passed"
