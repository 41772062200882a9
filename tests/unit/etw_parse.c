/* tests/unit/etw_parse.c - the ETW XML reader: every field form of the
 * tracerpt, wevtutil and PerfView shapes, parsed from small files. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include "unit.h"
#include "etw_util.h"
#include "../../parser/etl.h"

#define OBG "{89497f50-effe-4440-8cf2-ce6b1cdcaca7}"
#define SYSG "{9e814aad-3204-11d2-9a82-006008a86939}"

/* a tracerpt-style classic kernel event */
static void classic(struct strbuf *sb, const char *classg, int opcode,
		    const char *time, int pid, int tid, int cpu,
		    const char *data)
{
	sb_printf(sb,
		"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n"
		" <System>\n"
		"  <Provider Guid=\"" SYSG "\" />\n"
		"  <EventID>0</EventID><Version>2</Version><Level>0</Level>\n"
		"  <Task>0</Task><Opcode>%d</Opcode><Keywords>0x0</Keywords>\n"
		"  <TimeCreated SystemTime=\"%s\" />\n"
		"  <Execution ProcessID=\"%d\" ThreadID=\"%d\" ProcessorID=\"%d\" KernelTime=\"1\" UserTime=\"0\" />\n"
		" </System>\n"
		" <EventData>%s</EventData>\n"
		" <RenderingInfo Culture=\"en-US\"><Opcode>x</Opcode>"
		"<EventName xmlns=\"http://schemas.microsoft.com/win/2004/08/events/trace\">Object</EventName></RenderingInfo>\n"
		" <ExtendedTracingInfo xmlns=\"http://schemas.microsoft.com/win/2004/08/events/trace\">"
		"<EventGuid>%s</EventGuid></ExtendedTracingInfo>\n"
		"</Event>\n", opcode, time, pid, tid, cpu, data, classg);
}

static void test_values(void)
{
	int64_t v;
	CHECK("int hex", etw_parse_int("0x1A4", &v) == 0 && v == 0x1a4);
	CHECK("int dec", etw_parse_int(" 420 ", &v) == 0 && v == 420);
	CHECK("int n0", etw_parse_int("20,648", &v) == 0 && v == 20648);
	CHECK("int n0 negative",
	      etw_parse_int("-2,147,476,004", &v) == 0 && v == -2147476004LL);
	CHECK("int 64-bit hex", etw_parse_int("0xFFFFFFFF80000044", &v) == 0 &&
	      (uint64_t)v == 0xFFFFFFFF80000044ULL);
	CHECK("int junk refused", etw_parse_int("12abc", &v) != 0);
	CHECK("int empty refused", etw_parse_int("", &v) != 0);
	CHECK("int lone comma refused", etw_parse_int(",5", &v) != 0);

	int64_t ns;
	CHECK("time 9 digits Z",
	      etw_parse_systime("2006-12-18T12:26:27.887309500Z", &ns) == 0 &&
	      ns == 1166444787887309500LL);
	CHECK("time 7 digits",
	      etw_parse_systime("2006-12-18T12:26:27.8873095Z", &ns) == 0 &&
	      ns == 1166444787887309500LL);
	CHECK("time 0 digits",
	      etw_parse_systime("2006-12-18T12:26:27Z", &ns) == 0 &&
	      ns == 1166444787000000000LL);
	CHECK("time 1 digit",
	      etw_parse_systime("2006-12-18T12:26:27.5Z", &ns) == 0 &&
	      ns == 1166444787500000000LL);
	CHECK("time offset +02:59",
	      etw_parse_systime("2018-11-12T16:12:12.586128800+02:59", &ns) ==
	      0 && ns == 1542039132586128800LL - (2 * 3600 + 59 * 60) *
	      1000000000LL);
	CHECK("time offset -05:30",
	      etw_parse_systime("2018-11-12T16:12:12-05:30", &ns) == 0 &&
	      ns == (1542039132LL + 5 * 3600 + 1800) * 1000000000LL);
	CHECK("time no zone = UTC",
	      etw_parse_systime("1970-01-01T00:00:01.25", &ns) == 0 &&
	      ns == 1250000000LL);
	CHECK("time bad month refused",
	      etw_parse_systime("2006-13-18T12:26:27Z", &ns) != 0);
	CHECK("time junk refused",
	      etw_parse_systime("2006-12-18T12:26:27Zjunk", &ns) != 0);
	CHECK("msec", etw_parse_msec("1734.2301", &ns) == 0 &&
	      ns == 1734230100LL);
	CHECK("msec padded", etw_parse_msec("   3.4512", &ns) == 0 &&
	      ns == 3451200LL);
	CHECK("msec comma decimal", etw_parse_msec("12,5000", &ns) == 0 &&
	      ns == 12500000LL);
	CHECK("msec junk refused", etw_parse_msec("1.2x", &ns) != 0);

	enum err_class c;
	CHECK_STR("winerr 10038", winerr_name(WS_WIN32, 10038, &c),
		  "WSAENOTSOCK");
	CHECK_INT("winerr 10038 class", c, ERRC_NOTSOCK);
	CHECK_STR("winerr 10009", winerr_name(WS_WIN32, 10009, &c),
		  "WSAEBADF");
	CHECK_INT("winerr 10009 class", c, ERRC_BADF);
	CHECK_STR("winerr 6", winerr_name(WS_WIN32, 6, &c),
		  "ERROR_INVALID_HANDLE");
	CHECK_INT("winerr 6 class", c, ERRC_BADF);
	CHECK_STR("ntstatus invalid handle",
		  winerr_name(WS_NTSTATUS, 0xC0000008, &c),
		  "STATUS_INVALID_HANDLE");
	CHECK_STR("ntstatus type mismatch",
		  winerr_name(WS_NTSTATUS, 0xC0000024, &c),
		  "STATUS_OBJECT_TYPE_MISMATCH");
	CHECK_INT("type mismatch is notsock", c, ERRC_NOTSOCK);
	CHECK_STR("hresult from win32", winerr_name(WS_HRESULT, 0x80072736,
						    &c), "WSAENOTSOCK");
	CHECK("unknown code", winerr_name(WS_WIN32, 12345, &c) == NULL &&
	      c == ERRC_OTHER);
}

