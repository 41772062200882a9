/* cli/batch.c - handletrail batch: finds the captures in files and folders,
 * analyses each in a worker process (reusing earlier results when nothing
 * changed) and writes one folder of reports per capture plus the index. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>
#include "batch.h"
#include "jsonr.h"

#define MAX_DEPTH 64
#define HT_STR_(x) #x
#define HT_STR(x) HT_STR_(x)
#define MAX_DIRNAME 100

struct bfile {
	char *path;          /* as walked from the argument */
	char *rel;           /* the same below the argument, for naming */
	dev_t dev;
	ino_t ino;
	long long size;
	int64_t mtime_ns;
	uint64_t hash;
	int have_hash;
};

struct bcap {
	char *name;          /* display name: the path, or the -ff prefix */
	char *dir;           /* its folder under OUTDIR */
	char *rel;           /* name below its argument, for the folder */
	struct bfile **files;
	int nfiles;
	long long size;
	uint64_t hash;
	char *error;         /* known to fail before analysis */
	int selected;        /* in this shard */
	int reused;
	int status;
};

struct batch {
	const char *outdir;
	int jobs;
	int shard_k, shard_n;
	int perfetto, quiet, force, prune;
	const char *junit;
	struct analyse_options ao;
	struct selection sel;  /* triage options: what the reports show */
	char optkey[400];    /* analysis options that change results */
	dev_t out_dev;
	ino_t out_ino;
	struct bfile *files;
	size_t nfiles, capfiles;
	struct bcap *caps;
	size_t ncaps, capcaps;
	long not_traces;     /* files in folders that are not traces */
	long too_deep;       /* folders below MAX_DEPTH, not walked */
	int lock_fd;
	int usage_error;
	char *cwd;           /* what relative INPUT paths are relative to */
};

static const char batch_usage[] =
"Usage: handletrail batch [OPTIONS] -o OUTDIR INPUT...\n"
"Analyse every capture under the INPUT files and folders (walked\n"
"recursively) and write OUTDIR/<capture>/report.html and report.json per\n"
"capture, plus OUTDIR/index.html, findings.jsonl and findings.sarif.\n"
"The files of one `strace -ff -o x` run (x.<TID>, also compressed) are\n"
"one capture.  Results whose traces and tool version did not change are\n"
"reused.\n"
"\n"
"The triage options select the findings of every capture's reports (and so\n"
"of the index and the feeds) as in a single run.\n"
"\n"
"Options:\n";

static const char batch_usage_tail[] =
"\n"
"Exit status: the worst over all captures: 0 clean, 1 findings of\n"
"severity warning or error (with triage options: among those selected),\n"
"2 a capture could not be analysed.\n";

/* "handletrail: batch: PATH: what", the path escaped as the text report
 * escapes trace text: a file name cannot drive the terminal. */
static void say(const char *msg)
{
	struct strbuf sb;
	sb_init(&sb);
	esc_term(&sb, msg, strlen(msg));
	fprintf(stderr, "handletrail: batch: %s\n", sb.s ? sb.s : "");
	sb_free(&sb);
}

static void say_path(const char *what, const char *path)
{
	char *m = xmalloc(strlen(path) + strlen(what) + 3);
	sprintf(m, "%s: %s", path, what);
	say(m);
	free(m);
}

char *batch_path(const char *a, const char *b)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, a);
	if (sb.len && sb.s[sb.len - 1] != '/')
		sb_putc(&sb, '/');
	sb_puts(&sb, b);
	return sb_detach(&sb);
}

char *batch_read_file(const char *path, size_t *n, struct ht_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ht_error_set(err, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct strbuf sb;
	sb_init(&sb);
	char buf[65536];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ht_error_set(err, path, 0, "read failed: %s",
				     strerror(errno));
			close(fd);
			sb_free(&sb);
			return NULL;
		}
		if (r == 0)
			break;
		sb_add(&sb, buf, (size_t)r);
	}
	close(fd);
	*n = sb.len;
	sb_putc(&sb, '\0');
	return sb_detach(&sb);
}

int batch_mkdir_p(const char *path, struct ht_error *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			ht_error_set(err, p, 0, "cannot create folder: %s",
				     strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ht_error_set(err, path, 0, "not a folder");
		return -1;
	}
	return 0;
}

/* --- content hash ------------------------------------------------------
 * Four independent multiply-rotate lanes over 8-byte words (the speed
 * of a plain read), folded with a splitmix finalizer.  Only equality
 * matters: it tells "same trace bytes" for reuse and picks the shard. */

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct chash {
	uint64_t lane[4];
	unsigned char tail[32];
	size_t ntail;
	uint64_t total;
};

static void chash_init(struct chash *h)
{
	memset(h, 0, sizeof *h);
	h->lane[0] = 0x9e3779b97f4a7c15ULL;
	h->lane[1] = 0xc2b2ae3d27d4eb4fULL;
	h->lane[2] = 0x165667b19e3779f9ULL;
	h->lane[3] = 0x27d4eb2f165667c5ULL;
}

static void chash_block(struct chash *h, const unsigned char *p)
{
	for (int i = 0; i < 4; i++)
		h->lane[i] = rotl64(h->lane[i] ^ le64(p + 8 * i), 29) *
			     0x9fb21c651e98df25ULL;
}

static void chash_add(struct chash *h, const unsigned char *p, size_t n)
{
	h->total += n;
	if (h->ntail) {
		size_t k = 32 - h->ntail < n ? 32 - h->ntail : n;
		memcpy(h->tail + h->ntail, p, k);
		h->ntail += k;
		p += k;
		n -= k;
		if (h->ntail < 32)
			return;
		chash_block(h, h->tail);
		h->ntail = 0;
	}
	for (; n >= 32; p += 32, n -= 32)
		chash_block(h, p);
	memcpy(h->tail, p, n);
	h->ntail = n;
}

static uint64_t chash_end(struct chash *h)
{
	uint64_t r = mix64(h->total);
	memset(h->tail + h->ntail, 0, 32 - h->ntail);
	chash_block(h, h->tail);
	for (int i = 0; i < 4; i++)
		r = mix64(r ^ h->lane[i]);
	return r;
}

