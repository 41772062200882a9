/* parser/etl_decode.c - turns one binary .etl record into the flat record
 * (struct etw_rec) an XML export of it would give: the same provider and
 * class guids, ids and field names, values as text.  The payload layouts
 * are data (etl_layouts.def); TraceLogging events describe themselves. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "etl.h"

#define SYSTEM_TRACE "{9e814aad-3204-11d2-9a82-006008a86939}"

struct etl_layout {
	int kernel;
	int group;
	const char *guid;
	int lo, hi, vmin, vmax;
	const char *fields;
};

static const struct etl_layout layouts[] = {
#define ETL_KERNEL(group, lo, hi, vmin, vmax, fields) \
	{ 1, group, NULL, lo, hi, vmin, vmax, fields },
#define ETL_MANIFEST(guid, lo, hi, vmin, vmax, fields) \
	{ 0, -1, guid, lo, hi, vmin, vmax, fields },
#include "etl_layouts.def"
#undef ETL_KERNEL
#undef ETL_MANIFEST
};
#define NLAYOUTS (sizeof layouts / sizeof layouts[0])

/* The layout strings, taken apart once (not for every record): each
 * field's type, name and whether a '|' came before it. */
#define LAYOUT_MAX_FIELDS 32   /* the longest row has 15 */
struct lfield {
	char type;
	char optional;
	char text;             /* its value is text, not a number */
	unsigned short nl;
	uint32_t name;         /* its offset in etw_names */
};
static struct lfield lfields[NLAYOUTS][LAYOUT_MAX_FIELDS];
/* their names, each with its NUL: records name their fields by offset
 * here (no name is longer than its "t:Name" in the table, whose length
 * is this array's) */
char etw_names[sizeof(""
#define ETL_KERNEL(group, lo, hi, vmin, vmax, fields) fields
#define ETL_MANIFEST(guid, lo, hi, vmin, vmax, fields) fields
#include "etl_layouts.def"
#undef ETL_KERNEL
#undef ETL_MANIFEST
)];
static int nlfields[NLAYOUTS];
/* each kernel group's rows, as bits in table order, and its entry in
 * groups[] (or -1): a record looks only at its own group's rows */
static uint64_t group_rows[256];
static signed char group_at[256];
static size_t group_guid_len[256];   /* strlen of its groups[] guid */
static pthread_once_t lfields_once = PTHREAD_ONCE_INIT;

static void index_groups(void);

static void parse_layouts(void)
{
	char *o = etw_names;
	index_groups();
	for (size_t i = 0; i < NLAYOUTS; i++) {
		int optional = 0, n = 0;
		for (const char *s = layouts[i].fields; *s;) {
			while (*s == ' ')
				s++;
			if (*s == '|') {
				optional = 1;
				s++;
				continue;
			}
			if (!*s)
				break;
			if (n == LAYOUT_MAX_FIELDS) {
				fprintf(stderr, "etl_layouts.def: a row has more "
					"than %d fields\n", LAYOUT_MAX_FIELDS);
				abort();
			}
			struct lfield *f = &lfields[i][n++];
			f->type = *s;
			f->text = strchr("BwasSy", *s) != NULL;
			f->optional = (char)optional;
			f->nl = (unsigned short)strcspn(s + 2, " ");
			memcpy(o, s + 2, f->nl);
			o[f->nl] = '\0';
			f->name = (uint32_t)(o - etw_names);
			o += f->nl + 1;
			s += 2 + f->nl;
		}
		nlfields[i] = n;
	}
}

