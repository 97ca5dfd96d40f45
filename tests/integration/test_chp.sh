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

stop_daemon
finish
