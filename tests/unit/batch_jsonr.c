/* tests/unit/batch_jsonr.c - the JSON reader batch/index use to read
 * per-capture results back: values, escapes, errors with line numbers,
 * hostile nesting, and writing back what was read. */
#include <stdlib.h>
#include "../../cli/jsonr.h"
#include "unit.h"

static const struct jv *parse(const char *s, struct jdoc **d,
			      struct ht_error *err)
{
	return json_parse(s, strlen(s), "t.json", d, err);
}

static char *roundtrip(const char *s)
{
	struct jdoc *d;
	struct ht_error err;
	const struct jv *v = parse(s, &d, &err);
	if (!v)
		return xstrdup("(parse error)");
	struct strbuf sb;
	struct jsonw w;
	sb_init(&sb);
	jw_init(&w, &sb, 0);
	jv_write(&w, v);
	jdoc_free(d);
	return sb_detach(&sb);
}

static void check_error(const char *name, const char *text, long line)
{
	struct jdoc *d = (struct jdoc *)1;
	struct ht_error err = { { 0 }, 0, { 0 } };
	const struct jv *v = parse(text, &d, &err);
	CHECK(name, v == NULL && d == NULL);
	char nm[128];
	snprintf(nm, sizeof nm, "%s: error line", name);
	CHECK_INT(nm, err.line, line);
	snprintf(nm, sizeof nm, "%s: error names file", name);
	CHECK_STR(nm, err.file, "t.json");
}

int main(void)
{
	struct jdoc *d;
	struct ht_error err;
	const struct jv *v = parse(
		"{\"a\": 1, \"b\": [true, false, null, -2.5e3],\n"
		" \"s\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\", "
		"\"big\": 9007199254740993, \"o\": {\"k\": \"v\"}}", &d, &err);
	CHECK("parse object", v && v->type == JV_OBJ && v->n == 5);
	CHECK_INT("int member", jv_kint(v, "a", -1), 1);
	CHECK_INT("missing member default", jv_kint(v, "zz", 7), 7);
	CHECK_INT("wrong type default", jv_kint(v, "s", 7), 7);
	CHECK_INT("64-bit integer exact", jv_kint(v, "big", 0),
		  9007199254740993LL);
	const struct jv *b = jv_get(v, "b");
	CHECK("array", b && b->type == JV_ARR && b->n == 4);
	CHECK("true", b && b->kids[0].type == JV_BOOL && b->kids[0].boolean);
	CHECK("false", b && b->kids[1].type == JV_BOOL && !b->kids[1].boolean);
	CHECK("null", b && b->kids[2].type == JV_NULL);
	CHECK_STR("number keeps its text", b ? b->kids[3].s : NULL, "-2.5e3");
	CHECK_INT("non-integer number default", jv_int(&b->kids[3], 5), 5);
	CHECK_STR("escapes and surrogate pair decoded", jv_kstr(v, "s", NULL),
		  "x\"y\\z\n\xc3\xa9\xf0\x9f\x98\x80");
	CHECK_STR("nested", jv_kstr(jv_get(v, "o"), "k", NULL), "v");
	CHECK("jv_get on non-object", jv_get(b, "k") == NULL);
	jdoc_free(d);

	v = parse("\"a\\u0000b\\udc00c\"", &d, &err);
	CHECK_STR("NUL and lone surrogate become U+FFFD",
		  v ? v->s : NULL, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
	jdoc_free(d);

	char *r = roundtrip("{\"k\":[1,\"<\\u2028>\",{\"e\":[]},{}],"
			    "\"n\":-0.5}");
	CHECK_STR("write back", r,
		  "{\"k\":[1,\"\\u003c\\u2028\\u003e\",{\"e\":[]},{}],"
		  "\"n\":-0.5}");
	free(r);

	check_error("trailing comma", "{\"a\": 1,\n}", 2);
	check_error("unterminated string", "[\n\n\"abc", 3);
	check_error("trailing text", "{}\n{}", 2);
	check_error("bad number", "[01x]", 1);
	check_error("leading zero", "[012]", 1);
	check_error("bare word", "[nul]", 1);
	check_error("control byte in string", "[\"a\tb\"]", 1);
	check_error("empty input", "", 1);

	/* hostile nesting fails cleanly instead of exhausting the stack */
	size_t deep = 100000;
	char *s = xmalloc(deep + 1);
	memset(s, '[', deep);
	s[deep] = '\0';
	v = json_parse(s, deep, "deep.json", &d, &err);
	CHECK("deep nesting rejected", v == NULL);
	free(s);

	/* many members: the child stack grows across levels */
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "[");
	for (int i = 0; i < 5000; i++)
		sb_printf(&sb, "%s{\"i\":%d,\"a\":[%d,%d]}", i ? "," : "", i,
			  i, -i);
	sb_puts(&sb, "]");
	v = json_parse(sb.s, sb.len, "big.json", &d, &err);
	CHECK("large array", v && v->n == 5000);
	CHECK_INT("large array member", v ? jv_kint(&v->kids[4999], "i", 0)
					  : 0, 4999);
	CHECK_INT("large array nested", v ? jv_int(&jv_get(&v->kids[77],
							 "a")->kids[1], 0)
					  : 0, -77);
	jdoc_free(d);
	sb_free(&sb);
	return unit_failed;
}
