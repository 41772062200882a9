#!/usr/bin/env python3
# samples/etw/gen.py - writes the hand-built ETW export samples: each story
# below as tracerpt XML, wevtutil XML and PerfView event XML, in the shapes
# documented in shared/reference/etw-formats.md (sections 1.2, 1.3, 2.1-2.3).
# ETW cannot be recorded on Linux; these files are made, not captured.
# Run from anywhere: python3 samples/etw/gen.py  (rewrites samples/etw/*.xml)
import os

HERE = os.path.dirname(os.path.abspath(__file__))

SYSTRACE = "{9e814aad-3204-11d2-9a82-006008a86939}"
OB = "{89497f50-effe-4440-8cf2-ce6b1cdcaca7}"
PROC = "{3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c}"
THR = "{3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c}"
SOCK = ("Microsoft-Windows-Winsock-Sockets",
        "{BDE46AEA-2357-51FE-7367-D5296F530BD1}")
APP = ("KbServer", "{6F0E2A7C-3B1D-5E44-9C2A-0D7B1E5A4C31}")
EPOCH_DAY = "2024-03-05"
BASE_S = 10 * 3600 + 15 * 60 + 30          # 10:15:30 UTC

OB_OPS = {32: "CreateHandle", 33: "CloseHandle", 34: "DuplicateHandle",
          36: "TypeDCStart", 37: "TypeDCEnd", 38: "HandleDCStart",
          39: "HandleDCEnd"}
PROC_OPS = {1: "Start", 2: "End", 3: "DCStart", 4: "DCEnd"}
PV_PROC = {1: "Start", 2: "Stop", 3: "DCStart", 4: "DCStop"}
THR_OPS = {1: "Start", 2: "End", 3: "DCStart", 4: "DCEnd", 72: "SetName"}
PV_THR = {1: "Start", 2: "Stop", 3: "DCStart", 4: "DCStop", 72: "SetName"}
SOCK_EV = {2: ("SockCreate", "Stop"), 4: ("SockClose", "Stop"),
           6: ("SockAccept", "Stop"), 8: ("SockSetOpt", "Stop"),
           10: ("SockConnect", "Stop"),
           12: ("SockBind", "Stop"), 16: ("SockListen", "Stop")}
APP_EV = {1: "Started", 2: "SendCompleted", 3: "SendFailed",
          4: "Received", 5: "Stopping"}


class Ev:
    """One event: us = microseconds after 10:15:30, the header pid/tid/cpu,
    what it is (kind, number) and its payload fields in order."""
    def __init__(self, us, cpu, pid, tid, kind, num, fields, pname):
        self.us, self.cpu, self.pid, self.tid = us, cpu, pid, tid
        self.kind, self.num, self.fields, self.pname = kind, num, fields, pname


class Story:
    def __init__(self, name, title, pname):
        self.name, self.title, self.pname = name, title, pname
        self.types = {}
        self.evs = []
        self.file_order = None   # list of indexes, or None = time order

    def add(self, us, cpu, pid, tid, kind, num, fields, pname=None):
        self.evs.append(Ev(us, cpu, pid, tid, kind, num, fields,
                           pname or self.pname))

    # Object Manager
    def typedc(self, us, num, name, op=36):
        self.types[num] = name
        self.add(us, 0, -1, -1, "ob", op,
                 [("ObjectType", num), ("Reserved", 0), ("TypeName", name)])

    def handle(self, us, cpu, pid, tid, op, obj, h, typ, name=""):
        self.add(us, cpu, pid, tid, "ob", op,
                 [("Object", obj), ("Handle", h), ("ObjectType", typ),
                  ("ObjectName", name)])

    def rundown(self, us, op, obj, pid, h, typ, name=""):
        self.add(us, 0, -1, -1, "ob", op,
                 [("Object", obj), ("ProcessId", pid), ("Handle", h),
                  ("ObjectType", typ), ("ObjectName", name)])

    def dup(self, us, cpu, pid, tid, obj, sh, th, tpid, typ, spid):
        self.add(us, cpu, pid, tid, "ob", 34,
                 [("Object", obj), ("SourceHandle", sh), ("TargetHandle", th),
                  ("TargetProcessId", tpid), ("ObjectType", typ),
                  ("SourceProcessId", spid)])

    # processes and threads
    def process(self, us, cpu, hpid, htid, op, pid, ppid, image, cmd):
        self.add(us, cpu, hpid, htid, "proc", op,
                 [("UniqueProcessKey", 0xFFFFC283A1000080 + pid * 0x100),
                  ("ProcessId", pid), ("ParentId", ppid), ("SessionId", 1),
                  ("ExitStatus", 259 if op in (1, 3) else 0),
                  ("DirectoryTableBase", 0x1AD000 + pid * 0x1000),
                  ("Flags", 0), ("UserSID", "S-1-5-21-1004"),
                  ("ImageFileName", image), ("CommandLine", cmd),
                  ("PackageFullName", ""), ("ApplicationId", "")],
                 pname=image.rsplit(".", 1)[0])

    def thread(self, us, cpu, hpid, htid, op, pid, tid, name=""):
        self.add(us, cpu, hpid, htid, "thread", op,
                 [("ProcessId", pid), ("TThreadId", tid),
                  ("StackBase", 0xFFFFF40000000000 + tid * 0x10000),
                  ("StackLimit", 0xFFFFF3FFFFFFA000 + tid * 0x10000),
                  ("UserStackBase", 0), ("UserStackLimit", 0),
                  ("Affinity", 0x3), ("Win32StartAddr", 0x7FF6A1B21230),
                  ("TebBase", 0x6F5E2000 + tid), ("SubProcessTag", 0),
                  ("BasePriority", 8), ("PagePriority", 5),
                  ("IoPriority", 2), ("ThreadFlags", 0),
                  ("ThreadName", name)])

    def setname(self, us, cpu, pid, tid, name):
        self.add(us, cpu, pid, tid, "thread", 72,
                 [("ProcessId", pid), ("ThreadId", tid),
                  ("ThreadName", name)])

    # Winsock-Sockets (Stop events) and the application's EventSource
    def sock(self, us, cpu, pid, tid, eid, sock, err=0, extra=()):
        f = [("ErrorCode", err), ("Socket", sock)]
        if eid == 6:
            f = [("ErrorCode", err), ("SocketAccepted", dict(extra)[
                "SocketAccepted"]), ("SocketListening", sock),
                 ("ProcessId", pid)]
            extra = ()
        elif eid == 2:
            f += [("AddressFamily", 2), ("SocketType", 1), ("Protocol", 6),
                  ("ProcessId", pid)]
        elif eid == 4:
            f += [("IsProviderSocket", "false")]
        elif eid == 8:
            self.add(us, cpu, pid, tid, "sock", eid, f)   # no more fields
            return
        f += list(extra) + [("FailurePoint", 0)]
        self.add(us, cpu, pid, tid, "sock", eid, f)

    def app(self, us, cpu, pid, tid, eid, fields):
        self.add(us, cpu, pid, tid, "app", eid, fields)

    def ordered(self):
        if self.file_order is None:
            return sorted(self.evs, key=lambda e: e.us)
        return [self.evs[i] for i in self.file_order]


