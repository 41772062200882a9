/* parser/etw_xml.c - STUB, replaced by the ETW work. */
#include "internal.h"
enum ht_format etw_sniff(const char *buf, size_t n) { (void)buf; (void)n; return FMT_AUTO; }
void *etw_open(struct instream *in, enum ht_format f, const struct parser_options *o,
	       struct input_stats *st, struct ht_error *err)
{ (void)f; (void)o; (void)st; ht_error_set(err, instream_path(in), 0, "ETW parser not built yet"); instream_close(in); return NULL; }
int etw_next(void *p, struct ht_event *ev, struct ht_error *err) { (void)p; (void)ev; (void)err; return 0; }
void etw_close(void *p) { (void)p; }
