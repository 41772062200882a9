/* fuzz/fuzz_strace_line.c - libFuzzer target for the strace line parser:
 * the input is a capture read with --format strace, every event drained
 * and checked; odd-sized inputs are read as one -ff per-thread file. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_file(0, data, size);
	struct parser_options o = {
		.format = FMT_STRACE,
		.default_tid = size % 2 ? 4242 : -1,
		.rules_path = NULL,
	};
	struct input_stats st;
	struct ht_error err;
	memset(&st, 0, sizeof st);
	st.ts_first = st.ts_last = TS_NONE;
	struct parser *p = parser_open(path, &o, &st, &err);
	if (p) {
		fz_drain(p, &st);
		parser_close(p);
	} else if (!err.msg[0]) {
		fz_fail("parser_open failed without a message", NULL, 0);
	}
	free(st.path);
	return 0;
}
