/* parser/strace_call.c - one strace call line, taken apart: the argument
 * list split by structure (quotes, brackets, -y decorations), the result,
 * and the descriptor effects that syscalls.def gives the call. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "strace_int.h"

/* ---- tables ---------------------------------------------------------- */

static const struct sc_info sc_table[] = {
#define SC(name, kind, fds, flags, cx_arg, cx_name, cx_bit) \
	{ #name, kind, fds, flags, cx_arg, cx_name, cx_bit },
#include "syscalls.def"
#undef SC
};
#define SC_COUNT (sizeof sc_table / sizeof sc_table[0])

struct errno_info {
	const char *name;
	long value;
	enum err_class errc;
};
static const struct errno_info errno_table[] = {
#define ERRNO(name, value, errc) { #name, value, errc },
#include "errnos.def"
#undef ERRNO
};
#define ERRNO_COUNT (sizeof errno_table / sizeof errno_table[0])

/* Name -> row index, open addressing; built once. */
#define NAME_SLOTS 1024
static short sc_slot[NAME_SLOTS];
static unsigned char sc_len[SC_COUNT];
static short errno_slot[NAME_SLOTS];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static unsigned name_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void build_tables(void)
{
	memset(sc_slot, -1, sizeof sc_slot);
	memset(errno_slot, -1, sizeof errno_slot);
	for (size_t i = 0; i < SC_COUNT; i++) {
		const char *nm = sc_table[i].name;
		sc_len[i] = (unsigned char)strlen(nm);
		unsigned h = name_hash(nm, strlen(nm)) & (NAME_SLOTS - 1);
		while (sc_slot[h] >= 0)
			h = (h + 1) & (NAME_SLOTS - 1);
		sc_slot[h] = (short)i;
	}
	for (size_t i = 0; i < ERRNO_COUNT; i++) {
		const char *nm = errno_table[i].name;
		unsigned h = name_hash(nm, strlen(nm)) & (NAME_SLOTS - 1);
		while (errno_slot[h] >= 0)
			h = (h + 1) & (NAME_SLOTS - 1);
		errno_slot[h] = (short)i;
	}
}

const struct sc_info *sc_lookup(const char *name, size_t n)
{
	pthread_once(&tables_once, build_tables);
	unsigned h = name_hash(name, n) & (NAME_SLOTS - 1);
	for (; sc_slot[h] >= 0; h = (h + 1) & (NAME_SLOTS - 1)) {
		int k = sc_slot[h];
		if (sc_len[k] != n)
			continue;
		const char *nm = sc_table[k].name;
		size_t i = 0;
		while (i < n && nm[i] == name[i])
			i++;
		if (i == n)
			return &sc_table[k];
	}
	return NULL;
}

int errno_lookup(const char *name, size_t n, long *val, enum err_class *c,
		 const char **canon)
{
	pthread_once(&tables_once, build_tables);
	unsigned h = name_hash(name, n) & (NAME_SLOTS - 1);
	for (; errno_slot[h] >= 0; h = (h + 1) & (NAME_SLOTS - 1)) {
		const struct errno_info *e = &errno_table[errno_slot[h]];
		if (strncmp(e->name, name, n) == 0 && e->name[n] == '\0') {
			*val = e->value;
			*c = e->errc;
			*canon = e->name;
			return 1;
		}
	}
	*val = 0;
	*c = ERRC_OTHER;
	*canon = NULL;
	return 0;
}

enum err_class errno_class_of(long val)
{
	for (size_t i = 0; i < ERRNO_COUNT; i++)
		if (errno_table[i].value == val)
			return errno_table[i].errc;
	return ERRC_OTHER;
}

const char *errno_name(long val)
{
	for (size_t i = 0; i < ERRNO_COUNT; i++)
		if (errno_table[i].value == val)
			return errno_table[i].name;
	return NULL;
}

/* ---- arena ------------------------------------------------------------ */

void arena_reset(struct arena *a, size_t need)
{
	a->len = 0;
	if (a->cap < need) {
		free(a->p);
		a->cap = need < 4096 ? 4096 : need;
		a->p = xmalloc(a->cap);
	}
}

/* ---- scanning --------------------------------------------------------- */

/* Characters the argument scanner stops at; the rest is skipped fast. */
enum { C_PLAIN, C_QUOTE, C_OPEN, C_CLOSE, C_ANGLE, C_SLASH, C_COMMA };
static const unsigned char scan_class[256] = {
	['"'] = C_QUOTE,
	['('] = C_OPEN, ['['] = C_OPEN, ['{'] = C_OPEN,
	[')'] = C_CLOSE, [']'] = C_CLOSE, ['}'] = C_CLOSE,
	['<'] = C_ANGLE, ['/'] = C_SLASH, [','] = C_COMMA,
};

/* The first index from i on whose byte has cls[] != 0, or n: four bytes a
 * step, and which of the four it was told from the four already read. */
static inline size_t next_stop(const unsigned char *cls,
			       const unsigned char *u, size_t i, size_t n)
{
	while (i + 4 <= n) {
		unsigned a = cls[u[i]], b = cls[u[i + 1]], c = cls[u[i + 2]],
			 d = cls[u[i + 3]];
		if (a | b | c | d)
			return i + (a ? 0 : b ? 1 : c ? 2 : 3);
		i += 4;
	}
	while (i < n && !cls[u[i]])
		i++;
	return i;
}

/* bytes skip_decoration looks at */
static const unsigned char deco_class[256] = {
	['\\'] = 1, ['<'] = 1, ['>'] = 1, ['['] = 1, [']'] = 1,
};

size_t skip_decoration(const char *s, size_t n, size_t i)
{
	if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
		/* a -T duration "<0.000013>" (or -Y pid): digits and dots */
		size_t j = i + 2;
		while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.'))
			j++;
		if (j < n && s[j] == '>')
			return j + 1;
	} else if (i + 1 < n && s[i + 1] == '/') {
		/* a path: most have none of '<', '[' or '\\' before their
		 * '>', and libc's memchr reads many bytes a step */
		const char *b = s + i + 1;
		const char *gt = memchr(b, '>', n - i - 1);
		if (gt) {
			size_t len = (size_t)(gt - b);
			if (!memchr(b, '<', len) && !memchr(b, '[', len) &&
			    !memchr(b, '\\', len))
				return (size_t)(gt - s) + 1;
		}
	}
	int depth = 0, brackets = 0;
	const unsigned char *u = (const unsigned char *)s;
	for (; i < n; i++) {
		i = next_stop(deco_class, u, i, n);
		if (i >= n)
			break;
		char ch = s[i];
		if (ch == '\\') {
			i++;
		} else if (ch == '<') {
			depth++;
		} else if (ch == '[') {
			brackets++;
		} else if (ch == ']') {
			if (brackets > 0)
				brackets--;
		} else if (ch == '>') {
			/* "a->b" names a socket's peer inside [...] */
			if (brackets > 0 && s[i - 1] == '-')
				continue;
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

/* index after the closing quote of a string starting at s[i] == '"':
 * the next '"' not escaped by an odd run of backslashes */
static inline size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		const char *q = memchr(s + i, '"', n - i);
		if (!q)
			return 0;
		size_t k = (size_t)(q - s), b = k;
		while (b > i && s[b - 1] == '\\')
			b--;
		i = k;
		if ((k - b) % 2 == 0)
			return k + 1;
	}
	return 0;
}

static inline void add_arg(struct call *c, const char *s, size_t from,
			   size_t to)
{
	while (from < to && s[from] == ' ')
		from++;
	while (to > from && s[to - 1] == ' ')
		to--;
	if (c->nargs < CALL_MAX_ARGS) {
		c->arg[c->nargs].off = from;
		c->arg[c->nargs].len = to - from;
	}
	c->nargs++;
}

/* The scanner from s[i] on, with the depth and the start of the argument
 * in progress in *depth and *start: 1 when the closing ')' was found
 * (c->close set), 0 when the text ran out, -1 when a quote, decoration
 * or comment does not end before it does. */
static int scan_from(const char *s, size_t n, struct call *c, size_t i,
		     int *depth_io, size_t *start_io)
{
	int depth = *depth_io;
	size_t start = *start_io;
	const unsigned char *u = (const unsigned char *)s;
	int r = 0;
	for (; i < n; i++) {
		i = next_stop(scan_class, u, i, n);
		if (i >= n)
			break;
		unsigned k = scan_class[u[i]];   /* commonest first */
		if (k == C_COMMA) {
			if (depth == 0) {
				add_arg(c, s, start, i);
				start = i + 1;
			}
		} else if (k == C_ANGLE) {
			/* strace prints '<' only to open a decoration or a
			 * marker; one that never closes spoils the line */
			size_t e = skip_decoration(s, n, i);
			if (!e) {
				r = -1;
				break;
			}
			i = e - 1;
		} else if (k == C_QUOTE) {
			size_t e = skip_string(s, n, i);
			if (!e) {
				r = -1;
				break;
			}
			i = e - 1;
		} else if (k == C_OPEN) {
			depth++;
		} else if (k == C_CLOSE) {
			if (depth > 0) {
				depth--;
			} else if (s[i] == ')') {
				if (i > start || c->nargs > 0)
					add_arg(c, s, start, i);
				c->close = (long)i;
				r = 1;
				break;
			}
		} else if (k == C_SLASH) {
			if (i + 1 < n && s[i + 1] == '*') {
				const char *end = memmem(s + i + 2, n - i - 2,
							 "*/", 2);
				if (!end) {
					r = -1;
					break;
				}
				i = (size_t)(end - s) + 1;
			}
		}
	}
	*depth_io = depth;
	*start_io = start;
	return r;
}

/* What scan_from ran out with: the argument in progress, then whether
 * the brackets closed. */
static int scan_end(const char *s, size_t n, struct call *c, int r,
		    int depth, size_t start)
{
	if (r)
		return r > 0 ? 0 : -1;
	if (n > start)
		add_arg(c, s, start, n);
	return depth == 0 ? 0 : -1;
}

int call_scan(const char *s, size_t n, struct call *c)
{
	int depth = 0;
	size_t start = 0;
	c->nargs = 0;
	c->close = -1;
	int r = scan_from(s, n, c, 0, &depth, &start);
	return scan_end(s, n, c, r, depth, start);
}

int call_scan_entry(const char *s, size_t n, struct call *c,
		    struct scan_resume *sr)
{
	int depth = 0;
	size_t start = 0;
	c->nargs = 0;
	c->close = -1;
	int r = scan_from(s, n, c, 0, &depth, &start);
	/* resumable when the text simply ran out; a '/' at its very end
	 * might open a comment with what follows */
	sr->ok = r == 0 && !(n && s[n - 1] == '/');
	if (sr->ok) {
		sr->depth = depth;
		sr->start = start;
		sr->len = n;
		sr->nargs = c->nargs;
		int k = c->nargs < CALL_MAX_ARGS ? c->nargs : CALL_MAX_ARGS;
		memcpy(sr->arg, c->arg, (size_t)k * sizeof c->arg[0]);
	}
	return scan_end(s, n, c, r, depth, start);
}

int call_scan_resume(const char *s, size_t n, struct call *c,
		     const struct scan_resume *sr)
{
	if (!sr->ok || sr->len > n)
		return call_scan(s, n, c);
	int depth = sr->depth;
	size_t start = sr->start;
	c->nargs = sr->nargs;
	int k = sr->nargs < CALL_MAX_ARGS ? sr->nargs : CALL_MAX_ARGS;
	memcpy(c->arg, sr->arg, (size_t)k * sizeof c->arg[0]);
	c->close = -1;
	int r = scan_from(s, n, c, sr->len, &depth, &start);
	return scan_end(s, n, c, r, depth, start);
}

static int is_upper_word(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* a "(...)" group at s[i]; returns the index after it, or 0 */
static size_t skip_parens(const char *s, size_t n, size_t i)
{
	/* usually one group, nothing nested: "(No such file or directory)" */
	const char *cl = memchr(s + i + 1, ')', n - i - 1);
	if (cl && !memchr(s + i + 1, '(', (size_t)(cl - s) - i - 1))
		return (size_t)(cl - s) + 1;
	int depth = 0;
	for (; i < n; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* "0.000035>" (-T) in ns; what does not fit stops the number */
static int64_t dur_ns(const char *s, size_t n)
{
	int64_t sec = 0, frac = 0, scale = 1000000000;
	size_t i = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (sec < 100000000)    /* 30 years at most: no overflow */
			sec = sec * 10 + (s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (scale > 1) {
				scale /= 10;
				frac += (s[i] - '0') * scale;
			}
	return sec * 1000000000 + frac;
}

int call_result(const char *s, size_t n, struct call *c, const char **why)
{
	size_t i = (size_t)c->close + 1;
	c->has_ret = 0;
	c->ret = 0;
	c->ret_obj = NULL;
	c->ret_obj_len = 0;
	c->failed = 0;
	c->err = 0;
	c->errname = NULL;
	c->errname_len = 0;
	c->errc = ERRC_NONE;
	c->has_dur = 0;
	c->dur = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != '=') {
		*why = "no \" = \" after the argument list";
		return -1;
	}
	i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '?') {
		i++;
	} else {
		int neg = 0;
		uint64_t v = 0;
		size_t d0;
		if (i < n && s[i] == '-')
			neg = 1, i++;
		if (i + 1 < n && s[i] == '0' && s[i + 1] == 'x') {
			i += 2;
			d0 = i;
			for (; i < n; i++) {
				char ch = s[i];
				int dv = ch >= '0' && ch <= '9' ? ch - '0' :
					 ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
					 ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 :
					 -1;
				if (dv < 0)
					break;
				v = v * 16 + (uint64_t)dv;
			}
		} else {
			d0 = i;
			for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				v = v * 10 + (uint64_t)(s[i] - '0');
		}
		if (i == d0) {
			*why = "the return value is not a number or \"?\"";
			return -1;
		}
		c->has_ret = 1;
		c->ret = neg ? -(int64_t)v : (int64_t)v;
		if (i < n && s[i] == '<') {
			size_t e = skip_decoration(s, n, i);
			if (e) {
				c->ret_obj = s + i + 1;
				c->ret_obj_len = e - i - 2;
				i = e;
				if (n - i >= 9 && memcmp(s + i, "(deleted)", 9)
				    == 0)
					i += 9;
			}
		}
	}
	/* the tail: ERRNAME (msg), (errno N), (retstr), <duration>, ... */
	while (i < n) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (s[i] == 'E' && !c->errname) {
			size_t b = i;
			while (i < n && is_upper_word(s[i]))
				i++;
			c->errname = s + b;
			c->errname_len = i - b;
			c->failed = 1;
			continue;
		}
		if (s[i] == '(') {
			size_t e = skip_parens(s, n, i);
			if (!e)
				break;  /* a cut-off message: nothing after it */
			if (!c->errname && !c->failed && e - i > 8 &&
			    memcmp(s + i, "(errno ", 7) == 0) {
				c->failed = 1;
				c->err = strtol(s + i + 7, NULL, 10);
			}
			i = e;
			continue;
		}
		if (s[i] == '<') {
			size_t e = skip_decoration(s, n, i);
			if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
				c->has_dur = 1;
				c->dur = dur_ns(s + i + 1, n - i - 1);
			}
			if (!e)
				break;
			i = e;
			continue;
		}
		/* strace prints nothing else after a result: this was no
		 * result (a ") = " inside a cut-off string, say) */
		*why = "unexpected text after the return value";
		return -1;
	}
	if (c->errname) {
		const char *canon;
		errno_lookup(c->errname, c->errname_len, &c->err, &c->errc,
			     &canon);
		if (canon)
			c->errname = canon;
	} else if (c->failed) {
		c->errc = errno_class_of(c->err);
	}
	return 0;
}

/* ---- values inside arguments ----------------------------------------- */

struct fdval {
	int64_t fd;
	const char *obj;   /* decoration text, or NULL */
	size_t obj_len;
};

/* An argument that is a descriptor: "8", "8</etc/hostname>", "AT_FDCWD",
 * "-100 / * AT_FDCWD * /</cwd>" (-X verbose).  0 if it is not one. */
static int parse_fd(const char *s, size_t n, struct fdval *v)
{
	size_t i = 0;
	v->obj = NULL;
	v->obj_len = 0;
	if (n >= 8 && memcmp(s, "AT_FDCWD", 8) == 0) {
		v->fd = -100;
		return 1;
	}
	int neg = 0;
	if (i < n && s[i] == '-')
		neg = 1, i++;
	size_t d0 = i;
	int64_t x = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 18; i++)
		x = x * 10 + (s[i] - '0');
	if (i == d0)
		return 0;
	v->fd = neg ? -x : x;
	if (i + 3 < n && s[i] == ' ' && s[i + 1] == '/' && s[i + 2] == '*') {
		const char *e = memmem(s + i, n - i, "*/", 2);
		if (e)
			i = (size_t)(e - s) + 2;
	}
	if (i < n && s[i] == '<') {
		/* the argument ends with its decoration: no need to scan
		 * it again (call_scan did) */
		size_t e = 0;
		if (s[n - 1] == '>')
			e = n;
		else if (n - i > 10 && memcmp(s + n - 10, ">(deleted)", 10) == 0)
			e = n - 9;
		else
			e = skip_decoration(s, n, i);
		if (e) {
			v->obj = s + i + 1;
			v->obj_len = e - i - 2;
		}
	}
	return 1;
}

