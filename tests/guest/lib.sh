# shellcheck shell=bash
# Shared by the guest tests (tests/guest/*.sh, tests/preload/guest-*.sh):
# the meson skip code and ok/FAIL checks counted in FAILS. Sourced after
# HERE and ROOT are set.

skip() { echo "SKIP: $*"; exit 77; }

# wait_for [-t SECS] CMD...: until it succeeds, with a deadline.
# shellcheck source=scripts/lib/wait.sh
. "$ROOT/scripts/lib/wait.sh"

# The daemon, the CLI, root, FUSE and QEMU, or skip (77).
need_host() {   # need_host DAEMON CLI
    [ -x "$1" ] && [ -x "$2" ] || skip "ccwpassd / ccwpass not built in ${BUILD:-build}"
    [ "$(id -u)" = 0 ] || skip "needs root (mount namespace, FUSE)"
    [ -c /dev/fuse ] || skip "needs /dev/fuse"
    command -v qemu-system-s390x >/dev/null || skip "needs qemu-system-s390x"
}

FAILS=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; FAILS=$((FAILS + 1)); }
check() {   # check DESC COMMAND...
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else bad "$desc"; fi
}
has() { grep -Eq -- "$2" "$1"; }          # has FILE ERE
has_line() { grep -Fxq -- "$2" "$1"; }    # has_line FILE EXACT-LINE

# The seed's guest session (seeds/003) in FILE, line for line: lscss -d,
# chccwdev -e, the dasd-eckd messages and the partition line. One check
# per line.
check_seed_lines() {   # check_seed_lines FILE
    local f=$1 l
    check "lscss -d 0.0.1234: 3390/0e 3990/e9, f0 f0 ff, 1a2a3a0a 00000000" \
        has "$f" '^0\.0\.1234 0\.0\.[0-9a-f]{4}  3390/0e 3990/e9 +f0  f0  ff   1a2a3a0a 00000000 *$'
    check "chccwdev: Setting device 0.0.1234 online" has_line "$f" "Setting device 0.0.1234 online"
    check "chccwdev: Done" has_line "$f" "Done"
    for l in "dasd-eckd 0.0.1234: A channel path to the device has become operational" \
             "dasd-eckd 0.0.1234: New DASD 3390/0E (CU 3990/01) with 10017 cylinders, 15 heads, 224 sectors" \
             "dasd-eckd 0.0.1234: DASD with 4 KB/block, 7212240 KB total size, 48 KB/track, compatible disk layout"; do
        check "dmesg: $l" has_line "$f" "$l"
    done
    check "dmesg: dasda:VOL1/  0X2B09: dasda1" grep -Fq "dasda:VOL1/  0X2B09: dasda1" "$f"
}

# ---- A private host for one test: ccwpassd, its view and its mdevs ----

# host_env [DEFAULT-TIMEOUT]: BUILD, DAEMON, CLI and TIMEOUT (GUEST_TIMEOUT,
# else DEFAULT-TIMEOUT, else 300 s); skips (77) what need_host skips.
host_env() {
    BUILD=${CCWPASS_BUILD:-$ROOT/build}
    DAEMON=$BUILD/src/daemon/ccwpassd
    CLI=$BUILD/src/cli/ccwpass
    # shellcheck disable=SC2034  # the tests' guest-run --timeout
    TIMEOUT=${GUEST_TIMEOUT:-${1:-300}}
    need_host "$DAEMON" "$CLI"
}

# host_workdir NAME: W, a new directory under $TMPDIR (default /tmp), with
# RT=$W/rt (runtime directory) and ETC=$W/etc (driverctl/mdevctl state).
# At exit: a guest_bg guest killed, host_cleanup_hook (if the test
# defines one), ccwpassd stopped, on failure the daemon log's tail, with CCWPASS_E2E_KEEP=DIR the logs,
# traces and outputs copied there; then W is removed.
host_workdir() {
    W=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-$1.XXXXXX") || exit 1
    RT=$W/rt ETC=$W/etc DPID='' GPID=''
    mkdir -p "$RT" "$ETC"
    trap host_cleanup EXIT
}

