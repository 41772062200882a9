/* parser/etw_rules.c - reads the --rules file that tells which
 * application ETW events create, close, use or fail on handles (format:
 * doc/rules.md), with the same XML safety as the event reader. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlreader.h>
#include "etw.h"
#include "xml_limits.h"

#define RULES_MAX_BYTES (1 << 20)

static char *read_small_file(const char *path, size_t *n,
			     struct ht_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		ht_error_set(err, path, 0, "cannot open rules file");
		return NULL;
	}
	char *buf = xmalloc(RULES_MAX_BYTES + 1);
	size_t got = fread(buf, 1, RULES_MAX_BYTES + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || got > RULES_MAX_BYTES) {
		ht_error_set(err, path, 0, bad ? "cannot read rules file" :
			     "rules file larger than 1 MiB");
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	*n = got;
	return buf;
}

static void rule_free(struct etw_rule *r)
{
	free(r->provider);
	free(r->event);
	free(r->handle_field);
	free(r->error_field);
	free(r->object);
}

void etw_rules_free(struct etw_rules *rs)
{
	if (!rs)
		return;
	for (int i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	free(rs->path);
	free(rs);
}

struct rules_ctx {
	int failed;
	long line;
	char msg[256];
};

static void rules_xml_error(void *ctx, xmlErrorPtr e)
{
	struct rules_ctx *c = ctx;
	if (!e || e->level < XML_ERR_ERROR || c->failed)
		return;
	c->failed = 1;
	c->line = e->line;
	snprintf(c->msg, sizeof c->msg, "%s", e->message ? e->message : "?");
	size_t n = strlen(c->msg);
	while (n && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
		c->msg[--n] = '\0';
}

static char *attr(xmlTextReaderPtr rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static char *guid_norm(const char *g)
{
	char *o = xmalloc(strlen(g) + 1);
	size_t k = 0;
	for (; *g; g++)
		if (*g != '{' && *g != '}' && *g != ' ')
			o[k++] = (char)tolower((unsigned char)*g);
	o[k] = '\0';
	return o;
}

/* every attribute of the element must be one of names ("a|b|c") */
static const char *unknown_attr(xmlTextReaderPtr rd, const char *names)
{
	static char bad[64];
	while (xmlTextReaderMoveToNextAttribute(rd) == 1) {
		const char *n = (const char *)xmlTextReaderConstName(rd);
		size_t nl = strlen(n);
		const char *p = names;
		int ok = !strncmp(n, "xmlns", 5);
		while (!ok && *p) {
			const char *bar = strchr(p, '|');
			size_t k = bar ? (size_t)(bar - p) : strlen(p);
			if (k == nl && !strncmp(p, n, k))
				ok = 1;
			p += k + (bar ? 1 : 0);
		}
		if (!ok) {
			snprintf(bad, sizeof bad, "%s", n);
			xmlTextReaderMoveToElement(rd);
			return bad;
		}
	}
	xmlTextReaderMoveToElement(rd);
	return NULL;
}

static int parse_role(const char *s, enum etw_app_role *r)
{
	static const struct { const char *n; enum etw_app_role r; } t[] = {
		{ "create", APP_CREATE }, { "close", APP_CLOSE },
		{ "use", APP_USE }, { "fail", APP_FAIL },
		{ "ignore", APP_NONE },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(s, t[i].n)) {
			*r = t[i].r;
			return 0;
		}
	return -1;
}

