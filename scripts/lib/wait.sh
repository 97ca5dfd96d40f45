# shellcheck shell=bash
# Waiting for an event in shell: until a command succeeds, bounded by a
# deadline on the monotonic clock (/proc/uptime), never by a count of
# tries (a loaded machine makes fewer of them in the same time). The
# bound is a failure guard, never a measure.

# Centiseconds since boot (CLOCK_BOOTTIME: no clock steps).
uptime_cs() {
    local up
    read -r up _ < /proc/uptime
    echo "${up/./}"
}

# pid_gone PID: the process has ended.
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_for [-t SECONDS] CMD...: 0 as soon as CMD succeeds (its output
# discarded), 1 when SECONDS (default $WAIT_SECS, else 60) have passed.
# CMD is tried every $WAIT_POLL seconds (default 0.02; a costly CMD, or
# one watching a slow event, may want less often).
wait_for() {
    local secs=${WAIT_SECS:-60} until
    if [ "${1-}" = -t ]; then secs=$2; shift 2; fi
    until=$(($(uptime_cs) + secs * 100))
    until "$@" >/dev/null 2>&1; do
        (($(uptime_cs) < until)) || return 1
        sleep "${WAIT_POLL:-0.02}"
    done
}
