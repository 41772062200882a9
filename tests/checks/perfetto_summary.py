#!/usr/bin/env python3
# tests/checks/perfetto_summary.py FILE [NAME] - checks a --perfetto export
# against the Chrome trace-event format as Perfetto UI reads it and prints
# a short summary of it (for golden cases: a whole export is too long to
# read).  Checked: it parses as JSON; every event has a known ph, an
# integer pid and (but metadata) a ts >= 0 in microseconds; "M" events are
# process_name/thread_name with args.name, and every process and thread
# drawn has one; complete slices ("X") have a positive dur and never
# overlap on a thread's track; instants are thread- or process-scoped;
# async begin/end pair up per id; flows run s, t..., f forward in time and
# every point (and every finding marker) lies inside a slice of its thread,
# so the viewer binds them.  Exit 1 (after the summary) when any fails.
import json
import sys

path = sys.argv[1]
label = sys.argv[2] if len(sys.argv) > 2 else path
doc = json.load(open(path))
ev = doc["traceEvents"]
bad = []


def err(m):
    bad.append(m)


def ns(x):
    return round(float(x) * 1000)


pnames, tnames = {}, {}
for e in ev:
    ph = e.get("ph")
    if ph not in ("M", "X", "b", "e", "i", "s", "t", "f"):
        err("unknown ph %r" % ph)
        continue
    if not isinstance(e.get("pid"), int):
        err("no integer pid: %r" % e)
    if ph != "M" and (not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0):
        err("bad ts: %r" % e)
    if ph in ("X", "s", "t", "f") or (ph == "i" and e.get("s") == "t"):
        if not isinstance(e.get("tid"), int):
            err("no integer tid: %r" % e)
    if ph == "i" and e.get("s") not in ("t", "p"):
        err("instant neither thread- nor process-scoped: %r" % e)
    if ph == "M":
        n = e.get("args", {}).get("name")
        if not isinstance(n, str):
            err("metadata without args.name: %r" % e)
        if e.get("name") == "process_name":
            pnames[e["pid"]] = n
        elif e.get("name") == "thread_name":
            tnames[(e["pid"], e["tid"])] = n
        else:
            err("metadata Perfetto ignores: %r" % e)
xs = {}
for e in ev:
    ph = e.get("ph")
    if ph == "M" or not isinstance(e.get("pid"), int):
        continue
    if e["pid"] not in pnames:
        err("process without process_name: %r" % e)
    if ph in ("X", "i") and "tid" in e and (e["pid"], e["tid"]) not in tnames:
        err("thread without thread_name: %r" % e)
    if ph == "X":
        if not isinstance(e.get("dur"), (int, float)) or e["dur"] <= 0:
            err("X without positive dur: %r" % e)
            continue
        xs.setdefault(e["tid"], []).append((ns(e["ts"]), ns(e["dur"]), e))
for tid, sl in xs.items():
    sl.sort(key=lambda x: x[0])
    for a, b in zip(sl, sl[1:]):
        if a[0] + a[1] > b[0]:
            err("overlapping slices on tid %d: %s / %s" %
                (tid, a[2]["name"], b[2]["name"]))
asyncs = {}
for e in ev:
    if e.get("ph") in ("b", "e"):
        asyncs.setdefault((e["cat"], e["id"]), []).append(e)
for k, l in asyncs.items():
    if sorted(x["ph"] for x in l) != ["b", "e"]:
        err("async %r is not one b and one e" % (k,))
        continue
    b = [x for x in l if x["ph"] == "b"][0]
    e = [x for x in l if x["ph"] == "e"][0]
    if b["name"] != e["name"] or b["pid"] != e["pid"] or ns(e["ts"]) < ns(b["ts"]):
        err("async %r: begin and end do not match" % (k,))


def inside(e):
    t = ns(e["ts"])
    return any(s <= t < s + d for s, d, _ in xs.get(e["tid"], []))


flows = {}
for e in ev:
    if e.get("ph") in ("s", "t", "f"):
        flows.setdefault((e["id"], e["cat"], e["name"]), []).append(e)
for k, l in flows.items():
    phs = [x["ph"] for x in l]
    if phs.count("s") != 1 or phs.count("f") != 1 or phs[0] != "s" or phs[-1] != "f":
        err("flow %r is not s..f: %r" % (k, phs))
    if l[-1].get("bp") != "e":
        err("flow %r ends without bp=e" % (k,))
    ts = [ns(x["ts"]) for x in l]
    if ts != sorted(ts):
        err("flow %r runs backwards" % (k,))
    for x in l:
        if not inside(x):
            err("flow point outside any slice: %r" % x)
marks = [e for e in ev if e.get("ph") == "i" and e.get("cat") == "finding"]
for x in marks:
    if not inside(x):
        err("finding marker outside any slice: %s" % x["name"])

# the summary: what a person would look for first
od = doc.get("otherData", {})
print("%s: %d trace events, %s" % (label, len(ev), od.get("coverage")))
for k in ("events", "events_cap", "events_left_out", "events_without_time"):
    if k in od:
        print("  %s: %s" % (k, od[k]))
tracks = {}
for e in ev:
    if e.get("ph") in ("X", "i") and "tid" in e:
        c = tracks.setdefault((e["pid"], e["tid"]), {})
        key = e["ph"] + ":" + e.get("cat", "")
        c[key] = c.get(key, 0) + 1
for pid in sorted(pnames):
    print("  process %s" % pnames[pid])
    for (p, t) in sorted(tnames):
        if p != pid:
            continue
        c = tracks.get((p, t), {})
        what = ", ".join("%d %s" % (c[k], k) for k in sorted(c))
        print("    %s: %s" % (tnames[(p, t)], what or "no events"))
for k in sorted(asyncs):
    if k[0] == "lost":
        b = [x for x in asyncs[k] if x["ph"] == "b"][0]
        print("  loss %s: %s, args %s" %
              (k[1], b["name"], json.dumps(b.get("args"), sort_keys=True)))
print("  handle generations: %d" % sum(1 for k in asyncs if k[0] == "handle"))
for x in marks:
    print("  finding %s (tid %d)" % (x["name"], x["tid"]))
for k in sorted(flows, key=lambda k: k[0]):
    print("  flow %s: %d points" % (k[2], len(flows[k])))
for m in bad[:20]:
    print("FAIL: %s: %s" % (label, m))
print("%s: %s" % (label, "valid" if not bad else "%d problems" % len(bad)))
sys.exit(1 if bad else 0)
