/* cli/jsonr.h - a small JSON reader, so `handletrail index` can rebuild the
 * batch outputs from the per-capture files a batch run left behind. */
#ifndef HANDLETRAIL_JSONR_H
#define HANDLETRAIL_JSONR_H

#include "../util/util.h"

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

/* One value.  Strings are decoded to UTF-8 and NUL-terminated (a \u0000
 * escape becomes U+FFFD); numbers keep their text.  Arrays and objects
 * hold n children in kids (objects also keys[i] for kids[i]). */
struct jv {
	enum jv_type type;
	int boolean;
	const char *s;
	size_t len;
	int n;
	struct jv *kids;
	const char **keys;
};

struct jdoc;  /* owns every value and string of one parsed document */

/* Parses text (n bytes).  Returns the root, owned by *doc, or NULL with
 * err naming file and line. */
const struct jv *json_parse(const char *text, size_t n, const char *file,
			    struct jdoc **doc, struct ht_error *err);
void jdoc_free(struct jdoc *doc);

/* Lookups that tolerate missing members and wrong types: they return
 * NULL / the default instead. */
const struct jv *jv_get(const struct jv *obj, const char *key);
const char *jv_str(const struct jv *v, const char *dflt);
long long jv_int(const struct jv *v, long long dflt);
const char *jv_kstr(const struct jv *obj, const char *key, const char *dflt);
long long jv_kint(const struct jv *obj, const char *key, long long dflt);

/* Writes v back as JSON through w (strings re-escaped with esc_json). */
void jv_write(struct jsonw *w, const struct jv *v);

#endif