/* Is the flag set in this argument?  "A|B|O_CLOEXEC", "0x80000",
 * "0x80000 / * O_RDONLY|O_CLOEXEC * /", "{flags=O_CLOEXEC, ...}". */
static int flag_set(const char *s, size_t n, const char *name,
		    unsigned long bit)
{
	if (n && s[0] == '{') {
		const char *f = memmem(s, n, "flags=", 6);
		if (!f)
			return 0;
		size_t off = (size_t)(f - s) + 6, e = off;
		while (e < n && s[e] != ',' && s[e] != '}')
			e++;
		return flag_set(s + off, e - off, name, bit);
	}
	if (n && s[0] >= '0' && s[0] <= '9') {
		/* -X raw: "0x1|0x80000"; -X verbose: "0x80000 / * ... * /" */
		unsigned long long v = 0;
		size_t i = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			char num[32];
			size_t k = 0;
			while (i < n && k < sizeof num - 1 && s[i] != ' ' &&
			       s[i] != '|')
				num[k++] = s[i++];
			num[k] = '\0';
			v |= strtoull(num, NULL, 0);
			if (i < n && s[i] == '|')
				i++;
			else
				break;
		}
		if (v & bit)
			return 1;
		if (i >= n || s[i] != '|')
			return 0;
		/* a number then names: fall through to the names */
	}
	size_t ln = strlen(name);
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), name,
					     ln)) != NULL; p += ln) {
		if ((p == s || !is_upper_word(p[-1])) &&
		    ((size_t)(p - s) + ln == n || !is_upper_word(p[ln])))
			return 1;
	}
	return 0;
}

