/* timeline/verdict.c - the one place a finding is decided.  Pure
 * functions: from what the model knew when a call entered (struct snap),
 * what the number names, how the call ended and the source's traits,
 * they pick a row of verdicts.def.  timeline.c applies the row to the
 * model; story.c (detect.c) tells it.  The rules in words, each with an
 * example that is a test: doc/verdicts.md. */
#include <string.h>
#include "internal.h"

static const struct verdict_info verdicts[] = {
#define VERDICT(id, code, out, kind, sev, reason) \
	{ code, out, kind, sev, reason },
#include "verdicts.def"
#undef VERDICT
};

const struct verdict_info *verdict_info(enum verdict v)
{
	return &verdicts[v];
}

/* The thread last acted on an older generation of the number, and the
 * one it names now was created after that by another thread: the thread
 * did not see the number change hands. */
int stale(const struct snap *s, const struct gen *g, int64_t tid)
{
	return s->has_rec && !s->reorder && s->rec.gen > 0 &&
	       s->rec.gen != g->id && g->origin == OR_TRACE &&
	       g->creator_tid >= 0 && g->creator_tid != tid &&
	       g->create_seq > s->rec.seen_seq;
}

/* A use whose failure (EBADF, ENOTSOCK) is about this number. */
static enum verdict judge_failure(const struct use_facts *f)
{
	const struct snap *s = f->s;
	if ((f->flags & EF_PROBE) && f->errc == ERRC_BADF)
		return V_USE_PROBE;
	if (s->closed_during)
		return V_USE_CWIU_FAILED;
	if (s->state == NS_CLOSED) {
		if (s->prior_close == CK_EXEC)
			return V_USE_EXEC_CLOSED;
		if (s->prior_close == CK_CALL || s->prior_close == CK_RANGE ||
		    s->prior_close == CK_DUP)
			return V_USE_AFTER_CLOSE;
		return V_USE_ENDED_UNSEEN;
	}
	if (s->state == NS_NONE)
		return f->errc == ERRC_NOTSOCK && f->notsock_means_open
			? V_USE_OUTSIDE_NOTSOCK : V_USE_NEVER_SEEN;
	if (f->g && stale(s, f->g, f->tid))
		return s->rec.failed_on == f->g->id ? V_USE_STALE_AGAIN
						    : V_USE_STALE_FAILED;
	if (f->victim)
		return V_USE_VICTIM_FAILED;
	if (f->g && f->g->origin == OR_OUTSIDE && !f->g->has_object &&
	    !f->has_dec)
		return V_USE_OUTSIDE_UNKNOWN;
	if (f->errc == ERRC_BADF)
		return V_USE_WRONG_MODE;
	return f->was_socket ? V_USE_NOT_SOCKET : V_USE_NEVER_SOCKET;
}

/* A successful call fits the object the number names now: whatever the
 * thread did before, it reached an object it could use, which is what a
 * hand-off through memory (a queue, a thread pool, a runtime moving fds
 * between OS threads) looks like.  It is a note only when the call would
 * have worked on either object, the object's kind changed under it, and
 * the thread never closed the old one itself. */
enum verdict judge_use(const struct use_facts *f)
{
	if (f->culprit)
		return judge_failure(f);
	if (f->failed && (f->errc == ERRC_BADF || f->errc == ERRC_NOTSOCK))
		return V_USE_OTHER_HANDLE;
	if (!f->stale)
		return V_USE_OK;
	if (f->kind_changed && f->unaware && !(f->flags & EF_SOCKET_ONLY))
		return V_USE_SILENT_STALE;
	return V_USE_HANDOFF;
}

