/* cli/jsonr.c - a small JSON reader (RFC 8259) into an arena-owned tree,
 * for reading back the per-capture files of a batch run. */
#include <stdlib.h>
#include <string.h>
#include "jsonr.h"

#define MAX_DEPTH 200

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct jdoc {
	struct chunk *chunks;
};

struct reader {
	const char *p, *end;
	const char *file;
	long line;
	struct jdoc *doc;
	struct ht_error *err;
	int failed;
	/* children being collected, as a stack shared by all levels */
	struct jv *stack;
	const char **kstack;
	size_t nstack, capstack, capkstack;
	struct strbuf str;
};

static void *arena_alloc(struct jdoc *d, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct chunk *c = d->chunks;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = d->chunks;
		d->chunks = c;
	}
	void *r = (char *)c->data + c->used;
	c->used += n;
	return r;
}

void jdoc_free(struct jdoc *d)
{
	if (!d)
		return;
	for (struct chunk *c = d->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(d);
}

static void fail(struct reader *r, const char *what)
{
	if (r->failed)
		return;
	r->failed = 1;
	ht_error_set(r->err, r->file, r->line, "invalid JSON: %s", what);
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end) {
		char c = *r->p;
		if (c == '\n')
			r->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			return;
		r->p++;
	}
}

static unsigned hex4(struct reader *r)
{
	if (r->end - r->p < 4) {
		fail(r, "short \\u escape");
		return 0;
	}
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = r->p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else {
			fail(r, "bad \\u escape");
			return 0;
		}
	}
	r->p += 4;
	return v;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		sb_putc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_putc(sb, (char)(0xc0 | (cp >> 6)));
		sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_putc(sb, (char)(0xe0 | (cp >> 12)));
		sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_putc(sb, (char)(0xf0 | (cp >> 18)));
		sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A string token (r->p at the opening quote) decoded into the arena. */
static const char *read_string(struct reader *r, size_t *len)
{
	struct strbuf *sb = &r->str;
	sb_reset(sb);
	r->p++;
	for (;;) {
		if (r->p >= r->end) {
			fail(r, "unterminated string");
			return NULL;
		}
		unsigned char c = (unsigned char)*r->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(r, "control character in string");
			return NULL;
		}
		if (c != '\\') {
			sb_putc(sb, (char)c);
			continue;
		}
		if (r->p >= r->end) {
			fail(r, "unterminated string");
			return NULL;
		}
		c = (unsigned char)*r->p++;
		switch (c) {
		case '"': case '\\': case '/': sb_putc(sb, (char)c); break;
		case 'b': sb_putc(sb, '\b'); break;
		case 'f': sb_putc(sb, '\f'); break;
		case 'n': sb_putc(sb, '\n'); break;
		case 'r': sb_putc(sb, '\r'); break;
		case 't': sb_putc(sb, '\t'); break;
		case 'u': {
			unsigned cp = hex4(r);
			if (cp >= 0xd800 && cp <= 0xdbff &&
			    r->end - r->p >= 6 && r->p[0] == '\\' &&
			    r->p[1] == 'u') {
				r->p += 2;
				unsigned lo = hex4(r);
				if (lo >= 0xdc00 && lo <= 0xdfff)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
				else
					cp = 0xfffd;
			} else if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0) {
				cp = 0xfffd;
			}
			if (r->failed)
				return NULL;
			put_utf8(sb, cp);
			break;
		}
		default:
			fail(r, "bad escape in string");
			return NULL;
		}
	}
	char *s = arena_alloc(r->doc, sb->len + 1);
	if (sb->len)
		memcpy(s, sb->s, sb->len);
	s[sb->len] = '\0';
	*len = sb->len;
	return s;
}

static void push(struct reader *r, const struct jv *v, const char *key)
{
	xgrow((void **)&r->stack, &r->capstack, r->nstack + 1,
	      sizeof *r->stack);
	xgrow((void **)&r->kstack, &r->capkstack, r->nstack + 1,
	      sizeof *r->kstack);
	r->stack[r->nstack] = *v;
	r->kstack[r->nstack] = key;
	r->nstack++;
}

/* Moves the children collected since base into the arena. */
static void pop_kids(struct reader *r, size_t base, struct jv *v, int keys)
{
	size_t n = r->nstack - base;
	v->n = (int)n;
	if (n) {
		v->kids = arena_alloc(r->doc, n * sizeof *v->kids);
		memcpy(v->kids, r->stack + base, n * sizeof *v->kids);
		if (keys) {
			v->keys = arena_alloc(r->doc, n * sizeof *v->keys);
			memcpy(v->keys, r->kstack + base,
			       n * sizeof *v->keys);
		}
	}
	r->nstack = base;
}

static int match_word(struct reader *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) >= n && memcmp(r->p, w, n) == 0) {
		r->p += n;
		return 1;
	}
	return 0;
}

static void read_value(struct reader *r, struct jv *v, int depth);