/* kernel groups: the class guid an export names, and a name to count by */
static const struct {
	int group;
	const char *name, *guid;
} groups[] = {
	{ 0x00, "Kernel/EventTrace", "{68fdd900-4a3e-11d1-84f4-0000f80464e3}" },
	{ 0x01, "Kernel/DiskIo", NULL },
	{ 0x02, "Kernel/PageFault", NULL },
	{ 0x03, "Kernel/Process", "{3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c}" },
	{ 0x04, "Kernel/FileIo", NULL },
	{ 0x05, "Kernel/Thread", "{3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c}" },
	{ 0x06, "Kernel/TcpIp", NULL },
	{ 0x07, "Kernel/Job", NULL },
	{ 0x08, "Kernel/UdpIp", NULL },
	{ 0x09, "Kernel/Registry", NULL },
	{ 0x0A, "Kernel/DbgPrint", NULL },
	{ 0x0B, "Kernel/SysConfig", NULL },
	{ 0x0D, "Kernel/Pool", NULL },
	{ 0x0F, "Kernel/PerfInfo", NULL },
	{ 0x10, "Kernel/Heap", NULL },
	{ 0x11, "Kernel/Object", "{89497f50-effe-4440-8cf2-ce6b1cdcaca7}" },
	{ 0x12, "Kernel/Power", NULL },
	{ 0x13, "Kernel/Modbound", NULL },
	{ 0x14, "Kernel/Image", NULL },
	{ 0x15, "Kernel/Dpc", NULL },
	{ 0x16, "Kernel/CacheManager", NULL },
	{ 0x17, "Kernel/CritSec", NULL },
	{ 0x18, "Kernel/StackWalk", NULL },
	{ 0x1A, "Kernel/Alpc", NULL },
	{ 0x1B, "Kernel/SplitIo", NULL },
	{ 0x1C, "Kernel/ThreadPool", NULL },
};

static void index_groups(void)
{
	_Static_assert(NLAYOUTS <= 64, "group_rows holds 64 rows");
	memset(group_at, -1, sizeof group_at);
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (group_at[groups[i].group & 255] < 0) {
			group_at[groups[i].group & 255] = (signed char)i;
			group_guid_len[groups[i].group & 255] =
				groups[i].guid ? strlen(groups[i].guid) : 0;
		}
	for (size_t i = 0; i < NLAYOUTS; i++)
		if (layouts[i].kernel)
			group_rows[layouts[i].group & 255] |= 1ull << i;
}

/* manifest providers handletrail knows by name */
static const struct {
	const char *guid, *name;
} providers[] = {
	{ "{22fb2cd6-0e7b-422b-a0c7-2fad1fd0e716}",
	  "Microsoft-Windows-Kernel-Process" },
	{ "{bde46aea-2357-51fe-7367-d5296f530bd1}",
	  "Microsoft-Windows-Winsock-Sockets" },
	{ "{e53c6823-7bb8-44bb-90dc-3f86090d48a6}",
	  "Microsoft-Windows-Winsock-AFD" },
	{ "{b3e675d7-2554-4f18-830b-2762732560de}", "KernelTraceControl/ImageID" },
	{ "{9b79ee91-b5fd-41c0-a243-4248e266e9d0}", "Kernel/SysConfig" },
	{ "{bbccf6c1-6cd1-48c4-80ff-839482e37671}",
	  "KernelTraceControl/MetaData" },
	{ "{e13c0d23-ccbc-4e12-931b-d9cc2eee27e4}",
	  "Microsoft-Windows-DotNETRuntime" },
	{ "{a669021c-c450-4609-a035-5af59af4df18}",
	  "Microsoft-Windows-DotNETRuntimeRundown" },
};

static int is_kernel_htype(int t)
{
	return t == ETL_SYSTEM32 || t == ETL_SYSTEM64 || t == ETL_COMPACT32 ||
	       t == ETL_COMPACT64 || t == ETL_PERFINFO32 ||
	       t == ETL_PERFINFO64;
}

static int is_event_htype(int t)
{
	return t == ETL_EVENT32 || t == ETL_EVENT64;
}

/* a TraceLogging string (NUL-terminated UTF-8) within n bytes, or NULL */
static const char *tl_cstr(const unsigned char *p, size_t n, size_t *len)
{
	const void *z = memchr(p, 0, n);
	if (!z)
		return NULL;
	*len = (size_t)((const unsigned char *)z - p);
	return (const char *)p;
}

/* snprintf(buf, n, "%.*s", l, s) for a name looked up every record */
static void copy_name(char *buf, size_t n, const char *s, size_t l)
{
	if (!n)
		return;
	if (l > n - 1)
		l = n - 1;
	memcpy(buf, s, l);
	buf[l] = '\0';
}

/* the name providers[] gives the guid text g, or NULL */
static const char *table_name(const char *g)
{
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (!strcmp(providers[i].guid, g))
			return providers[i].name;
	return NULL;
}

/* etl_provider_name with the record's guid text g at hand (NULL: made
 * here when needed) */
