#!/bin/sh
# tools/bench-wild.sh - the real captures of ../shared/strace-wild: peak
# memory of the biggest -ff captures (1,567 and 943 files; it should follow
# the threads alive, not the number of files) beside the whole corpus's
# parse rate and skipped lines by reason (tests/checks/model_wild.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
W=$top/../shared/strace-wild
[ -d "$W" ] || { echo "wild: $W not here, skipped"; exit 0; }
. "$top/tools/bench-lib.sh"
T=$W/tracecode-toolkit-strace
echo "strace-wild -ff captures (peak RSS should not grow with the file count):"
for d in cups-build-ff-zst bash-build-ff-gz; do
	n=$(ls "$T/$d" | wc -l)
	size=$(cat "$T/$d"/* | wc -c)
	measure "$d ($n files)" "$size" "$HT" --json /dev/null "$T/$d"/*
done
echo "strace-wild corpus:"
HT=$HT SHARED=$top/../shared sh "$top/tests/checks/model_wild.sh" | sed 's/^/  /'
exit 0
