/* parser/etl.c - the binary .etl backend: opens the file (a compressed or
 * piped one is first spooled to a temporary file, since the reader needs
 * to seek), reads its records in time order (etl_read.c), decodes them
 * (etl_decode.c) and gives them the meaning XML exports get (etw_sem.c).
 * Records it does not decode are counted by provider and named in the
 * input's limits. */
#include <stdlib.h>
#include <string.h>
#include "etl.h"

#define FILETIME_UNIX_EPOCH 116444736000000000LL
#define MAX_PROVIDERS 1024

struct provcount {
	int used;
	unsigned char key[17];
	char name[80];
	long records, decoded;
};

struct etl_parser {
	struct input_stats *st;
	char *path;
	struct etl_reader *rd;
	struct etw_sem *sem;
	struct etw_rec rec;
	struct strbuf scratch;    /* etl_decode's, kept between records */
	int more, done;
	int have_ts;
	struct provcount *prov;   /* MAX_PROVIDERS slots, open addressing */
	struct provcount *last;   /* the last guid's: runs are common */
	struct provcount *group[256]; /* kernel groups' (most records) */
	long nprov, prov_other;
	long undecoded, bad;
};

int etl_sniff(const char *buf, size_t n)
{
	const unsigned char *u = (const unsigned char *)buf;
	if (n < ETL_BUFFER_HEADER + 0x20)
		return 0;
	uint32_t size = (uint32_t)u[0] | (uint32_t)u[1] << 8 |
			(uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
	const unsigned char *rec = u + ETL_BUFFER_HEADER;
	/* a buffer, whose first record is the SYSTEM record of group 0,
	 * type 0 that holds the logfile header */
	return size >= ETL_BUFFER_HEADER + 0x20 && size <= ETL_MAX_BUFFER &&
	       (rec[2] == ETL_SYSTEM32 || rec[2] == ETL_SYSTEM64) &&
	       (rec[3] & 0xC0) == 0xC0 && rec[6] == 0 && rec[7] == 0;
}

/* A seekable FILE holding the whole decompressed input. */
static FILE *seekable(struct instream *in, struct input_stats *st,
		      struct ht_error *err)
{
	const char *path = instream_path(in);
	if (!st->compression[0] && strcmp(path, "-") &&
	    strcmp(path, "<stdin>")) {
		FILE *f = fopen(path, "rb");
		if (f)
			return f;
	}
	FILE *f = tmpfile();
	if (!f) {
		ht_error_set(err, path, 0, "cannot make a temporary file to "
			     "read the .etl from");
		return NULL;
	}
	char buf[65536];
	long n;
	while ((n = instream_read(in, buf, sizeof buf, err)) > 0)
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
			ht_error_set(err, path, 0, "cannot write the "
				     "temporary copy of the .etl");
			fclose(f);
			return NULL;
		}
	if (n < 0) {
		fclose(f);
		return NULL;
	}
	return f;
}

static void describe_logfile(struct etl_parser *p)
{
	const struct etl_logfile *lf = etl_reader_logfile(p->rd);
	struct etl_counts c;
	etl_reader_counts(p->rd, &c);
	if (!lf->have)
		return;
	snprintf(p->st->flags, sizeof p->st->flags, "Windows %u.%u build %u, "
		 "%u-bit, %ld of %u CPUs, %s clock%s", lf->version[0],
		 lf->version[1], lf->build, lf->ptr_size == 4 ? 32 : 64,
		 c.cpus, lf->ncpus, lf->clock_type == 1 ? "QPC" :
		 lf->clock_type == 2 ? "system-time" : lf->clock_type == 3 ?
		 "CPU-cycle" : "unknown", c.compressed ? ", compressed" : "");
	char msg[200];
	if (lf->events_lost || lf->buffers_lost) {
		snprintf(msg, sizeof msg, "the logger lost %u events and %u "
			 "buffers (EventsLost, BuffersLost in the logfile "
			 "header): handle events may be missing",
			 lf->events_lost, lf->buffers_lost);
		input_stats_limit(p->st, msg);
	}
}

void *etl_open(struct instream *in, const struct parser_options *o,
	       struct input_stats *st, struct ht_error *err)
{
	FILE *f = seekable(in, st, err);
	char *path = xstrdup(instream_path(in));
	instream_close(in);
	if (!f) {
		free(path);
		return NULL;
	}
	struct etl_parser *p = xcalloc(1, sizeof *p);
	p->st = st;
	p->path = path;
	p->rd = etl_reader_open(f, path, st, err);
	if (!p->rd) {
		etl_close(p);
		return NULL;
	}
	p->sem = etw_sem_new(o, st, p->path, err);
	if (!p->sem) {
		etl_close(p);
		return NULL;
	}
	p->prov = xcalloc(MAX_PROVIDERS, sizeof *p->prov);
	describe_logfile(p);
	return p;
}

