/* tests/unit/etw_order.c - ETW events come back in (time, CPU, file
 * position) order within the reorder window; later ones are counted. */
#include "unit.h"
#include "etw_util.h"

/* the rules the test providers need (unit_app_rules) */
static char *rules;

static struct etw_rec *mk(struct etw_order *o, int64_t ts, int cpu,
			  long index)
{
	struct etw_rec *r = etw_order_slot(o);
	r->ts = ts;
	r->cpu = cpu;
	r->index = index;
	return r;
}

static void test_heap(void)
{
	struct etw_order *o = etw_order_new(4);
	/* (ts, cpu, index): ties broken by cpu, then file position */
	int64_t ts[] = { 30, 10, 20, 10, 10, 50, 40 };
	int cpu[] = { 0, 1, 0, 0, 1, 0, 1 };
	long got[16];
	int ng = 0;
	for (int i = 0; i < 7; i++) {
		struct etw_rec *r = etw_order_push(o, mk(o, ts[i], cpu[i],
							 i + 1));
		if (r) {
			got[ng++] = r->index;
			etw_order_release(o, r);
		}
	}
	struct etw_rec *r;
	while ((r = etw_order_pop(o)) != NULL) {
		got[ng++] = r->index;
		etw_order_release(o, r);
	}
	long want[] = { 4, 2, 5, 3, 1, 7, 6 };
	int same = ng == 7;
	for (int i = 0; same && i < 7; i++)
		same = got[i] == want[i];
	CHECK("heap order (ts, cpu, position)", same);
	CHECK_INT("heap no late", etw_order_late(o), 0);
	etw_order_free(o);

	/* window 2: an event 3 places late is still emitted, and counted */
	o = etw_order_new(2);
	int64_t ts2[] = { 5, 6, 7, 8, 1, 9 };
	ng = 0;
	for (int i = 0; i < 6; i++) {
		r = etw_order_push(o, mk(o, ts2[i], 0, i + 1));
		if (r) {
			got[ng++] = r->ts;
			etw_order_release(o, r);
		}
	}
	while ((r = etw_order_pop(o)) != NULL) {
		got[ng++] = r->ts;
		etw_order_release(o, r);
	}
	CHECK_INT("late: all emitted", ng, 6);
	CHECK_INT("late: counted", etw_order_late(o), 1);
	CHECK("late: emitted at once", ng == 6 && got[0] == 5 &&
	      got[1] == 6 && got[2] == 1 && got[3] == 7);
	etw_order_free(o);
}

/* the KB story dumped in per-CPU buffer order comes out as in time order */
static void test_buffers(void)
{
	const char *shape[] = { "tracerpt", "wevtutil", "perfview" };
	for (int s = 0; s < 3; s++) {
		char a[128], b[128], name[64];
		snprintf(a, sizeof a, "samples/etw/kb-q155738.%s.xml",
			 shape[s]);
		snprintf(b, sizeof b, "samples/etw/cpu-buffers.%s.xml",
			 shape[s]);
		static struct run ra, rb;
		run_file(&ra, a, FMT_AUTO, "samples/etw/kbserver.rules.xml");
		run_file(&rb, b, FMT_AUTO, "samples/etw/kbserver.rules.xml");
		snprintf(name, sizeof name, "buffers %s parsed", shape[s]);
		CHECK(name, ra.rc == 0 && rb.rc == 0 && ra.n > 10 &&
		      ra.n == rb.n);
		int same = ra.n == rb.n, sorted = 1, moved = 0;
		for (int i = 0; same && i < ra.n; i++) {
			same = ra.ev[i].ts == rb.ev[i].ts &&
			       !strcmp(ra.ev[i].call, rb.ev[i].call) &&
			       ra.ev[i].tid == rb.ev[i].tid;
			if (i && rb.ev[i].ts < rb.ev[i - 1].ts)
				sorted = 0;
			if (rb.ev[i].event != ra.ev[i].event)
				moved = 1;
		}
		snprintf(name, sizeof name, "buffers %s same sequence",
			 shape[s]);
		CHECK(name, same && sorted);
		snprintf(name, sizeof name, "buffers %s file order differed",
			 shape[s]);
		CHECK(name, moved);
		CHECK("buffers no late events", rb.st.limits[0] == '\0');
		run_free(&ra);
		run_free(&rb);
	}
}

/* one event far older than the window allows */
static void test_late_file(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "<Events>\n");
	for (int i = 0; i < 9000; i++) {
		int sec = i == 8500 ? 0 : 10 + i / 1000, ms = i % 1000;
		sb_printf(&sb, "<Event><System><Provider Name='A' Guid='{0000"
			  "0000-0000-0000-0000-0000000000a1}'/><EventID>1"
			  "</EventID><TimeCreated SystemTime='2024-01-01T00:00"
			  ":%02d.%03dZ'/><Execution ProcessID='1' ThreadID='2'"
			  " ProcessorID='0'/></System><EventData><Data Name="
			  "'Handle'>%d</Data></EventData></Event>\n", sec, ms,
			  4 * (i + 1));
	}
	sb_puts(&sb, "</Events>\n");
	static struct run r;
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("late file rc", r.rc, 0);
	CHECK_INT("late file events", r.st.events, 9000);
	CHECK("late file limit reported",
	      strstr(r.st.limits, "1 events arrived more than 8192 events "
		     "late") != NULL);
	run_free(&r);
	sb_free(&sb);
}

int main(void)
{
	rules = unit_app_rules();
	test_heap();
	test_buffers();
	test_late_file();
	unlink(rules);
	free(rules);
	return unit_failed;
}