static void test_sniff(void)
{
	const char *tr = "<Events>\n<Event xmlns=\"x\"><System/></Event>";
	const char *wv = "<?xml version=\"1.0\"?>\n<Event xmlns='x'><System/>";
	const char *pv = "<Event MSec=   \"1.0000\" PID=\"4\" TID=\"8\" "
			 "EventName=\"Object/CreateHandle\"/>";
	const char *st = "1234 close(3) = 0\n";
	const char *empty_tr = "<Events>\n</Events>\n";
	CHECK_INT("sniff tracerpt", etw_sniff(tr, strlen(tr)), FMT_ETW_XML);
	CHECK_INT("sniff wevtutil", etw_sniff(wv, strlen(wv)), FMT_ETW_XML);
	CHECK_INT("sniff perfview", etw_sniff(pv, strlen(pv)),
		  FMT_PERFVIEW_XML);
	CHECK_INT("sniff strace", etw_sniff(st, strlen(st)), FMT_AUTO);
	CHECK_INT("sniff empty tracerpt", etw_sniff(empty_tr,
		  strlen(empty_tr)), FMT_ETW_XML);
	const char *cm = "<!-- like <Event MSec=\"1\"> -->\n<Event xmlns='x'>"
			 "<System/></Event>";
	CHECK_INT("sniff ignores comments", etw_sniff(cm, strlen(cm)),
		  FMT_ETW_XML);
}

/* tracerpt: <Events> root, classic Ob events, types named by TypeDCStart */
static void test_tracerpt_ob(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "<Events>\n");
	classic(&sb, OBG, 36, "2024-03-05T10:15:30.000000000Z", -1, -1, 0,
		"<Data Name=\"ObjectType\">8</Data><Data Name=\"Reserved\">0"
		"</Data><Data Name=\"TypeName\">Thread</Data>");
	classic(&sb, OBG, 32, "2024-03-05T10:15:30.100000000Z", 3396, 3260,
		1, "<Data Name=\"Object\">0xFFFFC283B0E2B080</Data>"
		"<Data Name=\"Handle\">0x1A4</Data>"
		"<Data Name=\"ObjectType\">8</Data>"
		"<Data Name=\"ObjectName\"></Data>");
	classic(&sb, OBG, 33, "2024-03-05T10:15:30.2+00:00", 3396, 4120, 0,
		"<Data Name=\"Object\">0xFFFFC283B0E2B080</Data>"
		"<Data Name=\"Handle\">420</Data>"
		"<Data Name=\"ObjectType\">8</Data>"
		"<Data Name=\"ObjectName\"/>");
	sb_puts(&sb, "</Events>\n");
	struct run r;
	run_parse(&r, sb.s, FMT_AUTO, NULL);
	CHECK_INT("tracerpt rc", r.rc, 0);
	CHECK_INT("tracerpt format", r.st.format, FMT_ETW_XML);
	CHECK_INT("tracerpt events", r.n, 2);
	/* "lines" are the file's lines, not its events (issue 13) */
	{
		long nl = 0;
		for (const char *c = sb.s; *c; c++)
			nl += *c == '\n';
		CHECK_INT("tracerpt lines = the file's lines", r.st.lines, nl);
	}
	if (r.n == 2) {
		struct gotev *a = &r.ev[0], *b = &r.ev[1];
		CHECK_STR("create call", a->call, "CreateHandle");
		CHECK_INT("create pid", a->pid, 3396);
		CHECK_INT("create tid", a->tid, 3260);
		CHECK_INT("create cpu", a->cpu, 1);
		CHECK_INT("create ts", a->ts, 1709633730100000000LL);
		CHECK_STR("create time text", a->time,
			  "2024-03-05T10:15:30.100000000Z");
		CHECK_INT("create event index", a->event, 2);
		CHECK_INT("create line", a->line, 14);
		CHECK_INT("create fx", a->nfx, 1);
		CHECK_INT("create op", a->fx[0].op, EFF_CREATE);
		CHECK_INT("create handle", a->fx[0].h, 0x1a4);
		CHECK_STR("create object named by TypeDCStart", a->obj[0],
			  "Thread 0xffffc283b0e2b080");
		CHECK("create raw", strstr(a->raw, "CreateHandle ") == a->raw &&
		      strstr(a->raw, "Handle=0x1A4"));
		CHECK_STR("close call", b->call, "CloseHandle");
		CHECK_INT("close decimal handle", b->fx[0].h, 0x1a4);
		CHECK_INT("close op", b->fx[0].op, EFF_CLOSE);
		CHECK_INT("close cpu", b->cpu, 0);
		CHECK_INT("close ts with offset", b->ts,
			  1709633730200000000LL);
		CHECK_INT("close event index", b->event, 3);
	}
	run_free(&r);
	sb_free(&sb);
}

