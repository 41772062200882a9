/* reports/html_esc.c - trace text into HTML: escaped for its context, with
 * control bytes, invalid UTF-8 and bidi/invisible characters made visible
 * so that a hostile trace can neither inject markup nor hide what it says. */
#include <string.h>
#include "html_internal.h"


/* Characters that change how text around them is displayed without
 * showing themselves: bidi embeddings, overrides, isolates and marks,
 * zero-width characters, line/paragraph separators, the BOM. */
static int is_invisible(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	       (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0xfeff ||
	       (cp >= 0xfff9 && cp <= 0xfffb);
}

enum mark { MARK_CTRL, MARK_BAD, MARK_BIDI };

static void put_mark(struct strbuf *sb, int markup, enum mark m,
		     const char *shown)
{
	static const char *const why[] = {
		[MARK_CTRL] = "control character in the trace",
		[MARK_BAD] = "invalid UTF-8 byte in the trace",
		[MARK_BIDI] = ("invisible or bidi control character in the "
			       "trace, shown instead of applied"),
	};
	if (markup)
		sb_printf(sb, "<span class=\"x\" title=\"%s\">", why[m]);
	sb_puts(sb, shown);
	if (markup)
		sb_puts(sb, "</span>");
}

/* Where a path or object may wrap (hx_path): after a separator (and
 * after the "->" of a socket's ends), and at the latest after WBR_RUN
 * characters without a place to break, so that no cell of a table is
 * wider than that (its min-content width). */
#define WBR_RUN 20

static int breaks_after(unsigned cp)
{
	return cp == '/' || cp == '\\' || cp == ',' || cp == '[';
}

/* wbr: add <wbr> break opportunities (element content only) */
static void escape(struct strbuf *sb, const char *s, size_t n, int markup,
		   int wbr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	int since = 0;   /* characters since the last place to break */
	char tmp[32];

	if (!s)
		return;
	while (i < n) {
		unsigned cp = 0;
		size_t len = utf8_decode(p + i, n - i, &cp);
		const char *rep = NULL;
		enum mark m = MARK_CTRL;

		if (wbr && cp == '-' && i + 1 < n && p[i + 1] == '>') {
			/* "->" of a socket's ends: wraps after, not inside */
			if (run)
				sb_add(sb, s + i - run, run);
			run = 0;
			sb_puts(sb, "<span class=\"nb\">-&gt;</span><wbr>");
			i += 2;
			since = 0;
			continue;
		}
		if (len == 0) {
			snprintf(tmp, sizeof tmp, "\\x%02x", p[i]);
			m = MARK_BAD;
			len = 1;
		} else if (cp < 0x20 || cp == 0x7f) {
			snprintf(tmp, sizeof tmp, "\\x%02x", cp);
		} else if (cp >= 0x80 && cp <= 0x9f) {
			snprintf(tmp, sizeof tmp, "&lt;U+%04X&gt;", cp);
		} else if (is_invisible(cp)) {
			snprintf(tmp, sizeof tmp, "&lt;U+%04X&gt;", cp);
			m = MARK_BIDI;
		} else {
			switch (cp) {
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '&': rep = "&amp;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default: rep = ""; break;  /* plain: copied in runs */
			}
		}
		if (rep && !*rep) {
			run += len;
		} else {
			if (run)
				sb_add(sb, s + i - run, run);
			run = 0;
			if (rep)
				sb_puts(sb, rep);
			else
				put_mark(sb, markup, m, tmp);
		}
		i += len;
		if (!wbr || i >= n)
			continue;
		if (cp == ' ' || cp == '-') {
			since = 0;  /* the browser breaks there by itself */
		} else if ((breaks_after(cp) && i > len) || ++since >= WBR_RUN) {
			if (run)
				sb_add(sb, s + i - run, run);
			run = 0;
			sb_puts(sb, "<wbr>");
			since = 0;
		}
	}
	if (run)
		sb_add(sb, s + n - run, run);
}

void hx_textn(struct strbuf *sb, const char *s, size_t n)
{
	escape(sb, s, n, 1, 0);
}

void hx_text(struct strbuf *sb, const char *s)
{
	if (s)
		escape(sb, s, strlen(s), 1, 0);
}

void hx_path(struct strbuf *sb, const char *s)
{
	if (s)
		escape(sb, s, strlen(s), 1, 1);
}

void hx_attrn(struct strbuf *sb, const char *s, size_t n)
{
	escape(sb, s, n, 0, 0);
}

void hx_attr(struct strbuf *sb, const char *s)
{
	if (s)
		escape(sb, s, strlen(s), 0, 0);
}

void hx_raw(struct strbuf *sb, const char *s)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	if (n <= HTML_RAW_CAP) {
		escape(sb, s, n, 1, 0);
		return;
	}
	/* cut before a UTF-8 continuation byte, not inside a character */
	size_t cut = HTML_RAW_CAP;
	while (cut > HTML_RAW_CAP - 3 &&
	       ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	escape(sb, s, cut, 1, 0);
	sb_printf(sb, "<span class=\"cap\">\xe2\x80\xa6 %zu more bytes of this "
		  "line not shown</span>", n - cut);
}
