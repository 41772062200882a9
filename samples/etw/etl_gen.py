#!/usr/bin/env python3
# samples/etw/etl_gen.py - writes the stories of samples/etw/gen.py as binary
# .etl files, by the layouts of shared/reference/etl-observed.md and
# etw-formats.md 2.1-2.3: a header buffer with the logfile header, then per
# CPU buffers of SYSTEM / PERFINFO / EVENT_HEADER records, written CPU by CPU
# (so file order is not time order), plain or compressed with plain LZ77
# XPRESS ([MS-XCA] 2.3), 64-bit or 32-bit.  ETW cannot be recorded on
# Linux: these files are made, not captured.  The Object Manager payload
# encoder is checked, on every run, to give byte for byte the payloads of
# the real PerfView dumps in shared/etw-real/etwanalyzer/.
#   python3 samples/etw/etl_gen.py OUTDIR [SHARED]   (all stories, 4 forms)
#   python3 samples/etw/etl_gen.py --big OUT MB [compressed] [steady]
#                                                        (benchmarks)
import os, re, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402  the stories

FILETIME_UNIX = 116444736000000000
START_TICKS = 859673163366          # a QPC value from the real dump
FREQ = 10000000
START_US = -1000000                 # the session starts 1 s before us=0
PROVENANCE = ("made by samples/etw/etl_gen.py from the story %s of gen.py; "
              "layouts: etl-observed.md, etw-formats.md 2.1-2.3")

SYSTRACE_GROUP = {"ob": 0x11, "proc": 0x03, "thread": 0x05}


def guid_bytes(g):
    g = g.strip("{}")
    a, b, c, d, e = g.split("-")
    return (struct.pack("<IHH", int(a, 16), int(b, 16), int(c, 16)) +
            bytes.fromhex(d + e))


def wz(s):
    return s.encode("utf-16-le") + b"\0\0"


def az(s):
    return s.encode("latin-1") + b"\0"


def ptr(v, p64):
    return struct.pack("<Q" if p64 else "<I", v & (0xFFFFFFFFFFFFFFFF
                                                   if p64 else 0xFFFFFFFF))


def sid(s):
    parts = [int(x) for x in s.split("-")[1:]]
    rev, auth, subs = parts[0], parts[1], parts[2:]
    return (bytes([rev, len(subs)]) + auth.to_bytes(6, "big") +
            b"".join(struct.pack("<I", x) for x in subs))


# ---- payloads (field order: parser/etl_layouts.def) -----------------------

def ob_payload(e, p64):
    f = dict(e.fields)
    if e.num in (32, 33):
        return (ptr(f["Object"], p64) + struct.pack("<IH", f["Handle"],
                f["ObjectType"]) + wz(f["ObjectName"]))
    if e.num == 34:
        return (ptr(f["Object"], p64) + struct.pack(
            "<IIIHI", f["SourceHandle"], f["TargetHandle"] & 0xFFFFFFFF,
            f["TargetProcessId"], f["ObjectType"], f["SourceProcessId"]))
    if e.num in (36, 37):
        return struct.pack("<HH", f["ObjectType"], 0) + wz(f["TypeName"])
    if e.num in (38, 39):
        return (ptr(f["Object"], p64) + struct.pack(
            "<IIH", f["ProcessId"], f["Handle"], f["ObjectType"]) +
            wz(f["ObjectName"]))
    raise ValueError(e.num)


def proc_payload(e, p64):
    f = dict(e.fields)
    # UserSID as the kernel logs it: a TOKEN_USER (pointer, attributes)
    # then the SID
    user = ptr(0xFFFFC283A0000000 + f["ProcessId"], p64) + \
        (b"\0" * (8 if p64 else 4)) + sid(f["UserSID"])
    return (ptr(f["UniqueProcessKey"], p64) +
            struct.pack("<IIIi", f["ProcessId"], f["ParentId"],
                        f["SessionId"], f["ExitStatus"]) +
            ptr(f["DirectoryTableBase"], p64) + struct.pack("<I", f["Flags"])
            + user + az(f["ImageFileName"]) + wz(f["CommandLine"]) +
            wz(f["PackageFullName"]) + wz(f["ApplicationId"]))


