/* parser/etw_xml.c - reads ETW event XML (tracerpt <Events>, wevtutil's
 * root-less run of <Event>, PerfView's <Event MSec=...> dump) with
 * libxml2's push parser and SAX callbacks into flat records, in constant
 * memory. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include "etw.h"
#include "xml_limits.h"

#define EVENT_NS "http://schemas.microsoft.com/win/2004/08/events/event"

/* Bytes handed to libxml2 at a time: bigger chunks keep each part's
 * code in cache longer; the events of one chunk wait in p->ready. */
#define ETW_CHUNK 16384
/* Elements open at once: libxml2's own limit, which it checks only when
 * it builds a tree (events nest a handful of levels; without a limit
 * libxml2's name stacks would grow with the input). */
#define ETW_MAX_DEPTH 256
/* Events held for reordering; see etw_order.c. */
#define ETW_WINDOW 8192
/* Capped text captured per element value. */
#define ETW_TEXT_MAX 4096

/* ---- small value parsers ---------------------------------------------- */

/* The value of hex digit c, or -1 (ASCII only: no locale lookups on
 * the hottest number path). */
static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int etw_parse_int(const char *s, int64_t *v)
{
	while (is_ws(*s))
		s++;
	int neg = 0;
	uint64_t x = 0;
	int digits = 0, d;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		for (; (d = hex_digit((unsigned char)*s)) >= 0; s++, digits++) {
			x = x * 16 + (uint64_t)d;
			if (digits >= 16)
				return -1;
		}
	} else {
		for (; is_digit(*s) || (*s == ',' && digits &&
					is_digit(s[1])); s++) {
			if (*s == ',')
				continue;   /* PerfView "n0": 20,648 */
			if (x > (UINT64_MAX - 9) / 10)
				return -1;
			x = x * 10 + (uint64_t)(*s - '0');
			digits++;
		}
	}
	while (is_ws(*s))
		s++;
	if (!digits || *s)
		return -1;
	/* unsigned negation: "-0x8000000000000000" must not overflow */
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int num(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

int etw_parse_systime(const char *s, int64_t *ns)
{
	int y, mo, d, h, mi, sec;
	const char *p = s;
	while (*p == ' ')
		p++;
	if (num(&p, 4, &y) || *p++ != '-' || num(&p, 2, &mo) ||
	    *p++ != '-' || num(&p, 2, &d) || (*p != 'T' && *p != ' '))
		return -1;
	p++;
	if (num(&p, 2, &h) || *p++ != ':' || num(&p, 2, &mi) ||
	    *p++ != ':' || num(&p, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		int nd = 0;
		for (; isdigit((unsigned char)*p); p++, nd++)
			if (nd < 9)
				frac = frac * 10 + (*p - '0');
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	int64_t off = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if (num(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && num(&p, 2, &om))
			return -1;
		if (oh > 14 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	}
	while (*p == ' ')
		p++;
	if (*p)
		return -1;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    sec - off;
	/* outside 1970..2116 is no trace time; the bound also keeps every
	 * consumer's ts difference far from overflow */
	if (t < 0 || t >= (1LL << 62) / 1000000000)
		return -1;
	*ns = t * 1000000000 + frac;
	return 0;
}

int etw_parse_msec(const char *s, int64_t *ns)
{
	while (*s == ' ')
		s++;
	int neg = *s == '-';
	if (neg)
		s++;
	/* "f4" prints the culture's decimal mark: '.' or ',' */
	const char *dot = strchr(s, '.');
	if (!dot) {
		const char *c = strrchr(s, ',');
		if (c && strlen(c + 1) == 4)
			dot = c;
	}
	int64_t ms = 0, frac = 0;
	int digits = 0, nd = 0;
	const char *p = s;
	for (; *p && p != dot; p++) {
		if (*p == ',' && digits)
			continue;
		if (!isdigit((unsigned char)*p))
			return -1;
		if (ms > INT64_MAX / 10000000000LL)
			return -1;
		ms = ms * 10 + (*p - '0');
		digits++;
	}
	if (dot)
		for (p = dot + 1; isdigit((unsigned char)*p); p++, nd++)
			if (nd < 6)
				frac = frac * 10 + (*p - '0');
	while (*p == ' ')
		p++;
	if (!digits || *p)
		return -1;
	for (int i = nd < 6 ? nd : 6; i < 6; i++)
		frac *= 10;
	*ns = ms * 1000000 + frac;
	if (neg)
		*ns = -*ns;
	return 0;
}

/* ---- records ----------------------------------------------------------- */

/* what etw_rec_reset gives the header part: copied rather than set by
 * memset, which at this size compiles to "rep stos", whose start-up
 * cost more than the copy (2.7% of reading a .etl) */
static const struct etw_rec fresh_rec = {
	.cpu = -1, .pid = -1, .tid = -1, .event_id = -1, .version = -1,
	.opcode = -1, .task = -1, .ts = TS_NONE,
};

void etw_rec_reset(struct etw_rec *r)
{
	memcpy(r, &fresh_rec, offsetof(struct etw_rec, buf));
	r->bad[0] = '\0';
	if (!r->buf) {
		r->cap = 512;
		r->buf = xmalloc(r->cap);
	}
	r->buf[0] = '\0';
	r->len = 1;
}

void etw_rec_room(struct etw_rec *r, size_t end)
{
	if (end > r->cap)
		xgrow((void **)&r->buf, &r->cap, end, 1);
}

uint32_t etw_rec_add_grow(struct etw_rec *r, const char *s, size_t n)
{
	if (r->len + n + 1 > ETW_REC_MAX_BYTES) {
		r->cut = 1;
		if (r->len + 1 >= ETW_REC_MAX_BYTES)
			return 0;
		n = ETW_REC_MAX_BYTES - r->len - 1;
	}
	etw_rec_room(r, r->len + n + 1);
	uint32_t off = (uint32_t)r->len;
	memcpy(r->buf + off, s, n);
	r->buf[off + n] = '\0';
	r->len += n + 1;
	return off;
}

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

const struct etw_field *etw_find(const struct etw_rec *r, const char *name,
				 size_t n)
{
	if (n && name[0] == '#') {   /* "#2": the second field, named or not */
		char num[64];
		size_t k = n < sizeof num ? n : sizeof num - 1;
		memcpy(num, name, k);
		num[k] = '\0';
		long i = strtol(num + 1, NULL, 10);
		return i >= 1 && i <= r->nfields ? &r->f[i - 1] : NULL;
	}
	/* the length and first letter (ASCII case folded) before the call:
	 * most names differ there */
	for (int i = 0; n && i < r->nfields; i++) {
		const struct etw_field *f = &r->f[i];
		const char *fn = etw_fname(r->buf, f);
		if (f->nl == n && fold(fn[0]) == fold(name[0]) &&
		    !strncasecmp(fn, name, n))
			return f;
	}
	return NULL;
}

size_t etw_num_text(char *o, uint64_t v, char base)
{
	return base == 'x' ? fmt_hex(o, v, 1) :
	       base == 'i' ? fmt_int(o, (int64_t)v) : fmt_dec(o, v, 0);
}

const char *etw_value(const struct etw_rec *r, const struct etw_field *f)
{
	if (f->base) {
		/* the one write through a const record: its own text cache,
		 * into room set aside when the field was added */
		struct etw_field *m = (struct etw_field *)f;
		char *o = r->buf + f->value;
		size_t n = etw_num_text(o, (uint64_t)f->num, f->base);
		o[n] = '\0';
		m->vl = (uint16_t)n;
		m->base = 0;
	}
	return r->buf + f->value;
}

const char *etw_field_n(const struct etw_rec *r, const char *name, size_t n)
{
	const struct etw_field *f = etw_find(r, name, n);
	return f ? etw_value(r, f) : NULL;
}

const char *etw_field(const struct etw_rec *r, const char *name)
{
	return etw_field_n(r, name, strlen(name));
}

/* the next field: name and value at offsets a and b, of lengths nl, vl */
static struct etw_field *new_field(struct etw_rec *r, uint32_t a, size_t nl,
				   uint32_t b, size_t vl)
{
	struct etw_field *f = &r->f[r->nfields++];
	f->name = a;
	f->kept = 0;
	f->value = b;
	f->nl = (uint16_t)nl;
	f->vl = (uint16_t)vl;
	f->plain = f->has_num = 0;
	f->base = 0;
	f->num = 0;
	return f;
}

/* n bytes of room at the end of r's text, when it has them without
 * growing past what a record holds: their offset, else 0 */
static uint32_t room(struct etw_rec *r, size_t n)
{
	if (r->len + n > r->cap || r->len + n > ETW_REC_MAX_BYTES)
		return 0;
	uint32_t at = (uint32_t)r->len;
	r->len += n;
	return at;
}

void etw_rec_field(struct etw_rec *r, const char *name, size_t nl,
		   const char *val, size_t vl)
{
	if (r->nfields >= ETW_MAX_FIELDS) {
		r->cut = 1;
		return;
	}
	uint32_t a;
	if (!memchr(name, 0, nl) && !memchr(val, 0, vl) &&
	    (a = room(r, nl + 1 + vl + 1)) != 0) {
		/* both fit (the common case, a field per call on the hot
		 * paths): etw_rec_add's work without its checks twice */
		uint32_t b = a + (uint32_t)nl + 1;
		memcpy(r->buf + a, name, nl);
		r->buf[a + nl] = '\0';
		memcpy(r->buf + b, val, vl);
		r->buf[b + vl] = '\0';
		new_field(r, a, nl, b, vl);
		return;
	}
	a = etw_rec_add(r, name, nl);
	uint32_t b = etw_rec_add(r, val, vl);
	if ((nl && !a) || (vl && !b))
		return;
	new_field(r, a, strlen(r->buf + a), b, strlen(r->buf + b));
}

void etw_rec_field_num(struct etw_rec *r, const char *name, size_t nl,
		       uint64_t v, char base)
{
	if (r->nfields >= ETW_MAX_FIELDS) {
		r->cut = 1;
		return;
	}
	struct etw_field *f;
	uint32_t a = room(r, nl + 1 + ETW_NUM_ROOM);
	if (a) {
		/* the common case: the name in place and room for the
		 * digits, which most numbers are never asked for (only a
		 * story's events show them) */
		memcpy(r->buf + a, name, nl);
		r->buf[a + nl] = '\0';
		r->buf[a + nl + 1] = '\0';
		f = new_field(r, a, nl, a + (uint32_t)nl + 1, 0);
		f->base = base;
	} else {
		/* no room to spare: the text now, as any field's */
		char t[ETW_NUM_ROOM];
		int had = r->nfields;
		etw_rec_field(r, name, nl, t, etw_num_text(t, v, base));
		if (r->nfields == had)
			return;
		f = &r->f[had];
	}
	f->plain = 1;
	/* what etw_parse_int gives for the text: it wraps 16 hex digits to
	 * int64 as this cast does, and refuses decimals from 2^64 - 6 up */
	f->has_num = base != 'u' || v / 10 <= (UINT64_MAX - 9) / 10;
	f->num = (int64_t)v;
}

/* ---- XML safety -------------------------------------------------------- */

static xmlParserInputPtr refuse_entity(const char *url, const char *id,
				       xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;   /* no external entity, DTD or schema is ever read */
}

/* Errors libxml2 raises outside any parser context (a broken UTF-16 or
 * encoding conversion) would go straight to stderr: keep the last one for
 * the message instead. */
static char global_xml_msg[256];

static void global_xml_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	if (!e || e->level < XML_ERR_ERROR || !e->message ||
	    global_xml_msg[0])
		return;  /* the first says most */
	snprintf(global_xml_msg, sizeof global_xml_msg, "%s", e->message);
	size_t n = strlen(global_xml_msg);
	while (n && (global_xml_msg[n - 1] == '\n' ||
		     global_xml_msg[n - 1] == ' '))
		global_xml_msg[--n] = '\0';
}

static void quiet_xml_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void etw_xml_lockdown(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	xmlInitParser();
	xmlSetStructuredErrorFunc(NULL, global_xml_error);
	xmlSetGenericErrorFunc(NULL, quiet_xml_error);
	xmlSetExternalEntityLoader(refuse_entity);
	xmlSubstituteEntitiesDefault(0);
	xmlLoadExtDtdDefaultValue = 0;
}

int etw_xml_safe_options(void)
{
	/* No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR,
	 * no XML_PARSE_HUGE (libxml2's default caps on text size and depth
	 * stay on), no network. */
	return XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
	       XML_PARSE_NOBLANKS |
	       XML_PARSE_NOXINCNODE;
}

long etw_xml_prolog(const char *buf, size_t n, int at_eof, int *utf16,
		    const char **why)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t bom = 0;
	int wide = 0; /* 1 = UTF-16LE, 2 = UTF-16BE */
	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		bom = 3;
	else if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		bom = 2, wide = 1;
	else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		bom = 2, wide = 2;
	else if (n >= 2 && u[0] == '<' && u[1] == 0)
		wide = 1;
	else if (n >= 2 && u[0] == 0 && u[1] == '<')
		wide = 2;
	*utf16 = wide;
	/* an ASCII view of the prolog: UTF-16 units outside ASCII as '?' */
	size_t cw = wide ? 2 : 1, m = (n - bom) / cw;
	char *a = xmalloc(m + 1);
	for (size_t i = 0; i < m; i++) {
		const unsigned char *c = u + bom + i * cw;
		unsigned v = !wide ? c[0] : wide == 1 ? c[0] | c[1] << 8 :
			     c[1] | c[0] << 8;
		a[i] = v < 128 && v ? (char)v : '?';
	}
	a[m] = '\0';
	long ret = -1;
	size_t i = 0, decl = 0;
	if (strncmp(a, "<?xml", 5) == 0 && (is_ws(a[5]) || a[5] == '?')) {
		char *e = strstr(a, "?>");
		if (!e) {
			*why = "XML declaration not closed";
			goto out;
		}
		decl = i = (size_t)(e - a) + 2;
	}
	for (;;) {
		while (i < m && is_ws(a[i]))
			i++;
		if (i >= m) {
			if (at_eof)
				break;
			*why = "no element in the first 64 KiB";
			goto out;
		}
		if (strncmp(a + i, "<!--", 4) == 0) {
			char *e = strstr(a + i + 4, "-->");
			if (!e) {
				if (at_eof)
					break;
				*why = "comment before the first element "
				       "longer than 64 KiB";
				goto out;
			}
			i = (size_t)(e - a) + 3;
		} else if (strncmp(a + i, "<?", 2) == 0) {
			char *e = strstr(a + i + 2, "?>");
			if (!e)
				break;
			i = (size_t)(e - a) + 2;
		} else if (strncasecmp(a + i, "<!DOCTYPE", 9) == 0) {
			*why = "document type declaration (DOCTYPE) refused: "
			       "ETW exports have none, and no entity or DTD "
			       "is ever read";
			goto out;
		} else {
			break;
		}
	}
	ret = (long)(bom + decl * cw);
out:
	free(a);
	return ret;
}

/* ---- the reader -------------------------------------------------------- */

enum io_phase { IO_PROLOG, IO_OPEN, IO_BODY, IO_CLOSE, IO_EOF, IO_REFUSED };

/* What a captured element's text becomes. */
enum cap_kind {
	CAP_NONE, CAP_EVENTID, CAP_VERSION, CAP_TASK, CAP_OPCODE,
	CAP_DATA, CAP_R_EVENTNAME, CAP_R_TASK, CAP_R_OPCODE, CAP_R_PROVIDER,
	CAP_EVENTGUID, CAP_PAYLOAD,
};

enum section {
	SEC_OTHER, SEC_SYSTEM, SEC_EVENTDATA, SEC_USERDATA, SEC_RENDERING,
	SEC_EXTENDED, SEC_PRETTY,
};

/* PerfView's <Event> header attributes; see event_attrs(). */
enum pv_hdr { PV_PGUID, PV_TGUID, PV_OPCODE, PV_VERSION, PV_ID, PV_PTRSIZE,
	      PV_NHDR };

struct pv_state {
	int field_of[PV_NHDR];   /* field index of each header attribute */
	int dump;                /* the Dump() form was seen */
};

/* The <Event> whose elements libxml2 is handing us. */
struct sax_event {
	struct etw_rec *r;       /* NULL between events */
	int depth;               /* the depth of its <Event> */
	enum section sec;        /* the child of <Event> we are in */
	enum cap_kind cap;       /* what the open leaf's text becomes */
	int cap_depth;           /* its depth below <Event> */
	long payload_len;        /* <Payload Length=..> */
	struct pv_state pv;
};

/* What an attribute name was classified as, by the name's address:
 * libxml2 interns every name in its dictionary, so within one parse the
 * same name is the same pointer, and the classification (a dozen
 * strcmp) is done once per name instead of once per attribute. */
#define NAME_MEMO 256
struct name_memo {
	const char *name;
	int kind;
};

/* An element's attributes as libxml2 gave them, values copied out with
 * a terminating NUL (libxml2 gives start and end pointers). */
struct sax_attr {
	const char *name, *prefix, *value;
	size_t len;
};
struct sax_attrs {
	struct sax_attr *a;
	int n;
	size_t cap;
	char *text;
	size_t textcap;
};

struct etw_parser {
	struct instream *in;
	struct input_stats *st;
	enum ht_format fmt;
	char *path;
	xmlParserCtxtPtr ctxt;   /* libxml2's push parser, our SAX handler */
	char chunk[ETW_CHUNK];
	/* the byte stream libxml2 sees: prolog, <wrapper>, file, </wrapper> */
	enum io_phase io;
	size_t prolog_left;
	char wrap_open[64], wrap_close[64];
	size_t wopen_len, wclose_len, woff;
	int io_failed;
	struct ht_error io_err;
	struct xml_scan scan;   /* refuses tags libxml2 is slow on */
	/* first libxml2 error */
	int xml_failed;
	long xml_line;
	char xml_msg[256];

	long nevent;
	char root[48];           /* the document element's name */
	int depth;               /* elements open (the wrapper is depth 0) */
	int parse_end;           /* libxml2 has seen the last byte or failed */
	struct sax_event ev;     /* the <Event> being read */
	struct sax_attrs at;     /* the attributes of the element just begun */
	struct name_memo attr_kind[NAME_MEMO];   /* see memo_kind() */
	/* <Event>s read completely, in file order, not yet taken: the
	 * events of one chunk of input */
	struct etw_rec **ready;
	size_t nready, rhead, capready;
	int have_ts;
	int more;                /* etw_sem_more owes an event for cur */
	int eof, done;
	int fatal;
	struct ht_error fatal_err;
	struct etw_order *ord;
	struct etw_sem *sem;
	struct etw_rec *cur;
	struct strbuf text, name;
};

static void wrap_tag(char *dst, size_t *len, const char *tag, int wide)
{
	size_t n = strlen(tag), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (wide == 1) {
			dst[k++] = tag[i];
			dst[k++] = 0;
		} else if (wide == 2) {
			dst[k++] = 0;
			dst[k++] = tag[i];
		} else {
			dst[k++] = tag[i];
		}
	}
	*len = k;
}

static int io_read(void *ctx, char *buf, int len)
{
	struct etw_parser *p = ctx;
	int out = 0;
	while (out < len) {
		long r;
		size_t want = (size_t)(len - out);
		switch (p->io) {
		case IO_PROLOG:
			if (!p->prolog_left) {
				p->io = IO_OPEN;
				break;
			}
			if (want > p->prolog_left)
				want = p->prolog_left;
			r = instream_read(p->in, buf + out, want, &p->io_err);
			if (r < 0) {
				p->io_failed = 1;
				return -1;
			}
			if (r == 0) {
				p->io = IO_OPEN;
				break;
			}
			p->prolog_left -= (size_t)r;
			xml_scan_feed(&p->scan, buf + out, (size_t)r);
			out += (int)r;
			break;
		case IO_OPEN:
			if (p->woff >= p->wopen_len) {
				p->io = IO_BODY;
				p->woff = 0;
				break;
			}
			buf[out++] = p->wrap_open[p->woff++];
			break;
		case IO_BODY:
			r = instream_read(p->in, buf + out, want, &p->io_err);
			if (r < 0) {
				p->io_failed = 1;
				return -1;
			}
			if (r == 0) {
				p->io = IO_CLOSE;
				break;
			}
			if (xml_scan_feed(&p->scan, buf + out,
					  (size_t)r) < 0) {
				ht_error_set(&p->io_err, p->path, p->scan.line,
					     "element with more than %d "
					     "attributes refused (an event "
					     "has a few dozen)", XML_MAX_ATTRS);
				/* the events before the tag are read; the
				 * next call fails */
				p->io = IO_REFUSED;
				return out + (int)p->scan.refused_at;
			}
			return out + (int)r;
		case IO_REFUSED:
			p->io_failed = 1;
			return -1;
		case IO_CLOSE:
			if (p->woff >= p->wclose_len) {
				p->io = IO_EOF;
				break;
			}
			buf[out++] = p->wrap_close[p->woff++];
			break;
		case IO_EOF:
			return out;
		}
	}
	return out;
}

static void xml_error(void *ctx, xmlErrorPtr e)
{
	struct etw_parser *p = ctx;
	if (!e || e->level < XML_ERR_ERROR || p->xml_failed)
		return;
	p->xml_failed = 1;
	p->xml_line = e->line;
	snprintf(p->xml_msg, sizeof p->xml_msg, "%s",
		 e->message ? e->message : "malformed XML");
	size_t n = strlen(p->xml_msg);
	while (n && (p->xml_msg[n - 1] == '\n' || p->xml_msg[n - 1] == ' '))
		p->xml_msg[--n] = '\0';
	/* libxml2 says this when its dictionary of element and attribute
	 * names is full (10 MB of distinct names): say what to look for */
	if (e->code == XML_ERR_NO_MEMORY)
		snprintf(p->xml_msg + n, sizeof p->xml_msg - n, " (libxml2's "
			 "limit on distinct element and attribute names, or "
			 "out of memory)");
}

enum ht_format etw_sniff(const char *buf, size_t n)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t i = 0, step = 1, start = 0;
	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		start = 3;
	else if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
			    (u[0] == 0xFE && u[1] == 0xFF)))
		start = 2, step = 2;
	else if (n >= 2 && (u[0] == 0 || u[1] == 0))
		step = 2;
	/* an ASCII view: the first 64 KiB, UTF-16 folded to bytes */
	size_t m = 0;
	char *a = xmalloc(n / step + 1);
	for (i = start; i + step <= n; i += step) {
		unsigned v = step == 1 ? u[i] : (u[i] ? u[i] : u[i + 1]);
		a[m++] = v ? (char)v : '?';
	}
	a[m] = '\0';
	/* what comments say is not what the file is */
	for (char *c = strstr(a, "<!--"); c; c = strstr(c, "<!--")) {
		char *e = strstr(c + 4, "-->");
		char *stop = e ? e + 3 : a + m;
		for (char *q = c + 1; q < stop; q++)
			*q = ' ';
		c = stop;
	}
	enum ht_format f = FMT_AUTO;
	size_t k = 0;
	while (k < m && is_ws(a[k]))
		k++;
	if (k >= m || a[k] != '<')
		goto out;
	for (char *e = strstr(a, "<Event"); e; e = strstr(e + 1, "<Event")) {
		char c = e[6];
		if (c == 's' && (is_ws(e[7]) || e[7] == '>'))
			f = FMT_ETW_XML;  /* tracerpt root; events may follow */
		if (!is_ws(c) && c != '>' && c != '/')
			continue;
		char *end = strchr(e, '>');
		size_t tl = end ? (size_t)(end - e) : strlen(e);
		char save = e[tl];
		e[tl] = '\0';
		f = strstr(e, "MSec") ? FMT_PERFVIEW_XML : FMT_ETW_XML;
		e[tl] = save;
		break;
	}
