#!/usr/bin/env python3
# tests/checks/etl_scenarios.py XML_JSON ETL_JSON [x86] - the findings of a
# scenario's .etl (samples/etw/etl_gen.py) must be those of its XML export
# (samples/etw/*.tracerpt.xml): kinds, severities, threads, CPUs, handles,
# objects, calls, errors, times (ns) and each step of each story.  Only what
# differs by nature is left out: where the event sits in its file (line,
# event number, file name), the digits the time is printed with, and the
# offset from the capture's start (offset_s, start_utc: an .etl starts at
# its logfile header, before the first event its XML export holds; the
# absolute time_utc is compared); for a 32-bit file kernel pointers are
# compared on their low 32 bits.
import json, re, sys

x86 = len(sys.argv) > 3 and sys.argv[3] == "x86"
PTR = re.compile(r"0x(?:ffff|FFFF)[0-9a-fA-F]{4}([0-9a-fA-F]{8})")


def norm(v, key=None):
    if isinstance(v, dict):
        return {k: norm(x, k) for k, x in v.items()
                if k not in ("source", "time", "file", "line", "event",
                             "end_line", "offset_s")}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, str):
        v = re.sub(r"\bevent \d+", "event N", v)
        if x86:
            v = PTR.sub(lambda m: "0x" + m.group(1).lower(), v)
            v = re.sub(r"0x[0-9a-fA-F]+",
                       lambda m: m.group(0).lower(), v)
    return v


a, b = (json.load(open(p)) for p in sys.argv[1:3])
for part in ("findings", "unexplained"):
    x, y = norm(a[part]), norm(b[part])
    if x != y:
        print("%s differ:" % part)
        print(json.dumps(x, indent=1, sort_keys=True)[:3000])
        print("--- the .etl gives:")
        print(json.dumps(y, indent=1, sort_keys=True)[:3000])
        sys.exit(1)
ka = {k: v for k, v in a["summary"].items() if k != "start_utc"}
kb = {k: v for k, v in b["summary"].items() if k != "start_utc"}
if ka != kb:
    print("summaries differ:", ka, kb)
    sys.exit(1)
print("%d findings, %d unexplained: the same" % (len(a["findings"]),
                                                len(a["unexplained"])))