HEX_FIELDS = {"Object", "Handle", "SourceHandle", "TargetHandle",
              "UniqueProcessKey", "ProcessId", "ParentId",
              "DirectoryTableBase", "TThreadId", "StackBase", "StackLimit",
              "UserStackBase", "UserStackLimit", "Affinity",
              "Win32StartAddr", "TebBase", "SubProcessTag", "ThreadFlags",
              "ErrorCode", "Socket", "FailurePoint", "Flags",
              "TargetProcessId", "SourceProcessId"}


def xml_esc(s, quote='"'):
    s = str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace(quote, "&quot;" if quote == '"' else "&apos;")


def systime(us, digits):
    s = BASE_S + us // 1000000
    frac = "%06d" % (us % 1000000) + "000"
    return "%sT%02d:%02d:%02d.%sZ" % (EPOCH_DAY, s // 3600, s // 60 % 60,
                                      s % 60, frac[:digits])


def mof_value(name, v, hexstyle):
    """A classic (MOF) field as tracerpt prints it: Format("x") fields as
    0x-hex, the rest decimal (etw-formats.md 1.3)."""
    if isinstance(v, int):
        if name in HEX_FIELDS and hexstyle:
            return "0x%X" % (v & 0xFFFFFFFFFFFFFFFF)
        return str(v)
    return str(v)


def ids(e):
    """(provider name, provider guid, class guid, event id, version, level,
    task, opcode, keywords, rendering names) of an event."""
    if e.kind == "ob":
        return (None, SYSTRACE, OB, 0, 3 if e.num == 34 else 2, 0, 0, e.num,
                "0x0", ("Object", OB_OPS[e.num], "MSNT_SystemTrace"))
    if e.kind == "proc":
        return (None, SYSTRACE, PROC, 0, 4, 0, 0, e.num, "0x0",
                ("Process", PROC_OPS[e.num], "MSNT_SystemTrace"))
    if e.kind == "thread":
        return (None, SYSTRACE, THR, 0, 4 if e.num != 72 else 2, 0, 0,
                e.num, "0x0", ("Thread", THR_OPS[e.num], "MSNT_SystemTrace"))
    if e.kind == "sock":
        task, op = SOCK_EV[e.num]
        return (SOCK[0], SOCK[1], None, e.num, 0, 4, e.num // 2, 2,
                "0x8000000000000001", (task, op, SOCK[0]))
    if e.kind == "app":
        return (APP[0], APP[1], None, e.num, 0, 2 if e.num == 3 else 4,
                0xFFFE - e.num, 0, "0xF00000000000", (APP_EV[e.num], "Info",
                                                       APP[0]))
    raise ValueError(e.kind)


