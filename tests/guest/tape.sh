#!/usr/bin/env bash
# A 3490 tape in a real guest (issue 11): ccwpassd makes an empty tape
# (two tape marks, as `hetinit -n`), passes the drive through with
# vfio-ccw; the guest's lscss shows 3490/10 3490/10, chccwdev -e brings it
# online (tape_34xx), lstape lists it, `mt status` reads it; GNU tar
# writes two archives with a tape mark between them on /dev/ntibm0, `mt
# rewind` / `mt fsf` / `mt bsf` / `mt tell` move over them, and both read
# back with equal checksums. Hercules' hetmap reads the tape on the host.
# A second drive's tape has a capacity of 1 MiB: dd to it ends with "No
# space left on device" at the end-of-tape warning, and what was written
# before reads back.
# ccwpassd is then killed (SIGKILL) and started again; a second boot
# reads the second archive again. A third boot unloads the tape (`mt
# offline`); the host's `ccwpass tape load` puts a copy in (HET, made by
# Hercules' hetupd -z), write-protected, and tape_34xx says "A tape cartridge has been mounted"
# (the drive's attention), reads archive a from it and cannot write;
# `ccwpass tape unload` takes it out and the guest's next command finds
# no medium. Hercules' tapecopy, in the guest, copies the AWSTAPE file of
# boot 1 onto the second drive: the host's file of that tape is the same
# bytes.
# Skips (77) without root, /dev/fuse, QEMU or the built binaries.
# Env: CCWPASS_BUILD, GUEST_TIMEOUT (default 300 s), CCWPASS_E2E_KEEP=DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
U1=5e1e0000-0000-4000-8000-0000000a0330
U2=5e1e0000-0000-4000-8000-0000000a0331

# shellcheck source=tests/guest/lib.sh
. "$HERE/lib.sh"
host_env 300
host_workdir tape
need_kit

cat >"$W/inventory.conf" <<'INV'
[subchannel 0.0.0330]
devno  = 0.0.0580
chpids = 5a
device = 3490
image  = 0580.aws
create = blank

[subchannel 0.0.0331]
devno    = 0.0.0581
chpids   = 5a
device   = 3490
image    = 0581.aws
create   = blank
capacity = 1M
INV

boot() {   # boot NAME SCRIPT: both drives passed through
    boot_passed "$1" "$2" "0.0.0330:$U1:0580" "0.0.0331:$U2:0581"
}

start_daemon --trace "$W/trace.txt"
check "host lscss: 3490/10 3490/10 on CHPID 5a" \
    has <("$CLI" lscss -r "$RT") '^0\.0\.0580 0\.0\.0330  3490/10 3490/10 +80  80  ff   5a000000'
check "ccwpassd made an empty tape: two tape marks, 0600" \
    test "$(od -An -tx1 "$W/0580.aws" | tr -d ' \n') $(stat -c %a "$W/0580.aws")" = "000000004000000000004000 600"

{ cat <<'EOF'
#!/bin/bash
T=/dev/ntibm0
lscss -d 0.0.0580 | tail -n1
chccwdev -e 0.0.0580 && echo online
for _ in $(seq 50); do [ -c $T ] && break; sleep 0.2; done
lstape | grep 0.0.0580
mt -f $T status >/tmp/st 2>&1; echo "status rc $?"; cat /tmp/st
EOF
guest_archive_dirs 37
cat <<'EOF'
mt -f $T rewind
tar cf $T -C /tmp/a . && echo "tar a written"
tar cf $T -C /tmp/b . && echo "tar b written"
mt -f $T weof 1
mt -f $T rewind && echo rewound
mt -f $T tell
EOF
guest_read_archives
cat <<'EOF'
mt -f $T bsf 1 && tar tf $T | sort | tr '\n' ' ' && echo
mt -f $T rewind
# a 1 MiB tape (capacity): written until the end-of-tape warning
chccwdev -e 0.0.0581 >/dev/null
for _ in $(seq 50); do [ -c /dev/ntibm1 ] && break; sleep 0.2; done
dd if=/dev/zero of=/dev/ntibm1 bs=60k count=100 2>/tmp/eot.err; echo "eot dd rc $?"
grep -o 'No space left on device' /tmp/eot.err | head -n1
grep -E 'records out' /tmp/eot.err
mt -f /dev/ntibm1 rewind
echo "eot records $(dd if=/dev/ntibm1 bs=60k 2>/dev/null | wc -c)"
dmesg -t | grep -iE 'tape' | head -n 5
EOF
} >"$W/g1.sh"
boot one "$W/g1.sh"; RC=$?
O=$W/one.out
check "boot 1 ran its script (rc $RC)" test "$RC" -eq 0
check "guest lscss -d 0.0.0580: 3490/10 3490/10" \
    has "$O" '^0\.0\.0580 0\.0\.[0-9a-f]{4}  3490/10 3490/10 '
