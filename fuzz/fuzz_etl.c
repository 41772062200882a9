/* fuzz/fuzz_etl.c - libFuzzer target for the binary .etl reader through
 * the whole pipeline: buffers, decompression, record headers, the per-CPU
 * merge, payload layouts, TraceLogging schemas, the ETW semantics and every
 * report.  An even input size forces --format etl, an odd one detects by
 * content (so the sniffer sees the inputs too). */
#include <string.h>
#include "fuzz_util.h"
#include "../cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_file(0, data, size);
	struct analyse_options ao = {
		.format = size % 2 ? FMT_AUTO : FMT_ETL };
	struct capture cap;
	struct ht_error err;
	memset(&err, 0, sizeof err);
	if (analyse_capture(&path, 1, &ao, &cap, &err) < 0) {
		if (!err.msg[0] || !err.file[0])
			fz_fail("analysis failed without naming the file",
				err.msg, strlen(err.msg));
		return 0;
	}
	fz_check_reports(&cap);
	capture_free(&cap);
	return 0;
}
