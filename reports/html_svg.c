/* reports/html_svg.c - the timeline graphic of one handle number as inline
 * SVG: a band per generation (the objects the number named), a lane per
 * thread, and a marker for each create, close, reuse, use and failure. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "html_internal.h"

#define MAX_PTS   (HTML_CHAIN_CAP + 12)
#define MAX_GENS  8
#define MAX_LANES 8

enum mark { M_CREATE, M_REUSE, M_USE, M_CLOSE, M_BADCLOSE, M_FAIL, M_END,
	M__COUNT };

struct pt {
	int64_t ts;
	long line;
	const char *file;
	int64_t tid;
	int gen;
	enum mark mark;
	const char *call, *result;
	int cpu;
	int order;
};

struct gen {
	int gen;
	const char *object;
	int outside;        /* open before the trace began */
	int seen;           /* some event shown touched it */
};

/* One graphic: its events (sorted), generations, lanes and geometry. */
struct graph {
	struct html_ctx *x;
	const struct finding *f;
	int64_t culprit, victim;
	struct pt pts[MAX_PTS];
	int npts, order;
	struct gen gens[MAX_GENS];
	int ngens;
	int64_t lanes[MAX_LANES];
	int nlanes;
	int xs[MAX_PTS];    /* x of each event */
	int left, right, slot, width, height;
};

/* vertical layout */
#define AXIS_Y 18
#define BAND_Y 34
#define BAND_H 24
#define LANE0  100
#define LANE_H 58

static const char *const gen_colors[] = {
	"#4e79a7", "#59a14f", "#9c755f", "#b07aa1", "#76b7b2", "#e0a030",
};
#define FAIL_COLOR "#c62828"

static const char *gen_color(int gen)
{
	return gen_colors[(gen > 0 ? gen - 1 : 0) % 6];
}

