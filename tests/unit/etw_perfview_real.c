/* tests/unit/etw_perfview_real.c - the real PerfView dumps (TraceEvent's
 * Dump() form, 2024 x64 traces, ../shared/etw-real/etwanalyzer) read
 * event by event: header from the outer <Event>, fields from the nested
 * <PrettyPrint> one, the payload bytes where a field is missing, and the
 * line where each <Event start tag begins.  Used at their shared path,
 * never copied. */
#include <stdlib.h>
#include <unistd.h>
#include "unit.h"
#include "etw_util.h"

static const char *shared(char *buf, size_t n, const char *file)
{
	const char *d = getenv("SHARED");
	snprintf(buf, n, "%s/etw-real/etwanalyzer/%s",
		 d && *d ? d : "../shared", file);
	return buf;
}

static void test_complete_events(void)
{
	char path[512];
	struct run r;
	shared(path, sizeof path, "ObjectRef.complete-events.perfview.xml");
	if (access(path, R_OK)) {
		printf("SKIP: %s not found\n", path);
		return;
	}
	run_file(&r, path, FMT_AUTO, NULL);
	CHECK_INT("real dump rc", r.rc, 0);
	CHECK_INT("real dump format", r.st.format, FMT_PERFVIEW_XML);
	CHECK_INT("real dump: 4 handle events", r.n, 4);
	CHECK_INT("real dump: none skipped", r.st.skipped, 0);
	CHECK_INT("real dump: its 61 lines", r.st.lines, 61);
	if (r.n != 4) {
		run_free(&r);
		return;
	}
	/* time order: svchost's close, then Host's duplicate (file event 5,
	 * MSec 1476909.4275), create, close */
	struct gotev *c = &r.ev[0], *d = &r.ev[1], *o = &r.ev[2],
		     *x = &r.ev[3];
	CHECK_STR("close call", c->call, "CloseHandle");
	CHECK_INT("close pid", c->pid, 2180);
	CHECK_INT("close tid", c->tid, 30132);
	CHECK_INT("close cpu (outer header)", c->cpu, 0);
	CHECK_INT("close handle", c->fx[0].h, 0x7a0);
	CHECK_INT("close op", c->fx[0].op, EFF_CLOSE);
	CHECK_STR("close object", c->obj[0], "Event 0xffffc28194c533e0");
	CHECK_INT("close line: where <Event starts", c->line, 1);
	CHECK_INT("close event index", c->event, 1);
	CHECK_STR("close time", c->time, "1476393.6906");

	CHECK_STR("dup call", d->call, "DuplicateHandle");
	CHECK_INT("dup pid", d->pid, 20648);
	CHECK_INT("dup line", d->line, 49);
	/* TargetHandle "-2,147,476,004" = 0x80001DDC into process 4
	 * (labelled TargetHandleID): the kernel's table, a use of the
	 * source */
	CHECK_INT("dup into the kernel: a use", d->fx[0].op, EFF_USE);
	CHECK_INT("dup source handle", d->fx[0].h, 0x5648);

	CHECK_STR("create call", o->call, "CreateHandle");
	CHECK_INT("create pid", o->pid, 20648);
	CHECK_INT("create tid", o->tid, 7692);
	CHECK_INT("create handle", o->fx[0].h, 0x3a78);
	CHECK_INT("create op", o->fx[0].op, EFF_CREATE);
	CHECK_STR("create object", o->obj[0], "Event 0xffffc283aee8cd60");
	CHECK_INT("create line", o->line, 25);

	CHECK_INT("close2 handle", x->fx[0].h, 0x4944);
	CHECK_INT("close2 tid", x->tid, 28360);
	CHECK_INT("close2 line", x->line, 37);
	run_free(&r);
}

/* Dump() events cut to what the fields miss: the payload gives them */
static void test_payload_fallback(void)
{
	const char *x =
		"<Event MSec= \"13914.7962\" PID=\"6029331\" PName=\"Process(6029331)\" TID=  \"-1\" EventName=\"Object/HandleDCEnd\"\n"
		"  TimeStamp=\"04/25/24 21:56:33.363808\" ID=\"Illegal\" Version=\"2\" Keywords=\"0x00000000\" TimeStampQPC=\"9,861,336,646,447\" QPCTime=\"0.100us\"\n"
		"  Level=\"Always\" ProviderName=\"Windows Kernel\" ProviderGuid=\"9e814aad-3204-11d2-9a82-006008a86939\" ClassicProvider=\"True\" ProcessorNumber=\"8\"\n"
		"  Opcode=\"39\" TaskGuid=\"89497f50-effe-4440-8cf2-ce6b1cdcaca7\" Channel=\"0\" PointerSize=\"8\"\n"
		"  CPU=\"8\" EventIndex=\"1666297\" TemplateType=\"ObjectNameTraceData\">\n"
		"  <PrettyPrint>\n"
		"    <Event MSec= \"13914.7962\" PID=\"6029331\" PName=\"Process(6029331)\" TID=  \"-1\" EventName=\"Object/HandleDCEnd\" Object=\"0xFFFF810C862E09A0\" Handle=\"0x000001A4\" ObjectType=\"19\" ObjectName=\"\\BaseNamedObjects\\x\"/>\n"
		"  </PrettyPrint>\n"
		"  <Payload Length=\"22\">\n"
		"       0:  a0  9 2e 86  c 81 ff ff | 50 14  0  0 a4  1  0  0   ........ P.......\n"
		"      10:  13  0 78  0  0  0       |                           ..x...\n"
		"  </Payload>\n"
		"</Event>\n"
		/* a rundown whose owner is nowhere: counted, not "unreadable" */
		"<Event MSec= \"13914.8000\" PID=\"6029331\" PName=\"\" TID=\"-1\" EventName=\"Object/HandleDCEnd\"\n"
		"  Opcode=\"39\" TaskGuid=\"89497f50-effe-4440-8cf2-ce6b1cdcaca7\" PointerSize=\"8\" CPU=\"8\">\n"
		"  <PrettyPrint>\n"
		"    <Event MSec= \"13914.8000\" PID=\"6029331\" PName=\"\" TID=\"-1\" EventName=\"Object/HandleDCEnd\" Object=\"0xFFFF810C862E09B0\" Handle=\"0x000001A8\" ObjectType=\"19\"/>\n"
		"  </PrettyPrint>\n"
		"</Event>\n";
	struct run r;
	run_parse(&r, x, FMT_AUTO, NULL);
	CHECK_INT("payload rc", r.rc, 0);
	CHECK_INT("payload events", r.n, 1);
	CHECK_INT("payload skipped", r.st.skipped, 0);
	if (r.n == 1) {
		/* owner 0x1450 = 5200 from the payload; the PID attribute
		 * (6029331) is garbage */
		CHECK_INT("rundown owner from the payload", r.ev[0].pid, 5200);
		CHECK_INT("rundown handle", r.ev[0].fx[0].h, 0x1a4);
		CHECK_INT("rundown op", r.ev[0].fx[0].op, EFF_OUTSIDE);
		CHECK_INT("rundown cpu", r.ev[0].cpu, 8);
		CHECK_INT("rundown line", r.ev[0].line, 1);
	}
	CHECK("ownerless rundown counted in the limits",
	      strstr(r.st.limits, "1 rundown event without its owning "
		     "process") != NULL);
	run_free(&r);
}

int main(void)
{
	test_complete_events();
	test_payload_fallback();
	return unit_failed;
}