static int rules_parse(struct etw_rules *rs, xmlTextReaderPtr rd,
		       struct rules_ctx *c, struct ht_error *err)
{
	char *prov_name = NULL, *prov_guid = NULL;
	int prov_depth = -1, seen_root = 0, rc;
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		int depth = xmlTextReaderDepth(rd);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			ht_error_set(err, rs->path, 1, "DOCTYPE refused");
			goto fail;
		}
		if (type == XML_READER_TYPE_END_ELEMENT &&
		    depth == prov_depth) {
			free(prov_name);
			free(prov_guid);
			prov_name = prov_guid = NULL;
			prov_depth = -1;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		const char *n = (const char *)xmlTextReaderConstLocalName(rd);
		long line = xmlGetLineNo(xmlTextReaderCurrentNode(rd));
		const char *bad;
		if (depth == 0) {
			if (strcmp(n, "handletrail-rules")) {
				ht_error_set(err, rs->path, line, "root "
					     "element must be "
					     "<handletrail-rules>, not <%s>",
					     n);
				goto fail;
			}
			seen_root = 1;
			continue;
		}
		if (depth == 1 && !strcmp(n, "provider")) {
			if ((bad = unknown_attr(rd, "name|guid"))) {
				ht_error_set(err, rs->path, line, "unknown "
					     "attribute %s on <provider>",
					     bad);
				goto fail;
			}
			prov_name = attr(rd, "name");
			char *g = attr(rd, "guid");
			prov_guid = g ? guid_norm(g) : NULL;
			free(g);
			if (!prov_name && !prov_guid) {
				ht_error_set(err, rs->path, line, "<provider> "
					     "needs name= or guid=");
				goto fail;
			}
			if (xmlTextReaderIsEmptyElement(rd) != 1)
				prov_depth = depth;
			else {
				free(prov_name);
				free(prov_guid);
				prov_name = prov_guid = NULL;
			}
			continue;
		}
		if (depth == 2 && prov_depth == 1 && !strcmp(n, "event")) {
			if ((bad = unknown_attr(rd, "name|id|version|role|"
						"handle|error|object|socket"))) {
				ht_error_set(err, rs->path, line, "unknown "
					     "attribute %s on <event>", bad);
				goto fail;
			}
			struct etw_rule r;
			memset(&r, 0, sizeof r);
			r.id = r.version = -1;
			r.line = (int)line;
			char *role = attr(rd, "role");
			if (!role || parse_role(role, &r.role)) {
				ht_error_set(err, rs->path, line, "<event> "
					     "needs role=create|close|use|"
					     "fail|ignore");
				free(role);
				goto fail;
			}
			free(role);
			char *id = attr(rd, "id"), *ver = attr(rd, "version");
			int64_t v;
			int badnum = (id && etw_parse_int(id, &v)) ||
				     (ver && etw_parse_int(ver, &v));
			if (id && !badnum)
				etw_parse_int(id, &v), r.id = (long)v;
			if (ver && !badnum)
				etw_parse_int(ver, &v), r.version = (long)v;
			free(id);
			free(ver);
			if (badnum) {
				ht_error_set(err, rs->path, line, "id= and "
					     "version= must be numbers");
				goto fail;
			}
			char *sock = attr(rd, "socket");
			if (sock && strcmp(sock, "yes") && strcmp(sock, "no")) {
				ht_error_set(err, rs->path, line,
					     "socket= must be yes or no");
				free(sock);
				goto fail;
			}
			r.socket_only = !sock ? -1 : !strcmp(sock, "yes");
			free(sock);
			r.event = attr(rd, "name");
			r.handle_field = attr(rd, "handle");
			r.error_field = attr(rd, "error");
			r.object = attr(rd, "object");
			/* one rule per (provider name or guid) */
			r.provider = prov_name ? xstrdup(prov_name) : NULL;
			rs->r = xrealloc(rs->r, (size_t)(rs->n + 2) *
					 sizeof *rs->r);
			rs->r[rs->n++] = r;
			if (prov_guid) {
				struct etw_rule g = r;
				g.provider = xmalloc(strlen(prov_guid) + 3);
				sprintf(g.provider, "{%s}", prov_guid);
				g.event = r.event ? xstrdup(r.event) : NULL;
				g.handle_field = r.handle_field ?
					xstrdup(r.handle_field) : NULL;
				g.error_field = r.error_field ?
					xstrdup(r.error_field) : NULL;
				g.object = r.object ? xstrdup(r.object) : NULL;
				if (!prov_name) {
					rule_free(&rs->r[rs->n - 1]);
					rs->r[rs->n - 1] = g;
				} else {
					rs->r[rs->n++] = g;
				}
			}
			continue;
		}
		ht_error_set(err, rs->path, line, "unexpected <%s> (rules "
			     "hold <provider> elements holding <event> "
			     "elements)", n);
		goto fail;
	}
	if (rc < 0 || c->failed) {
		ht_error_set(err, rs->path, c->line, "XML error: %s",
			     c->failed ? c->msg : "unreadable");
		goto fail;
	}
	if (!seen_root) {
		ht_error_set(err, rs->path, 0, "no <handletrail-rules> element");
		goto fail;
	}
	free(prov_name);
	free(prov_guid);
	return 0;
fail:
	free(prov_name);
	free(prov_guid);
	return -1;
}

struct etw_rules *etw_rules_load(const char *path, struct ht_error *err)
{
	etw_xml_lockdown();
	size_t n;
	char *buf = read_small_file(path, &n, err);
	if (!buf)
		return NULL;
	int wide;
	const char *why = NULL;
	if (etw_xml_prolog(buf, n, 1, &wide, &why) < 0) {
		ht_error_set(err, path, 1, "%s", why);
		free(buf);
		return NULL;
	}
	struct xml_scan scan = { 0 };
	if (xml_scan_feed(&scan, buf, n) < 0) {
		ht_error_set(err, path, scan.line, "element with more than %d "
			     "attributes refused", XML_MAX_ATTRS);
		free(buf);
		return NULL;
	}
	struct etw_rules *rs = xcalloc(1, sizeof *rs);
	rs->path = xstrdup(path);
	struct rules_ctx c = { 0 };
	xmlTextReaderPtr rd = xmlReaderForMemory(buf, (int)n, path, NULL,
						 etw_xml_safe_options());
	if (!rd) {
		ht_error_set(err, path, 0, "cannot start the XML reader");
		free(buf);
		etw_rules_free(rs);
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, rules_xml_error, &c);
	int rc = rules_parse(rs, rd, &c, err);
	xmlFreeTextReader(rd);
	free(buf);
	if (rc < 0) {
		etw_rules_free(rs);
		return NULL;
	}
	return rs;
}

const struct etw_rule *etw_rules_match(const struct etw_rules *rs,
				       const char *prov_name,
				       const char *prov_guid,
				       const char *event_name, long id,
				       long version)
{
	char g[72];
	snprintf(g, sizeof g, "{%s}", prov_guid ? prov_guid : "");
	/* PerfView's ToXml form names neither the provider nor the event
	 * id: there the event name is all a rule can match */
	int anon = (!prov_name || !*prov_name) && (!prov_guid || !*prov_guid);
	for (int i = 0; i < rs->n; i++) {
		const struct etw_rule *r = &rs->r[i];
		if (anon) {
			if (!r->event || !event_name ||
			    strcasecmp(r->event, event_name) ||
			    (r->id >= 0 && id >= 0 && r->id != id))
				continue;
			return r;
		}
		if (r->provider) {
			int by_guid = r->provider[0] == '{';
			if (by_guid ? strcmp(r->provider, g) :
			    strcasecmp(r->provider, prov_name ? prov_name : ""))
				continue;
		}
		/* with an id the name only names the event for reports */
		if (r->event && r->id < 0 && strcasecmp(r->event,
					   event_name ? event_name : ""))
			continue;
		if (r->id >= 0 && r->id != id)
			continue;
		if (r->version >= 0 && r->version != version)
			continue;
		return r;
	}
	return NULL;
}