out:
	free(a);
	return f;
}

void *etw_open(struct instream *in, enum ht_format f,
	       const struct parser_options *o, struct input_stats *st,
	       struct ht_error *err)
{
	etw_xml_lockdown();
	const char *head;
	size_t n = instream_peek(in, &head, 65536);
	int wide = 0;
	const char *why = NULL;
	long prolog = etw_xml_prolog(head, n, n < 65536, &wide, &why);
	if (prolog < 0) {
		ht_error_set(err, instream_path(in), 1, "%s", why);
		instream_close(in);
		return NULL;
	}
	struct etw_parser *p = xcalloc(1, sizeof *p);
	p->in = in;
	p->st = st;
	p->fmt = f;
	p->path = xstrdup(instream_path(in));
	p->prolog_left = (size_t)prolog;
	wrap_tag(p->wrap_open, &p->wopen_len, "<handletrail-input>", wide);
	wrap_tag(p->wrap_close, &p->wclose_len, "</handletrail-input>", wide);
	sb_init(&p->text);
	sb_init(&p->name);
	p->scan.track_events = 1;
	p->sem = etw_sem_new(o, st, p->path, err);
	if (!p->sem) {
		instream_close(in);
		free(p->path);
		free(p);
		return NULL;
	}
	p->ord = etw_order_new(ETW_WINDOW);
	return p;
}