/* the argument text equals one of the words (a command such as F_GETFD),
 * or its number (-X raw) equals num */
static int arg_is(const char *s, size_t n, const char *word, long num)
{
	size_t ln = strlen(word);
	if (n >= ln && memcmp(s, word, ln) == 0 &&
	    (n == ln || !is_upper_word(s[ln])))
		return 1;
	if (n && s[0] >= '0' && s[0] <= '9' && num >= 0)
		return strtol(s, NULL, 0) == num;
	return 0;
}

/* ---- effects ---------------------------------------------------------- */

struct fxb {
	struct ht_event *ev;
	struct arena *ar;
	unsigned *seen;
};

static inline void note_obj(struct fxb *b, const char *o, size_t n)
{
	if (!o)
		return;
	*b->seen |= 1;
	if (*b->seen & 2)
		return;    /* both known: nothing more to learn */
	/* -yy: a socket protocol ("TCP:[", "UNIX-STREAM:[") or a nested
	 * device decoration ("/dev/null<char 1:3>") */
	if (memchr(o, '<', n)) {
		*b->seen |= 2;
		return;
	}
	const char *c = memchr(o, ':', n);
	if (c && c > o && (size_t)(c - o) + 1 < n && c[1] == '[' &&
	    o[0] >= 'A' && o[0] <= 'Z')
		*b->seen |= 2;
}

