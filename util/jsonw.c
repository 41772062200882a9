/* util/jsonw.c - a streaming JSON writer: every report that speaks JSON
 * (report, SARIF, JSONL, trace events) writes through it. */
#include <string.h>
#include "util.h"

void jw_init(struct jsonw *w, struct strbuf *sb, int indent)
{
	memset(w, 0, sizeof *w);
	w->sb = sb;
	w->indent = indent;
	w->first[0] = 1;
}

static void newline(struct jsonw *w)
{
	if (!w->indent)
		return;
	size_t n = (size_t)(w->depth * w->indent);
	char *o = sb_reserve(w->sb, n + 1);
	o[0] = '\n';
	memset(o + 1, ' ', n);
	w->sb->len += n + 1;
	w->sb->s[w->sb->len] = '\0';
}

/* Separator and indentation before a value or a key. */
static void before(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		sb_putc(w->sb, ',');
	w->first[w->depth] = 0;
	newline(w);
}

static void open_(struct jsonw *w, char c)
{
	before(w);
	sb_putc(w->sb, c);
	if (w->depth < 63)
		w->depth++;
	w->first[w->depth] = 1;
}

static void close_(struct jsonw *w, char c)
{
	int empty = w->first[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty)
		newline(w);
	sb_putc(w->sb, c);
	if (w->depth == 0 && w->indent)
		sb_putc(w->sb, '\n');
}

void jw_obj(struct jsonw *w) { open_(w, '{'); }
void jw_arr(struct jsonw *w) { open_(w, '['); }
void jw_end_obj(struct jsonw *w) { close_(w, '}'); }
void jw_end_arr(struct jsonw *w) { close_(w, ']'); }

void jw_key(struct jsonw *w, const char *k)
{
	before(w);
	sb_putc(w->sb, '"');
	esc_json(w->sb, k, strlen(k));
	sb_puts(w->sb, w->indent ? "\": " : "\":");
	w->after_key = 1;
}

void jw_strn(struct jsonw *w, const char *s, size_t n)
{
	before(w);
	sb_putc(w->sb, '"');
	esc_json(w->sb, s, n);
	sb_putc(w->sb, '"');
}

void jw_str(struct jsonw *w, const char *s)
{
	if (!s)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void jw_int(struct jsonw *w, long long v)
{
	before(w);
	sb_printf(w->sb, "%lld", v);
}

void jw_bool(struct jsonw *w, int v)
{
	before(w);
	sb_puts(w->sb, v ? "true" : "false");
}

void jw_null(struct jsonw *w)
{
	before(w);
	sb_puts(w->sb, "null");
}

void jw_raw(struct jsonw *w, const char *json)
{
	before(w);
	sb_puts(w->sb, json);
}

void jw_kstr(struct jsonw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void jw_kint(struct jsonw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}