static struct provcount *provider(struct etl_parser *p,
				  const struct etl_record *e)
{
	int by_guid = e->htype == ETL_EVENT32 || e->htype == ETL_EVENT64 ||
		      (e->have_guid && e->group < 0);
	/* most records: a kernel group seen before, or the guid of the
	 * last guid's record; the key is made only past these */
	if (!by_guid && p->group[e->group & 255])
		return p->group[e->group & 255];
	if (by_guid && p->last && !memcmp(p->last->key + 1, e->guid, 16))
		return p->last;
	unsigned char key[17];
	memset(key, 0, sizeof key);
	if (by_guid) {
		key[0] = 1;
		memcpy(key + 1, e->guid, 16);
	} else {
		key[0] = 2;
		key[1] = (unsigned char)e->group;
	}
	/* a guid's bytes are random enough: two words mixed, not a hash
	 * byte by byte (one lookup a record) */
	uint64_t a, b;
	memcpy(&a, key + 1, 8);
	memcpy(&b, key + 9, 8);
	size_t h = (size_t)(((a ^ b * 0x9E3779B97F4A7C15u ^ key[0]) *
			     0xBF58476D1CE4E5B9u) >> 40) % MAX_PROVIDERS;
	for (size_t i = 0; i < MAX_PROVIDERS; i++) {
		struct provcount *c = &p->prov[(h + i) % MAX_PROVIDERS];
		if (!c->used) {
			if (p->nprov >= MAX_PROVIDERS / 2)
				return NULL;
			c->used = 1;
			memcpy(c->key, key, sizeof key);
			etl_provider_name(e, c->name, sizeof c->name);
			p->nprov++;
		} else if (memcmp(c->key, key, sizeof key) != 0) {
			continue;
		}
		if (by_guid)
			p->last = c;
		else
			p->group[key[1]] = c;
		return c;
	}
	return NULL;
}

static int by_undecoded(const void *a, const void *b)
{
	const struct provcount *x = a, *y = b;
	long nx = x->records - x->decoded, ny = y->records - y->decoded;
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void finish(struct etl_parser *p)
{
	char msg[400];
	if (p->undecoded) {
		struct provcount *v = xmalloc(MAX_PROVIDERS * sizeof *v);
		size_t n = 0;
		for (size_t i = 0; i < MAX_PROVIDERS; i++)
			if (p->prov[i].used &&
			    p->prov[i].records > p->prov[i].decoded)
				v[n++] = p->prov[i];
		qsort(v, n, sizeof *v, by_undecoded);
		size_t np = n + (p->prov_other ? 1 : 0);
		int k = snprintf(msg, sizeof msg, "%ld of %ld records not "
				 "decoded (no layout for their provider or "
				 "event; %zu provider%s):", p->undecoded,
				 p->st->lines, np, np == 1 ? "" : "s");
		for (size_t i = 0; i < n && i < 3 && k > 0 &&
		     (size_t)k < sizeof msg; i++)
			k += snprintf(msg + k, sizeof msg - (size_t)k,
				      "%s %s %ld", i ? "," : "", v[i].name,
				      v[i].records - v[i].decoded);
		if (n > 3 && k > 0 && (size_t)k < sizeof msg)
			snprintf(msg + k, sizeof msg - (size_t)k, ", ...");
		free(v);
		input_stats_limit(p->st, msg);
	}
	etw_sem_finish(p->sem);
}

int etl_next(void *vp, struct ht_event *ev, struct ht_error *err)
{
	struct etl_parser *p = vp;
	(void)err;
	if (p->more) {
		p->more = 0;
		if (etw_sem_more(p->sem, &p->rec, ev)) {
			p->st->events++;
			return 1;
		}
	}
	if (p->done)
		return 0;
	const struct etl_record *e;
	while ((e = etl_reader_next(p->rd)) != NULL) {
		p->st->lines++;
		int64_t ns = (e->ft - FILETIME_UNIX_EPOCH) * 100;
		if (!p->have_ts || ns < p->st->ts_first)
			p->st->ts_first = ns;
		if (!p->have_ts || ns > p->st->ts_last)
			p->st->ts_last = ns;
		p->have_ts = 1;
		p->st->clock = TSC_EPOCH;
		struct provcount *pc = provider(p, e);
		if (pc)
			pc->records++;
		else
			p->prov_other++;
		int rc = etl_decode(e, &p->rec, &p->scratch);
		if (rc < 0) {
			input_stats_skip(p->st, e->seq, "event %ld at byte "
					 "0x%llx+0x%x: %s", e->seq, e->offset,
					 e->boff, p->rec.bad);
			continue;
		}
		if (rc == 0 && e->group == 0 && e->type == 0 &&
		    (e->htype == ETL_SYSTEM32 || e->htype == ETL_SYSTEM64)) {
			if (pc)
				pc->decoded++;   /* the logfile header */
			continue;
		}
		if (rc == 0) {
			p->undecoded++;
			continue;
		}
		if (pc)
			pc->decoded++;
		p->rec.ts = ns;
		p->rec.line = e->seq;
		p->rec.index = e->seq;
		p->rec.offset = e->offset + (e->compressed ? 0 : e->boff);
		int got = etw_sem_event(p->sem, &p->rec, ev);
		if (got) {
			p->more = got == 2;
			p->st->events++;
			return 1;
		}
	}
	p->done = 1;
	finish(p);
	return 0;
}

void etl_close(void *vp)
{
	struct etl_parser *p = vp;
	if (!p)
		return;
	etl_reader_close(p->rd);
	etw_sem_free(p->sem);
	free(p->rec.buf);
	sb_free(&p->scratch);
	free(p->prov);
	free(p->path);
	free(p);
}