check "chccwdev -e 0.0.0580: online" has_line "$O" online
check "lstape: 0.0.0580 3490/10 3490/10, LOADED" \
    has "$O" '^0 +0\.0\.0580 +3490/10 +3490/10 +auto +UNUSED +--- +LOADED'
check "mt status reads the drive" has_line "$O" "status rc 0"
check "tar wrote both archives" test "$(grep -c '^tar [ab] written$' "$O")" -eq 2
check "mt rewind, tell: block 0" has "$O" '^At block 0\.'
check "tar read both back" test "$(grep -c '^tar [ab] read$' "$O")" -eq 2
SA=$(sed -n 's/^sum a //p' "$O") SB=$(sed -n 's/^sum b //p' "$O")
check "archive a reads back with its checksum" has_line "$O" "read a ${SA:-none}"
check "archive b (after mt fsf 1) reads back with its checksum" has_line "$O" "read b ${SB:-none}"
check "mt bsf 1 (inside archive b) finds its start again" has_line "$O" "./ ./f1 ./f2 ./f3 "
# The guest's channel programs, as ccwpassd traced them: tape_34xx's
# set-online (Assign + NOP, the 32-byte medium sense), Mode Set + Write
# for tar, a tape mark read (CE DE UX).
seq_has() { grep -Eq -- "$1" "$W/trace.txt"; }
check "trace: Assign (b7, 11 bytes) chained to a NOP" \
    sh -c "grep -A1 -E 'cmd=b7.* count=11 ' '$W/trace.txt' | grep -q 'cmd=03'"
check "trace: the medium sense (04, 32 bytes)" seq_has 'cmd=04.* count=32 '
check "trace: Mode Set (db) and Write (01, 10240-byte records)" \
    sh -c "grep -q 'cmd=db' '$W/trace.txt' && grep -Eq 'cmd=01.* count=10240 ' '$W/trace.txt'"
check "trace: a tape mark read ends with unit exception (dstat 0d)" seq_has 'irb .*dstat=0d '
check "the 1 MiB tape: dd ends with No space left on device (end-of-tape warning)" \
    has_line "$O" "No space left on device"
# 61,446-byte chunks: the 15th ends past 1 MiB - 128 KiB (the warning);
# Linux backs over it and writes its end-of-volume tape mark there.
check "... after 14 records (the 15th met the warning)" has_line "$O" "14+0 records out"
check "... the 14 records read back, up to Linux's end-of-volume tape mark" \
    has_line "$O" "eot records $((14 * 61440))"
if command -v hetmap >/dev/null; then
    hetmap "$W/0580.aws" >"$W/hetmap.out" 2>&1
    check "Hercules' hetmap reads the tape: 2 files, then the end" \
        has "$W/hetmap.out" '^Files +: 3$'
fi

kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
start_daemon
cat >"$W/g2.sh" <<'EOF'
#!/bin/bash
T=/dev/ntibm0
chccwdev -e 0.0.0580 >/dev/null
for _ in $(seq 50); do [ -c $T ] && break; sleep 0.2; done
mt -f $T rewind && mt -f $T fsf 1 && mkdir /tmp/xb && tar xf $T -C /tmp/xb &&
    echo "read b $(cat /tmp/xb/f* | sha256sum | cut -d' ' -f1)"
EOF
boot two "$W/g2.sh"; RC=$?
check "boot 2 (after SIGKILL of ccwpassd) ran its script (rc $RC)" test "$RC" -eq 0
check "archive b reads back again" has_line "$W/two.out" "read b ${SB:-none}"

# An operator's load and unload while the guest runs: a HET copy made by
# Hercules (hetupd -z compresses every record) where it is installed.
if command -v hetupd >/dev/null; then
    hetupd -z "$W/0580.aws" "$W/copy.het" >/dev/null 2>&1
    check "hetupd -z made a compressed copy (smaller: tar's padding)" \
        test -s "$W/copy.het" -a "$(stat -c %s "$W/copy.het")" -lt "$(stat -c %s "$W/0580.aws")"
    COPY=$W/copy.het
else
    cp "$W/0580.aws" "$W/copy.aws"
    COPY=$W/copy.aws
fi
cp "$COPY" "$W/copy.orig"
cp "$W/0580.aws" "$W/in.aws"
cat >"$W/g3.sh" <<'EOF'
#!/bin/bash
T=/dev/ntibm0
chccwdev -e 0.0.0580,0.0.0581 >/dev/null
for _ in $(seq 50); do [ -c $T ] && [ -c /dev/ntibm1 ] && break; sleep 0.2; done
# Hercules' tapecopy (s390x, in the guest) takes the AWSTAPE file
# ccwpassd wrote in boot 1 (shipped in) and copies it onto the other
# drive's tape, record by record and tape mark by tape mark.
mt -f /dev/ntibm1 rewind
timeout 120 tapecopy /in.aws /dev/ntibm1 >/tmp/tc.log 2>&1; echo "tapecopy to the drive rc $?"
grep -E 'HHCTC0(09|18|00)I' /tmp/tc.log
mt -f $T offline && echo "unloaded by the guest"
lstape | grep -q '^0 .*0\.0\.0580 .* UNLOADED *$' && echo "lstape: UNLOADED"
echo "ready for load"
i=0
while ! dmesg | grep -q '0.0.0580: A tape cartridge has been mounted' && [ $i -lt 1200 ]; do
    sleep 0.1; i=$((i + 1))
