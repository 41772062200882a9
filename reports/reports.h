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
/* The same from captures known only by their findings (batch and index
 * rebuild them from report.json files): one SARIF run over all of them. */
struct sarif_capture {
	const char *name;            /* capture name */
	const char *const *paths;    /* its trace files: the artifacts */
	int npaths;
	const struct finding *findings;
	int nfindings;
	const char *error;           /* failed or broke off: why, else NULL */
	long skipped;                /* lines lost to parse errors */
	long dropped;                /* findings past the cap, not listed */
};
void report_sarif_captures(struct strbuf *sb, const struct sarif_capture *c,
			   int n);
/* The same, one capture at a time (memory stays per capture): begin,
 * add each capture (its data may be freed after the call), end. */
struct sarif_log;
struct sarif_log *sarif_begin(struct strbuf *sb);
void sarif_add(struct sarif_log *l, const struct sarif_capture *c);
void sarif_end(struct sarif_log *l);  /* finishes the document, frees l */
/* The Content-Security-Policy source "'sha256-BASE64'" of an inline
 * <style> or <script> text, so a page allows exactly its own (also the
 * batch index page's) and nothing a trace string might smuggle in. */
void html_csp_hash(char out[64], const char *text);
/* Chrome trace-event JSON timeline (reports/perfetto.c) */
void report_perfetto(struct strbuf *sb, const struct capture *c);

#endif
