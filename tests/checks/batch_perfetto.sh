#!/bin/sh
# tests/checks/batch_perfetto.sh - the --perfetto export is Chrome
# trace-event JSON that Perfetto can load: names for every process and
# thread, complete slices that never overlap on a thread, paired async
# begin/end per handle generation, instants for findings and flows that
# start, end and bind to slices.  Single run and batch --perfetto.
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
: "${HT:?}" "${SAMPLES:?}"
t=${TMPDIR:-/tmp}/batch_perfetto.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
S=$SAMPLES/strace
fail=0
# timestamps (-tt -T), relative (-r), none (line numbers), -ff files
for c in "kb-socket.f-tt-T-yy.txt" "stale-close.f-tt-T-yy.txt" \
	 "kb-socket.f-r-T-y.txt" "double-close.f-yy.txt" \
	 "use-after-close.ff-tt-y.*" "clean-threadpool.f-tt-T-yy.txt"; do
	out=$t/$(echo "$c" | tr -c 'A-Za-z0-9.\n-' _).json
	# shellcheck disable=SC2086
	"$HT" --perfetto "$out" $S/$c >/dev/null 2>"$t/err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "FAIL: $c: exit $rc"; cat "$t/err"; fail=1; continue
	fi
	python3 - "$out" "$c" <<'PY' || fail=1
import json, sys
path, name = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
ev = doc["traceEvents"]
bad = []
def err(m):
    bad.append(m)
def ns(x):
    return round(float(x) * 1000)
named_p, named_t = set(), set()
for e in ev:
    ph = e.get("ph")
    if ph not in ("M", "X", "b", "e", "i", "s", "t", "f"):
        err("unknown ph %r" % ph)
    if not isinstance(e.get("pid"), int):
        err("no integer pid: %r" % e)
    if ph != "M":
        if not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0:
            err("bad ts: %r" % e)
    if ph == "M":
        if e.get("name") == "process_name":
            named_p.add(e["pid"])
        elif e.get("name") == "thread_name":
            named_t.add((e["pid"], e["tid"]))
        else:
            err("metadata Perfetto ignores: %r" % e)
        if not isinstance(e.get("args", {}).get("name"), str):
            err("metadata without args.name: %r" % e)
# complete slices: dur present, positive, never overlapping per tid
xs = {}
for e in ev:
    if e["ph"] == "X":
        if not isinstance(e.get("dur"), (int, float)) or e["dur"] <= 0:
            err("X without positive dur: %r" % e)
            continue
        if (e["pid"], e["tid"]) not in named_t:
            err("thread without thread_name: %r" % e)
        xs.setdefault(e["tid"], []).append((ns(e["ts"]), ns(e["dur"]), e))
for tid, l in xs.items():
    l.sort(key=lambda x: x[0])
    for a, b in zip(l, l[1:]):
        if a[0] + a[1] > b[0]:
            err("overlapping slices on tid %d: %s / %s" % (tid, a[2]["name"], b[2]["name"]))
# async tracks: one b and one e per (cat, id), same name and pid, e >= b
tracks = {}
for e in ev:
    if e["ph"] in ("b", "e"):
        if not e.get("id"):
            err("async without id: %r" % e)
        tracks.setdefault((e["cat"], e["id"]), []).append(e)
for k, l in tracks.items():
    phs = sorted(x["ph"] for x in l)
    if phs != ["b", "e"]:
        err("async %r not one b and one e: %r" % (k, phs))
        continue
    b = [x for x in l if x["ph"] == "b"][0]
    e = [x for x in l if x["ph"] == "e"][0]
    if b["name"] != e["name"] or b["pid"] != e["pid"] or ns(e["ts"]) < ns(b["ts"]):
        err("async %r: b/e mismatch" % (k,))
    if "#" not in k[1]:
        err("async id does not name the generation: %r" % (k,))
# instants: thread-scoped with tid
inst = [e for e in ev if e["ph"] == "i"]
for e in inst:
    if e.get("s") != "t" or not isinstance(e.get("tid"), int):
        err("instant not thread-scoped: %r" % e)
# flows: one s, any t, one f (bp e) per id, in time order, each point
# inside a slice of its thread (so Perfetto binds the arrow)
flows = {}
for e in ev:
    if e["ph"] in ("s", "t", "f"):
        flows.setdefault((e["id"], e["cat"], e["name"]), []).append(e)
def inside(e):
    t = ns(e["ts"])
    return any(s <= t < s + d for s, d, _ in xs.get(e["tid"], []))
for k, l in flows.items():
    phs = [x["ph"] for x in l]
    if phs.count("s") != 1 or phs.count("f") != 1 or phs[0] != "s" or phs[-1] != "f":
        err("flow %r is not s..f: %r" % (k, phs))
    if l[-1].get("bp") != "e":
        err("flow end without bp=e: %r" % (k,))
    ts = [ns(x["ts"]) for x in l]
    if ts != sorted(ts):
        err("flow %r runs backwards" % (k,))
    for x in l:
        if not inside(x):
            err("flow point outside any slice: %r" % x)
nx = sum(len(l) for l in xs.values())
print("%s: %d events, %d slices, %d tracks, %d findings, %d flows" %
      (name, len(ev), nx, len(tracks), len(inst), len(flows)))
findings = name.startswith(("kb-socket", "stale-close", "double-close", "use-after-close"))
if findings and (nx == 0 or not inst or not tracks):
    err("a capture with findings exported no slices, instants or tracks")
if name.startswith(("kb-socket.f-tt", "stale-close")) and not flows:
    err("no close -> reuse -> failure flow")
for m in bad[:20]:
    print("FAIL:", name + ":", m)
sys.exit(1 if bad else 0)
PY
done
# -T durations: the read blocked from line 47 until it resumed 382 us later
# is drawn that long (the entry line has no duration: the exit gives it)
c=close-while-in-use.f-tt-T-yy.txt
"$HT" --perfetto "$t/cwiu.json" "$S/$c" >/dev/null 2>&1
python3 - "$t/cwiu.json" <<'PY' || fail=1
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
reads = [e for e in ev if e.get("ph") == "X" and e["name"].startswith("read(3)")]
durs = [e["dur"] for e in reads]
if durs != [382.0]:
    print("FAIL: close-while-in-use blocked read slices %r, want [382.0]" % durs)
    sys.exit(1)
PY
# batch --perfetto writes one per capture, the same bytes as a single run
mkdir -p "$t/in"
cp "$S/kb-socket.f-tt-T-yy.txt" "$t/in/"
"$HT" batch -q -j1 --perfetto -o "$t/out" "$t/in" >/dev/null 2>&1
[ $? -le 1 ] || { echo "FAIL: batch --perfetto exit status"; fail=1; }
"$HT" --perfetto "$t/single.json" "$t/in/kb-socket.f-tt-T-yy.txt" >/dev/null 2>&1
d=$(ls -d "$t/out"/*/ | head -1)
if ! cmp "$t/single.json" "$d/trace.perfetto.json"; then
	echo "FAIL: batch --perfetto differs from --perfetto of the same capture"
	fail=1
fi
exit $fail
