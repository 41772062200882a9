#!/usr/bin/env python3
"""tools/gen-index-shards.py OUT SHARDS CAPTURES FINDINGS [MSGLEN [FPS]] -
writes OUT/shard1..SHARDS, each a batch result folder holding CAPTURES
capture folders (manifest.json + report.json as batch writes them) of
FINDINGS findings each, for measuring `handletrail index` (make bench,
check/batch_index_scale).  Findings take FPS distinct fingerprints (64 by
default) and messages of MSGLEN characters (120); nothing is random, so
two runs write the same bytes."""
import json
import os
import sys

KINDS = ["double-close", "stale-close", "stale-use", "use-after-close",
         "close-while-in-use", "leak"]
SEVS = ["note", "warning", "error"]


def finding(i, fid, path, msglen, nfp):
    k = KINDS[i % len(KINDS)]
    head = "thread %d closed fd %d twice " % (100 + i % 7, 3 + i % 50)
    return {
        "id": fid, "kind": k, "severity": SEVS[i % 3], "pid": 100,
        "tid": 100 + i % 7, "handle": 3 + i % 50, "object": "/x",
        "expected": "/x", "call": "close", "time": "", "ts": None,
        "error": "EBADF", "message": (head + "x" * msglen)[:msglen],
        "evidence": None, "source": {"file": path, "line": 10 + fid},
        "fingerprint": "%016x" % (0x1000 + i % nfp),
        "caused_by": 0, "consequences": [], "chain": [],
    }


def capture(d, name, nfind, msglen, nfp, seed):
    os.makedirs(d, exist_ok=True)
    path = "in/%s.txt" % name
    fs = [finding(seed + i, i + 1, path, msglen, nfp) for i in range(nfind)]
    by_kind = {k: 0 for k in KINDS}
    by_sev = {s: 0 for s in SEVS}
    for f in fs:
        by_kind[f["kind"]] += 1
        by_sev[f["severity"]] += 1
    rep = {
        "schema": "handletrail-report/1",
        "tool": {"name": "handletrail", "version": "0.1.0"},
        "inputs": [{"path": path, "format": "strace", "flags": "-f",
                    "compression": "", "bytes": 1000, "lines": 10,
                    "events": 10, "skipped": 0, "skipped_samples": [],
                    "skipped_by_reason": [], "limits": [],
                    "ts_first": None, "ts_last": None}],
        "findings": fs, "unexplained": [],
        "summary": {"findings": nfind, "by_kind": by_kind,
                    "by_severity": by_sev, "unexplained": 0,
                    "skipped_lines": 0, "events": 10, "processes": 1,
                    "threads": 7, "ts_first": None, "ts_last": None,
                    "status": 1, "fatal": None},
    }
    man = {
        "schema": "handletrail-batch-capture/1",
        "tool": {"name": "handletrail", "version": "0.1.0"},
        "options": "format=auto rules=0000000000000000",
        "name": path, "dir": os.path.basename(d),
        "hash": "%016x" % (0xabc000 + seed), "size": 1000,
        "inputs": [{"path": path, "size": 1000, "mtime_ns": 1,
                    "hash": "%016x" % seed}],
        "state": "ok", "status": 1, "error": None, "retry": False,
        "perfetto": False,
    }
    with open(os.path.join(d, "report.json"), "w") as f:
        json.dump(rep, f)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(man, f, indent=2)


def main():
    out, nshard, ncap, nfind = sys.argv[1], *map(int, sys.argv[2:5])
    msglen = int(sys.argv[5]) if len(sys.argv) > 5 else 120
    nfp = int(sys.argv[6]) if len(sys.argv) > 6 else 64
    for s in range(nshard):
        for c in range(ncap):
            name = "s%dc%d" % (s + 1, c + 1)
            capture(os.path.join(out, "shard%d" % (s + 1), name), name,
                    nfind, msglen, nfp, (s * ncap + c) * nfind)


main()
