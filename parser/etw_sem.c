/* parser/etw_sem.c - gives ETW records (in time order) their meaning for
 * handle tables: Object Manager handle events, processes and threads,
 * Winsock sockets and AFD endpoints, and application events (rules). */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "etw.h"

enum etw_role {
	R_IGNORE, R_OB_CREATE, R_OB_CLOSE, R_OB_DUP, R_OB_TYPE, R_OB_RUNDOWN,
	R_OB_RUNDOWN_END, R_PROC_START, R_PROC_END, R_PROC_DC,
	R_THREAD_START, R_THREAD_END, R_THREAD_DC, R_THREAD_NAME,
	R_SOCK_CREATE, R_SOCK_CLOSE, R_SOCK_ACCEPT, R_SOCK_USE,
	R_AFD_CREATE, R_AFD_CLOSE, R_AFD_USE, R_APP,
};

struct etw_def {
	enum etw_role role;
	const char *guid;
	int classic;
	long lo, hi, vmin, vmax;
	const char *perfview, *call, *handle, *handle2, *error;
};

#define K 1
#define M 0
static const struct etw_def etw_defs[] = {
#define ETW_EVENT(role, guid, kind, lo, hi, vmin, vmax, pv, call, h, h2, e) \
	{ role, guid, kind, lo, hi, vmin, vmax, pv, call, h, h2, e },
#include "etw_events.def"
#undef ETW_EVENT
};
#undef K
#undef M
#define NDEFS (sizeof etw_defs / sizeof etw_defs[0])

#define SYSTEM_TRACE_GUID "9e814aad-3204-11d2-9a82-006008a86939"
#define OB_CLASS_GUID "89497f50-effe-4440-8cf2-ce6b1cdcaca7"
#define PROCESS_CLASS_GUID "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c"
#define THREAD_CLASS_GUID "3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c"
/* how far apart (ns) an AFD endpoint and its handle's creation may be on
 * one thread and still be taken as the same socket */
#define AFD_LINK_NS 50000000LL
/* dead objects remembered for address-reuse numbering */
#define DEAD_OBJECTS_MAX 65536
/* closed handle records kept before they are swept (a later close of
 * one then reads as the close of a handle never seen) */
#define CLOSED_HANDLES_MIN 65536

/* ---- a small hash map: (k1, k2) -> value -------------------------------- */

struct mnode {
	uint64_t k1, k2;
	void *v;
	int used;
};
struct map {
	struct mnode *t;
	size_t cap, n;
	void (*free_v)(void *);
};

/* Keys are pids, tids, handle values and pointers: a multiply-xorshift
 * mix (splitmix64's finaliser) spreads them over the low bits the slot
 * takes, for a fraction of a byte-wise hash's cost (several lookups per
 * event).  Which slot a key gets is seen only by the probing and by the
 * sweeps, which delete by a condition on each value (in any order). */
static size_t map_slot(const struct map *m, uint64_t k1, uint64_t k2)
{
	uint64_t h = k1 ^ (k2 * 0x9e3779b97f4a7c15ULL);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (size_t)h & (m->cap - 1);
}

static void *map_get(const struct map *m, uint64_t k1, uint64_t k2)
{
	if (!m->cap)
		return NULL;
	for (size_t i = map_slot(m, k1, k2);; i = (i + 1) & (m->cap - 1)) {
		struct mnode *e = &m->t[i];
		if (!e->used)
			return NULL;
		if (e->k1 == k1 && e->k2 == k2)
			return e->v;
	}
}

static void map_put(struct map *m, uint64_t k1, uint64_t k2, void *v);

static void map_grow(struct map *m)
{
	struct mnode *old = m->t;
	size_t oc = m->cap;
	m->cap = oc ? oc * 2 : 64;
	m->t = xcalloc(m->cap, sizeof *m->t);
	m->n = 0;
	for (size_t i = 0; i < oc; i++)
		if (old[i].used)
			map_put(m, old[i].k1, old[i].k2, old[i].v);
	free(old);
}

static void map_put(struct map *m, uint64_t k1, uint64_t k2, void *v)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		map_grow(m);
	for (size_t i = map_slot(m, k1, k2);; i = (i + 1) & (m->cap - 1)) {
		struct mnode *e = &m->t[i];
		if (!e->used) {
			e->used = 1;
			e->k1 = k1;
			e->k2 = k2;
			e->v = v;
			m->n++;
			return;
		}
		if (e->k1 == k1 && e->k2 == k2) {
			if (m->free_v && e->v != v)
				m->free_v(e->v);
			e->v = v;
			return;
		}
	}
}

/* linear probing delete with backward shift */
static void map_del(struct map *m, uint64_t k1, uint64_t k2)
{
	if (!m->cap)
		return;
	size_t i = map_slot(m, k1, k2);
	for (;; i = (i + 1) & (m->cap - 1)) {
		if (!m->t[i].used)
			return;
		if (m->t[i].k1 == k1 && m->t[i].k2 == k2)
			break;
	}
	if (m->free_v)
		m->free_v(m->t[i].v);
	m->t[i].used = 0;
	m->n--;
	for (size_t j = (i + 1) & (m->cap - 1); m->t[j].used;
	     j = (j + 1) & (m->cap - 1)) {
		struct mnode e = m->t[j];
		m->t[j].used = 0;
		m->n--;
		map_put(m, e.k1, e.k2, e.v);
	}
}

static void map_free(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->t[i].used && m->free_v)
			m->free_v(m->t[i].v);
	free(m->t);
	memset(m, 0, sizeof *m);
}

/* ---- state ---------------------------------------------------------------- */

/* a handle value in a process, as the events showed it */
struct hent {
	int64_t pid, h;     /* its key */
	uint64_t obj;       /* kernel object pointer, 0 unknown */
	int open;
	int socket;
	int by_ob;          /* last changed by an Object Manager event */
	int64_t create_tid, close_tid, close_ts;
	const char *desc;   /* what it names, or NULL: dbuf's text */
	char *dbuf;
	size_t dcap;
	struct hent *pprev, *pnext; /* the process's handles, or the
				       next dropped one */
};

/* a kernel object, keyed by its pointer; seq numbers the objects seen at
 * one address, since pointers are reused after an object is deleted:
 * the identity is (pointer, creation), shown as "#2" when it matters */
struct oent {
	int type;
	char *name;
	int opens;
	int seq;
	int64_t created;
};

/* per thread: what AFD correlation needs, and whether its start (or
 * rundown) was seen, for its process's count of live threads */
struct tent {
	int64_t pid;
	int live;
	int64_t sock_h, sock_ts;   /* last socket handle created */
	uint64_t ep;               /* last AFD endpoint created */
	int64_t ep_ts;
};

/* AFD endpoint -> the handle that names it */
struct aent {
	uint64_t ep;        /* its key */
	int64_t pid, h;
	struct aent *pprev, *pnext; /* the process's endpoints */
};

/* what a process holds, so that its end costs what it held; whether it
 * is ending: its end was seen, or the last of its threads seen alive
 * ended.  The kernel then closes what the process still holds, with
 * CloseHandle events of its pid: those are not the program's closes. */
struct pent {
	struct hent *hfirst, *hlast;
	struct aent *afirst, *alast;
	long threads;       /* live threads seen */
	int ending;
	char *image;           /* ImageFileName of its start or rundown */
};

/* Which field of "A|B" a record of one shape and field count has, and
 * which table row a record of one shape and header numbers is: looked
 * up once, then remembered (names and shapes are static tables, so a
 * pointer is its text). */
#define MEMO_SLOTS 1024
struct field_memo {
	const void *shape;
	const char *names;
	int nfields;
	int idx;              /* -1: none of the names */
};
struct def_memo {
	const void *shape;
	int nfields;
	long opcode, event_id, version;
	const struct etw_def *def;   /* NULL: no row */
};
/* The last provider guid a record named, as read (records of a provider
 * no row knows, TraceLogging's and an XML export's, come in runs): its
 * bare lower-case form, and whether the kernel's trace guid or a table
 * row is it (if not, and there is no class guid, no row is the record's) */
struct prov_memo {
	int valid;
	char raw[64], norm[64];
	int known;
};

struct etw_sem {
	struct input_stats *st;
	const char *path;
	struct etw_rules *rules;
	struct map handles, objects, threads, endpoints, procs;
	/* the process last found in procs (events come in runs of one):
	 * valid until sweep_ended deletes from procs */
	int64_t last_pid;
	struct pent *last_pent;
	/* handle entries dropped, for reuse with their text buffers (one
	 * is made and dropped per handle the trace opens and closes) */
	struct hent *hfree;
	size_t sweep_handles_at;   /* handles.n that sweeps closed ones */
	char **types;          /* ObjectType number -> name */
	size_t ntypes;
	long dead_objects;
	int have_ob;           /* Object Manager handle events seen */
	long kernel_handles, afd_unlinked, unknown_types, pseudo_dups;
	long rundown_no_owner;
	long afd_linked;
	int task_kind;         /* lifetimes from 1 classic, 2 Kernel-Process */
	long exit_closes;      /* the kernel's closes of an ending process */
	long unruled;          /* handle-like events no rule maps */
#define UNRULED_NAMES 4
	char unruled_name[UNRULED_NAMES][64];
	long unruled_n[UNRULED_NAMES];
	long ended_procs;      /* ended processes remembered */
	/* a second event owed for the current record (thread name) */
	int more;
	int64_t more_pid, more_tid;
	const char *more_name;
	/* per event scratch, valid until the next event */
	struct strbuf raw, obj[HT_MAX_FX], call;
	/* what raw is made of, when a reader asks for it (sem_raw) */
	const struct etw_rec *raw_rec;
	const char *raw_prefix, *raw_call;
	int raw_made;
	char errbuf[48];
	/* answers that depend on a shaped record's names alone (etw.h) */
	struct field_memo fmemo[MEMO_SLOTS];
	struct def_memo dmemo[MEMO_SLOTS];
	struct prov_memo pmemo;
};

