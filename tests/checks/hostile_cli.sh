#!/bin/sh
# tests/checks/hostile_cli.sh - the single run says what it could not
# read and writes where the user said (issue 16): reports through
# symlinks and /dev/stdout, two reports into one file refused, a forced
# format that reads nothing, --rules on strace, a byte-order mark,
# impossible times, -ff sets past the open-file limit, every bound (the
# finding cap) stated in every report, and an XML attribute guard that
# comments, PIs and DOCTYPEs cannot put out of step.
set -u
: "${HT:?}" "${SAMPLES:?}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
t=${TMPDIR:-/tmp}/hostile_cli.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
S=$SAMPLES/strace
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok:   $*"; }
tr=$S/double-close.f-tt-T-yy.txt
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

# 8. outputs go where the user said: a symlink the user names (here to
# the shell's stdout, as /dev/stdout is) is written through, not replaced
ln -s /proc/self/fd/1 "$t/to-stdout"
"$HT" --json "$t/to-stdout" "$tr" >"$t/out.json" 2>"$t/err"
if [ -L "$t/to-stdout" ] && json_ok "$t/out.json"; then
	ok "output-through-symlink (the report reached the redirection)"
else
	bad "output-through-symlink: link replaced or out.json empty: $(cat "$t/err")"
	ln -sf /proc/self/fd/1 "$t/to-stdout"
fi
"$HT" --json /dev/stdout "$tr" >"$t/out2.json" 2>"$t/err"
[ -L /dev/stdout ] && json_ok "$t/out2.json" &&
	ok "output-dev-stdout (--json /dev/stdout > out.json)" ||
	bad "output-dev-stdout: $(cat "$t/err")"
printf 'first line\n' >"$t/append.log"
"$HT" --json /dev/stdout "$tr" >>"$t/append.log" 2>/dev/null
head -1 "$t/append.log" | grep -q 'first line' &&
	ok "output-dev-stdout-append (>> keeps what was there)" ||
	bad "output-dev-stdout-append: the log was overwritten"
# two reports into one file are refused, not silently overwritten
(cd "$t" && "$HT" --json same.out --html ./same.out "$tr" \
	>/dev/null 2>"$t/same.err")
rc=$?
[ "$rc" = 2 ] && grep -q 'name the same file' "$t/same.err" &&
	[ ! -e "$t/same.out" ] &&
	ok "same-output-twice (refused before writing)" ||
	bad "same-output-twice: exit $rc, $(cat "$t/same.err")"

# 9. a forced format that reads no event is not a clean capture
head -c 4000 /bin/sh >"$t/binary.bin"
"$HT" --format strace "$t/binary.bin" >/dev/null 2>"$t/forced.err"
rc=$?
[ "$rc" = 2 ] && grep -q 'no event was found' "$t/forced.err" &&
	ok "forced-format-nothing-read (exit 2, said)" ||
	bad "forced-format-nothing-read: exit $rc, $(cat "$t/forced.err")"
# the same as .etl: no record framed, counted in records
"$HT" --format etl "$t/binary.bin" >/dev/null 2>"$t/forced.err"
rc=$?
[ "$rc" = 2 ] && grep -q 'no event was found in it (0 records): is it etl?' "$t/forced.err" &&
	ok "forced-etl-nothing-read (exit 2, in records)" ||
	bad "forced-etl-nothing-read: exit $rc, $(cat "$t/forced.err")"
# --rules with strace input is not ignored silently
"$HT" --rules "$SAMPLES/etw/kbserver.rules.xml" \
	--json "$t/rules.json" "$tr" >/dev/null 2>"$t/rules.err"
grep -q 'does nothing for this input' "$t/rules.err" &&
	grep -q 'does nothing for this input' "$t/rules.json" &&
	ok "rules-on-strace (warned, and stated in the report)" ||
	bad "rules-on-strace: $(cat "$t/rules.err")"
