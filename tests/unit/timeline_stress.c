/* tests/unit/timeline_stress.c - random event streams (fixed seeds): the
 * timeline must not crash, and what it reports must be well formed. */
#include "unit.h"
#include "timeline_build.h"

static unsigned long long rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const objs[] = {
	"/a", "/b", "pipe:[1]", "pipe:[2]", "TCP:[5]", "TCP:[1.2.3.4:5]",
	"UDP:[7]", "anon_inode:[eventfd]", "/dev/null", NULL,
};

static const enum err_class errcs[] = {
	ERRC_NONE, ERRC_NONE, ERRC_NONE, ERRC_BADF, ERRC_NOTSOCK,
	ERRC_OTHER, ERRC_RESTART,
};

static void random_event(struct bld *b, long line)
{
	int64_t tid = 100 + rnd(6);
	int etw = b->pid >= 0;
	b_call(b, line, tid, "call");
	unsigned ph = rnd(10);
	if (ph == 0)
		b->ev.phase = PH_ENTRY;
	else if (ph == 1) {
		b->ev.phase = PH_EXIT;
		b->ev.src.line = line > 3 ? line - 3 : 1;
		b->ev.end_line = line;
	}
	unsigned t = rnd(40);
	if (t == 0)
		b->ev.type = EV_TASK_EXIT;
	else if (t == 1 && !etw)
		b->ev.type = EV_TASK_GONE;
	else if (t == 2)
		b->ev.type = EV_SIGNAL;
	else if (t == 3)
		b->ev.type = EV_TASK_INFO;
	int nfx = (int)rnd(4);
	for (int i = 0; i < nfx; i++) {
		enum eff_op op = (enum eff_op)rnd(EFF_OUTSIDE + 1);
		int64_t h = (int64_t)rnd(8) - 1;
		if (op == EFF_SPAWN || op == EFF_EXIT_GROUP || op == EFF_EXEC)
			if (rnd(4))
				op = EFF_USE;
		if (op == EFF_SPAWN || b->ev.type == EV_TASK_GONE)
			h = 100 + rnd(8);
		struct effect *e = b_fx(b, op, h, rnd(256),
					objs[rnd(sizeof objs / sizeof *objs)]);
		e->h2 = (int64_t)rnd(10) - 1;
		if (op == EFF_CLOSE_RANGE && rnd(2))
			e->h2 = 4294967295LL;
		if (etw && rnd(8) == 0)
			e->pid2 = 4000 + rnd(3);
	}
	enum err_class c = errcs[rnd(sizeof errcs / sizeof *errcs)];
	if (c == ERRC_NONE) {
		b_ret(b, rnd(10));
	} else {
		b_err(b, c == ERRC_BADF ? "EBADF" : "EX", c, 9);
	}
	if (rnd(5) == 0)
		b->ev.thread_name = rnd(2) ? "worker" : "main";
	b_go(b);
}

static void check_output(const struct timeline *tl, const char *what)
{
	int n, ok = 1;
	const struct finding *f = timeline_findings(tl, &n);
	for (int i = 0; i < n; i++) {
		ok &= f[i].id == i + 1;
		ok &= strlen(f[i].fingerprint) == 16;
		ok &= f[i].message != NULL && f[i].nchain > 0;
		ok &= f[i].src.line > 0;
		int off = 0;
		for (int k = 0; k < f[i].nchain; k++) {
			ok &= f[i].chain[k].role != NULL;
			ok &= f[i].chain[k].raw != NULL;
			off += strcmp(f[i].chain[k].role, "offending") == 0;
		}
		ok &= f[i].kind == FK_LEAK ? off == 0 : off == 1;
	}
	CHECK(what, ok);
	int nu;
	const struct unexplained *u = timeline_unexplained(tl, &nu);
	ok = 1;
	for (int i = 0; i < nu; i++)
		ok &= u[i].reason != NULL && u[i].reason[0] != '\0';
	CHECK("stress: unexplained have reasons", ok);
	int ng;
	const struct generation_info *g = timeline_generations(tl, &ng);
	ok = 1;
	for (int i = 1; i < ng; i++)
		ok &= g[i - 1].pid < g[i].pid ||
		      (g[i - 1].pid == g[i].pid &&
		       (g[i - 1].table < g[i].table ||
			(g[i - 1].table == g[i].table &&
			 (g[i - 1].handle < g[i].handle ||
			  (g[i - 1].handle == g[i].handle &&
			   g[i - 1].generation < g[i].generation)))));
	CHECK("stress: generations sorted", ok);
}

int main(void)
{
	for (int run = 0; run < 60; run++) {
		struct bld b;
		b_init(&b);
		if (run % 3 == 2)
			b.pid = 4000 + (run % 2);
		for (long line = 1; line <= 3000; line++) {
			if (b.pid >= 0 && rnd(50) == 0)
				b.pid = 4000 + rnd(3);
			random_event(&b, line);
		}
		timeline_finish(b.tl);
		check_output(b.tl, run % 3 == 2 ? "stress: etw output well formed"
					       : "stress: strace output well formed");
		timeline_free(b.tl);
	}
	return unit_failed;
}