def thread_payload(e, p64):
    f = dict(e.fields)
    if e.num == 72:
        return struct.pack("<II", f["ProcessId"], f["ThreadId"]) + \
            wz(f["ThreadName"])
    b = struct.pack("<II", f["ProcessId"], f["TThreadId"])
    for k in ("StackBase", "StackLimit", "UserStackBase", "UserStackLimit",
              "Affinity", "Win32StartAddr", "TebBase"):
        b += ptr(f[k], p64)
    return b + struct.pack("<IBBBB", f["SubProcessTag"], f["BasePriority"],
                           f["PagePriority"], f["IoPriority"],
                           f["ThreadFlags"]) + wz(f["ThreadName"])


def sock_payload(e, p64):
    f = dict(e.fields)
    if e.num == 2:
        return (struct.pack("<I", f["ErrorCode"]) + ptr(f["Socket"], p64) +
                struct.pack("<IIIII", f["AddressFamily"], f["SocketType"],
                            f["Protocol"], f["ProcessId"], f["FailurePoint"]))
    if e.num == 4:
        return (struct.pack("<I", f["ErrorCode"]) + ptr(f["Socket"], p64) +
                struct.pack("<II", 0, f["FailurePoint"]))
    if e.num == 6:
        return (struct.pack("<I", f["ErrorCode"]) +
                ptr(f["SocketAccepted"], p64) +
                ptr(f["SocketListening"], p64) +
                struct.pack("<II", f["ProcessId"], f["FailurePoint"]))
    if e.num in (10, 12):
        addr = struct.pack(">HH4s8x", 2, 7000, bytes([127, 0, 0, 1]))
        return (struct.pack("<I", f["ErrorCode"]) + ptr(f["Socket"], p64) +
                struct.pack("<I", f["AddressLength"]) + addr +
                struct.pack("<I", f["FailurePoint"]))
    return struct.pack("<I", f["ErrorCode"]) + ptr(f["Socket"], p64)


# TraceLogging in-types (TraceLoggingProvider.h)
TL_ANSI, TL_INT32, TL_UINT32, TL_HEX32 = 2, 7, 8, 20


def tl_field(name, v):
    if name in ("Socket", "Handle"):
        return TL_HEX32, struct.pack("<I", v)
    if name == "Error":
        return TL_INT32, struct.pack("<i", v)
    if isinstance(v, int):
        return TL_UINT32, struct.pack("<I", v)
    return TL_ANSI, az(v)


def app_items(e):
    """The application's events as TraceLogging: provider traits (the
    name) and the event schema (name and typed fields) as extended items,
    the values as payload."""
    name = gen.APP_EV[e.num]
    meta, data = b"\0" + name.encode() + b"\0", b""
    for k, v in e.fields:
        t, b = tl_field(k, v)
        meta += k.encode() + b"\0" + bytes([t])
        data += b
    schema = struct.pack("<H", len(meta) + 2) + meta
    pname = gen.APP[0].encode() + b"\0"
    traits = struct.pack("<H", len(pname) + 2) + pname
    return [(12, traits), (11, schema)], data


# ---- records ------------------------------------------------------------------

