/* reports/perfetto.c - STUB, replaced by the batch work. */
#include "reports.h"
void report_perfetto(struct strbuf *sb, const struct capture *c) { (void)c; sb_puts(sb, "[]\n"); }