static void free_hent(void *v)
{
	struct hent *h = v;
	free(h->dbuf);
	free(h);
}

static void free_pent(void *v)
{
	struct pent *p = v;
	free(p->image);
	free(p);
}

static void free_oent(void *v)
{
	struct oent *o = v;
	free(o->name);
	free(o);
}

struct etw_sem *etw_sem_new(const struct parser_options *o,
			    struct input_stats *st, const char *path,
			    struct ht_error *err)
{
	struct etw_sem *s = xcalloc(1, sizeof *s);
	s->st = st;
	s->path = path;
	s->handles.free_v = NULL;   /* hent_drop keeps them; see free */
	s->objects.free_v = free_oent;
	s->threads.free_v = free;
	s->endpoints.free_v = free;
	s->procs.free_v = free_pent;
	s->sweep_handles_at = CLOSED_HANDLES_MIN;
	sb_init(&s->raw);
	sb_init(&s->call);
	for (int i = 0; i < HT_MAX_FX; i++)
		sb_init(&s->obj[i]);
	if (o && o->rules_path) {
		s->rules = etw_rules_load(o->rules_path, err);
		if (!s->rules) {
			etw_sem_free(s);
			return NULL;
		}
	}
	return s;
}

void etw_sem_free(struct etw_sem *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->handles.cap; i++)
		if (s->handles.t[i].used)
			free_hent(s->handles.t[i].v);
	map_free(&s->handles);
	while (s->hfree) {
		struct hent *e = s->hfree;
		s->hfree = e->pnext;
		free_hent(e);
	}
	map_free(&s->objects);
	map_free(&s->threads);
	map_free(&s->endpoints);
	map_free(&s->procs);
	for (size_t i = 0; i < s->ntypes; i++)
		free(s->types[i]);
	free(s->types);
	etw_rules_free(s->rules);
	sb_free(&s->raw);
	sb_free(&s->call);
	for (int i = 0; i < HT_MAX_FX; i++)
		sb_free(&s->obj[i]);
	free(s);
}

void etw_sem_finish(struct etw_sem *s)
{
	char msg[200];
	if (s->kernel_handles) {
		snprintf(msg, sizeof msg, "%ld events on kernel handles "
			 "(0x80000000 and up) not analysed", s->kernel_handles);
		input_stats_limit(s->st, msg);
	}
	if (s->afd_unlinked) {
		snprintf(msg, sizeof msg, "%ld Winsock-AFD events on endpoints "
			 "not tied to a socket handle", s->afd_unlinked);
		input_stats_limit(s->st, msg);
	}
	if (s->unknown_types) {
		snprintf(msg, sizeof msg, "object type numbers without a "
			 "TypeDCStart/TypeDCEnd name in %ld events",
			 s->unknown_types);
		input_stats_limit(s->st, msg);
	}
	if (s->rundown_no_owner) {
		snprintf(msg, sizeof msg, "%ld rundown event%s without its "
			 "owning process (ProcessId) not analysed",
			 s->rundown_no_owner, s->rundown_no_owner == 1 ? "" :
			 "s");
		input_stats_limit(s->st, msg);
	}
	if (s->exit_closes) {
		snprintf(msg, sizeof msg, "%ld CloseHandle events of the kernel "
			 "closing the handles of an ended process, not taken "
			 "as the program's closes", s->exit_closes);
		input_stats_limit(s->st, msg);
	}
	if (s->unruled) {
		struct strbuf sb;
		sb_init(&sb);
		for (int i = 0; i < UNRULED_NAMES && s->unruled_name[i][0];
		     i++)
			sb_printf(&sb, "%s%s %ld", i ? ", " : "",
				  s->unruled_name[i], s->unruled_n[i]);
		snprintf(msg, sizeof msg, "%ld events of providers no --rules "
			 "file maps have fields named like handles, not "
			 "analysed (%s)", s->unruled, sb.s ? sb.s : "");
		input_stats_limit(s->st, msg);
		sb_free(&sb);
	}
	if (s->pseudo_dups) {
		snprintf(msg, sizeof msg, "%ld DuplicateHandle events from a "
			 "pseudo-handle shown as creations", s->pseudo_dups);
		input_stats_limit(s->st, msg);
	}
}

/* ---- helpers ---------------------------------------------------------------- */

/* "{89497F50-...}" -> "89497f50-..." in out */
static void norm_guid(const char *g, char *out, size_t n)
{
	size_t k = 0;
	for (; *g && k + 1 < n; g++)
		if (*g != '{' && *g != '}' && *g != ' ')   /* ASCII only */
			out[k++] = *g >= 'A' && *g <= 'Z' ? (char)(*g + 32)
							  : *g;
	out[k] = '\0';
}

/* A classic kernel event exported without its class guid (wevtutil and
 * Get-WinEvent print no ExtendedTracingInfo): the opcode alone is shared
 * by many classes, so the class is told by the payload fields it has. */
static const char *classic_class(const struct etw_rec *r)
{
	if (r->opcode >= 32 && r->opcode <= 39 &&
	    (etw_field(r, "Handle") || etw_field(r, "SourceHandle") ||
	     etw_field(r, "TypeName") || etw_field(r, "Object") ||
	     etw_field(r, "ObjectType")))
		return OB_CLASS_GUID;
	if (etw_field(r, "TThreadId") || (r->opcode == 72 &&
					   etw_field(r, "ThreadName")))
		return THREAD_CLASS_GUID;
	if (r->opcode >= 1 && r->opcode <= 4 &&
	    etw_field(r, "ImageFileName") && etw_field(r, "ParentId"))
		return PROCESS_CLASS_GUID;
	return NULL;
}

static int lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* whether a guid as an export prints it ("{89497F50-...}", any case) is
 * the table's g (bare, lower case): norm_guid's result compared without
 * making it, since every record is looked up */
static int guid_is(const char *raw, const char *g)
{
	/* as the .etl decoder writes them: "{" g "}" exactly */
	if (raw[0] == '{' && g[0] && raw[1] == g[0]) {
		size_t n = strlen(g);
		if (!strncmp(raw + 1, g, n) && raw[n + 1] == '}' &&
		    !raw[n + 2])
			return 1;
	}
	for (;; raw++) {
		if (*raw == '{' || *raw == '}' || *raw == ' ')
			continue;
		if (lower(*raw) != *g)
			return 0;
		if (!*g)
			return 1;
		g++;
	}
}

static const struct etw_def *def_of(const struct etw_rec *r, int perfview)
{
	if (perfview) {
		const char *en = etw_str(r, r->event_name);
		for (size_t i = 0; *en && i < NDEFS; i++)
			if (etw_defs[i].perfview &&
			    !strcmp(etw_defs[i].perfview, en))
				return &etw_defs[i];
		/* the Dump() form's header names provider, class and opcode
		 * (a dynamic event's name may differ); ToXml's has none */
		if (!r->provider_guid && !r->event_guid)
			return NULL;
	}
	const char *eg = etw_str(r, r->event_guid);
	const char *pg = etw_str(r, r->provider_guid);
	const char *cls = NULL;   /* a classic class told by its fields */
	if (guid_is(eg, "") && guid_is(pg, SYSTEM_TRACE_GUID))
		cls = classic_class(r);
	for (size_t i = 0; i < NDEFS; i++) {
		const struct etw_def *d = &etw_defs[i];
		/* the numbers first: they rule out most rows cheaply */
		long num = d->classic ? r->opcode : r->event_id;
		if (num < d->lo || num > d->hi)
			continue;
		if (d->classic) {
			/* the class guid is in EventGuid; some exporters put
			 * it in Provider Guid instead */
			int is = cls ? !strcmp(d->guid, cls) :
				 guid_is(eg, d->guid);
			if (!is && !guid_is(pg, d->guid))
				continue;
		} else if (!guid_is(pg, d->guid)) {
			continue;
		}
		if (r->version >= 0 && (r->version < d->vmin ||
					r->version > d->vmax))
			continue;
		return d;
	}
	return NULL;
}

/* The memos are two-way: a key may sit in either slot of its pair, the
 * one last used first.  Some tens of keys are hot at once, and in one
 * slot each two of them would meet by chance (the birthday bound), then
 * miss in turn for the rest of the file. */
