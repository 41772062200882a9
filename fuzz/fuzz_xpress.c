/* fuzz/fuzz_xpress.c - libFuzzer target for the XPRESS (plain LZ77)
 * decoder of compressed .etl buffers.  The first two bytes of the input
 * are the output size the buffer header would state, the rest the
 * compressed bytes.  The output buffer is exactly that size, so ASan
 * catches any write past it; the decoder must also say it wrote no more. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "../parser/etl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t cap = (size_t)data[0] | (size_t)data[1] << 8;
	unsigned char *out = malloc(cap ? cap : 1);
	long n = etl_xpress_decode(data + 2, size - 2, out, cap);
	if (n > (long)cap)
		fz_fail("decoded more than the stated size", NULL, 0);
	/* what was decoded is readable (ASan: initialised, in bounds) */
	unsigned sum = 0;
	for (long i = 0; i < n; i++)
		sum += out[i];
	(void)sum;
	free(out);
	return 0;
}