# a UTF-8 byte-order mark does not cost the first line
printf '\357\273\277' >"$t/bom.txt"
cat "$tr" >>"$t/bom.txt"
"$HT" --json "$t/plain.json" "$tr" >/dev/null 2>&1
"$HT" --json "$t/bom.json" "$t/bom.txt" >/dev/null 2>&1
python3 - "$t/plain.json" "$t/bom.json" <<'PY' && ok "utf8-bom (first line read)" || bad "utf8-bom: the first line was lost"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(0 if a["inputs"][0]["events"] == b["inputs"][0]["events"] and
         b["inputs"][0]["skipped"] == a["inputs"][0]["skipped"] else 1)
PY
# impossible times are skipped lines with the reason, not events
sed '2s/^\([0-9]* *\)[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/\125:61:61/' "$tr" >"$t/time.txt"
"$HT" --json "$t/time.json" "$t/time.txt" >/dev/null 2>&1
python3 - "$t/plain.json" "$t/time.json" <<'PY' && ok "impossible-time (skipped with its reason)" || bad "impossible-time: 25:61:61 accepted"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
i = b["inputs"][0]
sys.exit(0 if i["skipped"] == a["inputs"][0]["skipped"] + 1 and
         any("impossible time" in s["reason"] for s in i["skipped_samples"])
         else 1)
PY

# 7. a -ff set with more files than the open-file limit: single and batch
mkdir -p "$t/ff"
python3 - "$t/ff" <<'PY'
import sys
for i in range(1100):
    with open("%s/x.%d" % (sys.argv[1], 1000 + i), "w") as f:
        f.write('10:00:00.%06d openat(AT_FDCWD, "/tmp/f%d", O_RDONLY) = 3\n' % (i * 10, i))
        f.write('10:00:00.%06d close(3) = 0\n' % (i * 10 + 5))
PY
python3 - "$HT" "$t" <<'PY'
import glob, resource, subprocess, sys
ht, t = sys.argv[1], sys.argv[2]
def lim():
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
files = sorted(glob.glob(t + "/ff/x.*"))
with open(t + "/ff1.err", "w") as e:
    r1 = subprocess.call([ht, "--json", t + "/ff1.json"] + files,
                         preexec_fn=lim, stderr=e, stdout=subprocess.DEVNULL)
with open(t + "/ff2.err", "w") as e:
    r2 = subprocess.call([ht, "batch", "-q", "-j1", "-o", t + "/ffout",
                          t + "/ff"], preexec_fn=lim, stderr=e)
open(t + "/ff.rc", "w").write("%d %d\n" % (r1, r2))
PY
python3 - "$t" <<'PY' && ok "ff-past-open-file-limit (1100 files under a limit of 256)" || { bad "ff-past-open-file-limit: exit $(cat "$t/ff.rc")"; cat "$t/ff1.err" "$t/ff2.err" | head -3; }
import json, sys
t = sys.argv[1]
r1, r2 = open(t + "/ff.rc").read().split()
one = json.load(open(t + "/ff1.json"))
cap = [json.loads(l) for l in open(t + "/ffout/findings.jsonl")]
sys.exit(0 if r1 == "0" and r2 == "0" and one["summary"]["events"] == 2200
         and cap[0]["events"] == 2200 else 1)
PY

# 6. past the finding cap, every report and the batch index say so
awk 'BEGIN { for (i = 0; i < 100500; i++) {
	printf "100   10:00:00.000000 close(7) = -1 EBADF (Bad file descriptor)\n"
	printf "100   10:00:00.000000 openat(AT_FDCWD</w>, \"/tmp/f%d\", O_RDONLY) = 7</tmp/f%d>\n", i, i
	printf "100   10:00:00.000000 close(7</tmp/f%d>) = 0\n", i
	printf "100   10:00:00.000000 close(7) = -1 EBADF (Bad file descriptor)\n"
} }' >"$t/cap.txt"
"$HT" --json "$t/cap.json" --text "$t/cap.text" --sarif "$t/cap.sarif" \
	"$t/cap.txt" >/dev/null 2>&1
