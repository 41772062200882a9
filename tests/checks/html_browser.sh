#!/bin/sh
# tests/checks/html_browser.sh - renders the HTML report of sample captures,
# loads each from file:// in headless Chromium and checks the rendered DOM:
# the page's script ran, no console message or CSP violation occurred, and
# every finding of the JSON report has its #F anchor, a story and an SVG
# timeline.  Screenshots land in $BUILD/html-check/.  Exit 77: no Chromium.
set -u
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
HT=${HT:-$top/$BUILD/handletrail}
SAMPLES=${SAMPLES:-$top/samples}
SHARED=${SHARED:-$top/../shared}

browser=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
[ -n "$browser" ] || { echo "chromium is not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is not installed"; exit 77; }
[ -x "$HT" ] || { echo "no handletrail binary at $HT"; exit 1; }

out=$top/$BUILD/html-check
mkdir -p "$out"
rm -f "$out"/*.html "$out"/*.json "$out"/*.dom "$out"/*.log "$out"/*.png \
	"$out"/*.result "$out"/*.err
profiles=$(mktemp -d)
trap 'rm -rf "$profiles"' EXIT INT TERM
fails=0
jobs=0

# one browser profile per run: two run at once
chrome() {
	prof=$(mktemp -d "$profiles/p.XXXXXX")
	"$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$prof" --hide-scrollbars \
		--enable-logging=stderr --v=0 --virtual-time-budget=3000 "$@"
}

# check NAME FILE... : in the background, two at a time; the verdict
# goes to $out/NAME.result
check() {
	check1 "$@" >"$out/$1.result" 2>&1 &
	jobs=$((jobs + 1))
	if [ "$jobs" -ge 2 ]; then
		wait
		jobs=0
	fi
}

# check1 NAME FILE... : render, load, assert
check1() {
	name=$1
	shift
	"$HT" --html "$out/$name.html" --json "$out/$name.json" "$@" \
		>/dev/null 2>"$out/$name.err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "FAIL $name: handletrail exited $rc"
		sed 's/^/    /' "$out/$name.err" | head -5
		return
	fi
	chrome --dump-dom "file://$out/$name.html" >"$out/$name.dom" \
		2>"$out/$name.log"
	if python3 - "$out/$name.json" "$out/$name.html" "$out/$name.dom" \
		"$out/$name.log" <<'EOF'
import json, re, sys
jpath, hpath, dpath, lpath = sys.argv[1:5]
rep = json.load(open(jpath, encoding='utf-8'))
page = open(hpath, encoding='utf-8', errors='strict').read()
dom = open(dpath, encoding='utf-8', errors='replace').read()
log = open(lpath, encoding='utf-8', errors='replace').read()
bad = []
ids = [f['id'] for f in rep.get('findings', [])]
# the page itself: one file, nothing to fetch
for m in re.finditer(r'\b(src|href|action|xlink:href)\s*=\s*"([^"]*)"', page):
    if not (m.group(2).startswith('#') or m.group(2) == 'data:,'):
        bad.append('reference leaving the page: %s' % m.group(0)[:80])
if re.search(r'url\(|@import', page):
    bad.append('CSS fetches something')
# the browser's view
if not re.search(r'<html[^>]*data-js="ok"', dom):
    bad.append('page script did not run to its end')
if re.search(r'<html[^>]*data-js-errors', dom):
    bad.append('script error or CSP violation recorded by the page')
for line in log.splitlines():
    if 'CONSOLE' in line or 'Refused to' in line or 'Uncaught' in line:
        bad.append('console: ' + line.strip()[:200])
sections = re.split(r'(?=<section class="finding)', dom)[1:]
anchors = set(re.findall(r'\bid="(F\d+)"', dom))
where = {}
for s in sections:
    s = s.split('</section>')[0] if '</section>' in s else s
    sid = re.match(r'<section[^>]*\bid="(F\d+)"', s)
    if not sid:
        bad.append('finding section without an id')
        continue
    for a in re.findall(r'\bid="(F\d+)"', s):
        where[a] = s
    if 'class="story"' not in s:
        bad.append(sid.group(1) + ': no story')
    if '<svg class="tl"' not in s:
        bad.append(sid.group(1) + ': no SVG timeline')
    if 'class="offending"' not in s or 'SUMMARY: handletrail:' not in s:
        bad.append(sid.group(1) + ': no offending call or SUMMARY line')
for i in ids:
    a = 'F%d' % i
    if a not in anchors:
        bad.append('finding %s has no anchor' % a)
    elif a not in where:
        bad.append('anchor %s is outside a finding section' % a)
if len(ids) == 0 and 'No errors or warnings' not in dom:
    bad.append('clean capture does not say so')
for b in bad:
    print('   ', b)
print('    %d findings, %d sections, %d bytes' % (len(ids), len(sections),
                                                len(page)))
sys.exit(1 if bad else 0)
EOF
	then
		echo "ok   $name"
	else
		echo "FAIL $name"
	fi
}

shot() {
	chrome --window-size=1400,2600 --screenshot="$out/$1.png" \
		"file://$out/$1.html" >/dev/null 2>&1
	[ -s "$out/$1.png" ] || { echo "FAIL $1: no screenshot"; fails=$((fails + 1)); }
}

S=$SAMPLES/strace
ran=0
for f in kb-socket.f-tt-T-yy.txt kb-socket-ebadf.f-tt-T-yy.txt \
	 stale-close.f-k-y.txt stale-use.f-r-T-y.txt \
	 use-after-close.f-tt-T-yy.txt double-close.f-Y-y.txt \
	 close-while-in-use.f-tt-T-yy.txt leak.f-tt-T-yy.txt \
	 benign.f-tt-T-yy.txt; do
	[ -f "$S/$f" ] || continue
	check "${f%.txt}" "$S/$f"
	ran=$((ran + 1))
done
# a -ff capture: one file per thread, one capture
set -- "$S"/kb-socket.ff-tt-y.[0-9]*
if [ -f "$1" ]; then
	check kb-socket.ff "$@"
	ran=$((ran + 1))
fi
if [ -f "$SHARED/strace-captures/race.f-tt-T-yy.txt" ]; then
	check race.f-tt-T-yy "$SHARED/strace-captures/race.f-tt-T-yy.txt"
	ran=$((ran + 1))
fi
# ETW: one export of the samples with findings, one clean
for n in kb-q155738.tracerpt cpu-buffers.wevtutil clean-server.perfview; do
	f=$SAMPLES/etw/$n.xml
	[ -f "$f" ] || continue
	check "etw-$n" "$f"
	ran=$((ran + 1))
done
# hostile input: strings crafted against the report
for n in escape-sequences invalid-utf8 nul-bytes concatenated; do
	f=$top/tests/hostile/strace/$n.txt
	[ -f "$f" ] || continue
	check "hostile-$n" "$f"
	ran=$((ran + 1))
done
wait
[ "$ran" -gt 0 ] || { echo "no sample captures found"; exit 1; }
for r in "$out"/*.result; do
	cat "$r"
	grep -q '^FAIL' "$r" && fails=$((fails + 1))
done

for n in kb-socket.f-tt-T-yy race.f-tt-T-yy; do
	[ -f "$out/$n.html" ] && shot "$n"
done
echo "screenshots and pages: $out"
[ "$fails" -eq 0 ]
