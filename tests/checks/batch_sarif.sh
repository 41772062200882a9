#!/bin/sh
# tests/checks/batch_sarif.sh - SARIF from a single run (--sarif) and from
# batch (findings.sarif) validates against the OASIS SARIF 2.1.0 schema,
# and says what the issue asks: a rule with help per kind, results located
# at the trace line of the offending call, a threadFlow per thread with
# executionOrder across them, partialFingerprints from the fingerprint,
# the capture's limits stated as notifications.
set -u
: "${HT:?}" "${SAMPLES:?}" "${SHARED:?}"
schema=$SHARED/schemas/sarif-schema-2.1.0.json
python3 -c 'import jsonschema' 2>/dev/null ||
	{ echo "python3-jsonschema missing (tools/deps.sh test)"; exit 77; }
[ -f "$schema" ] || { echo "no SARIF schema at $schema (../shared absent)"; exit 77; }
t=${TMPDIR:-/tmp}/batch_sarif.$$
mkdir -p "$t/in"
trap 'rm -rf "$t"' EXIT
S=$SAMPLES/strace
for f in kb-socket.f-tt-T-yy.txt stale-use.f-tt-T-yy.txt \
	 double-close.f-Y-y.txt leak.f-tt-T-yy.txt use-after-close.ff-tt-y.1* \
	 close-while-in-use.f-tt-T-yy.txt kb-socket.f-tt-T-yy.txt.gz; do
	cp "$S"/$f "$t/in/" || exit 1
done
# a hostile file name travels into URIs and messages
cp "$S/stale-close.f-tt-T-yy.txt" "$t/in/we ird <&\">%.txt"
"$HT" --sarif "$t/single.sarif" "$S/kb-socket.f-tt-T-yy.txt" >/dev/null
[ $? -le 1 ] || { echo "FAIL: --sarif exit status"; exit 1; }
# the single report states the limits too
"$HT" --sarif - "$S/double-close.f-Y-y.txt" | grep -q '"level":"note","message":{"text":"capture [^"]*double-close.f-Y-y.txt: no timestamps' ||
	{ echo "FAIL: --sarif does not state the capture's limits"; exit 1; }
(cd "$t" && "$HT" batch -q -j2 -o out in)
[ $? -le 1 ] || { echo "FAIL: batch exit status"; exit 1; }

python3 - "$schema" "$t/single.sarif" "$t/out/findings.sarif" "$t" <<'PY'
import json, sys, urllib.parse, jsonschema
schema = json.load(open(sys.argv[1]))
base = sys.argv[4]
fail = 0
def bad(m):
    global fail
    print("FAIL:", m)
    fail = 1
# the validator itself must be able to fail
try:
    jsonschema.validate({"version": "2.2", "runs": []}, schema)
    bad("schema accepted version 2.2: validator not working")
except jsonschema.ValidationError:
    pass
jsonl = {}
for line in open(base + "/out/findings.jsonl"):
    o = json.loads(line)
    if o["type"] == "finding":
        jsonl[(o["capture"], o["id"])] = o
