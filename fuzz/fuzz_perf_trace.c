/* fuzz/fuzz_perf_trace.c - libFuzzer target for perf trace -o text: parser -> timeline -> every report, each checked. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "../cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 0)
		return 0;
	struct analyse_options ao = { FMT_PERF_TRACE, NULL };
	const char *path = fz_file(0, data + 0, size - 0);
	struct capture cap;
	struct ht_error err;
	memset(&err, 0, sizeof err);
	if (analyse_capture(&path, 1, &ao, &cap, &err) < 0) {
		if (!err.msg[0] || !err.file[0])
			fz_fail("analysis failed without naming the file",
				err.msg, strlen(err.msg));
		return 0;
	}
	for (int i = 0; i < cap.ninputs; i++)
		if (cap.inputs[i].skipped < cap.inputs[i].nsamples)
			fz_fail("skipped count below its samples", NULL, 0);
	fz_check_reports(&cap);
	capture_free(&cap);
	return 0;
}