/* wevtutil: no root, XML declaration first, single quotes, no EventGuid */
static void test_wevtutil_bare(void)
{
	const char *x =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Guid='" SYSG "'/><EventID>0</EventID><Version>2</Version><Level>0</Level><Task>0</Task><Opcode>32</Opcode><Keywords>0x0</Keywords><TimeCreated SystemTime='2024-03-05T10:15:30.1000000Z'/><Execution ProcessID='100' ThreadID='104' ProcessorID='3'/></System><EventData><Data Name='Object'>0xFFFF800011112222</Data><Data Name='Handle'>8</Data><Data Name='ObjectType'>16</Data><Data Name='ObjectName'>\\BaseNamedObjects\\ready</Data></EventData></Event>\n"
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Guid='" SYSG "'/><EventID>0</EventID><Version>4</Version><Opcode>1</Opcode><TimeCreated SystemTime='2024-03-05T10:15:30.2000000Z'/><Execution ProcessID='100' ThreadID='104' ProcessorID='0'/></System><EventData><Data Name='ProcessId'>0x64</Data><Data Name='TThreadId'>0x6C</Data><Data Name='ThreadName'>worker</Data></EventData></Event>\n";
	struct run r;
	run_parse(&r, x, FMT_AUTO, NULL);
	CHECK_INT("wevtutil rc", r.rc, 0);
	CHECK_INT("wevtutil events (thread name follows the start)", r.n, 3);
	if (r.n == 3) {
		CHECK_STR("wevtutil create", r.ev[0].call, "CreateHandle");
		CHECK_INT("wevtutil line after declaration", r.ev[0].line, 2);
		CHECK_INT("wevtutil event 1", r.ev[0].event, 1);
		CHECK_INT("wevtutil cpu", r.ev[0].cpu, 3);
		CHECK_STR("wevtutil unknown type shown by number",
			  r.ev[0].obj[0],
			  "ObjectType 16 \\BaseNamedObjects\\ready");
		CHECK_STR("wevtutil thread start by fields", r.ev[1].call,
			  "ThreadStart");
		CHECK_INT("thread start type", r.ev[1].type, EV_TASK_INFO);
		CHECK_INT("thread start told by the creator", r.ev[1].tid,
			  104);
		CHECK_INT("thread start creator pid", r.ev[1].pid, 100);
		CHECK("thread start: creator not renamed",
		      !r.ev[1].has_thread_name);
		CHECK_INT("thread spawn", r.ev[1].fx[0].op, EFF_SPAWN);
		CHECK_INT("thread spawn tid from TThreadId", r.ev[1].fx[0].h,
			  0x6c);
		CHECK_INT("thread spawn pid", r.ev[1].fx[0].h2, 100);
		CHECK_INT("thread spawn shares", r.ev[1].fx[0].flags,
			  EF_THREAD | EF_SHARE_FILES);
		CHECK_INT("wevtutil line 3", r.ev[1].line, 3);
		CHECK_INT("thread name event tid", r.ev[2].tid, 0x6c);
		CHECK_STR("thread name", r.ev[2].thread_name, "worker");
		CHECK_INT("thread name event line", r.ev[2].line, 3);
	}
	CHECK("wevtutil limits name unknown types",
	      strstr(r.st.limits, "object type numbers") != NULL);
	run_free(&r);

	/* the same with a UTF-8 BOM, and as UTF-16LE with a BOM */
	struct strbuf b;
	sb_init(&b);
	sb_add(&b, "\xEF\xBB\xBF", 3);
	sb_puts(&b, x);
	run_parse(&r, b.s, FMT_AUTO, NULL);
	CHECK_INT("utf-8 bom events", r.n, 3);
	run_free(&r);
	sb_reset(&b);
	sb_add(&b, "\xFF\xFE", 2);
	const char *nodecl = strchr(x, '\n') + 1;
	for (const char *p = nodecl; *p; p++) {
		sb_putc(&b, *p);
		sb_add(&b, "", 1);
	}
	run_parse_n(&r, b.s, b.len, FMT_AUTO, NULL);
	CHECK_INT("utf-16le events", r.n, 3);
	CHECK_INT("utf-16le rc", r.rc, 0);
	if (r.n == 3)
		CHECK_INT("utf-16le handle", r.ev[0].fx[0].h, 8);
	run_free(&r);
	sb_free(&b);
}

/* manifest/app events: named and nameless Data, UserData, RenderingInfo */
static void test_app_events(void)
{
	const char *head =
		"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='KbServer' Guid='{6F0E2A7C-3B1D-5E44-9C2A-0D7B1E5A4C31}'/><EventID>3</EventID><Version>0</Version><Level>2</Level><Task>65532</Task><Opcode>0</Opcode><Keywords>0xF00000000000</Keywords><TimeCreated SystemTime='2024-03-05T10:15:30.9Z'/><Execution ProcessID='3396' ThreadID='4512' ProcessorID='0'/></System>";
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s<EventData><Data Name='Socket'>0x1A4</Data>"
		  "<Data Name='Bytes'>512</Data><Data Name='Error'>10038"
		  "</Data></EventData><RenderingInfo Culture='en-US'>"
		  "<Task>SendFailed</Task></RenderingInfo></Event>\n", head);
	sb_printf(&sb, "%s<UserData><SendFailure xmlns='urn:x'><Socket>420"
		  "</Socket><WSAError>10009</WSAError></SendFailure>"
		  "</UserData></Event>\n", head);
	sb_printf(&sb, "%s<EventData><Data>0x1A4</Data><Data>6</Data>"
		  "</EventData></Event>\n", head);
	sb_printf(&sb, "%s<EventData><Data Name='Handle'>0x1A4</Data>"
		  "<Data Name='Status'>0xC0000008</Data></EventData></Event>\n",
		  head);
	sb_printf(&sb, "%s<EventData><Data Name='Bytes'>5</Data></EventData>"
		  "</Event>\n", head);
	/* a provider handletrail does not know: nothing without rules,
	 * the events with a field named like a handle counted */
	struct run r;
	run_parse(&r, sb.s, FMT_AUTO, NULL);
	CHECK_INT("unknown provider without rules", r.n, 0);
	CHECK("unknown provider counted", strstr(r.st.limits, "3 events of "
	      "providers no --rules file maps") && strstr(r.st.limits,
						  "(KbServer 3)"));
	run_free(&r);
	/* a rule that names the role only: the default field names */
	const char *roleonly =
		"<handletrail-rules><provider name='KbServer'>"
		"<event role='use'/></provider></handletrail-rules>\n";
	char *ro = write_temp(roleonly, strlen(roleonly));
	run_parse(&r, sb.s, FMT_AUTO, ro);
	unlink(ro);
	free(ro);
	CHECK_INT("app rc", r.rc, 0);
	CHECK_INT("app events (nameless and plain ones dropped)", r.n, 3);
	if (r.n == 3) {
		struct gotev *a = &r.ev[0], *b = &r.ev[1], *c = &r.ev[2];
		CHECK_STR("app call from RenderingInfo Task", a->call,
			  "SendFailed");
		CHECK_INT("app failed", a->failed, 1);
		CHECK_INT("app err", a->err, 10038);
		CHECK_STR("app errname", a->errname, "WSAENOTSOCK");
		CHECK_INT("app errc", a->errc, ERRC_NOTSOCK);
		CHECK_INT("app use", a->fx[0].op, EFF_USE);
		CHECK_INT("app socket only", a->fx[0].flags & EF_SOCKET_ONLY,
			  EF_SOCKET_ONLY);
		CHECK_INT("app handle", a->fx[0].h, 0x1a4);
		CHECK("app raw", strstr(a->raw, "KbServer/SendFailed Socket="
				      "0x1A4 Bytes=512 Error=10038") != NULL);
		CHECK_STR("userdata call by id", b->call, "Event3");
		CHECK_INT("userdata handle", b->fx[0].h, 420);
		CHECK_STR("userdata error", b->errname, "WSAEBADF");
		CHECK_INT("userdata errc", b->errc, ERRC_BADF);
		CHECK_STR("ntstatus status", c->errname,
			  "STATUS_INVALID_HANDLE");
		CHECK_INT("ntstatus errc", c->errc, ERRC_BADF);
		CHECK_INT("handle field not socket-only", c->fx[0].flags, 0);
	}
	run_free(&r);

	/* rules: the nameless Data by position, an id named, a close */
	const char *rules =
		"<?xml version='1.0'?>\n<handletrail-rules>\n"
		" <provider name='KbServer'>\n"
		"  <event id='3' name='SendFailed' role='fail' handle='#1' "
		"error='#2' socket='yes'/>\n"
		" </provider>\n"
		"</handletrail-rules>\n";
	char *rp = write_temp(rules, strlen(rules));
	sb_reset(&sb);
	sb_printf(&sb, "%s<EventData><Data>0x1A4</Data><Data>6</Data>"
		  "</EventData></Event>\n", head);
	run_parse(&r, sb.s, FMT_AUTO, rp);
	CHECK_INT("rules rc", r.rc, 0);
	CHECK_INT("rules events", r.n, 1);
	if (r.n == 1) {
		CHECK_STR("rules name the id", r.ev[0].call, "SendFailed");
		CHECK_INT("rules positional handle", r.ev[0].fx[0].h, 0x1a4);
		CHECK_STR("rules positional error", r.ev[0].errname,
			  "ERROR_INVALID_HANDLE");
		CHECK_INT("rules socket", r.ev[0].fx[0].flags, EF_SOCKET_ONLY);
	}
	run_free(&r);
	unlink(rp);
	free(rp);
	sb_free(&sb);
}

