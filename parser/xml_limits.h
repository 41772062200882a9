/* parser/xml_limits.h - a cheap pass over XML bytes before libxml2 sees
 * them, refusing what libxml2 handles in quadratic time (issue 5), and
 * noting where each <Event start tag begins (libxml2 only knows where a
 * start tag ends, and PerfView's tags span four lines). */
#ifndef HANDLETRAIL_XML_LIMITS_H
#define HANDLETRAIL_XML_LIMITS_H

#include <stddef.h>

/* libxml2 (2.9) checks a start tag's attributes for duplicates pair by
 * pair: 200000 attributes on one element take minutes.  Real ETW and
 * PerfView events carry a few dozen. */
#define XML_MAX_ATTRS 256

struct xml_scan {
	int state;
	char quote;
	long attrs;   /* in the start tag being read */
	long nl;      /* newlines counted so far (up to counted) */
	long line;    /* after a refusal: the line of the offending tag */
	int last;     /* the last byte seen (a last line without '\n') */
	/* the start tag being read: its line and how much of "Event" its
	 * name has matched so far (-1: not an Event); while a feed runs,
	 * where its '<' is (NULL once tag_line is known) and how far the
	 * newlines are counted */
	long tag_line;
	const unsigned char *tag_at, *counted;
	int name_len;
	int dash;     /* '-' or ']' run before a '>' in a comment/CDATA;
			 a '?' before it in a PI */
	int ret;      /* the state a comment or PI returns to (S_TEXT, 0,
			 or inside a DOCTYPE's subset) */
	long depth;   /* '[' nesting in a declaration */
	int decl_lt;  /* "<", "<!", "<!-" seen in a declaration */
	/* lines of <Event start tags not yet taken (a ring; the reader of
	 * the elements is behind the bytes by libxml2's read-ahead) */
	long *q;
	size_t qcap, qhead, qn;
	int track_events;
	/* while a feed runs: its first byte, and the last '<' in it */
	const unsigned char *feed_at, *lt_at;
	/* after a refusal: the bytes of that feed before the refused tag's
	 * '<' (0 when it began in an earlier feed), still to be parsed */
	size_t refused_at;
};

/* Feeds the next n bytes (any split).  0, or -1 when a start tag has
 * more than XML_MAX_ATTRS attributes: s->line names its line and
 * s->refused_at how many of these bytes come before it. */
int xml_scan_feed(struct xml_scan *s, const char *buf, size_t n);
/* The line of the next <Event start tag in document order, or -1. */
long xml_scan_take_event(struct xml_scan *s);
/* Lines seen: newlines, plus a last line without one. */
long xml_scan_lines(const struct xml_scan *s);
void xml_scan_free(struct xml_scan *s);

#endif
