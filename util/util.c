/* util/util.c - error values, checked allocation, growable strings,
 * string interning, hashing and atomic file output. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "util.h"

void ht_error_set(struct ht_error *err, const char *file, long line,
		  const char *fmt, ...)
{
	if (!err)
		return;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void ht_error_format(const struct ht_error *err, char *buf, size_t n)
{
	if (err->file[0] && err->line > 0)
		snprintf(buf, n, "%s:%ld: %s", err->file, err->line, err->msg);
	else if (err->file[0])
		snprintf(buf, n, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, n, "%s", err->msg);
}

static HT_NORETURN void oom(size_t n)
{
	fprintf(stderr, "handletrail: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom(n * m);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > ((size_t)-1) / 2 / sz)
			oom(need * sz);
		c *= 2;
	}
	*p = xrealloc(*p, c * sz);
	*cap = c;
}

void sb_init(struct strbuf *sb)
{
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	void *p = sb->s;
	xgrow(&p, &sb->cap, sb->len + extra + 1, 1);
	sb->s = p;
}

/* inline in every writer: the common case is one comparison */
static inline void sb_need(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 > sb->cap)
		sb_grow(sb, extra);
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_need(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_need(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_need(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *sb_reserve(struct strbuf *sb, size_t n)
{
	sb_need(sb, n);
	return sb->s + sb->len;
}

/* The digits are counted first and written in place from the last (hex
 * two at a time): no buffer to copy out of.  out must have room for 21
 * bytes. */
static int bit_length(uint64_t v)   /* v > 0 */
{
#if defined(__GNUC__)
	return 64 - __builtin_clzll(v);
#else
	int n = 0;
	for (int s = 32; s; s >>= 1)
		if (v >> s) {
			v >>= s;
			n += s;
		}
	return n + (int)v;
#endif
}

size_t fmt_hex(char *out, uint64_t v, int upper)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *d = upper ? up : lo;
	size_t n = v ? (size_t)(bit_length(v) + 3) / 4 : 1;
	out[0] = '0';
	out[1] = 'x';
	char *o = out + 2 + n;
	for (size_t k = n; k >= 2; k -= 2, v >>= 8) {
		*--o = d[v & 15];
		*--o = d[v >> 4 & 15];
	}
	if (n & 1)
		*--o = d[v & 15];
	return n + 2;
}

size_t fmt_dec(char *out, uint64_t v, int neg)
{
	size_t n = 1;
	for (uint64_t t = v / 10; t; t /= 10)
		n++;
	size_t k = neg ? 1 : 0;
	out[0] = '-';
	for (size_t i = n + k; i > k; i--, v /= 10)
		out[i - 1] = (char)('0' + v % 10);
	return n + k;
}

void sb_put_hex(struct strbuf *sb, uint64_t v, int upper)
{
	char *o = sb_reserve(sb, 20);
	sb->len += fmt_hex(o, v, upper);
	sb->s[sb->len] = '\0';
}

void sb_put_dec(struct strbuf *sb, uint64_t v, int neg)
{
	char *o = sb_reserve(sb, 22);
	sb->len += fmt_dec(o, v, neg);
	sb->s[sb->len] = '\0';
}

size_t fmt_int(char *out, int64_t v)
{
	return fmt_dec(out, v < 0 ? 0u - (uint64_t)v : (uint64_t)v, v < 0);
}

void sb_put_int(struct strbuf *sb, int64_t v)
{
	char *o = sb_reserve(sb, 22);
	sb->len += fmt_int(o, v);
	sb->s[sb->len] = '\0';
}

char *sb_detach(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");
	sb_init(sb);
	return s;
}

uint64_t hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Interning: open addressing over chunks of stored strings. */
struct strpool {
	const char **slot;
	size_t nslot, used;
	char **chunks;
	size_t nchunks, capchunks;
	char *cur;
	size_t curleft;
};

struct strpool *strpool_new(void)
{
	struct strpool *p = xcalloc(1, sizeof *p);
	p->nslot = 1024;
	p->slot = xcalloc(p->nslot, sizeof *p->slot);
	return p;
}

static char *pool_store(struct strpool *p, const char *s, size_t n)
{
	if (n + 1 > p->curleft) {
		size_t sz = n + 1 > 65536 ? n + 1 : 65536;
		void *c = p->chunks;
		xgrow(&c, &p->capchunks, p->nchunks + 1, sizeof(char *));
		p->chunks = c;
		p->cur = xmalloc(sz);
		p->chunks[p->nchunks++] = p->cur;
		p->curleft = sz;
	}
	char *d = p->cur;
	memcpy(d, s, n);
	d[n] = '\0';
	p->cur += n + 1;
	p->curleft -= n + 1;
	return d;
}

static void pool_rehash(struct strpool *p)
{
	size_t nn = p->nslot * 2;
	const char **ns = xcalloc(nn, sizeof *ns);
	for (size_t i = 0; i < p->nslot; i++) {
		const char *s = p->slot[i];
		if (!s)
			continue;
		size_t j = hash64(s, strlen(s), 0) & (nn - 1);
		while (ns[j])
			j = (j + 1) & (nn - 1);
		ns[j] = s;
	}
	free(p->slot);
	p->slot = ns;
	p->nslot = nn;
}

const char *strpool_intern(struct strpool *p, const char *s, size_t n)
{
	if (p->used * 2 >= p->nslot)
		pool_rehash(p);
	size_t j = hash64(s, n, 0) & (p->nslot - 1);
	while (p->slot[j]) {
		const char *t = p->slot[j];
		if (strncmp(t, s, n) == 0 && t[n] == '\0')
			return t;
		j = (j + 1) & (p->nslot - 1);
	}
	const char *d = pool_store(p, s, n);
	p->slot[j] = d;
	p->used++;
	return d;
}

void strpool_free(struct strpool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p->slot);
	free(p);
}

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2; v = c & 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; v = c & 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Bidi controls can reorder what a reader sees; they are shown, not
 * obeyed, in every output. */
static int is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c;
}