static size_t memo_pair(const void *a, const void *b, long c)
{
	uint64_t k = (uint64_t)(uintptr_t)a ^ (uint64_t)(uintptr_t)b * 31 ^
		     (uint64_t)c * 0x9E3779B97F4A7C15ull;
	return (size_t)(k * 0x9E3779B97F4A7C15ull >> 54) & (MEMO_SLOTS - 2);
}

/* slot 1 of a pair to slot 0, swapping them (T: the memo's type) */
#define MEMO_SWAP(T, m) do { T x_ = (m)[0]; (m)[0] = (m)[1]; \
			     (m)[1] = x_; } while (0)

static int known_provider(const char *pg);

static const struct prov_memo *prov_of(struct etw_sem *s,
				       const struct etw_rec *r)
{
	const char *g = etw_str(r, r->provider_guid);
	struct prov_memo *m = &s->pmemo;
	if (m->valid && !strcmp(m->raw, g))
		return m;
	norm_guid(g, m->norm, sizeof m->norm);
	m->known = !strcmp(m->norm, SYSTEM_TRACE_GUID) ||
		   known_provider(m->norm);
	m->valid = strlen(g) < sizeof m->raw;
	if (m->valid)
		strcpy(m->raw, g);
	return m;
}

static int def_hit(const struct def_memo *m, const struct etw_rec *r)
{
	return m->shape == r->shape && m->nfields == r->nfields &&
	       m->opcode == r->opcode && m->event_id == r->event_id &&
	       m->version == r->version;
}

/* def_of, remembered for shaped records: what it reads (header numbers,
 * the guids a layout implies, which fields there are) is the key */
static const struct etw_def *find_def(struct etw_sem *s,
				      const struct etw_rec *r, int perfview)
{
	if (!r->shape && !perfview && !r->event_guid &&
	    !prov_of(s, r)->known)
		return NULL;
	if (!r->shape || r->cut || perfview)
		return def_of(r, perfview);
	struct def_memo *m = &s->dmemo[memo_pair(r->shape, NULL,
						 r->opcode << 16 ^ r->event_id)];
	if (def_hit(m, r))
		return m->def;
	if (def_hit(m + 1, r)) {
		MEMO_SWAP(struct def_memo, m);
	} else {
		m[1] = m[0];
		m->shape = r->shape;
		m->nfields = r->nfields;
		m->opcode = r->opcode;
		m->event_id = r->event_id;
		m->version = r->version;
		m->def = def_of(r, perfview);
	}
	return m->def;
}

/* the first field named by one of "A|B|C" (each name compared in place) */
static const struct etw_field *find_names(const struct etw_rec *r,
					  const char *names)
{
	while (*names) {
		const char *bar = strchr(names, '|');
		size_t n = bar ? (size_t)(bar - names) : strlen(names);
		const struct etw_field *f = etw_find(r, names, n);
		if (f)
			return f;
		names += n + (bar ? 1 : 0);
	}
	return NULL;
}

static int field_hit(const struct field_memo *m, const struct etw_rec *r,
		     const char *names)
{
	return m->shape == r->shape && m->names == names &&
	       m->nfields == r->nfields;
}

/* find_any when the pair's first slot is not the key's */
static int field_miss(struct field_memo *m, const struct etw_rec *r,
		      const char *names)
{
	if (field_hit(m + 1, r, names)) {
		MEMO_SWAP(struct field_memo, m);
	} else {
		const struct etw_field *f = find_names(r, names);
		m[1] = m[0];
		m->shape = r->shape;
		m->names = names;
		m->nfields = r->nfields;
		m->idx = f ? (int)(f - r->f) : -1;
	}
	return m->idx;
}

/* find_names, remembered for shaped records; names is a static
 * string (a literal or a table's) */
static inline const struct etw_field *find_any(struct etw_sem *s,
					       const struct etw_rec *r,
					       const char *names)
{
	if (!r->shape || r->cut)
		return find_names(r, names);
	struct field_memo *m = &s->fmemo[memo_pair(r->shape, names,
						   r->nfields)];
	int idx = field_hit(m, r, names) ? m->idx : field_miss(m, r, names);
	return idx < 0 ? NULL : &r->f[idx];
}

static const char *field_any(struct etw_sem *s, const struct etw_rec *r,
			     const char *names)
{
	const struct etw_field *f = find_any(s, r, names);
	return f ? etw_value(r, f) : NULL;
}

/* a binary decoder's number is taken as it is, not read back from its
 * text */
static int int_field(struct etw_sem *s, const struct etw_rec *r,
		     const char *names, int64_t *v)
{
	const struct etw_field *f = find_any(s, r, names);
	if (f && f->has_num) {
		*v = f->num;
		return 0;
	}
	return f && etw_parse_int(etw_value(r, f), v) == 0 ? 0 : -1;
}

static uint64_t ptr_field(struct etw_sem *s, const struct etw_rec *r,
			  const char *names)
{
	int64_t v;
	return int_field(s, r, names, &v) == 0 ? (uint64_t)v : 0;
}

static const char *type_name(struct etw_sem *s, const struct etw_rec *r,
			     int type)
{
	const char *tn = field_any(s, r, "ObjectTypeName"); /* PerfView */
	if (tn && *tn)
		return tn;
	if (type >= 0 && (size_t)type < s->ntypes && s->types[type])
		return s->types[type];
	return NULL;
}

static void set_type(struct etw_sem *s, int type, const char *name)
{
	if (type < 0 || type > 0xffff || !name || !*name)
		return;
	if ((size_t)type >= s->ntypes) {
		size_t n = (size_t)type + 1;
		s->types = xrealloc(s->types, n * sizeof *s->types);
		memset(s->types + s->ntypes, 0,
		       (n - s->ntypes) * sizeof *s->types);
		s->ntypes = n;
	}
	/* (name is most often the table's own text, from type_name) */
	if (s->types[type] && (s->types[type] == name ||
			       !strcmp(s->types[type], name)))
		return;
	free(s->types[type]);
	s->types[type] = xstrdup(name);
}

static int is_afd_name(const char *name)
{
	return name && strncasecmp(name, "\\Device\\Afd", 11) == 0;
}

/* "Event 0xffffe0012a3c5080", "File \Device\...", "Socket 0x..." (one per
 * handle event: put together without printf) */
static void describe(struct strbuf *sb, const char *type, int typenum,
		     uint64_t ptr, const char *name, int seq, int socket)
{
	sb_reset(sb);
	if (socket || (type && !strcmp(type, "File") && is_afd_name(name))) {
		sb_puts(sb, "Socket ");
		sb_put_hex(sb, ptr, 0);
	} else if (type) {
		sb_puts(sb, type);
		sb_putc(sb, ' ');
		if (name && *name)
			sb_puts(sb, name);
		else
			sb_put_hex(sb, ptr, 0);
	} else {
		sb_puts(sb, "ObjectType ");
		sb_put_int(sb, typenum);
		sb_putc(sb, ' ');
		if (name && *name)
			sb_puts(sb, name);
		else
			sb_put_hex(sb, ptr, 0);
	}
	if (seq > 1) {
		sb_puts(sb, " #");
		sb_put_dec(sb, (unsigned)seq, 0);
	}
}

static struct pent *proc_of(struct etw_sem *s, int64_t pid)
{
	if (s->last_pent && s->last_pid == pid)
		return s->last_pent;
	struct pent *p = map_get(&s->procs, (uint64_t)pid, 0);
	if (p) {
		s->last_pid = pid;
		s->last_pent = p;
	}
	return p;
}

static struct pent *pent_get(struct etw_sem *s, int64_t pid)
{
	struct pent *p = proc_of(s, pid);
	if (!p) {
		p = xcalloc(1, sizeof *p);
		map_put(&s->procs, (uint64_t)pid, 0, p);
	}
	return p;
}

static struct hent *hent_get(struct etw_sem *s, int64_t pid, int64_t h,
			     int make)
{
	struct hent *e = map_get(&s->handles, (uint64_t)pid, (uint64_t)h);
	if (!e && make) {
		if (s->hfree) {
			e = s->hfree;
			s->hfree = e->pnext;
			*e = (struct hent){ .dbuf = e->dbuf, .dcap = e->dcap };
		} else {
			e = xcalloc(1, sizeof *e);
		}
		e->pid = pid;
		e->h = h;
		e->create_tid = e->close_tid = -1;
		map_put(&s->handles, (uint64_t)pid, (uint64_t)h, e);
		struct pent *p = pent_get(s, pid);
		DL_APPEND(p->hfirst, p->hlast, e, pprev, pnext);
	}
	return e;
}

static void hent_drop(struct etw_sem *s, struct hent *e)
{
	struct pent *p = proc_of(s, e->pid);
	if (p)
		DL_UNLINK(p->hfirst, p->hlast, e, pprev, pnext);
	map_del(&s->handles, (uint64_t)e->pid, (uint64_t)e->h);
	e->pnext = s->hfree;
	s->hfree = e;
}

static void aent_drop(struct etw_sem *s, struct aent *a)
{
	struct pent *p = proc_of(s, a->pid);
	if (p)
		DL_UNLINK(p->afirst, p->alast, a, pprev, pnext);
	map_del(&s->endpoints, a->ep, 0);
}

