#!/bin/bash
# ccwpass fault campaign (scripts/fault-campaign): one round, in the guest.
#
# /fc/params (shell): ROUND GSEED DEVNO BLOCKS HOT_FIRST HOT_COUNT
# /fc/sample: "BLOCK VERSION" lines the host found on the volume after the
#             previous round; read back first (SAMPLE ...)
# /fc/block.awk: scripts/lib/fault-block.awk
#
# Brings the DASD online, then writes until the host puts STOP in the
# mailbox (a virtio-blk disk with serial fcmbox): each write is 1-4
# blocks (fault-block.awk) at a pseudo-random place - four in five in the
# hot region - as one O_DIRECT write of the partition. Console lines:
#   T VERSION BLOCK COUNT t=UPTIME     before the write
#   A VERSION BLOCK COUNT t=UPTIME     it returned success (acknowledged)
#   E VERSION BLOCK COUNT rc=N t=...   it failed
# About every third acknowledged write is read back (O_DIRECT) and must
# hold exactly that version. After STOP, every block acknowledged in this
# round is read back: its version must lie between the last acknowledged
# and the last attempted one (FINAL ...). "BAD" lines are failures; the
# exit status is 0 only when there was none.
. /fc/params
AWK=(gawk -b -f /fc/block.awk)
BANG=/tmp/bang

now() { local u; read -r u _ </proc/uptime; echo "$u"; }
fatal() { echo "FATAL $* t=$(now)"; exit 2; }
# until COND holds or SECS pass (guest uptime)
wait_secs() {
    local secs=$1 u end
    shift
    read -r u _ </proc/uptime
    end=$(( ${u%.*} + secs ))
    until "$@"; do
        read -r u _ </proc/uptime
        (( ${u%.*} < end )) || return 1
        sleep 0.1
    done
}

chccwdev -e "$DEVNO" || fatal "chccwdev -e $DEVNO failed"
have_part() {
    local d
    for d in /sys/bus/ccw/devices/"$DEVNO"/block/*; do
        [ -b "/dev/${d##*/}1" ] && { DEV=/dev/${d##*/}1; return 0; }
    done
    return 1
}
wait_secs 120 have_part || fatal "no partition on $DEVNO"
n=$(( $(blockdev --getsize64 "$DEV") / 4096 ))
[ "$n" = "$BLOCKS" ] || fatal "$DEV has $n blocks, the host says $BLOCKS"
MB=
for d in /sys/block/vd*; do
    [ "$(cat "$d/serial" 2>/dev/null)" = fcmbox ] && MB=/dev/${d##*/}
done
[ -n "$MB" ] || fatal "no mailbox disk (virtio-blk serial fcmbox)"
head -c 4096 /dev/zero | tr '\0' '!' >"$BANG"
echo "READY dev=$DEV blocks=$n mailbox=$MB t=$(now)"

# read_blocks LIST DATA: each block of LIST's first column, O_DIRECT;
# a block that cannot be read becomes 4096 '!' (no header: BAD).
read_blocks() {
    local b rest
    : >"$2"
    while read -r b rest; do
        dd if="$DEV" bs=4096 skip="$b" count=1 iflag=direct 2>/dev/null >>"$2" \
            || cat "$BANG" >>"$2"
    done <"$1"
}

bad=0
if [ -s /fc/sample ]; then
    awk '{ print $1, $2, $2 }' /fc/sample >/tmp/sl
    read_blocks /tmp/sl /tmp/sd
    "${AWK[@]}" -v mode=check -v list=/tmp/sl -v data=/tmp/sd -v tag=SAMPLE || bad=1
fi

RANDOM=$GSEED
declare -a ack att
seq=0 nack=0 nerr=0 rbytes=0
echo "STREAM start t=$(now)"
while :; do
    w=$(dd if="$MB" bs=512 count=1 iflag=direct 2>/dev/null | tr -d '\0')
    [ "${w:0:4}" = STOP ] && break
    r=$(( RANDOM % 8 ))
    c=$(( r < 4 ? 1 : r < 6 ? 2 : r - 3 ))          # 1 1 1 1 2 2 3 4
    if (( RANDOM % 5 )); then
        b=$(( HOT_FIRST + (RANDOM * 32768 + RANDOM) % (HOT_COUNT - c + 1) ))
    else
        b=$(( (RANDOM * 32768 + RANDOM) % (BLOCKS - c + 1) ))
    fi
    seq=$((seq + 1))
    v=$((ROUND * 1000000 + seq))
    "${AWK[@]}" -v mode=gen -v b="$b" -v v="$v" -v n="$c" >/tmp/w
    echo "T $v $b $c t=$(now)"
    if dd if=/tmp/w of="$DEV" bs=$((c * 4096)) count=1 seek=$((b * 4096)) \
            oflag=direct,seek_bytes conv=notrunc 2>/tmp/dderr; then
        echo "A $v $b $c t=$(now)"
        nack=$((nack + 1))
        for ((i = 0; i < c; i++)); do ack[b + i]=$v; done
        if (( RANDOM % 3 == 0 )); then
            : >/tmp/rl
            for ((i = 0; i < c; i++)); do echo "$((b + i)) $v $v" >>/tmp/rl; done
            dd if="$DEV" of=/tmp/rd bs=$((c * 4096)) count=1 skip=$((b * 4096)) \
                iflag=direct,skip_bytes 2>/dev/null || cp "$BANG" /tmp/rd
            if out=$("${AWK[@]}" -v mode=check -v list=/tmp/rl -v data=/tmp/rd -v tag=R); then
                rbytes=$((rbytes + c * 4096))
            else
                echo "$out"
                bad=1
            fi
        fi
    else
        rc=$?
        nerr=$((nerr + 1))
        echo "E $v $b $c rc=$rc t=$(now) $(tr '\n' ' ' </tmp/dderr | head -c 160)"
    fi
    for ((i = 0; i < c; i++)); do att[b + i]=$v; done
done
echo "STREAM stop writes=$seq acked=$nack failed=$nerr t=$(now)"

: >/tmp/fl
for b in "${!ack[@]}"; do echo "$b ${ack[b]} ${att[b]}" >>/tmp/fl; done
read_blocks /tmp/fl /tmp/fd
"${AWK[@]}" -v mode=check -v list=/tmp/fl -v data=/tmp/fd -v tag=FINAL || bad=1
echo "READBACK bytes=$rbytes"
# What the kernel said about the DASD and its paths, for the record.
dmesg -t | grep -aiE 'dasd|0\.0\.1234|chp|path|I/O error' | tail -n 40 | sed 's/^/K /'
exit "$bad"