static inline void fx_add(struct fxb *b, enum eff_op op, unsigned flags,
			  int64_t h, int64_t h2, const char *obj,
			  size_t obj_len)
{
	struct effect *e = event_add_effect(b->ev, op, flags, h, h2, NULL);
	if (!e)
		return;
	if (obj)
		e->object = arena_put(b->ar, obj, obj_len);
	note_obj(b, obj, obj_len);
}

/* Each fd of a bracketed list, tokens apart by sep: "[6<pipe:[1]>,
 * 7<pipe:[1]>]" and cmsg_data=[...] (','), or a select() set
 * "[3 4<pipe:[1]>]" (' '). */
static void fd_tokens(struct fxb *b, const char *s, size_t n, char sep,
		      enum eff_op op, unsigned flags)
{
	size_t i = 0;
	if (i < n && s[i] == '[')
		i++;
	while (i < n && s[i] != ']') {
		while (i < n && s[i] == ' ')
			i++;
		size_t b0 = i;
		while (i < n && s[i] != sep && s[i] != ']') {
			if (s[i] == '<') {
				size_t e = skip_decoration(s, n, i);
				if (!e)
					return;
				i = e;
			} else {
				i++;
			}
		}
		struct fdval v;
		if (i > b0 && parse_fd(s + b0, i - b0, &v) && v.fd >= 0)
			fx_add(b, op, flags, v.fd, -1, v.obj, v.obj_len);
		if (i < n && s[i] == sep)
			i++;
	}
}

