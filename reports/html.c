/* reports/html.c - STUB, replaced by the HTML report work. */
#include "reports.h"
void report_html(struct strbuf *sb, const struct capture *c) { (void)c; sb_puts(sb, "<!doctype html><title>handletrail</title>\n"); }
