/* tests/unit/etw_hostile.c - ETW XML that tries to read local files, blow
 * up entities or nest without end: refused or bounded, nothing leaks. */
#include <time.h>
#include "unit.h"
#include "etw_util.h"

#define SECRET "TOPSECRET-5f1c9e"

/* the rules the test providers need (unit_app_rules) */
static char *rules;

static const char *ev_head =
	"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
	"<System><Provider Name='App' Guid='{00000000-0000-0000-0000-00000000"
	"00a1}'/><EventID>1</EventID><TimeCreated SystemTime='2024-01-01T00:"
	"00:00Z'/><Execution ProcessID='1' ThreadID='2' ProcessorID='0'/>"
	"</System>";

static char *secret_path;

static int leaked(const struct run *r)
{
	if (strstr(r->errmsg, SECRET) || strstr(r->st.limits, SECRET))
		return 1;
	for (int i = 0; i < r->st.nsamples; i++)
		if (strstr(r->st.samples[i].reason, SECRET))
			return 1;
	for (int i = 0; i < r->n; i++)
		if (strstr(r->ev[i].raw, SECRET) ||
		    strstr(r->ev[i].obj[0], SECRET))
			return 1;
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_xxe(void)
{
	struct strbuf sb;
	sb_init(&sb);
	struct run r;
	/* classic XXE in the prolog */
	sb_printf(&sb, "<?xml version='1.0'?>\n<!DOCTYPE Events [\n"
		  "<!ENTITY xxe SYSTEM 'file://%s'>]>\n<Events>%s<EventData>"
		  "<Data Name='Handle'>4</Data><Data Name='Error'>&xxe;</Data>"
		  "</EventData></Event></Events>\n", secret_path, ev_head);
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("xxe refused at open", r.rc, -2);
	CHECK("xxe message says DOCTYPE", strstr(r.errmsg, "DOCTYPE") != NULL);
	CHECK("xxe message names line 1", strstr(r.errmsg, ":1:") != NULL);
	CHECK("xxe no leak", !leaked(&r));
	run_free(&r);

	/* behind comments and a processing instruction, forced format */
	sb_reset(&sb);
	sb_printf(&sb, "<!-- c -->\n<?pi x?>\n<!doctype Events SYSTEM "
		  "'file://%s'>\n<Events/>\n", secret_path);
	run_parse(&r, sb.s, FMT_ETW_XML, rules);
	CHECK_INT("external DTD refused", r.rc, -2);
	CHECK("external DTD no leak", !leaked(&r));
	run_free(&r);

	/* a DOCTYPE in the middle of a root-less wevtutil run */
	sb_reset(&sb);
	sb_printf(&sb, "%s<EventData><Data Name='Handle'>4</Data>"
		  "<Data Name='Error'>6</Data></EventData></Event>\n"
		  "<!DOCTYPE x [<!ENTITY xxe SYSTEM 'file://%s'>]>\n"
		  "%s<EventData><Data Name='Handle'>&xxe;</Data>"
		  "<Data Name='Error'>6</Data></EventData></Event>\n",
		  ev_head, secret_path, ev_head);
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("mid-run DOCTYPE is an XML error", r.rc, -1);
	CHECK("mid-run DOCTYPE no leak", !leaked(&r));
	run_free(&r);

	/* an entity reference with nothing declaring it */
	sb_reset(&sb);
	sb_printf(&sb, "<Events>%s<EventData><Data Name='Handle'>&xxe;</Data>"
		  "</EventData></Event></Events>\n", ev_head);
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("undeclared entity is an XML error", r.rc, -1);
	CHECK("undeclared entity message",
	      strstr(r.errmsg, "xxe") != NULL);
	run_free(&r);

	/* XInclude is never processed */
	sb_reset(&sb);
	sb_printf(&sb, "<Events>%s<EventData><Data Name='Handle'>4</Data>"
		  "<Data Name='Error'>6</Data><Data Name='Note'><xi:include "
		  "xmlns:xi='http://www.w3.org/2001/XInclude' href='file://%s'"
		  " parse='text'/></Data></EventData></Event></Events>\n",
		  ev_head, secret_path);
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("xinclude parsed", r.rc, 0);
	CHECK_INT("xinclude event", r.n, 1);
	CHECK("xinclude no leak", !leaked(&r));
	run_free(&r);

	/* the rules file gets the same treatment */
	sb_reset(&sb);
	sb_printf(&sb, "<?xml version='1.0'?>\n<!DOCTYPE handletrail-rules "
		  "[<!ENTITY xxe SYSTEM 'file://%s'>]>\n<handletrail-rules>"
		  "<provider name='&xxe;'><event name='x' role='use'/>"
		  "</provider></handletrail-rules>\n", secret_path);
	char *rp = write_temp(sb.s, sb.len);
	struct ht_error err;
	struct etw_rules *rs = etw_rules_load(rp, &err);
	CHECK("rules xxe refused", rs == NULL);
	CHECK("rules xxe says DOCTYPE", strstr(err.msg, "DOCTYPE") != NULL);
	CHECK("rules xxe no leak", strstr(err.msg, SECRET) == NULL);
	etw_rules_free(rs);
	unlink(rp);
	free(rp);
	sb_free(&sb);
}

static void test_laughs(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n"
		"<!ENTITY lol 'lol'>\n");
	for (int i = 1; i < 10; i++)
		sb_printf(&sb, "<!ENTITY lol%d '&lol%.0d;&lol%.0d;&lol%.0d;"
			  "&lol%.0d;&lol%.0d;&lol%.0d;&lol%.0d;&lol%.0d;"
			  "&lol%.0d;&lol%.0d;'>\n", i, i - 1, i - 1, i - 1,
			  i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	sb_printf(&sb, "]>\n<Events>%s<EventData><Data Name='Handle'>&lol9;"
		  "</Data></EventData></Event></Events>\n", ev_head);
	double t0 = now();
	struct run r;
	run_parse(&r, sb.s, FMT_AUTO, rules);
	double dt = now() - t0;
	CHECK("billion laughs refused", r.rc == -2 && r.n == 0);
	CHECK("billion laughs fast", dt < 2.0);
	run_free(&r);
	sb_free(&sb);
}

static void test_bounds(void)
{
	struct strbuf sb;
	sb_init(&sb);
	struct run r;
	/* nesting far beyond libxml2's default depth limit */
	sb_printf(&sb, "<Events>%s<EventData><Data Name='Handle'>4</Data>"
		  "</EventData><UserData>", ev_head);
	for (int i = 0; i < 5000; i++)
		sb_puts(&sb, "<a>");
	for (int i = 0; i < 5000; i++)
		sb_puts(&sb, "</a>");
	sb_puts(&sb, "</UserData></Event></Events>\n");
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("deep nesting: clean error", r.rc, -1);
	CHECK("deep nesting: message", strstr(r.errmsg, "XML error") != NULL);
	run_free(&r);

	/* a 200 KB value is cut, the event still read */
	sb_reset(&sb);
	sb_printf(&sb, "<Events>%s<EventData><Data Name='Socket'>4</Data>"
		  "<Data Name='ErrorCode'>10038</Data><Data Name='Blob'>",
		  ev_head);
	for (int i = 0; i < 200000 / 8; i++)
		sb_puts(&sb, "ABCDEFGH");
	sb_puts(&sb, "</Data></EventData></Event></Events>\n");
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("big value: read", r.rc, 0);
	CHECK_INT("big value: event", r.n, 1);
	if (r.n == 1) {
		CHECK_INT("big value: error kept", r.ev[0].err, 10038);
		size_t rl = strlen(r.ev[0].raw);
		CHECK("big value: raw capped", rl < 600 &&
		      strcmp(r.ev[0].raw + rl - 3, "...") == 0);
	}
	run_free(&r);

	/* control characters in values never reach raw */
	sb_reset(&sb);
	sb_printf(&sb, "<Events>%s<EventData><Data Name='Socket'>4</Data>"
		  "<Data Name='Error'>10038</Data><Data Name='Msg'>a&#10;b"
		  "&#9;c&#13;d</Data></EventData></Event></Events>\n", ev_head);
	run_parse(&r, sb.s, FMT_AUTO, rules);
	CHECK_INT("control chars: event", r.n, 1);
	if (r.n == 1)
		CHECK("control chars: one line", strpbrk(r.ev[0].raw,
						       "\n\r\t") == NULL);
	run_free(&r);

	/* not XML at all, forced */
	run_parse(&r, "hello\n", FMT_ETW_XML, rules);
	CHECK_INT("not xml: error", r.rc, -1);
	run_free(&r);

	/* an empty tracerpt export */
	run_parse(&r, "<Events>\n</Events>\n", FMT_AUTO, rules);
	CHECK_INT("empty export: fine", r.rc, 0);
	CHECK_INT("empty export: no events", r.n, 0);
	run_free(&r);
	sb_free(&sb);
}

int main(void)
{
	rules = unit_app_rules();
	secret_path = write_temp(SECRET "\n", strlen(SECRET) + 1);
	test_xxe();
	test_laughs();
	test_bounds();
	unlink(secret_path);
	free(secret_path);
	unlink(rules);
	free(rules);
	return unit_failed;
}