enum verdict judge_close(const struct close_facts *f)
{
	const struct snap *s = f->s;
	if (f->negative)
		return V_CLOSE_NEGATIVE;
	if (s->reorder)
		return V_CLOSE_REORDERED;
	if (f->badf) {
		if (s->state == NS_OPEN)
			return V_CLOSE_BADF_OPEN;
		/* alone, nothing could have taken the number in between:
		 * harmless this time, so a note */
		if (s->state == NS_CLOSED && (s->prior_close == CK_CALL ||
					      s->prior_close == CK_RANGE))
			return f->alone ? V_CLOSE_DOUBLE_ALONE
					: V_CLOSE_DOUBLE;
		if (s->state == NS_CLOSED && s->prior_close == CK_EXEC)
			return V_CLOSE_AFTER_EXEC;
		return V_CLOSE_NEVER_SEEN;
	}
	if (s->state == NS_OPEN)
		return f->g && stale(s, f->g, f->tid) ? V_CLOSE_STALE
						      : V_CLOSE_OK;
	if (s->state == NS_CLOSED && f->reported_twice)
		return V_CLOSE_TWICE_REPORTED;
	return V_CLOSE_OUTSIDE;
}

/* Which handle of a failed call the EBADF/ENOTSOCK is about: the one the
 * model shows closed or never opened, else a stale one, else one opened
 * outside the trace, else the first (socket-only handles first for
 * ENOTSOCK).  gens[i] is what fx[i] named at entry (NULL if none). */
int judge_culprit(const struct ht_event *ev, const struct snap *snaps,
		  const struct gen *const *gens, int64_t tid)
{
	if (!ev->failed || (ev->errc != ERRC_BADF &&
			    ev->errc != ERRC_NOTSOCK))
		return -1;
	int sockonly = 0;
	for (int i = 0; i < ev->nfx; i++)
		if ((ev->fx[i].op == EFF_USE || ev->fx[i].op == EFF_DUP) &&
		    (ev->fx[i].flags & EF_SOCKET_ONLY))
			sockonly = 1;
	int best = -1, bestscore = -1;
	for (int i = 0; i < ev->nfx; i++) {
		const struct effect *e = &ev->fx[i];
		if ((e->op != EFF_USE && e->op != EFF_DUP) || e->h < 0)
			continue;
		if (ev->errc == ERRC_NOTSOCK && sockonly &&
		    !(e->flags & EF_SOCKET_ONLY))
			continue;
		const struct snap *s = &snaps[i];
		const struct gen *g = gens[i];
		int score = 0;
		if (s->state != NS_OPEN)
			score = 3;
		else if (g && stale(s, g, tid))
			score = 2;
		else if (g && g->origin == OR_OUTSIDE)
			score = 1;
		if (score > bestscore) {
			bestscore = score;
			best = i;
		}
	}
	return best;
}

/* A stale close no later failure proved harmful, judged at the end: a
 * note when the object's kind changed under the close (the closer knew
 * another kind of object), else a hand-off. */
enum verdict judge_unproven_stale_close(int kind_changed)
{
	return kind_changed ? V_CLOSE_STALE_UNPROVEN : V_CLOSE_HANDOFF;
}

/* The reason of an unexplained verdict, its placeholders filled in. */
const char *verdict_reason(struct timeline *tl, enum verdict v,
			   const struct why *w)
{
	const char *t = verdicts[v].reason;
	if (!t)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	while (*t) {
		const char *o = strchr(t, '{');
		const char *c = o ? strchr(o, '}') : NULL;
		if (!o || !c) {
			sb_puts(&sb, t);
			break;
		}
		sb_printf(&sb, "%.*s", (int)(o - t), t);
		size_t n = (size_t)(c - o - 1);
		const char *val = "";
		if (n == 4 && strncmp(o + 1, "noun", 4) == 0)
			val = w->noun;
		else if (n == 3 && strncmp(o + 1, "obj", 3) == 0)
			val = w->obj ? w->obj : "an object not known";
		else if (n == 3 && strncmp(o + 1, "who", 3) == 0)
			val = w->who;
		else if (n == 5 && strncmp(o + 1, "where", 5) == 0)
			val = w->where;
		else if (n == 6 && strncmp(o + 1, "forgot", 6) == 0)
			val = w->forgot;
		else if (n == 5 && strncmp(o + 1, "sweep", 5) == 0)
			val = w->sweep;
		sb_puts(&sb, val ? val : "");
		t = c + 1;
	}
	const char *r = fstr(tl, sb.s ? sb.s : "");
	sb_free(&sb);
	return r;
}
