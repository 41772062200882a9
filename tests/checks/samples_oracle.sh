#!/bin/sh
# tests/checks/samples_oracle.sh - handletrail on every capture in
# samples/strace/ reports exactly the findings samples/expected.tsv lists
# (kind, severity, tid, fd, source file and line) and exits 1 exactly when
# one of them is a warning or error; "-" rows: no finding at all; "clean"
# rows: no warning or error.  Prints one line per capture that differs.
set -u
cd "${top:-.}"
HT=${HT:-./handletrail}
[ -x "$HT" ] || { echo "no handletrail binary at $HT"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is missing"; exit 77; }
[ -f samples/expected.tsv ] || { echo "no samples/expected.tsv"; exit 77; }

python3 - "$HT" samples <<'EOF'
import glob, json, os, subprocess, sys

ht, samples = sys.argv[1], sys.argv[2]
want = {}            # capture -> list of rows
order = []
with open(os.path.join(samples, "expected.tsv")) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        cap, file, kind, sev, tid, fd, ln = line.rstrip("\n").split("\t")
        if cap not in want:
            want[cap] = []
            order.append(cap)
        want[cap].append((kind, sev, tid, fd, file, ln))

bad = 0
for cap in order:
    files = sorted(glob.glob(os.path.join(samples, "strace", cap)))
    if not files:
        print("FAIL %s: no such capture" % cap)
        bad += 1
        continue
    try:
        p = subprocess.run([ht, "--json", "-"] + files, capture_output=True,
                           timeout=120)
    except subprocess.TimeoutExpired:
        print("FAIL %s: handletrail did not finish in 120 s" % cap)
        bad += 1
        continue
    try:
        rep = json.loads(p.stdout.decode("utf-8", "replace"))
    except ValueError as e:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        print("FAIL %s: exit %d, no JSON (%s) %s" % (cap, p.returncode, e,
              err[:1]))
        bad += 1
        continue
    got = set()
    for x in rep.get("findings", []):
        src = x.get("source", {})
        got.add((x.get("kind"), x.get("severity"), str(x.get("tid")),
                 str(x.get("handle")), os.path.basename(src.get("file", "")),
                 str(src.get("line"))))
    rows = want[cap]
    if rows[0][0] == "clean":
        exp = None
        ok = not any(g[1] in ("warning", "error") for g in got)
        exp_rc = 0
    elif rows[0][0] == "-":
        exp = set()
        ok = not got
        exp_rc = 0
    else:
        exp = set(rows)
        ok = got == exp
        exp_rc = 1 if any(r[1] in ("warning", "error") for r in rows) else 0
    if not ok:
        bad += 1
        print("FAIL %s:" % cap)
        show = sorted(got) if exp is None else sorted(got - exp)
        for g in show:
            if exp is None and g[1] not in ("warning", "error"):
                continue
            print("    unexpected: %s" % " ".join(g))
        for m in sorted((exp or set()) - got):
            print("    missing:    %s" % " ".join(m))
    elif p.returncode != exp_rc:
        bad += 1
        print("FAIL %s: exit %d, expected %d" % (cap, p.returncode, exp_rc))
print("%d of %d captures differ from samples/expected.tsv" % (bad, len(order)))
sys.exit(1 if bad else 0)
EOF