static int cmp_pt(const void *a, const void *b)
{
	const struct pt *x = a, *y = b;

	if (x->ts != TS_NONE && y->ts != TS_NONE && x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->file && y->file && strcmp(x->file, y->file) == 0 &&
	    x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order - y->order;
}

static enum mark step_mark(const struct finding *f, const struct chain_step *s)
{
	if (hc_role_is(s, "opened") || hc_role_is(s, "created") ||
	    hc_role_is(s, "duplicated"))
		return M_CREATE;
	if (hc_role_is(s, "reused"))
		return M_REUSE;
	if (hc_role_is(s, "closed"))
		return M_CLOSE;
	if (hc_role_is(s, "failed") || hc_role_is(s, "victim"))
		return M_FAIL;
	if (hc_role_is(s, "exited"))
		return M_END;
	if (hc_role_is(s, "offending")) {
		if (s->result && s->result[0] == '-')
			return M_FAIL;
		if (f->kind == FK_STALE_CLOSE || f->kind == FK_DOUBLE_CLOSE ||
		    f->kind == FK_CLOSE_WHILE_IN_USE)
			return M_BADCLOSE;
		return f->error ? M_FAIL : M_USE;
	}
	return M_USE;
}

static int same_place(const struct pt *p, const char *file, long line)
{
	return p->line == line && p->file && file &&
	       strcmp(p->file, file) == 0;
}

static struct gen *find_gen(struct gen *g, int ng, int gen)
{
	for (int i = 0; i < ng; i++)
		if (g[i].gen == gen)
			return &g[i];
	return NULL;
}

/* text cut to at most max bytes on a character boundary, with "…" */
static void short_text(struct strbuf *sb, const char *s, size_t max)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	if (n <= max) {
		hx_attrn(sb, s, n);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	hx_attrn(sb, s, max);
	sb_puts(sb, "\xe2\x80\xa6");
}

static void marker(struct strbuf *sb, enum mark m, int x, int y,
		   const char *color)
{
	switch (m) {
	case M_CREATE:
		sb_printf(sb, "<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"%s\" "
			  "stroke=\"#fff\" stroke-width=\"1.5\"/>", x, y, color);
		break;
	case M_REUSE:
		sb_printf(sb, "<path d=\"M%d %dl7 7l-7 7l-7 -7z\" fill=\"%s\" "
			  "stroke=\"#fff\" stroke-width=\"1.5\"/>", x, y - 7,
			  color);
		break;
	case M_USE:
		sb_printf(sb, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" "
			  "fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\"/>", x,
			  y, color);
		break;
	case M_CLOSE:
		sb_printf(sb, "<rect x=\"%d\" y=\"%d\" width=\"4\" "
			  "height=\"16\" fill=\"%s\"/>", x - 2, y - 8, color);
		break;
	case M_BADCLOSE:
		sb_printf(sb, "<path d=\"M%d %dl12 12M%d %dl-12 12\" stroke=\""
			  FAIL_COLOR "\" stroke-width=\"3.5\" "
			  "stroke-linecap=\"round\"/>", x - 6, y - 6, x + 6,
			  y - 6);
		break;
	case M_END:
		sb_printf(sb, "<rect x=\"%d\" y=\"%d\" width=\"10\" "
			  "height=\"10\" fill=\"#fff\" stroke=\"#666\" "
			  "stroke-width=\"2\"/>", x - 5, y - 5);
		break;
	case M_FAIL:
	default:
		sb_printf(sb, "<path d=\"M%d %dl8 14h-16z\" fill=\"" FAIL_COLOR
			  "\" stroke=\"#fff\" stroke-width=\"1\"/>"
			  "<text x=\"%d\" y=\"%d\" class=\"bang\">!</text>", x,
			  y - 9, x, y + 4);
		break;
	}
}

static const char *mark_word(enum mark m)
{
	switch (m) {
	case M_CREATE: return "opened";
	case M_REUSE: return "number reused";
	case M_USE: return "used";
	case M_CLOSE: return "closed";
	case M_BADCLOSE: return "closed the wrong object";
	case M_END: return "process ended";
	default: return "failed";
	}
}

static struct pt *add_pt(struct graph *g)
{
	struct pt *p = &g->pts[g->npts++];

	memset(p, 0, sizeof *p);
	p->cpu = -1;
	p->order = g->order++;
	return p;
}

/* The chain's steps (the middle ones dropped when there are many), or the
 * offending call alone when there is no chain. */
static void add_chain(struct graph *g)
{
	const struct finding *f = g->f;
	int skip = f->nchain > HTML_CHAIN_CAP ? f->nchain - HTML_CHAIN_CAP : 0;

	if (f->nchain == 0) {
		struct pt *p = add_pt(g);
		p->ts = f->ts;
		p->line = f->src.line;
		p->file = f->src.file;
		p->tid = f->tid;
		p->mark = f->error ? M_FAIL : M_BADCLOSE;
		p->call = f->call;
		p->result = f->error;
	}
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *s = &f->chain[i];
		struct pt *p;
		if (skip && i == 2) {
			i += skip - 1;
			continue;
		}
		p = add_pt(g);
		p->ts = s->ts;
		p->line = s->src.line;
		p->file = s->src.file;
		p->tid = s->tid;
		p->gen = s->generation;
		p->mark = step_mark(f, s);
		p->call = s->call;
		p->result = s->result;
		p->cpu = s->cpu;
		if (s->generation > 0 &&
		    !find_gen(g->gens, g->ngens, s->generation) &&
		    g->ngens < MAX_GENS) {
			struct gen *gn = &g->gens[g->ngens++];
			memset(gn, 0, sizeof *gn);
			gn->gen = s->generation;
			gn->object = s->object;
		}
	}
}

/* What the timeline knows of those generations: their objects, and their
 * open and close when the chain lacks them. */
