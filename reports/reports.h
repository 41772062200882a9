/* reports/reports.h - the face of reports/: one analysed capture rendered
 * as text, JSON, HTML (and, for pipelines, SARIF and timeline exports). */
#ifndef HANDLETRAIL_REPORTS_H
#define HANDLETRAIL_REPORTS_H

#include "../timeline/timeline.h"

/* What the triage options (--min-severity, --kind, --process, --thread,
 * --handle, --finding, --summary) ask of a report.  Zeroed plus
 * selection_init(): everything. */
struct selection {
	enum severity min_severity;
	int has_min_severity;        /* --min-severity was given */
	unsigned kinds;              /* bit (1 << kind) each; 0: every kind */
	int64_t pid, tid;            /* -1: any */
	int64_t handle;
	int has_handle;
	int finding;                 /* one finding's id; 0: any */
	int summary;                 /* root causes only, one line each */
	char said[256];              /* the options as given, for reports */
};
void selection_init(struct selection *s);
/* One triage option (its long name without "--") and its argument.
 * 0, or -1 with msg saying what was wrong. */
int selection_option(struct selection *s, const char *name, const char *arg,
		     char *msg, size_t msgsize);
int selection_active(const struct selection *s);

/* The part of a capture the reports show (reports/select.c). */
struct capture_view {
	struct finding *f;           /* selected findings, in id order */
	int nf;
	struct unexplained *u;
	int nu;
	int total, left_out;         /* findings in all; left out */
	int folded;                  /* --summary: told in their root's line */
	int utotal, uleft_out;       /* unexplained failures */
	int worst;                   /* worst severity selected, -1 none */
};

/* One analysed capture: its input files and the resulting timeline. */
struct capture {
	const char *name;            /* display name of the capture */
	struct input_stats *inputs;
	int ninputs;
	const struct timeline *tl;
	const char *fatal;           /* a fatal parse error message, or NULL
					(then the results are partial) */
	const struct selection *sel; /* set by capture_select(), else NULL */
	struct capture_view view;
};

/* Applies s to c before any report is written: the reports then show
 * only what s selects and say what was left out (view.total: how many
 * findings there are, ids 1 to total). */
void capture_select(struct capture *c, const struct selection *s);
void capture_unselect(struct capture *c);
/* What the reports show: the selection, or everything. */
const struct finding *capture_findings(const struct capture *c, int *n);
const struct unexplained *capture_unexplained(const struct capture *c,
					      int *n);
/* The finding shown with this id, or NULL. */
const struct finding *capture_finding(const struct capture *c, int id);
/* Finding id among f[0..n), which are in id order, or NULL. */
const struct finding *finding_by_id(const struct finding *f, int n, int id);
/* "--kind stale-close: 3 of 12 findings shown, 9 left out ..." for every
 * report to state; 0 (nothing appended) without a selection. */
int capture_selection_said(const struct capture *c, struct strbuf *sb);
/* The report model shared by text and HTML: one root-cause card per bug.
 * A card holds the root causes (findings that follow from no other) of
 * one bug (struct finding's bug: the fingerprint, or for a family of
 * kinds such as a second close the culprit's act whichever way it ended),
 * the worst first, then by kind, each in id order: roots[0] is told in
 * full, the others are its repeats.  Beneath it, every finding that
 * follows from one of them (caused_by, at any depth), in id order.  Cards
 * come errors first, then warnings, then notes (by their worst root),
 * each by the id of its first root.  JSON keeps every finding and names
 * its card ("group"). */
struct card {
	const struct finding *const *roots;
	int nroots;
	const struct finding *const *follow;
	int nfollow;
	enum severity sev;            /* of roots[0], the worst */
};
struct card_set {
	struct card *cards;
	int n;
	const struct finding **pool;  /* roots and followers */
	int *root;                    /* per finding (by id - 1): the index
					 of its root cause, itself for a root */
	int *head;                    /* per finding: id of its card's
					 roots[0] */
	int *first, *next;            /* what followed each root, as lists
					 by index: first[root], then next[]
					 until -1, in id order */
};
void cards_build(struct card_set *cs, const struct finding *f, int nf);
void cards_free(struct card_set *cs);
/* 1 when -k frames tie the card's repeats to its first root; else only
 * program, thread and calls do (the reports say which). */
int card_by_stack(const struct card *c);

/* Exit status of a capture: 2 when it broke off (fatal), else 1 when a
 * selected finding is a warning or an error, else 0. */
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
	const char *selection;       /* what triage options left out, or
					NULL */
	const char *limits;          /* what it cannot show and the bounds
					reached, '\n'-separated, or NULL */
	const char *base;            /* the absolute folder relative paths
					lead from (a uriBaseId), or NULL */
	const char *const *compression;  /* per path: "gzip", "xz", "zstd",
					    "" or NULL; or NULL */
};
void report_sarif_captures(struct strbuf *sb, const struct sarif_capture *c,
			   int n);
