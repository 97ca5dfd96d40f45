#!/usr/bin/env bash
# ccwpassd under the real systemd: `meson install` into a scratch tree,
# then a systemd-nspawn container of this host (--volatile=yes: a fresh
# /etc and /var, the host's /usr, the install tree at its prefix) boots
# systemd, and a test unit inside drives ccwpassd.service: start
# (Type=notify: active once ready, MainPID, StatusText), the journal's
# entries (identifier, pid, priority), `systemctl reload` adding a DASD
# from a changed inventory, restart, stop (the view unmounted). Skips (77)
# when systemd cannot boot in a container here.
# Arguments: BUILD_DIR
set -euo pipefail
BUILD=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn not installed (systemd-container)"; exit 77; }
[ -c /dev/fuse ] || { echo "SKIP: needs /dev/fuse"; exit 77; }
T=$(mktemp -d /tmp/ccwpass-systemd.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
# shellcheck source=tests/install/lib.sh
. "$(dirname "$0")/lib.sh"
[ "$prefix" != /usr ] || { echo "SKIP: prefix /usr would hide the host's /usr"; exit 77; }
install_tree
mkdir -p "$T/out"
cat >"$T/out/run.sh" <<RUN
#!/bin/sh
# key=value lines for the host to check
set -x
P=$prefix
mkdir -p /etc/ccwpass
cat >/etc/ccwpass/inventory.conf <<'INV'
[subchannel 0.0.0313]
devno  = 0.0.2b09
chpids = 1a 2a
device = 3390-9
cylinders = 10
image  = /var/lib/ccwpass/2b09.cckd
create = cdl
INV
systemctl start ccwpassd; echo "start=\$?"
echo "active=\$(systemctl is-active ccwpassd)"
echo "mainpid=\$(systemctl show -P MainPID ccwpassd)"
echo "pidfile=\$(cat /run/ccwpass/ccwpassd.pid)"
echo "statustext=\$(systemctl show -P StatusText ccwpassd)"
echo "images=\$(stat -c %a /var/lib/ccwpass /var/lib/ccwpass/2b09.cckd | tr '\n' ' ')"
journalctl -u ccwpassd -o json --no-pager | grep '"MESSAGE":"ccwpassd [0-9.]* ready' | head -n1 |
    python3 -c 'import json,sys; e=json.load(sys.stdin); print("journal=%s %s %s" % (e["SYSLOG_IDENTIFIER"], e["PRIORITY"], e["_PID"]))'
cat >>/etc/ccwpass/inventory.conf <<'INV'

[subchannel 0.0.0320]
devno  = 0.0.3000
chpids = 4a
device = 3390-3
cylinders = 5
image  = /var/lib/ccwpass/3000.cckd
create = cdl
INV
systemctl reload ccwpassd; echo "reload=\$?"
timeout 60 sh -c 'until [ -e /run/ccwpass/reload.status ]; do sleep 0.1; done'
echo "reloadstatus=\$(cut -d' ' -f2- /run/ccwpass/reload.status)"
# (no awk: /etc/alternatives is empty in the container)
echo "lscss=\$(\$P/bin/ccwpass lscss | tail -n +3 | cut -d' ' -f2 | tr '\n' ' ')"
echo "statustext2=\$(systemctl show -P StatusText ccwpassd)"
old=\$(systemctl show -P MainPID ccwpassd)
systemctl kill -s KILL ccwpassd
timeout 60 sh -c "until [ \"\\\$(systemctl show -P MainPID ccwpassd)\" != \$old ] && [ \"\\\$(systemctl is-active ccwpassd)\" = active ]; do sleep 0.2; done"
echo "killrestart=\$(systemctl is-active ccwpassd) \$([ "\$(systemctl show -P MainPID ccwpassd)" != "\$old" ] && echo new || echo same)"
old=\$(systemctl show -P MainPID ccwpassd)
systemctl restart ccwpassd; echo "restart=\$?"
new=\$(systemctl show -P MainPID ccwpassd)
echo "restarted=\$([ "\$new" != "\$old" ] && [ "\$new" != 0 ] && echo yes || echo no)"
echo "active2=\$(systemctl is-active ccwpassd)"
systemctl stop ccwpassd; echo "stop=\$?"
echo "active3=\$(systemctl is-active ccwpassd)"
echo "mounted=\$(grep -c ' /run/ccwpass/sys ' /proc/mounts)"
echo "stoplog=\$(journalctl -u ccwpassd --no-pager -o cat | grep -c 'Terminated: shutting down')"
RUN
boot_container "drive ccwpassd.service" 300
check "systemctl start ccwpassd" 0 "$(r start)"
check "active (Type=notify: after READY=1)" active "$(r active)"
check "MainPID is the daemon (its pid file)" "$(r pidfile)" "$(r mainpid)"
check "StatusText from sd_notify" "ready: 1 subchannel, view at /run/ccwpass/sys" "$(r statustext)"
check "the unit's StateDirectory 0700, images 0600" "700 600 " "$(r images)"
check "journal: identifier, priority notice, the daemon's pid" "ccwpassd 5 $(r pidfile)" "$(r journal)"
check "systemctl reload ccwpassd" 0 "$(r reload)"
check "... reloaded the inventory" "ok added 0.0.0320; 1 unchanged" "$(r reloadstatus)"
check "... the new subchannel is there" "0.0.0313 0.0.0320 " "$(r lscss)"
check "... StatusText after the reload" "ready: 2 subchannels, view at /run/ccwpass/sys" "$(r statustext2)"
check "SIGKILL: systemd starts it again (Restart=on-failure)" "active new" "$(r killrestart)"
check "systemctl restart: a new daemon, active" "0 yes active" "$(r restart) $(r restarted) $(r active2)"
check "systemctl stop: inactive, view unmounted, orderly" "0 inactive 0" "$(r stop) $(r active3) $(r mounted)"
check "the journal has the orderly stops" yes "$([ "$(r stoplog)" -ge 2 ] && echo yes || echo no)"
if ((FAILS)); then tail -n 30 "$T/out/trace.txt"; echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