/* process start (hex payload pids), DuplicateHandle v2/v3, rundown */
static void test_kernel_events(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "<Events>\n");
	classic(&sb, "{3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c}", 1,
		"2006-12-18T12:26:27.887309500Z", 3396, 3260, 0,
		"<Data Name=\"UniqueProcessKey\">0xFFFFFA800143FA80</Data>"
		"<Data Name=\"ProcessId\">0x10EC</Data>"
		"<Data Name=\"ParentId\">0xD44</Data>"
		"<Data Name=\"ImageFileName\">notepad.exe</Data>");
	classic(&sb, OBG, 38, "2006-12-18T12:26:27.9Z", -1, -1, 0,
		"<Data Name=\"Object\">0xFFFF1</Data>"
		"<Data Name=\"ProcessId\">4332</Data>"
		"<Data Name=\"Handle\">0x40</Data>"
		"<Data Name=\"ObjectType\">16</Data>"
		"<Data Name=\"ObjectName\"></Data>");
	classic(&sb, OBG, 34, "2006-12-18T12:26:28Z", 3396, 3260, 1,
		"<Data Name=\"Object\">0xFFFF2</Data>"
		"<Data Name=\"SourceHandle\">0x2C0</Data>"
		"<Data Name=\"TargetHandle\">0x1E8</Data>"
		"<Data Name=\"TargetProcessId\">4332</Data>"
		"<Data Name=\"ObjectType\">16</Data>");
	classic(&sb, OBG, 34, "2006-12-18T12:26:28.1Z", 3396, 3260, 1,
		"<Data Name=\"Object\">0xFFFF2</Data>"
		"<Data Name=\"SourceHandle\">0x2C0</Data>"
		"<Data Name=\"TargetHandle\">0x2C8</Data>"
		"<Data Name=\"TargetProcessId\">3396</Data>"
		"<Data Name=\"ObjectType\">16</Data>"
		"<Data Name=\"SourceProcessId\">3396</Data>");
	/* end rundown: 0x40 is already known open, 0x44 is not */
	classic(&sb, OBG, 39, "2006-12-18T12:26:29Z", -1, -1, 0,
		"<Data Name=\"Object\">0xFFFF1</Data>"
		"<Data Name=\"ProcessId\">4332</Data>"
		"<Data Name=\"Handle\">0x40</Data>"
		"<Data Name=\"ObjectType\">16</Data>"
		"<Data Name=\"ObjectName\"></Data>");
	classic(&sb, OBG, 39, "2006-12-18T12:26:29.1Z", -1, -1, 0,
		"<Data Name=\"Object\">0xFFFF3</Data>"
		"<Data Name=\"ProcessId\">4332</Data>"
		"<Data Name=\"Handle\">0x44</Data>"
		"<Data Name=\"ObjectType\">16</Data>"
		"<Data Name=\"ObjectName\"></Data>");
	/* a kernel handle: not analysed, counted */
	classic(&sb, OBG, 32, "2006-12-18T12:26:29.2Z", 4, 8, 0,
		"<Data Name=\"Object\">0xFFFF4</Data>"
		"<Data Name=\"Handle\">0x80000044</Data>"
		"<Data Name=\"ObjectType\">16</Data>"
		"<Data Name=\"ObjectName\"></Data>");
	sb_puts(&sb, "</Events>\n");
	struct run r;
	run_parse(&r, sb.s, FMT_AUTO, NULL);
	CHECK_INT("kernel rc", r.rc, 0);
	CHECK_INT("kernel events", r.n, 5);
	if (r.n == 5) {
		struct gotev *p = &r.ev[0];
		CHECK_STR("process call", p->call, "ProcessStart");
		CHECK_INT("process start told by the creator", p->pid, 3396);
		CHECK_INT("process start creator tid", p->tid, 3260);
		CHECK_INT("process spawn", p->fx[0].op, EFF_SPAWN);
		CHECK_INT("process spawn no thread yet", p->fx[0].h, -1);
		CHECK_INT("process spawn new pid from hex payload",
			  p->fx[0].h2, 0x10ec);
		CHECK("process spawn raw", strstr(p->raw,
		      "ImageFileName=notepad.exe") != NULL);
		CHECK_INT("process time 9 digits", p->ts,
			  1166444787887309500LL);
		struct gotev *d = &r.ev[1];
		CHECK_STR("rundown call", d->call, "HandleDCStart");
		CHECK_INT("rundown pid from payload", d->pid, 4332);
		CHECK_INT("rundown op", d->fx[0].op, EFF_OUTSIDE);
		CHECK_INT("rundown handle", d->fx[0].h, 0x40);
		struct gotev *v2 = &r.ev[2], *v3 = &r.ev[3];
		CHECK_INT("dup v2 op", v2->fx[0].op, EFF_DUP);
		CHECK_INT("dup v2 source", v2->fx[0].h, 0x2c0);
		CHECK_INT("dup v2 target", v2->fx[0].h2, 0x1e8);
		CHECK_INT("dup v2 target process", v2->fx[0].pid2, 4332);
		CHECK_INT("dup v2 source process = header", v2->pid, 3396);
		CHECK_INT("dup v3 same process", v3->fx[0].pid2, -1);
		CHECK_INT("dup v3 target", v3->fx[0].h2, 0x2c8);
		CHECK_INT("end rundown of unseen handle", r.ev[4].fx[0].h,
			  0x44);
		CHECK_INT("end rundown op", r.ev[4].fx[0].op, EFF_OUTSIDE);
	}
	CHECK("kernel handles counted in limits",
	      strstr(r.st.limits, "1 events on kernel handles") != NULL);
	run_free(&r);
	sb_free(&sb);
}

