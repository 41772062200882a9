/* fuzz/fuzz_perf_script.c - libFuzzer target for perf script and
 * trace-cmd report text (raw_syscalls, syscalls:*, sched, task events):
 * the first byte picks the form (even: perf script, odd: trace-cmd). */
#include "fuzz_perf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fz_perf_one(data + 1, size - 1,
		    data[0] & 1 ? FMT_TRACE_CMD : FMT_PERF_SCRIPT);
	return 0;
}
