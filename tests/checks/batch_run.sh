#!/bin/sh
# tests/checks/batch_run.sh - handletrail batch over the samples folder
# (plus a broken capture and a hostile file name): -j1 and -j2 give the
# same bytes; every capture is listed, the failing one with its error;
# the exit status is the worst; findings.jsonl parses and links into the
# per-capture reports; index.html is self-contained and escaped; JUnit
# XML parses.
set -u
: "${HT:?}" "${SAMPLES:?}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
t=${TMPDIR:-/tmp}/batch_run.$$
mkdir -p "$t/extra"
trap 'rm -rf "$t"' EXIT
S=$SAMPLES/strace
# a compressed capture cut short: found by the walk, fails mid-way
head -c 600 "$S/kb-socket.f-tt-T-yy.txt.gz" >"$t/extra/cut-short.txt.gz"
# untrusted text in a file name reaches the index
cp "$S/double-close.f-tt-T-yy.txt" "$t/extra/<script>alert(1)<"'!'"-- x.txt"
fail=0
(cd "$t" && "$HT" batch -j1 -o out1 --junit junit.xml "$SAMPLES" extra \
	missing.txt 2>err1)
rc1=$?
(cd "$t" && "$HT" batch -j2 -q -o out2 "$SAMPLES" extra missing.txt \
	2>err2)
rc2=$?
[ "$rc1" = 2 ] && [ "$rc2" = 2 ] ||
	{ echo "FAIL: exit status $rc1/$rc2, expected 2 (worst capture)"; fail=1; }
[ -s "$t/err2" ] && { echo "FAIL: --quiet still wrote:"; cat "$t/err2"; fail=1; }
if ! diff -r "$t/out1" "$t/out2" >"$t/diff"; then
	echo "FAIL: -j1 and -j2 results differ"; head -20 "$t/diff"; fail=1
fi
n=$(ls "$t/out1" | wc -l)
[ "$n" -ge 40 ] || { echo "FAIL: only $n entries in OUTDIR"; fail=1; }

python3 - "$t" "$SAMPLES" <<'PY' || fail=1
import json, os, re, sys, xml.etree.ElementTree as ET
t, samples = sys.argv[1], sys.argv[2]
out = t + "/out1"
bad = []
caps, finds = [], []
for n, line in enumerate(open(out + "/findings.jsonl"), 1):
    o = json.loads(line)
    (caps if o["type"] == "capture" else finds).append(o)
names = [c["capture"] for c in caps]
if names != sorted(names):
    bad.append("captures not in name order")
by = {c["capture"]: c for c in caps}
# -ff per-thread files are one capture; .merged.txt is another
ff = [c for c in caps if c["capture"].endswith("kb-socket.ff-tt-y")]
if len(ff) != 1 or len(ff[0]["inputs"]) < 2:
    bad.append("kb-socket -ff files not grouped into one capture: %r" % ff)
if not any(c["capture"].endswith("kb-socket.ff-tt-y.merged.txt") for c in caps):
    bad.append("merged -ff file missing")
if not any(c["capture"].endswith(".txt.gz") and c["state"] == "ok" for c in caps):
    bad.append("no compressed capture analysed")
cut = [c for c in caps if c["capture"].endswith("cut-short.txt.gz")]
miss = [c for c in caps if c["capture"] == "missing.txt"]
for name, l in (("cut-short", cut), ("missing", miss)):
    if len(l) != 1 or l[0]["status"] != 2 or not l[0]["error"]:
        bad.append("failing capture %s not listed with its error: %r" % (name, l))
clean = [c for c in caps if "clean-" in c["capture"]]
if not clean or any(c["status"] != 0 for c in clean):
    bad.append("clean captures not clean: %r" % [(c["capture"], c["by_severity"]) for c in clean])
html = open(out + "/index.html", encoding="utf-8").read()
def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))
for c in caps:
    if esc(c["capture"]) not in html:
        bad.append("capture missing from index.html: " + c["capture"])
for c in cut + miss:
    if esc(c["error"]) not in html:
        bad.append("error of %s not in index.html" % c["capture"])
if "<script>alert" in html:
    bad.append("file name reached index.html unescaped")
if re.search(r'(src|href)\s*=\s*"(https?:)?//', html) or "url(" in html:
    bad.append("index.html refers to something outside itself")
if html.count("<script>") != 1:
    bad.append("index.html should have exactly one inline script")
kinds = set()
for f in finds:
    kinds.add(f["kind"])
    for k in ("id", "kind", "severity", "fingerprint", "capture", "report", "source", "chain"):
        if k not in f:
            bad.append("finding without %s" % k)
    c = by.get(f["capture"])
    if not c or c["findings"] < 1:
        bad.append("finding of an unknown capture")
    page, anchor = f["report"].split("#")
    p = out + "/" + page
    if not os.path.exists(p):
        bad.append("report link to a missing file: " + f["report"])
    elif ('id="%s"' % anchor) not in open(p, encoding="utf-8").read():
        bad.append("report link to a missing anchor: " + f["report"])
for c in caps:
    n = sum(1 for f in finds if f["capture"] == c["capture"])
    if n != c["findings"] or sum(c["by_kind"].values()) != n:
        bad.append("capture %s counts %d findings, lists %d" % (c["capture"], c["findings"], n))
want = {"double-close", "stale-close", "stale-use", "use-after-close",
        "close-while-in-use", "leak"}
if not want <= kinds:
    bad.append("kinds missing from the batch: %r" % sorted(want - kinds))
# totals in the index agree with the feed
m = re.search(r"(\d+) captures?, (\d+) findings?", html)
if not m or int(m.group(1)) != len(caps) or int(m.group(2)) != len(finds):
    bad.append("index headline does not match findings.jsonl")
j = ET.parse(t + "/junit.xml").getroot()
suites = j.findall("testsuite")
if len(suites) != len(caps):
    bad.append("junit: %d testsuites for %d captures" % (len(suites), len(caps)))
errs = [s.get("name") for s in suites if s.find("testcase/error") is not None]
if sorted(errs) != sorted(c["capture"] for c in cut + miss):
    bad.append("junit errors %r" % errs)
print("%d captures, %d findings, kinds %s" % (len(caps), len(finds), sorted(kinds)))
for b in bad[:30]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
grep -q "captures" "$t/err1" || { echo "FAIL: no summary line on stderr"; fail=1; }
exit $fail
