/* tests/unit/etw_rules.c - the --rules file: what it matches, and the
 * errors (with line numbers) for what it must not contain. */
#include "unit.h"
#include "etw_util.h"

static struct etw_rules *load(const char *text, struct ht_error *err)
{
	char *p = write_temp(text, strlen(text));
	struct etw_rules *rs = etw_rules_load(p, err);
	unlink(p);
	free(p);
	return rs;
}

static void test_match(void)
{
	struct ht_error err;
	struct etw_rules *rs = etw_rules_load("samples/etw/kbserver.rules.xml",
					      &err);
	CHECK("sample rules load", rs != NULL);
	if (!rs)
		return;
	CHECK_INT("sample rules: one per name and one per guid", rs->n, 10);
	const struct etw_rule *r;
	r = etw_rules_match(rs, "KbServer", NULL, "", 3, 0);
	CHECK("match by name + id", r && r->role == APP_FAIL &&
	      !strcmp(r->event, "SendFailed") && r->socket_only);
	r = etw_rules_match(rs, "kbserver", NULL, "", 3, 0);
	CHECK("provider name case-insensitive", r != NULL);
	r = etw_rules_match(rs, "", "6f0e2a7c-3b1d-5e44-9c2a-0d7b1e5a4c31",
			    "", 5, 0);
	CHECK("match by guid", r && r->role == APP_USE &&
	      !strcmp(r->object, "Event"));
	r = etw_rules_match(rs, "Other", NULL, "", 3, 0);
	CHECK("other provider: no match", r == NULL);
	r = etw_rules_match(rs, "KbServer", NULL, "", 9, 0);
	CHECK("other id: no match", r == NULL);
	etw_rules_free(rs);

	rs = load("<handletrail-rules>\n<provider name='P'>\n"
		  "<event name='Closed' role='close' handle='H' version='2'/>\n"
		  "<event role='use'/>\n"
		  "</provider>\n</handletrail-rules>\n", &err);
	CHECK("by-name rules load", rs != NULL);
	if (rs) {
		r = etw_rules_match(rs, "P", NULL, "closed", 0, 2);
		CHECK("match by name + version", r && r->role == APP_CLOSE);
		r = etw_rules_match(rs, "P", NULL, "Closed", 0, 1);
		CHECK("version differs: catch-all", r && r->role == APP_USE);
		etw_rules_free(rs);
	}
}

static void test_errors(void)
{
	struct ht_error err;
	struct { const char *text, *msg; long line; } bad[] = {
		{ "<rules/>", "root element", 1 },
		{ "<handletrail-rules>\n<provider name='P'>\n<event "
		  "name='x' role='destroy'/>\n</provider>\n"
		  "</handletrail-rules>", "role=", 3 },
		{ "<handletrail-rules>\n<provider name='P'>\n\n<event "
		  "name='x' role='use' hanlde='H'/>\n</provider>\n"
		  "</handletrail-rules>", "unknown attribute hanlde", 4 },
		{ "<handletrail-rules>\n<provider>\n</provider>\n"
		  "</handletrail-rules>", "name= or guid=", 2 },
		{ "<handletrail-rules>\n<provider name='P'>\n<event id='x1' "
		  "role='use'/>\n</provider>\n</handletrail-rules>",
		  "numbers", 3 },
		{ "<handletrail-rules>\n<event role='use'/>\n"
		  "</handletrail-rules>", "unexpected <event>", 2 },
		{ "<handletrail-rules>\n<provider name='P'>\n</handletrail-"
		  "rules>", "XML error", 3 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[80];
		memset(&err, 0, sizeof err);
		struct etw_rules *rs = load(bad[i].text, &err);
		snprintf(name, sizeof name, "bad rules %zu refused", i + 1);
		CHECK(name, rs == NULL);
		snprintf(name, sizeof name, "bad rules %zu message", i + 1);
		CHECK(name, strstr(err.msg, bad[i].msg) != NULL);
		snprintf(name, sizeof name, "bad rules %zu line", i + 1);
		CHECK_INT(name, err.line, bad[i].line);
		etw_rules_free(rs);
	}
	struct etw_rules *rs = etw_rules_load("/nonexistent/rules.xml", &err);
	CHECK("missing rules file", rs == NULL &&
	      strstr(err.msg, "cannot open") != NULL);
}

int main(void)
{
	test_match();
	test_errors();
	return unit_failed;
}