/* The application providers of these tests, mapped by a rules file
 * that names the role only (the default field names do the rest): a
 * provider handletrail does not know needs one. */
static char *app_rules(void)
{
	const char *x =
		"<handletrail-rules>\n"
		" <provider name='A'><event role='use'/></provider>\n"
		" <provider name='KbServer'><event name='SendFailed' "
		"role='use'/></provider>\n"
		"</handletrail-rules>\n";
	return write_temp(x, strlen(x));
}

static void test_perfview(void)
{
	const char *x =
		"<Event MSec=   \"0.0000\" PID=  \"-1\" PName=\"Process(-1)\" TID=  \"-1\" EventName=\"Object/TypeDCStart\" ObjectType=\"37\" Reserved=\"0\" TypeName=\"File\"/>\n"
		"<Event MSec=\"1734.2301\" PID=\"20648\" PName=\"app\" TID=\"11396\" EventName=\"Object/CreateHandle\" Object=\"0xFFFFC283AEE8CD60\" Handle=\"0x00003A78\" ObjectType=\"37\" ObjectName=\"\\Device\\HarddiskVolume3\\x.txt\" ObjectTypeName=\"File\">\n"
		"  <Payload Length=\"16\">\n     0:  60 cd e8 ae 83 c2 ff ff | 78 3a  0  0 25  0  0  0\n  </Payload>\n</Event>\n"
		"<Event MSec=\"1735.0000\" PID=\"20648\" PName=\"app\" TID=\"11396\" EventName=\"Object/DuplicateHandle\" Version=\"3\" Object=\"0xFFFFC283AEEA3E60\" SourceHandle=\"0x00005648\" TargetHandle=\"-2,147,476,004\" SourceProcessID=\"20,648\" TargetHandleID=\"4\" ObjectType=\"16\"/>\n"
		"<Event MSec=\"1736.5000\" PID=\"20648\" PName=\"app\" TID=\"11400\" EventName=\"SendFailed\" Socket=\"420\" Error=\"10,038\"/>\n"
		"<Event MSec=\"1737.0000\" PID=\"6029331\" PName=\"Process(6029331)\" TID=\"-1\" EventName=\"Object/HandleDCEnd\" Object=\"0xFFFF9\" ProcessId=\"4\" Handle=\"0xFFFFFFFF80000044\" ObjectType=\"19\" ObjectName=\"\\KernelObjects\\HighMemoryCondition\"/>\n";
	struct run r;
	char *rp = app_rules();
	run_parse(&r, x, FMT_AUTO, rp);
	unlink(rp);
	free(rp);
	CHECK_INT("perfview rc", r.rc, 0);
	CHECK_INT("perfview format", r.st.format, FMT_PERFVIEW_XML);
	CHECK_INT("perfview events", r.n, 3);
	if (r.n == 3) {
		struct gotev *a = &r.ev[0];
		CHECK_STR("perfview call", a->call, "CreateHandle");
		CHECK_INT("perfview pid", a->pid, 20648);
		CHECK_INT("perfview tid", a->tid, 11396);
		CHECK_INT("perfview cpu unknown", a->cpu, -1);
		CHECK_INT("perfview ts", a->ts, 1734230100LL);
		CHECK_STR("perfview time text", a->time, "1734.2301");
		CHECK_STR("perfview object", a->obj[0],
			  "File \\Device\\HarddiskVolume3\\x.txt");
		CHECK_INT("perfview handle", a->fx[0].h, 0x3a78);
		CHECK_INT("perfview line", a->line, 2);
		/* into the kernel's table: the source is used */
		CHECK_INT("perfview dup to kernel: use", r.ev[1].fx[0].op,
			  EFF_USE);
		CHECK_INT("perfview dup source", r.ev[1].fx[0].h, 0x5648);
		CHECK_INT("perfview n0 error", r.ev[2].err, 10038);
		CHECK_INT("perfview app handle", r.ev[2].fx[0].h, 420);
		CHECK_STR("perfview app call", r.ev[2].call, "SendFailed");
	}
	run_free(&r);
}

