/* parser/strace.c - STUB, replaced by the strace parser work. */
#include "internal.h"
int strace_sniff(const char *buf, size_t n) { (void)buf; return n > 0; }
void *strace_open(struct instream *in, const struct parser_options *o,
		  struct input_stats *st, struct ht_error *err)
{ (void)o; (void)st; ht_error_set(err, instream_path(in), 0, "strace parser not built yet"); instream_close(in); return NULL; }
int strace_next(void *p, struct ht_event *ev, struct ht_error *err) { (void)p; (void)ev; (void)err; return 0; }
void strace_close(void *p) { (void)p; }
