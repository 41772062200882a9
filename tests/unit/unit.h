/* tests/unit/unit.h - the smallest test harness: each CHECK prints one
 * PASS/FAIL line that tests/run.sh counts. */
#ifndef HANDLETRAIL_UNIT_H
#define HANDLETRAIL_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_failed;

#define CHECK(name, cond) do {                                          \
	if (cond) printf("PASS: %s\n", (name));                         \
	else { printf("FAIL: %s (%s:%d: %s)\n", (name), __FILE__,       \
		      __LINE__, #cond); unit_failed = 1; }              \
} while (0)

#define CHECK_STR(name, got, want) do {                                 \
	const char *g_ = (got), *w_ = (want);                           \
	if (g_ && w_ && strcmp(g_, w_) == 0) printf("PASS: %s\n", name);\
	else { printf("FAIL: %s (%s:%d)\n  got:  \"%s\"\n  want: \"%s\"\n",\
		      (name), __FILE__, __LINE__, g_ ? g_ : "(null)",   \
		      w_ ? w_ : "(null)"); unit_failed = 1; }           \
} while (0)

#define CHECK_INT(name, got, want) do {                                 \
	long long g_ = (long long)(got), w_ = (long long)(want);        \
	if (g_ == w_) printf("PASS: %s\n", name);                       \
	else { printf("FAIL: %s (%s:%d): got %lld, want %lld\n", (name),\
		      __FILE__, __LINE__, g_, w_); unit_failed = 1; }   \
} while (0)

#endif