def tracerpt(story, header):
    """tracerpt x.etl -of XML: <Events> root, pretty printed, 9 fraction
    digits, RenderingInfo, ExtendedTracingInfo/EventGuid for classic
    events (etw-formats.md 1.3 a)."""
    out = ["<Events>", "<!--", header, "-->"]
    for e in story.ordered():
        pn, pg, cg, eid, ver, lvl, task, opc, kw, rnd = ids(e)
        classic = cg is not None
        prov = ('<Provider Guid="%s" />' % pg if classic else
                '<Provider Name="%s" Guid="%s" />' % (pn, pg))
        pid = e.pid & 0xFFFFFFFF
        tid = e.tid & 0xFFFFFFFF
        out.append('<Event xmlns="http://schemas.microsoft.com/win/2004/08/'
                   'events/event">')
        out.append("    <System>")
        out.append("        " + prov)
        out.append("        <EventID>%d</EventID>" % eid)
        out.append("        <Version>%d</Version>" % ver)
        out.append("        <Level>%d</Level>" % lvl)
        out.append("        <Task>%d</Task>" % task)
        out.append("        <Opcode>%d</Opcode>" % opc)
        out.append("        <Keywords>%s</Keywords>" % kw)
        out.append('        <TimeCreated SystemTime="%s" />' %
                   systime(e.us, 9))
        out.append('        <Correlation ActivityID="{00000000-0000-0000-'
                   '0000-000000000000}" />')
        out.append('        <Execution ProcessID="%d" ThreadID="%d" '
                   'ProcessorID="%d" KernelTime="15" UserTime="0" />'
                   % (pid, tid, e.cpu))
        out.append("        <Channel />")
        out.append("        <Computer />")
        out.append("    </System>")
        out.append("    <EventData>")
        for k, v in e.fields:
            out.append('        <Data Name="%s">%s</Data>' %
                       (k, xml_esc(mof_value(k, v, True))))
        out.append("    </EventData>")
        out.append('    <RenderingInfo Culture="en-US">')
        if classic:
            out.append("        <Opcode>%s</Opcode>" % rnd[1])
            out.append("        <Provider>%s</Provider>" % rnd[2])
            out.append('        <EventName xmlns="http://schemas.microsoft.'
                       'com/win/2004/08/events/trace">%s</EventName>'
                       % rnd[0])
        else:
            out.append("        <Level>%s</Level>" %
                       ("Error" if lvl == 2 else "Information"))
            out.append("        <Opcode>%s</Opcode>" % rnd[1])
            out.append("        <Task>%s</Task>" % rnd[0])
            out.append("        <Provider>%s</Provider>" % rnd[2])
        out.append("    </RenderingInfo>")
        if classic:
            out.append('    <ExtendedTracingInfo xmlns="http://schemas.'
                       'microsoft.com/win/2004/08/events/trace">')
            out.append("        <EventGuid>%s</EventGuid>" % cg)
            out.append("    </ExtendedTracingInfo>")
        out.append("</Event>")
    out.append("</Events>")
    return "\n".join(out) + "\n"


def wevtutil(story, header):
    """wevtutil qe x.etl /lf:true /f:xml: no root element, one <Event> per
    line, single-quoted attributes, 7 fraction digits, no RenderingInfo and
    no ExtendedTracingInfo (etw-formats.md 1.1, 1.2)."""
    out = ["<!--", header, "-->"]
    for e in story.ordered():
        pn, pg, cg, eid, ver, lvl, task, opc, kw, rnd = ids(e)
        prov = ("<Provider Guid='%s'/>" % pg if cg else
                "<Provider Name='%s' Guid='%s'/>" % (pn, pg))
        s = ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/"
             "event'><System>%s<EventID>%d</EventID><Version>%d</Version>"
             "<Level>%d</Level><Task>%d</Task><Opcode>%d</Opcode>"
             "<Keywords>%s</Keywords><TimeCreated SystemTime='%s'/>"
             "<EventRecordID>%d</EventRecordID><Correlation/>"
             "<Execution ProcessID='%d' ThreadID='%d' ProcessorID='%d' "
             "KernelTime='15' UserTime='0'/><Channel/><Computer>KBHOST"
             "</Computer><Security/></System><EventData>"
             % (prov, eid, ver, lvl, task, opc, kw, systime(e.us, 7),
                story.evs.index(e) + 1, e.pid & 0xFFFFFFFF,
                e.tid & 0xFFFFFFFF, e.cpu))
        for k, v in e.fields:
            # handle values decimal here, hex in tracerpt: both occur
            hexstyle = k not in ("Handle", "TThreadId", "ProcessId")
            if v == "":
                s += "<Data Name='%s'/>" % k
            else:
                s += "<Data Name='%s'>%s</Data>" % (
                    k, xml_esc(mof_value(k, v, hexstyle), "'"))
        s += "</EventData></Event>"
        out.append(s)
    return "\n".join(out) + "\n"


def n0(v):
    return "{:,}".format(v)


