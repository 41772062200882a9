/* parser/etw.h - what the ETW backend files share: one XML <Event> as a
 * flat record, the reorder window, the event semantics and the rules. */
#ifndef HANDLETRAIL_PARSER_ETW_H
#define HANDLETRAIL_PARSER_ETW_H

#include <string.h>
#include "internal.h"

/* One <Event> as read from the XML, before any meaning is given to it.
 * Strings live in buf and are named by offset (0 = absent: buf[0] is
 * always '\0').  A record owns its buffer; records are pooled by the
 * reorder window, so a steady stream allocates nothing. */
#define ETW_MAX_FIELDS 48
#define ETW_REC_MAX_BYTES 8192 /* text kept per event; longer is cut */

struct etw_field {
	uint32_t name;   /* "" for a nameless <Data> */
	uint32_t value;
	uint16_t nl, vl; /* their lengths (a record holds < 64 KiB) */
	/* set by a binary decoder that made the text from a number: the
	 * value is printable ASCII without blanks (shown as it is), and num
	 * is what etw_parse_int reads in it */
	unsigned char plain, has_num;
	/* a number's text is made on first read (etw_value): until then
	 * base says how ('x', 'u', 'i'), and value names room for it */
	char base;
	/* name is an offset into etw_names (a binary decoder's table, not
	 * copied), not into the record's text; read it with etw_fname */
	unsigned char kept;
	int64_t num;
};

/* the field names of the binary decoder's layouts (etl_layouts.def),
 * each with its NUL, filled once before the first record is decoded */
extern char etw_names[];

struct etw_rec {
	long line;           /* line of the <Event start tag */
	long index;          /* 1-based <Event> index in file order */
	long long offset;    /* .etl: byte offset of the record, else 0 */
	int64_t ts;          /* ns: epoch (SystemTime) or trace start (MSec) */
	int cpu;             /* Execution@ProcessorID, -1 when absent */
	int64_t pid, tid;    /* header values, -1 when absent */
	long event_id, version, opcode, task; /* -1 when absent */
	uint32_t provider_name, provider_guid, event_guid;
	uint32_t event_name; /* RenderingInfo/EventName or PerfView EventName */
	uint32_t task_name, opcode_name;
	uint32_t time_text;
	/* or, when time_text is 0, what writes ts as its time text (the
	 * ht_event's time_fmt) */
	size_t (*time_fmt)(int64_t ts, char *buf, size_t n);
	uint32_t pname;      /* PerfView PName */
	/* the event's payload bytes (PerfView's <Payload> hex rows), for
	 * fields an exporter did not name; ptr_size 4 or 8 (0 = 8) */
	uint32_t payload, payload_len;
	int ptr_size;
	/* a binary decoder's layout the fields follow, else NULL: records
	 * of one shape name the same fields in the same order (a short
	 * payload only stops early), so what depends on the names alone
	 * can be remembered per shape and field count */
	const void *shape;
	int nfields;
	int cut;             /* fields or text dropped for size */
	/* etw_rec_reset clears what is above and empties what follows:
	 * buf is kept, bad[] and f[] count from their first byte and
	 * nfields */
	char *buf;
	size_t len, cap;
	char bad[128];       /* why the header is unusable, or "" */
	struct etw_field f[ETW_MAX_FIELDS];
};

void etw_rec_reset(struct etw_rec *r);
/* appends n bytes of s and a NUL to r's text (cut at what a record
 * holds): their offset, or 0 when nothing fit.  Inline for its usual
 * case (several per record); etw_rec_add_grow does the rest */
uint32_t etw_rec_add_grow(struct etw_rec *r, const char *s, size_t n);
static inline uint32_t etw_rec_add(struct etw_rec *r, const char *s,
				   size_t n)
{
	size_t end = r->len + n + 1;
	if (end > r->cap || end > ETW_REC_MAX_BYTES)
		return etw_rec_add_grow(r, s, n);
	uint32_t off = (uint32_t)r->len;
	memcpy(r->buf + off, s, n);
	r->buf[off + n] = '\0';
	r->len = end;
	return off;
}
/* adds a named field (or sets r->cut when the record is full) */
void etw_rec_field(struct etw_rec *r, const char *name, size_t nl,
		   const char *val, size_t vl);
