#!/usr/bin/env bash
# What `meson install` puts on a host: the programs, the preload library,
# the systemd unit (which `systemd-analyze verify` accepts where it is
# installed), the manual pages (which groff renders without a warning and
# which document every option and inventory key there is) and the
# documentation with the sample inventory. docs/operations.md "Install".
# Arguments: BUILD_DIR SOURCE_DIR CCWPASSD CCWPASS
set -euo pipefail
BUILD=$(realpath "$1") SRC=$(realpath "$2") CCWPASSD=$(realpath "$3") CCWPASS=$(realpath "$4")
T=$(mktemp -d /tmp/ccwpass-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/install/lib.sh
. "$(dirname "$0")/lib.sh"
install_tree
P=$T/dest$prefix
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }
check "ccwpassd in sbin" 755 "$(mode "$P/sbin/ccwpassd")"
check "ccwpass in bin" 755 "$(mode "$P/bin/ccwpass")"
check "the preload library" 1 "$(find "$P/lib"* -name libccwpass-preload.so | wc -l)"
check "the unit" 644 "$(mode "$P/lib/systemd/system/ccwpassd.service")"
for m in man1/ccwpass.1 man5/ccwpass-inventory.5 man8/ccwpassd.8; do
    check "manual page $m" 644 "$(mode "$P/share/man/$m")"
done
for f in examples/inventory.conf README.md docs/operations.md docs/daemon.md docs/inventory.md docs/security.md docs/libvirt.md; do
    check "documentation $f" 644 "$(mode "$P/share/doc/ccwpass/$f")"
done

unit=$P/lib/systemd/system/ccwpassd.service
check "the unit starts the installed daemon in the foreground" "ExecStart=$prefix/sbin/ccwpassd --foreground" \
    "$(grep '^ExecStart=' "$unit")"
check "the unit is Type=notify" "Type=notify" "$(grep '^Type=' "$unit")"
check "the unit reloads with SIGHUP" 'ExecReload=/bin/kill -HUP $MAINPID' "$(grep '^ExecReload=' "$unit")"
check "the unit restarts a crashed daemon" "Restart=on-failure" "$(grep '^Restart=' "$unit")"
check "the unit is ordered before libvirt's daemons" yes \
    "$(grep -q '^Before=.*libvirtd.service.*virtqemud.service' "$unit" && echo yes || echo no)"
# verify where it is installed: the install tree over the prefix in a
# private mount namespace (systemd-analyze checks ExecStart= and the man
# pages of Documentation=).
out=$(unshare -m --propagation private sh -c '
    mount --bind "$1" "$2" &&
    MANPATH=$2/share/man:/usr/share/man systemd-analyze verify "$2/lib/systemd/system/ccwpassd.service"' \
    _ "$P" "$prefix" 2>&1) && rc=0 || rc=$?
check "systemd-analyze verify accepts the unit" "0 " "$rc $out"

# The libvirt drop-ins (docs/libvirt.md): libvirtd in the view, with the
# preload library for its QEMUs, restarted with ccwpassd.
for d in libvirtd virtqemud; do
    dropin=$P/lib/systemd/system/$d.service.d/ccwpass.conf
    check "the $d drop-in" 644 "$(mode "$dropin")"
    check "... runs $d in the view with the preload library" \
        "ExecStart=$prefix/bin/ccwpass run --preload --optional -- /usr/sbin/$d \$${d^^}_ARGS" \
        "$(grep '^ExecStart=.' "$dropin")"
    check "... after ccwpassd, restarted with it" "After=ccwpassd.service PartOf=ccwpassd.service" \
        "$(grep -E '^(After|PartOf)=' "$dropin" | tr '\n' ' ' | sed 's/ $//')"
done
if [ -f /lib/systemd/system/libvirtd.service ]; then
    out=$(unshare -m --propagation private sh -c '
        mount --bind "$1" "$2" &&
        MANPATH=$2/share/man:/usr/share/man systemd-analyze verify libvirtd.service' \
        _ "$P" "$prefix" 2>&1) && rc=0 || rc=$?
    check "systemd-analyze verify accepts libvirtd.service with the drop-in" "0 " \
        "$rc $(echo "$out" | grep -i ccwpass)"
fi

# Manual pages: rendered without warnings; every option documented.
for m in "$SRC"/man/*.[158]; do
    check "groff -ww renders $(basename "$m") cleanly" "" "$(groff -man -Tutf8 -ww -z "$m" 2>&1)"
done
render() { groff -man -Tutf8 -P -c "$1" 2>/dev/null | sed 's/\x08.//g'; }
longopts() { grep -oE -- '--[a-z][a-z-]+' | sort -u; }
text=$(render "$SRC/man/ccwpassd.8")
for o in $("$CCWPASSD" --help | longopts); do
    grep -qe "$o" <<<"$text" || check "ccwpassd(8) documents $o" yes no
done
text=$(render "$SRC/man/ccwpass.1")
for c in $("$CCWPASS" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}' | grep -v Commands:); do
    grep -qE "^ +$c( |$)" <<<"$text" || check "ccwpass(1) has a section for $c" yes no
    for o in $("$CCWPASS" "$c" --help | longopts); do
        grep -qe "$o" <<<"$text" || check "ccwpass(1) documents $c $o" yes no
    done
done
text=$(render "$SRC/man/ccwpass-inventory.5")
keys=$(sed -n '/^static const char \*const sch_keys/,/NULL/p;/^static const char \*const chp_keys/p' \
    "$SRC/src/inventory/inventory.c" | grep -o '"[a-z-]*"' | tr -d '"')
[ -n "$keys" ] || check "inventory keys found in the parser" yes no
for k in $keys; do
    grep -qE "(^| )$k( |,|$)" <<<"$text" || check "ccwpass-inventory(5) documents '$k'" yes no
done
echo "checked $(wc -w <<<"$keys") inventory keys and every --help option"
((FAILS == 0)) || { echo "$FAILS check(s) failed"; exit 1; }
echo "all checks passed"
