#!/usr/bin/env bash
# scripts/lib/fault-verify.py, the fault campaign's host check, on small
# made-up partitions: what it must accept (writes in flight landed or not,
# console lines lost) and what it must reject (a lost acknowledged write,
# a misplaced, torn or foreign block, a volume going back in time, a
# version no write to that block had). And fault-block.awk (the guest's
# side), when gawk is there: the same bytes, the same verdicts.
# Usage: test_fault_verify.sh SCRIPTS_LIB_DIR
set -uo pipefail
LIB=$1
V=$LIB/fault-verify.py
T=$(mktemp -d)
trap 'rm -rf -- "$T"' EXIT
N=16
FAILS=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; FAILS=$((FAILS + 1)); }

gen() { python3 "$V" gen "$@"; }
zero() { head -c $(( $1 * 4096 )) /dev/zero; }
# disk SPEC...: a partition of N blocks; SPEC is B:VERSION (a block of
# its own), B:VERSION@OTHER (block OTHER's content at B) or B:raw:FILE
disk() {
    local out=$T/disk spec b rest
    zero "$N" >"$out"
    for spec in "$@"; do
        b=${spec%%:*} rest=${spec#*:}
        case $rest in
        raw:*) cp "${rest#raw:}" "$T/blk" ;;
        *@*) gen "${rest#*@}" "${rest%@*}" >"$T/blk" ;;
        *) gen "$b" "$rest" >"$T/blk" ;;
        esac
        dd if="$T/blk" of="$out" bs=4096 seek="$b" conv=notrunc status=none
    done
}
# verify ROUND CONSOLE-LINES...: run the check on $T/disk with that console
verify() {
    local r=$1
    shift
    printf '%s\r\n' "$@" >"$T/console"
    python3 "$V" round --state "$T/state" --round "$r" --blocks "$N" \
        --raw "$T/disk" --console "$T/console" >"$T/out" 2>&1
}
expect_ok() {   # DESC ROUND LINES...
    local d=$1
    shift
    if verify "$@"; then ok "$d"; else bad "$d"; cat "$T/out"; fi
}
expect_fail() {   # DESC PATTERN ROUND LINES...
    local d=$1 pat=$2
    shift 2
    if verify "$@"; then
        bad "$d (passed)"; cat "$T/out"
    elif grep -q -- "$pat" "$T/out"; then
        ok "$d"
    else
        bad "$d (wrong message)"; cat "$T/out"
    fi
}

# gen: 4096 bytes, the header, deterministic
gen 3 1000007 >"$T/a"
gen 3 1000007 >"$T/b"
if [ "$(stat -c %s "$T/a")" = 4096 ] && cmp -s "$T/a" "$T/b" \
    && head -c 63 "$T/a" | grep -q '^CCWPF b=3 v=1000007 r=1 c=[0-9a-f]\{8\} *$'; then
    ok "gen makes one 4096-byte block with its header"
else
    bad "gen"
fi

# round 1: written, acknowledged, in flight
rm -f "$T/state"
disk 2:1000001 3:1000001 4:1000002 9:1000003
expect_ok "acknowledged writes present, a write in flight landed (9)" 1 \
    "T 1000001 2 2 t=1" "A 1000001 2 2 t=1" "T 1000002 4 1" "A 1000002 4 1" \
    "T 1000003 9 1" "noise line" "T 1000004 12 1"
grep -q '^verified: 4 blocks with data (16384 bytes), 12 never written; round 1: 4 writes attempted, 2 acknowledged' "$T/out" \
    && ok "the summary line counts blocks and lines" || { bad "summary line"; cat "$T/out"; }

# round 2 on that state
cp "$T/state" "$T/state1"
disk 2:2000001 3:1000001 4:1000002 9:1000003
expect_ok "round 2: one more write, the one in flight (12) never landed" 2 \
    "T 2000001 2 1" "A 2000001 2 1"

