/* parser/etl_xpress.c - the plain LZ77 form of Microsoft's XPRESS
 * compression ([MS-XCA] sections 2.3 and 2.4), which compressed .etl
 * buffers hold.  Written small and bounded: it never writes past the
 * output size it is given, never reads past the input, and refuses a
 * match that reaches before the start of the output. */
#include "etl.h"

/* The match length after the 3 bits of the match token: 7 means a
 * nibble follows (two matches share one byte), 15 there a byte, 255
 * there a 16-bit (or, when 0, a 32-bit) length.  -1 when the input
 * ends inside it or the length is inconsistent. */
static long match_length(const unsigned char *in, size_t n, size_t *ip,
			 size_t *nibble_at, uint32_t len)
{
	if (len < 7)
		return (long)len + 3;
	if (*nibble_at == 0) {
		if (*ip >= n)
			return -1;
		len = in[*ip] & 15u;
		*nibble_at = *ip;
		(*ip)++;
	} else {
		len = in[*nibble_at] >> 4;
		*nibble_at = 0;
	}
	if (len == 15) {
		if (*ip >= n)
			return -1;
		len = in[(*ip)++];
		if (len == 255) {
			if (*ip + 2 > n)
				return -1;
			len = le16(in + *ip);
			*ip += 2;
			if (len == 0) {
				if (*ip + 4 > n)
					return -1;
				len = le32(in + *ip);
				*ip += 4;
			}
			if (len < 15 + 7 || len > (1u << 30))
				return -1;
			len -= 15 + 7;
		}
		len += 15;
	}
	return (long)len + 7 + 3;
}

long etl_xpress_decode(const unsigned char *in, size_t n, unsigned char *out,
		       size_t cap)
{
	size_t ip = 0, op = 0, nibble_at = 0;
	uint32_t flags = 0;
	int nflags = 0;
	for (;;) {
		if (nflags == 0) {
			if (ip + 4 > n)
				return (long)op;  /* input ends: done */
			flags = le32(in + ip);
			ip += 4;
			nflags = 32;
		}
		nflags--;
		if (!(flags & (1u << nflags))) {
			if (ip >= n)
				return (long)op;
			if (op >= cap)
				return -1;        /* more output than stated */
			out[op++] = in[ip++];
			continue;
		}
		if (ip == n)
			return (long)op;          /* the end of the stream */
		if (ip + 2 > n)
			return -1;
		uint32_t tok = le16(in + ip);
		ip += 2;
		size_t off = (tok >> 3) + 1;
		long len = match_length(in, n, &ip, &nibble_at, tok & 7u);
		if (len < 0 || off > op || (size_t)len > cap - op)
			return -1;
		/* byte by byte: a match may overlap what it produces */
		for (long k = 0; k < len; k++, op++)
			out[op] = out[op - off];
	}
}
