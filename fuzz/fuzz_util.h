/* fuzz/fuzz_util.h - what the libFuzzer targets share: turning the fuzz
 * input into a file the public parser API can open, draining events, and
 * checking that every report is well formed whatever the input was. */
#ifndef HANDLETRAIL_FUZZ_UTIL_H
#define HANDLETRAIL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "../reports/reports.h"

/* The bytes in a file the parser can open by path (a memfd seen through
 * /proc/self/fd, or a temp file when /proc is missing).  slot 0..3 keeps
 * several files alive at once; the path stays valid for the process. */
const char *fz_file(int slot, const uint8_t *data, size_t n);

/* Reads every event of one parser, touching every string it hands out
 * (so a dangling pointer trips ASan) and checking the event invariants
 * parser.h promises.  Returns parser_next's last result. */
int fz_drain(struct parser *p, const struct input_stats *st);

/* Renders every report of the capture and aborts when one is malformed:
 * JSON that does not parse or is not valid UTF-8, terminal text with a
 * control byte or escape sequence, HTML with raw control bytes or the
 * marker tag "<x-fuzz" copied through unescaped; SARIF and the
 * trace-event timeline must be valid JSON too. */
void fz_check_reports(const struct capture *c);

/* abort() with a message: libFuzzer reports it as a crash. */
void fz_fail(const char *what, const char *detail, size_t n)
	__attribute__((noreturn));

#endif
