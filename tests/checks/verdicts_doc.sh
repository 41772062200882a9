#!/bin/sh
# tests/checks/verdicts_doc.sh - the examples of doc/verdicts.md are test
# cases: every ```strace block is run through handletrail, and what it
# reports, one line per finding, unexplained failure and count of things
# judged harmless, must equal the ```verdicts block that follows it.
#   F<id> <severity> <kind> tid <tid> fd <n> line <n> [caused_by F<id>]
#     [group F<id>] (the card, when it is not the root cause's own)
#   unexplained <reason_code> tid <tid> fd <n> line <n>
#   not_findings <name> <count>
# VERDICTS_PRINT=1 prints what the examples give instead of comparing.
set -u
cd "${top:-.}"
HT=${HT:-./handletrail}
[ -x "$HT" ] || { echo "no handletrail binary at $HT"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is missing"; exit 77; }
python3 - "$HT" doc/verdicts.md "${TMPDIR:-/tmp}" "${VERDICTS_PRINT:-}" <<'PY'
import json, os, re, subprocess, sys

ht, doc, tmp, show = sys.argv[1:5]
blocks = re.findall(r"```(strace|verdicts)\n(.*?)```", open(doc).read(), re.S)

def summary(trace):
    path = os.path.join(tmp, "verdicts-example.txt")
    with open(path, "w") as f:
        f.write(trace)
    p = subprocess.run([ht, "--json", "-", path], capture_output=True)
    r = json.loads(p.stdout)
    out = []
    for f in r["findings"]:
        s = "F%d %s %s tid %d fd %d line %d" % (
            f["id"], f["severity"], f["kind"], f["tid"], f["handle"],
            f["source"]["line"])
        if f.get("caused_by"):
            s += " caused_by F%d" % f["caused_by"]
        if f.get("group") and f["group"] != f.get("caused_by"):
            s += " group F%d" % f["group"]
        out.append(s)
    for u in r["unexplained"]:
        out.append("unexplained %s tid %d fd %d line %d" % (
            u["reason_code"], u["tid"], u["handle"], u["source"]["line"]))
    for k, v in r["summary"]["not_findings"].items():
        if v:
            out.append("not_findings %s %d" % (k, v))
    return "\n".join(out) + "\n" if out else ""

bad = n = 0
for i, (kind, text) in enumerate(blocks):
    if kind != "strace":
        continue
    n += 1
    got = summary(text)
    if show:
        print("```strace\n%s```\n```verdicts\n%s```\n" % (text, got))
        continue
    want = blocks[i + 1][1] if i + 1 < len(blocks) and \
        blocks[i + 1][0] == "verdicts" else None
    if want is None:
        print("FAIL example %d: no ```verdicts block after it" % n)
        bad += 1
    elif got != want:
        print("FAIL example %d:\n--- doc\n%s--- handletrail\n%s" %
              (n, want, got))
        bad += 1
if not show:
    print("%d examples, %d differ" % (n, bad))
sys.exit(1 if bad or not n else 0)
PY
