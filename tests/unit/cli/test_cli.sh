#!/usr/bin/env bash
# Command-line checks that need no root and no daemon: refusals of bad
# arguments name what is wrong, and nothing is silently skipped.
# Arguments: CCWPASS CCWPASSD.
set -uo pipefail
CCWPASS=$1
CCWPASSD=$2
T=$(mktemp -d /tmp/ccwpass-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0

check() {
    if [ "$2" == "$3" ]; then echo "ok   $1"; else
        echo "FAIL $1"; echo "     want: $2"; echo "     got:  $3"
        FAILS=$((FAILS + 1)); fi
}

"$CCWPASS" dasdinit -q -c 1 "$T/v.cckd" 3390-1 || exit 1
# 15 tracks x 12 blocks: FIRST + COUNT must not wrap around
out=$("$CCWPASS" readblk "$T/v.cckd" 30 18446744073709551615 2>&1 > "$T/out")
check "readblk: a wrapping COUNT is refused" "1" "$?"
check "readblk: says so" yes "$(grep -q "past the end" <<< "$out" && echo yes)"
out=$("$CCWPASS" readblk -p "$T/v.cckd" 18446744073709551600 2>&1 > "$T/out")
check "readblk: a wrapping partition block is refused" "1" "$?"
"$CCWPASS" readblk "$T/v.cckd" 24 2 > "$T/out"
check "readblk: two blocks" "0 8192" "$? $(stat -c %s "$T/out")"
out=$("$CCWPASS" readblk "$T/v.cckd" 179 2 2>&1 > "$T/out")
check "readblk: past the end" "1 4096" "$? $(stat -c %s "$T/out")"

for bad in abc 10x -5 0 99999999999; do
    out=$("$CCWPASSD" -f -c "$T/none.conf" -r "$T/rt" --release-timeout "$bad" 2>&1)
    check "ccwpassd --release-timeout $bad refused" 2 "$?"
    check "ccwpassd --release-timeout $bad named" yes \
        "$(grep -q -- "--release-timeout '$bad'" <<< "$out" && echo yes)"
done

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
