/* cli/options.c - the option table (options.def) as getopt_long wants it
 * and as --help prints it, for the main command, batch and index. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

const struct optdef optdefs[] = {
#define OPT(lng, sh, arg, argname, cmds, help) \
	{ lng, sh, arg, argname, cmds, help },
#include "options.def"
#undef OPT
	{ NULL, 0, 0, NULL, NULL, NULL }
};

static int takes(const struct optdef *d, char cmd)
{
	return strchr(d->cmds, cmd) != NULL;
}

/* A long-only option returns 256 + its row, so each row is told apart
 * even where two commands give one name different meanings. */
struct option *opt_table(char cmd, char *shorts, size_t nshorts)
{
	size_t n = 0, k = 0, l = 1;
	while (optdefs[n].lng)
		n++;
	struct option *lo = xcalloc(n + 1, sizeof *lo);
	snprintf(shorts, nshorts, "+");
	for (size_t i = 0; i < n; i++) {
		const struct optdef *d = &optdefs[i];
		if (!takes(d, cmd))
			continue;
		lo[k].name = d->lng;
		lo[k].has_arg = d->arg ? required_argument : no_argument;
		lo[k].val = d->sh ? d->sh : 256 + (int)i;
		k++;
		if (d->sh && l + 3 < nshorts) {
			shorts[l++] = (char)d->sh;
			if (d->arg)
				shorts[l++] = ':';
			shorts[l] = '\0';
		}
	}
	return lo;
}

const struct optdef *opt_def(int val, char cmd)
{
	if (val >= 256)
		return &optdefs[val - 256];
	for (const struct optdef *d = optdefs; d->lng; d++)
		if (d->sh == val && takes(d, cmd))
			return d;
	return NULL;
}

/* help text wrapped at 79 columns under its column */
static void put_help(FILE *f, const char *help, int col)
{
	const char *p = help;
	int at = col;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (at > col && at + 1 + (int)w > 79) {
			fprintf(f, "\n%*s", col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', f);
			at++;
		}
		fwrite(p, 1, w, f);
		at += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* the finding kinds --kind takes, from their table */
static void kinds(FILE *f)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "Finding kinds (--kind), with their default severity:");
	for (int k = 0; k < FK__COUNT; k++)
		sb_printf(&sb, " %s (%s)%s",
			  finding_kind_name((enum finding_kind)k),
			  severity_name(finding_kind_severity(
				  (enum finding_kind)k)),
			  k + 1 < FK__COUNT ? "," : ".");
	fputs("\n", f);
	put_help(f, sb.s, 0);
	sb_free(&sb);
}

void opt_usage(FILE *f, char cmd)
{
	int triage = 0;
	for (const struct optdef *d = optdefs; d->lng; d++) {
		if (!takes(d, cmd))
			continue;
		triage |= strchr(d->cmds, 'T') != NULL;
		char left[48];
		if (d->sh)
			snprintf(left, sizeof left, "-%c, --%s%s%s", d->sh,
				 d->lng, d->arg ? " " : "", d->argname);
		else
			snprintf(left, sizeof left, "    --%s%s%s", d->lng,
				 d->arg ? " " : "", d->argname);
		if (strlen(left) > 24)
			fprintf(f, "  %s\n%27s", left, "");
		else
			fprintf(f, "  %-24s ", left);
		put_help(f, d->help, 27);
	}
	if (triage)
		kinds(f);
}
