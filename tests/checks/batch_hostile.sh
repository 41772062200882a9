#!/bin/sh
# tests/checks/batch_hostile.sh - batch runs unattended over customers'
# data and over result folders copied from elsewhere (issue 16): it never
# deletes or writes through what it did not write, escapes and bounds
# every field of results it merges, lets one writer into an OUTDIR, takes
# its workers down with it, retries what failed for a reason outside the
# capture, and never waits on a FIFO or a device.
set -u
: "${HT:?}" "${SAMPLES:?}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
t=${TMPDIR:-/tmp}/batch_hostile.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
S=$SAMPLES/strace
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok:   $*"; }
mkdir -p "$t/in"
cp "$S/double-close.f-tt-T-yy.txt" "$t/in/a.txt"
cp "$S/double-close.f-tt-T-yy.txt" "$t/in/b.txt"
echo x >>"$t/in/b.txt"

# 1. --prune deletes only folders batch provably wrote, never through a
# symlink, never outside OUTDIR
O=$t/prune
"$HT" batch -q -j1 -o "$O" "$t/in" >/dev/null 2>&1
mkdir -p "$O/foreign" "$O/copied" "$t/outside"
echo '{"name": "a web extension"}' >"$O/foreign/manifest.json"
echo keep >"$O/foreign/report.html"
# our schema, but not this folder's manifest: copied in from elsewhere
sed 's/"dir": "[^"]*"/"dir": "elsewhere"/' "$O/in_a.txt/manifest.json" \
	>"$O/copied/manifest.json"
echo keep >"$O/copied/report.json"
# a symlink to a folder outside OUTDIR that looks like a capture folder
sed 's/"dir": "[^"]*"/"dir": "link"/' "$O/in_a.txt/manifest.json" \
	>"$t/outside/manifest.json"
echo keep >"$t/outside/report.html"
ln -s "$t/outside" "$O/link"
# ours, with a file we did not write in it
cp -r "$O/in_b.txt" "$O/mixed"
sed -i 's/"dir": "[^"]*"/"dir": "mixed"/' "$O/mixed/manifest.json"
echo mine >"$O/mixed/notes.txt"
rm "$t/in/b.txt"
"$HT" batch -q -j1 --prune -o "$O" "$t/in" >/dev/null 2>&1
lost=""
for f in foreign/manifest.json foreign/report.html copied/manifest.json \
	copied/report.json mixed/notes.txt mixed/manifest.json; do
	[ -f "$O/$f" ] || lost="$lost $f"
done
for f in manifest.json report.html; do
	[ -f "$t/outside/$f" ] || lost="$lost outside/$f"
done
if [ -n "$lost" ]; then
	bad "prune-foreign: --prune deleted what batch did not write:$lost"
elif [ -d "$O/in_b.txt" ]; then
	bad "prune-foreign: the results of a removed capture were not pruned"
else
	ok "prune-foreign (only provably own folders pruned)"
fi

# 1b. a symlinked capture folder inside OUTDIR is not written through
O=$t/symdir
mkdir -p "$O" "$t/victim"
ln -s "$t/victim" "$O/in_a.txt"
"$HT" batch -q -j1 -o "$O" "$t/in" >/dev/null 2>"$t/symdir.err"
rc=$?
if [ -n "$(ls "$t/victim")" ]; then
	bad "symlinked-capture-folder: batch wrote through it: $(ls "$t/victim")"
elif [ "$rc" != 2 ] || ! grep -q 'symlink' "$t/symdir.err"; then
	bad "symlinked-capture-folder: exit $rc, stderr: $(cat "$t/symdir.err")"
else
	ok "symlinked-capture-folder (refused, named)"
fi

# 2. results from other machines are untrusted: every field escaped,
# numbers bounded, the page's CSP allows only its own script by hash
O=$t/untrusted
"$HT" batch -q -j1 -o "$O" "$t/in" >/dev/null 2>&1
python3 - "$O/in_a.txt/manifest.json" <<'PY'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
m["state"] = "<img src=x onerror=alert(1)>"
m["status"] = 99
m["size"] = -7
m["error"] = None
json.dump(m, open(p, "w"))
PY
"$HT" index -q "$O" >/dev/null 2>&1
python3 - "$O" <<'PY' || fail=1
import json, re, sys
o = sys.argv[1]
html = open(o + "/index.html", encoding="utf-8").read()
bad = []
if "<img src=x" in html:
    bad.append("the manifest's state reached index.html raw")