static void add_generations(struct graph *g)
{
	const struct html_data *d = g->x->d;

	for (int i = 0; i < d->ng; i++) {
		const struct generation_info *gi = &d->g[i];
		struct gen *gn;
		if (gi->pid != g->f->pid || gi->handle != g->f->handle)
			continue;
		gn = find_gen(g->gens, g->ngens, gi->generation);
		if (!gn)
			continue;
		gn->object = gi->object;
		gn->outside = gi->opened.line <= 0;
		for (int e = 0; e < 2 && g->npts < MAX_PTS; e++) {
			const struct source_loc *l =
				e ? &gi->closed : &gi->opened;
			struct pt *p;
			int dup = 0;
			if (l->line <= 0)
				continue;
			for (int k = 0; k < g->npts; k++)
				if (same_place(&g->pts[k], l->file, l->line))
					dup = 1;
			if (dup)
				continue;
			p = add_pt(g);
			p->ts = e ? gi->close_ts : gi->open_ts;
			p->line = l->line;
			p->file = l->file;
			p->tid = e ? gi->close_tid : gi->open_tid;
			p->gen = gi->generation;
			p->mark = e ? M_CLOSE : M_CREATE;
		}
	}
}

/* Order the events, give each thread a lane, space the events evenly
 * (the labels carry the real times). */
static void layout(struct graph *g)
{
	qsort(g->pts, (size_t)g->npts, sizeof g->pts[0], cmp_pt);
	for (int i = 0; i < g->npts; i++) {
		int k;
		for (k = 0; k < g->nlanes; k++)
			if (g->lanes[k] == g->pts[i].tid)
				break;
		if (k == g->nlanes && g->nlanes < MAX_LANES)
			g->lanes[g->nlanes++] = g->pts[i].tid;
		if (g->pts[i].gen > 0) {
			struct gen *gn = find_gen(g->gens, g->ngens,
						  g->pts[i].gen);
			if (gn)
				gn->seen = 1;
		}
	}
	g->left = 190;
	g->right = 24;
	g->slot = (1000 - g->left - g->right) / g->npts;
	if (g->slot < 128)
		g->slot = 128;
	if (g->slot > 160)
		g->slot = 160;
	g->width = g->left + g->right + g->slot * g->npts;
	if (g->width < 1000)
		g->width = 1000;
	g->height = LANE0 + LANE_H * g->nlanes + 34;
	for (int i = 0; i < g->npts; i++)
		g->xs[i] = g->left + g->slot * i + g->slot / 2;
}

static void draw_axis(struct graph *g)
{
	struct strbuf *sb = g->x->sb;

	for (int i = 0; i < g->npts; i++) {
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"ax\">",
			  g->xs[i], AXIS_Y);
		if (g->pts[i].ts != TS_NONE && g->x->ts0 != TS_NONE) {
			sb_putc(sb, '+');
			hc_duration(sb, g->pts[i].ts - g->x->ts0);
		} else {
			sb_printf(sb, "line %ld", g->pts[i].line);
		}
		sb_puts(sb, "</text>\n");
	}
}

/* One band per generation, from its open to its close; one whose open is
 * not shown starts right after the row's label, one not closed runs to
 * the right edge. */