static void provider_name(const struct etl_record *e, const char *g,
			  char *buf, size_t n)
{
	if (is_kernel_htype(e->htype)) {
		for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
			if (groups[i].group == e->group) {
				snprintf(buf, n, "%s", groups[i].name);
				return;
			}
		snprintf(buf, n, "Kernel/group 0x%02x", e->group & 0xff);
		return;
	}
	if (e->traits && e->traits_len > 2) {
		size_t l;
		const char *s = tl_cstr(e->traits + 2, e->traits_len - 2, &l);
		if (s && l) {
			copy_name(buf, n, s, l);
			return;
		}
	}
	char gt[40];
	if (!g) {
		etl_format_guid(e->guid, gt, sizeof gt);
		g = gt;
	}
	const char *tn = table_name(g);
	if (tn) {
		copy_name(buf, n, tn, strlen(tn));
		return;
	}
	const char *v = e->have_guid ? g : "?";
	copy_name(buf, n, v, strlen(v));
}

void etl_provider_name(const struct etl_record *e, char *buf, size_t n)
{
	provider_name(e, NULL, buf, n);
}

/* ---- fields ---------------------------------------------------------------- */

struct cur {
	const unsigned char *p;
	size_t n, k;
	int ptr64;
};

/* UTF-16LE (NUL-terminated within n bytes, or all n) as UTF-8 in sb, at
 * most about 2048 bytes of it; returns the bytes consumed, or -1 without
 * a NUL when one is needed.  The text is written in place: room for all
 * of it (3 bytes a unit at most) is made first. */
#define UTF16_CAP 2048
static long utf16(struct strbuf *sb, const unsigned char *p, size_t n,
		  int need_nul)
{
	size_t len0 = sb->len;
	size_t lim = len0 < UTF16_CAP ? UTF16_CAP - len0 : 0;
	size_t want = n / 2 * 3 + 4 < lim + 4 ? n / 2 * 3 + 4 : lim + 4;
	char *o = sb_reserve(sb, want), *end = o + lim;
	size_t k = 0;
	long rc = need_nul ? -1 : -2;   /* -2: all n bytes, k */
	for (; k + 2 <= n; k += 2) {
		/* four units at once while all are ASCII but NUL: names */
		for (; k + 8 <= n && o + 4 <= end; k += 8, o += 4) {
			uint64_t v = le64(p + k);
			if ((v & 0xFF80FF80FF80FF80u) ||
			    ((v - 0x0001000100010001u) & 0x8000800080008000u))
				break;   /* (the second: a unit is 0) */
			o[0] = (char)v;
			o[1] = (char)(v >> 16);
			o[2] = (char)(v >> 32);
			o[3] = (char)(v >> 48);
		}
		if (k + 2 > n)
			break;
		uint32_t c = le16(p + k);
		if (c - 1 < 0x7F) {   /* ASCII but NUL: most names */
			if (o < end)
				*o++ = (char)c;
			continue;   /* past the cap: only the length matters */
		}
		if (!c) {
			rc = (long)(k + 2);
			break;
		}
		if (c >= 0xD800 && c < 0xDC00 && k + 4 <= n &&
		    le16(p + k + 2) >= 0xDC00 && le16(p + k + 2) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) +
			    (le16(p + k + 2) - 0xDC00);
			k += 2;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		if (o >= end)
			continue;
		if (c < 0x800) {
			o[0] = (char)(0xC0 | c >> 6);
			o[1] = (char)(0x80 | (c & 63));
			o += 2;
		} else if (c < 0x10000) {
			o[0] = (char)(0xE0 | c >> 12);
			o[1] = (char)(0x80 | (c >> 6 & 63));
			o[2] = (char)(0x80 | (c & 63));
			o += 3;
		} else {
			o[0] = (char)(0xF0 | c >> 18);
			o[1] = (char)(0x80 | (c >> 12 & 63));
			o[2] = (char)(0x80 | (c >> 6 & 63));
			o[3] = (char)(0x80 | (c & 63));
			o += 4;
		}
	}
	sb->len = (size_t)(o - sb->s);
	sb->s[sb->len] = '\0';
	return rc == -2 ? (long)k : rc;
}

static void hexbytes(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char d[] = "0123456789ABCDEF";
	size_t k = n < 256 ? n : 256;
	char *o = sb_reserve(sb, 2 + 2 * k);
	*o++ = '0';
	*o++ = 'x';
	for (size_t i = 0; i < k; i++) {
		*o++ = d[p[i] >> 4];
		*o++ = d[p[i] & 15];
	}
	*o = '\0';
	sb->len = (size_t)(o - sb->s);
}

