#!/bin/sh
# tools/demo.sh - runs handletrail on the bundled samples: the text report
# of the KB-style story on stdout, HTML/JSON reports under demo/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
HT=./handletrail
mkdir -p demo
story=$(ls samples/strace/kb-socket.f-tt-T-yy.txt 2>/dev/null | head -1)
[ -n "$story" ] || story=$(ls samples/strace/*.txt | head -1)
name=$(basename "$story" .txt)
$HT --json "demo/$name.json" --html "demo/$name.html" --text - "$story"
rc=$?
echo
echo "demo: the story above is $story (exit status $rc: 1 = findings)"
echo "demo: HTML report: $top/demo/$name.html"
echo "demo: JSON report: $top/demo/$name.json"
if $HT batch --quiet -o demo/batch samples >/dev/null 2>&1 ||
   [ -f demo/batch/index.html ]; then
	echo "demo: every bundled sample: $top/demo/batch/index.html"
fi
exit 0
