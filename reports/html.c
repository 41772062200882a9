/* reports/html.c - the HTML report's entry point: collects what the
 * timeline found and hands it to the page renderer (html_page.c). */
#include "html_internal.h"

void report_html(struct strbuf *sb, const struct capture *c)
{
	struct html_data d = { .c = c };

	if (c->tl) {
		d.f = capture_findings(c, &d.nf);
		d.u = capture_unexplained(c, &d.nu);
		d.t = timeline_tasks(c->tl, &d.nt);
		d.g = timeline_generations(c->tl, &d.ng);
		d.st = timeline_stats(c->tl);
	}
	html_render(sb, &d);
}
