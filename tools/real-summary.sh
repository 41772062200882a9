#!/bin/sh
# tools/real-summary.sh - runs handletrail over every capture in
# samples/real/ and prints one line per capture:
#
#   CAPTURE  ERRORS  WARNINGS  NOTES  UNEXPLAINED
#
# (tab-separated, CAPTURE relative to samples/real, sorted), from the JSON
# report's summary.  The correct programs must come to 0 errors and 0
# warnings; the buggy twins (c-pool-double-close, py-kb-race) must not.
#
# Usage: sh tools/real-summary.sh [DIR]      (default samples/real)
#        HT=path/to/handletrail sh tools/real-summary.sh
# Exit status: 0, or 2 when handletrail failed on a capture (exit > 1 or
# no JSON), which is printed as "CAPTURE FAILED ...".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/samples/real}
HT=${HT:-$top/handletrail}
[ -x "$HT" ] || { echo "real-summary: no handletrail binary at $HT" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "real-summary: python3 is missing" >&2; exit 2; }
[ -d "$dir" ] || { echo "real-summary: no directory $dir" >&2; exit 2; }

status=0
for f in $(cd "$dir" && find . -name '*.txt.xz' | sed 's|^\./||' | LC_ALL=C sort); do
	line=$("$HT" --json - "$dir/$f" 2>/dev/null | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)["summary"]
except (ValueError, KeyError) as e:
    print("FAILED no JSON report (%s)" % e)
    sys.exit(0)
b = s["by_severity"]
print("%d\t%d\t%d\t%d" % (b["error"], b["warning"], b["note"], s["unexplained"]))
')
	case $line in
	FAILED*) status=2 ;;
	esac
	printf '%s\t%s\n' "$f" "$line"
done
exit $status
