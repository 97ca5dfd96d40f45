#!/usr/bin/env bash
# scripts/lib/fuzz.py, which reads libFuzzer's logs for scripts/fuzz and
# prints its summary table: runs summed over a target's logs (a restarted
# or crashed fuzzer leaves several), coverage from the last one, a log
# without final statistics (a killed fuzzer) counted by its last progress
# line, and the table's derived columns (exec/s, new files, KB); and
# the recheck of timeout artifacts (one that does not come back when its
# input runs alone moves away, any other artifact stays).
#   test_fuzz_report.sh FUZZ_PY
set -uo pipefail
FUZZ=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0 FAILED=0

check() {   # check NAME WANT GOT
    if [[ $2 == "$3" ]]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        printf 'FAIL: %s\n  want: %s\n  got:  %s\n' "$1" "$2" "$3"
    fi
}

cat >"$WORK/a.log" <<'EOF'
INFO: Seed: 1
#12	INITED cov: 1287 ft: 2134 corp: 11/10628b exec/s: 0 rss: 32Mb
#4096	pulse  cov: 1400 ft: 4000 corp: 200/20Kb lim: 4096 exec/s: 2048 rss: 81Mb
#5000	DONE   cov: 1410 ft: 4100 corp: 210/21Kb lim: 4096 exec/s: 2500 rss: 81Mb
Done 5000 runs in 2 second(s)
stat::number_of_executed_units: 5000
stat::average_exec_per_sec:     2500
EOF
cat >"$WORK/b.log" <<'EOF'
#7	INITED cov: 1410 ft: 4100 corp: 210/21Kb exec/s: 0 rss: 32Mb
#300	NEW    cov: 1422 ft: 4111 corp: 211/21Kb lim: 4096 exec/s: 0 rss: 33Mb L: 9/9 MS: 1 ChangeBit-
==7== ERROR: libFuzzer: deadly signal
SUMMARY: libFuzzer: deadly signal
stat::number_of_executed_units: 333
stat::average_exec_per_sec:     0
EOF
cat >"$WORK/killed.log" <<'EOF'
#9	INITED cov: 20 ft: 30 corp: 9/1Kb exec/s: 0 rss: 32Mb
#65536	pulse  cov: 25 ft: 41 corp: 12/2Kb lim: 100 exec/s: 32768 rss: 40Mb
#70000	NEW    cov: 26 ft: 42 corp: 13/2Kb lim: 100 exec/s: 0 rss: 40Mb L: 9/9 MS: 1 ChangeBit-
EOF

check "one log" "5000 1410 4100" "$(python3 "$FUZZ" stats "$WORK/a.log")"
check "runs add up, coverage of the last log" "5333 1422 4111" \
    "$(python3 "$FUZZ" stats "$WORK/a.log" "$WORK/b.log")"
check "killed: its last progress line" "70000 26 42" \
    "$(python3 "$FUZZ" stats "$WORK/killed.log")"
check "a missing log counts nothing" "5000 1410 4100" \
    "$(python3 "$FUZZ" stats "$WORK/nosuch.log" "$WORK/a.log")"
check "no logs" "0 0 0" "$(python3 "$FUZZ" stats)"
check "only INITED (a corpus replay)" "7 1410 4100" \
    "$(head -n1 "$WORK/b.log" >"$WORK/init.log"; python3 "$FUZZ" stats "$WORK/init.log")"

echo "fuzz_eckd 3600 36000000 3400 15000 2900 3300 3 210 123456 0 yes" >"$WORK/r1"
echo "fuzz_cp 65 130 12 25 10 10 5 5 0 2 no" >"$WORK/r2"
table=$(python3 "$FUZZ" table "$WORK/r1" "$WORK/r2")
check "header" "target time runs exec/s cov ft corpus cov files new KB crashes stable" \
    "$(sed -n 1p <<<"$table" | tr -s ' ')"
check "a one-hour row" "fuzz_eckd 1h00m 36000000 10000 3400 15000 2900->3300 210 +207 121 0 yes" \
    "$(sed -n 2p <<<"$table" | tr -s ' ')"
check "a short row" "fuzz_cp 1m05s 130 2 12 25 10->10 5 +0 0 2 no" \
    "$(sed -n 3p <<<"$table" | tr -s ' ')"

# A stand-in fuzz target: an input "hang" times out (libFuzzer's 70),
# any other ends well; it notes its arguments.
mkdir -p "$WORK/crashes"
cat >"$WORK/target" <<END
#!/usr/bin/env bash
echo "\$*" >>"$WORK/args"
[[ \$(cat "\${@: -1}") != hang ]] || exit 70
END
chmod +x "$WORK/target"
echo fine >"$WORK/crashes/timeout-1111"
echo hang >"$WORK/crashes/timeout-2222"
echo hang >"$WORK/crashes/crash-3333"
check "recheck: one moved, one kept" "1 1" \
    "$(python3 "$FUZZ" recheck "$WORK/moved" "$WORK/crashes" "$WORK/target" 7)"
check "recheck: what moved" "timeout-1111" "$(cd "$WORK/moved" && echo *)"
check "recheck: what stayed" "crash-3333 timeout-2222" \
    "$(cd "$WORK/crashes" && echo *)"
check "recheck: each alone, three times, the target's timeout" \
    "-timeout=7 -runs=3 $WORK/crashes/timeout-1111" "$(head -n1 "$WORK/args")"
check "recheck: nothing to do" "0 0" \
    "$(python3 "$FUZZ" recheck "$WORK/moved" "$WORK/moved/none" "$WORK/target" 7)"

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