static void draw_bands(struct graph *g)
{
	struct strbuf *sb = g->x->sb;
	size_t label_at;
	int early_x;

	sb_printf(sb, "<text x=\"8\" y=\"%d\" class=\"lbl\">", BAND_Y + 16);
	label_at = sb->len;
	hc_handle(g->x, g->f->handle);
	early_x = 8 + (int)(sb->len - label_at + 6) * 15 / 2 + 10;
	if (early_x > g->left - 6)
		early_x = g->left - 6;
	sb_puts(sb, " named</text>\n");
	for (int i = 0; i < g->ngens; i++) {
		struct gen *gn = &g->gens[i];
		int x0 = early_x, x1 = g->width - g->right, closed = 0;
		size_t room;
		if (!gn->seen)
			continue;
		for (int k = 0; k < g->npts; k++) {
			enum mark m = g->pts[k].mark;
			if (g->pts[k].gen != gn->gen)
				continue;
			if (m == M_CREATE || m == M_REUSE)
				x0 = g->xs[k];
			if (m == M_CLOSE || m == M_BADCLOSE) {
				x1 = g->xs[k];
				closed = 1;
			}
		}
		if (x1 < x0 + 12)
			x1 = x0 + 12;
		sb_printf(sb, "<g><title>generation #%d: ", gn->gen);
		hx_attr(sb, gn->object ? gn->object : "object unknown");
		if (gn->outside)
			sb_puts(sb, " (open before the trace began)");
		if (!closed)
			sb_puts(sb, " (still open at the right edge)");
		sb_printf(sb, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" "
			  "height=\"%d\" rx=\"5\" fill=\"%s\" "
			  "fill-opacity=\"0.22\" stroke=\"%s\"/>", x0, BAND_Y,
			  x1 - x0, BAND_H, gen_color(gn->gen),
			  gen_color(gn->gen));
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"band\">#%d ",
			  x0 + 6, BAND_Y + 16, gn->gen);
		room = (size_t)((x1 - x0 - 30) / 7 > 4 ? (x1 - x0 - 30) / 7 : 4);
		short_text(sb, gn->object ? gn->object : "?", room);
		sb_puts(sb, "</text></g>\n");
	}
}

static void draw_lanes(struct graph *g)
{
	struct strbuf *sb = g->x->sb;

	for (int k = 0; k < g->nlanes; k++) {
		int y = LANE0 + LANE_H * k;
		int64_t tid = g->lanes[k];
		const struct task_info *t = hc_task(g->x, tid);
		const char *name = !t ? NULL : t->name && t->name[0]
				   ? t->name : t->program;
		sb_printf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			  "class=\"lane\"/>", g->left - 10, y,
			  g->width - g->right, y);
		/* the name, its id below (label.c's "name (tid)" in two
		 * lines, to fit the margin) */
		sb_printf(sb, "<text x=\"8\" y=\"%d\" class=\"lbl\">", y + 4);
		if (name && name[0])
			short_text(sb, name, 16);
		else
			sb_printf(sb, "thread %" PRId64, tid);
		sb_puts(sb, "</text>");
		sb_printf(sb, "<text x=\"8\" y=\"%d\" class=\"sub\">", y + 18);
		if (name && name[0])
			sb_printf(sb, "(%" PRId64 ")", tid);
		if (tid == g->culprit || tid == g->victim) {
			const char *tag = tid == g->culprit ? "culprit" :
				"victim";
			sb_printf(sb, "%s<tspan class=\"%s\">%s</tspan>",
				  name && name[0] ? " \xc2\xb7 " : "", tag, tag);
		}
		sb_puts(sb, "</text>\n");
	}
}

/* A marker per event on its thread's lane, with a dashed drop line up to
 * the band of the generation it touched. */
