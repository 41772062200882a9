#!/bin/sh
# tests/checks/html_browser.sh - renders the HTML report of sample captures
# and loads them from file:// in headless Chromium: every report's script
# must run to its end with no console message or CSP violation, and every
# finding of the JSON report must have its #F anchor, a story and an SVG
# timeline in the rendered DOM.  A probe drives sorting, filtering (also by
# field: fd:5, tid:17208, kind:stale-close) and j/k; a page of 5000
# findings must list and link every one and filter them by field.  At
# 800 and 1200 px wide neither a report (one with long paths and socket
# names among them) nor a batch index page scrolls sideways, nor does a
# table inside its box, and objects and trace lines wrap only where
# they may (no break-all, no anywhere); the index's script runs under its
# CSP.
# Pages, DOMs and screenshots land in $BUILD/html-check/.  77: no Chromium.
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
command -v python3 >/dev/null 2>&1 ||
	{ echo "python3 is not installed"; exit 77; }
[ -x "$HT" ] || { echo "no handletrail binary at $HT"; exit 1; }

out=$top/$BUILD/html-check
mkdir -p "$out"
rm -f "$out"/*.html "$out"/*.json "$out"/*.dom "$out"/*.log "$out"/*.png \
	"$out"/*.err "$out"/pages
profiles=$(mktemp -d)
trap 'rm -rf "$profiles"' EXIT INT TERM
fails=0

# never wait forever on a page (an alert() would block headless Chromium)
chrome() {
	prof=$(mktemp -d "$profiles/p.XXXXXX")
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$prof" --hide-scrollbars \
		--enable-logging=stderr --v=0 --virtual-time-budget=5000 "$@"
}

# render NAME FILE... : the HTML and JSON reports of one capture
render() {
	name=$1
	shift
	"$HT" --html "$out/$name.html" --json "$out/$name.json" "$@" \
		>/dev/null 2>"$out/$name.err"
	rc=$?
	if [ "$rc" -gt 1 ] || [ ! -s "$out/$name.html" ]; then
		echo "FAIL $name: handletrail exited $rc"
		sed 's/^/    /' "$out/$name.err" | head -5
		fails=$((fails + 1))
		return
	fi
	echo "$name" >>"$out/pages"
}

S=$SAMPLES/strace
for f in kb-socket.f-tt-T-yy.txt kb-socket-ebadf.f-tt-T-yy.txt \
	 stale-close.f-k-y.txt stale-use.f-r-T-y.txt \
	 use-after-close.f-tt-T-yy.txt double-close.f-Y-y.txt \
	 close-while-in-use.f-tt-T-yy.txt leak.f-tt-T-yy.txt \
	 benign.f-tt-T-yy.txt; do
	[ -f "$S/$f" ] && render "${f%.txt}" "$S/$f"
done
# a -ff capture: one file per thread, one capture
set -- "$S"/kb-socket.ff-tt-y.[0-9]*
[ -f "$1" ] && render kb-socket.ff "$@"
f=$SHARED/strace-captures/race.f-tt-T-yy.txt
[ -f "$f" ] && render race.f-tt-T-yy "$f"
# long paths and TCP:[...->...] objects in the findings table
f=$SAMPLES/real/c-pool-double-close/c-pool-double-close.run2.txt.xz
[ -f "$f" ] && render c-pool-double-close.run2 "$f"
# ETW: one export of the samples with findings, one clean
for n in kb-q155738.tracerpt cpu-buffers.wevtutil clean-server.perfview; do
	f=$SAMPLES/etw/$n.xml
	[ -f "$f" ] && render "etw-$n" "$f"
done
# hostile input: strings crafted against the report
for n in escape-sequences invalid-utf8 nul-bytes concatenated; do
	f=$top/tests/hostile/strace/$n.txt
	[ -f "$f" ] && render "hostile-$n" "$f"
done
f=$top/tests/cases/html-hostile/trace.txt
[ -f "$f" ] && render html-hostile "$f"
[ -s "$out/pages" ] || { echo "no sample captures found"; exit 1; }

# One browser run loads every report, each in its own frame (so each runs
# under its own CSP); the frame page copies each rendered DOM out.
python3 - "$out" <<'PY'
import html, sys
out = sys.argv[1]
names = open(out + '/pages').read().split()
frames = ''.join('<iframe src="%s.html" data-name="%s"></iframe>\n'
                 % (html.escape(n), html.escape(n)) for n in names)
open(out + '/index.html', 'w').write('''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>reports</title></head><body>
%s<script>
window.addEventListener('load', function () {
  Array.prototype.forEach.call(document.querySelectorAll('iframe'),
    function (f) {
      var t = document.createElement('textarea');
      t.setAttribute('data-name', f.getAttribute('data-name'));
      try { t.textContent = f.contentDocument.documentElement.outerHTML; }
      catch (e) { t.textContent = 'UNREADABLE ' + e; }
      document.body.appendChild(t);
    });
  document.body.setAttribute('data-done', 'yes');
});
</script></body></html>
''' % frames)
PY
for try in 1 2; do
	chrome --allow-file-access-from-files --dump-dom \
		"file://$out/index.html" >"$out/index.dom" 2>"$out/index.log"
	grep -q 'data-done="yes"' "$out/index.dom" && break
done

python3 - "$out" <<'PY' || fails=$((fails + 1))
import html, json, re, sys
out = sys.argv[1]
dump = open(out + '/index.dom', encoding='utf-8', errors='replace').read()
log = open(out + '/index.log', encoding='utf-8', errors='replace').read()
doms = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(
    r'<textarea data-name="([^"]*)">(.*?)</textarea>', dump, re.S)}
failed = 0
if 'data-done="yes"' not in dump:
    print('FAIL the browser did not load the reports')
    sys.exit(1)
for line in log.splitlines():
    if 'CONSOLE' in line or 'Refused to' in line or 'Uncaught' in line:
        print('FAIL console: ' + line.strip()[:300])
        failed += 1
for name in open(out + '/pages').read().split():
    bad = []
    rep = json.load(open('%s/%s.json' % (out, name), encoding='utf-8'))
    page = open('%s/%s.html' % (out, name), encoding='utf-8').read()
    dom = doms.get(name, '')
    ids = [f['id'] for f in rep.get('findings', [])]
    # the file itself: nothing to fetch
    for m in re.finditer(r'\b(src|href|action|xlink:href)\s*=\s*"([^"]*)"',
                         page):
        if not (m.group(2).startswith('#') or m.group(2) == 'data:,'):
            bad.append('reference leaving the page: ' + m.group(0)[:80])
    if re.search(r'url\(|@import', page):
        bad.append('CSS fetches something')
    # the browser's view
    if not re.search(r'<html[^>]*data-js="ok"', dom):
        bad.append('page script did not run to its end')
    if re.search(r'<html[^>]*data-js-errors', dom):
        bad.append('script error or CSP violation recorded by the page')
    sections = re.split(r'(?=<section class="finding)', dom)[1:]
    where = {}
    for s in sections:
        s = s.split('</section>')[0]
        sid = re.match(r'<section[^>]*\bid="(F\d+)"', s)
        if not sid:
            bad.append('finding section without an id')
            continue
        for a in re.findall(r'\bid="(F\d+)"', s):
            where[a] = s
        for need, what in (('class="story"', 'story'),
                           ('<svg class="tl"', 'SVG timeline'),
                           ('class="offending"', 'offending call'),
                           ('SUMMARY: handletrail:', 'SUMMARY line')):
            if need not in s:
                bad.append('%s: no %s' % (sid.group(1), what))
    for i in ids:
        if 'F%d' % i not in where:
            bad.append('finding F%d has no anchor in a finding section' % i)
    if not ids and 'No errors or warnings' not in dom:
        bad.append('clean capture does not say so')
    print('%s %s: %d findings, %d stories, %d bytes'
          % ('FAIL' if bad else 'ok  ', name, len(ids), len(sections),
             len(page)))
    for b in bad:
        print('    ' + b)
    failed += bool(bad)
sys.exit(1 if failed else 0)
PY

# Screenshots to look at, top-level loads.
for n in kb-socket.f-tt-T-yy race.f-tt-T-yy; do
	[ -f "$out/$n.html" ] || continue
	chrome --window-size=1400,2600 --screenshot="$out/$n.png" \
		"file://$out/$n.html" >/dev/null 2>&1
	if [ ! -s "$out/$n.png" ]; then
		echo "FAIL $n: no screenshot"
		fails=$((fails + 1))
	fi
done

# The script's features, driven in the browser: a copy of one page with
# its CSP removed and a probe script appended that sorts, filters and
# presses j/k, then writes what it saw into the DOM.
probe() {
	python3 - "$out/$1.html" "$out/$1.probe.html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
s = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', '', s)
probe = r"""<script>
(function(){var d=document,bad=[];
function key(k){d.dispatchEvent(new KeyboardEvent('keydown',
 {key:k,bubbles:true}));}
function visible(){return Array.prototype.filter.call(
 d.querySelectorAll('#ftable tbody tr'),function(x){return !x.hidden;}).length;}
var secs=d.querySelectorAll('section.finding'),n=secs.length;
var th=d.querySelectorAll('#ftable thead th')[6];
th.click(); if(th.getAttribute('aria-sort')!=='ascending')bad.push('sort asc');
th.click(); if(th.getAttribute('aria-sort')!=='descending')bad.push('sort desc');
var q=d.getElementById('filter');
q.value='no-such-text-anywhere'; q.dispatchEvent(new Event('input'));
if(visible()!==0)bad.push('filter hides rows');
if(n&&!secs[0].hidden)bad.push('filter hides stories');
q.value=''; q.dispatchEvent(new Event('input'));
var rows=d.querySelectorAll('#ftable tbody tr').length;
if(visible()!==rows)bad.push('filter cleared');
[['tid:17208',1],['fd:5',2],['fd:0x5',2],['kind:stale-close',1],
 ['kind:stale sev:error',2],['id:F2',1],['pid:17207 tid:17207',1],
 ['tid:1',0]].forEach(function(t){
 q.value=t[0]; q.dispatchEvent(new Event('input'));
 if(visible()!==t[1])bad.push(t[0]+' shows '+visible());});
q.value=''; q.dispatchEvent(new Event('input'));
key('j'); if(n&&d.querySelector('section.cur')!==secs[0])bad.push('j first');
if(n>1){key('j'); if(d.querySelector('section.cur')!==secs[1])bad.push('j');
 key('k'); if(d.querySelector('section.cur')!==secs[0])bad.push('k');}
Array.prototype.forEach.call(d.querySelectorAll('input[data-kind]'),
 function(b){b.checked=false; b.dispatchEvent(new Event('change'));});
if(visible()!==0)bad.push('kind boxes');
d.body.setAttribute('data-probe',bad.length?bad.join(','):'ok');
})();
</script>
"""
open(sys.argv[2], 'w', encoding='utf-8').write(
    s.replace('</body>', probe + '</body>'))
PY
	for try in 1 2; do
		res=$(chrome --dump-dom "file://$out/$1.probe.html" \
			2>/dev/null | grep -o 'data-probe="[^"]*"')
		[ -n "$res" ] && break
	done
	if [ "$res" = 'data-probe="ok"' ]; then
		echo "ok   $1: sorting, filtering, j/k"
	else
		echo "FAIL $1: script features: ${res:-no result}"
		fails=$((fails + 1))
	fi
}
[ -f "$out/kb-socket.f-tt-T-yy.html" ] && probe kb-socket.f-tt-T-yy

# 5000 findings: the KB sample 2500 times over, TIDs shifted by 100000
# and the log file named per copy.  Every finding is a row of the table,
# every row's link lands on an anchor, a field filter finds one thread's
# finding among them, and at most 500 rows are laid out at once (the
# rest a click away, the count said).  The times are printed, not judged.
big=$out/big5000
awk -v n=2500 '
	function letters(c,  s) { s = ""
		do { s = s sprintf("%c", 97 + c % 26); c = int(c / 26) }
		while (c > 0)
		return s }
	{ line[NR] = $0 }
	END { for (c = 0; c < n; c++) { l = letters(c)
		for (i = 1; i <= NR; i++) { s = line[i]
			if (match(s, /^[0-9]+ /)) {
				t = substr(s, 1, RLENGTH - 1) + c * 100000
				s = t substr(s, RLENGTH) }
			gsub(/kb-socket\.log/, "kb-" l ".log", s); print s } } }' \
	"$S/kb-socket.f-tt-T-yy.txt" >"$big.txt"
"$HT" --html "$big.html" "$big.txt" >/dev/null 2>&1
rm -f "$big.txt"
python3 - "$big.html" "$big.probe.html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
s = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', '', s)
probe = r"""<script>
(function(){var d=document,bad=[],times=[];
function visible(){return Array.prototype.filter.call(
 d.querySelectorAll('#ftable tbody tr'),function(x){return !x.hidden;}).length;}
var q=d.getElementById('filter'),sh=d.getElementById('shown');
var rows=d.querySelectorAll('#ftable tbody tr').length;
if(rows!==5000)bad.push(rows+' rows');
var miss=0;Array.prototype.forEach.call(d.querySelectorAll('#ftable a[href^="#F"]'),
 function(a){if(!d.getElementById(a.getAttribute('href').slice(1)))miss++;});
if(miss)bad.push(miss+' row links without their anchor');
if(visible()!==500)bad.push('listed at load: '+visible());
function f(v,want,said){var t0=performance.now();q.value=v;
 q.dispatchEvent(new Event('input'));d.body.offsetHeight;
 times.push(v+' '+Math.round(performance.now()-t0)+' ms');
 if(visible()!==want)bad.push(v+' shows '+visible());
 if(said&&sh.textContent!==said)bad.push(v+' says '+sh.textContent);}
f('tid:17208',1,'1 of 5000 findings match');
f('tid:249917208 fd:5',1);
f('kind:stale-close',500,'2500 of 5000 findings match, the first 500 listed');
d.querySelector('button.more').click();
if(visible()!==1000)bad.push('more lists '+visible());
f('',500,'5000 findings, the first 500 listed');
d.body.setAttribute('data-probe',bad.length?bad.join(','):'ok');
d.body.setAttribute('data-times',times.join('; '));
})();
</script>
"""
open(sys.argv[2], 'w', encoding='utf-8').write(
    s.replace('</body>', probe + '</body>'))
PY
res=""
for try in 1 2; do
	chrome --dump-dom "file://$big.probe.html" >"$big.dom" 2>/dev/null
	res=$(grep -o 'data-probe="[^"]*"' "$big.dom")
	[ -n "$res" ] && break
done
if [ "$res" = 'data-probe="ok"' ]; then
	echo "ok   big5000: $(wc -c <"$big.html") bytes; $(grep -o 'data-times="[^"]*"' "$big.dom")"
else
	echo "FAIL big5000: ${res:-no result}"
	fails=$((fails + 1))
fi
grep -q 'The table lists every finding' "$big.html" ||
	{ echo "FAIL big5000: the banner does not say the table lists all"; fails=$((fails + 1)); }

# Narrow and wide windows: a copy of a page with a probe that measures.
# The batch index of a few captures (one failing) is measured too, and
# loaded as it is: its script must run under its own CSP.
bdir=$out/batch
rm -rf "$bdir" "$out/batch-in"
mkdir -p "$out/batch-in"
for f in "$S/kb-socket.f-tt-T-yy.txt" "$SAMPLES/etw/kb-q155738.tracerpt.xml" \
	 "$SAMPLES/real/c-pool-double-close/c-pool-double-close.run2.txt.xz"; do
	[ -f "$f" ] && cp "$f" "$out/batch-in/"
done
head -c 1500 "$S/kb-socket.f-tt-T-yy.txt.gz" >"$out/batch-in/cut-short.txt.gz"
"$HT" batch -q -j2 -o "$bdir" "$out/batch-in" >/dev/null 2>&1
if [ -s "$bdir/index.html" ]; then
	cp "$bdir/index.html" "$out/batch-index.html"
	res=""
	for try in 1 2; do
		res=$(chrome --dump-dom "file://$bdir/index.html" 2>/dev/null |
			grep -o '<html[^>]*>')
		[ -n "$res" ] && break
	done
	case $res in
	*data-js-errors*|'') echo "FAIL batch index: script errors or no DOM: $res"
		fails=$((fails + 1)) ;;
	*'data-js="ok"'*) echo "ok   batch index: its script runs under its CSP" ;;
	*) echo "FAIL batch index: script did not run: $res"
		fails=$((fails + 1)) ;;
	esac
else
	echo "FAIL batch index: batch wrote no index.html"
	fails=$((fails + 1))
fi
fits() {
	python3 - "$out/$1.html" "$out/$1.w$2.html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
s = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', '', s)
probe = r"""<script>
(function(){var d=document,e=d.documentElement,bad=[],n=0;
function each(l,f){Array.prototype.forEach.call(l,f);}
if(e.scrollWidth>e.clientWidth)bad.push('page '+e.scrollWidth+'px');
each(d.querySelectorAll('.ftwrap,.scroll,pre'),function(x){
 if(x.scrollWidth>x.clientWidth+1)bad.push(x.tagName.toLowerCase()+'.'+
  x.className+' '+x.scrollWidth+'>'+x.clientWidth+'px');});
each(d.querySelectorAll('table'),function(x){
 if(x.getBoundingClientRect().right>e.clientWidth+1)bad.push('table.'+
  x.className+' '+Math.round(x.getBoundingClientRect().right)+'px');});
each(d.querySelectorAll('.obj,.loc'),function(x){var c=getComputedStyle(x);
 n++;if(c.wordBreak==='break-all'||c.overflowWrap==='anywhere')
 bad.push(x.className+' breaks anywhere');});
d.body.setAttribute('data-fits',bad.length?bad.slice(0,4).join('; '):
 'ok '+n);})();
</script>
"""
open(sys.argv[2], 'w', encoding='utf-8').write(
    s.replace('</body>', probe + '</body>'))
PY
	res=""
	for try in 1 2; do
		res=$(chrome --window-size="$2,1600" --dump-dom \
			"file://$out/$1.w$2.html" 2>/dev/null |
			grep -o 'data-fits="[^"]*"')
		[ -n "$res" ] && break
	done
	case $res in
	'data-fits="ok '*) echo "ok   $1 at $2 px: no sideways scrolling" ;;
	*) echo "FAIL $1 at $2 px: ${res:-no result}"
		fails=$((fails + 1)) ;;
	esac
}
for n in kb-socket.f-tt-T-yy c-pool-double-close.run2 race.f-tt-T-yy \
	 etw-kb-q155738.tracerpt html-hostile batch-index; do
	[ -f "$out/$n.html" ] || continue
	for w in 800 1200; do
		fits "$n" "$w"
	done
done
for n in c-pool-double-close.run2 batch-index; do
	[ -f "$out/$n.w800.html" ] &&
		chrome --window-size=800,1600 --screenshot="$out/$n.800.png" \
			"file://$out/$n.w800.html" >/dev/null 2>&1
done

echo "pages, DOMs and screenshots: $out"
[ "$fails" -eq 0 ]
