#!/usr/bin/env python3
# tests/checks/etl_baseline.py DUMP BASELINE - compares what handletrail's
# .etl reader made of ms-perfview/net.4.5.2.x64.etl (build/etl-dump -e N)
# with TraceEvent's own decoding of the same file (net.4.5.2.x64.baseline.txt):
# the logfile header values, and for every event of the baseline its time
# (ms after the session start), CPU and payload length, and for kernel
# Process and Thread events their process, parent, thread and image.
import re, sys, datetime

dump, base = open(sys.argv[1]).read().splitlines(), open(sys.argv[2]).read()
fail = []

def iso(s):
    d = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    return d.replace(tzinfo=datetime.timezone.utc).timestamp(), int(s[20:27])

def ticks(s):   # 100 ns units since the epoch
    sec, frac = iso(s)
    return int(sec) * 10**7 + frac

lf = " ".join(l for l in dump if l.startswith("logfile:"))
def lfv(key):
    m = re.search(r"\b%s (\S+)" % key, lf)
    return m.group(1) if m else None
start = ticks(lfv("start"))

hdr = dict(kv.split("=", 1) for kv in
           base.splitlines()[0].split(": ", 1)[1].split("; ") if "=" in kv)
num = lambda v: int(v.replace(",", ""))
ver = num(hdr["Version"])
want = {
    "buffer": num(hdr["BufferSize"]), "build": num(hdr["ProviderVersion"]),
    "cpus": num(hdr["NumberOfProcessors"]), "pointer": num(hdr["PointerSize"]),
    "timer": num(hdr["TimerResolution"]), "mode": num(hdr["LogFileMode"]),
    "buffers-written": num(hdr["BuffersWritten"]),
    "events-lost": num(hdr["EventsLost"]), "cpu-mhz": num(hdr["CPUSpeed"]),
    "perffreq": num(hdr["PerfFreq"]), "clock": num(hdr["ReservedFlags"]),
    "buffers-lost": num(hdr["BuffersLost"]),
    "tz-bias": num(hdr["UtcOffsetMinutes"]),
}
for k, v in want.items():
    got = lfv(k)
    got = int(got, 16) if got and got.startswith("0x") else int(got or -1)
    if got != v:
        fail.append("logfile %s: %s, TraceEvent says %s" % (k, got, v))
vs = lfv("version").split(".")
if [int(x) for x in vs] != [ver & 255, ver >> 8 & 255, ver >> 16 & 255,
                            ver >> 24 & 255]:
    fail.append("logfile version %s, TraceEvent says %d" % (lfv("version"), ver))
if '"%s"' % hdr["SessionName"] != lfv("logger"):
    fail.append("logger name %s, TraceEvent says %s" % (lfv("logger"),
                                                      hdr["SessionName"]))
# StartTime and BootTime: TraceEvent prints "yy/mm/dd hh:mm:ss.ff..."
for key, mine in (("StartTime", lfv("start")), ("BootTime", lfv("boot"))):
    m = re.match(r"(\d\d)/(\d\d)/(\d\d) (\d\d:\d\d:\d\d\.\d\d)", hdr[key])
    if not m or mine[2:22] != "%s-%s-%sT%s" % (m[1], m[2], m[3], m[4]):
        fail.append("%s %s, TraceEvent says %s" % (key, mine, hdr[key]))

# the reader's events: ms after the start, cpu, payload length, fields
evs = []
for l in dump:
    m = re.match(r"event (\d+) (\S+) cpu (\d+) pid (-?\d+) tid (-?\d+) (\S+) "
                 r"(.*?) (?:group (\d+) type (\d+)|id (-?\d+) opcode (-?\d+))"
                 r" v\d+.* len (\d+) at \S+:(.*)$", l)
    if not m:
        continue
    fields = dict(f.split("=", 1) for f in m[13].split() if "=" in f)
    evs.append({"ms": (ticks(m[2]) - start) / 10**4, "cpu": int(m[3]),
                "len": int(m[12]), "prov": m[7], "f": fields,
                "pid": int(m[4]), "tid": int(m[5])})
by_key = {}
for e in evs:
    by_key.setdefault((round(e["ms"], 3), e["cpu"], e["len"]), []).append(e)

def ival(v):
    return int(v, 0) if v else None


matched = checked = 0
for line in base.splitlines()[1:]:
    m = re.match(r"EVENT ([\d,.]+): (\S.*?) (PID=.*)$", line)
    if not m:
        continue
    ms = float(m[1].replace(",", ""))
    kv = dict(x.split("=", 1) for x in m[3].rstrip("; ").split("; ")
              if "=" in x)
    cpu, dlen = num(kv["ProceNum"]), num(kv["DataLen"])
    cands = []
    for d in (0, -0.001, 0.001):
        cands += by_key.get((round(ms + d, 3), cpu, dlen), [])
    if not cands:
        fail.append("no event at %.3f ms on CPU %d with %d bytes: %s" %
                    (ms, cpu, dlen, line[:100]))
        continue
    matched += 1
    name = m[2]
    if name.startswith("Windows Kernel/Process/") and "ProcessID" in kv \
            and "PerfCtr" not in name:
        checked += 1
        ok = any(ival(c["f"].get("ProcessId")) == num(kv["ProcessID"]) and
                 ival(c["f"].get("ParentId")) == num(kv["ParentID"]) and
                 c["f"].get("ImageFileName") == kv["ImageFileName"]
                 for c in cands)
        if not ok:
            fail.append("Process fields differ: %s" % line[:160])
    if name.startswith("Microsoft-Windows-Kernel-Process/ProcessStart"):
        checked += 1
        ok = any(ival(c["f"].get("ProcessID")) == num(kv["ProcessID"]) and
                 ival(c["f"].get("ParentProcessID")) ==
                 num(kv["ParentProcessID"]) and
                 ival(c["f"].get("SessionID")) == num(kv["SessionID"])
                 for c in cands)
        if not ok:
            fail.append("Kernel-Process fields differ: %s" % line[:160])
    if name.startswith("Windows Kernel/Thread/"):
        checked += 1
        ok = any(ival(c["f"].get("ProcessId")) == num(kv["PID"]) and
                 ival(c["f"].get("TThreadId")) == num(kv["TID"]) for c in cands)
        if not ok:
            fail.append("Thread fields differ: %s" % line[:160])

print("baseline: %d events matched by time, CPU and length; %d Process/"
      "Thread/Kernel-Process payloads compared" % (matched, checked))
for f in fail[:30]:
    print("FAIL:", f)
if len(fail) > 30:
    print("... %d more" % (len(fail) - 30))
sys.exit(1 if fail or matched < 100 else 0)
