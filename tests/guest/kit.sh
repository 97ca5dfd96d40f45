#!/usr/bin/env bash
# The guest kit's cache and reproducibility (docs/guest-kit.md "Packing").
# The shared kit (${CCWPASS_CACHE:-/var/cache/ccwpass}) is brought up to
# date; then a second cache in a temporary directory, given the same .deb
# files (hard links) and apt state, builds the kit from scratch: same key,
# byte-identical initrd.cpio.gz and vmlinuz. Run again, that cache only
# reports "cached (...)" and leaves the kit untouched (same initrd hash and
# inode). Nothing is downloaded (the .debs are the shared cache's); the
# shared kit is never rebuilt or changed. Prints ok/FAIL per check; skips
# (77) without root or before the shared kit's .debs exist.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${CCWPASS_CACHE:-/var/cache/ccwpass}
unset SOURCE_DATE_EPOCH CCWPASS_GUEST_EXTRA_PKGS CCWPASS_GUEST_KERNEL_PKG

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (scripts/guest-kit builds as root)"

CCWPASS_CACHE=$SHARED "$ROOT/scripts/guest-kit" --quiet || { bad "the shared guest kit builds"; exit 1; }
[ -d "$SHARED/debs" ] && [ -f "$SHARED/guest/stamp" ] || skip "no shared kit in $SHARED"
KEY=$(cat "$SHARED/guest/stamp")
SUM=$(sha256sum <"$SHARED/guest/initrd.cpio.gz" | cut -d' ' -f1)
KSUM=$(sha256sum <"$SHARED/guest/vmlinuz" | cut -d' ' -f1)

W=$(mktemp -d /tmp/ccwpass-kit-test.XXXXXX)
trap 'rm -rf -- "$W"' EXIT
C=$W/cache
mkdir -p "$C/debs" "$C/apt"
cp -al "$SHARED/debs/." "$C/debs/" 2>/dev/null || cp -a "$SHARED/debs/." "$C/debs/"
cp -a "$SHARED/apt/." "$C/apt/" 2>/dev/null

# 1. From nothing (no kit in this cache), from the same packages.
CCWPASS_CACHE=$C "$ROOT/scripts/guest-kit" >"$W/build1.out" 2>"$W/build1.err"
check "a fresh cache builds the kit (exit $?)" test -f "$C/guest/initrd.cpio.gz"
check "it says it built it" grep -q '^guest kit: built in ' "$W/build1.err"
check "same key as the shared kit ($KEY)" test "$(cat "$C/guest/stamp" 2>/dev/null)" = "$KEY"
S1=$(sha256sum <"$C/guest/initrd.cpio.gz" | cut -d' ' -f1)
check "initrd.cpio.gz is byte-identical to the shared kit's ($SUM)" test "$S1" = "$SUM"
check "vmlinuz is byte-identical to the shared kit's" \
    test "$(sha256sum <"$C/guest/vmlinuz" | cut -d' ' -f1)" = "$KSUM"
I1=$(stat -L -c %i "$C/guest/initrd.cpio.gz")

# 2. Again: cached, nothing rebuilt.
CCWPASS_CACHE=$C "$ROOT/scripts/guest-kit" >"$W/build2.out" 2>"$W/build2.err"
check "the second run exits 0 (exit $?)" test $? -eq 0
check "the second run reports 'guest kit: cached (... key $KEY)'" \
    grep -q "^guest kit: cached (.*key $KEY)\$" "$W/build2.err"
check "the second run builds nothing" sh -c "! grep -q 'building\\|packing' '$W/build2.err'"
check "initrd hash unchanged" \
    test "$(sha256sum <"$C/guest/initrd.cpio.gz" | cut -d' ' -f1)" = "$S1"
check "initrd file untouched (same inode)" \
    test "$(stat -L -c %i "$C/guest/initrd.cpio.gz")" = "$I1"
check "--print-dir names this kit's own directory (not the shared link)" \
    test "$(CCWPASS_CACHE=$C "$ROOT/scripts/guest-kit" --quiet --print-dir)" = "$(readlink -f "$C/guest")"

if ((FAILS)); then
    cat "$W"/build*.err
    echo "$FAILS check(s) failed"; exit 1
fi
echo "all checks passed"