def pv_name(e):
    if e.kind == "ob":
        return "Object/" + OB_OPS[e.num]
    if e.kind == "proc":
        return "Process/" + PV_PROC[e.num]
    if e.kind == "thread":
        return "Thread/" + PV_THR[e.num]
    if e.kind == "sock":
        return "%s/%s" % SOCK_EV[e.num]
    return APP_EV[e.num]


def perfview(story, header):
    """PerfView's event XML (TraceEvent ToXml): MSec relative to the trace
    start, PID/PName/TID, EventName "Task/Opcode", payload as attributes:
    pointers and handles 0x-hex, other integers "n0" with thousands
    separators, ObjectTypeName resolved, rundown PID -1, the header of
    Thread/Start naming the new thread (etw-formats.md 1.5, 2.1)."""
    out = ["<!--", header, "-->"]
    for e in story.ordered():
        pid, tid = e.pid, e.tid
        f = list(e.fields)
        if e.kind == "thread" and e.num in (1, 2, 3, 4):
            parent = (pid, tid)
            pid = dict(f)["ProcessId"]
            tid = dict(f)["TThreadId"]
            f = [("ParentThreadID", parent[1]), ("ParentProcessID", parent[0])
                 ] + [x for x in f if x[0] not in ("ProcessId", "TThreadId")]
        if e.kind == "proc" and e.num in (1, 3):
            pid = dict(f)["ProcessId"]
        if e.kind == "ob" and e.num == 34:
            # PerfView's field names for DuplicateHandle v3 (sample 1)
            d = dict(f)
            f = [("Object", d["Object"]), ("SourceHandle", d["SourceHandle"]),
                 ("TargetHandle", d["TargetHandle"]),
                 ("SourceProcessID", d["SourceProcessId"]),
                 ("TargetHandleID", d["TargetProcessId"]),
                 ("ObjectType", d["ObjectType"])]
        pname = story.pname if pid >= 0 else "Process(%d)" % pid
        if e.kind == "proc":
            pname = e.pname
        s = '<Event MSec=%13s PID=%6s PName=%10s TID=%6s EventName="%s"' % (
            '"%.4f"' % (e.us / 1000.0), '"%d"' % pid, '"%s"' % pname,
            '"%d"' % tid, pv_name(e))
        for k, v in f:
            if isinstance(v, int):
                if k in ("Object", "UniqueProcessKey", "StackBase",
                         "StackLimit", "Win32StartAddr", "TebBase",
                         "DirectoryTableBase", "Affinity"):
                    val = "0x%X" % v
                elif k in ("Handle", "SourceHandle"):
                    val = "0x%08X" % v
                elif k == "TargetHandle":
                    val = n0(v - (1 << 32) if v & 0x80000000 else v)
                else:
                    val = n0(v)
            else:
                val = v
            s += ' %s="%s"' % (k, xml_esc(val))
        if e.kind == "ob" and "ObjectType" in dict(f) and e.num not in (36,
                                                                        37):
            s += ' ObjectTypeName="%s"' % story.types.get(
                dict(f)["ObjectType"], "")
        out.append(s + "/>")
    return "\n".join(out) + "\n"


# ---- the stories --------------------------------------------------------

PID = 3396
MAIN, CLIENT, SENDER = 3260, 4120, 4512
T_THREAD, T_EVENT, T_FILE = 8, 16, 37
AFD = r"\Device\Afd\Endpoint"


def kb_story():
    s = Story("kb-q155738", "KB Q155738: a thread handle closed twice",
              "kbserver")
    s.typedc(0, T_THREAD, "Thread")
    s.typedc(1, T_EVENT, "Event")
    s.typedc(2, T_FILE, "File")
    s.process(10, 0, 0, 0, 3, PID, 1804, "kbserver.exe", "kbserver.exe -p 7000")
    s.thread(11, 0, 0, 0, 3, PID, MAIN)
    # main starts the sender thread and keeps its handle (0x1a0)
    s.handle(100000, 0, PID, MAIN, 32, 0xFFFFC283B0E1A080, 0x1A0, T_THREAD)
    s.thread(100020, 0, PID, MAIN, 1, PID, SENDER)
    s.setname(100200, 0, PID, SENDER, "sender")
    # main starts the client thread with _beginthread: handle 0x1a4
    s.handle(200000, 0, PID, MAIN, 32, 0xFFFFC283B0E2B080, 0x1A4, T_THREAD)
    s.thread(200020, 0, PID, MAIN, 1, PID, CLIENT)
    s.setname(200200, 1, PID, CLIENT, "client")
    s.app(250000, 1, PID, CLIENT, 1, [("Name", "client")])
    # the client thread closes its own handle explicitly (first close)
    s.handle(300000, 1, PID, CLIENT, 33, 0xFFFFC283B0E2B080, 0x1A4, T_THREAD)
    # the sender thread creates a socket: it gets the freed value 0x1a4
    s.handle(400000, 0, PID, SENDER, 32, 0xFFFFC283B1F0A0C0, 0x1A4, T_FILE,
             AFD)
    s.sock(400050, 0, PID, SENDER, 2, 0x1A4)
    s.sock(450000, 0, PID, SENDER, 10, 0x1A4,
           extra=[("AddressLength", 16)])
    s.app(500000, 0, PID, SENDER, 2, [("Socket", 0x1A4), ("Bytes", 512)])
    # the client thread ends with _endthread(): closes 0x1a4 again, which
    # now is the sender's socket (second close)
    s.handle(700000, 1, PID, CLIENT, 33, 0xFFFFC283B1F0A0C0, 0x1A4, T_FILE,
             AFD)
    s.thread(700300, 1, PID, CLIENT, 2, PID, CLIENT)
    # main creates an event: it gets 0x1a4 (an Event now)
    s.handle(800000, 0, PID, MAIN, 32, 0xFFFFC283AEE8CD60, 0x1A4, T_EVENT)
    # the sender's next send fails: 0x1a4 is not a socket any more
    s.app(900000, 0, PID, SENDER, 3,
          [("Socket", 0x1A4), ("Bytes", 512), ("Error", 10038)])
    return s


