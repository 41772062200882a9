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
	int x0, x1;         /* -1 until placed */
};

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

void html_svg_timeline(struct html_ctx *x, const struct finding *f,
		       int64_t culprit, int64_t victim)
{
	struct strbuf *sb = x->sb;
	struct pt pts[MAX_PTS];
	struct gen gens[MAX_GENS];
	int64_t lanes[MAX_LANES];
	int npts = 0, ngens = 0, nlanes = 0, order = 0, no_ts = 0;
	int first_keep = 2, skip = 0;

	if (f->nchain > HTML_CHAIN_CAP)
		skip = f->nchain - HTML_CHAIN_CAP;
	if (f->nchain == 0) {
		/* no chain: at least the offending call on its thread */
		struct pt *p = &pts[npts++];
		memset(p, 0, sizeof *p);
		p->ts = f->ts;
		p->line = f->src.line;
		p->file = f->src.file;
		p->tid = f->tid;
		p->mark = f->error ? M_FAIL : M_BADCLOSE;
		p->call = f->call;
		p->result = f->error;
		p->cpu = -1;
		p->order = order++;
	}
	/* the chain's steps (the middle ones dropped when there are many) */
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *s = &f->chain[i];
		struct pt *p;
		if (skip && i == first_keep) {
			i += skip - 1;
			continue;
		}
		p = &pts[npts++];
		p->ts = s->ts;
		p->line = s->src.line;
		p->file = s->src.file;
		p->tid = s->tid;
		p->gen = s->generation;
		p->mark = step_mark(f, s);
		p->call = s->call;
		p->result = s->result;
		p->cpu = s->cpu;
		p->order = order++;
		if (s->generation > 0 && !find_gen(gens, ngens, s->generation) &&
		    ngens < MAX_GENS) {
			struct gen *g = &gens[ngens++];
			memset(g, 0, sizeof *g);
			g->gen = s->generation;
			g->object = s->object;
			g->x0 = g->x1 = -1;
		}
	}
	/* what the timeline knows of those generations */
	for (int i = 0; i < x->d->ng; i++) {
		const struct generation_info *gi = &x->d->g[i];
		struct gen *g;
		if (gi->pid != f->pid || gi->handle != f->handle)
			continue;
		g = find_gen(gens, ngens, gi->generation);
		if (!g)
			continue;
		g->object = gi->object;
		g->outside = gi->opened.line <= 0;
		/* their open and close, when the chain lacks them */
		for (int e = 0; e < 2 && npts < MAX_PTS; e++) {
			const struct source_loc *l = e ? &gi->closed : &gi->opened;
			struct pt *p;
			int dup = 0;
			if (l->line <= 0)
				continue;
			for (int k = 0; k < npts; k++)
				if (same_place(&pts[k], l->file, l->line))
					dup = 1;
			if (dup)
				continue;
			p = &pts[npts++];
			memset(p, 0, sizeof *p);
			p->ts = e ? gi->close_ts : gi->open_ts;
			p->line = l->line;
			p->file = l->file;
			p->tid = e ? gi->close_tid : gi->open_tid;
			p->gen = gi->generation;
			p->mark = e ? M_CLOSE : M_CREATE;
			p->cpu = -1;
			p->order = order++;
		}
	}
	if (npts == 0)
		return;
	qsort(pts, (size_t)npts, sizeof pts[0], cmp_pt);
	for (int i = 0; i < npts; i++) {
		int k;
		if (pts[i].ts == TS_NONE)
			no_ts = 1;
		for (k = 0; k < nlanes; k++)
			if (lanes[k] == pts[i].tid)
				break;
		if (k == nlanes && nlanes < MAX_LANES)
			lanes[nlanes++] = pts[i].tid;
	}

	/* geometry: evenly spaced events, labels carry the real times */
	int left = 190, right = 24, slot = (1000 - left - right) / npts;
	if (slot < 128)
		slot = 128;
	if (slot > 160)
		slot = 160;
	int width = left + right + slot * npts;
	if (width < 1000)
		width = 1000;
	int axis_y = 18, band_y = 34, band_h = 24, lane0 = 100, lane_h = 58;
	int height = lane0 + lane_h * nlanes + 34;
	int xs[MAX_PTS];
	for (int i = 0; i < npts; i++)
		xs[i] = left + slot * i + slot / 2;
	for (int i = 0; i < npts; i++) {
		struct gen *g = find_gen(gens, ngens, pts[i].gen);
		if (!g)
			continue;
		if (g->x0 < 0 || xs[i] < g->x0)
			g->x0 = xs[i];
		if (xs[i] > g->x1)
			g->x1 = xs[i];
	}

	sb_puts(sb, "<h4>Timeline of ");
	hc_handle(x, f->handle);
	sb_puts(sb, "</h4>\n<div class=\"scroll\"><svg class=\"tl\" "
		"xmlns=\"http://www.w3.org/2000/svg\" ");
	sb_printf(sb, "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		  "role=\"img\" aria-label=\"Timeline of ", width, height,
		  width, height);
	hc_handle(x, f->handle);
	sb_puts(sb, ": one band per object the number named, one lane per "
		"thread\">\n");

	/* time labels */
	for (int i = 0; i < npts; i++) {
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"ax\">", xs[i],
			  axis_y);
		if (pts[i].ts != TS_NONE && x->ts0 != TS_NONE) {
			sb_putc(sb, '+');
			hc_duration(sb, pts[i].ts - x->ts0);
		} else {
			sb_printf(sb, "line %ld", pts[i].line);
		}
		sb_puts(sb, "</text>\n");
	}

	/* the bands: one per generation; one that began before the first
	 * event shown starts right after the row's label */
	sb_printf(sb, "<text x=\"8\" y=\"%d\" class=\"lbl\">", band_y + 16);
	size_t label_at = sb->len;
	hc_handle(x, f->handle);
	int early_x = 8 + (int)(sb->len - label_at + 6) * 15 / 2 + 10;
	if (early_x > left - 6)
		early_x = left - 6;
	sb_puts(sb, " named</text>\n");
	for (int i = 0; i < ngens; i++) {
		struct gen *g = &gens[i];
		int x0, x1;
		if (g->x0 < 0)
			continue;
		/* from its open (or the left edge) to its close (or the end) */
		int closed = 0;
		/* no open in view: it began before the first event shown */
		x0 = early_x;
		x1 = width - right;
		for (int k = 0; k < npts; k++) {
			if (pts[k].gen != g->gen)
				continue;
			if (pts[k].mark == M_CREATE || pts[k].mark == M_REUSE)
				x0 = xs[k];
			if (pts[k].mark == M_CLOSE || pts[k].mark == M_BADCLOSE) {
				x1 = xs[k];
				closed = 1;
			}
		}
		if (x1 < x0 + 12)
			x1 = x0 + 12;
		sb_printf(sb, "<g><title>generation #%d: ", g->gen);
		hx_attr(sb, g->object ? g->object : "object unknown");
		sb_puts(sb, g->outside ? " (open before the trace began)" : "");
		sb_puts(sb, closed ? "" : " (still open at the right edge)");
		sb_printf(sb, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" "
			  "height=\"%d\" rx=\"5\" fill=\"%s\" "
			  "fill-opacity=\"0.22\" stroke=\"%s\"/>", x0, band_y,
			  x1 - x0, band_h, gen_color(g->gen),
			  gen_color(g->gen));
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"band\">#%d ",
			  x0 + 6, band_y + 16, g->gen);
		short_text(sb, g->object ? g->object : "?",
			   (size_t)((x1 - x0 - 30) / 7 > 4 ?
				    (x1 - x0 - 30) / 7 : 4));
		sb_puts(sb, "</text></g>\n");
	}

	/* lanes */
	for (int k = 0; k < nlanes; k++) {
		int y = lane0 + lane_h * k;
		const struct task_info *t = hc_task(x, lanes[k]);
		sb_printf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			  "class=\"lane\"/>", left - 10, y, width - right, y);
		sb_printf(sb, "<text x=\"8\" y=\"%d\" class=\"lbl\">thread %"
			  PRId64 "</text>", y + 4, lanes[k]);
		sb_printf(sb, "<text x=\"8\" y=\"%d\" class=\"sub\">",
			  y + 18);
		if (t && t->name && t->name[0])
			short_text(sb, t->name, 16);
		if (lanes[k] == culprit || lanes[k] == victim)
			sb_printf(sb, "%s<tspan class=\"%s\">%s</tspan>",
				  t && t->name && t->name[0] ? " \xc2\xb7 " : "",
				  lanes[k] == culprit ? "culprit" : "victim",
				  lanes[k] == culprit ? "culprit" : "victim");
		sb_puts(sb, "</text>");
		sb_putc(sb, '\n');
	}

	/* markers, with a dashed drop line to the band they touched */
	for (int i = 0; i < npts; i++) {
		struct pt *p = &pts[i];
		int k, y;
		const char *color = p->gen > 0 ? gen_color(p->gen) : "#777";
		for (k = 0; k < nlanes; k++)
			if (lanes[k] == p->tid)
				break;
		if (k == nlanes)
			continue;
		y = lane0 + lane_h * k;
		sb_printf(sb, "<g class=\"m\"><title>%s: ", mark_word(p->mark));
		hx_attr(sb, p->call ? p->call : "");
		if (p->call) {
			sb_putc(sb, '(');
			hc_handle_num(x, f->handle);
			sb_putc(sb, ')');
		}
		if (p->result && p->result[0]) {
			sb_puts(sb, " = ");
			hx_attr(sb, p->result);
		}
		sb_printf(sb, " by thread %" PRId64 ", line %ld", p->tid,
			  p->line);
		if (p->gen > 0)
			sb_printf(sb, ", generation #%d", p->gen);
		if (p->cpu >= 0)
			sb_printf(sb, ", CPU %d", p->cpu);
		sb_puts(sb, "</title>");
		sb_printf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			  "stroke=\"%s\" class=\"drop\"/>", xs[i],
			  band_y + band_h, xs[i], y - 9,
			  p->mark == M_FAIL || p->mark == M_BADCLOSE ?
			  FAIL_COLOR : color);
		marker(sb, p->mark, xs[i], y, color);
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"ml%s\">",
			  xs[i], y + 24,
			  p->mark == M_FAIL || p->mark == M_BADCLOSE ?
			  " bad" : "");
		short_text(sb, p->call ? p->call : mark_word(p->mark), 14);
		sb_printf(sb, "</text><text x=\"%d\" y=\"%d\" class=\"ms\">"
			  "line %ld", xs[i], y + 36, p->line);
		if (p->cpu >= 0)
			sb_printf(sb, " \xc2\xb7 cpu%d", p->cpu);
		sb_puts(sb, "</text></g>\n");
	}

	/* legend: the markers this graphic uses */
	int used[M__COUNT] = { 0 };
	for (int i = 0; i < npts; i++)
		used[pts[i].mark] = 1;
	int ly = height - 14, lx = left;
	for (int m = 0; m < M__COUNT; m++) {
		if (!used[m])
			continue;
		marker(sb, (enum mark)m, lx + 6, ly - 4, "#666");
		sb_printf(sb, "<text x=\"%d\" y=\"%d\" class=\"lg\">%s</text>",
			  lx + 18, ly, mark_word((enum mark)m));
		lx += 40 + 7 * (int)strlen(mark_word((enum mark)m));
	}
	sb_puts(sb, "\n</svg></div>\n");
	sb_printf(sb, "<p class=\"note small\">Events are evenly spaced; the "
		  "labels give their %s. Colours follow the generation "
		  "(object) each event touched; red marks the harm.</p>\n",
		  no_ts ? "trace lines (the capture has no timestamps)" :
		  "times since the capture began");
}