/* adds a field whose value is the number v, written as base says:
 * 'x' 0x-hex (upper case digits), 'u' decimal, 'i' signed decimal; the
 * name (a table's) holds no NUL byte */
void etw_rec_field_num(struct etw_rec *r, const char *name, size_t nl,
		       uint64_t v, char base);
static inline const char *etw_str(const struct etw_rec *r, uint32_t off)
{
	return r->buf + off;
}
/* a field's name, its text in buf (a record's, or a copy of it) */
static inline const char *etw_fname(const char *buf, const struct etw_field *f)
{
	return (f->kept ? etw_names : buf) + f->name;
}
/* f's text; a number's is made here, on first read, in room the record
 * set aside for it (the record's text cache: no pointer moves) */
const char *etw_value(const struct etw_rec *r, const struct etw_field *f);
/* a number field's text as etw_value makes it, into o (ETW_NUM_ROOM
 * bytes, "-" and 20 digits or "0x" and 16, and a NUL); its length */
#define ETW_NUM_ROOM 22
size_t etw_num_text(char *o, uint64_t v, char base);
/* r's text grown to hold end bytes (at most ETW_REC_MAX_BYTES) */
void etw_rec_room(struct etw_rec *r, size_t end);
/* etw_rec_field and etw_rec_field_num for a binary decoder's fields
 * (most of its cost per record is in them), named by their offset in
 * etw_names: the name is not copied.  A field that would take the
 * record past what it holds goes the copying way, which cuts it as
 * those do (where depends only on the record, not on what came before) */
static inline void etw_rec_field_num_kept(struct etw_rec *r, uint32_t name,
					  size_t nl, uint64_t v, char base)
{
	size_t end = r->len + ETW_NUM_ROOM;   /* room for the digits */
	if (r->nfields >= ETW_MAX_FIELDS || end > ETW_REC_MAX_BYTES) {
		etw_rec_field_num(r, etw_names + name, nl, v, base);
		return;
	}
	if (end > r->cap)
		etw_rec_room(r, end);
	struct etw_field *f = &r->f[r->nfields++];
	r->buf[r->len] = '\0';
	/* has_num: what etw_parse_int gives for the text (it refuses
	 * decimals from 2^64 - 6 up) */
	*f = (struct etw_field){ .name = name, .kept = 1,
				 .value = (uint32_t)r->len,
				 .nl = (uint16_t)nl, .plain = 1,
				 .has_num = base != 'u' || v <= UINT64_MAX - 6,
				 .base = base, .num = (int64_t)v };
	r->len = end;
}
static inline void etw_rec_field_kept(struct etw_rec *r, uint32_t name,
				      size_t nl, const char *val, size_t vl)
{
	size_t end = r->len + vl + 1;
	if (r->nfields >= ETW_MAX_FIELDS || end > ETW_REC_MAX_BYTES ||
	    memchr(val, 0, vl)) {
		etw_rec_field(r, etw_names + name, nl, val, vl);
		return;
	}
	if (end > r->cap)
		etw_rec_room(r, end);
	struct etw_field *f = &r->f[r->nfields++];
	memcpy(r->buf + r->len, val, vl);
	r->buf[r->len + vl] = '\0';
	*f = (struct etw_field){ .name = name, .kept = 1,
				 .value = (uint32_t)r->len,
				 .nl = (uint16_t)nl, .vl = (uint16_t)vl };
	r->len = end;
}
/* value of the field named name (case-insensitive), or NULL */
const char *etw_field(const struct etw_rec *r, const char *name);
/* the same for the n bytes at name (a name inside a longer string) */
const char *etw_field_n(const struct etw_rec *r, const char *name, size_t n);
/* the field itself, or NULL; "#2" is the second field, named or not */
const struct etw_field *etw_find(const struct etw_rec *r, const char *name,
				 size_t n);