static void draw_markers(struct graph *g)
{
	struct strbuf *sb = g->x->sb;

	for (int i = 0; i < g->npts; i++) {
		struct pt *p = &g->pts[i];
		int k, y, x = g->xs[i];
		int bad = p->mark == M_FAIL || p->mark == M_BADCLOSE;
		const char *color = p->gen > 0 ? gen_color(p->gen) : "#777";
		for (k = 0; k < g->nlanes; k++)
			if (g->lanes[k] == p->tid)
				break;
		if (k == g->nlanes)
			continue;
		y = LANE0 + LANE_H * k;
		sb_printf(sb, "<g class=\"m\"><title>%s", mark_word(p->mark));
		if (p->call) {
			sb_puts(sb, ": ");
			hx_attr(sb, p->call);
			sb_putc(sb, '(');
		}
		if (p->call && (p->mark == M_CREATE || p->mark == M_REUSE)) {
			/* what matters is the number it handed out */
			sb_puts(sb, "\xe2\x80\xa6) \xe2\x86\x92 ");
			hc_handle_num(g->x, g->f->handle);
		} else {
			if (p->call && p->mark == M_END)
				sb_puts(sb, "\xe2\x80\xa6)");
			else if (p->call) {
				hc_handle_num(g->x, g->f->handle);
				sb_putc(sb, ')');
			}
			if (p->result && p->result[0]) {
				sb_puts(sb, " = ");
				hx_attr(sb, p->result);
			}
		}
		sb_printf(sb, " by thread %" PRId64 ", line %ld", p->tid,
			  p->line);
		if (p->gen > 0)
			sb_printf(sb, ", generation #%d", p->gen);
		if (p->cpu >= 0)
			sb_printf(sb, ", CPU %d", p->cpu);
		sb_printf(sb, "</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
			  "y2=\"%d\" stroke=\"%s\" class=\"drop\"/>", x,
			  BAND_Y + BAND_H, x, y - 9, bad ? FAIL_COLOR : color);
		marker(sb, p->mark, x, y, color);
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"ml%s\">", x,
			  y + 24, bad ? " bad" : "");
		short_text(sb, p->call ? p->call : mark_word(p->mark), 14);
		sb_printf(sb, "</text><text x=\"%d\" y=\"%d\" class=\"ms\">"
			  "line %ld", x, y + 36, p->line);
		if (p->cpu >= 0)
			sb_printf(sb, " \xc2\xb7 cpu%d", p->cpu);
		sb_puts(sb, "</text></g>\n");
	}
}

/* the markers this graphic uses, explained */
static void draw_legend(struct graph *g)
{
	struct strbuf *sb = g->x->sb;
	int used[M__COUNT] = { 0 };
	int y = g->height - 14, x = g->left;

	for (int i = 0; i < g->npts; i++)
		used[g->pts[i].mark] = 1;
	for (int m = 0; m < M__COUNT; m++) {
		const char *w = mark_word((enum mark)m);
		if (!used[m])
			continue;
		marker(sb, (enum mark)m, x + 6, y - 4, "#666");
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"lg\">%s</text>",
			  x + 18, y, w);
		x += 40 + 7 * (int)strlen(w);
	}
	sb_putc(sb, '\n');
}

void html_svg_timeline(struct html_ctx *x, const struct finding *f,
		       int64_t culprit, int64_t victim)
{
	struct strbuf *sb = x->sb;
	struct graph *g = xcalloc(1, sizeof *g);
	int no_ts = 0;

	g->x = x;
	g->f = f;
	g->culprit = culprit;
	g->victim = victim;
	add_chain(g);
	add_generations(g);
	if (g->npts == 0) {
		free(g);
		return;
	}
	layout(g);
	for (int i = 0; i < g->npts; i++)
		if (g->pts[i].ts == TS_NONE)
			no_ts = 1;

	sb_puts(sb, "<h4>Timeline of ");
	hc_handle(x, f->handle);
	sb_printf(sb, "</h4>\n<div class=\"scroll\"><svg class=\"tl\" "
		  "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		  "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		  "aria-label=\"Timeline of ", g->width, g->height, g->width,
		  g->height);
	hc_handle(x, f->handle);
	sb_puts(sb, ": one band per object the number named, one lane per "
		"thread\">\n");
	draw_axis(g);
	draw_bands(g);
	draw_lanes(g);
	draw_markers(g);
	draw_legend(g);
	sb_puts(sb, "</svg></div>\n");
	sb_printf(sb, "<p class=\"note small\">Events are evenly spaced; the "
		  "labels give their %s. Colours follow the generation "
		  "(object) each event touched; red marks the harm.</p>\n",
		  no_ts ? "trace lines (the capture has no timestamps)" :
		  "times since the capture began");
	free(g);
}
