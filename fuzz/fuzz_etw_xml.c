/* fuzz/fuzz_etw_xml.c - libFuzzer target for the ETW readers (tracerpt
 * and wevtutil event XML, PerfView dumps) through the whole pipeline.
 * The input size picks the format so that seeds stay intact: size % 4 of
 * 0 or 1 detects by content, 2 forces etw-xml, 3 forces perfview-xml. */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "fuzz_util.h"
#include "../cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ht_format by_size[4] = {
		FMT_AUTO, FMT_AUTO, FMT_ETW_XML, FMT_PERFVIEW_XML
	};
	const char *path = fz_file(0, data, size);
	struct analyse_options ao = { .format = by_size[size % 4] };
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