static void fd_list(struct fxb *b, const char *s, size_t n, enum eff_op op,
		    unsigned flags)
{
	fd_tokens(b, s, n, ',', op, flags);
}

/* an fd set of select(): "[3 4<pipe:[1]>]"; NULL and the like are not */
static void fd_set_uses(struct fxb *b, const char *s, size_t n,
			unsigned flags)
{
	if (n >= 2 && s[0] == '[')
		fd_tokens(b, s, n, ' ', EFF_USE, flags);
}

/* every SCM_RIGHTS control message's cmsg_data=[...] in s; -X raw
 * prints the type as 0x1 */
static void scm_rights(struct fxb *b, const char *s, size_t n,
		       enum eff_op op, unsigned flags)
{
	const char *p = s, *end = s + n;
	while ((p = memmem(p, (size_t)(end - p), "cmsg_type=", 10))) {
		p += 10;
		size_t left = (size_t)(end - p);
		if (!((left > 10 && memcmp(p, "SCM_RIGHTS", 10) == 0) ||
		      (left > 4 && memcmp(p, "0x1,", 4) == 0) ||
		      (left > 2 && memcmp(p, "1,", 2) == 0)))
			continue;
		const char *d = memmem(p, left, "cmsg_data=[", 11);
		if (!d)
			return;
		d += 10;
		fd_list(b, d, (size_t)(end - d), op, flags);
		p = d;
	}
}

/* "flags=" value of clone/clone3; returns 1 if found */
static int clone_flags(const char *s, size_t n, const char **f, size_t *fl)
{
	const char *p = memmem(s, n, "flags=", 6);
	if (!p)
		return 0;
	p += 6;
	const char *e = p;
	while (e < s + n && *e != ',' && *e != '}' && *e != ')')
		e++;
	*f = p;
	*fl = (size_t)(e - p);
	return 1;
}

static uint64_t parse_u64(const char *s, size_t n)
{
	char num[32];
	size_t k = 0;
	while (k < n && k < sizeof num - 1 && s[k] != ' ')
		num[k] = s[k], k++;
	num[k] = '\0';
	return strtoull(num, NULL, 0);
}

/* ---- names ------------------------------------------------------------ */

/* The text inside a quoted argument ("worker", "/usr/bin/make"...), as
 * printed (escapes kept); NULL when the argument is not a string. */
static const char *quoted(const char *s, size_t n, size_t *len)
{
	if (n < 2 || s[0] != '"')
		return NULL;
	size_t i = 1;
	while (i < n && s[i] != '"')
		i += s[i] == '\\' ? 2 : 1;
	if (i >= n)
		return NULL;
	*len = i - 1;
	return s + 1;
}

/* A program's name: the last part of the path execve ran. */
static const char *base_name(const char *s, size_t n, size_t *len)
{
	size_t i = n;
	while (i > 0 && s[i - 1] != '/')
		i--;
	*len = n - i;
	return s + i;
}

/* A write to a comm file names a task: /proc/self/comm,
 * /proc/thread-self/comm (-1: the writer's own), /proc/P/comm (its main
 * thread P), /proc/P/task/T/comm.  -2: not a comm file. */
static int64_t comm_task(const char *o, size_t n)
{
	if (n < 11 || memcmp(o, "/proc/", 6) != 0 ||
	    memcmp(o + n - 5, "/comm", 5) != 0)
		return -2;
	size_t e = n - 5, i = e;
	while (i > 6 && o[i - 1] >= '0' && o[i - 1] <= '9')
		i--;
	if (i == e)   /* self, thread-self */
		return (e - 6 == 4 && memcmp(o + 6, "self", 4) == 0) ||
		       (e - 6 == 11 && memcmp(o + 6, "thread-self", 11) == 0)
		       ? -1 : -2;
	if (o[i - 1] != '/' || e - i > 9)
		return -2;
	int64_t t = 0;
	for (size_t k = i; k < e; k++)
		t = t * 10 + (o[k] - '0');
	return t;
}