def clean_story():
    s = Story("clean-server", "a clean server: accept, hand off, close once",
              "echosrv")
    pid, main, acc, w1, w2 = 5120, 5124, 5300, 5304, 5308
    s.typedc(0, T_THREAD, "Thread")
    s.typedc(1, T_EVENT, "Event")
    s.typedc(2, T_FILE, "File")
    s.process(5, 0, 4200, 4204, 1, pid, 4200, "echosrv.exe", "echosrv.exe")
    s.thread(6, 0, 4200, 4204, 1, pid, main)
    us = 10000
    # main: listening socket, a stop event, two workers, the acceptor
    s.handle(us, 0, pid, main, 32, 0xFFFFC283C0000100, 0x90, T_FILE, AFD)
    s.sock(us + 30, 0, pid, main, 2, 0x90)
    s.sock(us + 60, 0, pid, main, 12, 0x90, extra=[("AddressLength", 16)])
    s.sock(us + 90, 0, pid, main, 16, 0x90)
    s.handle(us + 200, 0, pid, main, 32, 0xFFFFC283C0000200, 0x94, T_EVENT,
             r"\BaseNamedObjects\echosrv-stop")
    for k, (tid, h, obj) in enumerate(((w1, 0x98, 0xFFFFC283C0010080),
                                       (w2, 0x9C, 0xFFFFC283C0020080),
                                       (acc, 0xA0, 0xFFFFC283C0030080))):
        t0 = us + 1000 + k * 1000
        s.handle(t0, 0, pid, main, 32, obj, h, T_THREAD)
        s.thread(t0 + 20, 0, pid, main, 1, pid, tid)
        s.setname(t0 + 200, 1, pid, tid, ("worker1", "worker2",
                                          "acceptor")[k])
    # the acceptor takes two connections; each worker serves one and
    # closes it; the second connection reuses the first one's value
    t = 100000
    for n, (tid, cpu) in enumerate(((w1, 1), (w2, 0))):
        obj = 0xFFFFC283C1000080 + n * 0x1000
        s.handle(t, 1, pid, acc, 32, obj, 0xA4, T_FILE, AFD)
        s.sock(t + 40, 1, pid, acc, 6, 0x90,
               extra=[("SocketAccepted", 0xA4), ("ProcessId", pid)])
        s.app(t + 20000, cpu, pid, tid, 4, [("Socket", 0xA4), ("Bytes", 64)])
        s.app(t + 30000, cpu, pid, tid, 2, [("Socket", 0xA4), ("Bytes", 64)])
        s.handle(t + 40000, cpu, pid, tid, 33, obj, 0xA4, T_FILE, AFD)
        s.sock(t + 40050, cpu, pid, tid, 4, 0xA4)
        t += 100000
    # shutdown: signal the event, threads end, handles closed once
    s.app(400000, 0, pid, main, 5, [("Handle", 0x94)])
    for k, (tid, h, obj) in enumerate(((w1, 0x98, 0xFFFFC283C0010080),
                                       (w2, 0x9C, 0xFFFFC283C0020080),
                                       (acc, 0xA0, 0xFFFFC283C0030080))):
        s.thread(410000 + k * 100, k % 2, pid, tid, 2, pid, tid)
        s.handle(420000 + k * 100, 0, pid, main, 33, obj, h, T_THREAD)
    s.handle(430000, 0, pid, main, 33, 0xFFFFC283C0000200, 0x94, T_EVENT,
             r"\BaseNamedObjects\echosrv-stop")
    s.handle(430100, 0, pid, main, 33, 0xFFFFC283C0000100, 0x90, T_FILE, AFD)
    s.sock(430150, 0, pid, main, 4, 0x90)
    s.thread(440000, 0, pid, main, 2, pid, main)
    s.process(440100, 0, pid, main, 2, pid, 4200, "echosrv.exe", "echosrv.exe")
    return s


