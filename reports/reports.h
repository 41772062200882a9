/* reports/reports.h - the face of reports/: one analysed capture rendered
 * as text, JSON, HTML (and, for pipelines, SARIF and timeline exports). */
#ifndef HANDLETRAIL_REPORTS_H
#define HANDLETRAIL_REPORTS_H

#include "../timeline/timeline.h"

/* One analysed capture: its input files and the resulting timeline. */
struct capture {
	const char *name;            /* display name of the capture */
	struct input_stats *inputs;
	int ninputs;
	const struct timeline *tl;
	const char *fatal;           /* a fatal parse error message, or NULL
					(then the results are partial) */
};

/* Exit status of a capture: 2 when it broke off (fatal), else 1 when a
 * finding is a warning or an error, else 0. */
int capture_status(const struct capture *c);

/* Each renderer appends to sb.  Output depends only on the capture, never
 * on the time or the machine of the run, so reports can be diffed. */
void report_text(struct strbuf *sb, const struct capture *c, int color);
void report_json(struct strbuf *sb, const struct capture *c);
void report_html(struct strbuf *sb, const struct capture *c);
/* SARIF 2.1.0 over one or many captures (reports/sarif.c) */
void report_sarif(struct strbuf *sb, const struct capture *const *caps,
		  int n);
/* Chrome trace-event JSON timeline (reports/perfetto.c) */
void report_perfetto(struct strbuf *sb, const struct capture *c);

#endif