static void read_container(struct reader *r, struct jv *v, int depth,
			   int is_obj)
{
	char close = is_obj ? '}' : ']';
	size_t base = r->nstack;
	v->type = is_obj ? JV_OBJ : JV_ARR;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return;
	}
	for (;;) {
		const char *key = NULL;
		struct jv kid;
		skip_ws(r);
		if (is_obj) {
			size_t kl;
			if (r->p >= r->end || *r->p != '"') {
				fail(r, "expected a member name");
				break;
			}
			key = read_string(r, &kl);
			skip_ws(r);
			if (r->failed || r->p >= r->end || *r->p != ':') {
				fail(r, "expected ':'");
				break;
			}
			r->p++;
		}
		read_value(r, &kid, depth + 1);
		if (r->failed)
			break;
		push(r, &kid, key);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			break;
		}
		fail(r, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
		break;
	}
	pop_kids(r, base, v, is_obj);
}

static int is_digit(struct reader *r)
{
	return r->p < r->end && *r->p >= '0' && *r->p <= '9';
}

/* -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static void read_number(struct reader *r, struct jv *v)
{
	const char *s = r->p;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (!is_digit(r)) {
		fail(r, "unexpected character");
		return;
	}
	if (*r->p++ != '0')
		while (is_digit(r))
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!is_digit(r)) {
			fail(r, "bad number");
			return;
		}
		while (is_digit(r))
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!is_digit(r)) {
			fail(r, "bad number");
			return;
		}
		while (is_digit(r))
			r->p++;
	}
	size_t n = (size_t)(r->p - s);
	char *t = arena_alloc(r->doc, n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	v->type = JV_NUM;
	v->s = t;
	v->len = n;
}

static void read_value(struct reader *r, struct jv *v, int depth)
{
	memset(v, 0, sizeof *v);
	if (depth > MAX_DEPTH) {
		fail(r, "nested too deeply");
		return;
	}
	skip_ws(r);
	if (r->p >= r->end) {
		fail(r, "unexpected end of input");
		return;
	}
	switch (*r->p) {
	case '{': read_container(r, v, depth, 1); return;
	case '[': read_container(r, v, depth, 0); return;
	case '"':
		v->type = JV_STR;
		v->s = read_string(r, &v->len);
		return;
	}
	if (match_word(r, "true")) {
		v->type = JV_BOOL;
		v->boolean = 1;
	} else if (match_word(r, "false")) {
		v->type = JV_BOOL;
	} else if (match_word(r, "null")) {
		v->type = JV_NULL;
	} else {
		read_number(r, v);
	}
}

const struct jv *json_parse(const char *text, size_t n, const char *file,
			    struct jdoc **doc, struct ht_error *err)
{
	struct reader r;
	memset(&r, 0, sizeof r);
	r.p = text;
	r.end = text + n;
	r.file = file;
	r.line = 1;
	r.err = err;
	r.doc = xcalloc(1, sizeof *r.doc);
	sb_init(&r.str);
	struct jv *root = arena_alloc(r.doc, sizeof *root);
	read_value(&r, root, 0);
	skip_ws(&r);
	if (!r.failed && r.p != r.end)
		fail(&r, "trailing text after the value");
	free(r.stack);
	free(r.kstack);
	sb_free(&r.str);
	if (r.failed) {
		jdoc_free(r.doc);
		*doc = NULL;
		return NULL;
	}
	*doc = r.doc;
	return root;
}

const struct jv *jv_get(const struct jv *o, const char *key)
{
	if (!o || o->type != JV_OBJ)
		return NULL;
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->kids[i];
	return NULL;
}

const char *jv_str(const struct jv *v, const char *dflt)
{
	return v && v->type == JV_STR ? v->s : dflt;
}

long long jv_int(const struct jv *v, long long dflt)
{
	if (!v || v->type != JV_NUM)
		return dflt;
	char *e;
	long long x = strtoll(v->s, &e, 10);
	return *e == '\0' ? x : dflt;
}

const char *jv_kstr(const struct jv *o, const char *key, const char *dflt)
{
	return jv_str(jv_get(o, key), dflt);
}

long long jv_kint(const struct jv *o, const char *key, long long dflt)
{
	return jv_int(jv_get(o, key), dflt);
}

void jv_write(struct jsonw *w, const struct jv *v)
{
	switch (v->type) {
	case JV_NULL: jw_null(w); break;
	case JV_BOOL: jw_bool(w, v->boolean); break;
	case JV_NUM: jw_raw(w, v->s); break;
	case JV_STR: jw_strn(w, v->s, v->len); break;
	case JV_ARR:
		jw_arr(w);
		for (int i = 0; i < v->n; i++)
			jv_write(w, &v->kids[i]);
		jw_end_arr(w);
		break;
	case JV_OBJ:
		jw_obj(w);
		for (int i = 0; i < v->n; i++) {
			jw_key(w, v->keys[i]);
			jv_write(w, &v->kids[i]);
		}
		jw_end_obj(w);
		break;
	}
}
