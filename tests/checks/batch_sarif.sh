#!/bin/sh
# tests/checks/batch_sarif.sh - SARIF from a single run (--sarif) and from
# batch (findings.sarif) validates against the OASIS SARIF 2.1.0 schema,
# and says what the issue asks: a rule with help per kind, results located
# at the trace line of the offending call, a threadFlow per thread with
# executionOrder across them, partialFingerprints from the fingerprint,
# the capture's limits stated as notifications.  Every artifactLocation of
# findings.sarif resolves, as a SARIF viewer resolves it (a relative uri
# through its uriBaseId in originalUriBaseIds), to the trace file itself,
# also when the index is rebuilt from another folder; results in
# compressed traces say their line numbers are of the decompressed text.
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
	 close-while-in-use.f-tt-T-yy.txt kb-socket.f-tt-T-yy.txt.gz \
	 kb-socket.f-tt-T-yy.txt.xz; do
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
# the index rebuilt from elsewhere: the trace paths still lead home
mkdir "$t/elsewhere"
(cd "$t/elsewhere" && "$HT" index -q -o "$t/merged" "$t/out")
[ $? -le 1 ] || { echo "FAIL: index exit status"; exit 1; }

python3 - "$schema" "$t/single.sarif" "$t/out/findings.sarif" "$t" \
	"$t/merged/findings.sarif" <<'PY'
import gzip, json, lzma, os, sys, urllib.parse, jsonschema
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
def resolve(loc, bases, where):
    """The file a viewer opens for an artifactLocation, or None."""
    uri, bid = loc.get("uri"), loc.get("uriBaseId")
    if uri is None:
        bad("%s: artifactLocation without a uri" % where)
        return None
    if bid is not None:
        b = bases.get(bid, {}).get("uri", "")
        if not b:
            bad("%s: uriBaseId %r not in originalUriBaseIds" % (where, bid))
            return None
        if not b.startswith("file:///") or not b.endswith("/"):
            bad("%s: base %r is not an absolute folder URI" % (where, b))
            return None
        if urllib.parse.urlsplit(uri).scheme or uri.startswith("/"):
            bad("%s: uri %r with a uriBaseId is not relative" % (where, uri))
        full = urllib.parse.urljoin(b, uri)
    elif uri.startswith("file:///"):
        full = uri
    else:
        bad("%s: relative uri %r without a uriBaseId" % (where, uri))
        return None
    p = urllib.parse.unquote(urllib.parse.urlsplit(full).path)
    if not os.path.isfile(p):
        bad("%s: %r does not resolve to a file (%s)" % (where, uri, p))
        return None
    return p
def locations(doc):
    """Every artifactLocation of a SARIF log, with where it is."""
    run = doc["runs"][0]
    for i, a in enumerate(run.get("artifacts", [])):
        yield "artifacts[%d]" % i, a["location"]
    def walk(o, path):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "artifactLocation":
                    yield path + "." + k, v
                else:
                    yield from walk(v, path + "." + k)
        elif isinstance(o, list):
            for i, v in enumerate(o):
                yield from walk(v, "%s[%d]" % (path, i))
    yield from walk(run.get("results", []), "results")
def lines_of(p):
    """The text whose lines a region counts: decompressed."""
    raw = open(p, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    elif raw[:6] == b"\xfd7zXZ\x00":
        raw = lzma.decompress(raw)
    return raw.decode("utf-8", "replace").split("\n")
jsonl = {}
for line in open(base + "/out/findings.jsonl"):
    o = json.loads(line)
    if o["type"] == "finding":
        jsonl[(o["capture"], o["id"])] = o
for path in sys.argv[2:4] + sys.argv[5:]:
    doc = json.load(open(path))
    batch = not path.endswith("single.sarif")
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
    files = {}
    if batch:
        bases = run.get("originalUriBaseIds", {})
        n = 0
        for where, loc in locations(doc):
            n += 1
            files[where] = resolve(loc, bases, path.rsplit("/", 1)[-1] +
                                   ": " + where)
        print("%s: %d artifactLocations resolve to the trace files" %
              (path.rsplit("/", 1)[-1], n))
    res = run["results"]
    if not res:
        bad(path + ": no results")
    kinds = set()
    ncomp = 0
    for ri, r in enumerate(res):
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
        if batch:
            p = files.get("results[%d].locations[0].physicalLocation."
                          "artifactLocation" % ri)
        else:
            p = urllib.parse.unquote(uri)
            if p.startswith("file://"):
                p = p[7:]
            elif not p.startswith("/"):
                p = "./" + p
        if p and p.endswith((".gz", ".xz", ".zst")):
            ncomp += 1
            pr = r["properties"]
            if pr.get("lineNumbers") != "of the decompressed text" or \
                    pr.get("compression") not in ("gzip", "xz", "zstd") or \
                    "decompressed text" not in r["message"]["text"]:
                bad("%s: result in %s does not say its lines are of the "
                    "decompressed text" % (path, p))
        if p and not p.endswith(".zst"):
            text = lines_of(p)
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
        if batch:
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
    print("%s: %d results (%d in compressed traces), kinds %s, "
          "%d cross-thread flows" % (path.rsplit("/", 1)[-1], len(res), ncomp,
                                     sorted(kinds), len(multi)))
    if batch and not ncomp:
        bad(path + ": no result in a compressed trace")
    # a capture's limits (its report's limits section) are stated as
    # notifications: double-close.f-Y-y.txt has no timestamps
    notes = [n["message"]["text"] for n in
             run["invocations"][0]["toolExecutionNotifications"]]
    want = "double-close.f-Y-y.txt: no timestamps: events are ordered by line only"
    if batch and not any(
            n.endswith(want) for n in notes):
        bad("%s: no notification states the limit %r" % (path, want))
    if batch:
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