def pool_story():
    """An accept loop that hands each accepted socket to a pool of worker
    threads: the acceptor accepts and sets SO_UPDATE_ACCEPT_CONTEXT, a
    worker sets TCP_NODELAY, serves and closes; the next connection gets
    the same value and may go to the worker that closed the last one.
    The kernel names an accepted socket a File with no object name (the
    accept creates it inside AFD): only Winsock says it is a socket."""
    s = Story("socket-pool", "an accept loop handing sockets to a worker "
              "pool", "poolsrv")
    pid, main, acc, w1, w2 = 5620, 5624, 5700, 5704, 5708
    s.typedc(0, T_THREAD, "Thread")
    s.typedc(1, T_FILE, "File")
    s.process(5, 0, 4200, 4204, 1, pid, 4200, "poolsrv.exe", "poolsrv.exe")
    s.thread(6, 0, 4200, 4204, 1, pid, main)
    s.handle(10000, 0, pid, main, 32, 0xFFFFC283C4000100, 0x90, T_FILE, AFD)
    s.sock(10030, 0, pid, main, 2, 0x90)
    s.sock(10060, 0, pid, main, 12, 0x90, extra=[("AddressLength", 16)])
    s.sock(10090, 0, pid, main, 16, 0x90)
    for k, (tid, h, obj) in enumerate(((w1, 0x98, 0xFFFFC283C4010080),
                                       (w2, 0x9C, 0xFFFFC283C4020080),
                                       (acc, 0xA0, 0xFFFFC283C4030080))):
        t0 = 11000 + k * 1000
        s.handle(t0, 0, pid, main, 32, obj, h, T_THREAD)
        s.thread(t0 + 20, 0, pid, main, 1, pid, tid)
        s.setname(t0 + 200, 1, pid, tid, ("worker1", "worker2",
                                          "acceptor")[k])
    # three connections, all at 0xA4: worker1, worker2, worker1 again
    t = 100000
    for n, (tid, cpu) in enumerate(((w1, 1), (w2, 0), (w1, 1))):
        obj = 0xFFFFC283C5000080 + n * 0x1000
        s.handle(t, 0, pid, acc, 32, obj, 0xA4, T_FILE)
        s.sock(t + 40, 0, pid, acc, 6, 0x90,
               extra=[("SocketAccepted", 0xA4), ("ProcessId", pid)])
        s.sock(t + 60, 0, pid, acc, 8, 0xA4)
        s.sock(t + 10000, cpu, pid, tid, 8, 0xA4)
        s.app(t + 20000, cpu, pid, tid, 4, [("Socket", 0xA4), ("Bytes", 64)])
        s.app(t + 30000, cpu, pid, tid, 2, [("Socket", 0xA4), ("Bytes", 64)])
        s.handle(t + 40000, cpu, pid, tid, 33, obj, 0xA4, T_FILE)
        s.sock(t + 40050, cpu, pid, tid, 4, 0xA4)
        t += 100000
    s.sock(430000, 0, pid, main, 4, 0x90)
    s.handle(430010, 0, pid, main, 33, 0xFFFFC283C4000100, 0x90, T_FILE, AFD)
    for k, (tid, h, obj) in enumerate(((w1, 0x98, 0xFFFFC283C4010080),
                                       (w2, 0x9C, 0xFFFFC283C4020080),
                                       (acc, 0xA0, 0xFFFFC283C4030080))):
        s.thread(440000 + k * 100, k % 2, pid, tid, 2, pid, tid)
        s.handle(450000 + k * 100, 0, pid, main, 33, obj, h, T_THREAD)
    s.thread(460000, 0, pid, main, 2, pid, main)
    s.process(460100, 0, pid, main, 2, pid, 4200, "poolsrv.exe",
              "poolsrv.exe")
    return s


def closesocket_story():
    """closesocket() twice on one value: the first closes the socket
    (CloseHandle, then SockClose), the second reaches Winsock only, which
    fails it with WSAENOTSOCK (10038); the kernel sees no CloseHandle."""
    s = Story("closesocket-twice", "closesocket() twice: Winsock refuses "
              "the second (WSAENOTSOCK)", "fetcher")
    pid, main, worker = 5900, 5904, 5908
    s.typedc(0, T_THREAD, "Thread")
    s.typedc(1, T_FILE, "File")
    s.process(5, 0, 4200, 4204, 1, pid, 4200, "fetcher.exe", "fetcher.exe")
    s.thread(6, 0, 4200, 4204, 1, pid, main)
    s.handle(1000, 0, pid, main, 32, 0xFFFFC283C6000080, 0xB0, T_THREAD)
    s.thread(1020, 0, pid, main, 1, pid, worker)
    s.setname(1200, 1, pid, worker, "fetch")
    s.handle(10000, 1, pid, worker, 32, 0xFFFFC283C6100080, 0xB4, T_FILE,
             AFD)
    s.sock(10030, 1, pid, worker, 2, 0xB4)
    s.sock(10060, 1, pid, worker, 10, 0xB4, extra=[("AddressLength", 16)])
    s.app(20000, 1, pid, worker, 2, [("Socket", 0xB4), ("Bytes", 128)])
    s.handle(30000, 1, pid, worker, 33, 0xFFFFC283C6100080, 0xB4, T_FILE,
             AFD)
    s.sock(30050, 1, pid, worker, 4, 0xB4)
    # the error path closes it again: only Winsock sees this one
    s.sock(31000, 1, pid, worker, 4, 0xB4, err=10038)
    s.thread(40000, 1, pid, worker, 2, pid, worker)
    s.handle(41000, 0, pid, main, 33, 0xFFFFC283C6000080, 0xB0, T_THREAD)
    s.thread(42000, 0, pid, main, 2, pid, main)
    s.process(42100, 0, pid, main, 2, pid, 4200, "fetcher.exe",
              "fetcher.exe")
    return s


