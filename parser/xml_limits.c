/* parser/xml_limits.c - counts the attributes of each start tag in a
 * stream of XML bytes so that an element with hundreds of thousands of
 * them is refused before libxml2 spends minutes on it, and notes the line
 * where each <Event start tag begins.  It follows the grammar of what
 * can hide a '>' or a '<' (comments, CDATA, processing instructions
 * ending only at "?>", a DOCTYPE with quoted strings and an internal
 * subset holding comments and PIs): none of them puts it out of step
 * with libxml2, so none lets a tag past uncounted.  UTF-16's zero bytes
 * are skipped; the limit is far above any real event. */
#include <stdlib.h>
#include <string.h>
#include "xml_limits.h"
#include "../util/util.h"

enum {
	S_TEXT, S_LT, S_TAG, S_QUOTE, S_OTHER, S_BANG, S_COMMENT, S_CDATA,
	S_PI, S_DECL, S_DQUOTE,
};

/* XML name characters, as a table (the scan runs over every byte):
 * 1 a name may start with it, 2 it may only follow.  Filled once. */
static unsigned char name_class[256];

static void name_class_fill(void)
{
	for (int c = 0; c < 256; c++)
		name_class[c] = (c >= 'A' && c <= 'Z') ||
				(c >= 'a' && c <= 'z') || c == '_' ||
				c == ':' || c >= 0x80 ? 1
			      : (c >= '0' && c <= '9') || c == '-' ||
				c == '.' ? 2 : 0;
}

static int name_start(unsigned char c)
{
	return name_class[c] == 1;
}

static int name_char(unsigned char c)
{
	return name_class[c] != 0;
}

static void push_event(struct xml_scan *s, long line)
{
	if (!s->track_events)
		return;
	if (s->qn == s->qcap) {
		size_t nc = s->qcap ? s->qcap * 2 : 64;
		long *nq = xmalloc(nc * sizeof *nq);
		for (size_t i = 0; i < s->qn; i++)
			nq[i] = s->q[(s->qhead + i) % s->qcap];
		free(s->q);
		s->q = nq;
		s->qcap = nc;
		s->qhead = 0;
	}
	s->q[(s->qhead + s->qn) % s->qcap] = line;
	s->qn++;
}

long xml_scan_take_event(struct xml_scan *s)
{
	if (!s->qn)
		return -1;
	long v = s->q[s->qhead];
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qn--;
	return v;
}

long xml_scan_lines(const struct xml_scan *s)
{
	return s->nl + (s->last && s->last != '\n');
}

void xml_scan_free(struct xml_scan *s)
{
	free(s->q);
	s->q = NULL;
	s->qcap = s->qn = s->qhead = 0;
}

/* a tag name character: does the name still spell "Event"? */
static void name_step(struct xml_scan *s, unsigned char c)
{
	static const char ev[] = "Event";
	if (s->name_len == -2)
		return;
	if (c == ':') {          /* a prefix: the local name follows */
		s->name_len = 0;
		return;
	}
	if (s->name_len < 0)
		return;
	if (s->name_len < 5 && c == (unsigned char)ev[s->name_len])
		s->name_len++;
	else
		s->name_len = -1;
}

/* Newlines in [a, b), counted with memchr: lines are counted in bulk,
 * and only where a line number is needed. */
static long newlines(const unsigned char *a, const unsigned char *b)
{
	long n = 0;

	while (a < b && (a = memchr(a, '\n', (size_t)(b - a))) != NULL) {
		n++;
		a++;
	}
	return n;
}

/* s->nl brought up to p (in the buffer being fed) */
static void count_to(struct xml_scan *s, const unsigned char *p)
{
	if (s->counted < p) {
		s->nl += newlines(s->counted, p);
		s->counted = p;
	}
}

/* The line of the tag being read: where its '<' was, when that was in
 * the buffer being fed (tag_line is set once it is known). */
static void tag_line_known(struct xml_scan *s)
{
	if (s->tag_at) {
		count_to(s, s->tag_at);
		s->tag_line = s->nl + 1;
		s->tag_at = NULL;
	}
}

static void name_end(struct xml_scan *s)
{
	if (s->name_len == 5) {
		tag_line_known(s);
		push_event(s, s->tag_line);
	}
	s->name_len = -2;   /* the name is over */
}

/* One byte of a declaration (<!DOCTYPE x [ ... ]>).  Its internal subset
 * holds declarations with quoted strings, comments and PIs; a comment or
 * PI there returns here (s->ret), a '>' ends it only outside the subset. */
static void decl_step(struct xml_scan *s, unsigned char c)
{
	if (s->decl_lt == 1 && c == '?') {
		s->state = S_PI;
		s->ret = S_DECL;
		s->dash = 0;
		s->decl_lt = 0;
		return;
	}
	if ((s->decl_lt == 1 && c == '!') || (s->decl_lt == 2 && c == '-')) {
		s->decl_lt++;
		return;
	}
	if (s->decl_lt == 3 && c == '-') {
		s->state = S_COMMENT;
		s->ret = S_DECL;
		s->dash = 0;
		s->decl_lt = 0;
		return;
	}
	s->decl_lt = c == '<';
	if (c == '"' || c == '\'') {
		s->quote = (char)c;
		s->state = S_DQUOTE;
	} else if (c == '[') {
		s->depth++;
	} else if (c == ']' && s->depth > 0) {
		s->depth--;
	} else if (c == '>' && s->depth == 0) {
		s->state = S_TEXT;
		s->ret = S_TEXT;
	}
}

