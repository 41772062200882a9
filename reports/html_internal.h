/* reports/html_internal.h - what the reports/html_*.c files share: the data
 * one page is drawn from, the drawing context and the escaping helpers. */
#ifndef HANDLETRAIL_HTML_INTERNAL_H
#define HANDLETRAIL_HTML_INTERNAL_H

#include "label.h"

/* Everything a page shows.  report_html() fills it from the timeline;
 * unit tests fill it by hand, so the renderer never calls timeline_*. */
struct html_data {
	const struct capture *c;
	const struct finding *f;
	int nf;
	const struct unexplained *u;
	int nu;
	const struct task_info *t;
	int nt;
	const struct generation_info *g;
	int ng;
	const struct timeline_stats *st;  /* NULL when nothing was analysed */
};

void html_render(struct strbuf *sb, const struct html_data *d);

/* Limits that keep a report of a huge trace small.  Whatever they cut is
 * said on the page. */
#define HTML_GROUP_CAP   1000   /* finding groups drawn as a section */
#define HTML_ROW_CAP     20000  /* findings listed in the findings table */
#define HTML_STORY_CAP   100    /* groups that get the full story */
#define HTML_OCC_ROWS    20     /* occurrences of a group shown as rows */
#define HTML_ANCHOR_CAP  20000  /* #F anchors for further occurrences */
#define HTML_CHAIN_CAP   16     /* chain steps shown per finding */
#define HTML_RAW_CAP     600    /* bytes of one raw trace line */
#define HTML_STACK_LINES 12     /* lines of a -k stack */
#define HTML_HANDLE_ROWS 400    /* rows of the Handles table */
#define HTML_UNEXPL_ROWS 400    /* rows of the Unexplained table */

/* The drawing context shared by the parts of a page. */
struct html_ctx {
	struct strbuf *sb;
	const struct html_data *d;
	int64_t ts0;     /* origin of "+x ms" times, TS_NONE if no stamps */
	struct label_clock clk;  /* how times read (label.c) */
	const struct source_traits *tr;  /* how handles read (label.c) */
	/* lookup indexes, sorted: tasks by tid, generations by
	 * (pid, handle, generation) */
	const struct task_info **tasks;
	const struct generation_info **gens;
};

/* Trace text, made safe and visible: HTML specials escaped; control bytes,
 * invalid UTF-8, bidi and invisible format characters shown as \xNN or
 * <U+XXXX> marks.  _text may add <span> markup (element content only),
 * _attr never does (attribute values, SVG <title>).  NULL prints "". */
void hx_text(struct strbuf *sb, const char *s);
void hx_textn(struct strbuf *sb, const char *s, size_t n);
void hx_attr(struct strbuf *sb, const char *s);
void hx_attrn(struct strbuf *sb, const char *s, size_t n);
/* a path or an object, with <wbr> where it may wrap: after / \\ -> , [
 * and every 20 characters at the latest (element content only) */
void hx_path(struct strbuf *sb, const char *s);
/* a raw trace line capped at HTML_RAW_CAP bytes (the cut is said) */
void hx_raw(struct strbuf *sb, const char *s);

/* Formatting helpers (html_fmt.c). */
void hc_handle(struct html_ctx *x, int64_t h);       /* "fd 8" */
void hc_handle_num(struct html_ctx *x, int64_t h);   /* "8" / "0x1A4" */
void hc_thread(struct html_ctx *x, int64_t tid);     /* "thread N (name)" */
void hc_process(struct html_ctx *x, const char *program, int64_t pid);
void hc_loc(struct html_ctx *x, const struct source_loc *l);
/* "21:21:22.331252 (+0.001565s)" (label.c), or "+0.001565s" */
void hc_reltime(struct html_ctx *x, int64_t ts);
void hc_duration(struct strbuf *sb, int64_t ns);     /* "0.352 ms" */
void hc_object(struct html_ctx *x, const char *obj); /* or "unknown" */
const struct task_info *hc_task(struct html_ctx *x, int64_t tid);
const struct generation_info *hc_gen(struct html_ctx *x, int64_t pid,
				     int64_t h, int gen);
void hc_index(struct html_ctx *x);       /* builds the lookup indexes */
void hc_index_free(struct html_ctx *x);
const char *hc_basename(const char *path);
/* "5 events lost on CPU 1 between 21:21:22.331252 (+0.008178s) and
 * ... (line 229)": one loss the tracer said (trace_gap) */
void hc_gap(struct html_ctx *x, const struct trace_gap *g);
/* Whether loss g falls between two times of a story (in order; TS_NONE
 * unknown: then no): a call lost there may change it. */
int hc_gap_between(const struct trace_gap *g, int64_t a, int64_t b);
const char *hc_kind_name(enum finding_kind k);
const char *hc_sev_name(enum severity s);
const char *hc_lifetime_code(enum lifetime_class lt); /* "AIFI" ... */
const char *hc_lifetime_text(enum lifetime_class lt);
int hc_role_is(const struct chain_step *s, const char *role);

/* From cause (first close, or the offending call) to symptom (the last
 * failure) of a finding; ok = 0 when the chain has no such pair. */
struct hc_span {
	int ok;
	int64_t dt;   /* ns, TS_NONE when a stamp is missing */
	long dl;      /* trace lines, -1 across files */
	const struct chain_step *cause, *symptom;
};
void hc_span(const struct finding *f, struct hc_span *sp);

/* The story of one root-cause card (html_story.c): its first root in
 * full (full = 0: headline and offending call only), what followed one
 * line each, its repeats.  base is the findings array cs was built on. */
void html_story(struct html_ctx *x, const struct card *c,
		const struct card_set *cs, const struct finding *base,
		int full, int *anchors_left);

/* The timeline graphic of one finding's handle number (html_svg.c). */
void html_svg_timeline(struct html_ctx *x, const struct finding *f,
		       int64_t culprit, int64_t victim);

/* The page's script (html_assets.c; its style sheet html_css is in
 * reports.h); html_csp_hash() (reports.h) gives the CSP source for them. */
extern const char html_js[];

#endif