def leak_story():
    """Handles still open when their process ends.  The kernel closes them
    itself (CloseHandle events with the process's pid, in the context of
    its last thread) after that thread's end and around the process's end:
    those closes are not the program's."""
    s = Story("leak-at-exit", "handles left open when the process ends",
              "leaky")
    pid, main_t, worker = 8100, 8104, 8108
    s.typedc(0, T_EVENT, "Event")
    s.typedc(1, T_FILE, "File")
    s.process(5, 0, 4200, 4204, 1, pid, 4200, "leaky.exe", "leaky.exe")
    s.thread(6, 0, 4200, 4204, 1, pid, main_t)
    s.handle(1000, 0, pid, main_t, 32, 0xFFFFC283F0000080, 0x50, T_EVENT)
    s.handle(1100, 0, pid, main_t, 32, 0xFFFFC283F0001080, 0x54, T_FILE,
             r"\Device\HarddiskVolume3\Users\me\leaky.log")
    s.thread(2000, 0, pid, main_t, 1, pid, worker)
    s.setname(2100, 1, pid, worker, "worker")
    s.handle(3000, 1, pid, worker, 32, 0xFFFFC283F0002080, 0x58, T_EVENT)
    s.handle(4000, 0, pid, main_t, 33, 0xFFFFC283F0000080, 0x50, T_EVENT)
    s.thread(5000, 1, pid, worker, 2, pid, worker)
    s.thread(6000, 0, pid, main_t, 2, pid, main_t)
    # the kernel runs down the handle table of the ended process
    s.handle(6050, 0, pid, main_t, 33, 0xFFFFC283F0001080, 0x54, T_FILE,
             r"\Device\HarddiskVolume3\Users\me\leaky.log")
    s.process(6100, 0, pid, main_t, 2, pid, 4200, "leaky.exe", "leaky.exe")
    s.handle(6150, 0, pid, main_t, 33, 0xFFFFC283F0002080, 0x58, T_EVENT)
    return s


def dup_story():
    s = Story("duplicate-handle", "DuplicateHandle across processes",
              "broker")
    bp, bt, wp, wt = 6200, 6204, 6300, 6304
    s.typedc(0, T_EVENT, "Event")
    s.typedc(1, 12, "Section")
    s.process(5, 0, 0, 0, 3, bp, 700, "broker.exe", "broker.exe")
    s.thread(6, 0, 0, 0, 3, bp, bt)
    s.process(100, 0, bp, bt, 1, wp, bp, "worker.exe", "worker.exe --child")
    s.thread(120, 0, bp, bt, 1, wp, wt)
    # the broker creates an event and a section and hands copies to the
    # worker process (DuplicateHandle v3 with SourceProcessId)
    s.handle(1000, 0, bp, bt, 32, 0xFFFFC283D0000080, 0x2C0, T_EVENT,
             r"\BaseNamedObjects\job-ready")
    s.handle(1100, 0, bp, bt, 32, 0xFFFFC283D0010080, 0x2C4, 12)
    s.dup(2000, 0, bp, bt, 0xFFFFC283D0000080, 0x2C0, 0x1E8, wp, T_EVENT, bp)
    s.dup(2100, 0, bp, bt, 0xFFFFC283D0010080, 0x2C4, 0x1EC, wp, 12, bp)
    # the broker closes its own copies; the worker uses and closes its own
    s.handle(3000, 0, bp, bt, 33, 0xFFFFC283D0010080, 0x2C4, 12)
    s.app(50000, 1, wp, wt, 4, [("Handle", 0x1E8), ("Bytes", 0)])
    s.handle(60000, 1, wp, wt, 33, 0xFFFFC283D0000080, 0x1E8, T_EVENT,
             r"\BaseNamedObjects\job-ready")
    s.handle(60100, 1, wp, wt, 33, 0xFFFFC283D0010080, 0x1EC, 12)
    s.thread(70000, 1, wp, wt, 2, wp, wt)
    s.process(70100, 1, wp, wt, 2, wp, bp, "worker.exe", "worker.exe --child")
    s.handle(80000, 0, bp, bt, 33, 0xFFFFC283D0000080, 0x2C0, T_EVENT,
             r"\BaseNamedObjects\job-ready")
    return s