def ticks(us):
    return START_TICKS + (us - START_US) * (FREQ // 1000000)


def system_rec(p64, typ, group, pid, tid, ts, payload, version=2):
    size = 0x20 + len(payload)
    return struct.pack("<HBBHBBIIqII", version, 2 if p64 else 1, 0xC0, size,
                       typ, group, tid & 0xFFFFFFFF, pid & 0xFFFFFFFF, ts, 15,
                       0) + payload


def perfinfo_rec(p64, typ, group, ts, payload, version=2):
    size = 0x10 + len(payload)
    return struct.pack("<HBBHBBq", version, 0x11 if p64 else 0x10, 0xC0,
                       size, typ, group, ts) + payload


def event_rec(p64, guid, eid, ver, level, opcode, task, kw, pid, tid, ts,
              payload, items=()):
    ext = b""
    for i, (t, d) in enumerate(items):
        last = i == len(items) - 1
        ext += struct.pack("<HHHH", 8 + len(d), t, 0 if last else 1, len(d))
        ext += d + b"\0" * (-len(d) % 8)
    size = 0x50 + len(ext) + len(payload)
    return struct.pack("<HBBHHIIq16sHBBBBHQII16s", size, 0x13 if p64 else 0x12,
                       0xC0, 1 if items else 0, 0, tid & 0xFFFFFFFF,
                       pid & 0xFFFFFFFF, ts, guid_bytes(guid), eid, ver, 0x10,
                       level, opcode, task, kw, 15, 0, b"\0" * 16) + ext + \
        payload


def record(e, p64):
    ts = ticks(e.us)
    if e.kind == "ob":
        pl = ob_payload(e, p64)
        ver = 3 if e.num == 34 else 2
        if e.num in (36, 37):   # type rundown: no process (PID -1 in dumps)
            return perfinfo_rec(p64, e.num, 0x11, ts, pl, ver)
        return system_rec(p64, e.num, 0x11, e.pid, e.tid, ts, pl, ver)
    if e.kind == "proc":
        pl = proc_payload(e, p64)
        if e.num in (3, 4):     # process rundown: PERFINFO in real files
            return perfinfo_rec(p64, e.num, 0x03, ts, pl, 4)
        return system_rec(p64, e.num, 0x03, e.pid, e.tid, ts, pl, 4)
    if e.kind == "thread":
        return system_rec(p64, e.num, 0x05, e.pid, e.tid, ts,
                          thread_payload(e, p64), 2 if e.num == 72 else 3)
    if e.kind == "sock":
        return event_rec(p64, gen.SOCK[1], e.num, 0, 4, 2, e.num // 2,
                         0x8000000000000001, e.pid, e.tid, ts,
                         sock_payload(e, p64))
    if e.kind == "app":
        items, data = app_items(e)
        return event_rec(p64, gen.APP[1], 0, 0, 2 if e.num == 3 else 4, 0, 0,
                         0xF00000000000, e.pid, e.tid, ts, data, items)
    raise ValueError(e.kind)


# ---- XPRESS (plain LZ77, [MS-XCA] 2.3) ----------------------------------------

def xpress(data):
    out = bytearray(4)
    flags, nflags, flag_at, nibble_at = 0, 0, 0, None
    table = {}
    i = 0

    def put_flag(bit):
        nonlocal flags, nflags, flag_at
        flags = (flags << 1) | bit
        nflags += 1
        if nflags == 32:
            out[flag_at:flag_at + 4] = struct.pack("<I", flags)
            flags, nflags = 0, 0
            flag_at = len(out)
            out.extend(b"\0\0\0\0")
    while i < len(data):
        best, off = 0, 0
        if i + 3 <= len(data):
            key = bytes(data[i:i + 3])
            c = table.get(key)
            table[key] = i
            if c is not None and i - c <= 8192:
                n = 0
                while i + n < len(data) and data[c + n] == data[i + n] and \
                        n < 60000:
                    n += 1
                if n >= 3:
                    best, off = n, i - c
        if best < 3:
            out.append(data[i])
            put_flag(0)
            i += 1
            continue
        m = best - 3
        if m < 7:
            out.extend(struct.pack("<H", ((off - 1) << 3) | m))
        else:
            out.extend(struct.pack("<H", ((off - 1) << 3) | 7))
            m -= 7
            if nibble_at is None:
                nibble_at = len(out)
                out.append(min(m, 15))
            else:
                out[nibble_at] |= min(m, 15) << 4
                nibble_at = None
            if m >= 15:
                m -= 15
                if m < 255:
                    out.append(m)
                else:
                    out.append(255)
                    out.extend(struct.pack("<H", m + 15 + 7))
        put_flag(1)
        i += best
    rest = 32 - nflags
    out[flag_at:flag_at + 4] = struct.pack(
        "<I", ((flags << rest) | ((1 << rest) - 1)) & 0xFFFFFFFF)
    return bytes(out)


# ---- buffers and the file ----------------------------------------------------------

BUF = 1024    # small, so that each CPU's events span several buffers


def buffer(cpu, recs, size, btype, compressed, seq, ts):
    body = b""
    for r in recs:
        body += r + b"\0" * (-len(r) % 8)
    filled = 0x48 + len(body)
    flags = 0x20 | (0x01 if btype == 4 else 0)
    if compressed:
        body = xpress(body)
        flags |= 0x40
        size = 0x48 + len(body)
    else:
        body += b"\xff" * (size - filled)
    hdr = struct.pack("<IIIiqqQHHIIHH16s", size, filled, filled, 0, ts, seq,
                      0, cpu, 0x21, 0, filled, flags, btype, b"\0" * 16)
    return hdr + body


def pack(recs, limit):
    bufs, cur, used = [], [], 0x48
    for r in recs:
        n = len(r) + (-len(r) % 8)
        if cur and used + n > limit:
            bufs.append(cur)
            cur, used = [], 0x48
        cur.append(r)
        used += n
    if cur:
        bufs.append(cur)
    return bufs


def logfile_header(p64, nbufs, ncpus, compressed, name, end_us):
    ps = 8 if p64 else 4
    mode = 0x00000001 | (0x04000000 if compressed else 0)
    start_ft = FILETIME_UNIX + (gen.BASE_S + 19787 * 86400) * 10**7 + \
        START_US * 10
    b = struct.pack("<I4sIIqIIIIIIII", BUF, bytes([10, 0, 1, 5] if p64 else
                                                  [10, 0, 1, 5]),
                    19045, ncpus, start_ft + (end_us - START_US) * 10, 156250,
                    0, mode, nbufs, 1, ps, 0, 2904)
    b += ptr(0, p64) * 2
    tz = struct.pack("<i64s16si64s16si", 0, "Coordinated Universal Time"
                     .encode("utf-16-le"), b"", 0, b"", b"", 0)
    b += tz
    b += b"\0" * (-len(b) % 8)
    b += struct.pack("<qqqII", start_ft - 3600 * 10**7, FREQ, start_ft, 1, 0)
    b += wz("handletrail-sample") + wz(PROVENANCE % name)
    return system_rec(p64, 0, 0, 0, 0, START_TICKS, b)


def write_etl(story, path, p64, compressed):
    evs = sorted(story.evs, key=lambda e: e.us)
    cpus = sorted({e.cpu for e in evs})
    per_cpu = {c: pack([record(e, p64) for e in evs if e.cpu == c],
                       8192 if compressed else BUF) for c in cpus}
    nbufs = 1 + sum(len(v) for v in per_cpu.values())
    end_us = evs[-1].us
    hdr = logfile_header(p64, nbufs, max(cpus) + 1, compressed, story.name,
                         end_us)
    out = buffer(0, [hdr], 1024, 4, False, 0, START_TICKS)
    seq = 1
    # the CPUs' buffers one CPU after the other, the last CPU first: a
    # buffer reaches the file when it is full, not in time order
    for c in reversed(cpus):
        for recs in per_cpu[c]:
            out += buffer(c, recs, BUF, 0, compressed, seq, ticks(end_us))
            seq += 1
    with open(path, "wb") as f:
        f.write(out)


# ---- the encoder against the real payloads -------------------------------------

def check_real_payloads(shared):
    """Encodes each Object Manager event of the real PerfView dump from its
    fields and compares with the <Payload> bytes printed beside them."""
    p = os.path.join(shared, "etw-real", "etwanalyzer",
                     "ObjectRef.complete-events.perfview.xml")
    text = open(p, encoding="utf-8").read()
    n = 0
    for ev in re.findall(r"<PrettyPrint>\s*(<Event .*?/>)\s*</PrettyPrint>\s*"
                         r"<Payload Length=\"(\d+)\">(.*?)</Payload>", text,
                         re.S):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', ev[0]))
        op = {"Object/CreateHandle": 32, "Object/CloseHandle": 33,
              "Object/DuplicateHandle": 34}.get(attrs["EventName"])
        if not op:
            continue
        raw = b""
        for line in ev[2].strip().splitlines():
            toks = [t for t in line.split(":", 1)[1].split() if t != "|"]
            hexes = []
            for t in toks:
                if len(hexes) == 16 or not re.fullmatch(r"[0-9a-f]{1,2}", t):
                    break
                hexes.append(int(t, 16))
            raw += bytes(hexes)
        num = lambda s: int(s.replace(",", ""), 0)
        if op == 34:
            fields = [("Object", num(attrs["Object"])),
                      ("SourceHandle", num(attrs["SourceHandle"])),
                      ("TargetHandle", num(attrs["TargetHandle"]) & 0xFFFFFFFF),
                      ("TargetProcessId", num(attrs["TargetHandleID"])),
                      ("ObjectType", num(attrs["ObjectType"])),
                      ("SourceProcessId", num(attrs["SourceProcessID"]))]
        else:
            fields = [("Object", num(attrs["Object"])),
                      ("Handle", num(attrs["Handle"])),
                      ("ObjectType", num(attrs["ObjectType"])),
                      ("ObjectName", attrs["ObjectName"])]
        e = gen.Ev(0, 0, 0, 0, "ob", op, fields, "")
        mine = ob_payload(e, True)
        if mine != raw[:int(ev[1])]:
            sys.exit("etl_gen: %s encodes as %s, the real payload is %s" %
                     (attrs["EventName"], mine.hex(), raw.hex()))
        n += 1
    if n < 4:
        sys.exit("etl_gen: only %d real payloads found in %s" % (n, p))
    return n


def write_big(path, mb, compressed, steady=False):
    """For benchmarks: the clean server story again and again (each copy one
    second later), with the KB story every 100th copy, 64-bit, 64 KiB
    buffers written as each CPU's buffer fills, as a logger does.  Each copy
    starts and ends the process.  steady: one long-lived server instead,
    the story's start once, then its two connections (accept, send, recv,
    close) again and again, its shutdown at the end: most handle events
    come from a few processes that run throughout."""
    clean, kb = gen.clean_story(), gen.kb_story()
    size = 64 * 1024
    cur = {0: [], 1: []}
    used = {0: 0x48, 1: 0x48}
    state = {"seq": 1, "written": 1024, "last_us": 0}
    out = open(path, "wb")
    out.write(b"\0" * 1024)      # the header buffer, written at the end

    def emit(evs, shift):
        for e in sorted(evs, key=lambda e: e.us):
            e2 = gen.Ev(e.us + shift, e.cpu, e.pid, e.tid, e.kind,
                        e.num, e.fields, e.pname)
            r = record(e2, True)
            n = len(r) + (-len(r) % 8)
            if used[e.cpu] + n > size:
                b = buffer(e.cpu, cur[e.cpu], size, 0, compressed,
                           state["seq"], ticks(e2.us))
                out.write(b)
                state["written"] += len(b)
                state["seq"] += 1
                cur[e.cpu], used[e.cpu] = [], 0x48
            cur[e.cpu].append(r)
            used[e.cpu] += n
            state["last_us"] = e2.us

    c = 0
    if steady:
        # the connections are at 100 ms to 400 ms of the story
        emit([e for e in clean.evs if e.us < 100000], 0)
        conns = [e for e in clean.evs if 100000 <= e.us < 400000]
        while state["written"] < mb * 1048576:
            emit(conns, c * 300000)
            c += 1
        emit([e for e in clean.evs if e.us >= 400000], c * 300000)
    while not steady and state["written"] < mb * 1048576:
        emit((kb if c % 100 == 99 else clean).evs, c * 1000000)
        c += 1
    for cpu in (0, 1):
        if cur[cpu]:
            out.write(buffer(cpu, cur[cpu], size, 0, compressed,
                             state["seq"], ticks(state["last_us"])))
            state["seq"] += 1
    hdr = logfile_header(True, state["seq"], 2, compressed,
                         "clean-server (big)", state["last_us"])
    out.seek(0)
    out.write(buffer(0, [hdr], 1024, 4, False, 0, START_TICKS))
    out.close()


def main():
    if len(sys.argv) > 3 and sys.argv[1] == "--big":
        write_big(sys.argv[2], int(sys.argv[3]), "compressed" in sys.argv[4:],
                  "steady" in sys.argv[4:])
        return
    outdir = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        HERE, "..", "..", "..", "shared")
    if os.path.isdir(shared):
        check_real_payloads(shared)
    for story in (gen.kb_story(), gen.clean_story(), gen.dup_story(),
                  gen.rundown_story(), gen.pool_story(),
                  gen.closesocket_story(), gen.leak_story()):
        for p64 in (True, False):
            for comp in (False, True):
                name = "%s.%s%s.etl" % (story.name, "x64" if p64 else "x86",
                                        ".compressed" if comp else "")
                write_etl(story, os.path.join(outdir, name), p64, comp)


if __name__ == "__main__":
    main()
