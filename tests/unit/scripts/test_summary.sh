#!/usr/bin/env bash
# scripts/lib/summary.py, which gives `.ci/run` its last line and exit
# status: counts from meson's testlog.json files, "N passed, N failed" last,
# non-zero when a test failed or none ran, and a skip counted as a failure
# when CI=true.
#   test_summary.sh SUMMARY_PY
set -uo pipefail
SUMMARY=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0 FAILED=0

log() {   # log DIR RESULT... : a build dir whose testlog has these results
    mkdir -p "$WORK/$1/meson-logs"
    local dir=$1 i=0
    shift
    : >"$WORK/$dir/meson-logs/testlog.json"
    for r in "$@"; do
        printf '{"name": "t%d", "result": "%s"}\n' $((i++)) "$r" \
            >>"$WORK/$dir/meson-logs/testlog.json"
    done
}

expect() {   # expect NAME STATUS LAST_LINE CI_VALUE DIR...
    local name=$1 want_rc=$2 want_last=$3 ci=$4 out rc
    shift 4
    out=$(cd "$WORK" && CI=$ci python3 "$SUMMARY" "$@" 2>&1)
    rc=$?
    if [[ $rc -eq $want_rc && $(tail -n1 <<<"$out") == "$want_last" ]]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        echo "FAIL: $name: rc $rc (want $want_rc), output:"
        sed 's/^/    /' <<<"$out"
    fi
}

log ok OK OK EXPECTEDFAIL
log bad OK FAIL TIMEOUT
log skip OK SKIP
log none

expect "all pass" 0 "3 passed, 0 failed" "" ok
expect "two build dirs add up" 1 "4 passed, 2 failed" "" ok bad
expect "failures listed by name" 1 "1 passed, 2 failed" "" bad
out=$(cd "$WORK" && python3 "$SUMMARY" bad 2>&1)
if grep -q '^FAILED: bad: t1 (FAIL)$' <<<"$out" &&
   grep -q '^FAILED: bad: t2 (TIMEOUT)$' <<<"$out"; then
    PASSED=$((PASSED + 1))
else
    FAILED=$((FAILED + 1)); echo "FAIL: failed tests not named: $out"
fi
expect "skip outside CI" 0 "1 passed, 0 failed" "" skip
expect "skip with CI=true fails" 1 "1 passed, 1 failed" true skip
expect "nothing ran" 1 "0 passed, 0 failed" "" none
expect "missing build dir" 1 "0 passed, 1 failed" "" nosuchdir
mkdir -p "$WORK/cut/meson-logs"
printf '{"name": "t0", "result": "OK"}\n{"name": "t1", "resu' \
    >"$WORK/cut/meson-logs/testlog.json"
expect "a cut-off log is a failure" 1 "3 passed, 1 failed" "" ok cut

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
