/* reports/cards.c - findings gathered into root-cause cards, one per bug
 * (struct finding's bug), so the text and HTML reports tell each bug
 * once: its worst first root cause in full, its repeats by id and line,
 * what followed folded beneath (reports.h). */
#include <stdlib.h>
#include <string.h>
#include "reports.h"

/* The root cause of finding i among f (in id order; a selection may hold
 * only some findings): caused_by followed to its end.  A cause not among
 * f, or a loop, ends the walk where it is. */
static int root_of(const struct finding *f, int nf, int i)
{
	for (int steps = 0; steps < nf; steps++) {
		int c = f[i].caused_by;
		const struct finding *r = c > 0 && c != f[i].id
			? finding_by_id(f, nf, c) : NULL;
		if (!r)
			break;
		i = (int)(r - f);
	}
	return i;
}

/* The card key: the bug, or the fingerprint of a finding made without
 * one (by hand, in tests). */
static const char *bug_of(const struct finding *f)
{
	return f->bug[0] ? f->bug : f->fingerprint;
}

/* roots of one bug together: the worst first, then by kind (how the
 * occurrence ended), each in id order */
static int cmp_bug(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;
	int c = strcmp(bug_of(x), bug_of(y));

	if (c)
		return c;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* errors first, then warnings, then notes; each by its first root */
static int cmp_card(const void *a, const void *b)
{
	const struct card *x = a, *y = b;

	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	return x->roots[0]->id < y->roots[0]->id ? -1
					       : x->roots[0]->id > y->roots[0]->id;
}

/* Fills the followers of every card, in id order, after the roots, and
 * the list of what followed each root. */
static void add_followers(struct card_set *cs, const struct finding *f,
			  int nf, int nroots)
{
	int *card_of = xcalloc((size_t)nf + 1, sizeof *card_of);
	int *fill = xcalloc((size_t)cs->n + 1, sizeof *fill);
	const struct finding **next;

	for (int c = 0; c < cs->n; c++)
		for (int k = 0; k < cs->cards[c].nroots; k++)
			card_of[cs->cards[c].roots[k] - f] = c;
	for (int i = 0; i < nf; i++)
		if (cs->root[i] != i)
			cs->cards[card_of[cs->root[i]]].nfollow++;
	next = &cs->pool[nroots];
	for (int c = 0; c < cs->n; c++) {
		fill[c] = (int)(next - cs->pool);
		cs->cards[c].follow = next;
		next += cs->cards[c].nfollow;
	}
	for (int i = 0; i < nf; i++) {
		int c = card_of[cs->root[i]];
		if (cs->root[i] != i)
			cs->pool[fill[c]++] = &f[i];
		cs->head[i] = cs->cards[c].roots[0]->id;
	}
	for (int i = 0; i < nf; i++)
		cs->first[i] = cs->next[i] = -1;
	for (int i = nf - 1; i >= 0; i--)
		if (cs->root[i] != i) {
			cs->next[i] = cs->first[cs->root[i]];
			cs->first[cs->root[i]] = i;
		}
	free(fill);
	free(card_of);
}

void cards_build(struct card_set *cs, const struct finding *f, int nf)
{
	int nroots = 0;

	memset(cs, 0, sizeof *cs);
	cs->pool = xcalloc((size_t)nf + 1, sizeof *cs->pool);
	cs->root = xcalloc((size_t)nf + 1, sizeof *cs->root);
	cs->head = xcalloc((size_t)nf + 1, sizeof *cs->head);
	cs->first = xcalloc((size_t)nf + 1, sizeof *cs->first);
	cs->next = xcalloc((size_t)nf + 1, sizeof *cs->next);
	cs->cards = xcalloc((size_t)nf + 1, sizeof *cs->cards);
	for (int i = 0; i < nf; i++) {
		cs->root[i] = root_of(f, nf, i);
		if (cs->root[i] == i)
			cs->pool[nroots++] = &f[i];
	}
	qsort(cs->pool, (size_t)nroots, sizeof *cs->pool, cmp_bug);
	for (int i = 0; i < nroots; i++) {
		struct card *last = cs->n ? &cs->cards[cs->n - 1] : NULL;
		if (last && strcmp(bug_of(last->roots[0]),
				   bug_of(cs->pool[i])) == 0) {
			last->nroots++;
			continue;
		}
		cs->cards[cs->n].roots = &cs->pool[i];
		cs->cards[cs->n].nroots = 1;
		cs->cards[cs->n].sev = cs->pool[i]->severity;
		cs->n++;
	}
	qsort(cs->cards, (size_t)cs->n, sizeof *cs->cards, cmp_card);
	add_followers(cs, f, nf, nroots);
}

void cards_free(struct card_set *cs)
{
	free(cs->cards);
	free(cs->pool);
	free(cs->root);
	free(cs->first);
	free(cs->next);
	free(cs->head);
	memset(cs, 0, sizeof *cs);
}

/* What ties a card's repeats to its first root, as the reports say it:
 * the offending call's -k frames, or only the program, thread and calls
 * (then the trace cannot show whether it is one place in the code). */
int card_by_stack(const struct card *c)
{
	const struct finding *f = c->roots[0];

	for (int i = 0; i < f->nchain; i++)
		if (strcmp(f->chain[i].role, "offending") == 0)
			return f->chain[i].stack && f->chain[i].stack[0];
	return 0;
}
