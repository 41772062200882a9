/* reports/select.c - the triage options: which findings (and unexplained
 * failures) the reports of a capture show.  Applied once, before any
 * report is written, so every output shows the same selection, states it
 * and counts what it left out. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "reports.h"

void selection_init(struct selection *s)
{
	memset(s, 0, sizeof *s);
	s->min_severity = SEV_NOTE;
	s->pid = s->tid = -1;
}

int selection_active(const struct selection *s)
{
	return s && s->said[0];
}

/* a number >= 0: decimal, or hex after 0x (handles print both ways) */
static int parse_num(const char *arg, int hex_ok, int64_t *v)
{
	int base = 10;
	const char *p = arg;
	if (hex_ok && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	/* strtoll alone would take " 5", "+5" and "-5" */
	if (!(base == 16 ? isxdigit((unsigned char)*p)
			 : isdigit((unsigned char)*p)))
		return -1;
	char *e;
	errno = 0;
	long long n = strtoll(p, &e, base);
	if (e == p || *e || errno || n < 0)
		return -1;
	*v = n;
	return 0;
}

static int parse_kinds(struct selection *s, const char *arg, char *msg,
		       size_t msgsize)
{
	const char *p = arg;
	while (*p) {
		size_t n = strcspn(p, ",");
		int k = 0;
		while (k < FK__COUNT &&
		       (strlen(finding_kind_name((enum finding_kind)k)) != n ||
			strncmp(p, finding_kind_name((enum finding_kind)k),
				n) != 0))
			k++;
		if (k == FK__COUNT) {
			size_t l = (size_t)snprintf(msg, msgsize, "--kind: "
				"unknown finding kind '%.*s' (", (int)(n > 64 ?
				64 : n), p);
			for (k = 0; k < FK__COUNT && l < msgsize; k++)
				l += (size_t)snprintf(msg + l, msgsize - l,
					"%s%s", k ? ", " : "",
					finding_kind_name((enum finding_kind)k));
			if (l < msgsize)
				snprintf(msg + l, msgsize - l, ")");
			return -1;
		}
		s->kinds |= 1u << k;
		p += n + (p[n] == ',');
	}
	return 0;
}

/* Parses one triage option into s; "the option said twice" is refused
 * for the options that take one value. */
static int parse_one(struct selection *s, const char *name, const char *arg,
		     char *msg, size_t msgsize)
{
	int64_t v;
	if (strcmp(name, "min-severity") == 0) {
		static const char *const sev[] = { "note", "warning", "error" };
		if (s->has_min_severity) {
			snprintf(msg, msgsize, "--%s given twice: give it once",
				 name);
			return -1;
		}
		for (int i = 0; i < 3; i++)
			if (strcmp(arg, sev[i]) == 0) {
				s->min_severity = (enum severity)i;
				s->has_min_severity = 1;
				return 0;
			}
		snprintf(msg, msgsize, "--min-severity: expected note, warning "
			 "or error, not '%.64s'", arg);
		return -1;
	}
	if (strcmp(name, "kind") == 0)
		return parse_kinds(s, arg, msg, msgsize);
	if (strcmp(name, "summary") == 0) {
		s->summary = 1;
		return 0;
	}
	const char *a = arg;
	if (strcmp(name, "finding") == 0 && (*a == 'F' || *a == 'f'))
		a++;   /* "F3", as the reports spell it */
	int hex = strcmp(name, "handle") == 0;
	if (parse_num(a, hex, &v) < 0 || (strcmp(name, "finding") == 0 &&
					  (v < 1 || v > 1000000000))) {
		snprintf(msg, msgsize, "--%s: expected %s, not '%.64s'", name,
			 hex ? "a number (decimal or 0x hex)"
			 : strcmp(name, "finding") == 0 ? "a finding id (3 or F3)"
			 : "a decimal number", arg);
		return -1;
	}
	int64_t *slot = strcmp(name, "process") == 0 ? &s->pid
		      : strcmp(name, "thread") == 0 ? &s->tid
		      : strcmp(name, "handle") == 0 ? &s->handle : NULL;
	int given = slot == &s->handle ? s->has_handle
		  : slot ? *slot >= 0 : s->finding > 0;
	if (given) {
		snprintf(msg, msgsize, "--%s given twice: give it once", name);
		return -1;
	}
	if (slot == &s->handle)
		s->has_handle = 1;
	if (slot)
		*slot = v;
	else if (strcmp(name, "finding") == 0)
		s->finding = (int)v;
	else {
		snprintf(msg, msgsize, "--%s is not a triage option", name);
		return -1;
	}
	return 0;
}

int selection_option(struct selection *s, const char *name, const char *arg,
		     char *msg, size_t msgsize)
{
	if (parse_one(s, name, arg ? arg : "", msg, msgsize) < 0)
		return -1;
	size_t l = strlen(s->said);
	snprintf(s->said + l, sizeof s->said - l, "%s--%s%s%.64s",
		 l ? " " : "", name, arg ? " " : "", arg ? arg : "");
	return 0;
}

/* the finding or one step of its story is by this task */
static int by_task(const struct finding *f, int64_t pid, int64_t tid)
{
	if ((pid < 0 || f->pid == pid) && (tid < 0 || f->tid == tid))
		return 1;
	for (int i = 0; i < f->nchain; i++)
		if ((pid < 0 || f->chain[i].pid == pid) &&
		    (tid < 0 || f->chain[i].tid == tid))
			return 1;
	return 0;
}

static int wanted(const struct selection *s, const struct finding *f)
{
	return f->severity >= s->min_severity &&
	       (!s->kinds || (s->kinds & (1u << f->kind))) &&
	       (!s->has_handle || f->handle == s->handle) &&
	       (!s->finding || f->id == s->finding) &&
	       by_task(f, s->pid, s->tid);
}

/* Unexplained failures are no finding of any kind or severity: a
 * selection by kind, severity or finding leaves them all out. */
static int wanted_unexplained(const struct selection *s,
			      const struct unexplained *u)
{
	return !s->kinds && !s->finding && s->min_severity == SEV_NOTE &&
	       (!s->has_handle || u->handle == s->handle) &&
	       (s->pid < 0 || u->pid == s->pid) &&
	       (s->tid < 0 || u->tid == s->tid);
}

static int by_id(const void *key, const void *elem)
{
	int id = *(const int *)key;
	const struct finding *f = elem;
	return id < f->id ? -1 : id > f->id;
}

const struct finding *finding_by_id(const struct finding *f, int n, int id)
{
	return n > 0 ? bsearch(&id, f, (size_t)n, sizeof *f, by_id) : NULL;
}

void capture_select(struct capture *c, const struct selection *s)
{
	capture_unselect(c);
	if (!selection_active(s) || !c->tl)
		return;
	struct capture_view *v = &c->view;
	int n, nu;
	const struct finding *f = timeline_findings(c->tl, &n);
	const struct unexplained *u = timeline_unexplained(c->tl, &nu);
	c->sel = s;
	v->f = xcalloc((size_t)n + 1, sizeof *v->f);
	v->u = xcalloc((size_t)nu + 1, sizeof *v->u);
	v->total = n;
	v->utotal = nu;
	v->worst = -1;
	for (int i = 0; i < n; i++)
		if (wanted(s, &f[i])) {
			v->f[v->nf++] = f[i];
			if ((int)f[i].severity > v->worst)
				v->worst = (int)f[i].severity;
		}
	/* --summary: a root cause stands for what follows from it (among
	 * the selected); the rest stay for what they are */
	if (s->summary) {
		int k = 0;
		for (int i = 0; i < v->nf; i++)
			if (!v->f[i].caused_by ||
			    !finding_by_id(v->f, v->nf, v->f[i].caused_by))
				v->f[k++] = v->f[i];
			else
				v->folded++;
		v->nf = k;
	}
	v->left_out = n - v->nf - v->folded;
	for (int i = 0; i < nu; i++)
		if (wanted_unexplained(s, &u[i]))
			v->u[v->nu++] = u[i];
	v->uleft_out = nu - v->nu;
}

void capture_unselect(struct capture *c)
{
	free(c->view.f);
	free(c->view.u);
	memset(&c->view, 0, sizeof c->view);
	c->sel = NULL;
}

const struct finding *capture_findings(const struct capture *c, int *n)
{
	if (c->sel) {
		*n = c->view.nf;
		return c->view.f;
	}
	if (!c->tl) {
		*n = 0;
		return NULL;
	}
	return timeline_findings(c->tl, n);
}

const struct unexplained *capture_unexplained(const struct capture *c,
					      int *n)
{
	if (c->sel) {
		*n = c->view.nu;
		return c->view.u;
	}
	if (!c->tl) {
		*n = 0;
		return NULL;
	}
	return timeline_unexplained(c->tl, n);
}

const struct finding *capture_finding(const struct capture *c, int id)
{
	int n;
	const struct finding *f = capture_findings(c, &n);
	return finding_by_id(f, n, id);
}

int capture_selection_said(const struct capture *c, struct strbuf *sb)
{
	if (!c->sel)
		return 0;
	const struct capture_view *v = &c->view;
	sb_printf(sb, "selected by %s: %d of %d finding%s shown, %d left out",
		  c->sel->said, v->nf, v->total, v->total == 1 ? "" : "s",
		  v->left_out);
	if (c->sel->summary)
		sb_printf(sb, ", %d that follow from a shown root cause "
			  "folded into it", v->folded);
	sb_printf(sb, "; %d of %d unexplained failure%s shown", v->nu,
		  v->utotal, v->utotal == 1 ? "" : "s");
	return 1;
}