/* A start tag's bytes after its name: quotes, '=' and '>' matter. */
static const unsigned char stop_tag[256] = {
	['"'] = 1, ['\''] = 1, ['='] = 1, ['>'] = 1,
};

/* Where the next byte that matters is, from p, in the states most bytes
 * are read in (text, attribute values, end tags, a start tag after its
 * name); p itself in the others.  end when there is none.  This pass
 * runs over every byte of an input: one switch per byte was a sixth of
 * an ETW XML analysis, a stop table per byte still a seventh. */
static const unsigned char *next_stop(const struct xml_scan *s,
				      const unsigned char *p,
				      const unsigned char *end)
{
	const unsigned char *q;
	int c;

	switch (s->state) {
	case S_TEXT:
		c = '<';
		break;
	case S_QUOTE:
		c = (unsigned char)s->quote;
		break;
	case S_OTHER:
		c = '>';
		break;
	case S_TAG:
		if (s->name_len != -2)
			return p;   /* the name: xml_scan_feed steps it */
		while (p < end && !stop_tag[*p])
			p++;
		return p;
	default:
		return p;
	}
	q = memchr(p, c, (size_t)(end - p));
	return q ? q : end;
}

static int scan_byte(struct xml_scan *s, const unsigned char *p);

int xml_scan_feed(struct xml_scan *s, const char *buf, size_t n)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + n;

	if (!name_class['A'])
		name_class_fill();
	s->counted = p;
	s->feed_at = p;
	s->lt_at = NULL;
	while (p < end) {
		if (s->state == S_TAG && s->name_len != -2)
			while (p < end && name_char(*p))
				name_step(s, *p++);
		p = next_stop(s, p, end);
		if (p == end)
			break;
		if (scan_byte(s, p++) < 0)
			return -1;
	}
	/* a tag still open: its line, while its '<' is at hand */
	if (s->state == S_LT || (s->state == S_TAG && s->name_len != -2))
		tag_line_known(s);
	s->tag_at = NULL;
	count_to(s, end);
	/* the last byte that is not 0 (UTF-16's other half) */
	for (const unsigned char *e = end; e > (const unsigned char *)buf;)
		if (*--e) {
			s->last = *e;
			break;
		}
	return 0;
}

/* The byte at p, in any state: 0, or -1 when a tag has too many
 * attributes.  Newlines are counted apart (count_to). */
static int scan_byte(struct xml_scan *s, const unsigned char *p)
{
	unsigned char c = *p;

	switch (s->state) {
	case S_TEXT:
		if (c == '<') {
			s->state = S_LT;
			s->tag_at = s->lt_at = p;
		}
		break;
	case S_LT:
		if (c == 0)
			break;  /* UTF-16: the other half of '<' */
		if (c == '?') {
			s->state = S_PI;
			s->dash = 0;
		} else if (name_start(c)) {
			s->state = S_TAG;
			s->attrs = 0;
			s->name_len = 0;
			name_step(s, c);
		} else if (c == '!') {
			s->state = S_BANG;
			s->dash = 0;
		} else {
			s->state = c == '<' ? S_LT : S_OTHER;
		}
		break;
	case S_TAG:
		if (c == 0)
			break;
		if (s->name_len != -2 && name_char(c)) {
			name_step(s, c);
			break;
		}
		name_end(s);
		if (c == '"' || c == '\'') {
			s->quote = (char)c;
			s->state = S_QUOTE;
		} else if (c == '>') {
			s->state = S_TEXT;
		} else if (c == '=' && ++s->attrs > XML_MAX_ATTRS) {
			count_to(s, p);
			s->line = s->nl + 1;
			s->refused_at = s->lt_at ?
					(size_t)(s->lt_at - s->feed_at) : 0;
			return -1;
		}
		break;
	case S_QUOTE:
		if (c == (unsigned char)s->quote)
			s->state = S_TAG;
		break;
	case S_BANG:   /* "<!": a comment, CDATA or a declaration */
		if (c == 0)
			break;
		if (c == '-' && ++s->dash == 2) {
			s->state = S_COMMENT;
			s->dash = 0;
		} else if (c == '[' && s->dash == 0) {
			s->state = S_CDATA;
		} else if (name_start(c) && s->dash == 0) {
			s->state = S_DECL;   /* <!DOCTYPE ... */
			s->depth = 0;
			s->decl_lt = 0;
		} else if (c != '-') {
			s->state = c == '>' ? S_TEXT : S_OTHER;
		}
		break;
	case S_PI:        /* until "?>" ('>' alone does not end it) */
		if (c == 0)
			break;
		if (c == '>' && s->dash)
			s->state = s->ret;
		else
			s->dash = c == '?';
		break;
	case S_DECL:      /* a declaration: quotes, [subset] */
		if (c == 0)
			break;
		decl_step(s, c);
		break;
	case S_DQUOTE:
		if (c == (unsigned char)s->quote)
			s->state = S_DECL;
		break;
	case S_COMMENT:   /* until "-->" */
	case S_CDATA:     /* until "]]>" */
		if (c == 0)
			break;
		if (c == (s->state == S_COMMENT ? '-' : ']'))
			s->dash++;
		else if (c == '>' && s->dash >= 2)
			s->state = s->state == S_COMMENT ? s->ret
							 : S_TEXT;
		else
			s->dash = 0;
		break;
	case S_OTHER:
		if (c == '>')
			s->state = S_TEXT;
		break;
	}
	return 0;
}
