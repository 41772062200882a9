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
#include "xml_limits.h"
#include "../util/util.h"

enum {
	S_TEXT, S_LT, S_TAG, S_QUOTE, S_OTHER, S_BANG, S_COMMENT, S_CDATA,
	S_PI, S_DECL, S_DQUOTE,
};

static int name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       c == ':' || c >= 0x80;
}

static int name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.';
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

static void name_end(struct xml_scan *s)
{
	if (s->name_len == 5)
		push_event(s, s->tag_line);
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

/* The bytes that matter in the states most bytes are read in (text,
 * attribute values, end tags, a start tag after its name); the others
 * are stepped over in a tight loop (this pass runs over every byte of an
 * input: one switch per byte was a sixth of an ETW XML analysis).  A
 * newline matters everywhere, for the line count. */
static const unsigned char stop_text[256] = { ['<'] = 1, ['\n'] = 1 };
static const unsigned char stop_quote[256] = {
	['"'] = 1, ['\''] = 1, ['\n'] = 1,
};
static const unsigned char stop_other[256] = { ['>'] = 1, ['\n'] = 1 };
static const unsigned char stop_tag[256] = {
	['"'] = 1, ['\''] = 1, ['='] = 1, ['>'] = 1, ['\n'] = 1,
};

static const unsigned char *stops_of(const struct xml_scan *s)
{
	switch (s->state) {
	case S_TEXT:
		return stop_text;
	case S_QUOTE:
		return stop_quote;
	case S_OTHER:
		return stop_other;
	case S_TAG:
		return s->name_len == -2 ? stop_tag : NULL;
	default:
		return NULL;
	}
}

static int scan_byte(struct xml_scan *s, unsigned char c);

int xml_scan_feed(struct xml_scan *s, const char *buf, size_t n)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + n;
	while (p < end) {
		const unsigned char *st = stops_of(s);
		if (st) {
			while (p < end && !st[*p])
				p++;
			if (p == end)
				break;
			if (*p == '\n' || (s->state == S_QUOTE &&
					   *p != (unsigned char)s->quote)) {
				s->nl += *p == '\n';
				p++;
				continue;
			}
		}
		if (scan_byte(s, *p++) < 0)
			return -1;
	}
	/* the last byte that is not 0 (UTF-16's other half) */
	for (const unsigned char *e = end; e > (const unsigned char *)buf;)
		if (*--e) {
			s->last = *e;
			break;
		}
	return 0;
}

/* One byte, in any state: 0, or -1 when a tag has too many attributes. */
static int scan_byte(struct xml_scan *s, unsigned char c)
{
	if (c == '\n')
		s->nl++;
	if (c)
		s->last = c;
	switch (s->state) {
	case S_TEXT:
		if (c == '<') {
			s->state = S_LT;
			s->tag_line = s->nl + 1;
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
			s->line = s->nl + 1;
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
