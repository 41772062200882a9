/* cli/batch.h - what batch.c (running captures) and batch_index.c
 * (building the index from their results) share. */
#ifndef HANDLETRAIL_BATCH_H
#define HANDLETRAIL_BATCH_H

#include "cli.h"

/* Files batch writes.  A capture's results live in OUTDIR/<dir>/; its
 * manifest is written last, so a directory with a manifest is complete. */
#define BATCH_MANIFEST "manifest.json"
#define BATCH_REPORT_JSON "report.json"
#define BATCH_REPORT_HTML "report.html"
#define BATCH_PERFETTO "trace.perfetto.json"
#define BATCH_MARKER ".handletrail-batch"  /* in OUTDIR: not an input */
#define BATCH_LOCK ".handletrail-batch.lock"  /* one writer per OUTDIR */
#define BATCH_MANIFEST_SCHEMA "handletrail-batch-capture/1"

/* Reads the results under each of dirs and writes dest/index.html,
 * dest/findings.jsonl, dest/findings.sarif (and junit when not NULL).
 * *worst gets the worst capture status (0, 1, 2).  Returns 0, or -1 with
 * err filled when an output could not be written. */
int batch_index_build(const char *dest, const char *const *dirs, int ndirs,
		      const char *junit, int *worst, int *ncaptures,
		      struct ht_error *err);

/* Whole file into a NUL-terminated buffer (caller frees), or NULL with
 * err filled. */
char *batch_read_file(const char *path, size_t *n, struct ht_error *err);

/* Takes the lock of result folder dir (shared: shards of one run may
 * share it).  Returns the descriptor holding it, or -1 with err filled
 * (another run holds it). */
int batch_lock(const char *dir, int shared, struct ht_error *err);

/* mkdir -p */
int batch_mkdir_p(const char *path, struct ht_error *err);

/* "a" + "/" + "b", allocated */
char *batch_path(const char *a, const char *b);

#endif
