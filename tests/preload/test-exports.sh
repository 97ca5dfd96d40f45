#!/bin/sh
# Linkage test: libccwpass-preload.so exports exactly the interposed libc
# entry points (QEMU must not bind to anything else of ours).
# Usage: test-exports.sh LIB [NM]
set -eu
lib=$1
nm=${2:-nm}
expected='__open64_2
__open_2
__openat64_2
__openat_2
__pread64_chk
__pread_chk
close
ioctl
mmap
mmap64
munmap
open
open64
openat
openat64
pread
pread64
pwrite
pwrite64'
# Defined dynamic symbols, without the version node names (type A).
actual=$("$nm" -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | LC_ALL=C sort)
expected=$(printf '%s\n' "$expected" | LC_ALL=C sort)
if [ "$actual" != "$expected" ]; then
    echo "exported symbols differ (expected / actual):"
    printf '%s\n' "$expected" >"${TMPDIR:-/tmp}/pl-exp.$$"
    printf '%s\n' "$actual" | diff "${TMPDIR:-/tmp}/pl-exp.$$" - || true
    rm -f "${TMPDIR:-/tmp}/pl-exp.$$"
    exit 1
fi
echo "ok: $(printf '%s\n' "$actual" | wc -l) symbols"