def rundown_story():
    s = Story("midrun-rundown", "a trace started mid-run: rundown first",
              "svc")
    pid, t1, t2 = 7400, 7404, 7408
    # the logger's start rundown: types, processes, threads, open handles
    s.typedc(0, T_THREAD, "Thread")
    s.typedc(1, T_EVENT, "Event")
    s.typedc(2, T_FILE, "File")
    s.process(10, 0, 0, 0, 3, pid, 640, "svc.exe", "svc.exe -k net")
    s.thread(11, 0, 0, 0, 3, pid, t1, "svc-main")
    s.thread(12, 0, 0, 0, 3, pid, t2, "svc-io")
    s.rundown(20, 38, 0xFFFFC283E0000080, pid, 0x40, T_FILE,
              r"\Device\HarddiskVolume3\ProgramData\svc\svc.log")
    s.rundown(21, 38, 0xFFFFC283E0001080, pid, 0x44, T_FILE, AFD)
    s.rundown(22, 38, 0xFFFFC283E0002080, pid, 0x48, T_EVENT)
    # handles opened before the trace are used and closed inside it
    s.app(10000, 1, pid, t2, 4, [("Socket", 0x44), ("Bytes", 200)])
    s.app(20000, 1, pid, t2, 2, [("Socket", 0x44), ("Bytes", 200)])
    s.handle(30000, 1, pid, t2, 33, 0xFFFFC283E0001080, 0x44, T_FILE, AFD)
    s.sock(30050, 1, pid, t2, 4, 0x44)
    s.handle(40000, 0, pid, t1, 33, 0xFFFFC283E0002080, 0x48, T_EVENT)
    s.handle(41000, 0, pid, t1, 32, 0xFFFFC283E0003080, 0x48, T_EVENT)
    # the end rundown lists what is still open
    s.rundown(90000, 39, 0xFFFFC283E0000080, pid, 0x40, T_FILE,
              r"\Device\HarddiskVolume3\ProgramData\svc\svc.log")
    s.rundown(90001, 39, 0xFFFFC283E0003080, pid, 0x48, T_EVENT)
    s.typedc(90002, T_FILE, "File", op=37)
    return s


def buffers_story():
    """The KB story again, as a dump in per-CPU buffer order: CPU 1's
    buffer was flushed before CPU 0's (etw-formats.md 1.5)."""
    s = kb_story()
    s.name = "cpu-buffers"
    s.title = ("KB Q155738 in per-CPU buffer order (file order is not "
               "time order)")
    evs = s.evs
    rundown = [i for i, e in enumerate(evs) if e.us < 1000]
    cpu1 = sorted((i for i, e in enumerate(evs)
                   if e.cpu == 1 and e.us >= 1000), key=lambda i: evs[i].us)
    cpu0 = sorted((i for i, e in enumerate(evs)
                   if e.cpu == 0 and e.us >= 1000), key=lambda i: evs[i].us)
    s.file_order = rundown + cpu1 + cpu0
    return s


SHAPES = {
    "tracerpt": (tracerpt, "tracerpt trace.etl -of XML -o {f}",
                 "etw-formats.md 1.1, 1.2 and 1.3 (a): <Events> root, "
                 "classic kernel events with Provider Guid only, EventID 0,\n"
                 "Opcode = event type and ExtendedTracingInfo/EventGuid; "
                 "manifest events with Provider Name and Guid;\n"
                 "SystemTime with 9 fraction digits; MOF Format(\"x\") "
                 "fields in 0x-hex."),
    "wevtutil": (wevtutil, "wevtutil qe trace.etl /lf:true /f:xml > {f}",
                 "etw-formats.md 1.1 and 1.2: a run of <Event> elements "
                 "with NO root element, one per line, single quotes,\n"
                 "no RenderingInfo or ExtendedTracingInfo (classic kernel "
                 "events are told by Opcode and fields),\n"
                 "SystemTime with 7 fraction digits, handle values in "
                 "decimal."),
    "perfview": (perfview, "PerfView: events dumped as XML (TraceEvent "
                 "ToXml) into {f}",
                 "etw-formats.md 1.5 and 2.1 (sample 1): <Event MSec= PID= "
                 "PName= TID= EventName=\"Object/CreateHandle\" ...>,\n"
                 "payload fields as attributes (0x-hex pointers and "
                 "handles, n0 integers like 20,648),\n"
                 "ObjectTypeName resolved, rundown PID -1, no CPU "
                 "numbers."),
}


def main():
    for story in (kb_story(), clean_story(), dup_story(), rundown_story(),
                  buffers_story(), pool_story(), closesocket_story(),
                  leak_story()):
        for shape, (fn, how, cite) in SHAPES.items():
            fname = "%s.%s.xml" % (story.name, shape)
            header = ("  handletrail sample (hand-built, not captured): %s\n"
                      "  Shape: %s\n  Follows %s\n"
                      "  Made by samples/etw/gen.py." %
                      (story.title, how.format(f=fname), cite))
            header = header.replace("--", "-")
            with open(os.path.join(HERE, fname), "w", newline="\n") as f:
                f.write(fn(story, header))


if __name__ == "__main__":
    main()
