/* fuzz/fuzz_perf.h - the one body of the perf reader targets
 * (fuzz_perf_script.c, fuzz_perf_trace.c): the input as a capture of
 * format f through parser, timeline and every report, each checked. */
#ifndef HANDLETRAIL_FUZZ_PERF_H
#define HANDLETRAIL_FUZZ_PERF_H
#include <string.h>
#include "fuzz_util.h"
#include "../cli/cli.h"

static inline void fz_perf_one(const uint8_t *data, size_t size,
			       enum ht_format f)
{
	struct analyse_options ao = { .format = f };
	const char *path = fz_file(0, data, size);
	struct capture cap;
	struct ht_error err;
	memset(&err, 0, sizeof err);
	if (analyse_capture(&path, 1, &ao, &cap, &err) < 0) {
		if (!err.msg[0] || !err.file[0])
			fz_fail("analysis failed without naming the file",
				err.msg, strlen(err.msg));
		return;
	}
	for (int i = 0; i < cap.ninputs; i++)
		if (cap.inputs[i].skipped < cap.inputs[i].nsamples)
			fz_fail("skipped count below its samples", NULL, 0);
	fz_check_reports(&cap);
	capture_free(&cap);
}
#endif