/* Winsock-Sockets without Object Manager events, and AFD endpoints */
static void test_winsock(void)
{
	const char *sk = "{BDE46AEA-2357-51FE-7367-D5296F530BD1}";
	const char *afd = "{E53C6823-7BB8-44BB-90DC-3F86090D48A6}";
	struct strbuf sb;
	sb_init(&sb);
	struct { const char *g, *n; int id; const char *t; int tid;
		 const char *data; } e[] = {
		{ afd, "Microsoft-Windows-Winsock-AFD", 1000, "30.10", 9,
		  "<Data Name='EnterExit'>1</Data><Data Name='Location'>1"
		  "</Data><Data Name='Process'>0xFFFFE001</Data>"
		  "<Data Name='Endpoint'>0xFFFFE00155550000</Data>"
		  "<Data Name='Status'>0</Data>" },
		{ sk, "Microsoft-Windows-Winsock-Sockets", 2, "30.11", 9,
		  "<Data Name='ErrorCode'>0x0</Data><Data Name='Socket'>"
		  "0x1A4</Data><Data Name='ProcessId'>50</Data>" },
		{ afd, "Microsoft-Windows-Winsock-AFD", 1003, "30.20", 9,
		  "<Data Name='EnterExit'>0</Data><Data Name='Location'>1"
		  "</Data><Data Name='Process'>0xFFFFE001</Data>"
		  "<Data Name='Endpoint'>0xFFFFE00155550000</Data>"
		  "<Data Name='Status'>0</Data>" },
		{ afd, "Microsoft-Windows-Winsock-AFD", 1003, "30.21", 9,
		  "<Data Name='EnterExit'>1</Data><Data Name='Location'>1"
		  "</Data><Data Name='Process'>0xFFFFE001</Data>"
		  "<Data Name='Endpoint'>0xFFFFE00155550000</Data>"
		  "<Data Name='Status'>0</Data>" },
		{ afd, "Microsoft-Windows-Winsock-AFD", 1004, "30.22", 9,
		  "<Data Name='EnterExit'>0</Data><Data Name='Endpoint'>"
		  "0xFFFFE00177770000</Data><Data Name='Status'>0</Data>" },
		{ sk, "Microsoft-Windows-Winsock-Sockets", 4, "30.30", 9,
		  "<Data Name='ErrorCode'>0x0</Data><Data Name='Socket'>"
		  "0x1A4</Data>" },
		{ sk, "Microsoft-Windows-Winsock-Sockets", 4, "30.40", 10,
		  "<Data Name='ErrorCode'>0x2736</Data><Data Name='Socket'>"
		  "0x1A4</Data>" },
		{ sk, "Microsoft-Windows-Winsock-Sockets", 3, "30.41", 10,
		  "" },
	};
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		sb_printf(&sb, "<Event xmlns='http://schemas.microsoft.com/"
			  "win/2004/08/events/event'><System><Provider "
			  "Name='%s' Guid='%s'/><EventID>%d</EventID>"
			  "<Version>0</Version><TimeCreated SystemTime="
			  "'2024-03-05T10:15:%sZ'/><Execution ProcessID='50' "
			  "ThreadID='%d' ProcessorID='0'/></System><EventData>"
			  "%s</EventData></Event>\n", e[i].n, e[i].g, e[i].id,
			  e[i].t, e[i].tid, e[i].data);
	struct run r;
	run_parse(&r, sb.s, FMT_AUTO, NULL);
	CHECK_INT("winsock rc", r.rc, 0);
	CHECK_INT("winsock events", r.n, 4);
	if (r.n == 4) {
		CHECK_STR("sock create", r.ev[0].call, "SockCreate");
		CHECK_INT("sock create op", r.ev[0].fx[0].op, EFF_CREATE);
		CHECK_INT("sock create h", r.ev[0].fx[0].h, 0x1a4);
		CHECK_STR("sock object", r.ev[0].obj[0], "Socket 0x1a4");
		CHECK_STR("afd send tied to socket", r.ev[1].call, "AfdSend");
		CHECK_INT("afd send use", r.ev[1].fx[0].op, EFF_USE);
		CHECK_INT("afd send handle", r.ev[1].fx[0].h, 0x1a4);
		CHECK_INT("sock close op", r.ev[2].fx[0].op, EFF_CLOSE);
		CHECK_INT("sock close 10038 failed", r.ev[3].failed, 1);
		CHECK_STR("sock close 10038", r.ev[3].errname, "WSAENOTSOCK");
		/* closesocket() of a closed value: a failed close of a
		 * closed number, as close() = -1 EBADF */
		CHECK_INT("sock close 10038 of a closed value is a close",
			  r.ev[3].fx[0].op, EFF_CLOSE);
		CHECK_INT("sock close 10038 of a closed value: bad handle",
			  r.ev[3].errc, ERRC_BADF);
	}
	CHECK("unlinked afd counted",
	      strstr(r.st.limits, "1 Winsock-AFD events") != NULL);
	run_free(&r);
	sb_free(&sb);
}

