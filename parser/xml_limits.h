/* parser/xml_limits.h - a cheap pass over XML bytes before libxml2 sees
 * them, refusing what libxml2 handles in quadratic time (issue 5). */
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
	long nl;      /* newlines seen so far */
	long line;    /* after a refusal: the line of the offending tag */
};

/* Feeds the next n bytes (any split).  0, or -1 when a start tag has
 * more than XML_MAX_ATTRS attributes: s->line names its line. */
int xml_scan_feed(struct xml_scan *s, const char *buf, size_t n);

#endif
