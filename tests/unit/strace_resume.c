/* tests/unit/strace_resume.c - a split call's arguments scanned in two
 * parts (call_scan_entry at the <unfinished ...> cut, call_scan_resume on
 * the merged text) give exactly what one call_scan of the merged text
 * gives: for every cut of real capture lines, tricky texts and random
 * ones. */
#include <stdlib.h>
#include "unit.h"
#include "../../parser/strace_int.h"

static int same_scan(const struct call *a, int ra, const struct call *b,
		     int rb)
{
	if (ra != rb || a->nargs != b->nargs || a->close != b->close)
		return 0;
	int k = a->nargs < CALL_MAX_ARGS ? a->nargs : CALL_MAX_ARGS;
	for (int i = 0; i < k; i++)
		if (a->arg[i].off != b->arg[i].off ||
		    a->arg[i].len != b->arg[i].len)
			return 0;
	return 1;
}

/* every cut of s[0, n): 0 when all agree, else the first bad cut + 1 */
static size_t check_cuts(const char *s, size_t n)
{
	struct call whole, part, merged;
	int rw = call_scan(s, n, &whole);
	for (size_t cut = 0; cut <= n; cut++) {
		struct scan_resume sr;
		/* the entry sees only its part: give it a copy that ends
		 * there, so nothing past the cut can be read */
		char *e = malloc(cut + 1);
		memcpy(e, s, cut);
		e[cut] = '\0';
		call_scan_entry(e, cut, &part, &sr);
		free(e);
		int rm = call_scan_resume(s, n, &merged, &sr);
		if (!same_scan(&whole, rw, &merged, rm))
			return cut + 1;
	}
	return 0;
}

static void test_tricky(void)
{
	static const char *const texts[] = {
		"3</usr/lib/x86_64-linux-gnu/libc.so.6>, \"\\177ELF\", 832) "
		"= 832 <0.000009>",
		"AT_FDCWD</work/main>, \"/etc/ld.so.cache\", O_RDONLY|"
		"O_CLOEXEC) = 3</etc/ld.so.cache> <0.000013>",
		"1</dev/pts/0<char 136:0>>, \"a) = 1 \\\" b\", 9) = 9",
		"5<TCP:[127.0.0.1:5000->127.0.0.1:40000]>, {msg_name=NULL, "
		"msg_iov=[{iov_base=\"x\", iov_len=1}], msg_controllen=0}, 0)"
		" = 1",
		"-100 /* AT_FDCWD */</cwd>, \"f\", 0x80000 /* O_RDONLY|"
		"O_CLOEXEC */) = 3",
		"[{fd=3<pipe:[7]>, events=POLLIN}], 1, -1) = 1 ([{fd=3, "
		"revents=POLLIN}])",
		"3</a\\76b>, \"\\\\\", 2) = 2",
		"3</tmp/x>, \"abc\"..., 4096) = 4096",
		"/", "/*", "a/*b*/c) = 0", "\"unterminated", "<open",
		"((((", "))))", "[1, 2], {3, 4}, (5, 6)) = 0", "",
		"\"\\\"\\\"\", \"\\\\\\\"\") = 0",
	};
	char name[160];
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t bad = check_cuts(texts[i], strlen(texts[i]));
		snprintf(name, sizeof name, "resume: tricky text %zu, every "
			 "cut (bad cut %zu)", i, bad ? bad - 1 : 0);
		CHECK(name, bad == 0);
	}
}

/* random texts over the bytes the scanner cares about */
static void test_random(void)
{
	static const char alphabet[] = "\"\\()[]{}<>/*,- =a1x\t";
	unsigned seed = 12345;
	size_t bad_texts = 0;
	for (int t = 0; t < 3000; t++) {
		char s[48];
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof s;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		if (check_cuts(s, n))
			bad_texts++;
	}
	CHECK_INT("resume: 3000 random texts agree at every cut", bad_texts,
		  0);
}

/* the argument text of every call line of a capture */
static void test_capture(const char *rel)
{
	char path[600], name[700];
	const char *top = getenv("top");
	snprintf(path, sizeof path, "%s/%s", top && *top ? top : ".", rel);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(name, sizeof name, "resume: open %s", path);
		CHECK(name, 0);
		return;
	}
	char line[8192];
	long lines = 0, bad = 0;
	while (fgets(line, sizeof line, f)) {
		char *p = strchr(line, '(');
		if (!p || strstr(line, "resumed>"))
			continue;
		size_t n = strcspn(p + 1, "\n");
		lines++;
		if (check_cuts(p + 1, n))
			bad++;
	}
	fclose(f);
	snprintf(name, sizeof name, "resume: %s, %ld lines, every cut", rel,
		 lines);
	CHECK(name, lines > 0 && bad == 0);
}

int main(void)
{
	test_tricky();
	test_random();
	test_capture("samples/strace/kb-socket.f-tt-T-yy.txt");
	test_capture("samples/strace/close-while-in-use.n-ns-Xverbose-desc-"
		     "net.txt");
	test_capture("tests/data/strace/zoo.f-yy.txt");
	return unit_failed;
}
