/* timeline/object.c - what an object text (strace -y/-yy decoration or
 * ETW object name) says: its kind, whether two texts name one object, and
 * a form without volatile numbers for fingerprints. */
#include <ctype.h>
#include <string.h>
#include "internal.h"

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Length of a -yy socket protocol prefix ("TCP", "UDPv6", "UNIX-STREAM")
 * followed by ":[", or 0. */
static size_t proto_len(const char *s)
{
	size_t n = 0;
	while (isupper((unsigned char)s[n]) || isdigit((unsigned char)s[n]) ||
	       s[n] == '-' || s[n] == 'v')
		n++;
	if (n == 0 || s[n] != ':' || s[n + 1] != '[')
		return 0;
	return n;
}

/* (the first character is looked at before each prefix: this runs for
 * many events) */
enum objclass obj_class(const char *s)
{
	if (!s || !*s)
		return OC_UNKNOWN;
	char c = s[0];
	/* "socket" covers "socket:[" */
	if ((c == 's' && starts(s, "socket")) ||
	    (c == 'S' && starts(s, "Socket")) || proto_len(s) ||
	    strstr(s, "\\Device\\Afd"))
		return OC_SOCKET;
	if ((c == 'p' && starts(s, "pipe:[")) ||
	    (c == '\\' && starts(s, "\\Device\\NamedPipe")))
		return OC_PIPE;
	if (c == 'a' && starts(s, "anon_inode:"))
		return OC_ANON;
	if (c == '/' || (c == '\\' && starts(s, "\\Device\\Harddisk")) ||
	    (isalpha((unsigned char)c) && s[1] == ':' && s[2] == '\\') ||
	    (c == 'F' && starts(s, "File")))
		return OC_FILE;
	return OC_OTHER;
}

/* The kind of object, finer than the class: the socket protocol, the
 * anon_inode type.  Written to buf; "" when unknown. */
void obj_kind(const char *s, char *buf, size_t n)
{
	buf[0] = '\0';
	enum objclass c = obj_class(s);
	size_t l;
	switch (c) {
	case OC_UNKNOWN:
		return;
	case OC_SOCKET:
		l = proto_len(s);
		if (l && l < n) {
			memcpy(buf, s, l);
			buf[l] = '\0';
		} else {
			snprintf(buf, n, "socket");
		}
		return;
	case OC_FILE:
		snprintf(buf, n, "file");
		return;
	case OC_PIPE:
		snprintf(buf, n, "pipe");
		return;
	case OC_ANON:
	case OC_OTHER:
		l = strcspn(s, "[(< ");
		if (c == OC_ANON)
			l = strcspn(s, "]") + 1;
		if (l >= n)
			l = n - 1;
		memcpy(buf, s, l);
		buf[l] = '\0';
		return;
	}
}

/* Two objects known and of visibly different kinds: a socket and a file,
 * a TCP and a UDP socket, an eventfd and an epoll instance. */
int obj_kind_differs(const char *a, const char *b)
{
	char ka[64], kb[64];
	obj_kind(a, ka, sizeof ka);
	obj_kind(b, kb, sizeof kb);
	if (!ka[0] || !kb[0])
		return 0;
	if (strcmp(ka, "socket") == 0 && obj_class(b) == OC_SOCKET)
		return 0;
	if (strcmp(kb, "socket") == 0 && obj_class(a) == OC_SOCKET)
		return 0;
	return strcmp(ka, kb) != 0;
}

/* length without a trailing "(deleted)" */
static size_t undeleted_len(const char *s)
{
	size_t n = strlen(s);
	static const char del[] = "(deleted)";
	size_t d = sizeof del - 1;
	if (n >= d && strcmp(s + n - d, del) == 0) {
		n -= d;
		while (n > 0 && s[n - 1] == ' ')
			n--;
	}
	return n;
}

/* "PROTO:[digits]": the inode form strace prints before a socket has
 * addresses.  Returns the digits, or NULL. */
static const char *inode_form(const char *s)
{
	size_t l = proto_len(s);
	if (!l) {
		if (!starts(s, "socket:["))
			return NULL;
		l = 6;
	}
	const char *d = s + l + 2;
	size_t k = 0;
	while (isdigit((unsigned char)d[k]))
		k++;
	return k && d[k] == ']' && d[k + 1] == '\0' ? d : NULL;
}

/* Whether two decorations of one number can name the same object: equal,
 * equal but for "(deleted)", or the same socket seen before and after it
 * got addresses (TCP:[20226] then TCP:[127.0.0.1:55193]). */
int obj_same(const char *a, const char *b)
{
	if (!a || !b)
		return 1;
	if (strcmp(a, b) == 0)
		return 1;
	size_t la = undeleted_len(a), lb = undeleted_len(b);
	if (la == lb && strncmp(a, b, la) == 0)
		return 1;
	/* a pidfd shows its pid while the process lives, its type after */
	if ((starts(a, "pid:") && strcmp(b, "anon_inode:[pidfd]") == 0) ||
	    (starts(b, "pid:") && strcmp(a, "anon_inode:[pidfd]") == 0))
		return 1;
	if (obj_class(a) != OC_SOCKET || obj_class(b) != OC_SOCKET)
		return 0;
	const char *ia = inode_form(a), *ib = inode_form(b);
	if (ia && ib)
		return 0;      /* two different inodes */
	size_t pa = proto_len(a), pb = proto_len(b);
	if (pa && pb && (pa != pb || strncmp(a, b, pa) != 0))
		return 0;      /* TCP vs UDP */
	return 1;
}

/* Digits runs become '#', 0x... hex runs "0x#": inode numbers, ports,
 * pids and pointers change from run to run, the rest does not. */
void obj_normalize(struct strbuf *sb, const char *s)
{
	if (!s)
		return;
	for (const char *p = s; *p;) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    isxdigit((unsigned char)p[2])) {
			sb_puts(sb, "0x#");
			p += 2;
			while (isxdigit((unsigned char)*p))
				p++;
		} else if (isdigit((unsigned char)*p)) {
			sb_putc(sb, '#');
			while (isdigit((unsigned char)*p))
				p++;
		} else {
			sb_putc(sb, *p++);
		}
	}
}

/* An object text that names one object rather than a kind: a pipe or
 * socket with its inode or addresses, a path outside /dev (one path, one
 * file, as long as nobody renames).  anon_inode types are not. */
int obj_has_identity(const char *s)
{
	if (!s)
		return 0;
	enum objclass c = obj_class(s);
	if (c == OC_FILE)
		return s[0] == '/' && strncmp(s, "/dev/", 5) != 0;
	if (c != OC_PIPE && c != OC_SOCKET)
		return 0;
	const char *b = strchr(s, '[');
	return b && isdigit((unsigned char)b[1]);
}
