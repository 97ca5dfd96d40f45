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