/* printable ASCII that JSON (inside HTML too) takes as it is */
static inline int json_plain(unsigned c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' &&
	       c != '<' && c != '>' && c != '&';
}

void esc_json(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		uint32_t cp;
		size_t l;
		if (json_plain(c)) {   /* most text: a run at once */
			size_t j = i + 1;
			while (j < n && json_plain(u[j]))
				j++;
			sb_add(sb, s + i, j - i);
			i = j;
		} else if (c == '"' || c == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
			i++;
		} else if (c == '\n') {
			sb_puts(sb, "\\n"); i++;
		} else if (c == '\t') {
			sb_puts(sb, "\\t"); i++;
		} else if (c == '\r') {
			sb_puts(sb, "\\r"); i++;
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c); i++;
		} else if (c == '<' || c == '>' || c == '&') {
			/* safe inside an HTML <script> block too */
			sb_printf(sb, "\\u%04x", c); i++;
		} else if ((l = utf8_decode(u + i, n - i, &cp)) == 0) {
			/* invalid UTF-8: keep the byte visible as U+FFFD
			 * followed by its hex value */
			sb_printf(sb, "\\ufffd\\u003c%02x\\u003e", c);
			i++;
		} else if (cp == 0x2028 || cp == 0x2029 || is_bidi(cp)) {
			sb_printf(sb, "\\u%04x", (unsigned)cp);
			i += l;
		} else {
			sb_add(sb, s + i, l);
			i += l;
		}
	}
}

void esc_html(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		uint32_t cp;
		size_t l;
		switch (c) {
		case '<': sb_puts(sb, "&lt;"); i++; continue;
		case '>': sb_puts(sb, "&gt;"); i++; continue;
		case '&': sb_puts(sb, "&amp;"); i++; continue;
		case '"': sb_puts(sb, "&quot;"); i++; continue;
		case '\'': sb_puts(sb, "&#39;"); i++; continue;
		case '\t': sb_putc(sb, '\t'); i++; continue;
		case '\n': sb_putc(sb, '\n'); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			/* control bytes shown as a visible escape */
			sb_printf(sb, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			sb_putc(sb, (char)c);
			i++;
		} else if ((l = utf8_decode(u + i, n - i, &cp)) == 0) {
			sb_printf(sb, "\\x%02x", c);
			i++;
		} else if (is_bidi(cp) || cp == 0x2028 || cp == 0x2029 ||
			   (cp >= 0x80 && cp < 0xa0)) {
			sb_printf(sb, "&lt;U+%04X&gt;", (unsigned)cp);
			i += l;
		} else {
			sb_add(sb, s + i, l);
			i += l;
		}
	}
}

void esc_term(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		uint32_t cp;
		size_t l;
		if (c == '\t') {
			sb_putc(sb, ' ');
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			sb_putc(sb, (char)c);
			i++;
		} else if ((l = utf8_decode(u + i, n - i, &cp)) == 0 ||
			   (cp >= 0x80 && cp < 0xa0)) {
			/* invalid bytes and C1 controls (CSI 0x9b) */
			for (size_t k = 0; k < (l ? l : 1); k++)
				sb_printf(sb, "\\x%02x", u[i + k]);
			i += l ? l : 1;
		} else if (is_bidi(cp) || cp == 0x2028 || cp == 0x2029) {
			sb_printf(sb, "<U+%04X>", (unsigned)cp);
			i += l;
		} else {
			sb_add(sb, s + i, l);
			i += l;
		}
	}
}