/* skips, truncation, and a compressed input */
static void test_errors(void)
{
	const char *x =
		"<Events>\n"
		"<Event><System><Provider Name='A' Guid='{00000000-0000-0000-0000-000000000001}'/><EventID>1</EventID><Execution ProcessID='1' ThreadID='2'/></System><EventData><Data Name='Handle'>4</Data><Data Name='Error'>6</Data></EventData></Event>\n"
		"<Event><System><Provider Name='A' Guid='{00000000-0000-0000-0000-000000000001}'/><EventID>1</EventID><TimeCreated SystemTime='yesterday'/><Execution ProcessID='1' ThreadID='2'/></System></Event>\n"
		"<Event><System><Provider Name='A' Guid='{00000000-0000-0000-0000-000000000001}'/><EventID>1</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Execution ProcessID='1' ThreadID='2'/></System><EventData><Data Name='Handle'>4</Data><Data Name='Error'>6</Data></EventData></Event>\n"
		"<Event><System><Provider Name='A'/><TimeCreated SystemTime='2024-01-01T00:00:01Z'/></System><EventData><Data Name='Handle'>4</Da";
	/* libxml2's reader parses ahead by chunks: put the break far
	 * enough behind the last good event */
	struct strbuf sb;
	sb_init(&sb);
	const char *cut = strstr(x, "<Event><System><Provider Name='A'/>");
	sb_add(&sb, x, (size_t)(cut - x));
	sb_puts(&sb, "<!--");
	for (int i = 0; i < 200; i++)
		sb_puts(&sb, " padding padding padding padding padding\n");
	sb_puts(&sb, "-->\n");
	sb_puts(&sb, cut);
	struct run r;
	char *rp = app_rules();
	run_parse(&r, sb.s, FMT_AUTO, rp);
	sb_free(&sb);
	CHECK_INT("truncated: fatal", r.rc, -1);
	CHECK_INT("truncated: events before kept", r.n, 1);
	CHECK_INT("truncated: skipped counted", r.st.skipped, 2);
	CHECK("truncated: error names the file", strstr(r.errmsg, r.path) ==
	      r.errmsg);
	CHECK("truncated: error says XML", strstr(r.errmsg, "XML error") !=
	      NULL);
	CHECK("skip reason names the time",
	      r.st.nsamples == 2 && r.st.samples[0].line == 2 &&
	      strstr(r.st.samples[0].reason, "TimeCreated") != NULL &&
	      strstr(r.st.samples[1].reason, "yesterday") != NULL);
	run_free(&r);

	/* gzip */
	const char *ok = "<Events>\n<Event><System><Provider Name='A' Guid='{00000000-0000-0000-0000-000000000001}'/><EventID>1</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Execution ProcessID='1' ThreadID='2'/></System><EventData><Data Name='Socket'>8</Data><Data Name='ErrorCode'>10038</Data></EventData></Event>\n</Events>\n";
	char *gz = temp_name();
	gzFile g = gzopen(gz, "wb");
	gzwrite(g, ok, (unsigned)strlen(ok));
	gzclose(g);
	run_file(&r, gz, FMT_AUTO, rp);
	unlink(rp);
	free(rp);
	CHECK_INT("gzip rc", r.rc, 0);
	CHECK_INT("gzip events", r.n, 1);
	CHECK_STR("gzip compression", r.st.compression, "gzip");
	run_free(&r);
	unlink(gz);
	free(gz);
}

/* A decoder's number field: its text is what the hex/decimal printers
 * make, and its num is what etw_parse_int reads back from that text (so
 * the .etl path may skip the read without changing a result), at the
 * edges of each width, and refused where the parser refuses. */
static void test_number_fields(void)
{
	static const uint64_t vs[] = {
		0, 1, 9, 10, 15, 16, 255, 0x1a4, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 18446744073709551609ULL,
		18446744073709551610ULL, 0xffffffffffffffffULL,
	};
	static const char bases[] = "xui";
	struct etw_rec r;
	memset(&r, 0, sizeof r);
	int bad = 0, checked = 0;
	for (size_t b = 0; b < 3; b++)
		for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
			etw_rec_reset(&r);
			etw_rec_field_num(&r, "Handle", 6, vs[i], bases[b]);
			const struct etw_field *f = etw_find(&r, "handle", 6);
			char want[32];
			if (bases[b] == 'x')
				snprintf(want, sizeof want, "0x%llX",
					 (unsigned long long)vs[i]);
			else if (bases[b] == 'u')
				snprintf(want, sizeof want, "%llu",
					 (unsigned long long)vs[i]);
			else
				snprintf(want, sizeof want, "%lld",
					 (long long)vs[i]);
			int64_t v = 0;
			int parsed = f && etw_parse_int(etw_value(&r, f),
							&v) == 0;
			checked++;
			if (!f || strcmp(etw_value(&r, f), want) ||
			    f->vl != strlen(want) || !f->plain ||
			    f->has_num != parsed || (parsed && f->num != v)) {
				bad++;
				printf("  number field %c %s: text %s num %lld "
				       "has_num %d parsed %d\n", bases[b], want,
				       f ? etw_value(&r, f) : "(none)",
				       f ? (long long)f->num : 0,
				       f ? f->has_num : -1, parsed);
			}
		}
	CHECK("number fields: text and num agree with etw_parse_int",
	      bad == 0 && checked == 51);
	etw_rec_reset(&r);
	etw_rec_field_num(&r, "Big", 3, 18446744073709551615ULL, 'u');
	CHECK("a decimal the parser refuses has no num",
	      etw_find(&r, "Big", 3) && !etw_find(&r, "Big", 3)->has_num);
	free(r.buf);
}

/* A kernel Process/Start v4 payload (etl_layouts.def) with a SID of
 * subs parts, an ANSI image name of alen characters and three UTF-16
 * strings of wlen: near ETW_REC_MAX_BYTES when large. */
static size_t process_start(unsigned char *p, size_t cap, int subs,
			    int alen, int wlen)
{
	size_t need = 40 + 16 + 8 + 4 * (size_t)subs + (size_t)alen + 1 +
		      3 * (2 * (size_t)wlen + 2);
	if (need > cap)
		return 0;
	memset(p, 0, need);
	size_t k = 8 + 16 + 8 + 4;     /* p x x u i p x */
	p[k] = 1;                      /* a UserSID: TOKEN_USER, then */
	k += 16;
	p[k] = 1;                      /* the SID: revision, parts, ... */
	p[k + 1] = (unsigned char)subs;
	p[k + 7] = 5;
	k += 8;
	memset(p + k, 0xff, 4 * (size_t)subs);
	k += 4 * (size_t)subs;
	memset(p + k, 'A', (size_t)alen);
	k += (size_t)alen + 1;
	for (int j = 0; j < 3; j++, k += 2)
		for (int i = 0; i < wlen; i++, k += 2)
			p[k] = 'B';
	return k;
}

/* etl_decode of n payload bytes as a 64-bit kernel Process/Start v4 */
static int decode_process_start(struct etw_rec *r, const unsigned char *p,
				size_t n)
{
	struct etl_record e;
	struct strbuf sb;
	memset(&e, 0, sizeof e);
	sb_init(&sb);
	e.htype = ETL_SYSTEM64;
	e.ptr64 = 1;
	e.group = 3;
	e.type = 1;
	e.version = 4;
	e.pid = 1;
	e.tid = 2;
	e.ft = 133000000000000000LL;
	e.payload = p;
	e.len = n;
	int rc = etl_decode(&e, r, &sb);
	sb_free(&sb);
	return rc;
}