"$HT" batch -q -j1 -o "$t/capout" "$t/cap.txt" >/dev/null 2>&1
python3 - "$t" <<'PY' || fail=1
import json, sys
t = sys.argv[1]
bad = []
j = json.load(open(t + "/cap.json"))
if not j["summary"].get("findings_dropped"):
    bad.append("JSON summary has no findings_dropped")
if not any("past the cap" in l and l.endswith("are)")
           for l in j["inputs"][0]["limits"]):
    bad.append("JSON limits do not state the cap whole: %r" % j["inputs"][0]["limits"])
if "past the cap" not in open(t + "/cap.text").read():
    bad.append("text report does not state the cap")
s = json.load(open(t + "/cap.sarif"))
notes = s["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
if not any("past the cap" in n["message"]["text"] for n in notes):
    bad.append("SARIF does not state the cap")
caps = [json.loads(l) for l in open(t + "/capout/findings.jsonl")
        if '"type":"capture"' in l]
if not caps or not caps[0].get("findings_dropped"):
    bad.append("findings.jsonl does not state the cap")
if "past the cap" not in open(t + "/capout/index.html").read():
    bad.append("index.html does not state the cap")
s = json.load(open(t + "/capout/findings.sarif"))
notes = s["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
if not any("past the cap" in n["message"]["text"] for n in notes):
    bad.append("batch SARIF does not state the cap")
for b in bad:
    print("FAIL: finding-cap-stated: " + b)
if not bad:
    print("ok:   finding-cap-stated (JSON, text, SARIF, index, feeds)")
sys.exit(1 if bad else 0)
PY

# 6. a bound is stated whole, however many other limits apply (four
# limits used to cut the fifth mid-sentence)
python3 - "$t/lim.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        fd = 100 + i
        f.write('100 10:00:00.000001 openat(AT_FDCWD, "/tmp/a%d", O_RDONLY) = %d\n' % (i, fd))
        f.write('100 10:00:00.000002 close(%d) = 0\n' % fd)
        f.write('101 10:00:00.000003 openat(AT_FDCWD, "/tmp/b%d", O_RDONLY) = %d\n' % (i, fd))
        f.write('100 10:00:00.000004 close(%d) = 0\n' % fd)
PY
"$HT" --json "$t/lim.json" "$t/lim.txt" >/dev/null 2>&1
python3 - "$t/lim.json" <<'PY' && ok "limits-whole (every limit stated to its end)" || bad "limits-whole: a limit was cut"
import json, sys
lim = json.load(open(sys.argv[1]))["inputs"][0]["limits"]
sys.exit(0 if len(lim) >= 4 and any(l.endswith("number never seen")
                                   for l in lim) else 1)
PY

# 6. the XML attribute guard follows the grammar: a PI, comment or CDATA
# section holding '>' and "<!--" does not hide a tag with too many
# attributes (a DOCTYPE is refused outright); inside <Events>, where
# CDATA text is no error of its own that would be reported first
attrs=$(python3 -c 'print(" ".join("a%d=\"\"" % i for i in range(400)))')
for pre in '<?pi > <!-- ?>' '<?pi > <![CDATA[ ?>' '<!-- > <?x -->' \
	'<![CDATA[ > <!-- ]]>' "<?pi '> <!-- ?>"; do
	printf '<?xml version="1.0"?>\n<Events>\n%s\n<Event %s/>\n</Events>\n<!-- -->\n' \
		"$pre" "$attrs" >"$t/guard.xml"
	"$HT" --format etw-xml --json "$t/guard.json" "$t/guard.xml" \
		>/dev/null 2>"$t/guard.err"
	if grep -q 'attributes' "$t/guard.err" "$t/guard.json" 2>/dev/null; then
		ok "xml-guard-grammar ($pre)"
	else
		bad "xml-guard-grammar: '$pre' let a 400-attribute tag past: $(head -c 300 "$t/guard.err")"
	fi
done

exit $fail