stop_daemon() {
    if [ -n "${DPID:-}" ] && kill -0 "$DPID" 2>/dev/null; then
        kill -TERM "$DPID"; wait "$DPID" 2>/dev/null
    fi
    DPID=
    if grep -q " $RT/sys " /proc/mounts; then umount -l "$RT/sys"; fi
}

host_cleanup() {
    if [ -n "${GPID:-}" ]; then kill "$GPID" 2>/dev/null; fi
    if declare -F host_cleanup_hook >/dev/null; then host_cleanup_hook; fi
    stop_daemon
    if ((FAILS)) && [ -f "$W/daemon.log" ]; then
        echo "---- daemon log ----"; tail -n 30 "$W/daemon.log"
    fi
    if [ -n "${CCWPASS_E2E_KEEP:-}" ]; then
        mkdir -p "$CCWPASS_E2E_KEEP" && cp -- "$W"/*.txt "$W"/*.log "$W"/*.out \
            "$W"/*.err "$W"/*.ccws "$CCWPASS_E2E_KEEP"/ 2>/dev/null
    fi
    rm -rf -- "$W"
}

# The guest kit (scripts/guest-kit, cached), or a failure and exit.
need_kit() { "$ROOT/scripts/guest-kit" --quiet || { bad "guest kit builds"; exit 1; }; }

daemon_up() { "$CLI" status -r "$RT" || pid_gone "$DPID"; }

# small_volume [CHPIDS]: $W/inventory.conf with one small volume - a
# 3390-1 of 30 cylinders (vol.cckd, made at the first start, Linux CDL,
# volser 0X2B09) on subchannel 0.0.0313, device 0.0.2b09, CHPIDS (default
# "1a 2a").
small_volume() {
    cat >"$W/inventory.conf" <<CONF
[subchannel 0.0.0313]
devno     = 0.0.2b09
chpids    = ${1:-1a 2a}
device    = 3390-1
cylinders = 30
image     = vol.cckd
volser    = 0X2B09
create    = cdl
CONF
}

# start_daemon [ARGS...]: ccwpassd in the foreground on $W/inventory.conf,
# $RT and $ETC with ARGS, logging to $W/daemon.log; DPID is its pid. Waits
# until it answers; a failure and exit when it dies first.
start_daemon() {
    "$DAEMON" -f -c "$W/inventory.conf" -r "$RT" -e "$ETC" "$@" \
        >>"$W/daemon.log" 2>&1 &
    DPID=$!
    wait_for daemon_up && "$CLI" status -r "$RT" >/dev/null 2>&1 && return 0
    bad "ccwpassd starts"; cat "$W/daemon.log"; exit 1
}

# ns CMD...: CMD inside `ccwpass run` (the view at /sys, /dev/vfio).
ns() { "$CLI" run -q -r "$RT" -e "$ETC" -- "$@"; }

# pass_through SCH UUID: seed 000's manual procedure - SCH unbound, bound
# to vfio_ccw, a vfio_ccw-io mdev UUID created on it.
pass_through() {
    ns sh -ec "
        echo $1 > /sys/bus/css/devices/$1/driver/unbind
        echo $1 > /sys/bus/css/drivers/vfio_ccw/bind
        echo $2 > /sys/bus/css/devices/$1/mdev_supported_types/vfio_ccw-io/create"
}

# pass_through_persistent SCH UUID: as a host that keeps it across restarts
# does - driverctl's override to vfio_ccw, an mdev UUID defined with
# mdevctl's autostart, and started.
pass_through_persistent() {
    ns driverctl -b css set-override "$1" vfio_ccw &&
        ns mdevctl define -u "$2" -p "$1" -t vfio_ccw-io -a &&
        ns mdevctl start -u "$2"
}

# boot_passed NAME SCRIPT SCH:UUID:DEVNO...: each subchannel passed
# through (pass_through) and given to the guest kit as a vfio-ccw device at
# fe.0.DEVNO, in `ccwpass run`; the guest runs SCRIPT. The session in
# $W/NAME.out, guest-run's messages in .err, the console in .log; returns
# guest-run's status.
# guest_archive_dirs KIB: guest code, for a guest script - directories
# /tmp/a and /tmp/b of three files of random data each (KIB, 2 x KIB and
# 3 x KIB KiB) to archive, and their checksums ("sum a HEX").
guest_archive_dirs() {
    cat <<EOF
for d in a b; do
    mkdir -p /tmp/\$d
    for f in 1 2 3; do dd if=/dev/urandom of=/tmp/\$d/f\$f bs=1k count=\$((f * $1)) 2>/dev/null; done
    echo "sum \$d \$(cat /tmp/\$d/f* | sha256sum | cut -d' ' -f1)"
done
EOF
}

# guest_read_archives: guest code - from the tape at $T (rewound), the
# first archive into /tmp/xa, the next file's into /tmp/xb ("tar a read",
# "tar b read"), and their checksums ("read a HEX").
guest_read_archives() {
    cat <<'EOF'
mkdir /tmp/xa /tmp/xb
tar xf $T -C /tmp/xa && echo "tar a read"
mt -f $T fsf 1
tar xf $T -C /tmp/xb && echo "tar b read"
echo "read a $(cat /tmp/xa/f* | sha256sum | cut -d' ' -f1)"
echo "read b $(cat /tmp/xb/f* | sha256sum | cut -d' ' -f1)"
EOF
}

# The host tells a running guest "go N" through a small virtio-blk disk
# (cache=none: each O_DIRECT read in the guest sees the file). go_disk
# makes $W/go.raw and GO_DISK, QEMU's arguments for it (devno fe.0.0009,
# the guest's /dev/vda); go N writes it; guest_wait_go prints guest code,
# wait_go N, which waits for it with a deadline (240 s; then exit 4).
go_disk() {
    head -c 4096 /dev/zero >"$W/go.raw"
    # shellcheck disable=SC2034,SC2054  # the caller's; QEMU's commas
    GO_DISK=(-drive "file=$W/go.raw,if=none,id=go,format=raw,cache=none"
        -device virtio-blk-ccw,drive=go,devno=fe.0.0009)
}
go() { printf 'go%s\n' "$1" | dd of="$W/go.raw" conv=notrunc 2>/dev/null; }
guest_wait_go() {
    cat <<'EOF'
wait_go() {
    local end=$((SECONDS + 240))
    until dd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | grep -q "^go$1"; do
        [ "$SECONDS" -ge "$end" ] && { echo "no go$1 from the host"; exit 4; }
        sleep 0.2
    done
}
EOF
}

# guest_bg QEMU-ARGS...: the guest kit runs $W/g.sh in the background,
# QEMU (in `ccwpass run`) with QEMU-ARGS; GPID is guest-run's pid, killed
# at exit while it runs (clear GPID after waiting for it). The session
# goes to $W/g.out, the console (-v) to $W/g.err - where a test waits for
# the guest's marks - and the whole log to $W/g.log.
guest_bg() {
    QEMU_WRAPPER="$CLI run -q -r $RT -e $ETC --" \
        "$ROOT/scripts/guest-run" -v --timeout "$TIMEOUT" --log "$W/g.log" \
        --script "$W/g.sh" -- "$@" >"$W/g.out" 2>"$W/g.err" &
    GPID=$!
}

boot_passed() {
    local name=$1 script=$2 spec sch uuid devno devs=()
    shift 2
    for spec in "$@"; do
        IFS=: read -r sch uuid devno <<<"$spec"
        pass_through "$sch" "$uuid" || { bad "$name: pass through $sch"; return 1; }
        devs+=(-device "vfio-ccw,devno=fe.0.$devno,sysfsdev=/sys/bus/mdev/devices/$uuid")
    done
    QEMU_WRAPPER="$CLI run -q -r $RT -e $ETC --" \
        "$ROOT/scripts/guest-run" --timeout "$TIMEOUT" --log "$W/$name.log" \
        --script "$script" -- "${devs[@]}" >"$W/$name.out" 2>"$W/$name.err"
}