/* An element or attribute name and what it is, in the tables below. */
struct name_kind {
	const char *name;
	int kind;
};
#define KIND_OF(t, n, none) kind_of(t, sizeof t / sizeof t[0], n, none)

static int kind_of(const struct name_kind *t, size_t nt, const char *n,
		   int none)
{
	for (size_t i = 0; i < nt; i++)
		if (!strcmp(n, t[i].name))
			return t[i].kind;
	return none;
}

/* the children of <Event> */
static const struct name_kind sections[] = {
	{ "System", SEC_SYSTEM }, { "EventData", SEC_EVENTDATA },
	{ "UserData", SEC_USERDATA }, { "RenderingInfo", SEC_RENDERING },
	{ "ExtendedTracingInfo", SEC_EXTENDED }, { "PrettyPrint", SEC_PRETTY },
};

static enum section section_of(const char *n)
{
	return (enum section)KIND_OF(sections, n, SEC_OTHER);
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_ws((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && is_ws((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* A header number that is there but unreadable makes the record
 * unusable: remember the first such for the skip reason. */
static void rec_bad(struct etw_rec *r, const char *what, const char *v)
{
	if (r->bad[0])
		return;
	snprintf(r->bad, sizeof r->bad, "unreadable %s \"%.40s\"", what, v);
}

static long to_long(struct etw_rec *r, const char *what, const char *s)
{
	int64_t v;
	if (etw_parse_int(s, &v) == 0 && v >= 0 && v <= 0xffffffffLL)
		return (long)v;
	rec_bad(r, what, s);
	return -1;
}

static void payload_rows(struct etw_rec *r, const char *s, size_t n,
			 long len);

/* The text of a finished element goes where the capture says. */
static void capture_done(struct etw_parser *p, struct etw_rec *r,
			 enum cap_kind k)
{
	const char *s = p->text.s ? p->text.s : "";
	size_t n = p->text.len;
	trim(&s, &n);
	char tmp[64];
	size_t tn = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
	memcpy(tmp, s, tn);
	tmp[tn] = '\0';
	switch (k) {
	case CAP_NONE:
		break;
	case CAP_EVENTID:
		r->event_id = to_long(r, "EventID", tmp);
		break;
	case CAP_VERSION:
		r->version = to_long(r, "Version", tmp);
		break;
	case CAP_TASK:
		r->task = to_long(r, "Task", tmp);
		break;
	case CAP_OPCODE:
		r->opcode = to_long(r, "Opcode", tmp);
		break;
	case CAP_DATA:
		etw_rec_field(r, p->name.s ? p->name.s : "", p->name.len, s, n);
		break;
	case CAP_R_EVENTNAME:
		r->event_name = etw_rec_add(r, s, n);
		break;
	case CAP_R_TASK:
		r->task_name = etw_rec_add(r, s, n);
		break;
	case CAP_R_OPCODE:
		r->opcode_name = etw_rec_add(r, s, n);
		break;
	case CAP_R_PROVIDER:
		if (!r->provider_name)
			r->provider_name = etw_rec_add(r, s, n);
		break;
	case CAP_EVENTGUID:
		r->event_guid = etw_rec_add(r, s, n);
		break;
	case CAP_PAYLOAD:
		payload_rows(r, s, n, p->ev.payload_len);
		break;
	}
}

/* The value of the unprefixed attribute name of the element just begun,
 * or NULL; valid until the next element begins. */
static const char *attr_peek(const struct sax_attrs *at, const char *name)
{
	for (int i = 0; i < at->n; i++)
		if (!at->a[i].prefix && !strcmp(at->a[i].name, name))
			return at->a[i].value;
	return NULL;
}

static void attr_str(const struct sax_attrs *at, const char *name,
		     struct etw_rec *r, uint32_t *dst)
{
	const char *s = attr_peek(at, name);
	if (s) {
		size_t n = strlen(s);
		trim(&s, &n);
		*dst = etw_rec_add(r, s, n);
	}
}

/* An id attribute: -1 when absent or 0xFFFFFFFF (rundown's "none"). */
static int64_t id_value(struct etw_rec *r, const char *what, const char *v)
{
	int64_t x;
	if (etw_parse_int(v, &x) || x < -1 || x > 0xffffffffLL) {
		rec_bad(r, what, v);
		return -1;
	}
	return x == 0xffffffffLL ? -1 : x;
}

static int64_t attr_int(const struct sax_attrs *at, struct etw_rec *r,
			const char *name)
{
	const char *v = attr_peek(at, name);
	return v ? id_value(r, name, v) : -1;
}

/* PerfView's Dump() form (TraceEvent's Dump(), what PerfView writes):
 * the outer <Event> carries the header as attributes, the fields are on
 * the <Event/> inside <PrettyPrint>, the bytes in <Payload>.  ToXml's
 * one-element form carries only MSec/PID/PName/TID/EventName (and
 * ProviderName) besides the fields, and its fields may be called like
 * header attributes ("Version", "Level"): the outer attributes are kept
 * as fields until a <PrettyPrint> or <Payload> shows the Dump() form. */
static const char *const pv_hdr_names[PV_NHDR] = {
	"ProviderGuid", "TaskGuid", "Opcode", "Version", "ID", "PointerSize",
};

/* What a PerfView <Event> attribute is: one of the header's, which every
 * PerfView element repeats, or a field (PA_HDR + enum pv_hdr: a field that
 * is the header in the Dump() form). */
enum pv_attr { PA_FIELD, PA_MSEC, PA_PID, PA_TID, PA_PNAME, PA_EVENTNAME,
	       PA_PROVIDERNAME, PA_CPU, PA_HDR };
static const struct name_kind pv_attrs[] = {
	{ "MSec", PA_MSEC }, { "PID", PA_PID }, { "TID", PA_TID },
	{ "PName", PA_PNAME }, { "EventName", PA_EVENTNAME },
	{ "ProviderName", PA_PROVIDERNAME }, { "ProcessorNumber", PA_CPU },
	{ "CPU", PA_CPU },
};

static int pv_attr_kind(const char *n)
{
	int k = KIND_OF(pv_attrs, n, PA_FIELD);
	if (k != PA_FIELD)
		return k;
	for (int i = 0; i < PV_NHDR; i++)
		if (!strcmp(n, pv_hdr_names[i]))
			return PA_HDR + i;
	return PA_FIELD;
}

static int memo_kind(struct name_memo *m, const char *n,
		     int (*classify)(const char *))
{
	struct name_memo *e = &m[((uintptr_t)n >> 3) % NAME_MEMO];
	if (e->name != n) {
		e->name = n;
		e->kind = classify(n);
	}
	return e->kind;
}

/* A header attribute (PA_MSEC to PA_CPU) into the record. */
static void pv_header_attr(struct etw_rec *r, int k, const char *n,
			   const char *v, size_t vl)
{
	switch (k) {
	case PA_MSEC:
		if (!r->time_text)
			r->time_text = etw_rec_add(r, v, vl);
		break;
	case PA_PID:
		r->pid = id_value(r, "PID", v);
		break;
	case PA_TID:
		r->tid = id_value(r, "TID", v);
		break;
	case PA_PNAME:
		if (!r->pname)
			r->pname = etw_rec_add(r, v, vl);
		break;
	case PA_EVENTNAME:
		if (!r->event_name)
			r->event_name = etw_rec_add(r, v, vl);
		break;
	case PA_PROVIDERNAME:
		if (!r->provider_name)
			r->provider_name = etw_rec_add(r, v, vl);
		break;
	case PA_CPU:
		r->cpu = (int)id_value(r, n, v);
		break;
	}
}

/* PerfView puts everything in attributes of <Event>; inner = the
 * <PrettyPrint> copy, whose header attributes repeat the outer ones. */
static void event_attrs(struct etw_parser *p, struct etw_rec *r,
			struct pv_state *pv, int inner)
{
	for (int a = 0; a < p->at.n; a++) {
		const char *n = p->at.a[a].name;
		const char *v = p->at.a[a].value;
		size_t vl = p->at.a[a].len;
		int k = memo_kind(p->attr_kind, n, pv_attr_kind);
		trim(&v, &vl);
		if (inner) {
			/* the outer header is the trusted one (HandleDCEnd's
			 * PID is garbage in both) */
			if (k < PA_MSEC || k > PA_PROVIDERNAME)
				etw_rec_field(r, n, strlen(n), v, vl);
			continue;
		}
		if (k >= PA_MSEC && k <= PA_CPU) {
			pv_header_attr(r, k, n, v, vl);
			continue;
		}
		if (k >= PA_HDR)
			pv->field_of[k - PA_HDR] = r->nfields;
		etw_rec_field(r, n, strlen(n), v, vl);
	}
}

/* The header attributes of TraceEvent's Dump() (besides MSec, PID,
 * PName, TID, EventName, ProviderName, ProcessorNumber and CPU). */
static int pv_dump_attr(const char *n)
{
	static const char *const names[] = {
		"TimeStamp", "ID", "Version", "Keywords", "TimeStampQPC",
		"QPCTime", "Level", "ProviderGuid", "ClassicProvider",
		"Opcode", "Task", "TaskGuid", "Channel", "PointerSize",
		"EventIndex", "TemplateType", "ActivityID",
		"RelatedActivityID", "FormattedMessage", "TaskName",
		"OpcodeName",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(n, names[i]))
			return 1;
	return 0;
}

/* The Dump() form is seen: the outer attributes were the header. */
static void pv_dump_header(struct etw_rec *r, struct pv_state *pv)
{
	if (pv->dump)
		return;
	pv->dump = 1;
	const char *h[PV_NHDR];
	for (int i = 0; i < PV_NHDR; i++)
		h[i] = pv->field_of[i] >= 0 && pv->field_of[i] < r->nfields ?
		       etw_value(r, &r->f[pv->field_of[i]]) : NULL;
	int64_t v;
	if (h[PV_PGUID])
		r->provider_guid = r->f[pv->field_of[PV_PGUID]].value;
	if (h[PV_TGUID])
		r->event_guid = r->f[pv->field_of[PV_TGUID]].value;
	if (h[PV_OPCODE] && etw_parse_int(h[PV_OPCODE], &v) == 0 && v >= 0 &&
	    v <= 255)
		r->opcode = (long)v;
	if (h[PV_VERSION] && etw_parse_int(h[PV_VERSION], &v) == 0 &&
	    v >= 0 && v <= 255)
		r->version = (long)v;
	/* "Illegal" for classic events: no id */
	if (h[PV_ID] && etw_parse_int(h[PV_ID], &v) == 0 && v >= 0 &&
	    v <= 0xffff)
		r->event_id = (long)v;
	if (h[PV_PTRSIZE] && etw_parse_int(h[PV_PTRSIZE], &v) == 0 &&
	    (v == 4 || v == 8))
		r->ptr_size = (int)v;
	/* the header's attributes were no fields; the fields follow in
	 * <PrettyPrint> or the payload */
	int k = 0;
	for (int i = 0; i < r->nfields; i++)
		if (!pv_dump_attr(etw_fname(r->buf, &r->f[i])))
			r->f[k++] = r->f[i];
	r->nfields = k;
}

/* PerfView's payload rows: "   10:   4  0  0  0 10  0 a8 50 |  0  0  ..."
 * (offset, 16 bytes in hex with a '|' after 8, then the same as text);
 * the byte count per row comes from Length, so the text column is never
 * read as bytes. */
#define PAYLOAD_MAX 1024
static void payload_rows(struct etw_rec *r, const char *s, size_t n,
			 long len)
{
	unsigned char bytes[PAYLOAD_MAX];
	if (len <= 0)
		return;
	if (len > PAYLOAD_MAX) {
		len = PAYLOAD_MAX;
		r->cut = 1;
	}
	size_t have = 0;
	const char *e = s + n;
	while (s < e) {
		const char *eol = memchr(s, '\n', (size_t)(e - s));
		if (!eol)
			eol = e;
		const char *q = s;
		s = eol + 1;
		while (q < eol && is_ws((unsigned char)*q))
			q++;
		long off = 0;
		int nd = 0;
		for (; q < eol && hex_digit((unsigned char)*q) >= 0 && nd < 8;
		     q++, nd++)
			off = off * 16 + hex_digit((unsigned char)*q);
		if (!nd || q >= eol || *q != ':' || off % 16 || off >= len)
			continue;
		q++;
		long k = 0;
		for (; k < 16 && off + k < len; k++) {
			while (q < eol && (*q == ' ' || *q == '|'))
				q++;
			int a = q < eol ? hex_digit((unsigned char)*q) : -1;
			if (a < 0)
				break;
			q++;
			int b = q < eol ? hex_digit((unsigned char)*q) : -1;
			if (b >= 0) {
				a = a * 16 + b;
				q++;
			}
			if (q < eol && *q != ' ' && *q != '\r')
				break;   /* not a byte column */
			if ((size_t)(off + k) >= have)
				memset(bytes + have, 0,
				       (size_t)(off + k) - have + 1);
			bytes[off + k] = (unsigned char)a;
			if ((size_t)(off + k) + 1 > have)
				have = (size_t)(off + k) + 1;
		}
	}
	if (!have)
		return;
	r->payload = etw_rec_add(r, (const char *)bytes, have);
	r->payload_len = r->payload ? (uint32_t)have : 0;
}

/* ---- libxml2's callbacks: one <Event> at a time into p->ev ----------- */

/* The line where the <Event start tag just begun starts: the byte
 * scanner's note (libxml2 knows the line where the tag ends). */
static long event_line(struct etw_parser *p)
{
	long lx = xmlSAX2GetLineNumber(p->ctxt);
	long ls = xml_scan_take_event(&p->scan);
	return ls > 0 && (ls <= lx || lx <= 0) ? ls : lx;
}

static long attr_long(const struct sax_attrs *at, const char *name)
{
	const char *v = attr_peek(at, name);
	int64_t x = -1;
	if (v && (etw_parse_int(v, &x) || x < 0 || x > 0x7fffffff))
		x = -1;
	return (long)x;
}

/* The bytes of an attribute value copied: a record holds no more (a
 * longer value is cut there, and the record says so). */
static size_t attr_len(const xmlChar **v, int i)
{
	size_t len = (size_t)(v[5 * i + 4] - v[5 * i + 3]);
	return len < ETW_REC_MAX_BYTES ? len : ETW_REC_MAX_BYTES;
}

/* libxml2 gives each attribute as (localname, prefix, URI, value, end);
 * the values are copied out with a NUL for the string helpers. */
static void load_attrs(struct sax_attrs *at, int n, const xmlChar **v)
{
	size_t need = 0;
	for (int i = 0; i < n; i++)
		need += attr_len(v, i) + 1;
	xgrow((void **)&at->text, &at->textcap, need ? need : 1, 1);
	xgrow((void **)&at->a, &at->cap, (size_t)n + 1, sizeof *at->a);
	char *t = at->text;
	for (int i = 0; i < n; i++) {
		size_t len = attr_len(v, i);
		memcpy(t, v[5 * i + 3], len);
		t[len] = '\0';
		at->a[i] = (struct sax_attr){ (const char *)v[5 * i],
					      (const char *)v[5 * i + 1], t,
					      len };
		t += len + 1;
	}
	at->n = n;
}

/* An <Event> begins: its record, its header attributes (PerfView). */
static void event_begin(struct etw_parser *p, const char *ns, int depth)
{
	struct sax_event *e = &p->ev;
	struct etw_rec *r = etw_order_slot(p->ord);
	*e = (struct sax_event){ .r = r, .depth = depth, .sec = SEC_OTHER,
				 .cap = CAP_NONE, .cap_depth = -1 };
	for (int i = 0; i < PV_NHDR; i++)
		e->pv.field_of[i] = -1;
	r->line = event_line(p);
	r->index = ++p->nevent;
	if (ns && strcmp(ns, EVENT_NS))
		snprintf(r->bad, sizeof r->bad, "namespace %.50s is not the "
			 "Windows event schema", ns);
	if (p->at.n)
		event_attrs(p, r, &e->pv, 0);
}

/* What an element of <System> says: a header attribute, or a leaf
 * whose text is captured. */
static enum cap_kind system_child(const struct sax_attrs *at,
				  struct etw_rec *r, const char *n)
{
	if (!strcmp(n, "Provider")) {
		attr_str(at, "Name", r, &r->provider_name);
		attr_str(at, "Guid", r, &r->provider_guid);
	} else if (!strcmp(n, "TimeCreated")) {
		attr_str(at, "SystemTime", r, &r->time_text);
	} else if (!strcmp(n, "Execution")) {
		r->pid = attr_int(at, r, "ProcessID");
		r->tid = attr_int(at, r, "ThreadID");
		r->cpu = (int)attr_int(at, r, "ProcessorID");
	} else if (!strcmp(n, "EventID")) {
		return CAP_EVENTID;
	} else if (!strcmp(n, "Version")) {
		return CAP_VERSION;
	} else if (!strcmp(n, "Task")) {
		return CAP_TASK;
	} else if (!strcmp(n, "Opcode")) {
		return CAP_OPCODE;
	}
	return CAP_NONE;
}

/* the children of <RenderingInfo> that are kept */
static const struct name_kind rendering[] = {
	{ "EventName", CAP_R_EVENTNAME }, { "Task", CAP_R_TASK },
	{ "Opcode", CAP_R_OPCODE }, { "Provider", CAP_R_PROVIDER },
};

static enum cap_kind rendering_child(const char *n)
{
	return (enum cap_kind)KIND_OF(rendering, n, CAP_NONE);
}

/* A direct child of <Event>: the section it opens; <Payload> is
 * captured. */
static enum cap_kind section_begin(struct etw_parser *p, const char *n)
{
	struct sax_event *e = &p->ev;
	e->sec = section_of(n);
	if (e->sec == SEC_PRETTY)
		pv_dump_header(e->r, &e->pv);
	if (strcmp(n, "Payload"))
		return CAP_NONE;
	pv_dump_header(e->r, &e->pv);
	e->payload_len = attr_long(&p->at, "Length");
	return CAP_PAYLOAD;
}

/* An element inside the <Event>, d levels below it. */
static void event_child(struct etw_parser *p, const char *n, int d)
{
	struct sax_event *e = &p->ev;
	struct etw_rec *r = e->r;
	enum cap_kind k = CAP_NONE;
	int is_event = !strcmp(n, "Event");
	if (is_event)
		event_line(p);   /* keeps the start lines in step */
	if (d == 1) {
		k = section_begin(p, n);
		if (k == CAP_NONE)
			return;
	} else if (d == 2 && e->sec == SEC_PRETTY && is_event) {
		if (p->at.n)
			event_attrs(p, r, &e->pv, 1);
		return;
	}
	if (e->cap != CAP_NONE && d > e->cap_depth)
		e->cap = CAP_NONE;  /* not a leaf: drop the parent */
	if (d == 2 && e->sec == SEC_SYSTEM) {
		k = system_child(&p->at, r, n);
	} else if (d == 2 && e->sec == SEC_EVENTDATA) {
		if (!strcmp(n, "Data")) {
			k = CAP_DATA;
			sb_reset(&p->name);
			const char *nm = attr_peek(&p->at, "Name");
			if (nm)
				sb_puts(&p->name, nm);
		}
	} else if (d >= 3 && e->sec == SEC_USERDATA) {
		k = CAP_DATA;
		sb_reset(&p->name);
		sb_puts(&p->name, n);
	} else if (d == 2 && e->sec == SEC_RENDERING) {
		k = rendering_child(n);
	} else if (d == 2 && e->sec == SEC_EXTENDED) {
		if (!strcmp(n, "EventGuid"))
			k = CAP_EVENTGUID;
	}
	if (k == CAP_NONE)
		return;
	sb_reset(&p->text);
	e->cap = k;
	e->cap_depth = d;
}

/* Stops libxml2 for good: the rest of the input is not read. */
static void parse_stop(struct etw_parser *p, long line, const char *msg)
{
	if (!p->fatal) {
		p->fatal = 1;
		ht_error_set(&p->fatal_err, p->path, line, "%s", msg);
	}
	xmlStopParser(p->ctxt);
}

static void sax_start(void *ctx, const xmlChar *localname,
		      const xmlChar *prefix, const xmlChar *uri, int nns,
		      const xmlChar **ns, int nattr, int ndefaulted,
		      const xmlChar **attrs)
{
	struct etw_parser *p = ctx;
	const char *n = (const char *)localname;
	int d = p->depth++;
	(void)prefix, (void)nns, (void)ns, (void)ndefaulted;
	if (d >= ETW_MAX_DEPTH) {
		char msg[96];
		snprintf(msg, sizeof msg, "XML error: elements nested more "
			 "than %d deep", ETW_MAX_DEPTH);
		parse_stop(p, xmlSAX2GetLineNumber(p->ctxt), msg);
		return;
	}
	load_attrs(&p->at, nattr, attrs);
	if (p->ev.r) {
		event_child(p, n, d - p->ev.depth);
		return;
	}
	if (!p->root[0] && d == 1)
		snprintf(p->root, sizeof p->root, "%s", n);
	if (!strcmp(n, "Event"))
		event_begin(p, (const char *)uri, d);
}

static void ready_push(struct etw_parser *p, struct etw_rec *r)
{
	if (p->rhead && p->rhead == p->nready)
		p->rhead = p->nready = 0;
	xgrow((void **)&p->ready, &p->capready, p->nready + 1,
	      sizeof *p->ready);
	p->ready[p->nready++] = r;
}

static void sax_end(void *ctx, const xmlChar *localname,
		    const xmlChar *prefix, const xmlChar *uri)
{
	struct etw_parser *p = ctx;
	struct sax_event *e = &p->ev;
	int d = --p->depth;
	(void)localname, (void)prefix, (void)uri;
	if (!e->r)
		return;
	if (d == e->depth) {
		ready_push(p, e->r);
		e->r = NULL;
	} else if (e->cap != CAP_NONE && d - e->depth == e->cap_depth) {
		capture_done(p, e->r, e->cap);
		e->cap = CAP_NONE;
	}
}

static void sax_text(void *ctx, const xmlChar *s, int len)
{
	struct etw_parser *p = ctx;
	struct sax_event *e = &p->ev;
	size_t n = (size_t)len;
	if (!e->r) {
		/* text beside the events: this is no event export */
		for (size_t i = 0; p->depth == 1 && i < n; i++)
			if (!is_ws(s[i])) {
				parse_stop(p, xmlSAX2GetLineNumber(p->ctxt),
					   "text outside <Event> elements: "
					   "not an ETW XML export");
				break;
			}
		return;
	}
	if (e->cap == CAP_NONE)
		return;
	if (p->text.len + n > ETW_TEXT_MAX) {
		n = ETW_TEXT_MAX - p->text.len;
		e->r->cut = 1;
	}
	sb_add(&p->text, (const char *)s, n);
}

/* Checks the header a record needs and works out its time. */
static int finish_record(struct etw_parser *p, struct etw_rec *r)
{
	const char *tt = etw_str(r, r->time_text);
	if (r->bad[0]) {
		input_stats_skip(p->st, r->line, "event %ld: %s", r->index,
				 r->bad);
		return -1;
	}
	if (p->fmt == FMT_PERFVIEW_XML && !*etw_str(r, r->event_name)) {
		input_stats_skip(p->st, r->line, "event %ld has no EventName",
				 r->index);
		return -1;
	}
	if (!*tt) {
		input_stats_skip(p->st, r->line, "event %ld has no %s",
				 r->index, p->fmt == FMT_PERFVIEW_XML ?
				 "MSec attribute" : "TimeCreated SystemTime");
		return -1;
	}
	int bad = p->fmt == FMT_PERFVIEW_XML || strchr(tt, 'T') == NULL ?
		  etw_parse_msec(tt, &r->ts) : etw_parse_systime(tt, &r->ts);
	if (bad) {
		char shown[48];
		snprintf(shown, sizeof shown, "%s", tt);
		input_stats_skip(p->st, r->line,
				 "event %ld: unreadable time \"%s\"", r->index,
				 shown);
		return -1;
	}
	return 0;
}

static void set_fatal(struct etw_parser *p)
{
	if (p->fatal)
		return;
	p->fatal = 1;
	if (p->io_failed)
		p->fatal_err = p->io_err;
	else if (p->xml_failed)
		ht_error_set(&p->fatal_err, p->path, p->xml_line,
			     "XML error: %s", p->xml_msg);
	else if (global_xml_msg[0])
		ht_error_set(&p->fatal_err, p->path,
			     p->ctxt ? xmlSAX2GetLineNumber(p->ctxt) : 0,
			     "unreadable text after event %ld: %s", p->nevent,
			     global_xml_msg);
	else
		ht_error_set(&p->fatal_err, p->path, 0,
			     "XML parser failed after event %ld", p->nevent);
	global_xml_msg[0] = '\0';
}

static xmlSAXHandler etw_sax = {
	.initialized = XML_SAX2_MAGIC,
	.startElementNs = sax_start,
	.endElementNs = sax_end,
	.characters = sax_text,
	.serror = xml_error,
};

/* Hands libxml2 the next chunk of input; its callbacks put the events
 * it completes in p->ready.  Sets p->parse_end at the end of the input
 * and on any fatal error (p->fatal then says which). */
static void parse_more(struct etw_parser *p)
{
	int n = io_read(p, p->chunk, (int)sizeof p->chunk);
	if (n < 0) {
		p->parse_end = 1;
		set_fatal(p);
		return;
	}
	int last = n == 0 && p->io == IO_EOF, rc;
	if (n == 0 && !last)
		return;   /* a refusal: the next read fails */
	if (!p->ctxt) {
		/* the first bytes tell libxml2 the encoding */
		p->ctxt = xmlCreatePushParserCtxt(&etw_sax, p, p->chunk, n,
						  p->path);
		if (!p->ctxt) {
			p->parse_end = p->fatal = 1;
			ht_error_set(&p->fatal_err, p->path, 0,
				     "cannot start the XML parser");
			return;
		}
		xmlCtxtUseOptions(p->ctxt, etw_xml_safe_options());
		rc = xmlParseChunk(p->ctxt, NULL, 0, last);
	} else {
		rc = xmlParseChunk(p->ctxt, p->chunk, n, last);
	}
	if (p->fatal || rc != XML_ERR_OK || !p->ctxt->wellFormed) {
		p->parse_end = 1;
		set_fatal(p);
	} else if (last) {
		p->parse_end = 1;
	}
	if (p->parse_end && p->ev.r) {
		/* an <Event> the XML broke off in */
		etw_order_release(p->ord, p->ev.r);
		p->ev.r = NULL;
	}
}

/* Next record from the file (in file order), or NULL at the end or on a
 * fatal error. */
static struct etw_rec *next_record(struct etw_parser *p)
{
	for (;;) {
		if (p->rhead == p->nready) {
			if (p->parse_end)
				return NULL;
			parse_more(p);
			continue;
		}
		struct etw_rec *r = p->ready[p->rhead++];
		p->st->lines = xml_scan_lines(&p->scan);
		if (r->payload_len)
			etw_payload_fields(r);
		if (finish_record(p, r) < 0) {
			etw_order_release(p->ord, r);
			continue;
		}
		p->st->clock = p->st->format == FMT_PERFVIEW_XML
			       ? TSC_RELATIVE : TSC_EPOCH;
		if (!p->have_ts || r->ts < p->st->ts_first)
			p->st->ts_first = r->ts;
		if (!p->have_ts || r->ts > p->st->ts_last)
			p->st->ts_last = r->ts;
		p->have_ts = 1;
		return r;
	}
}

/* The file held no <Event>: an empty export says so in its limits; any
 * other document is not an event export at all (a forced --format). */
static void no_events(struct etw_parser *p)
{
	if (!strcmp(p->root, "Events") || !strcmp(p->root, "Event")) {
		input_stats_limit(p->st, "no <Event> element in the file");
		return;
	}
	p->fatal = 1;
	if (p->root[0])
		ht_error_set(&p->fatal_err, p->path, 1, "no <Event> element: "
			     "a <%s> document is no ETW or PerfView event "
			     "export", p->root);
	else
		ht_error_set(&p->fatal_err, p->path, 1, "no <Event> element: "
			     "no ETW or PerfView event export");
}

int etw_next(void *vp, struct ht_event *ev, struct ht_error *err)
{
	struct etw_parser *p = vp;
	if (p->cur && p->more) {
		p->more = 0;
		if (etw_sem_more(p->sem, p->cur, ev)) {
			p->st->events++;
			return 1;
		}
	}
	etw_order_release(p->ord, p->cur);
	p->cur = NULL;
	if (p->done)
		goto end;
	for (;;) {
		struct etw_rec *r;
		if (!p->eof) {
			struct etw_rec *in = next_record(p);
			if (!in) {
				p->eof = 1;
				continue;
			}
			r = etw_order_push(p->ord, in);
			if (!r)
				continue;
		} else {
			r = etw_order_pop(p->ord);
			if (!r)
				break;
		}
		p->cur = r;
		int got = etw_sem_event(p->sem, r, ev);
		if (got) {
			p->more = got == 2;
			p->st->events++;
			return 1;
		}
		etw_order_release(p->ord, r);
		p->cur = NULL;
	}
	p->done = 1;
	p->st->lines = xml_scan_lines(&p->scan);
	if (!p->nevent && !p->fatal)
		no_events(p);
	long late = etw_order_late(p->ord);
	if (late) {
		char msg[200];
		snprintf(msg, sizeof msg, "%ld events arrived more than %zu "
			 "events late and were analysed out of time order",
			 late, etw_order_window(p->ord));
		input_stats_limit(p->st, msg);
	}
	etw_sem_finish(p->sem);
end:
	if (p->fatal) {
		*err = p->fatal_err;
		return -1;
	}
	return 0;
}

void etw_close(void *vp)
{
	struct etw_parser *p = vp;
	if (!p)
		return;
	if (p->ctxt)
		xmlFreeParserCtxt(p->ctxt);
	etw_order_release(p->ord, p->cur);
	etw_order_release(p->ord, p->ev.r);
	while (p->rhead < p->nready)
		etw_order_release(p->ord, p->ready[p->rhead++]);
	free(p->ready);
	free(p->at.a);
	free(p->at.text);
	etw_order_free(p->ord);
	etw_sem_free(p->sem);
	instream_close(p->in);
	sb_free(&p->text);
	sb_free(&p->name);
	xml_scan_free(&p->scan);
	free(p->path);
	free(p);
}