/* An effect carrying a name (not a decoration: the -y detection does not
 * count it). */
static void fx_name(struct fxb *b, enum eff_op op, int64_t h2,
		    const char *name, size_t len)
{
	struct effect *e = event_add_effect(b->ev, op, 0, -1, h2, NULL);
	if (e && name && len)
		e->object = arena_put(b->ar, name, len);
}

/* The name written: "worker" or "worker\n" (echo) gives worker. */
static void fx_comm(struct fxb *b, int64_t task, const char *s, size_t n)
{
	size_t len;
	const char *q = quoted(s, n, &len);
	if (!q || task == -2)
		return;
	if (len >= 2 && q[len - 2] == '\\' && q[len - 1] == 'n')
		len -= 2;
	if (len)
		fx_name(b, EFF_NAME, task, q, len);
}

void call_effects(const struct sc_info *sc, const char *s, size_t n,
		  const struct call *c, enum fx_mode mode, size_t entry_len,
		  struct ht_event *ev, struct arena *ar, unsigned *seen)
{
	if (sc && sc->kind == K_NONE)
		return;
	struct fxb b = { ev, ar, seen };
	int nargs = c->nargs < CALL_MAX_ARGS ? c->nargs : CALL_MAX_ARGS;
	int exit_known = mode != FXM_ENTRY;
	int ok = exit_known && c->has_ret && !c->failed;
	/* argument i's text and length (empty beyond nargs), and
	 * EF_AT_ENTRY when it was printed at entry (the entry event
	 * reported it); worked out where used, not for every argument */
#define A(i) ((i) < nargs ? s + c->arg[i].off : "")
#define L(i) ((i) < nargs ? c->arg[i].len : (size_t)0)
#define AT(i) ((i) < nargs && mode == FXM_EXIT && \
	       c->arg[i].off + c->arg[i].len <= entry_len ? EF_AT_ENTRY : 0u)
	struct fdval v;

	if (!sc) {
		/* unknown to syscalls.def: a decorated number is an fd */
		for (int i = 0; i < nargs; i++)
			if (parse_fd(A(i), L(i), &v) && v.fd >= 0 && v.obj)
				fx_add(&b, EFF_USE, AT(i), v.fd, -1, v.obj,
				       v.obj_len);
		return;
	}

	unsigned use_fl = (sc->flags & SF_SOCK ? EF_SOCKET_ONLY : 0) |
			  (sc->flags & SF_BLOCK ? EF_BLOCKING : 0);
	if (sc->kind == K_FCNTL && nargs > 1 &&
	    (arg_is(A(1), L(1), "F_GETFD", 1) ||
	     arg_is(A(1), L(1), "F_GETFL", 3)))
		use_fl |= EF_PROBE;
	for (unsigned m = sc->fds; m; m &= m - 1) {
		int i = __builtin_ctz(m);   /* the fd arguments, in order */
		if (i >= 5 || i >= nargs)
			break;
		if (!L(i))
			continue;
		if (parse_fd(A(i), L(i), &v) && v.fd >= 0)
			fx_add(&b, EFF_USE, use_fl | AT(i), v.fd, -1, v.obj,
			       v.obj_len);
		if ((sc->flags & SF_COMM) && ok && i == 0 && v.obj)
			fx_comm(&b, comm_task(v.obj, v.obj_len), A(1), L(1));
	}

	unsigned cx = 0;
	if (sc->flags & SF_CLOEXEC)
		cx = EF_CLOEXEC;
	else if (sc->cx_arg >= 0 && sc->cx_arg < nargs &&
		 flag_set(A((int)sc->cx_arg), L((int)sc->cx_arg), sc->cx_name,
			  sc->cx_bit))
		cx = EF_CLOEXEC;
	/* the new fd's decoration, else the source's (same object) */
	const char *robj = c->ret_obj;
	size_t robj_len = c->ret_obj_len;

	switch ((enum sc_kind)sc->kind) {
	case K_NONE:
	case K_USE:
		break;
	case K_OPEN:
		if (ok && c->ret >= 0)
			fx_add(&b, EFF_CREATE, cx, c->ret, -1, robj, robj_len);
		break;
	case K_LANDLOCK:
		if (ok && c->ret >= 0 && !(nargs > 2 &&
		    flag_set(A(2), L(2), "LANDLOCK_CREATE_RULESET_VERSION",
			     1)))
			fx_add(&b, EFF_CREATE, cx, c->ret, -1, robj, robj_len);
		break;
	case K_SECCOMP:
		if (ok && c->ret > 0 && nargs > 1 &&
		    arg_is(A(0), L(0), "SECCOMP_SET_MODE_FILTER", 1) &&
		    flag_set(A(1), L(1), "SECCOMP_FILTER_FLAG_NEW_LISTENER",
			     8))
			fx_add(&b, EFF_CREATE, cx, c->ret, -1, robj, robj_len);
		break;
	case K_BPF: {
		static const char *const fd_cmds[] = {
			"BPF_MAP_CREATE", "BPF_PROG_LOAD", "BPF_OBJ_GET",
			"BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID",
			"BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID",
			"BPF_RAW_TRACEPOINT_OPEN", "BPF_LINK_CREATE",
			"BPF_LINK_GET_FD_BY_ID", "BPF_ITER_CREATE",
			"BPF_ENABLE_STATS", "BPF_TOKEN_CREATE",
		};
		int fdcmd = robj != NULL;
		for (size_t k = 0; !fdcmd && nargs > 0 &&
		     k < sizeof fd_cmds / sizeof fd_cmds[0]; k++)
			fdcmd = arg_is(A(0), L(0), fd_cmds[k], -1);
		if (ok && c->ret > 0 && fdcmd)
			fx_add(&b, EFF_CREATE, cx, c->ret, -1, robj, robj_len);
		break;
	}
	case K_SIGNALFD:
		if (nargs > 0 && parse_fd(A(0), L(0), &v)) {
			if (v.fd >= 0)   /* changes the mask of an existing fd */
				fx_add(&b, EFF_USE, AT(0), v.fd, -1, v.obj,
				       v.obj_len);
			else if (ok && c->ret >= 0)
				fx_add(&b, EFF_CREATE, cx, c->ret, -1, robj,
				       robj_len);
		}
		break;
	case K_CLOSE:
		/* close(-1) too: the timeline counts it as harmless */
		if (nargs > 0 && parse_fd(A(0), L(0), &v))
			fx_add(&b, EFF_CLOSE, AT(0), v.fd < 0 ? -1 : v.fd, -1,
			       v.obj, v.obj_len);
		break;
	case K_CLOSE_RANGE: {
		if (nargs < 3 || (mode == FXM_FULL && c->failed))
			break;
		int64_t lo = (int64_t)parse_u64(A(0), L(0));
		int64_t hi = (int64_t)parse_u64(A(1), L(1));
		if (flag_set(A(2), L(2), "CLOSE_RANGE_UNSHARE", 2))
			fx_add(&b, EFF_UNSHARE_FILES, AT(2), -1, -1, NULL, 0);
		fx_add(&b, flag_set(A(2), L(2), "CLOSE_RANGE_CLOEXEC", 4) ?
		       EFF_CLOEXEC_RANGE : EFF_CLOSE_RANGE, AT(2), lo, hi,
		       NULL, 0);
		break;
	}
	case K_DUP:
		if (ok && c->ret >= 0 && parse_fd(A(0), L(0), &v))
			fx_add(&b, EFF_DUP, 0, v.fd, c->ret,
			       robj ? robj : v.obj,
			       robj ? robj_len : v.obj_len);
		break;
	case K_DUP2:
	case K_DUP3: {
		struct fdval to;
		if (ok && nargs > 1 && parse_fd(A(0), L(0), &v) &&
		    parse_fd(A(1), L(1), &to))
			fx_add(&b, EFF_DUP, sc->kind == K_DUP3 ? cx : 0, v.fd,
			       to.fd, robj ? robj : v.obj,
			       robj ? robj_len : v.obj_len);
		break;
	}
	case K_FCNTL:
		if (nargs < 2 || !ok || !parse_fd(A(0), L(0), &v))
			break;
		if (arg_is(A(1), L(1), "F_DUPFD_CLOEXEC", 1030))
			fx_add(&b, EFF_DUP, EF_CLOEXEC, v.fd, c->ret,
			       robj ? robj : v.obj,
			       robj ? robj_len : v.obj_len);
		else if (arg_is(A(1), L(1), "F_DUPFD", 0))
			fx_add(&b, EFF_DUP, 0, v.fd, c->ret,
			       robj ? robj : v.obj,
			       robj ? robj_len : v.obj_len);
		else if (arg_is(A(1), L(1), "F_SETFD", 2))
			fx_add(&b, EFF_SET_CLOEXEC, nargs > 2 &&
			       flag_set(A(2), L(2), "FD_CLOEXEC", 1) ?
			       EF_CLOEXEC : 0, v.fd, -1, v.obj, v.obj_len);
		break;
	case K_IOCTL: {
		if (nargs < 2 || !ok || !parse_fd(A(0), L(0), &v))
			break;
		if (arg_is(A(1), L(1), "FIOCLEX", 0x5451)) {
			fx_add(&b, EFF_SET_CLOEXEC, EF_CLOEXEC, v.fd, -1,
			       v.obj, v.obj_len);
			break;
		}
		if (arg_is(A(1), L(1), "FIONCLEX", 0x5450)) {
			fx_add(&b, EFF_SET_CLOEXEC, 0, v.fd, -1, v.obj,
			       v.obj_len);
			break;
		}
		static const char *const fd_cmds[] = {
			"KVM_CREATE_VM", "KVM_CREATE_VCPU", "NS_GET_USERNS",
			"NS_GET_PARENT", "PIDFD_GET_", "UDMABUF_CREATE",
		};
		int fdcmd = robj != NULL, cloexec = 1;
		if (arg_is(A(1), L(1), "TIOCGPTPEER", -1)) {
			fdcmd = 1;
			cloexec = nargs > 2 && flag_set(A(2), L(2),
							"O_CLOEXEC", 0x80000);
		}
		for (size_t k = 0; !fdcmd &&
		     k < sizeof fd_cmds / sizeof fd_cmds[0]; k++)
			fdcmd = L(1) >= strlen(fd_cmds[k]) &&
				memcmp(A(1), fd_cmds[k], strlen(fd_cmds[k]))
				== 0;
		if (fdcmd && c->ret > 0)
			fx_add(&b, EFF_CREATE, cloexec ? EF_CLOEXEC : 0,
			       c->ret, -1, robj, robj_len);
		break;
	}
	case K_PIPE:
		if (ok && nargs > 0)
			fd_list(&b, A(0), L(0), EFF_CREATE, cx);
		break;
	case K_SOCKETPAIR:
		if (ok && nargs > 3)
			fd_list(&b, A(3), L(3), EFF_CREATE, cx);
		break;
	case K_RECVMSG:
		if (ok && nargs > 1)
			scm_rights(&b, A(1), L(1), EFF_CREATE, cx);
		break;
	case K_SENDMSG:
		if (nargs > 1)
			scm_rights(&b, A(1), L(1), EFF_USE, AT(1));
		break;
	case K_POLL:
		if (nargs > 0) {
			const char *p = A(0), *end = A(0) + L(0);
			while ((p = memmem(p, (size_t)(end - p), "fd=", 3))) {
				p += 3;
				const char *e = p;
				if (e < end && *e == '-')
					e++;
				while (e < end && *e != ',' && *e != '}') {
					if (*e == '<') {
						size_t k = skip_decoration(
							A(0), L(0),
							(size_t)(e - A(0)));
						if (!k)
							break;
						e = A(0) + k;
					} else {
						e++;
					}
				}
				if (parse_fd(p, (size_t)(e - p), &v) &&
				    v.fd >= 0)
					fx_add(&b, EFF_USE, EF_BLOCKING | AT(0),
					       v.fd, -1, v.obj, v.obj_len);
				p = e;
			}
		}
		break;
	case K_SELECT:
		for (int k = 1; k <= 3 && k < nargs; k++)
			fd_set_uses(&b, A(k), L(k), EF_BLOCKING | AT(k));
		break;
	case K_WAITID:
		if (nargs > 1 && arg_is(A(0), L(0), "P_PIDFD", 3) &&
		    parse_fd(A(1), L(1), &v) && v.fd >= 0)
			fx_add(&b, EFF_USE, EF_BLOCKING | AT(1), v.fd, -1,
			       v.obj, v.obj_len);
		break;
	case K_CLONE: {
		/* at entry (an <unfinished ...> clone): a spawn in flight,
		 * child unknown (h = -1), with its flags; the child's first
		 * lines may come before the clone returns */
		if (exit_known && (!ok || c->ret <= 0))
			break;
		const char *f;
		size_t fl;
		unsigned sfl = 0;
		int pidfd = 0;
		if (clone_flags(s, (size_t)(c->close >= 0 ? c->close :
				(long)n), &f, &fl)) {
			if (flag_set(f, fl, "CLONE_FILES", 0x400))
				sfl |= EF_SHARE_FILES;
			if (flag_set(f, fl, "CLONE_THREAD", 0x10000))
				sfl |= EF_THREAD;
			pidfd = flag_set(f, fl, "CLONE_PIDFD", 0x1000);
		}
		if (!exit_known) {
			fx_add(&b, EFF_SPAWN, sfl, -1, -1, NULL, 0);
			break;
		}
		fx_add(&b, EFF_SPAWN, sfl, c->ret,
		       sfl & EF_THREAD ? -1 : c->ret, NULL, 0);
		if (pidfd) {
			/* clone3 "=> {pidfd=[N]}", clone "parent_tid=[N]" */
			const char *p = memmem(s, n, "pidfd=[", 7);
			size_t skip = 7;
			if (!p) {
				p = memmem(s, n, "parent_tid=[", 12);
				skip = 12;
			}
			if (p) {
				p += skip - 1;
				fd_list(&b, p, n - (size_t)(p - s),
					EFF_CREATE, EF_CLOEXEC);
			}
		}
		break;
	}
	case K_FORK:
		if (!exit_known)
			fx_add(&b, EFF_SPAWN, 0, -1, -1, NULL, 0);
		else if (ok && c->ret > 0)
			fx_add(&b, EFF_SPAWN, 0, c->ret, c->ret, NULL, 0);
		break;
	case K_EXEC: {
		/* execve(path, ...), execveat(dirfd, path, ...) */
		size_t len = 0, bl = 0;
		int pa = sc->fds & FD0 ? 1 : 0;
		const char *q = quoted(A(pa), L(pa), &len);
		const char *base = q ? base_name(q, len, &bl) : NULL;
		if (ok)
			fx_name(&b, EFF_EXEC, -1, base, bl);
		break;
	}
	case K_NAME: {
		size_t len = 0;
		const char *q = quoted(A(1), L(1), &len);
		if (ok && q && len && arg_is(A(0), L(0), "PR_SET_NAME", 15))
			fx_name(&b, EFF_NAME, -1, q, len);
		break;
	}
	case K_UNSHARE:
		if (ok && nargs > 0 && flag_set(A(0), L(0), "CLONE_FILES",
						0x400))
			fx_add(&b, EFF_UNSHARE_FILES, 0, -1, -1, NULL, 0);
		break;
	case K_EXIT_GROUP:
		if (exit_known)
			fx_add(&b, EFF_EXIT_GROUP, 0, -1, -1, NULL, 0);
		break;
	}
#undef A
#undef L
#undef AT
}
