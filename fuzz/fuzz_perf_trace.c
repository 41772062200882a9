/* fuzz/fuzz_perf_trace.c - libFuzzer target for perf trace -o text. */
#include "fuzz_perf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_perf_one(data, size, FMT_PERF_TRACE);
	return 0;
}