cp "$T/state1" "$T/state"
disk 2:1000001 3:1000001 4:1000002 9:1000003
expect_fail "an acknowledged write missing" "b=2: version 1000001, but 2000001 was acknowledged" 2 \
    "T 2000001 2 1" "A 2000001 2 1"

cp "$T/state1" "$T/state"
disk 2:1000001 3:1000001 9:1000003
expect_fail "an acknowledged block back to zeros" "b=4: all zeros, but version 1000002 was acknowledged" 2

cp "$T/state1" "$T/state"
disk 2:1000001 3:1000001 4:1000002 9:1000003 12:1000004 5:2000001@6
expect_fail "a misplaced write" "b=5: holds block 6 version 2000001 (a misplaced write)" 2 \
    "T 2000001 6 1"

cp "$T/state1" "$T/state"
{ gen 4 2000001 | head -c 2048; gen 4 1000002 | tail -c 2048; } >"$T/torn"
disk 2:1000001 3:1000001 4:raw:"$T/torn" 9:1000003
expect_fail "a torn block" "b=4: version 2000001: the content differs" 2 "T 2000001 4 1"

cp "$T/state1" "$T/state"
head -c 4096 /dev/urandom >"$T/junk"
disk 2:1000001 3:1000001 4:1000002 9:1000003 7:raw:"$T/junk"
expect_fail "a block the campaign never wrote" "b=7: not a campaign block" 2

cp "$T/state1" "$T/state"
disk 2:1000001 3:1000001 4:1000002 9:1000003 12:1000004
expect_ok "the write in flight of round 1 (12) lands later" 2
cp "$T/state" "$T/state2"
disk 2:1000001 3:1000001 4:1000002 9:1000003
expect_fail "a block that was there goes back to zeros" "b=12: all zeros, version 1000004 was there before" 3
cp "$T/state2" "$T/state"
disk 2:3000001 3:1000001 4:1000002 9:1000003 12:1000004 13:3000002
expect_ok "a version whose T line is lost (3000002) passes" 3 "T 3000001 2 1" "A 3000001 2 1"
cp "$T/state2" "$T/state"
disk 2:1000001 3:1000001 4:1000002 9:1000003 12:1000004 13:3000001
expect_fail "a version whose T line names other blocks" "b=13: version 3000001 was never written to this block" 3 \
    "T 3000001 2 1"
cp "$T/state2" "$T/state"
disk 2:1000001 3:1000001 4:1000002 9:1000003 12:1000004 13:4000001
expect_fail "a version from a later round" "b=13: version 4000001 is from a later round" 3

# the guest's side: fault-block.awk
if command -v gawk >/dev/null; then
    A=(gawk -b -f "$LIB/fault-block.awk")
    if cmp -s <(gen 17 5000003 3) <("${A[@]}" -v mode=gen -v b=17 -v v=5000003 -v n=3); then
        ok "fault-block.awk makes the same blocks as fault-verify.py"
    else
        bad "fault-block.awk and fault-verify.py differ"
    fi
    { gen 1 2000001; zero 1; cat "$T/torn"; gen 6 1000001; gen 8 3000001; } >"$T/data"
    printf '1 2000001 2000001\n2 0 5\n4 1 9000000\n5 0 9000000\n8 3000002 3000009\n' >"$T/list"
    "${A[@]}" -v mode=check -v list="$T/list" -v data="$T/data" -v tag=X >"$T/out"
    rc=$?
    if [ "$rc" = 1 ] && grep -q '^X ok=2 bad=3 bytes=8192$' "$T/out" \
        && grep -q '^X BAD b=4: v=2000001: content differs' "$T/out" \
        && grep -q '^X BAD b=5: holds block 6' "$T/out" \
        && grep -q '^X BAD b=8: version 3000001, expected 3000002..3000009 (an acknowledged write is lost)' "$T/out"; then
        ok "fault-block.awk check: zeros and a good block pass; torn, misplaced, lost fail"
    else
        bad "fault-block.awk check (rc $rc)"; cat "$T/out"
    fi
else
    echo "(gawk not installed: fault-block.awk not checked)"
fi

if ((FAILS)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