/* Adds the fields of r's payload bytes that r does not have by name,
 * from the layout of (class guid, opcode, version) in etw_layouts.def.
 * Returns the number added. */
int etw_payload_fields(struct etw_rec *r);

/* Reorder window: holds at most `window` records in a min-heap keyed by
 * (ts, cpu, index); see etw_order.c for why. */
struct etw_order;
struct etw_order *etw_order_new(size_t window);
struct etw_rec *etw_order_slot(struct etw_order *o); /* a free record */
/* Adds a filled record; returns the record to emit now, or NULL. */
struct etw_rec *etw_order_push(struct etw_order *o, struct etw_rec *r);
struct etw_rec *etw_order_pop(struct etw_order *o); /* draining at EOF */
void etw_order_release(struct etw_order *o, struct etw_rec *r);
long etw_order_late(const struct etw_order *o);  /* emitted out of order */
size_t etw_order_window(const struct etw_order *o);
void etw_order_free(struct etw_order *o);

/* Application rules (--rules FILE); see doc/rules.md. */
enum etw_app_role { APP_NONE, APP_CREATE, APP_CLOSE, APP_USE, APP_FAIL };
struct etw_rule {
	char *provider;      /* name, or "{guid}" lower case; NULL = any */
	char *event;         /* event name, or NULL */
	long id, version;    /* -1 = any */
	enum etw_app_role role;
	char *handle_field;  /* NULL: the default names */
	char *error_field;   /* NULL: the default names */
	char *object;        /* object kind for descriptions ("Socket") */
	int socket_only;     /* -1: by the handle field's name (Socket) */
	int line;            /* in the rules file, for messages */
};
struct etw_rules {
	struct etw_rule *r;
	int n;
	char *path;
};
struct etw_rules *etw_rules_load(const char *path, struct ht_error *err);
const struct etw_rule *etw_rules_match(const struct etw_rules *rs,
				       const char *prov_name,
				       const char *prov_guid,
				       const char *event_name, long id,
				       long version);
void etw_rules_free(struct etw_rules *rs);

/* libxml2 set up so that no entity, DTD or network access can happen;
 * the reader options every ETW XML parse uses. */
int etw_xml_safe_options(void);
void etw_xml_lockdown(void);
/* Looks at the prolog (before the first element) of an XML text and
 * refuses a DOCTYPE: ETW exports never carry one, and without it no
 * entity can be declared.  Returns the byte length of the BOM and XML
 * declaration (where a wrapper element may be put), or -1 with why. */
long etw_xml_prolog(const char *buf, size_t n, int at_eof, int *utf16,
		    const char **why);

/* Semantics: turns records (in time order) into handletrail events. */
struct etw_sem;
struct etw_sem *etw_sem_new(const struct parser_options *o,
			    struct input_stats *st, const char *path,
			    struct ht_error *err);
/* 1: *ev filled (pointers valid until the next call); 2: filled, and
 * etw_sem_more() has a second event from the same record; 0: the record
 * means nothing to the timeline. */
int etw_sem_event(struct etw_sem *s, const struct etw_rec *r,
		  struct ht_event *ev);
int etw_sem_more(struct etw_sem *s, const struct etw_rec *r,
		 struct ht_event *ev);
void etw_sem_finish(struct etw_sem *s);
void etw_sem_free(struct etw_sem *s);

/* Values as exports print them: "0x1A4", "420", "20,648", "-2,147,476,004".
 * 0 on success. */
int etw_parse_int(const char *s, int64_t *v);
/* "2006-12-18T12:26:27.887309500Z", "...+02:00": ns since the epoch */
int etw_parse_systime(const char *s, int64_t *ns);
/* PerfView MSec "1734.2301": ns since the trace start */
int etw_parse_msec(const char *s, int64_t *ns);

/* Windows error numbers (winerr.def). */
enum werr_space { WS_WIN32, WS_NTSTATUS, WS_HRESULT };
const char *winerr_name(enum werr_space sp, int64_t v, enum err_class *c);

#endif
