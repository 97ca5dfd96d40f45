# shellcheck shell=bash
# The install tests' shared part: check(), and `meson install` of BUILD
# into $T/dest. Sets prefix (the build's) on sourcing.
FAILS=0
check() {
    if [ "$2" == "$3" ]; then echo "ok   $1"
    else echo "FAIL $1"; echo "     want: $2"; echo "     got:  $3"; FAILS=$((FAILS + 1)); fi
}
prefix=$(meson introspect "$BUILD" --buildoptions |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
# install_tree: meson install into $T/dest, or the log and exit 1.
install_tree() {
    meson install -C "$BUILD" --destdir "$T/dest" --no-rebuild --quiet >"$T/install.log" 2>&1 ||
        { cat "$T/install.log"; exit 1; }
}
# boot_container DESCRIPTION SECONDS [NSPAWN-ARGS...]: a systemd-nspawn
# container of this host (--volatile=yes: a fresh /etc and /var, the
# host's /usr, the install tree at its prefix, $T/out at /out) boots
# systemd, whose only job, ccwpass-test.service, runs /out/run.sh (its
# output to /out/result.txt, its trace to /out/trace.txt) and powers off.
# Skips (77) when systemd did not boot here. Then r KEY reads KEY=value
# lines of the result.
boot_container() {
    local desc=$1 secs=$2
    shift 2
    cat >"$T/dest$prefix/lib/systemd/system/ccwpass-test.service" <<UNIT
[Unit]
Description=ccwpass: $desc, then power off
[Service]
Type=oneshot
ExecStart=/bin/sh -c '/out/run.sh >/out/result.txt 2>/out/trace.txt; systemctl poweroff'
UNIT
    chmod +x "$T/out/run.sh"
    timeout "$secs" systemd-nspawn -q -D / --volatile=yes --register=no --keep-unit \
        -M "ccwpass-$$" --bind-ro="$T/dest$prefix:$prefix" --bind="$T/out:/out" \
        --bind=/dev/fuse --property="DeviceAllow=/dev/fuse rwm" "$@" \
        -b systemd.firstboot=false systemd.unit=ccwpass-test.service \
        >"$T/nspawn.log" 2>&1 || true
    if [ ! -s "$T/out/result.txt" ]; then
        echo "SKIP: systemd did not boot in a container here:"; tail -n 15 "$T/nspawn.log"; exit 77
    fi
    cat "$T/out/result.txt"
}
r() { sed -n "s/^$1=//p" "$T/out/result.txt"; }