/* A SID at p: "S-1-5-21-..." in sb; its length, or -1 */
static long sid(struct strbuf *sb, const unsigned char *p, size_t n)
{
	if (n < 8 || 8 + (size_t)p[1] * 4 > n)
		return -1;
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	sb_puts(sb, "S-");
	sb_put_dec(sb, p[0], 0);
	sb_putc(sb, '-');
	sb_put_dec(sb, auth, 0);
	for (int i = 0; i < p[1]; i++) {
		sb_putc(sb, '-');
		sb_put_dec(sb, le32(p + 8 + i * 4), 0);
	}
	return 8 + (long)p[1] * 4;
}

/* One field of type t at c: a number in *v with its base ('x', 'u' or
 * 'i'; see etw_rec_field_num), or its text in sb (*base 0).  0, or -1
 * when the payload is too short for it. */
static int field(struct cur *c, char t, struct strbuf *sb, uint32_t *lenval,
		 uint64_t *v, char *base)
{
	const unsigned char *p = c->p + c->k;
	size_t left = c->n - c->k;
	size_t w = 0;
	long m;
	*base = 0;
	switch (t) {
	case 'p':
		w = c->ptr64 ? 8 : 4;
		if (left < w)
			return -1;
		*v = c->ptr64 ? le64(p) : le32(p);
		*base = 'x';
		break;
	case 'x': case 'u': case 'i': case 'B': case 'L':
		w = 4;
		if (left < w)
			return -1;
		*lenval = le32(p);
		if (t == 'B')
			sb_puts(sb, le32(p) ? "true" : "false");
		else if (t == 'i')
			*v = (uint64_t)(int64_t)(int32_t)le32(p);
		else
			*v = le32(p);
		if (t != 'B')
			*base = t == 'x' ? 'x' : t == 'i' ? 'i' : 'u';
		break;
	case 'X': case 'q':
		w = 8;
		if (left < w)
			return -1;
		*v = le64(p);
		*base = t == 'X' ? 'x' : 'u';
		break;
	case 'h':
		w = 2;
		if (left < w)
			return -1;
		*v = le16(p);
		*base = 'u';
		break;
	case 'b': case 'c':
		w = 1;
		if (left < w)
			return -1;
		*v = p[0];
		*base = t == 'c' ? 'x' : 'u';
		break;
	case 'w':
		m = utf16(sb, p, left, 1);
		if (m < 0)
			return -1;
		w = (size_t)m;
		break;
	case 'a': {
		const unsigned char *z = memchr(p, 0, left);
		if (!z)
			return -1;
		w = (size_t)(z - p) + 1;
		size_t k = w - 1 < 1024 ? w - 1 : 1024;
		char *o = sb_reserve(sb, k);
		for (size_t i = 0; i < k; i++)
			*o++ = p[i] >= 32 && p[i] < 127 ? (char)p[i] : '?';
		*o = '\0';
		sb->len = (size_t)(o - sb->s);
		break;
	}
	case 's': {
		if (left < 4)
			return -1;
		if (le32(p) == 0) {
			w = 4;
			break;
		}
		size_t head = c->ptr64 ? 16 : 8;
		if (left < head)
			return -1;
		m = sid(sb, p + head, left - head);
		if (m < 0)
			return -1;
		w = head + (size_t)m;
		break;
	}
	case 'S':
		m = sid(sb, p, left);
		if (m < 0)
			return -1;
		w = (size_t)m;
		break;
	case 'y':
		w = *lenval;
		if (left < w)
			return -1;
		hexbytes(sb, p, w);
		break;
	default:
		return -1;
	}
	c->k += w;
	return 0;
}

