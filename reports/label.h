/* reports/label.h - how every report shows a person what the model holds
 * as data: threads and processes by name, handles in their platform's
 * notation (Windows hex, Linux decimal), times as wall clock plus the
 * offset from the capture's start, and the SUMMARY line.  Each appends
 * plain text: the names come from the trace, callers escape them. */
#ifndef HANDLETRAIL_LABEL_H
#define HANDLETRAIL_LABEL_H

#include "reports.h"

/* "server (17208)", "kb-socket (17248, pid 17247)", "thread 17208" */
void label_thread(struct strbuf *sb, const char *thread_name,
		  const char *process_name, int64_t tid, int64_t pid);
/* "kbserver.exe (3396)", "process 3396" */
void label_process(struct strbuf *sb, const char *process_name,
		   int64_t pid);
/* "5" / "0x1A4" (uppercase, as WinDbg shows it) */
void label_handle_num(struct strbuf *sb, const struct source_traits *tr,
		      int64_t h);
/* "fd 5" / "handle 0x1A4" */
void label_handle(struct strbuf *sb, const struct source_traits *tr,
		  int64_t h);
/* "race.txt:84", "kb.xml:546 (event 18)", "kb.etl:17 (event 17, byte
 * 0x540)" */
void label_loc(struct strbuf *sb, const struct source_loc *l);
/* The SUMMARY line's text, shared by every report that shows one:
 * "stale-close fd 5 (socket:[26412]) kb.txt:146 in launcher (17247)
 * close()" (the report puts "SUMMARY: handletrail: " before it). */
void label_summary(struct strbuf *sb, const struct finding *f);
/* The story in one sentence, in time order, a verb on every step:
 * "launcher (17207) opened fd 5 for anon_inode:[pidfd] (line 118) →
 * launcher (17207) closed it (anon_inode:[pidfd]) (line 131) → ..." */
void label_in_order(struct strbuf *sb, const struct finding *f);
/* what the capture's first input can tell (handle notation) */
const struct source_traits *capture_traits(const struct capture *c);

/* When a capture's events happened: what its timestamps count from and
 * its first one (the "+offset" origin). */
struct label_clock {
	enum ts_clock clock;
	int64_t t0;              /* TS_NONE: no timestamps */
};
void label_clock_of(struct label_clock *k, const struct capture *c);
/* "21:21:22.331252 (+0.001565s)"; relative clocks "+0.001565s"; no
 * time: nothing (returns 0) */
int label_time(struct strbuf *sb, const struct label_clock *k, int64_t ts);
/* "+0.001565s" */
void label_offset(struct strbuf *sb, const struct label_clock *k,
		  int64_t ts);
/* What the capture's times are, for its header: "2026-11-22
 * 21:21:22.329687 UTC" ... or why there is no wall-clock time. */
void label_start(struct strbuf *sb, const struct label_clock *k);
/* ISO 8601 UTC with microseconds, "2026-11-22T21:21:22.331252Z", when
 * the clock gives a date (else 0 and buf ""). */
int label_iso(char buf[64], const struct label_clock *k, int64_t ts);

#endif
