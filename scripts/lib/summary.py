#!/usr/bin/env python3
"""Sum meson test results of build dirs; print 'N passed, N failed' last.

Exit status 1 when a test failed (or none ran)."""
import json
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    try:
        with open(f"{build}/meson-logs/testlog.json") as f:
            lines = [json.loads(l) for l in f if l.strip()]
    except OSError as e:
        print(f"summary: {build}: {e}", file=sys.stderr)
        failed += 1
        continue
    for t in lines:
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            print(f"FAILED: {build.rsplit('/', 1)[-1]}: {t.get('name')} ({r})")
if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
