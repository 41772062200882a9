/* fuzz/fuzz_strace_pipeline.c - libFuzzer target for the whole strace
 * path: parser -> timeline -> JSON/text/HTML/SARIF/timeline reports, each
 * checked for well-formedness.  A form feed byte splits the input into two
 * per-thread files (x.101, x.102) of one capture, as strace -ff writes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_util.h"
#include "../cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char ff_path[2][PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char dir[] = "/tmp/fzffXXXXXX";
	if (!mkdtemp(dir))
		abort();
	for (int i = 0; i < 2; i++) {
		const char *target = fz_file(1 + i, (const uint8_t *)"", 0);
		snprintf(ff_path[i], sizeof ff_path[i], "%s/x.%d", dir,
			 101 + i);
		if (symlink(target, ff_path[i]) != 0)
			abort();
	}
	return 0;
}

static void check(const char *const *paths, int n)
{
	struct analyse_options ao = { .format = FMT_STRACE };
	struct capture cap;
	struct ht_error err;
	memset(&err, 0, sizeof err);
	if (analyse_capture(paths, n, &ao, &cap, &err) < 0) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ff = memchr(data, '\f', size);
	if (ff) {
		size_t a = (size_t)(ff - data);
		fz_file(1, data, a);
		fz_file(2, ff + 1, size - a - 1);
		const char *paths[2] = { ff_path[0], ff_path[1] };
		check(paths, 2);
		return 0;
	}
	const char *path = fz_file(0, data, size);
	check(&path, 1);
	return 0;
}
