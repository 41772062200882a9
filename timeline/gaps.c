/* timeline/gaps.c - findings whose evidence spans events the tracer lost.
 * The model has no notion of a gap: a reopen or a close lost there can
 * make a correct program look wrong (a close of a number reopened unseen
 * reads as stale).  Such a finding is kept, as a note, and says which
 * loss it spans.  Threads move between CPUs, so a loss on any CPU counts. */
#include <inttypes.h>
#include <stdio.h>
#include "internal.h"

/* the times a finding's story covers: its first step to its offending
 * call (a leak: to the end of the trace, where a lost close would be) */
static int evidence_span(const struct finding *f, int64_t *lo, int64_t *hi)
{
	*lo = f->ts;
	*hi = f->ts;
	for (int i = 0; i < f->nchain; i++) {
		int64_t t = f->chain[i].ts;
		if (t == TS_NONE)
			continue;
		if (*lo == TS_NONE || t < *lo)
			*lo = t;
		if (*hi == TS_NONE || t > *hi)
			*hi = t;
	}
	if (f->kind == FK_LEAK)
		*hi = INT64_MAX;
	return *lo != TS_NONE;
}

static int spans(const struct trace_gap *g, int64_t lo, int64_t hi)
{
	return (g->to == TS_NONE || g->to >= lo) &&
	       (g->from == TS_NONE || g->from <= hi);
}

/* "1684.664934" from ns */
static void put_time(char *buf, size_t cap, int64_t ns)
{
	if (ns == TS_NONE)
		snprintf(buf, cap, "?");
	else
		snprintf(buf, cap, "%" PRId64 ".%06" PRId64, ns / 1000000000,
			 ns % 1000000000 / 1000);
}

static const char *gap_note(struct timeline *tl, const struct finding *f,
			    const struct trace_gap *g)
{
	char from[32], to[32], cpu[24], n[32];
	put_time(from, sizeof from, g->from);
	put_time(to, sizeof to, g->to);
	cpu[0] = n[0] = '\0';
	if (g->cpu >= 0)
		snprintf(cpu, sizeof cpu, " on CPU %d", g->cpu);
	if (g->lost > 0)
		snprintf(n, sizeof n, "%ld ", g->lost);
	return fstrf(tl, "%s%s%sevents were lost%s between %s and %s (line "
		     "%ld), inside this finding's evidence: a call lost there "
		     "(a reopen, a close) may change it, so it is only a note",
		     f->evidence ? f->evidence : "", f->evidence ? "; " : "",
		     n, cpu, g->from == TS_NONE ? "the start" : from,
		     g->to == TS_NONE ? "the end" : to, g->line);
}

int timeline_gaps(struct timeline *tl, const struct trace_gap *g, int n)
{
	int changed = 0;
	for (size_t i = 0; i < tl->nfind; i++) {
		struct finding *f = &tl->findings[i];
		int64_t lo, hi;
		if (!evidence_span(f, &lo, &hi))
			continue;
		for (int k = 0; k < n; k++) {
			if (!spans(&g[k], lo, hi))
				continue;
			f->severity = SEV_NOTE;
			f->evidence = gap_note(tl, f, &g[k]);
			changed++;
			break;
		}
	}
	return changed;
}
