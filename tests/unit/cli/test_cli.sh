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

# dasdinit's and convert's progress: a line rewritten in place on a
# terminal (script(1) gives it one), ending at 100 %, then the summary;
# never into a pipe or with -q.
if command -v script >/dev/null; then
    script -qec "'$CCWPASS' dasdinit -c 20 '$T/p.cckd' 3390-3" /dev/null > "$T/tty" 2>&1
    check "dasdinit: progress on a terminal" yes \
        "$(grep -q $'\rccwpass dasdinit: '"$T"'/p.cckd: 300/300 tracks (100%)' "$T/tty" && echo yes)"
    check "dasdinit: summary after it" yes \
        "$(grep -q "$T/p.cckd: 3390 volume, 20 cylinders x 15 tracks" "$T/tty" && echo yes)"
    script -qec "'$CCWPASS' convert '$T/p.cckd' '$T/p2.cckd'" /dev/null > "$T/tty" 2>&1
    check "convert: progress on a terminal" yes \
        "$(grep -q $'\rccwpass convert: '"$T"'/p2.cckd: 100% (verifying)' "$T/tty" && echo yes)"
    check "convert: summary after it" yes \
        "$(grep -q "$T/p2.cckd: CCKD64, 20 cylinders, 300 tracks" "$T/tty" && echo yes)"
else
    check "script(1) for a terminal" present missing
fi
out=$("$CCWPASS" dasdinit -c 20 "$T/q.cckd" 3390-3 2>&1 | tr '\r' '#')
check "dasdinit: no progress into a pipe" no "$(grep -q '#' <<< "$out" && echo yes || echo no)"
check "dasdinit: summary into a pipe" yes "$(grep -q "20 cylinders x 15 tracks" <<< "$out" && echo yes)"
check "dasdinit -q: silent" "" "$("$CCWPASS" dasdinit -q -c 20 "$T/r.cckd" 3390-3 2>&1)"
out=$("$CCWPASS" convert "$T/q.cckd" "$T/q2.cckd" 2>&1 | tr '\r' '#')
check "convert: no progress into a pipe" no "$(grep -q '#' <<< "$out" && echo yes || echo no)"
out=$("$CCWPASS" dasdinit -c 20 "$T/r.cckd" 3390-3 2>&1)
check "dasdinit: an existing file is refused" 1 "$?"
check "dasdinit: and named" yes "$(grep -q "$T/r.cckd" <<< "$out" && echo yes)"

for bad in abc 10x -5 0 99999999999; do
    out=$("$CCWPASSD" -f -c "$T/none.conf" -r "$T/rt" --release-timeout "$bad" 2>&1)
    check "ccwpassd --release-timeout $bad refused" 2 "$?"
    check "ccwpassd --release-timeout $bad named" yes \
        "$(grep -q -- "--release-timeout '$bad'" <<< "$out" && echo yes)"
done

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