/* Decodes the payload by layout li; 1, or -1 (why in r->bad). */
static int by_layout(const struct etl_record *e, size_t li,
		     struct etw_rec *r, struct strbuf *sb)
{
	struct cur c = { e->payload, e->len, 0, e->ptr64 };
	uint32_t lenval = 0;
	r->shape = &layouts[li];
	for (int i = 0; i < nlfields[li]; i++) {
		const struct lfield *f = &lfields[li][i];
		if (f->optional && c.k >= c.n)
			break;
		uint64_t v = 0;
		char base;
		if (f->text)
			sb_reset(sb);
		if (field(&c, f->type, sb, &lenval, &v, &base) < 0) {
			if (f->optional)
				break;
			snprintf(r->bad, sizeof r->bad, "payload of %zu bytes "
				 "too short for its %.*s field", e->len,
				 (int)f->nl, etw_names + f->name);
			return -1;
		}
		if (base)
			etw_rec_field_num_kept(r, f->name, f->nl, v, base);
		else
			etw_rec_field_kept(r, f->name, f->nl,
					   sb->s ? sb->s : "", sb->len);
	}
	return 1;
}

/* ---- TraceLogging -------------------------------------------------------- */

enum {
	TL_UNICODESTRING = 1, TL_ANSISTRING, TL_INT8, TL_UINT8, TL_INT16,
	TL_UINT16, TL_INT32, TL_UINT32, TL_INT64, TL_UINT64, TL_FLOAT,
	TL_DOUBLE, TL_BOOL32, TL_BINARY, TL_GUID, TL_POINTER_UNUSED,
	TL_FILETIME, TL_SYSTEMTIME, TL_SID, TL_HEXINT32, TL_HEXINT64,
	TL_COUNTEDSTRING, TL_COUNTEDANSISTRING, TL_STRUCT, TL_COUNTEDBINARY,
};

/* One scalar TraceLogging value of in-type t; 0 or -1 (too short). */
static int tl_value(struct cur *c, int t, struct strbuf *sb)
{
	const unsigned char *p = c->p + c->k;
	size_t left = c->n - c->k, w;
	long m;
	switch (t) {
	case TL_UNICODESTRING:
		m = utf16(sb, p, left, 1);
		if (m < 0)
			return -1;
		w = (size_t)m;
		break;
	case TL_ANSISTRING: {
		const unsigned char *z = memchr(p, 0, left);
		if (!z)
			return -1;
		w = (size_t)(z - p) + 1;
		sb_add(sb, (const char *)p, w - 1 > 1024 ? 1024 : w - 1);
		break;
	}
	case TL_INT8: case TL_UINT8:
		if (left < 1)
			return -1;
		sb_put_int(sb, t == TL_INT8 ? (int8_t)p[0] : p[0]);
		w = 1;
		break;
	case TL_INT16: case TL_UINT16:
		if (left < 2)
			return -1;
		sb_put_int(sb, t == TL_INT16 ? (int16_t)le16(p) : le16(p));
		w = 2;
		break;
	case TL_INT32: case TL_UINT32: case TL_HEXINT32: case TL_BOOL32:
	case TL_FLOAT:
		if (left < 4)
			return -1;
		if (t == TL_INT32)
			sb_put_int(sb, (int32_t)le32(p));
		else if (t == TL_HEXINT32)
			sb_put_hex(sb, le32(p), 1);
		else if (t == TL_BOOL32)
			sb_puts(sb, le32(p) ? "true" : "false");
		else if (t == TL_FLOAT) {
			float f;
			uint32_t v = le32(p);
			memcpy(&f, &v, 4);
			sb_printf(sb, "%g", (double)f);
		} else
			sb_put_dec(sb, le32(p), 0);
		w = 4;
		break;
	case TL_INT64: case TL_UINT64: case TL_HEXINT64: case TL_DOUBLE:
	case TL_FILETIME:
		if (left < 8)
			return -1;
		if (t == TL_INT64)
			sb_put_int(sb, (int64_t)le64(p));
		else if (t == TL_HEXINT64)
			sb_put_hex(sb, le64(p), 1);
		else if (t == TL_DOUBLE) {
			double d;
			uint64_t v = le64(p);
			memcpy(&d, &v, 8);
			sb_printf(sb, "%g", d);
		} else
			sb_put_dec(sb, le64(p), 0);
		w = 8;
		break;
	case TL_GUID:
		if (left < 16)
			return -1;
		{
			char g[40];
			etl_format_guid(p, g, sizeof g);
			sb_puts(sb, g);
		}
		w = 16;
		break;
	case TL_SYSTEMTIME:
		if (left < 16)
			return -1;
		sb_printf(sb, "%04u-%02u-%02uT%02u:%02u:%02u.%03u", le16(p),
			  le16(p + 2), le16(p + 6), le16(p + 8), le16(p + 10),
			  le16(p + 12), le16(p + 14));
		w = 16;
		break;
	case TL_SID:
		m = sid(sb, p, left);
		if (m < 0)
			return -1;
		w = (size_t)m;
		break;
	case TL_BINARY: case TL_COUNTEDSTRING: case TL_COUNTEDANSISTRING:
	case TL_COUNTEDBINARY:
		if (left < 2 || left - 2 < le16(p))
			return -1;
		w = 2 + (size_t)le16(p);
		if (t == TL_COUNTEDSTRING)
			utf16(sb, p + 2, le16(p), 0);
		else if (t == TL_COUNTEDANSISTRING)
			sb_add(sb, (const char *)p + 2, le16(p) > 1024 ? 1024
								    : le16(p));
		else
			hexbytes(sb, p + 2, le16(p));
		break;
	default:
		return -1;
	}
	c->k += w;
	return 0;
}

