/* reports/perfetto.h - what the two halves of the Chrome trace-event
 * export share: perfetto.c draws findings, handle generations and lost
 * events from what the timeline kept; perfetto_events.c streams every
 * event of the capture as the analysis reads it (--perfetto-events all)
 * and hands perfetto.c the frame it drew in (time origin, tracks). */
#ifndef HANDLETRAIL_PERFETTO_H
#define HANDLETRAIL_PERFETTO_H

#include "label.h"

#define PF_SLICE_NS 1000    /* slice length without a duration: 1 us */
#define PF_MIN_SLICE_NS 2   /* so a flow point fits strictly inside */
#define PF_MAX_T ((int64_t)1 << 53)
/* The pseudo-process of the CPU tracks and of the events lost, and its
 * CPU threads: ids no task has (Linux pids stay below 2^22, Windows ids
 * are multiples of 4), so no real thread shares a track with them. */
#define PF_CPU_PID ((int64_t)2000000001)
#define PF_CPU_TID(cpu) (PF_CPU_PID + 2 + 4 * (int64_t)(cpu))
#define PF_MAX_CPUS 4096    /* CPUs that get a track of their own */

/* ts - base without overflow, kept below 2^53 so that every sum stays
 * exact in a JSON reader's double; -1 when ts is unknown */
int64_t pf_rebase(int64_t ts, int64_t base);
/* "ts": 12.345 (microseconds, from ns) */
void pf_kus(struct jsonw *w, struct strbuf *tmp, const char *k, int64_t ns);
/* key and string value, the value cut at cap bytes of JSON (on a
 * character, the cut marked "..."): trace text cannot make an event
 * longer than its caps */
void pf_kstr_cap(struct jsonw *w, const char *k, const char *s, size_t cap);
/* ",\n" between events; starts a compact writer on a new object */
void pf_event_start(struct jsonw *w, struct strbuf *sb, int *first);

/* One event held back until the next one on its track says how long it
 * may last (slices never overlap on a track). */
struct pf_slot {
	int have;
	int open;                  /* an unfinished call: until the next */
	int64_t start, end, floor; /* floor: its own time + PF_MIN_SLICE_NS */
	int64_t last_end;          /* of the slice drawn before it */
	int64_t pid, tid;          /* its track */
	const char *file;          /* the trace line it came from, to tell */
	long line;                 /* a line told twice (perf's entry) */
	int phase;
	struct strbuf body;        /* the event from "cat" on: {"cat":...} */
};

/* What a streamed export drew, for perfetto.c to draw the findings in
 * the same frame. */
struct pf_file {
	char *path;
	long off;                  /* untimed: trace lines placed before */
	long last;                 /* last line of it drawn (a split call:
				      its resumed line) */
};

struct pf_stream {
	long cap;                  /* events drawn at most */
	long drawn, left_out;      /* past the cap: counted, not drawn */
	long untimed;              /* no timestamp in a timed capture */
	int started, timed;
	int64_t base;              /* the first event's time */
	int64_t t_end;             /* the latest time drawn */
	int first;                 /* no event written yet */
	int ninputs;
	struct pf_file *files;     /* in the order their first event came */
	size_t nfiles, capfiles;
	long lines_max;            /* untimed: the latest line placed */
	struct pf_thread *thr;     /* live threads, open addressing */
	size_t nthr, capthr;
	int64_t *pairs;            /* (pid, tid) of every thread track
				      drawn, open addressing (pid first) */
	size_t npairs, cappairs;
	struct pf_slot *cpu;       /* CPU tracks, by number */
	int ncpu;
	struct strbuf out, tmp, nm;
	pf_flush_fn *flush;
	void *ctx;
};

/* The findings, generations and losses of c, and the end of the
 * document, after the events s streamed (perfetto.c). */
void pf_document_end(struct pf_stream *s, const struct capture *c);

#endif