for path in sys.argv[2:4]:
    doc = json.load(open(path))
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as e:
        bad("%s does not validate: %s at %s" % (path, e.message, list(e.absolute_path)))
        continue
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    for k in ("double-close", "stale-close", "stale-use", "use-after-close",
              "close-while-in-use", "leak"):
        if k not in ids:
            bad("no rule for " + k)
    for r in rules:
        if len(r.get("help", {}).get("text", "")) < 40:
            bad("rule %s has no real help text" % r["id"])
    arts = [a["location"]["uri"] for a in run["artifacts"]]
    res = run["results"]
    if not res:
        bad(path + ": no results")
    kinds = set()
    for r in res:
        kinds.add(r["ruleId"])
        if ids[r["ruleIndex"]] != r["ruleId"]:
            bad("ruleIndex does not match ruleId")
        pl = r["locations"][0]["physicalLocation"]
        uri = pl["artifactLocation"]["uri"]
        if arts[pl["artifactLocation"]["index"]] != uri:
            bad("artifact index does not match uri " + uri)
        line = pl["region"]["startLine"]
        # the trace line itself travels with the result
        if not pl["region"].get("snippet", {}).get("text"):
            bad("%s: result %s has no region.snippet" % (path, r["ruleId"]))
        fp = r["partialFingerprints"].get("handletrailFingerprint/v1", "")
        if len(fp) != 16:
            bad("no fingerprint")
        # the region is the line of the offending call in the trace
        p = urllib.parse.unquote(uri)
        if p.startswith("file://"):
            p = p[7:]
        elif not p.startswith("/"):
            p = (base if path.endswith("findings.sarif") else ".") + "/" + p
        if not p.endswith((".gz", ".xz", ".zst")):
            text = open(p, "rb").read().decode("utf-8", "replace").split("\n")
            call = r["properties"].get("call")
            if line > len(text) or (call and call + "(" not in text[line - 1]
                                    and "<... " + call not in text[line - 1]):
                bad("%s:%d is not the line of %s: %r" % (p, line, call,
                    text[line - 1] if line <= len(text) else None))
        # one threadFlow per thread; executionOrder numbers all steps
        for cf in r.get("codeFlows", []):
            tids = [tf["id"] for tf in cf["threadFlows"]]
            if len(set(tids)) != len(tids):
                bad("two threadFlows for one thread")
            order = sorted(l["executionOrder"] for tf in cf["threadFlows"]
                           for l in tf["locations"])
            if order != list(range(1, len(order) + 1)):
                bad("executionOrder is not one sequence: %r" % order)
        if path.endswith("findings.sarif"):
            j = jsonl.get((r["properties"]["capture"], r["properties"]["findingId"]))
            if not j:
                bad("result without a findings.jsonl finding")
            elif j["severity"] != r["level"] or j["fingerprint"] != fp or \
                    j["source"]["line"] != line:
                bad("SARIF result and JSONL finding disagree: %r" % j["id"])
    multi = [r for r in res for cf in r.get("codeFlows", [])
             if len(cf["threadFlows"]) > 1]
    if not multi:
        bad(path + ": no codeFlow spans two threads")
    print("%s: %d results, kinds %s, %d cross-thread flows" %
          (path.rsplit("/", 1)[-1], len(res), sorted(kinds), len(multi)))
    # a capture's limits (its report's limits section) are stated as
    # notifications: double-close.f-Y-y.txt has no timestamps
    notes = [n["message"]["text"] for n in
             run["invocations"][0]["toolExecutionNotifications"]]
    want = "double-close.f-Y-y.txt: no timestamps: events are ordered by line only"
    if path.endswith("findings.sarif") and not any(
            n.endswith(want) for n in notes):
        bad("%s: no notification states the limit %r" % (path, want))
    if path.endswith("findings.sarif"):
        if len(kinds) < 5:
            bad("batch SARIF covers too few kinds: %r" % sorted(kinds))
        if not any("%25" in a and "%3C" in a for a in arts):
            bad("hostile file name not percent-encoded in artifacts")
sys.exit(fail)
PY
[ $? -eq 0 ] || exit 1
# -k: the offending call's own stack travels as a SARIF stack, validated
"$HT" --sarif "$t/k.sarif" "$S/kb-socket.f-k-y.txt" >/dev/null
python3 - "$schema" "$t/k.sarif" <<'PY'
import json, sys, jsonschema
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, json.load(open(sys.argv[1])))
res = doc["runs"][0]["results"]
frames = [f["location"]["message"]["text"]
          for r in res for st in r.get("stacks", []) for f in st["frames"]]
if not res or len(frames) < len(res) or \
        not any("(__close+" in f for f in frames):
    print("FAIL: -k stacks missing from SARIF results: %r" % frames[:3])
    sys.exit(1)
print("k.sarif: %d results, %d frames" % (len(res), len(frames)))
PY