/* Event name and fields from the EVENT_SCHEMA_TL item: u16 size, tag
 * bytes (while bit 7 is set), the name, then per field its name, in-type
 * (bit 7: out-type follows; bits 5-6: constant or variable count) and,
 * after the out-type, tag bytes while its bit 7 is set. */
static int tl_decode(const struct etl_record *e, struct etw_rec *r,
		     struct strbuf *sb)
{
	const unsigned char *m = e->tl_schema;
	size_t n = e->tl_len, k = 2, l;
	if (n < 3 || le16(m) > n)
		goto bad;
	n = le16(m) >= 3 ? le16(m) : n;
	while (k < n && (m[k] & 0x80))
		k++;
	k++;
	if (k >= n)
		goto bad;
	const char *name = tl_cstr(m + k, n - k, &l);
	if (!name)
		goto bad;
	r->event_name = etw_rec_add(r, name, l);
	k += l + 1;
	struct cur c = { e->payload, e->len, 0, e->ptr64 };
	int rc = 1;
	while (k < n) {
		const char *fname = tl_cstr(m + k, n - k, &l);
		if (!fname || k + l + 1 >= n) {
			rc = -1;
			break;
		}
		k += l + 1;
		int in = m[k++];
		int out = 0;
		if (in & 0x80) {
			if (k >= n) {
				rc = -1;
				break;
			}
			out = m[k++];
			if (out & 0x80)
				while (k < n && (m[k++] & 0x80))
					;
		}
		int t = in & 0x1f;
		unsigned count = 1;
		if ((in & 0x60) == 0x20) {         /* constant count */
			if (k + 2 > n) {
				rc = -1;
				break;
			}
			count = le16(m + k);
			k += 2;
		} else if ((in & 0x60) == 0x60) {  /* custom: skip schema */
			if (k + 2 > n) {
				rc = -1;
				break;
			}
			k += 2 + le16(m + k);
			rc = 0;   /* its payload cannot be read without it */
			break;
		}
		if (t == TL_STRUCT)
			continue;  /* its members follow as fields */
		if ((in & 0x60) == 0x40) {         /* variable count */
			if (c.n - c.k < 2) {
				rc = -1;
				break;
			}
			count = le16(c.p + c.k);
			c.k += 2;
		}
		sb_reset(sb);
		for (unsigned i = 0; i < count; i++) {
			if (i)
				sb_putc(sb, ',');
			if (tl_value(&c, t, sb) < 0) {
				rc = -1;
				break;
			}
		}
		if (rc < 0)
			break;
		etw_rec_field(r, fname, l, sb->s ? sb->s : "", sb->len);
	}
	if (rc < 0)
		snprintf(r->bad, sizeof r->bad, "TraceLogging event whose "
			 "payload does not follow its schema");
	return rc < 0 ? -1 : 1;
bad:
	snprintf(r->bad, sizeof r->bad, "unreadable TraceLogging schema");
	return -1;
}

/* ---- the record --------------------------------------------------------------- */

static int layout_fits(const struct etl_layout *l, int num,
		       unsigned version)
{
	return num >= l->lo && num <= l->hi && (int)version >= l->vmin &&
	       (int)version <= l->vmax;
}

/* the manifest rows of the provider whose guid text is g, as bits in
 * table order */
static uint64_t guid_rows(const char *g)
{
	uint64_t rows = 0;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		const struct etl_layout *l = &layouts[i];
		/* g is "{...}", the table's guids have no braces */
		if (!l->kernel && l->guid[0] == g[1] &&
		    !strncmp(l->guid, g + 1, 36))
			rows |= 1ull << i;
	}
	return rows;
}

