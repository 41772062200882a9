/* fuzz/fuzz_rules.c - libFuzzer target for the ETW rules-file reader: the
 * input is the --rules file, applied to a fixed trace (fuzz/rules-trace.xml
 * or $FUZZ_RULES_TRACE) through the whole pipeline and every report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "fuzz_util.h"
#include "../cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *trace_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	trace_path = getenv("FUZZ_RULES_TRACE");
	if (!trace_path)
		trace_path = "fuzz/rules-trace.xml";
	FILE *f = fopen(trace_path, "r");
	if (!f) {
		fprintf(stderr, "fuzz_rules: cannot read %s (run from the "
			"top of the tree or set FUZZ_RULES_TRACE)\n",
			trace_path);
		exit(1);
	}
	fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct analyse_options ao = {
		.format = FMT_AUTO, .rules_path = fz_file(0, data, size) };
	struct capture cap;
	struct ht_error err;
	memset(&err, 0, sizeof err);
	if (analyse_capture(&trace_path, 1, &ao, &cap, &err) < 0) {
		if (!err.msg[0] || !err.file[0])
			fz_fail("rules rejected without naming the file",
				err.msg, strlen(err.msg));
		return 0;
	}
	fz_check_reports(&cap);
	capture_free(&cap);
	return 0;
}