csp = re.search(r'Content-Security-Policy" content="([^"]*)"', html)
if not csp or "unsafe-inline" in csp.group(1).split("script-src")[1].split(";")[0]:
    bad.append("index.html's CSP allows any inline script: %r" % (csp and csp.group(1)))
elif "'sha256-" not in csp.group(1):
    bad.append("index.html's CSP has no script hash")
for line in open(o + "/findings.jsonl"):
    c = json.loads(line)
    if c["type"] != "capture":
        continue
    if not 0 <= c["status"] <= 2 or c["size"] < 0:
        bad.append("unbounded numbers from a manifest: %r" % c)
    if c["state"] not in ("ok", "partial", "failed", "crashed", "interrupted"):
        bad.append("unknown state passed on: %r" % c["state"])
for b in bad:
    print("FAIL: untrusted-results: " + b)
sys.exit(1 if bad else 0)
PY
[ "$fail" = 0 ] && ok "untrusted-results (escaped, bounded, CSP by hash)"

# the CSP hashes match the page's own style and script, so it still works
python3 - "$O/index.html" <<'PY' || { echo "FAIL: csp-hashes: the page's own script or style is not allowed"; fail=1; }
import base64, hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'Content-Security-Policy" content="([^"]*)"', html).group(1)
for tag in ("style", "script"):
    body = re.search(r"<%s>(.*?)</%s>" % (tag, tag), html, re.S).group(1)
    h = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    if "'sha256-%s'" % h not in csp:
        sys.exit(1)
PY