done
dmesg -t | grep -o '0.0.0580: A tape cartridge has been mounted' | head -n1
i=0   # the state follows the message
until lstape | grep -q '^0 .*0\.0\.0580 .* LOADED *$' || [ $i -ge 100 ]; do
    sleep 0.1; i=$((i + 1))
done
lstape | grep -q '^0 .*0\.0\.0580 .* LOADED *$' && echo "lstape: LOADED" || lstape
mkdir /tmp/xa && tar xf $T -C /tmp/xa &&
    echo "read a $(cat /tmp/xa/f* | sha256sum | cut -d' ' -f1)"
mt -f $T weof 1 2>/tmp/wp.err; echo "weof rc $?"
cat /tmp/wp.err
echo "ready for unload"
i=0
while mt -f $T rewind 2>/tmp/nm.err && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
cat /tmp/nm.err
EOF
QEMU_WRAPPER="$CLI run -q -r $RT -e $ETC --" \
    "$ROOT/scripts/guest-run" -v --timeout "$TIMEOUT" --log "$W/three.log" \
    --file "$W/in.aws:/in.aws" --script "$W/g3.sh" -- \
    -device "vfio-ccw,devno=fe.0.0580,sysfsdev=/sys/bus/mdev/devices/$U1" \
    -device "vfio-ccw,devno=fe.0.0581,sysfsdev=/sys/bus/mdev/devices/$U2" \
    >"$W/three.out" 2>"$W/three.err" &
GPID=$!
host_cleanup_hook() { kill "$GPID" 2>/dev/null; }
if wait_for -t "$TIMEOUT" grep -q "^ready for load" "$W/three.err"; then
    check "ccwpass tape: the drive is empty after the guest's mt offline" \
        has_line <("$CLI" tape -r "$RT" 0.0.0580) "0.0.0580 0.0.0330 3490 (no tape)"
    out=$("$CLI" tape -r "$RT" -w load 0.0.0580 "$COPY" 2>&1)
    check "ccwpass tape -w load 0.0.0580 ($out)" \
        test "$out" = "0.0.0580: loaded $COPY (write-protected)"
    out=$("$CLI" tape -r "$RT" load 0.0.0580 "$W/0580.aws" 2>&1)
    check "a second load is refused ($out)" \
        test "$out" = "ccwpass tape: drive 0.0.0580 holds tape $COPY: unload it first"
else
    bad "the guest unloaded the tape"
fi
if wait_for -t "$TIMEOUT" grep -q "^ready for unload" "$W/three.err"; then
    out=$("$CLI" tape -r "$RT" unload 0.0.0580 2>&1)
    check "ccwpass tape unload 0.0.0580 ($out)" \
        test "$out" = "0.0.0580: unloaded $COPY"
fi
wait "$GPID"; RC=$?
GPID=
O=$W/three.out
check "boot 3 ran its script (rc $RC)" test "$RC" -eq 0
check "Hercules' tapecopy reads ccwpassd's AWSTAPE file onto drive 0581 (rc 0)" \
    has_line "$O" "tapecopy to the drive rc 0"
check "... to its end (HHCTC018I End of AWSTAPE input file)" \
    has "$O" '^HHCTC018I End of AWSTAPE input file'
check "... and the drive's tape file ccwpassd wrote is the same bytes" \
    cmp -s "$W/in.aws" "$W/0581.aws"
check "the guest's mt offline unloaded the tape: lstape UNLOADED" \
    has_line "$O" "lstape: UNLOADED"
check "the host's load: tape_34xx: 0.0.0580: A tape cartridge has been mounted" \
    has_line "$O" "0.0.0580: A tape cartridge has been mounted"
check "lstape: LOADED again" has_line "$O" "lstape: LOADED"
check "archive a reads from the loaded copy" has_line "$O" "read a ${SA:-none}"
check "the write-protected tape takes no tape mark" has "$O" '^weof rc [1-9]'
check "after the host's unload the guest finds no medium" \
    has "$O" 'No medium found'
check "the copy is unchanged" cmp -s "$COPY" "$W/copy.orig"

if ((FAILS)); then
    for f in one two three; do echo "---- $f ----"; cat "$W/$f.out"; tail -n 5 "$W/$f.err"; done
    cat "$W/hetmap.out" 2>/dev/null | tail -n 12
fi
((FAILS == 0)) && echo "all checks passed"
exit $((FAILS > 0))