/* Closed handle records go once there are many: memory follows what is
 * open.  Called between events, when no record is held. */
static void sweep_closed(struct etw_sem *s)
{
	if (s->handles.n < s->sweep_handles_at)
		return;
	struct map *m = &s->handles;
	for (size_t i = 0; i < m->cap;) {
		struct hent *e = m->t[i].used ? m->t[i].v : NULL;
		if (e && !e->open)
			hent_drop(s, e);   /* shifts: look again */
		else
			i++;
	}
	s->sweep_handles_at = m->n * 2 > CLOSED_HANDLES_MIN
		? m->n * 2 : CLOSED_HANDLES_MIN;
}

static void hent_set_desc(struct hent *e, const char *d)
{
	if (!d || d == e->desc) {
		e->desc = d;
		return;
	}
	size_t n = strlen(d) + 1;
	if (n > e->dcap) {
		free(e->dbuf);
		e->dbuf = xmalloc(n);
		e->dcap = n;
	}
	memcpy(e->dbuf, d, n);
	e->desc = e->dbuf;
}

static struct tent *tent_get(struct etw_sem *s, int64_t tid)
{
	struct tent *t = map_get(&s->threads, (uint64_t)tid, 0);
	if (!t) {
		t = xcalloc(1, sizeof *t);
		t->sock_h = -1;
		t->sock_ts = t->ep_ts = TS_NONE;
		map_put(&s->threads, (uint64_t)tid, 0, t);
	}
	return t;
}

/* forget the objects nobody holds once there are too many of them */
static void sweep_dead(struct etw_sem *s)
{
	if (s->dead_objects < DEAD_OBJECTS_MAX)
		return;
	struct map *m = &s->objects;
	for (size_t i = 0; i < m->cap;) {
		struct oent *o = m->t[i].used ? m->t[i].v : NULL;
		if (o && o->opens <= 0)
			map_del(m, m->t[i].k1, 0); /* shifts: look again */
		else
			i++;
	}
	s->dead_objects = 0;
}

/* An object gets one more handle; returns its address-reuse number. */
static int object_open(struct etw_sem *s, uint64_t ptr, int type,
		       const char *name, int64_t ts)
{
	if (!ptr)
		return 1;
	struct oent *o = map_get(&s->objects, ptr, 0);
	if (!o) {
		o = xcalloc(1, sizeof *o);
		o->type = type;
		o->name = xstrdup(name ? name : "");
		o->seq = 1;
		o->created = ts;
		map_put(&s->objects, ptr, 0, o);
	} else if (o->opens <= 0 && (o->type != type ||
				     strcmp(o->name, name ? name : ""))) {
		/* all its handles were closed and what is at the address
		 * now differs: a new object at a reused address */
		o->seq++;
		o->type = type;
		free(o->name);
		o->name = xstrdup(name ? name : "");
		o->created = ts;
		s->dead_objects--;
	}
	o->opens++;
	return o->seq;
}

static int object_close(struct etw_sem *s, uint64_t ptr)
{
	struct oent *o = ptr ? map_get(&s->objects, ptr, 0) : NULL;
	if (!o)
		return 1;
	int seq = o->seq;
	if (o->opens > 0 && --o->opens == 0 &&
	    ++s->dead_objects >= DEAD_OBJECTS_MAX)
		sweep_dead(s);
	return seq;
}

static int object_seq(struct etw_sem *s, uint64_t ptr)
{
	struct oent *o = ptr ? map_get(&s->objects, ptr, 0) : NULL;
	return o ? o->seq : 1;
}

/* Error values: which table a field's number is looked up in. */
static void set_error(struct etw_sem *s, struct ht_event *ev,
		      const char *field, int64_t v)
{
	if (v == 0)
		return;
	uint64_t u = (uint64_t)v & 0xffffffffu;
	enum werr_space sp = WS_WIN32;
	if (!strcasecmp(field, "Status") || !strcasecmp(field, "NtStatus"))
		sp = (u & 0x80000000u) ? WS_NTSTATUS : WS_WIN32;
	if ((u & 0xffff0000u) == 0x80070000u)
		sp = WS_HRESULT;
	else if (u >= 0xC0000000u)
		sp = WS_NTSTATUS;
	if (sp == WS_NTSTATUS && u < 0x80000000u)
		return;          /* NTSTATUS success/informational */
	enum err_class c = ERRC_OTHER;
	const char *n = winerr_name(sp, (int64_t)u, &c);
	ev->failed = 1;
	ev->has_ret = 1;
	ev->ret = -1;
	ev->err = sp == WS_WIN32 ? (long)v : (long)u;
	ev->errname = n;
	ev->errc = c;
	(void)s;
}

/* what the raw line is made of: a record's fields (names and text in
 * buf, by offset), the provider prefix and the call */
struct raw_parts {
	const char *prefix, *call, *buf;
	const struct etw_field *f;
	int n, cut;
};

/* one line: "CloseHandle Object=0x.. Handle=0x1A4 ObjectType=37 ...",
 * appended to sb; each field is looked at once and written in one go */
static void render_raw(struct strbuf *sb, const struct raw_parts *p)
{
	if (p->prefix && *p->prefix) {
		sb_puts(sb, p->prefix);
		sb_putc(sb, '/');
	}
	sb_puts(sb, p->call);
	for (int i = 0; i < p->n && sb->len < 400; i++) {
		const struct etw_field *f = &p->f[i];
		const char *n = etw_fname(p->buf, f), *v = p->buf + f->value;
		size_t nl = f->nl, vl = f->vl;
		char t[ETW_NUM_ROOM];
		if (f->base) {   /* a number not yet written out */
			vl = etw_num_text(t, (uint64_t)f->num, f->base);
			v = t;
		}
		int quote = 0, ctl = 0;   /* blanks: quoted; controls: spaces */
		for (size_t k = 0; !f->plain && k < vl; k++) {
			unsigned char c = (unsigned char)v[k];
			if ((unsigned char)(c - 33) < 94)
				continue;   /* '!' to '~': one test */
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				quote = 1;
			if (c < 32 || c == 127)
				ctl = 1;
		}
		quote |= vl == 0;
		size_t vk = vl < 160 ? vl : 160;
		/* ' ' name '=' '"' value "..." '"' */
		char *o = sb_reserve(sb, nl + vk + 8);
		*o++ = ' ';
		if (nl) {
			memcpy(o, n, nl);
			o += nl;
			*o++ = '=';
		}
		if (quote)
			*o++ = '"';
		memcpy(o, v, vk);
		for (size_t k = 0; ctl && k < vk; k++)
			if ((unsigned char)o[k] < 32 || o[k] == 127)
				o[k] = ' ';
		o += vk;
		if (vl > 160) {
			memcpy(o, "...", 3);
			o += 3;
		}
		if (quote)
			*o++ = '"';
		*o = '\0';
		sb->len = (size_t)(o - sb->s);
	}
	if (sb->len >= 400 || p->cut)
		sb_puts(sb, " ...");
}

static struct raw_parts parts_of(const struct etw_sem *s)
{
	const struct etw_rec *r = s->raw_rec;
	return (struct raw_parts){ s->raw_prefix, s->raw_call, r->buf, r->f,
				   r->nfields, r->cut };
}

/* Most events' raw text is never read (only those a story keeps, or
 * --perfetto-events all): it is made when asked, from the record, which
 * stays as it is until the next event is read. */
static const char *sem_raw(void *ctx)
{
	struct etw_sem *s = ctx;
	if (!s->raw_made) {
		struct raw_parts p = parts_of(s);
		sb_reset(&s->raw);
		render_raw(&s->raw, &p);
		s->raw_made = 1;
	}
	return s->raw.s;
}

/* A kept copy's recipe: this head, prefix and call (each with its NUL),
 * then per field its head (FIELD_HEAD bytes), its name (or, for one in
 * the decoder's table, its offset there), and its number (8 bytes) or
 * its text.  Copying these bytes costs a fraction of writing the
 * numbers out, and most copies are never shown; a recipe is about as
 * long as the line.  One longer than RECIPE_MAX keeps the line (at most
 * TL_RAW_MAX and "..."), so a copy's buffer stays within 1 KiB. */
struct recipe_head {
	unsigned char n, cut;  /* n <= ETW_MAX_FIELDS */
};
/* a field's head: nl and vl (2 bytes each, as uint16_t), then how: 0
 * when text follows, else 'x', 'u' or 'i' for a number (8 bytes); |
 * 0x80 when plain; then 1 when the name is kept (its offset in
 * etw_names, 4 bytes, follows), else 0 */
#define FIELD_HEAD 6
#define HOW_PLAIN 0x80
#define RECIPE_MAX 1000

static size_t recipe_size(const struct raw_parts *p, size_t pl, size_t cl)
{
	size_t n = sizeof(struct recipe_head) + pl + cl + 2;
	for (int i = 0; i < p->n; i++)
		n += FIELD_HEAD + (p->f[i].kept ? 4 : p->f[i].nl) +
		     (p->f[i].base ? 8 : p->f[i].vl);
	return n;
}