# 3. one writer per OUTDIR; index waits its turn too
O=$t/locked
"$HT" batch -q -j1 -o "$O" "$t/in" >/dev/null 2>&1
python3 - "$O/.handletrail-batch.lock" "$t/locked.ready" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(20)
PY
holder=$!
n=0
while [ ! -f "$t/locked.ready" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
"$HT" batch -q -j1 --force -o "$O" "$t/in" >/dev/null 2>"$t/locked.err"
rc=$?
"$HT" index -q "$O" >/dev/null 2>"$t/locked-index.err"
rci=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
if [ "$rc" != 2 ] || ! grep -q 'another handletrail batch' "$t/locked.err"; then
	bad "one-writer: a second batch into a busy OUTDIR: exit $rc, $(cat "$t/locked.err")"
elif [ "$rci" != 2 ] || ! grep -q 'another handletrail batch' "$t/locked-index.err"; then
	bad "one-writer: index into a busy OUTDIR: exit $rci, $(cat "$t/locked-index.err")"
else
	ok "one-writer (a second run and index refused with a message)"
fi

# 3b. killing the parent ends its workers
awk 'BEGIN { for (i = 0; i < 200000; i++) {
	fd = 3 + i % 50
	printf "100   10:00:%02d.%06d openat(AT_FDCWD</w>, \"/tmp/f%d\", O_RDONLY) = %d</tmp/f%d> <0.000002>\n", i / 100000, i % 100000 * 10, i, fd, i
	printf "100   10:00:%02d.%06d close(%d</tmp/f%d>) = 0 <0.000002>\n", i / 100000, i % 100000 * 10 + 1, fd, i
	printf "100   10:00:%02d.%06d close(%d) = -1 EBADF (Bad file descriptor) <0.000002>\n", i / 100000, i % 100000 * 10 + 2, fd
} }' >"$t/big.txt"
"$HT" batch -q -j1 -o "$t/killed" "$t/big.txt" >/dev/null 2>&1 &
parent=$!
child=""
n=0
while [ -z "$child" ] && [ $n -lt 200 ]; do
	child=$(python3 -c '
import os, sys
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            st = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if st[1] == sys.argv[1]:
            print(p)' "$parent")
	[ -n "$child" ] || sleep 0.05
	n=$((n + 1))
done
kill -9 "$parent"
wait "$parent" 2>/dev/null
sleep 0.5
if [ -z "$child" ]; then
	bad "kill-parent: no worker seen"
elif kill -0 "$child" 2>/dev/null &&
	! grep -q '^State:.*Z' "/proc/$child/status" 2>/dev/null; then
	bad "kill-parent: worker $child runs on after its batch was killed"
	kill -9 "$child" 2>/dev/null
else
	ok "kill-parent (the worker ended with its batch)"
fi
# the killed run left no result that the next run would trust
"$HT" batch -j1 -o "$t/killed" "$t/big.txt" >/dev/null 2>"$t/killed.err"
grep -q '1 analysed' "$t/killed.err" && ok "kill-parent-rerun (analysed again)" ||
	bad "kill-parent-rerun: $(cat "$t/killed.err")"

# 4. a failure outside the capture (here: the file size limit, as a full
# disk would) is recorded but tried again on the next run
O=$t/transient
python3 - "$HT" "$O" "$t/in/a.txt" <<'PY'
import resource, signal, subprocess, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
def lim():
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
subprocess.call([sys.argv[1], "batch", "-q", "-j1", "-o", sys.argv[2],
                 sys.argv[3]], preexec_fn=lim, restore_signals=False,
                stderr=subprocess.DEVNULL)
PY
"$HT" batch -j1 -o "$O" "$t/in/a.txt" >/dev/null 2>"$t/transient.err"
rc=$?
if ! grep -q '1 analysed' "$t/transient.err" || [ "$rc" = 2 ]; then
	bad "transient-retried: a failure to write results was cached: exit $rc, $(cat "$t/transient.err")"
else
	ok "transient-retried (analysed again once the disk had room)"
fi
# a capture that is broken stays failed and is not analysed again
head -c 300 "$S/kb-socket.f-tt-T-yy.txt.gz" >"$t/cut.txt.gz"
"$HT" batch -q -j1 -o "$t/broken" "$t/cut.txt.gz" >/dev/null 2>&1
"$HT" batch -j1 -o "$t/broken" "$t/cut.txt.gz" >/dev/null 2>"$t/broken.err"
grep -q '0 analysed, 1 reused' "$t/broken.err" &&
	ok "broken-capture-cached (its failure is reused)" ||
	bad "broken-capture-cached: $(cat "$t/broken.err")"

# 5. nothing hangs: a FIFO, /dev/zero, --rules /dev/zero are refused
mkfifo "$t/fifo"
timeout 20 "$HT" batch -q -j1 -o "$t/dev" "$t/fifo" /dev/zero \
	>/dev/null 2>&1
rc=$?
if [ "$rc" = 124 ]; then
	bad "no-hang: batch waited on a FIFO or /dev/zero"
elif ! grep -q 'not a regular file (a FIFO)' "$t/dev/findings.jsonl" ||
	! grep -q 'not a regular file (a character device)' "$t/dev/findings.jsonl"; then
	bad "no-hang: FIFO and device not listed as refused captures (exit $rc)"
else
	ok "no-hang (FIFO and /dev/zero refused with a reason)"
fi
timeout 20 "$HT" batch -q -j1 -o "$t/dev2" --rules /dev/zero "$t/in/a.txt" \
	>/dev/null 2>"$t/rules.err"
rc=$?
timeout 20 "$HT" --rules /dev/zero "$t/in/a.txt" >/dev/null 2>"$t/rules1.err"
rc1=$?
if [ "$rc" != 2 ] || [ "$rc1" != 2 ] ||
	! grep -q 'not a regular file' "$t/rules.err" ||
	! grep -q 'not a regular file' "$t/rules1.err"; then
	bad "rules-device: --rules /dev/zero: exit $rc/$rc1: $(cat "$t/rules.err" "$t/rules1.err")"
else
	ok "rules-device (--rules /dev/zero refused in batch and single runs)"
fi

# 9. -j beyond int is refused, not wrapped; deep folders are reported
"$HT" batch -q -j 4294967298 -o "$t/j" "$t/in" >/dev/null 2>"$t/j.err"
rc=$?
[ "$rc" = 2 ] && grep -q 'expected 1 to 1024' "$t/j.err" &&
	ok "jobs-overflow (-j 4294967298 refused)" ||
	bad "jobs-overflow: exit $rc: $(cat "$t/j.err")"
d=$t/deep
for i in $(seq 70); do d=$d/d; done
mkdir -p "$d"
cp "$t/in/a.txt" "$d/"
"$HT" batch -j1 -o "$t/deepout" "$t/deep" >/dev/null 2>"$t/deep.err"
grep -q 'deeper than 64 levels' "$t/deep.err" &&
	ok "deep-folders (folders past 64 levels reported)" ||
	bad "deep-folders: not reported: $(cat "$t/deep.err")"

exit $fail