/* the first row of rows (kernel rows: of the record's group) that fits */
static const struct etl_layout *find_layout(const struct etl_record *e,
					    uint64_t rows)
{
	int kernel = is_kernel_htype(e->htype);
	for (; rows; rows &= rows - 1) {
		const struct etl_layout *l = &layouts[__builtin_ctzll(rows)];
		if (kernel ? l->group == e->group &&
			     layout_fits(l, e->type, e->version)
			   : layout_fits(l, e->id, e->version))
			return l;
	}
	return NULL;
}

/* The guid text and table name of the providers of event headers seen
 * lately, by guid bytes: each record's are looked up, and a file's
 * records come from a few providers */
#define GUID_MEMO 16
static struct guid_memo {
	unsigned char guid[16];
	int used;
	char text[40];
	const char *name;   /* table_name's, or text */
	size_t tlen, nlen;  /* their lengths */
	uint64_t rows;      /* guid_rows' */
} guid_memo[GUID_MEMO];

static const struct guid_memo *guid_of(const struct etl_record *e)
{
	struct guid_memo *m = &guid_memo[(e->guid[0] ^ e->guid[1] * 31u) &
					 (GUID_MEMO - 1)];
	if (!m->used || memcmp(m->guid, e->guid, 16)) {
		memcpy(m->guid, e->guid, 16);
		m->used = 1;
		etl_format_guid(e->guid, m->text, sizeof m->text);
		m->name = table_name(m->text);
		if (!m->name)
			m->name = m->text;
		m->tlen = strlen(m->text);
		m->nlen = strlen(m->name);
		m->rows = guid_rows(m->text);
	}
	return m;
}

int etl_decode(const struct etl_record *e, struct etw_rec *r,
	       struct strbuf *scratch)
{
	uint64_t rows = 0;   /* the layout rows the record may follow */
	/* the layout tables, taken apart once (by_layout, find_layout) */
	pthread_once(&lfields_once, parse_layouts);
	etw_rec_reset(r);
	r->cpu = e->cpu;
	r->pid = e->pid;
	r->tid = e->tid;
	r->version = e->version;
	r->opcode = e->opcode;
	r->task = e->task;
	r->time_fmt = etl_format_ts;   /* e->ft as the ts etl.c gives r */
	if (is_kernel_htype(e->htype)) {
		/* most records: their guid is not needed as text */
		r->event_id = 0;
		r->opcode = e->type;
		r->provider_guid = etw_rec_add(r, SYSTEM_TRACE,
					       strlen(SYSTEM_TRACE));
		rows = group_rows[e->group & 255];
		int gi = e->group >= 0 && e->group < 256 ?
			 group_at[e->group] : -1;
		if (gi >= 0 && groups[gi].guid)
			r->event_guid = etw_rec_add(r, groups[gi].guid,
						    group_guid_len[e->group]);
	} else if (is_event_htype(e->htype)) {
		const struct guid_memo *m = guid_of(e);
		rows = m->rows;
		r->event_id = e->id;
		r->provider_guid = etw_rec_add(r, m->text, m->tlen);
		if ((e->traits && e->traits_len > 2) || !e->have_guid) {
			char pn[128];
			provider_name(e, m->text, pn, sizeof pn); /* its own */
			if (pn[0] != '{')
				r->provider_name = etw_rec_add(r, pn,
							       strlen(pn));
		} else if (m->name[0] != '{') {
			r->provider_name = etw_rec_add(r, m->name, m->nlen);
		}
	} else if (e->have_guid) {
		/* classic EVENT_TRACE_HEADER: the guid names the class */
		char g[40];
		etl_format_guid(e->guid, g, sizeof g);
		r->event_id = 0;
		r->provider_guid = etw_rec_add(r, g, strlen(g));
		r->event_guid = r->provider_guid;
		rows = guid_rows(g);
	}   /* else no guid: no manifest row is the record's */
	if (is_event_htype(e->htype) && e->tl_schema)
		return tl_decode(e, r, scratch);
	const struct etl_layout *l = find_layout(e, rows);
	if (!l)
		return 0;
	return by_layout(e, (size_t)(l - layouts), r, scratch);
}
