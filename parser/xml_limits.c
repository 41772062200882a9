/* parser/xml_limits.c - counts the attributes of each start tag in a
 * stream of XML bytes so that an element with hundreds of thousands of
 * them is refused before libxml2 spends minutes on it.  Tolerant by
 * design: comments, PIs and UTF-16 bytes may confuse it only towards
 * counting less, and the limit is far above any real event. */
#include "xml_limits.h"

enum { S_TEXT, S_LT, S_TAG, S_QUOTE, S_OTHER };

static int name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       c == ':' || c >= 0x80;
}

int xml_scan_feed(struct xml_scan *s, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n')
			s->nl++;
		switch (s->state) {
		case S_TEXT:
			if (c == '<')
				s->state = S_LT;
			break;
		case S_LT:
			if (c == 0)
				break;  /* UTF-16: the other half of '<' */
			if (name_start(c)) {
				s->state = S_TAG;
				s->attrs = 0;
			} else {
				s->state = c == '<' ? S_LT : S_OTHER;
			}
			break;
		case S_TAG:
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
		case S_OTHER:
			if (c == '>')
				s->state = S_TEXT;
			break;
		}
	}
	return 0;
}
