#!/usr/bin/env python3
"""Sum meson test results of build dirs; print 'N passed, N failed' last.

Exit status 1 when a test failed (or none ran). With CI=true in the
environment a skipped test counts as failed: CI installs everything every
test needs, so a skip there means an acceptance test silently did not run."""
import json
import os
import sys

strict = os.environ.get("CI") == "true"

passed = failed = skipped = 0
for build in sys.argv[1:]:
    try:
        with open(f"{build}/meson-logs/testlog.json") as f:
            lines = [json.loads(l) for l in f if l.strip()]
    except (OSError, ValueError) as e:
        print(f"summary: {build}: {e}", file=sys.stderr)
        failed += 1
        continue
    for t in lines:
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP" and not strict:
            skipped += 1
        elif r == "SKIP":
            failed += 1
            print(f"FAILED: {build.rsplit('/', 1)[-1]}: {t.get('name')} "
                  "(SKIP: not allowed with CI=true)")
        else:
            failed += 1
            print(f"FAILED: {build.rsplit('/', 1)[-1]}: {t.get('name')} ({r})")
if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
