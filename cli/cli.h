/* cli/cli.h - the face of cli/: turning command-line inputs into analysed
 * captures (used by the single run in main.c and by batch mode). */
#ifndef HANDLETRAIL_CLI_H
#define HANDLETRAIL_CLI_H

#include <getopt.h>
#include <stdio.h>
#include "../reports/reports.h"

/* One row of cli/options.def. */
struct optdef {
	const char *lng;
	int sh;                    /* short option char, or 0 */
	int arg;                   /* takes an argument */
	const char *argname, *cmds, *help;
};
extern const struct optdef optdefs[];   /* ends with a NULL lng */
/* The getopt_long table of command cmd ('M' main, 'B' batch, 'I' index;
 * allocated) and its short options ("+o:qh").  A long-only option's val
 * is 256 + its row in optdefs. */
struct option *opt_table(char cmd, char *shorts, size_t nshorts);
/* The row getopt_long's val stands for in command cmd, or NULL. */
const struct optdef *opt_def(int val, char cmd);
/* The options of command cmd as --help lists them. */
void opt_usage(FILE *f, char cmd);

struct analyse_options {
	enum ht_format format;
	const char *rules_path;   /* ETW --rules, or NULL */
	/* Shown every event in the order the timeline takes them, right
	 * after it did (--perfetto-events all streams them to its file
	 * as they are read), or NULL. */
	void (*on_event)(void *ctx, const struct ht_event *ev,
			 const struct timeline *tl);
	void *on_event_ctx;
};

/* Reads every path (one capture; "-" is stdin), merges their events in
 * time order (per-TID -ff files get their TID from the numeric suffix),
 * and feeds one timeline.  Returns 0 with *out filled (out->fatal set and
 * results partial when a file broke off mid-way), or -1 with err filled
 * when nothing could be analysed (unreadable file, unknown format). */
int analyse_capture(const char *const *paths, int npaths,
		    const struct analyse_options *o, struct capture *out,
		    struct ht_error *err);
void capture_free(struct capture *c);

/* x.<TID>[.gz|.xz|.zst], a file of `strace -ff -o x`: returns the length
 * of "x" and sets *tid; 0 when path is not such a file. */
size_t ff_split(const char *path, int64_t *tid);

/* "a FIFO", "a character device", ... for messages */
const char *file_type_name(unsigned mode);
/* 0 when path is a regular file, else -1 with err naming what it is
 * (what: the option, e.g. "--rules").  Reading a FIFO or /dev/zero as a
 * rules file would never end. */
int check_regular(const char *path, const char *what, struct ht_error *err);

/* batch mode: handletrail batch ... and handletrail index ... */
int batch_main(int argc, char **argv);
int index_main(int argc, char **argv);

#endif