/* /dev/stdout, /dev/fd/N, /proc/self/fd/N: the descriptor itself, so a
 * shell's redirection (append mode, a pipe) is honoured; -1 otherwise. */
static int named_fd(const char *path)
{
	static const char *const pre[] = { "/dev/fd/", "/proc/self/fd/" };
	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
		size_t l = strlen(pre[i]);
		if (strncmp(path, pre[i], l) != 0 || !path[l])
			continue;
		char *e;
		long fd = strtol(path + l, &e, 10);
		if (!*e && fd >= 0 && fd < 1024 && path[l] >= '0' &&
		    path[l] <= '9')
			return (int)fd;
	}
	return -1;
}

int write_all(int fd, const char *path, const char *data, size_t n,
	      struct ht_error *err)
{
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ht_error_set(err, path, 0, "write failed: %s",
				     w < 0 ? strerror(errno) : "no progress");
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

int write_file_replace(const char *path, const char *data, size_t n,
		       struct ht_error *err)
{
	size_t pl = strlen(path);
	char *tmp = xmalloc(pl + 32);
	snprintf(tmp, pl + 32, "%s.tmp.%ld", path, (long)getpid());
	/* O_EXCL: a link planted at the temp name is not followed */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ht_error_set(err, path, 0, "cannot write: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	int r = write_all(fd, path, data, n, err);
	if (close(fd) != 0 && r == 0) {
		ht_error_set(err, path, 0, "cannot write: %s", strerror(errno));
		r = -1;
	}
	if (r == 0 && rename(tmp, path) != 0) {
		ht_error_set(err, path, 0, "cannot write: %s", strerror(errno));
		r = -1;
	}
	if (r < 0)
		unlink(tmp);
	free(tmp);
	return r;
}

/* a temp beside path; O_EXCL: a link planted at its name is not
 * followed */
static int open_temp(struct outfile *o)
{
	size_t pl = strlen(o->path);
	o->tmp = xmalloc(pl + 32);
	snprintf(o->tmp, pl + 32, "%s.tmp.%ld", o->path, (long)getpid());
	unlink(o->tmp);
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	return o->fd;
}

int outfile_open(struct outfile *o, const char *path, struct ht_error *err)
{
	memset(o, 0, sizeof *o);
	o->path = xstrdup(path);
	int nfd = strcmp(path, "-") == 0 ? 1 : named_fd(path);
	struct stat sb;
	if (nfd >= 0) {
		fflush(stdout);
		o->fd = nfd;
		o->named = 1;
		if (nfd == 1 && path[0] == '-') {
			free(o->path);
			o->path = xstrdup("<stdout>");
		}
	} else if (lstat(path, &sb) != 0 || S_ISREG(sb.st_mode)) {
		open_temp(o);
	} else {
		/* a FIFO, terminal, device or a symlink the user named is
		 * written through, never replaced */
		o->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	}
	if (o->fd < 0) {
		ht_error_set(err, path, 0, "cannot write: %s", strerror(errno));
		free(o->path);
		free(o->tmp);
		return -1;
	}
	return 0;
}

void outfile_write(struct outfile *o, const char *data, size_t n)
{
	if (!o->failed && n && write_all(o->fd, o->path, data, n, &o->err) < 0)
		o->failed = 1;
}

int outfile_close(struct outfile *o, int ok, struct ht_error *err)
{
	/* a descriptor named by the user (-, /dev/stdout) stays open */
	if (!o->named && close(o->fd) != 0 && !o->failed) {
		ht_error_set(&o->err, o->path, 0, "cannot write: %s",
			     strerror(errno));
		o->failed = 1;
	}
	if (o->tmp && ok && !o->failed && rename(o->tmp, o->path) != 0) {
		ht_error_set(&o->err, o->path, 0, "cannot write: %s",
			     strerror(errno));
		o->failed = 1;
	}
	if (o->tmp && (!ok || o->failed))
		unlink(o->tmp);
	if (o->failed)
		*err = o->err;
	free(o->path);
	free(o->tmp);
	return o->failed ? -1 : 0;
}

int write_file_atomic(const char *path, const char *data, size_t n,
		      struct ht_error *err)
{
	struct outfile o;
	if (outfile_open(&o, path, err) < 0)
		return -1;
	outfile_write(&o, data, n);
	return outfile_close(&o, 1, err);
}
