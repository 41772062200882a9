/* parser/etw_payload.c - fields from an event's payload bytes, by the
 * layouts in etw_layouts.def, for the fields an export did not name. */
#include <stdio.h>
#include <string.h>
#include "etw.h"

struct layout {
	const char *guid;
	long opcode, vmin, vmax;
	const char *fields;
};

static const struct layout layouts[] = {
#define ETW_LAYOUT(g, op, vmin, vmax, f) { g, op, vmin, vmax, f },
#include "etw_layouts.def"
#undef ETW_LAYOUT
};

static const struct layout *find_layout(const struct etw_rec *r)
{
	char g[64];
	size_t k = 0;
	for (const char *s = etw_str(r, r->event_guid); *s && k + 1 < sizeof g;
	     s++)
		if (*s != '{' && *s != '}' && *s != ' ')
			g[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	g[k] = '\0';
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		const struct layout *l = &layouts[i];
		if (!strcmp(l->guid, g) && l->opcode == r->opcode &&
		    (r->version < 0 || (r->version >= l->vmin &&
					r->version <= l->vmax)))
			return l;
	}
	return NULL;
}

static uint64_t le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* UTF-16LE up to a NUL or the end, as UTF-8 in out; the bytes used */
static size_t wstr(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;
	for (; i + 1 < n; i += 2) {
		unsigned c = p[i] | p[i + 1] << 8;
		if (!c) {
			i += 2;
			break;
		}
		if (c >= 0xD800 && c < 0xE000)
			c = '?';   /* surrogates: not worth pairing here */
		if (k + 4 >= cap)
			continue;
		if (c < 0x80) {
			out[k++] = (char)c;
		} else if (c < 0x800) {
			out[k++] = (char)(0xC0 | c >> 6);
			out[k++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[k++] = (char)(0xE0 | c >> 12);
			out[k++] = (char)(0x80 | (c >> 6 & 0x3F));
			out[k++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[k] = '\0';
	return i;
}

int etw_payload_fields(struct etw_rec *r)
{
	if (!r->payload_len)
		return 0;
	const struct layout *l = find_layout(r);
	if (!l)
		return 0;
	/* the bytes move if the buffer grows: copy them out first */
	unsigned char bytes[1024];
	size_t n = r->payload_len < sizeof bytes ? r->payload_len :
		   sizeof bytes;
	memcpy(bytes, r->buf + r->payload, n);
	size_t off = 0, ptr = r->ptr_size == 4 ? 4 : 8;
	int added = 0;
	for (const char *f = l->fields; *f;) {
		while (*f == ' ')
			f++;
		const char *colon = strchr(f, ':');
		if (!colon)
			break;
		const char *t = colon + 1;
		size_t tl = strcspn(t, " ");
		char name[48], val[512];
		size_t nl = (size_t)(colon - f) < sizeof name - 1 ?
			    (size_t)(colon - f) : sizeof name - 1;
		memcpy(name, f, nl);
		name[nl] = '\0';
		f = t + tl;
		size_t w = !strncmp(t, "ptr", tl) ? ptr :
			   !strncmp(t, "u16", tl) ? 2 :
			   !strncmp(t, "wstr", tl) ? 0 : 4;
		if ((w && off + w > n) || (!w && off >= n))
			break;
		uint64_t v = 0;
		if (!w) {
			off += wstr(bytes + off, n - off, val, sizeof val);
		} else {
			v = le(bytes + off, w);
			off += w;
		}
		if (etw_field(r, name))
			continue;   /* named by the export: that one counts */
		if (!w)
			etw_rec_field(r, name, nl, val, strlen(val));
		else
			etw_rec_field_num(r, name, nl, v,
					  !strncmp(t, "u32", tl) ||
					  !strncmp(t, "u16", tl) ? 'u' : 'x');
		added++;
	}
	return added;
}