/* The same, one capture at a time (memory stays per capture): begin,
 * add each capture (its data may be freed after the call), end. */
struct sarif_log;
struct sarif_log *sarif_begin(struct strbuf *sb);
/* Streamed: flush(ctx, sb) writes sb out and resets it, called whenever
 * sb holds 64 KiB and with the rest at sarif_end. */
typedef void sarif_flush_fn(void *ctx, struct strbuf *sb);
void sarif_stream(struct sarif_log *l, sarif_flush_fn *flush, void *ctx);
void report_sarif_stream(struct strbuf *sb, const struct capture *const *caps,
			 int n, sarif_flush_fn *flush, void *ctx);
void sarif_add(struct sarif_log *l, const struct sarif_capture *c);
void sarif_end(struct sarif_log *l);  /* finishes the document, frees l */
/* The Content-Security-Policy source "'sha256-BASE64'" of an inline
 * <style> or <script> text, so a page allows exactly its own (also the
 * batch index page's) and nothing a trace string might smuggle in. */
void html_csp_hash(char out[64], const char *text);
/* How the inline scripts of the HTML report and the batch index begin:
 * script errors counted for the browser tests, and sortBy(), which
 * sorts a table by a column (data-v first, numbers as numbers); each
 * page ends sortBy() its own way ("}" after what it adds). */
#define HTML_JS_HEAD \
"(function(){'use strict';\n" \
"var d=document,root=d.documentElement,errors=0;\n" \
"function fault(){errors++;root.setAttribute('data-js-errors'," \
"String(errors));}\n" \
"window.addEventListener('error',fault);\n" \
"d.addEventListener('securitypolicyviolation',fault);\n" \
"root.classList.remove('nojs');\n" \
"function each(list,f){Array.prototype.forEach.call(list,f);}\n" \
"function key(td){var v=td.getAttribute('data-v');" \
"return v!==null?v:td.textContent.trim();}\n" \
"function sortBy(table,col,th){\n" \
" var tb=table.tBodies[0],rows=Array.prototype.slice.call(tb.rows);\n" \
" var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;\n" \
" rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);\n" \
"  var nx=Number(x),ny=Number(y),c;\n" \
"  if(x!==''&&y!==''&&!isNaN(nx)&&!isNaN(ny))c=nx-ny;\n" \
"  else c=x.localeCompare(y);\n" \
"  return c*dir||a.rowIndex-b.rowIndex;});\n" \
" each(th.parentNode.cells,function(h){h.removeAttribute('aria-sort');});\n" \
" th.setAttribute('aria-sort',dir>0?'ascending':'descending');\n" \
" rows.forEach(function(r){tb.appendChild(r);});\n"
/* The HTML report's style sheet (reports/html_assets.c): the batch index
 * page wears it too, so the two read alike. */
extern const char html_css[];
/* What a finding kind means, in one line: the HTML report's Summary and
 * the batch index say it the same way. */
const char *html_kind_blurb(enum finding_kind k);
/* Chrome trace-event JSON timeline (reports/perfetto.c): the calls of
 * the findings' stories, handle generations, findings, lost events */
void report_perfetto(struct strbuf *sb, const struct capture *c);
/* The same with every event of the capture (--perfetto-events all,
 * reports/perfetto_events.c), streamed as the analysis reads them so
 * that memory follows the threads, not the trace: pf_stream_event is
 * analyse_options.on_event; flush(ctx, sb) writes sb out and resets it.
 * At most cap events are drawn (PF_EVENTS_CAP: about 150 MB of JSON;
 * each event is bounded), the rest are counted.  Once the capture is
 * analysed (and selected), pf_stream_end() adds its findings, names and
 * losses and ends the document; pf_stream_free() drops a failed one. */
#define PF_EVENTS_CAP 500000
typedef void pf_flush_fn(void *ctx, struct strbuf *sb);
struct pf_stream;
struct pf_stream *pf_stream_new(long cap, int ninputs, pf_flush_fn *flush,
				void *ctx);
void pf_stream_event(void *stream, const struct ht_event *ev,
		     const struct timeline *tl);
/* events drawn (*drawn) and left out past the cap (returned) */
long pf_stream_left_out(const struct pf_stream *s, long *drawn);
void pf_stream_end(struct pf_stream *s, const struct capture *c);
void pf_stream_free(struct pf_stream *s);

#endif