static char *put(char *o, const void *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

static int sem_raw_pack(void *ctx, struct strbuf *to)
{
	const struct etw_sem *s = ctx;
	struct raw_parts p = parts_of(s);
	const char *pre = p.prefix ? p.prefix : "";
	size_t pl = strlen(pre), cl = strlen(p.call);
	size_t total = recipe_size(&p, pl, cl);
	if (total > RECIPE_MAX)
		return 0;
	struct recipe_head h = { (unsigned char)p.n, (unsigned char)p.cut };
	to->len = 0;
	char *o = put(sb_reserve(to, total), &h, sizeof h);
	o = put(o, pre, pl + 1);
	o = put(o, p.call, cl + 1);
	for (int i = 0; i < p.n; i++) {
		const struct etw_field *f = &p.f[i];
		o = put(o, &f->nl, 2);
		o = put(o, &f->vl, 2);
		*o++ = (char)(f->base | (f->plain ? HOW_PLAIN : 0));
		*o++ = (char)f->kept;
		o = f->kept ? put(o, &f->name, 4)
			     : put(o, p.buf + f->name, f->nl);
		o = f->base ? put(o, &f->num, 8)
			    : put(o, p.buf + f->value, f->vl);
	}
	to->len = total;
	to->s[total] = '\0';
	return 1;
}

/* the fields are read back as a record's, their text named by offset
 * into the recipe */
static void sem_raw_show(const char *rc, size_t n, struct strbuf *out)
{
	struct recipe_head h;
	struct etw_field f[ETW_MAX_FIELDS];
	if (n < sizeof h)
		return;
	memcpy(&h, rc, sizeof h);
	const char *pre = rc + sizeof h, *call = pre + strlen(pre) + 1;
	size_t k = (size_t)(call - rc) + strlen(call) + 1;
	if (h.n > ETW_MAX_FIELDS || k > n)
		return;   /* not one of ours: nothing rather than garbage */
	for (int i = 0; i < h.n; i++) {
		if (k + FIELD_HEAD > n)
			return;
		memset(&f[i], 0, sizeof f[i]);
		memcpy(&f[i].nl, rc + k, 2);
		memcpy(&f[i].vl, rc + k + 2, 2);
		unsigned char how = (unsigned char)rc[k + 4];
		f[i].kept = rc[k + 5] != 0;
		k += FIELD_HEAD;
		f[i].base = (char)(how & ~HOW_PLAIN);
		f[i].plain = (how & HOW_PLAIN) != 0;
		size_t nb = f[i].kept ? 4 : f[i].nl;
		size_t vb = f[i].base ? 8 : f[i].vl;
		if (k + nb + vb > n)
			return;
		if (f[i].kept)
			memcpy(&f[i].name, rc + k, 4);
		else
			f[i].name = (uint32_t)k;
		f[i].value = (uint32_t)(k + nb);
		if (f[i].base)
			memcpy(&f[i].num, rc + k + nb, 8);
		k += nb + vb;
	}
	struct raw_parts p = { pre, call, rc, f, h.n, h.cut };
	render_raw(out, &p);
}

/* ev's raw text is what sem_raw makes of the last defer_raw's record */
static void raw_later(struct etw_sem *s, struct ht_event *ev)
{
	ev->raw = NULL;
	ev->raw_fn = sem_raw;
	ev->raw_ctx = s;
	ev->raw_pack = sem_raw_pack;
	ev->raw_show = sem_raw_show;
}

static void defer_raw(struct etw_sem *s, const struct etw_rec *r,
		      const char *prefix, const char *call,
		      struct ht_event *ev)
{
	s->raw_rec = r;
	s->raw_prefix = prefix;
	s->raw_call = call;
	s->raw_made = 0;
	raw_later(s, ev);
}

static void ev_init(struct etw_sem *s, const struct etw_rec *r,
		    struct ht_event *ev, enum ev_type type, const char *call)
{
	/* the effects are written whole as they are added (nfx counts
	 * them), and traits is parser_next's: the rest is cleared, by a
	 * copy (a memset of this size is "rep stos"; see etw_rec_reset) */
	static const struct ht_event fresh_ev;
	memcpy(ev, &fresh_ev, offsetof(struct ht_event, fx));
	ev->traits = NULL;
	ev->type = type;
	ev->phase = PH_FULL;
	ev->call = call;
	ev->pid = r->pid;
	ev->tid = r->tid;
	ev->cpu = r->cpu;
	ev->ts = r->ts;
	if (r->time_text || !r->time_fmt)
		ev->time_text = etw_str(r, r->time_text);
	else
		ev->time_fmt = r->time_fmt;
	ev->has_ret = 1;
	ev->ret = 0;
	ev->src.file = s->path;
	ev->src.line = r->line;
	ev->src.event = r->index;
	ev->src.offset = r->offset;
	const struct pent *p = proc_of(s, r->pid);
	ev->program = p ? p->image : NULL;
}

/* ---- Object Manager ------------------------------------------------------ */

static int exit_close(struct etw_sem *s, int64_t pid);
static void thread_alive(struct etw_sem *s, int64_t pid, int64_t tid);

static int64_t handle_value(int64_t v)
{
	return v & 0xffffffffLL;  /* a 32-bit field; PerfView sign-extends */
}

static int is_kernel_handle(int64_t h)
{
	return (h & 0x80000000LL) != 0;
}

static int is_pseudo_handle(int64_t h)
{
	return h >= 0xfffffff0LL;  /* GetCurrentProcess() -1, Thread() -2 */
}

static int ob_handle(struct etw_sem *s, const struct etw_def *d,
		     const struct etw_rec *r, struct ht_event *ev)
{
	int64_t h, type = -1;
	if (int_field(s, r, d->handle, &h))
		goto bad;
	h = handle_value(h);
	uint64_t ptr = ptr_field(s, r, "Object");
	int_field(s, r, "ObjectType", &type);
	const char *name = field_any(s, r, "ObjectName");
	const char *tn = type_name(s, r, (int)type);
	if (!tn)
		s->unknown_types++;
	else
		set_type(s, (int)type, tn);
	int64_t pid = r->pid;
	if (is_kernel_handle(h)) {
		s->kernel_handles++;
		return 0;
	}
	if (d->role == R_OB_RUNDOWN || d->role == R_OB_RUNDOWN_END) {
		/* rundown: the header pid is garbage (PerfView prints it
		 * read at the wrong offset), the owner is in the payload */
		if (int_field(s, r, "ProcessId", &pid) || pid < 0 ||
		    pid > 0xffffffffLL) {
			s->rundown_no_owner++;
			return 0;
		}
	}
	if (d->role != R_OB_RUNDOWN && d->role != R_OB_RUNDOWN_END &&
	    (pid < 0 || r->tid < 0)) {
		input_stats_skip(s->st, r->line, "event %ld: %s without the "
				 "process and thread id of its header",
				 r->index, d->call);
		return 0;
	}
	s->have_ob = 1;
	if (d->role == R_OB_CLOSE && exit_close(s, pid))
		return 0;
	if (d->role == R_OB_CREATE)
		thread_alive(s, pid, r->tid);  /* a thread the process has */
	ev_init(s, r, ev, EV_CALL, d->call);
	struct hent *e = hent_get(s, pid, h, 1);
	struct strbuf *ob = &s->obj[0];
	int seq;
	switch (d->role) {
	case R_OB_CREATE:
		if (e->open && e->obj && e->obj != ptr)
			object_close(s, e->obj);   /* its close was not seen */
		seq = object_open(s, ptr, (int)type, name, r->ts);
		describe(ob, tn, (int)type, ptr, name, seq, 0);
		e->open = 1;
		e->obj = ptr;
		e->socket = tn && !strcmp(tn, "File") && is_afd_name(name);
		e->create_tid = r->tid;
		hent_set_desc(e, ob->s);
		event_add_effect(ev, EFF_CREATE, 0, h, -1, ob->s);
		if (e->socket) {
			struct tent *t = tent_get(s, r->tid);
			t->pid = pid;
			t->sock_h = h;
			t->sock_ts = r->ts;
		}
		break;
	case R_OB_CLOSE:
		seq = object_close(s, ptr);
		describe(ob, tn, (int)type, ptr, name, seq,
			 e->socket && e->obj == ptr);
		e->open = 0;
		e->close_tid = r->tid;
		e->close_ts = r->ts;
		hent_set_desc(e, ob->s);
		event_add_effect(ev, EFF_CLOSE, 0, h, -1, ob->s);
		break;
	case R_OB_RUNDOWN:
	case R_OB_RUNDOWN_END:
		if (d->role == R_OB_RUNDOWN_END && e->open)
			return 0;  /* opened in the trace and still open */
		seq = object_open(s, ptr, (int)type, name, r->ts);
		describe(ob, tn, (int)type, ptr, name, seq, 0);
		e->open = 1;
		e->obj = ptr;
		e->socket = tn && !strcmp(tn, "File") && is_afd_name(name);
		hent_set_desc(e, ob->s);
		ev->type = EV_CALL;
		ev->pid = pid;
		ev->tid = -1;
		event_add_effect(ev, EFF_OUTSIDE, 0, h, -1, ob->s);
		break;
	default:
		return 0;
	}
	e->by_ob = 1;
	defer_raw(s, r, NULL, d->call, ev);
	return 1;
bad:
	input_stats_skip(s->st, r->line, "event %ld: %s without a readable "
			 "%s", r->index, d->call, d->handle);
	return 0;
}

static int ob_dup(struct etw_sem *s, const struct etw_def *d,
		  const struct etw_rec *r, struct ht_event *ev)
{
	int64_t sh, th, spid = r->pid, tpid = r->pid, type = -1;
	if (int_field(s, r, "SourceHandle", &sh) ||
	    int_field(s, r, "TargetHandle", &th)) {
		input_stats_skip(s->st, r->line, "event %ld: DuplicateHandle "
				 "without SourceHandle/TargetHandle",
				 r->index);
		return 0;
	}
	if (r->pid < 0 || r->tid < 0) {
		input_stats_skip(s->st, r->line, "event %ld: %s without the "
				 "process and thread id of its header",
				 r->index, d->call);
		return 0;
	}
	sh = handle_value(sh);
	th = handle_value(th);
	/* v3 adds SourceProcessId; PerfView prints TargetProcessId as
	 * "TargetHandleID" (etw-formats.md 2.1) */
	int_field(s, r, "SourceProcessId", &spid);
	int_field(s, r, "TargetProcessId|TargetHandleID", &tpid);
	uint64_t ptr = ptr_field(s, r, "Object");
	int_field(s, r, "ObjectType", &type);
	const char *tn = type_name(s, r, (int)type);
	if (!tn)
		s->unknown_types++;
	else
		set_type(s, (int)type, tn);
	s->have_ob = 1;
	ev_init(s, r, ev, EV_CALL, d->call);
	ev->pid = spid;
	/* a handle taken out of another process: the thread is the
	 * caller's, not one of spid's (the process stands for it) */
	if (spid != r->pid)
		ev->tid = -1;
	struct hent *src = is_pseudo_handle(sh) ? NULL :
			   hent_get(s, spid, sh, 0);
	int seq = object_seq(s, ptr);
	struct strbuf *ob = &s->obj[0];
	int sock = src && src->socket && src->obj == ptr;
	if (src && src->desc && src->obj == ptr)
		sb_reset(ob), sb_puts(ob, src->desc);
	else
		describe(ob, tn, (int)type, ptr, NULL, seq, sock);
	if (is_kernel_handle(th)) {
		/* into the kernel's table: only the source is touched */
		if (is_pseudo_handle(sh)) {
			s->kernel_handles++;
			return 0;
		}
		event_add_effect(ev, EFF_USE, 0, sh, -1, ob->s);
	} else {
		object_open(s, ptr, (int)type, NULL, r->ts);
		struct hent *t = hent_get(s, tpid, th, 1);
		t->open = 1;
		t->obj = ptr;
		t->socket = sock;
		t->create_tid = r->tid;
		t->by_ob = 1;
		hent_set_desc(t, ob->s);
		if (is_pseudo_handle(sh) && tpid == spid) {
			s->pseudo_dups++;
			event_add_effect(ev, EFF_CREATE, 0, th, -1, ob->s);
		} else {
			event_add_effect(ev, EFF_DUP, 0, sh, th, ob->s);
			if (tpid != spid)
				ev->fx[0].pid2 = tpid;
		}
	}
	defer_raw(s, r, NULL, d->call, ev);
	return 1;
}

/* ---- processes and threads ------------------------------------------------ */

/* Ended processes are remembered (so that the kernel's closes after the
 * end are told) until there are this many; then they are forgotten. */
#define ENDED_PROCS_MAX 4096

static void sweep_ended(struct etw_sem *s)
{
	struct map *m = &s->procs;
	s->last_pent = NULL;
	for (size_t i = 0; i < m->cap;) {
		struct pent *p = m->t[i].used ? m->t[i].v : NULL;
		if (p && p->ending && !p->hfirst && !p->afirst)
			map_del(m, m->t[i].k1, 0); /* shifts: look again */
		else
			i++;
	}
	s->ended_procs = 0;
}

/* The process ended: it holds nothing any more; it stays known as
 * ending, for the kernel's closes that may follow. */
static void forget_process(struct etw_sem *s, int64_t pid)
{
	struct pent *p = proc_of(s, pid);
	if (!p)
		return;
	while (p->hfirst) {
		if (p->hfirst->open)
			object_close(s, p->hfirst->obj);
		hent_drop(s, p->hfirst);
	}
	while (p->afirst)
		aent_drop(s, p->afirst);
	p->ending = 1;
	p->threads = 0;
	if (++s->ended_procs >= ENDED_PROCS_MAX)
		sweep_ended(s);
}

/* Something the process does itself (a create, a new thread): it is
 * alive, whatever was told before (a reused pid, a thread not seen). */
static void process_alive(struct etw_sem *s, int64_t pid)
{
	struct pent *p = proc_of(s, pid);
	if (p && p->ending) {
		p->ending = 0;
		s->ended_procs--;
	}
}

/* A CloseHandle in a process that is ending is the kernel closing what
 * the process left open: the handle stays open in the model until the
 * process end (a leak note), and the close is counted. */
static int exit_close(struct etw_sem *s, int64_t pid)
{
	struct pent *p = proc_of(s, pid);
	if (!p || !p->ending)
		return 0;
	s->exit_closes++;
	return 1;
}

static void thread_alive(struct etw_sem *s, int64_t pid, int64_t tid)
{
	if (pid < 0 || tid < 0)
		return;
	struct tent *t = tent_get(s, tid);
	if (t->live && t->pid == pid)
		return;
	if (t->live) {        /* a reused thread id: the old one ended */
		struct pent *o = proc_of(s, t->pid);
		if (o && o->threads > 0)
			o->threads--;
	}
	process_alive(s, pid);
	t->live = 1;
	t->pid = pid;
	pent_get(s, pid)->threads++;
}

static void thread_ended(struct etw_sem *s, int64_t tid)
{
	struct tent *t = map_get(&s->threads, (uint64_t)tid, 0);
	if (!t || !t->live)
		return;
	struct pent *p = proc_of(s, t->pid);
	if (p && p->threads > 0 && --p->threads == 0 && !p->ending) {
		p->ending = 1;
		s->ended_procs++;
	}
}

/* Process and thread events.  A start is told from the creator's side
 * (ev->pid/tid = the creating thread, EFF_SPAWN h = new tid or -1 for a
 * process, h2 = new pid), as the timeline expects of a spawn; the new
 * thread's name then follows as a second event (etw_sem_more).  Rundown,
 * SetName and end events describe the task itself. */
static int task_event(struct etw_sem *s, const struct etw_def *d,
		      const struct etw_rec *r, struct ht_event *ev)
{
	int64_t pid = r->pid, tid = r->tid, ppid = -1, ptid = -1;
	int thread = d->role == R_THREAD_START || d->role == R_THREAD_END ||
		     d->role == R_THREAD_DC || d->role == R_THREAD_NAME;
	/* PerfView rewrites the header of the classic events only */
	int perfview = s->st->format == FMT_PERFVIEW_XML && d->classic;
	/* tracerpt: the header names the creating thread and the payload
	 * the new task; PerfView's header already names the new task and
	 * the creator is in ParentThreadID/ParentProcessID */
	int_field(s, r, "ProcessId", &pid);
	if (thread)
		int_field(s, r, "TThreadId|ThreadId", &tid);
	else
		tid = -1;
	int_field(s, r, "ParentId|ParentProcessId", &ppid);
	int_field(s, r, "ParentThreadId", &ptid);
	const char *name = thread ? field_any(s, r, "ThreadName") : NULL;
	const char *image = thread ? NULL : field_any(s, r, "ImageFileName");
	if (image && *image && pid >= 0 && d->role != R_PROC_END) {
		struct pent *pe = pent_get(s, pid);
		if (!pe->image || strcmp(pe->image, image) != 0) {
			free(pe->image);
			pe->image = xstrdup(image);
		}
	}
	ev_init(s, r, ev, EV_TASK_INFO, d->call);
	ev->pid = pid;
	ev->tid = tid;
	ev->thread_name = name && *name ? name : NULL;
	switch (d->role) {
	case R_PROC_START:
		if (perfview) {
			/* TraceEvent moves the process id to the new
			 * process; the thread stays the creating one */
			ev->pid = ppid >= 0 ? ppid : pid;
			ev->tid = ppid >= 0 ? r->tid : -1;
		} else {
			ev->pid = r->pid >= 0 ? r->pid : ppid;
			ev->tid = r->tid;
		}
		event_add_effect(ev, EFF_SPAWN, 0, -1, pid, NULL);
		process_alive(s, pid);    /* a pid used again */
		break;
	case R_THREAD_START:
		thread_alive(s, pid, tid);
		if (perfview && ptid >= 0 && ppid >= 0) {
			ev->pid = ppid;
			ev->tid = ptid;
		} else if (!perfview && r->pid >= 0 && r->tid >= 0) {
			ev->pid = r->pid;
			ev->tid = r->tid;
		}
		event_add_effect(ev, EFF_SPAWN, EF_THREAD | EF_SHARE_FILES, tid, pid,
		       NULL);
		if (ev->tid != tid && ev->thread_name) {
			s->more_pid = pid;
			s->more_tid = tid;
			s->more_name = ev->thread_name;
			s->more = 1;
		}
		if (ev->tid != tid)
			ev->thread_name = NULL;
		break;
	case R_PROC_DC:
		return 0;  /* processes show through their threads */
	case R_PROC_END:
		ev->type = EV_CALL;
		ev->tid = r->pid == pid ? r->tid : -1;
		event_add_effect(ev, EFF_EXIT_GROUP, 0, -1, -1, NULL);
		forget_process(s, pid);
		break;
	case R_THREAD_END:
		ev->type = EV_TASK_EXIT;
		thread_ended(s, tid);
		map_del(&s->threads, (uint64_t)tid, 0);
		break;
	case R_THREAD_DC:
		thread_alive(s, pid, tid);
		break;
	default:
		break;
	}
	defer_raw(s, r, NULL, d->call, ev);
	/* the program of the process the event is told for (a start is
	 * told from its creator's side) */
	const struct pent *pp = proc_of(s, ev->pid);
	ev->program = pp ? pp->image : NULL;
	return s->more ? 2 : 1;
}

int etw_sem_more(struct etw_sem *s, const struct etw_rec *r,
		 struct ht_event *ev)
{
	if (!s->more)
		return 0;
	s->more = 0;
	ev_init(s, r, ev, EV_TASK_INFO, "ThreadName");
	ev->pid = s->more_pid;
	ev->tid = s->more_tid;
	ev->thread_name = s->more_name;
	const struct pent *pp = proc_of(s, ev->pid);
	ev->program = pp ? pp->image : NULL;
	raw_later(s, ev);   /* the same record's text */
	return 1;
}

/* ---- Winsock ---------------------------------------------------------------- */

static const char *sock_desc(struct etw_sem *s, struct hent *e, int64_t h,
			     int slot)
{
	if (e && e->desc && e->socket)
		return e->desc;
	struct strbuf *ob = &s->obj[slot];
	sb_reset(ob);
	if (e && e->obj)
		sb_printf(ob, "Socket 0x%llx", (unsigned long long)e->obj);
	else
		sb_printf(ob, "Socket 0x%llx", (unsigned long long)h);
	return ob->s;
}

static void afd_link(struct etw_sem *s, struct tent *t)
{
	if (t->sock_h < 0 || !t->ep || t->sock_ts == TS_NONE ||
	    t->ep_ts == TS_NONE)
		return;
	int64_t dt = t->sock_ts - t->ep_ts;
	if (dt < 0)
		dt = -dt;
	if (dt > AFD_LINK_NS)
		return;
	struct aent *old = map_get(&s->endpoints, t->ep, 0);
	if (old)
		aent_drop(s, old);
	struct aent *a = xcalloc(1, sizeof *a);
	a->ep = t->ep;
	a->pid = t->pid;
	a->h = t->sock_h;
	map_put(&s->endpoints, t->ep, 0, a);
	struct pent *p = pent_get(s, a->pid);
	DL_APPEND(p->afirst, p->alast, a, pprev, pnext);
	s->afd_linked++;
	t->ep = 0;
	t->sock_h = -1;
}

static int sock_event(struct etw_sem *s, const struct etw_def *d,
		      const struct etw_rec *r, struct ht_event *ev)
{
	int64_t h, err = 0, pid = r->pid;
	if (int_field(s, r, d->handle, &h)) {
		input_stats_skip(s->st, r->line, "event %ld: %s without %s",
				 r->index, d->call, d->handle);
		return 0;
	}
	int_field(s, r, d->error, &err);
	if (r->pid < 0 || r->tid < 0) {
		input_stats_skip(s->st, r->line, "event %ld: %s without the "
				 "process and thread id of its header",
				 r->index, d->call);
		return 0;
	}
	ev_init(s, r, ev, EV_CALL, d->call);
	set_error(s, ev, d->error, err);
	struct hent *e = hent_get(s, pid, h, 0);
	switch (d->role) {
	case R_SOCK_CREATE:
		if (err)
			return 0;  /* no socket: nothing for handle tables */
		if (e && e->open && e->by_ob) {
			/* the Object Manager saw it created: now we know
			 * it is a socket */
			e->socket = 1;
		} else {
			e = hent_get(s, pid, h, 1);
			e->open = 1;
			e->socket = 1;
			e->by_ob = 0;
			e->obj = 0;
			e->create_tid = r->tid;
			hent_set_desc(e, sock_desc(s, NULL, h, 0));
			event_add_effect(ev, EFF_CREATE, 0, h, -1, e->desc);
		}
		struct tent *t = tent_get(s, r->tid);
		t->pid = pid;
		t->sock_h = h;
		t->sock_ts = r->ts;
		afd_link(s, t);
		break;
	case R_SOCK_CLOSE:
		if (err && e && !e->open && (ev->errc == ERRC_NOTSOCK ||
					     ev->errc == ERRC_BADF)) {
			/* closesocket() of a value already closed: Winsock
			 * refuses it (WSAENOTSOCK) and the kernel closes
			 * nothing (no CloseHandle).  To the model that is a
			 * failed close of a closed number, as close() =
			 * -1 EBADF is; the Winsock code stays shown. */
			ev->errc = ERRC_BADF;
			event_add_effect(ev, EFF_CLOSE, 0, h, -1, e->desc);
			break;
		}
		if (err) {
			event_add_effect(ev, EFF_USE, EF_SOCKET_ONLY, h, -1,
			       e && e->open ? e->desc : NULL);
			break;
		}
		if (e && !e->open && e->close_tid == r->tid && e->by_ob)
			return 0;  /* CloseHandle already told */
		if (e && e->open && e->by_ob && s->have_ob) {
			/* no Object Manager close seen: take this one */
		}
		event_add_effect(ev, EFF_CLOSE, 0, h, -1, sock_desc(s, e, h, 0));
		if (!e)
			e = hent_get(s, pid, h, 1);
		e->open = 0;
		e->close_tid = r->tid;
		e->close_ts = r->ts;
		e->by_ob = 0;
		break;
	case R_SOCK_ACCEPT: {
		int64_t nh;
		event_add_effect(ev, EFF_USE, EF_SOCKET_ONLY, h, -1,
		       e && e->open ? e->desc : NULL);
		if (err || int_field(s, r, d->handle2, &nh))
			break;
		struct hent *n = hent_get(s, pid, nh, 0);
		if (n && n->open && n->by_ob) {
			n->socket = 1;
			break;
		}
		n = hent_get(s, pid, nh, 1);
		n->open = 1;
		n->socket = 1;
		n->by_ob = 0;
		n->obj = 0;
		n->create_tid = r->tid;
		hent_set_desc(n, sock_desc(s, NULL, nh, 1));
		event_add_effect(ev, EFF_CREATE, 0, nh, -1, n->desc);
		break;
	}
	default:
		event_add_effect(ev, EFF_USE, EF_SOCKET_ONLY, h, -1,
		       e && e->open ? e->desc : NULL);
		break;
	}
	if (!ev->nfx && !ev->failed)
		return 0;
	defer_raw(s, r, NULL, d->call, ev);
	return 1;
}

static int afd_event(struct etw_sem *s, const struct etw_def *d,
		     const struct etw_rec *r, struct ht_event *ev)
{
	int64_t ee = -1, st = 0;
	int_field(s, r, "EnterExit", &ee);
	int_field(s, r, "Status", &st);
	uint64_t ep = ptr_field(s, r, "Endpoint");
	if (!ep)
		return 0;
	struct tent *t;
	struct aent *a;
	switch (d->role) {
	case R_AFD_CREATE:
		if (ee == 0 || (st & 0x80000000LL))
			return 0;  /* the entry half, or it failed */
		t = tent_get(s, r->tid);
		t->pid = r->pid;
		t->ep = ep;
		t->ep_ts = r->ts;
		afd_link(s, t);
		return 0;
	case R_AFD_CLOSE:
		if (ee != 0 && (a = map_get(&s->endpoints, ep, 0)) != NULL)
			aent_drop(s, a);
		return 0;
	default:
		break;
	}
	if (ee == 1)
		return 0;          /* each operation once: its entry half */
	a = map_get(&s->endpoints, ep, 0);
	if (!a) {
		s->afd_unlinked++;
		return 0;
	}
	ev_init(s, r, ev, EV_CALL, d->call);
	ev->pid = a->pid;
	set_error(s, ev, "Status", st);
	struct hent *e = hent_get(s, a->pid, a->h, 0);
	event_add_effect(ev, EFF_USE, EF_SOCKET_ONLY, a->h, -1,
	       e && e->open ? e->desc : NULL);
	defer_raw(s, r, NULL, d->call, ev);
	return 1;
}

/* ---- application events ------------------------------------------------- */

static const char *const default_handle_fields = "Handle|Socket";
static const char *const default_error_fields =
	"Error|ErrorCode|WSAError|LastError|Status";

/* the part of "Provider/Task/Event" after the last '/' */
static const char *last_part(const char *s)
{
	const char *sl = strrchr(s, '/');
	return sl ? sl + 1 : s;
}

static const char *app_event_name(const struct etw_rec *r)
{
	const char *n = etw_str(r, r->event_name);
	if (*n)
		return n;
	n = etw_str(r, r->task_name);
	return n;
}

/* which field, of the names in list, the record has (its name) */
static const char *which_field(const struct etw_rec *r, const char *list,
			       const char **value)
{
	char one[64];
	while (*list) {
		const char *bar = strchr(list, '|');
		size_t n = bar ? (size_t)(bar - list) : strlen(list);
		if (n && n < sizeof one) {
			memcpy(one, list, n);
			one[n] = '\0';
			const char *v = one[0] == '#' ? etw_field(r, one)
						      : NULL;
			if (v) {
				*value = v;
				return "#";
			}
			/* (a name of another length is not compared) */
			for (int i = 0; i < r->nfields; i++)
				if (r->f[i].nl == n &&
				    !strncasecmp(etw_fname(r->buf, &r->f[i]),
						 one, n)) {
					*value = etw_value(r, &r->f[i]);
					return etw_fname(r->buf,
							 &r->f[i]);
				}
		}
		list += n + (bar ? 1 : 0);
	}
	return NULL;
}

static int known_provider(const char *pg)
{
	/* the first byte rules most rows out (this runs for every event
	 * of a provider that no rule maps) */
	for (size_t i = 0; i < NDEFS; i++)
		if (etw_defs[i].guid[0] == pg[0] &&
		    !strcmp(etw_defs[i].guid, pg))
			return 1;
	return 0;
}

/* events with a handle-like field that no rule maps, by provider */
static void count_unruled(struct etw_sem *s, const char *prov)
{
	s->unruled++;
	int i;
	for (i = 0; i < UNRULED_NAMES && s->unruled_name[i][0]; i++)
		if (!strcmp(s->unruled_name[i], prov))
			break;
	if (i == UNRULED_NAMES)
		return;
	if (!s->unruled_name[i][0])
		snprintf(s->unruled_name[i], sizeof s->unruled_name[i], "%s",
			 prov);
	s->unruled_n[i]++;
}

static int app_event(struct etw_sem *s, const struct etw_rec *r,
		     struct ht_event *ev)
{
	const char *full = app_event_name(r);
	const char *en = last_part(full);
	const struct prov_memo *pm = prov_of(s, r);
	const char *pg = pm->norm;
	const char *pn = etw_str(r, r->provider_name);
	const struct etw_rule *rule = NULL;
	if (s->rules)
		rule = etw_rules_match(s->rules, pn, pg, full, r->event_id,
				       r->version);
	if (s->rules && !rule && *full && en != full)
		rule = etw_rules_match(s->rules, pn, pg, en, r->event_id,
				       r->version);
	if (rule && rule->role == APP_NONE)
		return 0;
	if (!rule) {
		/* The default field names are for what rules leave unsaid:
		 * a provider handletrail does not know may name anything
		 * "Handle" (HttpService's are sign-extended kernel handles
		 * of another table), so its events need --rules.  Those
		 * with a field named like a handle are counted. */
		const char *hv;
		if (!pm->known && !r->event_guid &&
		    which_field(r, default_handle_fields, &hv))
			count_unruled(s, *pn ? pn : *pg ? pg :
				      "no provider named");
		return 0;
	}
	const char *hv = NULL, *evl = NULL;
	const char *hf = which_field(r, rule && rule->handle_field ?
				     rule->handle_field :
				     default_handle_fields, &hv);
	const char *ef = which_field(r, rule && rule->error_field ?
				     rule->error_field :
				     default_error_fields, &evl);
	int64_t h = -1, err = 0;
	if ((hf && etw_parse_int(hv, &h)) || (ef && etw_parse_int(evl, &err))) {
		input_stats_skip(s->st, r->line, "event %ld: unreadable %s "
				 "\"%.40s\"", r->index, hf && etw_parse_int(hv,
				 &h) ? "handle" : "error", hf && etw_parse_int(
				 hv, &h) ? hv : evl);
		return 0;
	}
	if ((hf || ef) && (r->pid < 0 || r->tid < 0)) {
		input_stats_skip(s->st, r->line, "event %ld: no process and "
				 "thread id in its header", r->index);
		return 0;
	}
	sb_reset(&s->call);
	if (rule && rule->event && rule->id >= 0)
		sb_puts(&s->call, rule->event);  /* the rules name it */
	else if (*full)
		sb_puts(&s->call, full);
	else if (r->event_id >= 0)
		sb_printf(&s->call, "Event%ld", r->event_id);
	else
		sb_puts(&s->call, "Event");
	ev_init(s, r, ev, EV_CALL, s->call.s);
	if (ef)
		set_error(s, ev, ef, err);
	if (!hf) {
		/* a handle failure on no named handle: the timeline lists
		 * it as unexplained; anything else is not ours */
		if (ev->errc != ERRC_BADF && ev->errc != ERRC_NOTSOCK)
			return 0;
	} else {
		enum etw_app_role role = rule ? rule->role : APP_USE;
		int sock = rule && rule->socket_only >= 0 ? rule->socket_only :
			   !strcasecmp(hf, "Socket");
		struct hent *e = hent_get(s, r->pid, h, 0);
		const char *now = e && e->open ? e->desc : NULL;
		struct strbuf *ob = &s->obj[0];
		switch (role) {
		case APP_CREATE:
			sb_reset(ob);
			sb_printf(ob, "%s 0x%llx", rule && rule->object ?
				  rule->object : sock ? "Socket" : "Handle",
				  (unsigned long long)h);
			event_add_effect(ev, EFF_CREATE, EF_IF_OK, h, -1, ob->s);
			if (!ev->failed) {
				e = hent_get(s, r->pid, h, 1);
				e->open = 1;
				e->by_ob = 0;
				e->obj = 0;
				e->socket = sock;
				e->create_tid = r->tid;
				hent_set_desc(e, ob->s);
			}
			break;
		case APP_CLOSE:
			event_add_effect(ev, EFF_CLOSE, EF_IF_OK, h, -1, now);
			if (!ev->failed && e && !e->by_ob) {
				e->open = 0;
				e->close_tid = r->tid;
				e->close_ts = r->ts;
			}
			break;
		default:
			event_add_effect(ev, EFF_USE, sock ? EF_SOCKET_ONLY : 0, h, -1,
			       now);
			break;
		}
	}
	defer_raw(s, r, *pn ? pn : NULL, s->call.s, ev);
	return 1;
}

int etw_sem_event(struct etw_sem *s, const struct etw_rec *r,
		  struct ht_event *ev)
{
	int perfview = s->st->format == FMT_PERFVIEW_XML;
	sweep_closed(s);
	const struct etw_def *d = find_def(s, r, perfview);
	if (!d)
		return app_event(s, r, ev);
	switch (d->role) {
	case R_OB_CREATE:
	case R_OB_CLOSE:
	case R_OB_RUNDOWN:
	case R_OB_RUNDOWN_END:
		return ob_handle(s, d, r, ev);
	case R_OB_DUP:
		return ob_dup(s, d, r, ev);
	case R_OB_TYPE: {
		int64_t type;
		const char *tn = field_any(s, r, "TypeName|ObjectTypeName");
		if (int_field(s, r, "ObjectType", &type) == 0)
			set_type(s, (int)type, tn);
		return 0;
	}
	case R_PROC_START:
	case R_PROC_END:
	case R_PROC_DC:
	case R_THREAD_START:
	case R_THREAD_END:
	case R_THREAD_DC:
	case R_THREAD_NAME:
		/* classic kernel or Kernel-Process events: the kind seen
		 * first tells the lifetimes, the other would tell them twice */
		if (!s->task_kind)
			s->task_kind = d->classic ? 1 : 2;
		if (s->task_kind != (d->classic ? 1 : 2))
			return 0;
		return task_event(s, d, r, ev);
	case R_SOCK_CREATE:
	case R_SOCK_CLOSE:
	case R_SOCK_ACCEPT:
	case R_SOCK_USE:
		return sock_event(s, d, r, ev);
	case R_AFD_CREATE:
	case R_AFD_CLOSE:
	case R_AFD_USE:
		return afd_event(s, d, r, ev);
	case R_APP:
		return app_event(s, r, ev);
	case R_IGNORE:
		return 0;
	}
	return 0;
}

/* ---- Windows error names ------------------------------------------------ */

struct werr {
	enum werr_space sp;
	int64_t v;
	const char *name;
	enum err_class c;
};

static const struct werr werrs[] = {
#define WIN32(v, n, c) { WS_WIN32, v, n, c },
#define NTSTATUS(v, n, c) { WS_NTSTATUS, v, n, c },
#include "winerr.def"
#undef WIN32
#undef NTSTATUS
};

const char *winerr_name(enum werr_space sp, int64_t v, enum err_class *c)
{
	if (sp == WS_HRESULT) {
		sp = WS_WIN32;
		v &= 0xffff;
	}
	for (size_t i = 0; i < sizeof werrs / sizeof werrs[0]; i++)
		if (werrs[i].sp == sp && werrs[i].v == v) {
			*c = werrs[i].c;
			return werrs[i].name;
		}
	*c = ERRC_OTHER;
	return NULL;
}