static int hash_file(const char *path, uint64_t *out, struct ht_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ht_error_set(err, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct chash h;
	chash_init(&h);
	size_t bufsz = 1 << 20;
	unsigned char *buf = xmalloc(bufsz);
	for (;;) {
		ssize_t r = read(fd, buf, bufsz);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ht_error_set(err, path, 0, "read failed: %s",
				     strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		chash_add(&h, buf, (size_t)r);
	}
	free(buf);
	close(fd);
	*out = chash_end(&h);
	return 0;
}

/* --- finding the captures ---------------------------------------------- */

static int ignored_name(const char *name)
{
	/* sources, scripts and reports that sit beside traces; a walk looks
	 * at every other file's content */
	static const char *const ext[] = {
		".c", ".h", ".cc", ".cpp", ".sh", ".py", ".pl", ".md",
		".rst", ".html", ".htm", ".css", ".js", ".json", ".jsonl",
		".sarif", ".png", ".jpg", ".svg", ".pdf", ".o", ".a", ".so",
		".def", ".mk", ".tmp", ".orig", ".rej", ".patch", ".diff",
	};
	static const char *const exact[] = {
		"Makefile", "README", "LICENSE", "COPYING", "expected", "cmd",
		"exit",
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strcmp(name, exact[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t l = strlen(ext[i]);
		if (n > l && strcmp(name + n - l, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Whether a file's content is a trace this build reads. */
static int is_trace(const struct batch *b, const char *path)
{
	struct parser_options po = { b->ao.format, -1, b->ao.rules_path };
	struct input_stats st;
	struct ht_error err;
	memset(&st, 0, sizeof st);
	struct parser *p = parser_open(path, &po, &st, &err);
	if (p)
		parser_close(p);
	free(st.path);
	return p != NULL;
}

static void add_file(struct batch *b, const char *path, const char *rel,
		     const struct stat *st)
{
	xgrow((void **)&b->files, &b->capfiles, b->nfiles + 1,
	      sizeof *b->files);
	struct bfile *f = &b->files[b->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->rel = xstrdup(rel);
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = (long long)st->st_size;
	f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
		      st->st_mtim.tv_nsec;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_result_dir(const struct batch *b, const char *dir,
			 const struct stat *st)
{
	if (st->st_dev == b->out_dev && st->st_ino == b->out_ino)
		return 1;
	char *m = batch_path(dir, BATCH_MARKER);
	int r = access(m, F_OK) == 0;
	free(m);
	return r;
}

static void too_deep(struct batch *b, const char *path)
{
	if (!b->too_deep++)
		say_path("folder deeper than " HT_STR(MAX_DEPTH) " levels, "
			 "not read (and any deeper ones)", path);
}

static void walk(struct batch *b, const char *dir, const char *rel,
		 int depth)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (!b->quiet) {
			char msg[200];
			snprintf(msg, sizeof msg, "cannot read folder: %s",
				 strerror(errno));
			say_path(msg, dir);
		}
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;  /* ., .., hidden files and .git */
		xgrow((void **)&names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, str_cmp);
	for (size_t i = 0; i < n; i++) {
		char *path = batch_path(dir, names[i]);
		char *r = *rel ? batch_path(rel, names[i]) : xstrdup(names[i]);
		struct stat lst, st;
		if (lstat(path, &lst) == 0 && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				/* symlinked folders are not followed: no
				 * loops, no walking out of the archive */
				int skip = S_ISLNK(lst.st_mode) ||
					   is_result_dir(b, path, &st);
				if (!skip && depth < MAX_DEPTH)
					walk(b, path, r, depth + 1);
				else if (!skip)
					too_deep(b, path);
			} else if (S_ISREG(st.st_mode)) {
				if (!ignored_name(names[i]) &&
				    is_trace(b, path))
					add_file(b, path, r, &st);
				else
					b->not_traces++;
			}
		}
		free(path);
		free(r);
		free(names[i]);
	}
	free(names);
}

/* The label a folder argument gives the captures under it. */
static char *arg_label(const char *arg)
{
	char *s = xstrdup(arg);
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	const char *base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
	char *r = xstrdup(strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
			  *base == '\0' ? "" : base);
	free(s);
	return r;
}

static void trim_slashes(char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

/* Appends an empty capture. */
static struct bcap *new_cap(struct batch *b)
{
	xgrow((void **)&b->caps, &b->capcaps, b->ncaps + 1, sizeof *b->caps);
	struct bcap *c = &b->caps[b->ncaps++];
	memset(c, 0, sizeof *c);
	return c;
}

static int devino_cmp(const void *a, const void *b)
{
	const struct bfile *x = *(struct bfile *const *)a;
	const struct bfile *y = *(struct bfile *const *)b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x < y ? -1 : x > y;  /* the first one named wins */
}

/* A file reached twice (named and walked, or by two arguments) is one
 * file: the first path it was reached by stays. */
static void drop_duplicates(struct batch *b)
{
	struct bfile **by = xcalloc(b->nfiles + 1, sizeof *by);
	for (size_t i = 0; i < b->nfiles; i++)
		by[i] = &b->files[i];
	if (b->nfiles)
		qsort(by, b->nfiles, sizeof *by, devino_cmp);
	for (size_t i = 1; i < b->nfiles; i++)
		if (by[i]->dev == by[i - 1]->dev &&
		    by[i]->ino == by[i - 1]->ino) {
			free(by[i]->path);
			by[i]->path = NULL;
		}
	free(by);
	size_t m = 0;
	for (size_t i = 0; i < b->nfiles; i++) {
		if (!b->files[i].path) {
			free(b->files[i].rel);
			continue;
		}
		b->files[m++] = b->files[i];
	}
	b->nfiles = m;
}

static void discover(struct batch *b, char **args, int nargs)
{
	for (int i = 0; i < nargs; i++) {
		struct stat st;
		char *a = xstrdup(args[i]);
		trim_slashes(a);
		if (strcmp(a, "-") == 0 || stat(a, &st) != 0) {
			struct bcap *c = new_cap(b);
			c->name = xstrdup(args[i]);
			c->rel = xstrdup(args[i]);
			char msg[300];
			snprintf(msg, sizeof msg, "cannot read: %s",
				 strcmp(a, "-") == 0 ? "standard input "
				 "cannot be part of a batch" : strerror(errno));
			c->error = xstrdup(msg);
		} else if (S_ISDIR(st.st_mode)) {
			char *label = arg_label(a);
			walk(b, a, label, 0);
			free(label);
		} else if (!S_ISREG(st.st_mode)) {
			/* a FIFO or device never ends (or never starts):
			 * an unattended batch must not wait on it */
			struct bcap *c = new_cap(b);
			c->name = xstrdup(args[i]);
			c->rel = xstrdup(args[i]);
			char msg[300];
			snprintf(msg, sizeof msg, "not a regular file (%s): "
				 "batch reads only files and folders; pipe it "
				 "to `handletrail -` instead",
				 file_type_name(st.st_mode));
			c->error = xstrdup(msg);
		} else {
			const char *base = strrchr(a, '/') ? strrchr(a, '/') + 1
							   : a;
			add_file(b, a, base, &st);
		}
		free(a);
	}
	drop_duplicates(b);
}

struct ffkey {
	size_t file;
	size_t plen;     /* 0: not a -ff file */
	long long tid;
};

static const struct bfile *g_files;  /* for ffkey_cmp */

static int ffkey_cmp(const void *a, const void *b)
{
	const struct ffkey *x = a, *y = b;
	const char *px = g_files[x->file].path, *py = g_files[y->file].path;
	size_t lx = x->plen ? x->plen : strlen(px);
	size_t ly = y->plen ? y->plen : strlen(py);
	size_t l = lx < ly ? lx : ly;
	int c = memcmp(px, py, l);
	if (c)
		return c;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if (x->plen != y->plen)  /* "x" itself before "x.1", "x.2" */
		return x->plen < y->plen ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return strcmp(px, py);
}

/* The per-thread files of one -ff run become one capture. */
static void group(struct batch *b)
{
	struct ffkey *k = xcalloc(b->nfiles + 1, sizeof *k);
	for (size_t i = 0; i < b->nfiles; i++) {
		k[i].file = i;
		int64_t tid = 0;
		k[i].plen = ff_split(b->files[i].path, &tid);
		k[i].tid = k[i].plen ? tid : 0;
	}
	g_files = b->files;
	if (b->nfiles)
		qsort(k, b->nfiles, sizeof *k, ffkey_cmp);
	for (size_t i = 0; i < b->nfiles;) {
		size_t j = i + 1;
		if (k[i].plen)
			while (j < b->nfiles && k[j].plen == k[i].plen &&
			       memcmp(b->files[k[j].file].path,
				      b->files[k[i].file].path,
				      k[i].plen) == 0)
				j++;
		struct bcap *c = new_cap(b);
		struct bfile *f0 = &b->files[k[i].file];
		c->nfiles = (int)(j - i);
		c->files = xcalloc((size_t)c->nfiles, sizeof *c->files);
		for (size_t m = i; m < j; m++) {
			c->files[m - i] = &b->files[k[m].file];
			c->size += b->files[k[m].file].size;
		}
		if (c->nfiles > 1) {
			size_t rl = strlen(f0->rel) -
				    (strlen(f0->path) - k[i].plen);
			c->name = xstrndup(f0->path, k[i].plen);
			c->rel = xstrndup(f0->rel, rl);
		} else {
			c->name = xstrdup(f0->path);
			c->rel = xstrdup(f0->rel);
		}
		i = j;
	}
	free(k);
}

static int bcap_name_cmp(const void *a, const void *b)
{
	const struct bcap *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->rel, y->rel);
}

static void sanitize(struct strbuf *sb, const char *rel)
{
	for (const char *p = rel; *p; p++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			 c == '_' || c == '+';
		if (c == '/' && sb->len && sb->s[sb->len - 1] == '_')
			continue;
		sb_putc(sb, ok ? c : '_');
	}
	if (!sb->len || sb->s[0] == '.')
		sb_putc(sb, '_');  /* never hidden, never empty */
	if (sb->s[0] == '.')
		sb->s[0] = '_';
}

static int dir_cmp(const void *a, const void *b)
{
	const struct bcap *x = *(struct bcap *const *)a;
	const struct bcap *y = *(struct bcap *const *)b;
	int c = strcmp(x->dir, y->dir);
	return c ? c : strcmp(x->name, y->name);
}

static int reserved_dir(const char *d)
{
	return strcasecmp(d, "index.html") == 0 ||
	       strcasecmp(d, "findings.jsonl") == 0 ||
	       strcasecmp(d, "findings.sarif") == 0 ||
	       strcasecmp(d, "junit.xml") == 0;
}

/* Folder names from the names below the arguments: the same for every
 * shard (they all see every capture), unique, safe on any file system. */
static void name_dirs(struct batch *b)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < b->ncaps; i++) {
		struct bcap *c = &b->caps[i];
		sb_reset(&sb);
		sanitize(&sb, c->rel);
		if (sb.len > MAX_DIRNAME) {
			sb.len = MAX_DIRNAME;
			sb.s[sb.len] = '\0';
			sb_printf(&sb, "-%08llx", (unsigned long long)
				  (hash64(c->name, strlen(c->name), 0) &
				   0xffffffffULL));
		}
		c->dir = xstrdup(sb.s);
	}
	struct bcap **by = xcalloc(b->ncaps + 1, sizeof *by);
	for (size_t i = 0; i < b->ncaps; i++)
		by[i] = &b->caps[i];
	char *clash = xcalloc(b->ncaps + 1, 1);
	for (int round = 0; round < 3; round++) {
		if (b->ncaps)
			qsort(by, b->ncaps, sizeof *by, dir_cmp);
		int any = 0;
		for (size_t i = 0; i < b->ncaps; i++) {
			clash[i] = reserved_dir(by[i]->dir) ||
				   (i > 0 && strcmp(by[i]->dir,
						    by[i - 1]->dir) == 0) ||
				   (i + 1 < b->ncaps &&
				    strcmp(by[i]->dir, by[i + 1]->dir) == 0);
			any |= clash[i];
		}
		if (!any)
			break;
		/* every member of a clash is renamed, so the result does
		 * not depend on which one came first */
		for (size_t i = 0; i < b->ncaps; i++) {
			if (!clash[i])
				continue;
			sb_reset(&sb);
			sb_puts(&sb, by[i]->dir);
			if (round < 2)
				sb_printf(&sb, "-%08llx", (unsigned long long)
					  (hash64(by[i]->name,
						  strlen(by[i]->name),
						  (uint64_t)round) &
					   0xffffffffULL));
			else
				sb_printf(&sb, "-%zu", i);
			free(by[i]->dir);
			by[i]->dir = xstrdup(sb.s);
		}
	}
	free(clash);
	free(by);
	sb_free(&sb);
}

/* --- manifests --------------------------------------------------------- */

static void hex64(char out[17], uint64_t v)
{
	snprintf(out, 17, "%016llx", (unsigned long long)v);
}

static int write_manifest(const struct batch *b, const struct bcap *c,
			  const char *state, int status, const char *error,
			  int retry, struct ht_error *err)
{
	struct strbuf sb;
	struct jsonw w;
	char hx[17];
	sb_init(&sb);
	jw_init(&w, &sb, 2);
	jw_obj(&w);
	jw_kstr(&w, "schema", BATCH_MANIFEST_SCHEMA);
	jw_key(&w, "tool");
	jw_obj(&w);
	jw_kstr(&w, "name", "handletrail");
	jw_kstr(&w, "version", HT_VERSION);
	jw_end_obj(&w);
	jw_kstr(&w, "options", b->optkey);
	jw_kstr(&w, "name", c->name);
	jw_kstr(&w, "dir", c->dir);
	hex64(hx, c->hash);
	jw_kstr(&w, "hash", hx);
	jw_kint(&w, "size", c->size);
	/* where relative input paths lead from: SARIF names the trace
	 * files relative to it (batch_index.c) */
	jw_kstr(&w, "cwd", b->cwd);
	jw_key(&w, "inputs");
	jw_arr(&w);
	for (int i = 0; i < c->nfiles; i++) {
		const struct bfile *f = c->files[i];
		jw_obj(&w);
		jw_kstr(&w, "path", f->path);
		jw_kint(&w, "size", f->size);
		jw_kint(&w, "mtime_ns", f->mtime_ns);
		hex64(hx, f->hash);
		jw_kstr(&w, "hash", f->have_hash ? hx : NULL);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_kstr(&w, "state", state);
	jw_kint(&w, "status", status);
	jw_kstr(&w, "error", error);
	jw_key(&w, "retry");
	jw_bool(&w, retry);
	jw_key(&w, "perfetto");
	jw_bool(&w, b->perfetto && strcmp(state, "failed") != 0 &&
		    strcmp(state, "crashed") != 0);
	jw_end_obj(&w);
	char *dir = batch_path(b->outdir, c->dir);
	char *path = batch_path(dir, BATCH_MANIFEST);
	int r = write_file_replace(path, sb.s, sb.len, err);
	free(path);
	free(dir);
	sb_free(&sb);
	return r;
}

static const struct jv *read_manifest(const struct batch *b,
				      const struct bcap *c,
				      struct jdoc **doc)
{
	char *dir = batch_path(b->outdir, c->dir);
	char *path = batch_path(dir, BATCH_MANIFEST);
	struct ht_error err;
	size_t n;
	char *text = batch_read_file(path, &n, &err);
	const struct jv *m = NULL;
	*doc = NULL;
	if (text)
		m = json_parse(text, n, path, doc, &err);
	free(text);
	free(path);
	free(dir);
	if (m && strcmp(jv_kstr(m, "schema", ""), BATCH_MANIFEST_SCHEMA)) {
		jdoc_free(*doc);
		*doc = NULL;
		m = NULL;
	}
	return m;
}

static int file_exists(const struct batch *b, const struct bcap *c,
		       const char *name)
{
	char *dir = batch_path(b->outdir, c->dir);
	char *path = batch_path(dir, name);
	int r = access(path, F_OK) == 0;
	free(path);
	free(dir);
	return r;
}

/* The manifest's input record for path: the one at index i when the
 * order is unchanged (the usual case), else by binary search over a
 * path-sorted copy, so a capture of 40,000 -ff files is not quadratic. */
struct input_rec {
	const char *path;
	const struct jv *e;
};

static int input_rec_cmp(const void *a, const void *b)
{
	return strcmp(((const struct input_rec *)a)->path,
		      ((const struct input_rec *)b)->path);
}

static const struct jv *find_input(const struct jv *in,
				   struct input_rec **sorted, int i,
				   const char *path)
{
	if (i < in->n && strcmp(jv_kstr(&in->kids[i], "path", ""), path) == 0)
		return &in->kids[i];
	if (!*sorted) {
		*sorted = xcalloc((size_t)in->n + 1, sizeof **sorted);
		for (int k = 0; k < in->n; k++) {
			(*sorted)[k].path = jv_kstr(&in->kids[k], "path", "");
			(*sorted)[k].e = &in->kids[k];
		}
		qsort(*sorted, (size_t)in->n, sizeof **sorted, input_rec_cmp);
	}
	struct input_rec key = { path, NULL };
	const struct input_rec *r = bsearch(&key, *sorted, (size_t)in->n,
					    sizeof **sorted, input_rec_cmp);
	return r ? r->e : NULL;
}

/* Hashes of unchanged files (same path, size and mtime) from the last
 * run, so a nightly run over a big archive does not reread it all. */
static void cached_hashes(struct bcap *c, const struct jv *m)
{
	const struct jv *in = jv_get(m, "inputs");
	if (!in || in->type != JV_ARR)
		return;
	struct input_rec *sorted = NULL;
	for (int i = 0; i < c->nfiles; i++) {
		struct bfile *f = c->files[i];
		const struct jv *e = find_input(in, &sorted, i, f->path);
		const char *h = jv_kstr(e, "hash", NULL);
		if (!e || !h || strlen(h) != 16 ||
		    jv_kint(e, "size", -1) != f->size ||
		    jv_kint(e, "mtime_ns", -1) != f->mtime_ns)
			continue;
		f->hash = strtoull(h, NULL, 16);
		f->have_hash = 1;
	}
	free(sorted);
}

static int can_reuse(const struct batch *b, const struct bcap *c,
		     const struct jv *m)
{
	char hx[17];
	hex64(hx, c->hash);
	const struct jv *tool = jv_get(m, "tool");
	const char *state = jv_kstr(m, "state", "");
	const struct jv *in = jv_get(m, "inputs");
	if (strcmp(jv_kstr(tool, "version", ""), HT_VERSION) != 0 ||
	    strcmp(jv_kstr(m, "options", ""), b->optkey) != 0 ||
	    strcmp(jv_kstr(m, "hash", ""), hx) != 0 ||
	    strcmp(jv_kstr(m, "name", ""), c->name) != 0 ||
	    !in || in->type != JV_ARR || in->n != c->nfiles)
		return 0;
	int relative = 0;
	for (int i = 0; i < c->nfiles; i++) {
		if (strcmp(jv_kstr(&in->kids[i], "path", ""),
			   c->files[i]->path) != 0)
			return 0;
		relative |= c->files[i]->path[0] != '/';
	}
	/* the same relative paths from another folder: other files */
	if (relative && strcmp(jv_kstr(m, "cwd", ""), b->cwd ? b->cwd : ""))
		return 0;
	const struct jv *retry = jv_get(m, "retry");
	if (retry && retry->type == JV_BOOL && retry->boolean)
		return 0;  /* failed for a reason outside the capture */
	if (strcmp(state, "failed") == 0)
		return 1;
	if (strcmp(state, "ok") != 0 && strcmp(state, "partial") != 0)
		return 0;  /* crashed: try again */
	if (!file_exists(b, c, BATCH_REPORT_JSON) ||
	    !file_exists(b, c, BATCH_REPORT_HTML))
		return 0;
	const struct jv *pf = jv_get(m, "perfetto");
	if (b->perfetto && (!pf || pf->type != JV_BOOL || !pf->boolean ||
			    !file_exists(b, c, BATCH_PERFETTO)))
		return 0;
	return 1;
}

static void hash_capture(struct bcap *c)
{
	struct chash h;
	chash_init(&h);
	for (int i = 0; i < c->nfiles; i++) {
		struct bfile *f = c->files[i];
		struct ht_error err;
		if (!f->have_hash) {
			if (hash_file(f->path, &f->hash, &err) < 0) {
				char buf[1200];
				ht_error_format(&err, buf, sizeof buf);
				if (!c->error)
					c->error = xstrdup(buf);
				continue;
			}
			f->have_hash = 1;
		}
		unsigned char v[16];
		for (int k = 0; k < 8; k++) {
			v[k] = (unsigned char)(f->hash >> (8 * k));
			v[8 + k] = (unsigned char)((uint64_t)f->size >>
						   (8 * k));
		}
		chash_add(&h, v, sizeof v);
	}
	if (c->nfiles == 0) {
		/* nothing to read: the name stands in for the content */
		chash_add(&h, (const unsigned char *)c->name,
			  strlen(c->name));
	}
	c->hash = chash_end(&h);
}

/* A capture's folder right below OUTDIR: created when missing; a symlink
 * or anything but a folder there is never written through. */
static int capture_dir(const char *dir, struct ht_error *err)
{
	struct stat st;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		ht_error_set(err, dir, 0, "cannot create folder: %s",
			     strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) != 0)
		st.st_mode = 0;
	if (!S_ISDIR(st.st_mode)) {
		ht_error_set(err, dir, 0, "%s where the capture's results go; "
			     "not written through, remove it to get them",
			     S_ISLNK(st.st_mode) ? "a symlink"
						  : file_type_name(st.st_mode));
		return -1;
	}
	return 0;
}

/* --- running one capture ----------------------------------------------- */

/* A worker's exit status when not even the failure could be recorded. */
#define WORKER_NO_WRITE 3

static void unlink_in(const struct batch *b, const struct bcap *c,
		      const char *name)
{
	char *dir = batch_path(b->outdir, c->dir);
	char *path = batch_path(dir, name);
	unlink(path);
	free(path);
	free(dir);
}

static int write_in(const struct batch *b, const struct bcap *c,
		    const char *name, const struct strbuf *sb,
		    struct ht_error *err)
{
	char *dir = batch_path(b->outdir, c->dir);
	char *path = batch_path(dir, name);
	int r = write_file_replace(path, sb->s ? sb->s : "", sb->len, err);
	free(path);
	free(dir);
	return r;
}

/* Whether an error came from the machine rather than the capture (a full
 * disk, a flaky device, memory, limits, permissions): such a failure is
 * recorded but not reused, the next run tries again.  The messages carry
 * strerror()'s text. */
static int transient_error(const char *msg)
{
	static const int errs[] = {
		ENOSPC, EDQUOT, EIO, ENOMEM, EMFILE, ENFILE, EAGAIN, EINTR,
		ETIMEDOUT, ESTALE, EBUSY, ENOLCK, ENOBUFS, EACCES, EPERM,
		EFBIG, EROFS,
	};
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		if (strstr(msg, strerror(errs[i])))
			return 1;
	return 0;
}

/* Records a capture that gave no report.  Returns -1 when not even the
 * manifest could be written (the next run then tries again). */
static int fail_capture(const struct batch *b, const struct bcap *c,
			const char *state, const char *msg, int retry)
{
	struct ht_error err;
	unlink_in(b, c, BATCH_REPORT_JSON);
	unlink_in(b, c, BATCH_REPORT_HTML);
	unlink_in(b, c, BATCH_PERFETTO);
	if (write_manifest(b, c, state, 2, msg, retry ||
			   transient_error(msg), &err) < 0) {
		char buf[1200];
		ht_error_format(&err, buf, sizeof buf);
		fprintf(stderr, "handletrail: batch: %s\n", buf);
		return -1;
	}
	return 0;
}

/* The work of one worker process; returns the capture's status. */
static int run_capture(const struct batch *b, const struct bcap *c)
{
	struct ht_error err;
	char buf[1200];
	if (c->error)
		return fail_capture(b, c, "failed", c->error, 0) < 0
		       ? WORKER_NO_WRITE : 2;
	const char **paths = xcalloc((size_t)c->nfiles + 1, sizeof *paths);
	for (int i = 0; i < c->nfiles; i++)
		paths[i] = c->files[i]->path;
	struct capture cap;
	int r = analyse_capture(paths, c->nfiles, &b->ao, &cap, &err);
	free(paths);
	if (r < 0) {
		ht_error_format(&err, buf, sizeof buf);
		return fail_capture(b, c, "failed", buf, 0) < 0
		       ? WORKER_NO_WRITE : 2;
	}
	free((char *)cap.name);
	cap.name = xstrdup(c->name);
	capture_select(&cap, &b->sel);
	struct strbuf sb;
	sb_init(&sb);
	int status = capture_status(&cap);
	if (cap.fatal)
		status = 2;
	report_json(&sb, &cap);
	r = write_in(b, c, BATCH_REPORT_JSON, &sb, &err);
	if (r == 0) {
		sb_reset(&sb);
		report_html(&sb, &cap);
		r = write_in(b, c, BATCH_REPORT_HTML, &sb, &err);
	}
	if (r == 0 && b->perfetto) {
		sb_reset(&sb);
		report_perfetto(&sb, &cap);
		r = write_in(b, c, BATCH_PERFETTO, &sb, &err);
	} else if (r == 0) {
		unlink_in(b, c, BATCH_PERFETTO);
	}
	sb_free(&sb);
	if (r == 0)
		r = write_manifest(b, c, cap.fatal ? "partial" : "ok", status,
				   cap.fatal, 0, &err);
	capture_free(&cap);
	if (r < 0) {
		/* the results could not be written: not the capture's fault */
		ht_error_format(&err, buf, sizeof buf);
		return fail_capture(b, c, "failed", buf, 1) < 0
		       ? WORKER_NO_WRITE : 2;
	}
	return status;
}

/* --- the worker pool ---------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	int on;
	size_t done, total;
	long long bytes_done, bytes_total;
	double t0, last;
};

static void progress_show(struct progress *p)
{
	if (!p->on)
		return;
	double t = now_s();
	if (p->done > 0 && p->done < p->total && t - p->last < 0.2)
		return;  /* a terminal needs no more than 5 updates/s */
	p->last = t;
	double el = t - p->t0;
	double rate = el > 0 ? (double)p->bytes_done / el : 0;
	fprintf(stderr, "\rhandletrail batch: %zu/%zu captures, %.1f MB/s",
		p->done, p->total, rate / 1e6);
	if (rate > 0 && p->done < p->total) {
		long eta = (long)((double)(p->bytes_total - p->bytes_done) /
				  rate);
		fprintf(stderr, ", ETA %ld:%02ld", eta / 60, eta % 60);
	}
	fputs("   ", stderr);
	fflush(stderr);
}

static int size_desc(const void *a, const void *b)
{
	const struct bcap *x = *(struct bcap *const *)a;
	const struct bcap *y = *(struct bcap *const *)b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void worker_died(const struct batch *b, struct bcap *c, int wst)
{
	char msg[200];
	if (WIFEXITED(wst) && WEXITSTATUS(wst) <= 2 &&
	    file_exists(b, c, BATCH_MANIFEST)) {
		c->status = WEXITSTATUS(wst);
		return;
	}
	int sig = WIFSIGNALED(wst) ? WTERMSIG(wst) : 0;
	const char *state = "crashed";
	if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT ||
	    sig == SIGHUP || sig == SIGXCPU) {
		/* the out-of-memory killer, a time limit or a person */
		snprintf(msg, sizeof msg, "the worker was killed (signal %d, "
			 "%s); tried again on the next run", sig,
			 strsignal(sig));
		state = "interrupted";
	} else if (sig) {
		snprintf(msg, sizeof msg, "the analysis crashed (signal %d, "
			 "%s); please report this with the trace", sig,
			 strsignal(sig));
	} else if (WIFEXITED(wst) && WEXITSTATUS(wst) == WORKER_NO_WRITE) {
		snprintf(msg, sizeof msg, "the results could not be written "
			 "(see the messages above); tried again on the next "
			 "run");
		state = "interrupted";
	} else {
		snprintf(msg, sizeof msg, "the analysis failed (worker exit "
			 "status %d); please report this with the trace",
			 WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
	}
	fail_capture(b, c, state, msg, 1);
	c->status = 2;
}

/* In a new worker: it dies with the batch (a killed batch leaves no
 * worker writing into OUTDIR behind it) and does not hold the lock. */
static void worker_start(const struct batch *b, pid_t parent)
{
	if (b->lock_fd >= 0)
		close(b->lock_fd);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != parent)
		_exit(WORKER_NO_WRITE);  /* the parent died before prctl */
}

/* Runs the captures in todo with up to b->jobs worker processes, largest
 * first.  Each worker writes only its capture's folder, so the results do
 * not depend on the number of workers or on who finished first. */
static void run_all(struct batch *b, struct bcap **todo, size_t n)
{
	struct progress pr = { isatty(STDERR_FILENO) && !b->quiet, 0, n, 0,
			       0, now_s(), 0 };
	struct { pid_t pid; struct bcap *c; } *run;
	run = xcalloc((size_t)b->jobs, sizeof *run);
	if (n)
		qsort(todo, n, sizeof *todo, size_desc);
	for (size_t i = 0; i < n; i++)
		pr.bytes_total += todo[i]->size;
	size_t next = 0;
	int active = 0;
	progress_show(&pr);
	while (next < n || active > 0) {
		while (active < b->jobs && next < n) {
			struct bcap *c = todo[next++];
			unlink_in(b, c, BATCH_MANIFEST);
			fflush(NULL);
			pid_t parent = getpid();
			pid_t pid = fork();
			if (pid == 0) {
				free(run);  /* the parent's bookkeeping */
				worker_start(b, parent);
				int st = run_capture(b, c);
				fflush(NULL);
				_exit(st);
			}
			if (pid < 0) {
				char msg[200];
				snprintf(msg, sizeof msg, "cannot start a "
					 "worker: %s", strerror(errno));
				fail_capture(b, c, "interrupted", msg, 1);
				c->status = 2;
				pr.done++;
				continue;
			}
			for (int k = 0; k < b->jobs; k++)
				if (!run[k].pid) {
					run[k].pid = pid;
					run[k].c = c;
					break;
				}
			active++;
		}
		if (active == 0)
			continue;
		int wst;
		pid_t pid = waitpid(-1, &wst, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;  /* ECHILD: nothing left to wait for */
		}
		for (int k = 0; k < b->jobs; k++)
			if (run[k].pid == pid) {
				worker_died(b, run[k].c, wst);
				pr.done++;
				pr.bytes_done += run[k].c->size;
				run[k].pid = 0;
				active--;
				break;
			}
		progress_show(&pr);
	}
	if (pr.on)
		fputc('\n', stderr);
	free(run);
}

/* --- prune --------------------------------------------------------------- */

static const char *const our_files[] = {
	BATCH_MANIFEST, BATCH_REPORT_JSON, BATCH_REPORT_HTML, BATCH_PERFETTO,
};

static int our_file(const char *name)
{
	for (size_t k = 0; k < sizeof our_files / sizeof our_files[0]; k++)
		if (strcmp(name, our_files[k]) == 0)
			return 1;
	return 0;
}

/* Whether folder fd (named name in OUTDIR) is provably a capture folder
 * this tool wrote: a regular manifest.json of our schema and tool that
 * names this very folder, and nothing in it but our files. */
static int provably_ours(int fd, const char *name)
{
	int mfd = openat(fd, BATCH_MANIFEST, O_RDONLY | O_NOFOLLOW |
			 O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (mfd < 0)
		return 0;
	if (fstat(mfd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (1 << 24)) {
		close(mfd);
		return 0;
	}
	struct strbuf sb;
	sb_init(&sb);
	char buf[65536];
	ssize_t r;
	while ((r = read(mfd, buf, sizeof buf)) > 0 && sb.len < (1u << 24))
		sb_add(&sb, buf, (size_t)r);
	close(mfd);
	struct ht_error err;
	struct jdoc *doc = NULL;
	const struct jv *m = json_parse(sb.s ? sb.s : "", sb.len, name, &doc,
					&err);
	int ok = m &&
		 strcmp(jv_kstr(m, "schema", ""), BATCH_MANIFEST_SCHEMA) == 0 &&
		 strcmp(jv_kstr(jv_get(m, "tool"), "name", ""),
			"handletrail") == 0 &&
		 strcmp(jv_kstr(m, "dir", ""), name) == 0;
	jdoc_free(doc);
	sb_free(&sb);
	if (!ok)
		return 0;
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	struct dirent *e;
	while (ok && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			ok = our_file(e->d_name);
	closedir(d);
	return ok;
}

/* Removes the results of captures no longer among the inputs: only
 * folders right below OUTDIR that are provably ours, never through a
 * symlink (every step is relative to a folder opened with O_NOFOLLOW). */
static void prune(const struct batch *b)
{
	int ofd = open(b->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = ofd >= 0 ? fdopendir(dup(ofd)) : NULL;
	if (!d) {
		if (ofd >= 0)
			close(ofd);
		return;
	}
	const char **dirs = xcalloc(b->ncaps + 1, sizeof *dirs);
	for (size_t i = 0; i < b->ncaps; i++)
		dirs[i] = b->caps[i].dir;
	if (b->ncaps)
		qsort(dirs, b->ncaps, sizeof *dirs, str_cmp);
	long kept = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		const char *key = e->d_name;
		if (bsearch(&key, dirs, b->ncaps, sizeof *dirs, str_cmp))
			continue;
		int fd = openat(ofd, e->d_name, O_RDONLY | O_DIRECTORY |
				O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;  /* a file, a symlink: not a capture folder */
		if (!provably_ours(fd, e->d_name)) {
			close(fd);
			kept += reserved_dir(e->d_name) == 0;
			continue;
		}
		for (size_t k = 0; k < sizeof our_files / sizeof our_files[0];
		     k++) {
			struct stat st;
			if (fstatat(fd, our_files[k], &st,
				    AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode))
				unlinkat(fd, our_files[k], 0);
		}
		close(fd);
		unlinkat(ofd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	close(ofd);
	free(dirs);
	if (kept && !b->quiet)
		fprintf(stderr, "handletrail: batch: --prune kept %ld "
			"folder%s in %s that batch did not provably write\n",
			kept, kept == 1 ? "" : "s", b->outdir);
}

/* One writer per OUTDIR: a full run (and `index`) holds an exclusive
 * lock, shards of one run a shared one.  The lock file stays (empty:
 * the results stay byte-identical); the lock goes with the process,
 * however it ends. */
int batch_lock(const char *dir, int shared, struct ht_error *err)
{
	char *path = batch_path(dir, BATCH_LOCK);
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		ht_error_set(err, path, 0, "cannot create the lock file: %s",
			     strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK)
			ht_error_set(err, dir, 0, "another handletrail batch "
				     "or index is writing into this folder; "
				     "wait for it to end or choose another "
				     "output folder");
		else
			ht_error_set(err, path, 0, "cannot lock: %s",
				     strerror(e));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

/* --- main ---------------------------------------------------------------- */

static int parse_shard(const char *s, int *k, int *n)
{
	char *e;
	long a = strtol(s, &e, 10);
	if (e == s || *e != '/')
		return -1;
	const char *t = e + 1;
	long m = strtol(t, &e, 10);
	if (e == t || *e || m < 1 || m > 1000000 || a < 1 || a > m)
		return -1;
	*k = (int)a;
	*n = (int)m;
	return 0;
}

/* An option of batch's own (the triage ones go to b->sel).  0, or -1
 * after saying what was wrong. */
static int batch_option(struct batch *b, const char *name, const char *arg)
{
	char *e;
	if (strcmp(name, "output") == 0) {
		b->outdir = arg;
	} else if (strcmp(name, "jobs") == 0) {
		errno = 0;
		long jl = strtol(arg, &e, 10);
		b->jobs = jl >= 1 && jl <= 1024 ? (int)jl : 0;
		if (*e || e == arg || errno || b->jobs < 1) {
			fprintf(stderr, "handletrail: batch: -j: expected 1 to "
				"1024, not '%s'\n", arg);
			return -1;
		}
	} else if (strcmp(name, "shard") == 0) {
		if (parse_shard(arg, &b->shard_k, &b->shard_n) < 0) {
			fprintf(stderr, "handletrail: batch: --shard: expected "
				"K/N with 1 <= K <= N, not '%s'\n", arg);
			return -1;
		}
	} else if (strcmp(name, "format") == 0) {
		if (format_parse(arg, &b->ao.format) < 0) {
			fprintf(stderr, "handletrail: batch: --format: unknown "
				"format '%s'\n", arg);
			return -1;
		}
	} else {
		b->perfetto |= strcmp(name, "perfetto") == 0;
		b->junit = strcmp(name, "junit") == 0 ? arg : b->junit;
		if (strcmp(name, "rules") == 0)
			b->ao.rules_path = arg;
		b->force |= strcmp(name, "force") == 0;
		b->prune |= strcmp(name, "prune") == 0;
		b->quiet |= strcmp(name, "quiet") == 0;
	}
	return 0;
}

/* 0 to run, 1 after --help, -1 on a usage error */
static int parse_batch_opts(struct batch *b, int argc, char **argv)
{
	char shorts[64], msg[400];
	struct option *lo = opt_table('B', shorts, sizeof shorts);
	int c, r = 0;
	optind = 1;
	while (r == 0 && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct optdef *d = opt_def(c, 'B');
		if (!d) {
			r = -1;
		} else if (strcmp(d->lng, "help") == 0) {
			fputs(batch_usage, stdout);
			opt_usage(stdout, 'B');
			fputs(batch_usage_tail, stdout);
			r = 1;
		} else if (strchr(d->cmds, 'T')) {
			if (selection_option(&b->sel, d->lng, d->arg ? optarg
					     : NULL, msg, sizeof msg) < 0) {
				fprintf(stderr, "handletrail: batch: %s\n", msg);
				r = -1;
			}
		} else if (batch_option(b, d->lng, optarg) < 0) {
			r = -1;
		}
	}
	free(lo);
	if (r > 0)
		return 1;
	if (r < 0)
		goto usage;
	if (!b->outdir) {
		fputs("handletrail: batch: no output folder (-o OUTDIR)\n",
		      stderr);
		goto usage;
	}
	if (optind >= argc) {
		fputs("handletrail: batch: no INPUT given\n", stderr);
		goto usage;
	}
	return 0;
usage:
	fputs("Try 'handletrail batch --help' for more information.\n",
	      stderr);
	return -1;
}

/* What besides the traces and the tool version changes the results. */
static int options_key(struct batch *b, struct ht_error *err)
{
	uint64_t rh = 0;
	if (b->ao.rules_path &&
	    (check_regular(b->ao.rules_path, "--rules", err) < 0 ||
	     hash_file(b->ao.rules_path, &rh, err) < 0))
		return -1;
	snprintf(b->optkey, sizeof b->optkey, "format=%s rules=%016llx%s%s",
		 b->ao.format == FMT_AUTO ? "auto" : format_name(b->ao.format),
		 (unsigned long long)rh, b->sel.said[0] ? " select=" : "",
		 b->sel.said);
	return 0;
}

static void free_batch(struct batch *b)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		free(b->files[i].path);
		free(b->files[i].rel);
	}
	free(b->files);
	for (size_t i = 0; i < b->ncaps; i++) {
		free(b->caps[i].name);
		free(b->caps[i].dir);
		free(b->caps[i].rel);
		free(b->caps[i].files);
		free(b->caps[i].error);
	}
	free(b->caps);
	free(b->cwd);
}

int batch_main(int argc, char **argv)
{
	struct batch b;
	struct ht_error err;
	char buf[1200];
	memset(&b, 0, sizeof b);
	selection_init(&b.sel);
	b.lock_fd = -1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	b.jobs = ncpu > 0 ? (int)(ncpu > 1024 ? 1024 : ncpu) : 1;
	int r = parse_batch_opts(&b, argc, argv);
	if (r != 0)
		return r > 0 ? 0 : 2;
	if (batch_mkdir_p(b.outdir, &err) < 0 || options_key(&b, &err) < 0 ||
	    (b.lock_fd = batch_lock(b.outdir, b.shard_n > 0, &err)) < 0) {
		ht_error_format(&err, buf, sizeof buf);
		fprintf(stderr, "handletrail: batch: %s\n", buf);
		return 2;
	}
	struct stat st;
	if (stat(b.outdir, &st) == 0) {
		b.out_dev = st.st_dev;
		b.out_ino = st.st_ino;
	}
	char *marker = batch_path(b.outdir, BATCH_MARKER);
	static const char mtext[] = "handletrail batch results: batch runs "
				    "do not read this folder as input\n";
	if (access(marker, F_OK) != 0 &&
	    write_file_replace(marker, mtext, sizeof mtext - 1, &err) < 0) {
		ht_error_format(&err, buf, sizeof buf);
		fprintf(stderr, "handletrail: batch: %s\n", buf);
		free(marker);
		return 2;
	}
	free(marker);

	b.cwd = getcwd(NULL, 0);  /* NULL (a removed folder): none said */
	discover(&b, argv + optind, argc - optind);
	group(&b);
	if (b.ncaps)
		qsort(b.caps, b.ncaps, sizeof *b.caps, bcap_name_cmp);
	name_dirs(&b);

	struct bcap **todo = xcalloc(b.ncaps + 1, sizeof *todo);
	size_t ntodo = 0, nsel = 0, nreused = 0;
	int worst = 0;
	for (size_t i = 0; i < b.ncaps; i++) {
		struct bcap *c = &b.caps[i];
		struct jdoc *doc;
		const struct jv *m = read_manifest(&b, c, &doc);
		if (m)
			cached_hashes(c, m);
		hash_capture(c);
		c->selected = !b.shard_n ||
			      c->hash % (uint64_t)b.shard_n ==
				      (uint64_t)(b.shard_k - 1);
		if (c->selected) {
			nsel++;
			char *dir = batch_path(b.outdir, c->dir);
			if (capture_dir(dir, &err) < 0) {
				ht_error_format(&err, buf, sizeof buf);
				say(buf);
				c->status = 2;
			} else if (m && !b.force && can_reuse(&b, c, m)) {
				c->reused = 1;
				c->status = (int)jv_kint(m, "status", 2);
				nreused++;
			} else {
				todo[ntodo++] = c;
			}
			free(dir);
		}
		jdoc_free(doc);
	}
	run_all(&b, todo, ntodo);
	free(todo);
	size_t nfailed = 0;
	for (size_t i = 0; i < b.ncaps; i++)
		if (b.caps[i].selected) {
			if (b.caps[i].status > worst)
				worst = b.caps[i].status;
			nfailed += b.caps[i].status == 2;
		}
	if (b.prune && !b.shard_n)
		prune(&b);
	int nindexed = 0;
	if (!b.shard_n) {
		const char *dirs[1] = { b.outdir };
		int iw = 0;
		if (batch_index_build(b.outdir, dirs, 1, b.junit, &iw,
				      &nindexed, &err) < 0) {
			ht_error_format(&err, buf, sizeof buf);
			fprintf(stderr, "handletrail: batch: %s\n", buf);
			worst = 2;
		}
	}
	if (!b.quiet) {
		fprintf(stderr, "handletrail: batch: %zu capture%s (%zu "
			"analysed, %zu reused, %zu failed)", nsel,
			nsel == 1 ? "" : "s", ntodo, nreused, nfailed);
		if (b.shard_n)
			fprintf(stderr, " in shard %d/%d; merge the shards "
				"with: handletrail index %s\n", b.shard_k,
				b.shard_n, b.outdir);
		else
			fprintf(stderr, "; index of %d: %s/index.html\n",
				nindexed, b.outdir);
		if (b.too_deep)
			fprintf(stderr, "handletrail: batch: %ld folder%s "
				"deeper than %d levels not read\n", b.too_deep,
				b.too_deep == 1 ? "" : "s", MAX_DEPTH);
		if (b.not_traces)
			fprintf(stderr, "handletrail: batch: %ld file%s in "
				"the folders %s not traces\n", b.not_traces,
				b.not_traces == 1 ? "" : "s",
				b.not_traces == 1 ? "is" : "are");
	}
	free_batch(&b);
	close(b.lock_fd);
	return worst;
}
