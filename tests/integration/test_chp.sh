#!/usr/bin/env bash
# Channel paths: vary off / on through chp status, as chchp does.
. "$(dirname "$0")/lib.sh"
start_daemon

C=/sys/devices/css0/chp0.2a
check "chps" "chp0.0a chp0.1a chp0.2a chp0.3a" "$(ns sh -c 'cd /sys/devices/css0 && echo chp*')"
check "status" online "$(ns cat $C/status)"
check "type" 1b "$(ns cat $C/type)"
check "vary off" "OK 4" "$(sysw $C/status $'off\n')"
check "status off" offline "$(ns cat $C/status)"
check "PAM without 2a" "f0 b0 ff" "$(ns cat /sys/bus/css/devices/0.0.0313/pimpampom)"
check "other subchannel" "c0 80 ff" "$(ns cat /sys/bus/css/devices/0.0.0314/pimpampom)"
check "chpids unchanged" "1a 2a 3a 0a 00 00 00 00 " "$(ns cat /sys/bus/css/devices/0.0.0313/chpids)"
check "vary on (online)" "OK 6" "$(sysw $C/status online)"
check "status on" online "$(ns cat $C/status)"
check "PAM back" "f0 f0 ff" "$(ns cat /sys/bus/css/devices/0.0.0313/pimpampom)"

echo "== ccwpass chchp, as s390-tools' chchp"
cp() { "$CCWPASS" chchp -r "$RT" "$@" 2>&1; }
check "chchp -v 0 2a" "Vary offline 0.2a... done." "$(cp -v 0 2a)"
check "... the path is offline" offline "$(ns cat $C/status)"
check "... and out of the PAM" "f0 b0 ff" "$(ns cat /sys/bus/css/devices/0.0.0313/pimpampom)"
check "chchp -v 1 0.2a" "Vary online 0.2a... done." "$(cp -v 1 0.2a)"
check "... back in the PAM" "f0 f0 ff" "$(ns cat /sys/bus/css/devices/0.0.0313/pimpampom)"
check "a list and a range; unknown ids skipped" \
    "Vary offline 0.0a... done.
Vary offline 0.1a... done.
Skipping unknown channel-path 0.1b
Skipping unknown channel-path 0.1c" "$(cp -v 0 0a,1a-1b 1c)"
check "... 0a and 1a are offline" "offline offline" \
    "$(ns cat /sys/devices/css0/chp0.0a/status) $(ns cat /sys/devices/css0/chp0.1a/status)"
cp -v 1 0a,1a >/dev/null
check "chchp -a status=on" "Attribute status=on 0.3a... done." "$(cp -a status=on 3a)"
check "chchp -a of a read-only attribute" "Attribute type=1c 0.3a... failed - attribute not writable" \
    "$(cp -a type=1c 3a)"
out=$(cp -v 2 1a) && rc=0 || rc=$?
check "chchp -v 2 is refused" "1 ccwpass chchp: invalid value for --vary '2' (only 0 or 1)" "$rc $out"
out=$(cp -v 0 1g) && rc=0 || rc=$?
check "a malformed id is named" "1 ccwpass chchp: invalid channel-path id '1g'" "$rc $out"
out=$(cp -c 0 1a) && rc=0 || rc=$?
check "configure is refused with the way that works" 1 "$rc"

stop_daemon
finish