/* what one decode of the payload into r gives: cut, fields, lengths */
static void decode_shape(struct etw_rec *r, const unsigned char *p,
			 size_t n, char *out, size_t cap)
{
	int rc = decode_process_start(r, p, n);
	size_t k = (size_t)snprintf(out, cap, "rc %d cut %d fields %d:", rc,
				    r->cut, r->nfields);
	for (int i = 0; i < r->nfields && k < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, " %zu",
				      strlen(etw_value(r, &r->f[i])));
}

/* A binary decoder's field names are not copied into the record: a
 * record near the size limit is cut where its own text says, the same
 * whether the record's buffer is new or grown by an earlier one. */
static void test_kept_names_cut(void)
{
	static unsigned char p[20000];
	struct etw_rec r;
	char first[512], again[512];
	size_t n = process_start(p, sizeof p, 180, 1024, 1642);
	memset(&r, 0, sizeof r);
	decode_shape(&r, p, n, first, sizeof first);
	decode_shape(&r, p, n, again, sizeof again);
	CHECK_STR("kept names: a record just under the limit is whole",
		  first, "rc 1 cut 0 fields 12: 3 3 3 1 1 3 3 1985 1024 "
		  "1642 1642 1642");
	CHECK_STR("kept names: the same on a grown buffer", again, first);
	free(r.buf);
	n = process_start(p, sizeof p, 180, 1024, 1800);
	memset(&r, 0, sizeof r);
	decode_shape(&r, p, n, first, sizeof first);
	decode_shape(&r, p, n, again, sizeof again);
	CHECK("kept names: a record past the limit is cut",
	      strncmp(first, "rc 1 cut 1 fields 12:", 21) == 0);
	CHECK_STR("kept names: cut the same on a grown buffer", again, first);
	free(r.buf);
}

/* The UTF-16 strings of a Process/Start v4 payload decoded as UTF-8:
 * four ASCII units are taken at once, so a NUL, a non-ASCII unit or the
 * 2048-byte cap at each place within such a block ends or changes it
 * where one unit at a time would. */
static const char *w16_decoded(const uint16_t *w, size_t nw, int field,
			       struct etw_rec *r)
{
	static unsigned char p[20000];
	size_t k = process_start(p, sizeof p, 1, 3, 0);
	/* the three strings are empty there: put w into the chosen one */
	size_t at = k - 6 + 2 * (size_t)field, tail = k - at;
	if (at + 2 * nw + tail > sizeof p)
		return "";
	memmove(p + at + 2 * nw, p + at, tail);
	for (size_t i = 0; i < nw; i++) {
		p[at + 2 * i] = (unsigned char)(w[i] & 255);
		p[at + 2 * i + 1] = (unsigned char)(w[i] >> 8);
	}
	int rc = decode_process_start(r, p, k + 2 * nw);
	return rc == 1 && r->nfields == 12 ? etw_value(r, &r->f[9 + field])
					   : "(not decoded)";
}

static void test_utf16_blocks(void)
{
	static const struct {
		const char *what;
		uint16_t w[12];
		size_t n;
		const char *want;
	} cases[] = {
		{ "two blocks", { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 0 },
		  9, "abcdefgh" },
		{ "NUL inside a block", { 'a', 'b', 0, 'd', 'e', 0 }, 6,
		  "ab" },
		{ "NUL ending a block", { 'a', 'b', 'c', 0 }, 4, "abc" },
		{ "U+00E9 in the first block",
		  { 'a', 0xE9, 'c', 'd', 'e', 'f', 0 }, 7,
		  "a\xc3\xa9" "cdef" },
		{ "DEL and U+0080 in one block",
		  { 0x7F, 0x80, 'x', 'y', 'z', 0 }, 6,
		  "\x7f\xc2\x80xyz" },
		{ "a surrogate pair across blocks",
		  { 'h', 'e', 'l', 0xD83D, 0xDE00, '!', 0 }, 7,
		  "hel\xf0\x9f\x98\x80!" },
		{ "a lone surrogate", { 'a', 'b', 'c', 'd', 0xD800, 'x', 0 },
		  7, "abcd\xef\xbf\xbdx" },
		{ "U+4E2D after five ASCII",
		  { '1', '2', '3', '4', '5', 0x4E2D, 0 }, 7,
		  "12345\xe4\xb8\xad" },
	};
	struct etw_rec r;
	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char what[96];
		snprintf(what, sizeof what, "utf16: %s", cases[i].what);
		CHECK_STR(what, w16_decoded(cases[i].w, cases[i].n, 0, &r),
			  cases[i].want);
	}
	/* past the cap the text stops at 2048 bytes, and the next string
	 * is still read from where this one ends; after a 5-byte start
	 * (U+00E9 U+4E2D) the blocks of four meet the cap unaligned */
	for (int pre = 0; pre <= 5; pre += 5)
		for (size_t len = 2040; len <= 2052; len++) {
			static uint16_t w[2100];
			size_t np = pre ? 2 : 0;
			w[0] = 0xE9;
			w[1] = 0x4E2D;
			for (size_t i = 0; i < len; i++)
				w[np + i] = (uint16_t)('a' + i % 26);
			w[np + len] = 0;
			const char *v = w16_decoded(w, np + len + 1, 1, &r);
			size_t want = pre + len < 2048 ? pre + len : 2048;
			char what[96];
			snprintf(what, sizeof what, "utf16: %d+%zu units kept "
				 "as %zu bytes", pre, len, want);
			CHECK(what, strlen(v) == want && v[want - 1] ==
			      (char)('a' + (want - pre - 1) % 26));
			snprintf(what, sizeof what, "utf16: the string after "
				 "%d+%zu units", pre, len);
			CHECK_STR(what, etw_value(&r, &r.f[11]), "");
		}
	free(r.buf);
}

int main(void)
{
	test_values();
	test_number_fields();
	test_kept_names_cut();
	test_utf16_blocks();
	test_sniff();
	test_tracerpt_ob();
	test_wevtutil_bare();
	test_app_events();
	test_kernel_events();
	test_perfview();
	test_winsock();
	test_errors();
	return unit_failed;
}
