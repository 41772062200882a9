/* tools/etl_dump.c - prints what handletrail's .etl reader sees in a file:
 * the logfile header, buffers, CPUs, records per header type and per
 * provider (decoded or not), the first and last time, and with -e N the
 * first N records in time order with their decoded fields.  Used by
 * tests/checks/etl_real.sh (goldens) and for looking at new captures.
 *   build/etl-dump [-e N] FILE.etl */
#include <stdlib.h>
#include <string.h>
#include "../parser/etl.h"

struct prov {
	char name[200];
	long n, decoded;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct prov *)a)->name,
		      ((const struct prov *)b)->name);
}

int main(int argc, char **argv)
{
	long show = 0;
	int i = 1;
	if (argc > 2 && !strcmp(argv[1], "-e")) {
		show = atol(argv[2]);
		i = 3;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: etl-dump [-e N] FILE.etl\n");
		return 2;
	}
	const char *path = argv[i];
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct etl_reader *r = etl_reader_open(f, base, &st, &err);
	if (!r) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		return 2;
	}
	const struct etl_logfile *lf = etl_reader_logfile(r);
	char t0[40], t1[40], tb[40];
	printf("file: %s\n", base);
	if (lf->have) {
		etl_format_time(lf->start_time, t0, sizeof t0);
		etl_format_time(lf->end_time, t1, sizeof t1);
		etl_format_time(lf->boot_time, tb, sizeof tb);
		printf("logfile: version %u.%u.%u.%u build %u pointer %u "
		       "cpus %u buffer %u mode 0x%x buffers-written %u\n",
		       lf->version[0], lf->version[1], lf->version[2],
		       lf->version[3], lf->build, lf->ptr_size, lf->ncpus,
		       lf->buffer_size, lf->mode, lf->buffers_written);
		printf("logfile: perffreq %lld clock %u timer %u cpu-mhz %u "
		       "events-lost %u buffers-lost %u tz-bias %d\n",
		       (long long)lf->perf_freq, lf->clock_type, lf->timer_res,
		       lf->cpu_mhz, lf->events_lost, lf->buffers_lost,
		       lf->tz_bias);
		printf("logfile: start %s end %s boot %s\n", t0, t1, tb);
		printf("logfile: logger \"%s\" file \"%s\"\n", lf->logger_name,
		       lf->logfile_name);
	} else {
		printf("logfile: none\n");
	}
	struct prov *pv = NULL, *tl = NULL;
	size_t np = 0, cap = 0, ntl = 0, captl = 0;
	const struct etl_record *e;
	struct etw_rec rec;
	memset(&rec, 0, sizeof rec);
	struct strbuf scratch;
	sb_init(&scratch);
	int64_t first = 0, last = 0;
	long bad = 0;
	while ((e = etl_reader_next(r)) != NULL) {
		if (e->seq == 1)
			first = e->ft;
		last = e->ft;
		char name[80];
		etl_provider_name(e, name, sizeof name);
		size_t k;
		for (k = 0; k < np && strcmp(pv[k].name, name); k++)
			;
		if (k == np) {
			if (np == cap)
				xgrow((void **)&pv, &cap, np + 1, sizeof *pv);
			memset(&pv[np], 0, sizeof pv[np]);
			snprintf(pv[np].name, sizeof pv[np].name, "%s", name);
			np++;
		}
		pv[k].n++;
		int rc = etl_decode(e, &rec, &scratch);
		if (rc > 0)
			pv[k].decoded++;
		if (rc < 0)
			bad++;
		if (e->tl_schema && rc >= 0 && rec.event_name) {
			/* TraceLogging: provider/event names from the schema */
			char tn[200];
			snprintf(tn, sizeof tn, "%s/%s", name,
				 etw_str(&rec, rec.event_name));
			for (k = 0; k < ntl && strcmp(tl[k].name, tn); k++)
				;
			if (k == ntl) {
				if (ntl == captl)
					xgrow((void **)&tl, &captl, ntl + 1,
					      sizeof *tl);
				memset(&tl[ntl], 0, sizeof tl[ntl]);
				snprintf(tl[ntl].name, sizeof tl[ntl].name,
					 "%s", tn);
				ntl++;
			}
			tl[k].n++;
		}
		if (e->seq > show)
			continue;
		char tt[40];
		etl_format_time(e->ft, tt, sizeof tt);
		printf("event %ld %s cpu %d pid %lld tid %lld %s %s", e->seq,
		       tt, e->cpu, (long long)e->pid,
		       (long long)e->tid, etl_htype_name(e->htype), name);
		if (e->group >= 0)
			printf(" group %d type %d", e->group, e->type);
		else
			printf(" id %d opcode %d", e->id, e->opcode);
		printf(" v%u", e->version);
		if (rec.event_name)
			printf(" \"%s\"", etw_str(&rec, rec.event_name));
		printf(" len %zu at 0x%llx+0x%x:", e->len, e->offset, e->boff);
		for (int j = 0; j < rec.nfields; j++)
			printf(" %s=%s", etw_fname(rec.buf, &rec.f[j]),
			       etw_value(&rec, &rec.f[j]));
		if (rc < 0)
			printf(" BAD: %s", rec.bad);
		printf("\n");
	}
	struct etl_counts c;
	etl_reader_counts(r, &c);
	printf("buffers: %ld (%ld compressed), cpus with buffers %ld, "
	       "records %ld, problems %ld, bytes skipped %lld, "
	       "undecodable %ld\n", c.buffers, c.compressed, c.cpus, c.records,
	       c.problems, c.bytes_skipped, bad);
	for (int t = 0; t < 32; t++)
		if (c.by_htype[t])
			printf("header %s: %ld\n", etl_htype_name(t),
			       c.by_htype[t]);
	if (np)   /* qsort's base may not be NULL, even for 0 items */
		qsort(pv, np, sizeof *pv, by_name);
	for (size_t k = 0; k < np; k++)
		printf("provider %s: %ld records, %ld decoded\n", pv[k].name,
		       pv[k].n, pv[k].decoded);
	if (ntl)
		qsort(tl, ntl, sizeof *tl, by_name);
	for (size_t k = 0; k < ntl; k++)
		printf("tracelogging %s: %ld\n", tl[k].name, tl[k].n);
	etl_format_time(first, t0, sizeof t0);
	etl_format_time(last, t1, sizeof t1);
	printf("time: first %s last %s\n", t0, t1);
	for (int k = 0; k < st.nsamples; k++)
		printf("problem: %s\n", st.samples[k].reason);
	free(pv);
	free(tl);
	free(rec.buf);
	sb_free(&scratch);
	etl_reader_close(r);
	return 0;
}
