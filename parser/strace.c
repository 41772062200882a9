/* parser/strace.c - reads strace text into ht_events: every real variant
 * of the line leader (-f, stderr captures, -ff files, -t/-tt/-ttt/-r, -n,
 * -i, -Y), split calls paired per thread, spliced strace messages rejoined
 * and -k stacks attached; what a line does comes from strace_call.c. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "strace_int.h"

/* What the events say, beyond parser.h:
 * - A split call is a PH_ENTRY (the effects its arguments show: uses,
 *   the close, close_range) and a PH_EXIT with every effect of the whole
 *   call, those already reported flagged EF_AT_ENTRY; the exit's ts is
 *   the resumed line's stamp.  A new call of the same task drops an
 *   entry left without exit.
 * - Every fd operand is an EFF_USE (dup sources included); a CLOSE stands
 *   in for the use of the closed fd.  Creations, DUP, SPAWN, EXEC, ...
 *   appear only when the call succeeded.  Objects are the -y text inside
 *   <...>, without a "(deleted)" that follows it.
 * - "+++ superseded by execve in pid N +++" is EV_TASK_GONE under the
 *   leader's TID with fx[0] = SPAWN h=N (THREAD|SHARE_FILES): N's pending
 *   execve moves to the leader and resumes under its id.
 * - "<... X resumed>" without an entry becomes a PH_FULL event when the
 *   result alone has an effect (execve, a returned fd), else a skip.
 * - A line without a prefix belongs to the -ff file's TID, on stderr to
 *   the one task alive (see line_tid: -q/-qq captures have no "+++"
 *   lines), before any prefix to the TID that set_tid_address() returns;
 *   -1 when nothing tells.
 * - An <unfinished ...> clone/fork entry carries EFF_SPAWN h = -1 with
 *   its flags: the child may print before the clone returns.
 * - " <detached ...>" (strace stopped on -p) ends an entry that never
 *   returns, like " <unfinished ...>".
 * - strace's messages that cut a line ("strace: Process N attached", the
 *   strace 4.x form without "strace: ", strace -d's "[wait(0x..) = N]")
 *   are taken out and the line rejoined; the traced program's own output
 *   inside a call line is taken out by its length (ocall_try).
 * - -c/-C summary tables are strace's, not calls (summary_shape). */

#define NS_PER_S 1000000000LL
#define DAY_NS (86400LL * NS_PER_S)
#define MAX_JOINS 16            /* splices rejoined into one line, at most */
#define GUESS_WINDOW (1u << 20) /* bytes looked at to name the first task */

/* What the capture shows, for st->flags and st->limits. */
enum feature {
	FT_PID      = 1u << 0,   /* "12345 " prefix (-f -o)              */
	FT_STDERR   = 1u << 1,   /* "[pid N] " (trace on stderr)         */
	FT_FF       = 1u << 2,   /* no prefix, TID from the file name    */
	FT_T        = 1u << 3,   /* HH:MM:SS                             */
	FT_TT       = 1u << 4,   /* HH:MM:SS.micro                       */
	FT_TTT      = 1u << 5,   /* epoch.micro                          */
	FT_R        = 1u << 6,   /* relative                             */
	FT_TR       = 1u << 7,   /* -t -r: "HH:MM:SS (+ rel)"            */
	FT_NS       = 1u << 8,   /* 9 fraction digits                    */
	FT_MS       = 1u << 9,   /* 3 fraction digits                    */
	FT_DUR      = 1u << 10,  /* -T                                   */
	FT_N        = 1u << 13,  /* [ nnn]                               */
	FT_I        = 1u << 14,  /* [hex]                                */
	FT_COMM     = 1u << 15,  /* -Y                                   */
	FT_K        = 1u << 16,  /* stack lines                          */
	FT_DUMP     = 1u << 17,  /* -e write= / read= dumps              */
	FT_XVERBOSE = 1u << 18,
	FT_XRAW     = 1u << 19,
	FT_SUMMARY  = 1u << 20,  /* a -c/-C summary table                */
};

/* One traced task we have seen and not seen end, with its call in
 * flight (an <unfinished ...> entry waiting for its resumed exit). */
struct task {
	int64_t tid;
	int live;
	int pending;
	const struct sc_info *sc;
	char name[48];
	size_t name_len;
	char *line;              /* the entry line as printed */
	size_t line_len, line_cap;
	size_t args_off, args_len;
	long lineno;
	struct scan_resume resume;  /* the scan of the entry's arguments */
};

/* The line leader: everything before the syscall. */
struct leader {
	int has_tid, bracket;
	int64_t tid;
	const char *comm;
	size_t comm_len;
	int stamp;               /* 0 none, 1 time of day, 2 seconds.frac */
	int64_t secs, frac_ns;
	int digits;              /* fraction digits */
	int has_rel;             /* -t -r "(+ rel)" */
	int64_t rel_ns;
	size_t ts_off, ts_len;
	int has_n, has_i;
	int bad_time;            /* HH:MM:SS no clock shows (25:61:61) */
	size_t body;
};

/* What leader_fast saw last: a line's first eight bytes (the pid field)
 * by a hash of them, and one "HH:MM:SS" text, with what they read as. */
struct leader_memo {
	uint64_t pid_w[4];
	int64_t pid_v[4];
	unsigned char pid_e[4];   /* where the space after the pid is;
				     0: slot empty */
	uint64_t hms_w;
	int64_t hms_secs;
	int hms_ok;
};

struct strace {
	struct instream *in;
	struct input_stats *st;
	const char *path;
	int64_t default_tid;

	/* one line read ahead while collecting -k stack lines */
	const char *held;
	size_t held_n;
	long held_line;
	int have_held, held_esc;

	/* a call line the traced program's own output cut open (it shares
	 * strace's terminal or file): held until its ") = N" comes */
	struct strbuf ocall, ofix;
	long ocall_line;
	int ocall_lines;         /* lines held, 0: none */
	int64_t ocall_ts;
	char ocall_why[160];
	struct strbuf join;      /* a line cut by a strace message */
	long join_line;
	int joining, njoins;
	struct strbuf clean;     /* a line without SGR colour codes */
	struct strbuf merged;    /* entry arguments + resumed part */
	struct strbuf compact;   /* a long entry line, strings shortened */
	struct strbuf stack;
	struct arena ar;
	char why[160];
	struct leader_memo memo;

	/* tasks: pool + open addressing index (tid -> pool slot) */
	struct task *pool;
	int npool, pool_cap;
	int *free_slots;
	int nfree;
	int *index;
	unsigned index_cap;      /* power of two */
	int ntasks;

	/* timestamps */
	int num_mode;            /* secs.frac stamps: 0 unknown, 1 epoch, 2 rel */
	int64_t rel_sum, tod_anchor, day_off, last_tod;
	int have_anchor, have_tod;
	long wrap_line;

	/* tasks of lines without a prefix */
	int64_t guess_tid, last_prefixed;
	int stderr_mode;

	int64_t cur_ts, join_ts;  /* stamp of the line being parsed */
	const struct sc_info *sc_openat;
	const struct sc_info *sc_wait4, *sc_waitid, *sc_execve;
	int64_t only_tid;        /* only_task's last answer */
	int64_t exited_tid;      /* the last "exit_group() = ?" task */
	unsigned feat, seen;
	long n_calls, n_failed, n_creates, n_closes, n_spawns, n_unfinished;
	long n_fd_effects, n_basic;
	long n_switches;         /* call lines whose task differs from the
				    line before */
	int64_t last_call_tid;
	int finished, failed;
	struct ht_error err_saved;
	int err_pending;
	pcre2_match_data *md;
	struct {
		const struct sc_info *sc;
		size_t len;
	} sc_cache[64];          /* by name length and ends */
};

/* ---- regular expressions for strace's own messages ------------------- */

/* "+++ ... +++" task lines and strace's messages that can cut a trace
 * line in two on stderr: fixed phrases, where a regex reads best. */
static const char *const task_re_src =
	"^\\+\\+\\+ (?:exited with (-?\\d+)|killed by ([A-Z0-9]+)"
	"( \\(core dumped\\))?|superseded by execve in pid (\\d+)) \\+\\+\\+$";
static const char *const splice_re_src =
	"strace: (?:Process \\d+ (?:attached|detached|suspended|resumed)"
	"(?: with \\d+ threads?)?|\\[ Process PID=\\d+ runs in .* mode\\. \\]"
	"|Exit of unknown pid \\d+ ignored)$";
/* strace 4.x printed "Process N attached" without "strace: " (seen
 * spliced as "clone(Process 21721 attached" / "child_stack=0, ...) =
 * 21721" in a strace 4.8 capture) */
static const char *const splice_old_re_src =
	"Process \\d+ (?:attached|detached|suspended|resumed)$";
/* strace -d (debug) on strace 4.x printed its wait results into the trace:
 * "brk(0x78f000 [wait(0x057f) = 23] WIFSTOPPED,sig=SIGTRAP" / next line
 * ")   = 0x78f000" (a strace 4.12 capture on WSL) */
static const char *const splice_dbg_re_src =
	" ?\\[wait\\(0x[0-9a-f]+\\) = \\d+\\] [A-Z]+(?:,[a-z]+=[A-Z0-9]+)*$";
static pcre2_code *task_re, *splice_re, *splice_old_re, *splice_dbg_re;
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

static pcre2_code *re_compile(const char *src)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
				       0, &ec, &eo, NULL);
	if (!re) {
		fprintf(stderr, "handletrail: internal regex error at %zu\n",
			(size_t)eo);
		abort();
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);  /* else interpreted */
	return re;
}

static void re_init(void)
{
	task_re = re_compile(task_re_src);
	splice_re = re_compile(splice_re_src);
	splice_old_re = re_compile(splice_old_re_src);
	splice_dbg_re = re_compile(splice_dbg_re_src);
}

static int re_match(struct strace *p, pcre2_code *re, const char *s,
		    size_t n)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_ANCHORED, p->md,
			   NULL) > 0;
}

static int64_t re_group_int(struct strace *p, const char *s, int g)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	if (ov[2 * g] == PCRE2_UNSET)
		return -1;
	return strtoll(s + ov[2 * g], NULL, 10);
}

/* ---- tasks ------------------------------------------------------------ */

static unsigned tid_hash(int64_t tid)
{
	uint64_t x = (uint64_t)tid * 0x9E3779B97F4A7C15ull;
	return (unsigned)(x >> 32);
}

static int task_slot(struct strace *p, int64_t tid, unsigned *at)
{
	unsigned m = p->index_cap - 1;
	unsigned h = tid_hash(tid) & m;
	for (; p->index[h] >= 0; h = (h + 1) & m)
		if (p->pool[p->index[h]].tid == tid) {
			*at = h;
			return p->index[h];
		}
	*at = h;
	return -1;
}

static void index_grow(struct strace *p)
{
	unsigned ncap = p->index_cap ? p->index_cap * 2 : 64;
	int *old = p->index;
	unsigned ocap = p->index_cap;
	p->index = xmalloc(ncap * sizeof *p->index);
	for (unsigned i = 0; i < ncap; i++)
		p->index[i] = -1;
	p->index_cap = ncap;
	for (unsigned i = 0; i < ocap; i++)
		if (old[i] >= 0) {
			unsigned at;
			task_slot(p, p->pool[old[i]].tid, &at);
			p->index[at] = old[i];
		}
	free(old);
}

static struct task *task_find(struct strace *p, int64_t tid)
{
	unsigned at;
	int k = task_slot(p, tid, &at);
	return k >= 0 ? &p->pool[k] : NULL;
}

static struct task *task_get(struct strace *p, int64_t tid)
{
	unsigned at;
	int k = task_slot(p, tid, &at);
	if (k >= 0)
		return &p->pool[k];
	if ((unsigned)(p->ntasks + 1) * 2 > p->index_cap) {
		index_grow(p);
		task_slot(p, tid, &at);
	}
	if (p->nfree) {
		k = p->free_slots[--p->nfree];
	} else {
		if (p->npool == p->pool_cap) {
			p->pool_cap = p->pool_cap ? p->pool_cap * 2 : 16;
			p->pool = xrealloc(p->pool, (size_t)p->pool_cap *
					   sizeof *p->pool);
			p->free_slots = xrealloc(p->free_slots,
						 (size_t)p->pool_cap *
						 sizeof *p->free_slots);
		}
		k = p->npool++;
		memset(&p->pool[k], 0, sizeof p->pool[k]);
	}
	struct task *t = &p->pool[k];
	t->tid = tid;
	t->live = 1;
	t->pending = 0;
	p->index[at] = k;
	p->ntasks++;
	return t;
}

/* The task ended: forget it (its buffer stays in the pool for reuse). */
static void task_del(struct strace *p, int64_t tid)
{
	unsigned at;
	int k = task_slot(p, tid, &at);
	if (k < 0)
		return;
	p->pool[k].live = 0;
	p->pool[k].pending = 0;
	p->free_slots[p->nfree++] = k;
	p->ntasks--;
	/* backward-shift deletion keeps probe chains whole */
	unsigned m = p->index_cap - 1, i = at, j = at;
	p->index[i] = -1;
	for (;;) {
		j = (j + 1) & m;
		if (p->index[j] < 0)
			break;
		unsigned home = tid_hash(p->pool[p->index[j]].tid) & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			p->index[i] = p->index[j];
			p->index[j] = -1;
			i = j;
		}
	}
}

static void task_keep_line(struct task *t, const char *s, size_t n)
{
	if (t->line_cap < n + 1) {
		t->line_cap = n + 1 < 256 ? 256 : n + 1;
		free(t->line);
		t->line = xmalloc(t->line_cap);
	}
	memcpy(t->line, s, n);
	t->line[n] = '\0';
	t->line_len = n;
}

/* ---- the line leader ---------------------------------------------------- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const unsigned char name_chars[256] = {
	['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

static int is_name_char(char c)
{
	return name_chars[(unsigned char)c];
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* digits at s[i]: value, index after them; 0 digits -> returns i */
static size_t read_num(const char *s, size_t n, size_t i, int64_t *v)
{
	int64_t x = 0;
	size_t lim = n - i > 18 ? i + 18 : n;
	unsigned d;
	while (i < lim && (d = (unsigned)(unsigned char)s[i] - '0') < 10) {
		x = x * 10 + d;
		i++;
	}
	*v = x;
	return i;
}

/* ".ffffff" at s[i]: nanoseconds and digit count */
static size_t read_frac(const char *s, size_t n, size_t i, int64_t *ns,
			int *digits)
{
	static const int64_t scale[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000,
		1000, 100, 10, 1,
	};
	int64_t x = 0;
	size_t b = i, lim = n - i > 9 ? i + 9 : n;
	unsigned d;
	if (n - i > 6 && is_digit(s[i]) && is_digit(s[i + 1]) &&
	    is_digit(s[i + 2]) && is_digit(s[i + 3]) && is_digit(s[i + 4]) &&
	    is_digit(s[i + 5]) && !is_digit(s[i + 6])) {
		/* microseconds, by far the usual case */
		x = (((((s[i] - '0') * 10 + (s[i + 1] - '0')) * 10 +
		       (s[i + 2] - '0')) * 10 + (s[i + 3] - '0')) * 10 +
		     (s[i + 4] - '0')) * 10 + (s[i + 5] - '0');
		*ns = x * 1000;
		*digits = 6;
		return i + 6;
	}
	while (i < lim && (d = (unsigned)(unsigned char)s[i] - '0') < 10) {
		x = x * 10 + d;
		i++;
	}
	size_t k = i - b;      /* digits taken, at most 9 */
	while (i < n && is_digit(s[i]))
		i++;           /* beyond ns: counted, not used */
	*ns = x * scale[k];
	*digits = (int)(i - b);
	return i;
}

/* A "<comm>" after a pid (-Y): index after '>', or 0. */
static size_t read_comm(const char *s, size_t n, size_t i, struct leader *ld)
{
	size_t e = skip_decoration(s, n, i);
	if (!e)
		return 0;
	ld->comm = s + i + 1;
	ld->comm_len = e - i - 2;
	return e;
}

/* The leader of -f -tt lines, "PID  HH:MM:SS.uuuuuu ", read directly;
 * 0 when s has another shape (parse_leader then reads it).  Lines come
 * from a few tasks and the same second many times: the first eight bytes
 * of a line (the pid and what follows it) and the "HH:MM:SS" text are
 * looked up in m (may be NULL) before they are read digit by digit. */
static int leader_fast(const char *s, size_t n, struct leader *ld,
		       struct leader_memo *m)
{
	if (n < 8)
		return 0;
	uint64_t w;
	memcpy(&w, s, 8);
	unsigned slot = (unsigned)((w * 0x9E3779B97F4A7C15ull) >> 62);
	size_t e;
	int64_t v;
	if (m && m->pid_w[slot] == w && m->pid_e[slot]) {
		e = m->pid_e[slot];
		v = m->pid_v[slot];
	} else {
		size_t lim = n < 18 ? n : 18;
		unsigned d;
		e = 0;
		v = 0;
		while (e < lim &&
		       (d = (unsigned)(unsigned char)s[e] - '0') < 10) {
			v = v * 10 + d;
			e++;
		}
		if (e == 0 || e == 18 || e >= n || s[e] != ' ')
			return 0;
		if (m && e < 8) {   /* the pid and the space after it */
			m->pid_w[slot] = w;
			m->pid_e[slot] = (unsigned char)e;
			m->pid_v[slot] = v;
		}
	}
	size_t i = e;
	while (i < n && s[i] == ' ')
		i++;
	if (n - i < 17)
		return 0;
	uint64_t hms;
	memcpy(&hms, s + i, 8);
	int64_t secs;
	if (m && m->hms_ok && m->hms_w == hms) {
		secs = m->hms_secs;
	} else {
		if (!is_digit(s[i]) || !is_digit(s[i + 1]) ||
		    s[i + 2] != ':' || !is_digit(s[i + 3]) ||
		    !is_digit(s[i + 4]) || s[i + 5] != ':' ||
		    !is_digit(s[i + 6]) || !is_digit(s[i + 7]) ||
		    s[i] > '2' || (s[i] == '2' && s[i + 1] > '3') ||
		    s[i + 3] > '5' || s[i + 6] > '6' ||
		    (s[i + 6] == '6' && s[i + 7] > '0'))
			return 0;   /* the long way says why it is impossible */
		secs = ((s[i] - '0') * 10 + (s[i + 1] - '0')) * 3600 +
		       (s[i + 3] - '0') * 600 + (s[i + 4] - '0') * 60 +
		       (s[i + 6] - '0') * 10 + (s[i + 7] - '0');
		if (m) {
			m->hms_ok = 1;
			m->hms_w = hms;
			m->hms_secs = secs;
		}
	}
	if (s[i + 8] != '.')
		return 0;
	const char *f = s + i + 9;
	if (!is_digit(f[0]) || !is_digit(f[1]) || !is_digit(f[2]) ||
	    !is_digit(f[3]) || !is_digit(f[4]) || !is_digit(f[5]) ||
	    is_digit(f[6]) || f[6] != ' ' || f[7] == '(' || f[7] == ' ' ||
	    f[7] == '[')
		return 0;   /* other precision, -t -r, -n or -i: the long way */
	/* every field, as parse_leader's memset would leave it */
	ld->has_tid = 1;
	ld->bracket = 0;
	ld->tid = v;
	ld->comm = NULL;
	ld->comm_len = 0;
	ld->stamp = 1;
	ld->has_rel = 0;
	ld->rel_ns = 0;
	ld->has_n = ld->has_i = 0;
	ld->bad_time = 0;
	ld->secs = secs;
	ld->frac_ns = ((((((int64_t)(f[0] - '0') * 10 + (f[1] - '0')) * 10 +
			  (f[2] - '0')) * 10 + (f[3] - '0')) * 10 +
			(f[4] - '0')) * 10 + (f[5] - '0')) * 1000;
	ld->digits = 6;
	ld->ts_off = i;
	ld->ts_len = 15;
	ld->body = i + 16;
	return 1;
}

/* Parses the leader of s; never fails (at worst body = 0).  m: see
 * leader_fast. */
static void parse_leader(const char *s, size_t n, struct leader *ld,
			 struct leader_memo *m)
{
	if (leader_fast(s, n, ld, m))
		return;
	size_t i = 0;
	memset(ld, 0, sizeof *ld);
	/* N or N<comm> (-o), [pid N] or [pid N<comm>] (stderr) */
	if (n && is_digit(s[0])) {
		int64_t v;
		size_t e = read_num(s, n, 0, &v);
		if (e < n && s[e] == '<') {
			size_t c = read_comm(s, n, e, ld);
			if (c && c < n && s[c] == ' ') {
				ld->has_tid = 1;
				ld->tid = v;
				i = c;
			} else {
				ld->comm = NULL;
			}
		} else if (e < n && s[e] == ' ') {
			ld->has_tid = 1;
			ld->tid = v;
			i = e;
		}
	} else if (n > 5 && memcmp(s, "[pid ", 5) == 0) {
		size_t j = 5;
		while (j < n && s[j] == ' ')
			j++;
		int64_t v;
		size_t e = read_num(s, n, j, &v);
		if (e > j) {
			if (e < n && s[e] == '<')
				e = read_comm(s, n, e, ld);
			if (e && e < n && s[e] == ']') {
				ld->has_tid = ld->bracket = 1;
				ld->tid = v;
				i = e + 1;
			}
		}
	}
	while (i < n && s[i] == ' ')
		i++;
	/* time stamps */
	if (i < n && is_digit(s[i])) {
		size_t b = i;
		int64_t a;
		size_t e;
		if (i + 2 < n && is_digit(s[i + 1]) && s[i + 2] == ':') {
			/* the usual two-digit hour */
			a = (s[i] - '0') * 10 + (s[i + 1] - '0');
			e = i + 2;
		} else {
			e = read_num(s, n, i, &a);
		}
		if (e - b <= 2 && e + 5 < n && s[e] == ':' &&
		    is_digit(s[e + 1]) &&
		    is_digit(s[e + 2]) && s[e + 3] == ':' &&
		    is_digit(s[e + 4]) && is_digit(s[e + 5])) {
			ld->stamp = 1;
			/* 23:59:60 is a leap second; 25:61:61 is no time */
			ld->bad_time = a > 23 || s[e + 1] > '5' ||
				       s[e + 4] > '6' ||
				       (s[e + 4] == '6' && s[e + 5] > '0');
			ld->secs = a * 3600 + (s[e + 1] - '0') * 600 +
				   (s[e + 2] - '0') * 60 + (s[e + 4] - '0') * 10
				   + (s[e + 5] - '0');
			e += 6;
			if (e < n && s[e] == '.')
				e = read_frac(s, n, e + 1, &ld->frac_ns,
					      &ld->digits);
			i = e;
		} else if (e < n && s[e] == '.' && e + 1 < n &&
			   is_digit(s[e + 1]) && a < (1LL << 62) / NS_PER_S) {
			ld->stamp = 2;
			ld->secs = a;
			i = read_frac(s, n, e + 1, &ld->frac_ns, &ld->digits);
		}
		if (ld->stamp) {
			/* -t -r: "HH:MM:SS (+     0.000172)" */
			if (i + 2 < n && s[i] == ' ' && s[i + 1] == '(' &&
			    s[i + 2] == '+') {
				size_t j = i + 3;
				while (j < n && s[j] == ' ')
					j++;
				int64_t rs, rf;
				int rd;
				size_t k = read_num(s, n, j, &rs);
				if (k > j && k - j <= 9 && k < n &&
				    s[k] == '.') {
					k = read_frac(s, n, k + 1, &rf, &rd);
					if (k < n && s[k] == ')') {
						ld->has_rel = 1;
						ld->rel_ns = rs * NS_PER_S + rf;
						i = k + 1;
					}
				}
			}
			ld->ts_off = b;
			ld->ts_len = i - b;
			while (i < n && s[i] == ' ')
				i++;
		} else {
			i = b;
		}
	}
	/* [ nnn] syscall number (-n), [hex] instruction pointer (-i) */
	while (i + 2 < n && s[i] == '[') {
		size_t j = i + 1;
		while (j < n && s[j] == ' ')
			j++;
		size_t k = j;
		int hex = 0;
		while (k < n && (is_hex(s[k]) || s[k] == '?')) {
			if (!is_digit(s[k]))
				hex = 1;
			k++;
		}
		if (k == j || k >= n || s[k] != ']')
			break;
		if (hex || (j == i + 1 && k - j >= 8))
			ld->has_i = 1;
		else
			ld->has_n = 1;
		i = k + 1;
		while (i < n && s[i] == ' ')
			i++;
	}
	ld->body = i;
}

/* a + b held within +-2^62 ns (146 years around 1970): hostile stamps
 * can overflow neither these sums nor a consumer's ts differences */
#define TS_SANE (1LL << 62)
static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r) || r > TS_SANE)
		return b > 0 ? TS_SANE : -TS_SANE;
	return r < -TS_SANE ? -TS_SANE : r;
}

/* Turns the printed stamp into ns; keeps -r sums and midnight wraps. */
static int64_t stamp_ns(struct strace *p, const struct leader *ld, long ln)
{
	if (!ld->stamp)
		return TS_NONE;
	int64_t v = ld->secs * NS_PER_S + ld->frac_ns;
	if (ld->digits == 9)
		p->feat |= FT_NS;
	else if (ld->digits && ld->digits <= 3)
		p->feat |= FT_MS;
	if (ld->stamp == 1) {
		if (ld->has_rel) {
			p->feat |= FT_TR;
			if (!p->have_anchor) {
				p->have_anchor = 1;
				p->tod_anchor = v;
			}
			p->rel_sum = sat_add(p->rel_sum, ld->rel_ns);
			return sat_add(p->tod_anchor, p->rel_sum);
		}
		p->feat |= ld->digits ? FT_TT : FT_T;
		/* -t/-tt have no date: a jump back by half a day or more is
		 * the next day */
		if (p->have_tod && v + p->day_off < p->last_tod - DAY_NS / 2 &&
		    p->day_off < 10000 * DAY_NS) {
			p->day_off += DAY_NS;
			if (!p->wrap_line)
				p->wrap_line = ln;
		}
		p->have_tod = 1;
		p->last_tod = v + p->day_off;
		return p->last_tod;
	}
	/* seconds.fraction: epoch (-ttt) or relative (-r, starts at 0) */
	if (!p->num_mode)
		p->num_mode = ld->secs < 100000 ? 2 : 1;
	if (p->num_mode == 2) {
		p->feat |= FT_R;
		p->rel_sum = sat_add(p->rel_sum, v);
		return p->rel_sum;
	}
	p->feat |= FT_TTT;
	return v;
}

/* ---- events ------------------------------------------------------------- */

static void ev_start(struct strace *p, struct ht_event *ev, enum ev_type t,
		     enum ev_phase ph, int64_t tid, const char *s,
		     const struct leader *ld, long ln, size_t need)
{
	/* the raw text plus each decoration at most twice */
	arena_reset(&p->ar, need * 2 + 1024);
	ev->type = t;
	ev->phase = ph;
	ev->call = NULL;
	ev->pid = -1;
	ev->tid = tid;
	ev->cpu = -1;
	ev->ts = p->cur_ts;
	ev->time_text = "";
	ev->dur = 0;
	ev->has_ret = 0;
	ev->ret = 0;
	ev->failed = 0;
	ev->err = 0;
	ev->errname = NULL;
	ev->errc = ERRC_NONE;
	ev->src.file = p->path;
	ev->src.line = ln;
	ev->src.event = 0;
	ev->end_line = 0;
	ev->raw = "";
	ev->thread_name = NULL;
	ev->stack = NULL;
	ev->nfx = 0;
	ev->fx_overflow = 0;
	if (ld->ts_len) {
		const char *tt = arena_put(&p->ar, s + ld->ts_off, ld->ts_len);
		if (tt)
			ev->time_text = tt;
	}
	if (ld->comm)
		ev->thread_name = arena_put(&p->ar, ld->comm, ld->comm_len);
}

static void ev_result(struct ht_event *ev, const struct call *c)
{
	ev->has_ret = c->has_ret;
	ev->ret = c->ret;
	ev->failed = c->failed;
	ev->err = c->err;
	ev->errc = c->failed ? (c->errc ? c->errc : ERRC_OTHER) : ERRC_NONE;
}

static void set_raw(struct strace *p, struct ht_event *ev, const char *s,
		    size_t n)
{
	const char *r = arena_put(&p->ar, s, n);
	ev->raw = r ? r : "";
}

/* raw text a + b + c, put together in the arena */
static void set_raw3(struct strace *p, struct ht_event *ev, const char *a,
		     size_t an, const char *b, size_t bn, const char *c,
		     size_t cn)
{
	struct arena *ar = &p->ar;
	size_t n = an + bn + cn;
	if (ar->cap - ar->len < n + 1) {
		ev->raw = "";
		return;
	}
	char *d = ar->p + ar->len;
	memcpy(d, a, an);
	memcpy(d + an, b, bn);
	memcpy(d + an + bn, c, cn);
	d[n] = '\0';
	ar->len += n + 1;
	ev->raw = d;
}

static void set_call(struct strace *p, struct ht_event *ev,
		     const struct sc_info *sc, const char *name, size_t n)
{
	if (sc) {
		ev->call = sc->name;
	} else {
		const char *c = arena_put(&p->ar, name, n);
		ev->call = c ? c : "?";
	}
}

static void set_errname(struct strace *p, struct ht_event *ev,
			const struct call *c)
{
	if (!c->errname)
		return;
	/* canonical names are static; unknown ones point into the line */
	if (c->errc != ERRC_OTHER || c->err)
		ev->errname = c->errname;
	else
		ev->errname = arena_put(&p->ar, c->errname, c->errname_len);
}

/* Everything about a call's effects that the limits section needs. */
static void count_call(struct strace *p, const struct ht_event *ev)
{
	p->n_calls++;
	if (p->n_calls > 1 && ev->tid != p->last_call_tid)
		p->n_switches++;
	p->last_call_tid = ev->tid;
	if (ev->failed)
		p->n_failed++;
	for (int i = 0; i < ev->nfx; i++) {
		switch (ev->fx[i].op) {
		case EFF_CREATE:
		case EFF_DUP:
			p->n_creates++;
			break;
		case EFF_CLOSE:
		case EFF_CLOSE_RANGE:
			p->n_closes++;
			break;
		case EFF_SPAWN:
			p->n_spawns++;
			break;
		default:
			break;
		}
		if (ev->fx[i].op == EFF_USE || ev->fx[i].op == EFF_CLOSE)
			p->n_fd_effects++;
	}
}

/* A trace with none of the calls every program makes (sc_always_made),
 * nor the execve strace starts a program with, was filtered with -e
 * trace=. */
static void count_basic(struct strace *p, const struct sc_info *sc)
{
	if (p->n_basic)
		return;     /* only whether there is any counts */
	if (sc_always_made(sc) || (sc && sc == p->sc_execve))
		p->n_basic++;
}

static void note_leader(struct strace *p, const struct leader *ld)
{
	if (ld->has_tid)
		p->feat |= ld->bracket ? FT_STDERR : FT_PID;
	if (ld->comm)
		p->feat |= FT_COMM;
	if (ld->has_n)
		p->feat |= FT_N;
	if (ld->has_i)
		p->feat |= FT_I;
}

static int64_t only_task(struct strace *p)
{
	struct task *t = p->only_tid >= 0 ? task_find(p, p->only_tid) : NULL;
	if (t && t->live)
		return t->tid;
	for (int i = 0; i < p->npool; i++)
		if (p->pool[i].live)
			return p->only_tid = p->pool[i].tid;
	return -1;
}

/* ---- which task a line without a prefix belongs to (stderr) ----------
 * strace on stderr prints "[pid N] " only while more than one tracee is
 * alive (nprocs > 1), so a line without it comes from the one task left,
 * and every other task we know of is gone.  With -q/-qq there is no
 * "+++ exited" line to say which one ended, so a task is also taken for
 * gone after its "exit_group(...) = ?", when wait4() returns its id,
 * waitid() reports it in si_pid, or a SIGCHLD names it; an unprefixed
 * "<... X resumed>" belongs to the one task with an X in flight.  When
 * that still leaves several, the last task that printed with a prefix
 * is taken, as before. */

/* strace prints nothing more for tid: lines without a prefix go to the
 * tasks still alive (stderr captures only; elsewhere every line says) */
static void task_ended(struct strace *p, int64_t tid, int64_t self)
{
	if (!p->stderr_mode || p->default_tid >= 0 || tid <= 0 ||
	    tid == self)
		return;
	task_del(p, tid);
}

/* "si_pid=N" in s[0, n) with a CLD_EXITED/KILLED/DUMPED code, or -1 */
static int64_t reaped_pid(const char *s, size_t n)
{
	if (!memmem(s, n, "CLD_EXITED", 10) && !memmem(s, n, "CLD_KILLED", 10)
	    && !memmem(s, n, "CLD_DUMPED", 10))
		return -1;
	const char *q = memmem(s, n, "si_pid=", 7);
	if (!q)
		return -1;
	int64_t v;
	size_t i = (size_t)(q - s) + 7;
	size_t e = read_num(s, n, i, &v);
	return e > i ? v : -1;
}

/* a call that tells a child is gone: wait4 returning its id, waitid
 * filling in its si_pid */
static void note_reaped(struct strace *p, const struct sc_info *sc,
			const char *s, size_t n, const struct call *c,
			int64_t self)
{
	if (!sc || !p->stderr_mode)
		return;
	if (sc == p->sc_wait4 && c->has_ret && !c->failed && c->ret > 0)
		task_ended(p, c->ret, self);
	else if (sc == p->sc_waitid && c->has_ret && !c->failed)
		task_ended(p, reaped_pid(s, n), self);
}

/* The unprefixed line went to tid: on stderr every other task is gone. */
static void alone(struct strace *p, int64_t tid)
{
	if (p->ntasks <= 1)
		return;
	for (int i = 0; i < p->npool; i++)
		if (p->pool[i].live && p->pool[i].tid != tid)
			task_del(p, p->pool[i].tid);
}

/* The task a line belongs to.  Lines without a prefix: the -ff file's
 * TID; on stderr the one task alive (see above). */
static int64_t line_tid(struct strace *p, const struct leader *ld)
{
	if (ld->has_tid) {
		if (ld->bracket)
			p->stderr_mode = 1;
		p->last_prefixed = ld->tid;
		return ld->tid;
	}
	if (p->default_tid >= 0) {
		p->feat |= FT_FF;
		return p->default_tid;
	}
	if (!p->stderr_mode)
		return p->guess_tid;
	/* none left: the "+++ exited" of the last exit_group */
	int64_t tid = p->ntasks == 1 ? only_task(p) : p->ntasks == 0 &&
		      p->exited_tid >= 0 ? p->exited_tid : p->last_prefixed;
	alone(p, tid);
	return tid;
}

/* An unprefixed "<... NAME resumed>" on stderr: the one task with NAME
 * in flight, or -1 when none or several have it. */
static int64_t resumer(struct strace *p, const char *name, size_t nlen)
{
	int64_t found = -1;
	for (int i = 0; i < p->npool; i++) {
		const struct task *t = &p->pool[i];
		if (!t->live || !t->pending || t->name_len != nlen ||
		    memcmp(t->name, name, nlen) != 0)
			continue;
		if (found >= 0)
			return -1;
		found = t->tid;
	}
	return found;
}

/* Finds the call's closing paren and result; falls back to the last
 * ") = " when the structure does not close (a path decoration with an
 * unbalanced bracket, say). */
static int scan_full(struct strace *p, const char *s, size_t n,
		     struct call *c, const struct scan_resume *sr)
{
	const char *why = NULL;
	int r = sr ? call_scan_resume(s, n, c, sr) : call_scan(s, n, c);
	if (r == 0 && c->close < 0)
		why = "no ')' closes the argument list (a cut-off line?)";
	if (r == 0 && c->close >= 0) {
		if (call_result(s, n, c, &why) == 0)
			return 0;
		/* the structure closed: a missing result is not to be
		 * looked for inside the arguments */
		snprintf(p->why, sizeof p->why, "%s", why);
		return -1;
	}
	int tries = 0;
	for (size_t k = n; k > 0 && tries < 8; k--) {
		if (s[k - 1] != ')')
			continue;
		size_t j = k;
		while (j < n && s[j] == ' ')
			j++;
		if (j + 1 >= n || s[j] != '=' || s[j + 1] != ' ')
			continue;
		tries++;
		struct call t;
		t.close = (long)(k - 1);
		const char *w2;
		if (call_result(s, n, &t, &w2) == 0) {
			call_scan(s, k - 1, c);
			c->close = t.close;
			call_result(s, n, c, &w2);
			return 0;
		}
	}
	snprintf(p->why, sizeof p->why, "%s", why ? why :
		 "unbalanced quotes or brackets in the argument list and "
		 "no \") = \" to end it");
	return -1;
}

/* syscalls.def row of a name; a few names make most lines, so a small
 * cache in front of the table saves hashing them every time */
static const struct sc_info *call_info(struct strace *p, const char *name,
				       size_t n)
{
	unsigned k = ((unsigned)n * 7 + (unsigned char)name[0] * 3 +
		      (unsigned char)name[n - 1]) & 63;
	if (p->sc_cache[k].len == n) {
		if (memcmp(p->sc_cache[k].sc->name, name, n) == 0)
			return p->sc_cache[k].sc;
	}
	const struct sc_info *c = sc_lookup(name, n);
	if (c) {
		p->sc_cache[k].sc = c;
		p->sc_cache[k].len = n;
	}
	return c;
}

/* For calls without descriptors only the result matters: the last ')'
 * followed by " = " ends the arguments, since strace's result text never
 * holds one (strings inside the arguments may).  Falls back to the full
 * scan when the tail does not read as a result. */
static int scan_tail(struct strace *p, const char *s, size_t n,
		     struct call *c)
{
	size_t k = n;
	int tries = 0;
	while (k > 0 && tries < 8) {
		const char *q = memrchr(s, ')', k);
		if (!q)
			break;
		k = (size_t)(q - s);
		size_t j = k + 1;
		while (j < n && s[j] == ' ')
			j++;
		if (j + 1 >= n || s[j] != '=' || s[j + 1] != ' ')
			continue;
		tries++;
		const char *why;
		c->nargs = 0;
		c->close = (long)k;
		if (call_result(s, n, c, &why) == 0)
			return 0;
	}
	return scan_full(p, s, n, c, NULL);
}

/* " <unfinished ...>", " <unfinished #N ...>", -ff's
 * " <pid changed to N ...>" or " <detached ...>" at the end: returns the
 * end of the argument text (before the space), or 0 when the line is not
 * an entry.  "<detached ...>" is what strace prints for a call in flight
 * when it stops tracing (Ctrl-C on -p): an entry that never returns. */
static size_t entry_cut(const char *s, size_t n, size_t a0)
{
	if (n < a0 + 5 || s[n - 1] != '>' || memcmp(s + n - 4, "...>", 4))
		return 0;
	const char *lt = memrchr(s + a0, '<', n - a0);
	if (!lt)
		return 0;
	size_t k = (size_t)(lt - s);
	if (n - k >= 11 && (memcmp(lt, "<unfinished", 11) == 0 ||
			    memcmp(lt, "<detached", 9) == 0 ||
			    (n - k >= 16 && memcmp(lt, "<pid changed to ", 16)
			     == 0))) {
		if (k > a0 && s[k - 1] == ' ')
			k--;
		return k;
	}
	return 0;
}

/* An entry line kept until its exit (one per thread in a call) is
 * stored with its quoted strings cut to KEEP_STRING bytes once it is
 * longer than KEEP_LINE: a thousand threads blocked in writes of a -s
 * 16M buffer must not hold 16 GB.  Arguments keep their structure (the
 * closing quote stays), so the exit's scan reads them as before. */
#define KEEP_LINE   (64u * 1024)
#define KEEP_STRING 64u

static void compact_strings(struct strbuf *out, const char *s, size_t n,
			    size_t from)
{
	/* (the leader may hold a quote: a -Y comm is any text) */
	sb_reset(out);
	sb_add(out, s, from);
	size_t i = from;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '"')
			j++;
		sb_add(out, s + i, j < n ? j + 1 - i : j - i);
		if (j >= n)
			break;
		/* inside a string: copy KEEP_STRING bytes (escapes whole),
		 * drop the rest up to the closing quote */
		size_t kept = 0;
		for (i = j + 1; i < n && s[i] != '"'; ) {
			size_t u = s[i] == '\\' && i + 1 < n ? 2 : 1;
			if (kept < KEEP_STRING)
				sb_add(out, s + i, u);
			kept += u;
			i += u;
		}
		if (i < n) {
			sb_putc(out, '"');
			i++;
		}
	}
}

/* After a complete call: "exit_group(...) = ?" ends its task, wait4 and
 * waitid can end a child (stderr captures, see line_tid). */
static void call_ends_tasks(struct strace *p, const struct sc_info *sc,
			    const char *s, size_t n, const struct call *c,
			    int64_t tid)
{
	if (!sc || !p->stderr_mode || p->default_tid >= 0)
		return;
	if (sc->kind == K_EXIT_GROUP && !c->has_ret) {
		task_del(p, tid);
		p->exited_tid = tid;
	}
	else
		note_reaped(p, sc, s, n, c, tid);
}

static int parse_call(struct strace *p, const char *s, size_t n, long ln,
		      const struct leader *ld, struct ht_event *ev)
{
	size_t b = ld->body, i = b;
	const char *name = s + b;
	const struct sc_info *sc = NULL;
	/* the name up to the first '(' is usually one of the table's,
	 * whose letters need no checking one by one */
	const char *lp = memchr(name, '(', n - b < 40 ? n - b : 40);
	if (lp && lp > name)
		sc = call_info(p, name, (size_t)(lp - name));
	if (sc) {
		i = (size_t)(lp - s);
	} else {
		while (i < n && is_name_char(s[i]))
			i++;
		if (i >= n || s[i] != '(') {
			snprintf(p->why, sizeof p->why, "no '(' after the "
				 "syscall name at column %zu", i + 1);
			return -1;
		}
		sc = call_info(p, name, i - b);
	}
	size_t nlen = i - b, a0 = i + 1;
	size_t cut = entry_cut(s, n, a0);
	struct call c;
	if (cut && n > KEEP_LINE) {
		/* (a0 is before any string: it holds in the copy too) */
		const char *orig = s;
		compact_strings(&p->compact, s, n, a0);
		s = p->compact.s;
		n = p->compact.len;
		cut = entry_cut(s, n, a0);
		name = s + (name - orig);
	}
	if (cut) {
		int64_t tid = line_tid(p, ld);
		struct task *t = task_get(p, tid);
		/* a task has one call in flight; an older entry without
		 * its exit was cut off (the entry event reported it) */
		t->pending = 1;
		t->sc = sc;
		t->name_len = nlen < sizeof t->name ? nlen : sizeof t->name;
		memcpy(t->name, name, t->name_len);
		task_keep_line(t, s, n);
		t->args_off = a0;
		t->args_len = cut - a0;
		t->lineno = ln;
		p->n_unfinished++;
		ev_start(p, ev, EV_CALL, PH_ENTRY, tid, s, ld, ln, n);
		set_call(p, ev, sc, name, nlen);
		set_raw(p, ev, s, n);
		call_scan_entry(s + a0, cut - a0, &c, &t->resume);
		memset(&c.has_ret, 0, sizeof c - offsetof(struct call,
							   has_ret));
		call_effects(sc, s + a0, cut - a0, &c, FXM_ENTRY, 0, ev,
			     &p->ar, &p->seen);
		count_basic(p, sc);
		return 1;
	}
	if ((sc && sc->kind == K_NONE ? scan_tail(p, s + a0, n - a0, &c) :
	     scan_full(p, s + a0, n - a0, &c, NULL)) < 0)
		return -1;
	int64_t tid = line_tid(p, ld);
	/* a new call: one the task left unfinished will not resume */
	task_get(p, tid)->pending = 0;
	ev_start(p, ev, EV_CALL, PH_FULL, tid, s, ld, ln, n);
	set_call(p, ev, sc, name, nlen);
	set_raw(p, ev, s, n);
	ev_result(ev, &c);
	set_errname(p, ev, &c);
	if (c.has_dur)
		p->feat |= FT_DUR;
	ev->dur = c.dur;
	call_effects(sc, s + a0, n - a0, &c, FXM_FULL, 0, ev, &p->ar,
		     &p->seen);
	call_ends_tasks(p, sc, s + a0, n - a0, &c, tid);
	if (sc && sc == p->sc_openat && c.nargs > 0) {
		/* AT_FDCWD shows how constants are printed (-X) */
		const char *a = s + a0 + c.arg[0].off;
		size_t al = c.arg[0].len;
		if (al >= 4 && memcmp(a, "-100", 4) == 0)
			p->feat |= al >= 7 && memmem(a, al, "/*", 2) ?
				   FT_XVERBOSE : FT_XRAW;
	}
	count_basic(p, sc);
	count_call(p, ev);
	return 1;
}

/* "<... NAME resumed>" [" #N"] ">" then the exit part */
static int parse_resumed(struct strace *p, const char *s, size_t n, long ln,
			 const struct leader *ld, struct ht_event *ev)
{
	size_t b = ld->body;
	if (n - b < 5 || memcmp(s + b, "<... ", 5) != 0) {
		snprintf(p->why, sizeof p->why, "a '<' that does not start "
			 "\"<... NAME resumed>\"");
		return -1;
	}
	size_t i = b + 5, nb = i;
	while (i < n && is_name_char(s[i]))
		i++;
	size_t nlen = i - nb;
	if (nlen == 0 || n - i < 8 || memcmp(s + i, " resumed", 8) != 0) {
		snprintf(p->why, sizeof p->why, "\"<... \" without "
			 "\"NAME resumed>\"");
		return -1;
	}
	i += 8;
	while (i < n && s[i] != '>')  /* " #N" ids (strace PR #408) */
		i++;
	if (i >= n) {
		snprintf(p->why, sizeof p->why, "\"<... resumed\" without "
			 "its closing '>'");
		return -1;
	}
	i++;
	/* "<... X resumed> <unfinished ...>) = ?": killed during the call */
	if (n - i >= 17 && memcmp(s + i, " <unfinished ...>", 17) == 0)
		i += 17;
	const char *name = s + nb;
	const struct sc_info *sc = call_info(p, name, nlen);
	int64_t tid = -1;
	if (!ld->has_tid && p->stderr_mode && p->default_tid < 0 &&
	    (tid = resumer(p, name, nlen)) >= 0)
		alone(p, tid);
	else
		tid = line_tid(p, ld);
	struct task *t = task_find(p, tid);
	struct call c;
	if (t && t->pending && t->name_len == nlen &&
	    memcmp(t->name, name, nlen) == 0) {
		sb_reset(&p->merged);
		sb_add(&p->merged, t->line + t->args_off, t->args_len);
		sb_add(&p->merged, s + i, n - i);
		const char *m = p->merged.s;
		size_t mn = p->merged.len;
		if ((sc && sc->kind == K_NONE ? scan_tail(p, m, mn, &c) :
		     scan_full(p, m, mn, &c, &t->resume)) < 0)
			return -1;
		t->pending = 0;
		ev_start(p, ev, EV_CALL, PH_EXIT, tid, s, ld, t->lineno,
			 n + t->line_len + mn);
		ev->end_line = ln;
		set_call(p, ev, sc, name, nlen);
		set_raw3(p, ev, t->line, t->line_len, " ... ", 5, s, n);
		ev_result(ev, &c);
		set_errname(p, ev, &c);
		if (c.has_dur)
			p->feat |= FT_DUR;
		ev->dur = c.dur;
		call_effects(sc, m, mn, &c, FXM_EXIT, t->args_len, ev,
			     &p->ar, &p->seen);
		call_ends_tasks(p, sc, m, mn, &c, tid);
		count_call(p, ev);
		return 1;
	}
	if (t)
		t->pending = 0;
	/* No entry: tracing began mid-call, or the entry line is lost.
	 * The result alone can still say enough for some calls. */
	if (scan_full(p, s + i, n - i, &c, NULL) < 0)
		return -1;
	c.nargs = 0;
	int usable = sc && (sc->kind == K_OPEN || sc->kind == K_EXEC ||
			    sc->kind == K_EXIT_GROUP || sc->kind == K_FORK);
	task_get(p, tid);
	ev_start(p, ev, EV_CALL, PH_FULL, tid, s, ld, ln, n);
	set_call(p, ev, sc, name, nlen);
	set_raw(p, ev, s, n);
	ev_result(ev, &c);
	set_errname(p, ev, &c);
	if (usable)
		call_effects(sc, s + i, n - i, &c, FXM_FULL, 0, ev, &p->ar,
			     &p->seen);
	if (!ev->nfx) {
		snprintf(p->why, sizeof p->why, "\"<... %.*s resumed>\" "
			 "without its <unfinished ...> entry (tracing began "
			 "mid-call or lines are missing)", (int)(nlen < 40 ?
			 nlen : 40), name);
		return -1;
	}
	count_call(p, ev);
	return 1;
}

static int parse_signal(struct strace *p, const char *s, size_t n, long ln,
			const struct leader *ld, struct ht_event *ev)
{
	size_t b = ld->body + 4;
	if (n < b + 4 || memcmp(s + n - 4, " ---", 4) != 0) {
		snprintf(p->why, sizeof p->why, "\"--- \" line without its "
			 "closing \" ---\"");
		return -1;
	}
	if (n - b > 11 && memcmp(s + b, "stopped by ", 11) == 0)
		b += 11;
	size_t e = b;
	while (e < n && is_name_char(s[e]))
		e++;
	/* SIGCHLD for a child that ended: not the receiver, and gone */
	if (e - b == 7 && memcmp(s + b, "SIGCHLD", 7) == 0)
		task_ended(p, reaped_pid(s + e, n - e), ld->has_tid ? ld->tid
			   : -1);
	int64_t tid = line_tid(p, ld);
	task_get(p, tid);
	ev_start(p, ev, EV_SIGNAL, PH_FULL, tid, s, ld, ln, n);
	ev->call = arena_put(&p->ar, s + b, e - b);
	set_raw(p, ev, s, n);
	return 1;
}

static int parse_task_line(struct strace *p, const char *s, size_t n,
			   long ln, const struct leader *ld,
			   struct ht_event *ev)
{
	const char *body = s + ld->body;
	size_t bn = n - ld->body;
	if (!re_match(p, task_re, body, bn)) {
		snprintf(p->why, sizeof p->why, "\"+++\" line that is not "
			 "exited/killed/superseded");
		return -1;
	}
	int64_t code = re_group_int(p, body, 1);
	int64_t sup = re_group_int(p, body, 4);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	int killed = ov[4] != PCRE2_UNSET;
	int64_t tid;
	if (sup >= 0 && !ld->has_tid && p->default_tid < 0 && p->stderr_mode
	    && p->ntasks == 2 && task_find(p, sup)) {
		/* on stderr the prefix is gone: the leader is the other one */
		tid = -1;
		for (int k = 0; k < p->npool; k++)
			if (p->pool[k].live && p->pool[k].tid != sup)
				tid = p->pool[k].tid;
	} else {
		tid = line_tid(p, ld);
	}
	ev_start(p, ev, sup >= 0 ? EV_TASK_GONE : EV_TASK_EXIT, PH_FULL, tid,
		 s, ld, ln, n);
	set_raw(p, ev, s, n);
	if (sup >= 0) {
		/* Thread sup's execve takes over this TID: its pending
		 * execve resumes under our id. */
		ev->call = "superseded";
		struct effect *e = &ev->fx[ev->nfx++];
		e->op = EFF_SPAWN;
		e->flags = EF_THREAD | EF_SHARE_FILES;
		e->h = sup;
		e->h2 = -1;
		e->object = NULL;
		e->pid2 = -1;
		struct task *from = task_find(p, sup);
		struct task *to = task_get(p, tid);
		from = task_find(p, sup);  /* task_get may move the pool */
		if (from && from != to && from->pending) {
			struct task tmp = *to;
			to->pending = 1;
			to->sc = from->sc;
			memcpy(to->name, from->name, sizeof to->name);
			to->name_len = from->name_len;
			to->line = from->line;
			to->line_len = from->line_len;
			to->line_cap = from->line_cap;
			to->args_off = from->args_off;
			to->args_len = from->args_len;
			to->lineno = from->lineno;
			to->resume = from->resume;
			from->line = tmp.line;
			from->line_len = tmp.line_len;
			from->line_cap = tmp.line_cap;
		}
		if (sup != tid)
			task_del(p, sup);
		return 1;
	}
	ev->call = killed ? "killed" : "exited";
	ev->killed = killed;
	if (!killed) {
		ev->has_ret = 1;
		ev->ret = code;
	}
	task_del(p, tid);
	return 1;
}

static int is_diag(const char *s, size_t n)
{
	return (n >= 8 && s[0] == 's' && memcmp(s, "strace: ", 8) == 0) ||
	       (n >= 9 && memcmp(s + (s[0] == ' '), "[wait(0x", 8) == 0) ||
	       (n >= 14 && s[0] == '[' &&
		memcmp(s, "[ Process PID=", 14) == 0);
}

/* -1: not understood (p->why says why), 0: nothing to report, 1: event */
static int parse_body(struct strace *p, const char *s, size_t n, long ln,
		      const struct leader *ld, struct ht_event *ev)
{
	size_t b = ld->body;
	if (b >= n) {
		snprintf(p->why, sizeof p->why, "nothing after the line "
			 "leader");
		return -1;
	}
	if (is_diag(s + b, n - b))
		return 0;
	char c0 = s[b];
	if (c0 == '<')
		return parse_resumed(p, s, n, ln, ld, ev);
	if (c0 == '-' && n - b > 4 && memcmp(s + b, "--- ", 4) == 0)
		return parse_signal(p, s, n, ln, ld, ev);
	if (c0 == '+' && n - b > 4 && memcmp(s + b, "+++ ", 4) == 0)
		return parse_task_line(p, s, n, ln, ld, ev);
	if (is_name_char(c0))
		return parse_call(p, s, n, ln, ld, ev);
	snprintf(p->why, sizeof p->why, "not strace output: column %zu "
		 "holds neither a syscall, \"<... resumed>\", \"---\" nor "
		 "\"+++\"", b + 1);
	return -1;
}

/* A strace message at the end of a line that it cut in two (stderr
 * captures): the offset where "strace: " starts, or 0. */
static size_t splice_at(struct strace *p, const char *s, size_t n)
{
	const char *q = s, *hit = NULL;
	while ((q = memmem(q, n - (size_t)(q - s), "strace: ", 8))) {
		hit = q;
		q += 8;
	}
	if (hit && hit != s) {
		size_t off = (size_t)(hit - s);
		return re_match(p, splice_re, hit, n - off) ? off : 0;
	}
	/* strace -d's wait report */
	q = memmem(s, n, " [wait(0x", 9);
	if (q) {
		size_t off = (size_t)(q - s);
		return off && re_match(p, splice_dbg_re, q, n - off) ? off : 0;
	}
	/* the old form: the last "Process " of the line */
	for (q = s, hit = NULL;
	     (q = memmem(q, n - (size_t)(q - s), "Process ", 8)); q += 8)
		hit = q;
	if (!hit || hit == s)
		return 0;
	size_t off = (size_t)(hit - s);
	return re_match(p, splice_old_re, hit, n - off) ? off : 0;
}

/* Removes SGR colour sequences (--color=always): ESC [ params m. */
static const char *strip_sgr(struct strbuf *clean, const char *s,
			     size_t *n)
{
	sb_reset(clean);
	size_t i = 0;
	while (i < *n) {
		const char *e = memchr(s + i, '\033', *n - i);
		size_t k = e ? (size_t)(e - s) : *n;
		sb_add(clean, s + i, k - i);
		if (!e)
			break;
		i = k + 1;
		if (i < *n && s[i] == '[') {
			i++;
			while (i < *n && ((s[i] >= '0' && s[i] <= '9') ||
					  s[i] == ';'))
				i++;
			if (i < *n)
				i++;   /* the final letter */
		}
	}
	*n = clean->len;
	return clean->s ? clean->s : "";
}

/* strace -c prints only a table of counts per syscall, -C that table
 * after the trace:
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ----------------
 *    59.63 1271.830170        1981    641698        19 poll
 *   100.00 2132.859811                9585917    108153 total
 * (and "System call usage summary for 32 bit mode:" before a second one).
 * These lines are strace's own, not calls: they are read as the table
 * they are, never as -r stamps.  2: header, 1: separator or row, 0: no. */
static int summary_shape(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if ((n - i >= 6 && memcmp(s + i, "% time", 6) == 0) ||
	    (memmem(s, n, "seconds", 7) && memmem(s, n, "usecs/call", 10)) ||
	    (n - i >= 25 && memcmp(s + i, "System call usage summary", 25)
	     == 0))
		return 2;
	if (i >= n)
		return 0;
	if (s[i] == '-') {
		while (i < n && (s[i] == '-' || s[i] == ' '))
			i++;
		return i == n;
	}
	/* numbers, then the syscall name (or "total") */
	size_t e = n;
	while (e > i && is_name_char(s[e - 1]))
		e--;
	if (e == n || e == i || s[e - 1] != ' ' || !is_digit(s[i]))
		return 0;
	for (size_t k = i; k < e; k++)
		if (!is_digit(s[k]) && s[k] != '.' && s[k] != ' ')
			return 0;
	return 1;
}

static void skip_line(struct strace *p, long ln)
{
	input_stats_skip(p->st, ln, "%s", p->why);
}

/* ---- a call line split by the program's own output ---------------------
 * When the traced program writes to the terminal or file strace writes
 * to, its text lands inside the call line strace is printing:
 *   write(2</x.log>, "dot - graphviz versi"..., 46dot - graphviz version 2.38.0
 *   ) = 46 <0.000015>
 * strace printed the entry part, the program wrote RET bytes during the
 * call, strace printed ")" and the result.  So the RET bytes just before
 * the ')' are the program's: without them the line is the call.  A line
 * whose arguments do not close is held with the lines after it (up to
 * OCALL_LINES) until such a ")" ends them; a line that reads as strace's
 * own ends the wait and the held lines are skipped as before.  The
 * program's text is counted as skipped, one per line it fills. */
#define OCALL_LINES 64
#define OCALL_BYTES (256u * 1024)

static int parse_body(struct strace *p, const char *s, size_t n, long ln,
		      const struct leader *ld, struct ht_event *ev);
static void note_leader(struct strace *p, const struct leader *ld);
static int line_shape(const char *s, size_t n, int cut);

/* The held lines read as one call once RET bytes are taken out: 1 event
 * in *ev, 0 recovered without event, -1 not (yet) a call. */
static int ocall_try(struct strace *p, struct ht_event *ev)
{
	const char *b = p->ocall.s;
	size_t n = p->ocall.len;
	const char *nl = memchr(b, '\n', n);
	size_t first = nl ? (size_t)(nl - b) : n;
	int tries = 0;
	for (size_t k = n; k > 0 && tries < 8; k--) {
		if (b[k - 1] != ')')
			continue;
		size_t close = k - 1;
		struct call t;
		memset(&t, 0, sizeof t);
		t.close = (long)close;
		const char *why;
		if (call_result(b, n, &t, &why) != 0)
			continue;
		tries++;
		if (!t.has_ret || t.failed || t.ret <= 0 ||
		    (uint64_t)t.ret >= close)
			continue;
		size_t cut = close - (size_t)t.ret;
		if (cut > first)
			continue;
		sb_reset(&p->ofix);
		sb_add(&p->ofix, b, cut);
		sb_add(&p->ofix, b + close, n - close);
		struct leader ld;
		parse_leader(p->ofix.s, p->ofix.len, &ld, NULL);
		if (ld.body >= cut || !is_name_char(p->ofix.s[ld.body]))
			continue;
		p->cur_ts = p->ocall_ts;
		int r = parse_body(p, p->ofix.s, p->ofix.len, p->ocall_line,
				   &ld, ev);
		if (r < 0)
			continue;
		note_leader(p, &ld);
		/* the program's text: one skipped line per line it fills */
		long lines = 0;
		for (size_t i = cut; i < close; i++)
			if (b[i] == '\n')
				lines++;
		if (b[close - 1] != '\n')
			lines++;
		for (long i = 0; i < lines; i++)
			input_stats_skip(p->st, p->ocall_line + i, "the traced "
					 "program's own output (%lld bytes) "
					 "inside the call line %ld, which is "
					 "read without it", (long long)t.ret,
					 p->ocall_line);
		p->ocall_lines = 0;
		return r;
	}
	return -1;
}

/* The held lines are no call after all: skipped, as they always were,
 * each with the reason it has on its own (lines after the first are not
 * strace's: a syscall name without '(', or no syscall at all). */
static void ocall_drop(struct strace *p)
{
	if (!p->ocall_lines)
		return;
	input_stats_skip(p->st, p->ocall_line, "%s", p->ocall_why);
	const char *b = p->ocall.s, *end = b + p->ocall.len;
	const char *l = memchr(b, '\n', p->ocall.len);
	for (int i = 1; i < p->ocall_lines && l; i++) {
		const char *s = l + 1;
		l = memchr(s, '\n', (size_t)(end - s));
		size_t n = l ? (size_t)(l - s) : (size_t)(end - s);
		struct leader ld;
		parse_leader(s, n, &ld, NULL);
		size_t k = ld.body;
		while (k < n && is_name_char(s[k]))
			k++;
		if (k > ld.body)
			input_stats_skip(p->st, p->ocall_line + i, "no '(' "
					 "after the syscall name at column %zu",
					 k + 1);
		else
			input_stats_skip(p->st, p->ocall_line + i, "not strace "
					 "output: column %zu holds neither a "
					 "syscall, \"<... resumed>\", \"---\" nor "
					 "\"+++\"", ld.body + 1);
	}
	p->ocall_lines = 0;
}

/* A call line that did not parse: hold it.  1/0 as handle_line. */
static int ocall_start(struct strace *p, const char *s, size_t n, long ln,
		       struct ht_event *ev)
{
	sb_reset(&p->ocall);
	sb_add(&p->ocall, s, n);
	p->ocall_line = ln;
	p->ocall_lines = 1;
	p->ocall_ts = p->cur_ts;
	snprintf(p->ocall_why, sizeof p->ocall_why, "%s", p->why);
	int r = ocall_try(p, ev);   /* the text may hold no newline */
	return r > 0;
}

/* The next line while one is held: 1 event, 0 consumed, -1 the line is
 * strace's own (the held call was dropped; read the line as usual). */
static int ocall_more(struct strace *p, const char *s, size_t n,
		      struct ht_event *ev)
{
	size_t keep = p->ocall.len;
	sb_putc(&p->ocall, '\n');
	sb_add(&p->ocall, s, n);
	p->ocall_lines++;
	int r = ocall_try(p, ev);
	if (r >= 0)
		return r;
	if (line_shape(s, n, 0) > 0) {
		p->ocall.len = keep;
		p->ocall_lines--;
		ocall_drop(p);
		return -1;
	}
	if (p->ocall_lines >= OCALL_LINES || p->ocall.len > OCALL_BYTES)
		ocall_drop(p);
	return 0;
}

/* 1: *ev filled, 0: line consumed without an event */
static int handle_line(struct strace *p, const char *s, size_t n, long ln,
		       int esc, struct ht_event *ev)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (esc)   /* an ESC byte: colour codes */
		s = strip_sgr(&p->clean, s, &n);
	if (p->ocall_lines) {
		int r = ocall_more(p, s, n, ev);
		if (r >= 0)
			return r;
	}
	int joined = 0;
	if (p->joining) {
		if (is_diag(s, n))
			return 0;   /* another message inside the cut line */
		sb_add(&p->join, s, n);
		s = p->join.s;
		n = p->join.len;
		ln = p->join_line;
		p->joining = 0;
		joined = 1;
	}
	if (n == 0)
		return 0;
	if (n >= 3 && s[0] == ' ' && (s[1] == '>' || s[1] == '|') &&
	    s[2] == ' ')
		return 0;   /* a stack or dump line with no call before it */
	if (ln == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;   /* a UTF-8 byte-order mark an editor added */
		n -= 3;
	}
	int sum = summary_shape(s, n);
	if (sum == 2)
		p->feat |= FT_SUMMARY;
	if (sum == 2 || (sum == 1 && (p->feat & FT_SUMMARY)))
		return 0;   /* the -c/-C table: strace's, not a call */
	struct leader ld;
	parse_leader(s, n, &ld, &p->memo);
	if (ld.bad_time) {
		snprintf(p->why, sizeof p->why, "impossible time of day "
			 "'%.*s'", (int)(ld.ts_len < 40 ? ld.ts_len : 40),
			 s + ld.ts_off);
		skip_line(p, ln);
		return 0;
	}
	/* every line's stamp counts (-r sums deltas), parsed or not */
	p->cur_ts = joined ? p->join_ts : stamp_ns(p, &ld, ln);
	int r = parse_body(p, s, n, ln, &ld, ev);
	if (r >= 0) {
		note_leader(p, &ld);
		return r;
	}
	size_t cut = splice_at(p, s, n);
	if (cut && p->njoins < MAX_JOINS) {
		if (!joined) {
			sb_reset(&p->join);
			sb_add(&p->join, s, cut);
			p->join_line = ln;
			p->join_ts = p->cur_ts;
			p->njoins = 0;
		} else {
			p->join.len = cut;
		}
		p->njoins++;
		p->joining = 1;
		return 0;
	}
	if (joined)
		snprintf(p->why + strlen(p->why), sizeof p->why -
			 strlen(p->why), " (line rejoined after a strace "
			 "message)");
	else if (ld.body < n && is_name_char(s[ld.body]) &&
		 memchr(s + ld.body, '(', n - ld.body))
		return ocall_start(p, s, n, ln, ev);
	skip_line(p, ln);
	return 0;
}

/* After a complete call: the -k stack lines and -e write= dump lines
 * that follow belong to it.  The first other line is held back. */
static void collect_stack(struct strace *p, struct ht_event *ev)
{
	if (p->stack.len)
		sb_reset(&p->stack);
	for (;;) {
		const char *s;
		size_t n;
		struct ht_error e;
		int esc;
		int r = instream_getline_esc(p->in, &s, &n, &esc, &e);
		if (r < 0) {
			p->err_pending = 1;
			p->err_saved = e;
			break;
		}
		if (r == 0)
			break;
		p->st->lines = instream_lineno(p->in);
		if (n >= 3 && s[0] == ' ' && s[2] == ' ' &&
		    (s[1] == '>' || s[1] == '|')) {
			if (s[1] == '|') {
				p->feat |= FT_DUMP;
				continue;
			}
			p->feat |= FT_K;
			size_t m = n;
			if (m && s[m - 1] == '\r')
				m--;
			if (p->stack.len)
				sb_putc(&p->stack, '\n');
			sb_add(&p->stack, s + 3, m - 3);
			continue;
		}
		p->held = s;
		p->held_n = n;
		p->held_line = instream_lineno(p->in);
		p->held_esc = esc;
		p->have_held = 1;
		break;
	}
	if (p->stack.len)
		ev->stack = p->stack.s;
}

/* ---- flags and limits ----------------------------------------------- */

static void add_flag(char *buf, size_t cap, const char *f)
{
	size_t l = strlen(buf);
	snprintf(buf + l, cap - l, "%s%s", l ? " " : "", f);
}

static void finish(struct strace *p)
{
	if (p->finished)
		return;
	p->finished = 1;
	struct input_stats *st = p->st;
	unsigned f = p->feat;
	char *fl = st->flags;
	size_t cap = sizeof st->flags;
	fl[0] = '\0';
	if (f & FT_FF)
		add_flag(fl, cap, "-ff");
	else if (f & FT_STDERR)
		add_flag(fl, cap, "-f (stderr)");
	else if (f & FT_PID)
		add_flag(fl, cap, "-f");
	if (f & FT_TR)
		add_flag(fl, cap, "-t -r");
	else if (f & FT_R)
		add_flag(fl, cap, f & FT_NS ? "--relative-timestamps=ns" :
			 "-r");
	else if (f & (FT_NS | FT_MS))
		add_flag(fl, cap, f & FT_TTT ? (f & FT_NS ?
			 "--timestamps=unix,precision:ns" :
			 "--timestamps=unix,precision:ms") :
			 (f & FT_NS ? "--timestamps=precision:ns" :
			  "--timestamps=precision:ms"));
	else if (f & FT_TTT)
		add_flag(fl, cap, "-ttt");
	else if (f & FT_TT)
		add_flag(fl, cap, "-tt");
	else if (f & FT_T)
		add_flag(fl, cap, "-t");
	if (f & FT_DUR)
		add_flag(fl, cap, "-T");
	if (f & FT_SUMMARY)
		add_flag(fl, cap, p->n_calls ? "-C" : "-c");
	if (p->seen & 2)
		add_flag(fl, cap, "-yy");
	else if (p->seen & 1)
		add_flag(fl, cap, "-y");
	if (f & FT_N)
		add_flag(fl, cap, "-n");
	if (f & FT_I)
		add_flag(fl, cap, "-i");
	if (f & FT_COMM)
		add_flag(fl, cap, "-Y");
	if (f & FT_K)
		add_flag(fl, cap, "-k");
	if (f & FT_DUMP)
		add_flag(fl, cap, "-e write=");
	if (f & FT_XVERBOSE)
		add_flag(fl, cap, "-X verbose");
	else if (f & FT_XRAW)
		add_flag(fl, cap, "-X raw");
	st->per_thread = p->default_tid >= 0;
	st->calls = p->n_calls;
	st->creates = p->n_creates;
	st->closes = p->n_closes;
	st->basic = p->n_basic;
	/* a -ff file is one thread: the capture is judged as a whole
	 * (capture_limits) */
	int subset = !st->per_thread && p->n_calls >= 20 && p->n_basic == 0;
	if (subset)
		add_flag(fl, cap, "-e trace=");

	if (!(p->seen & 1) && p->n_fd_effects > 0)
		input_stats_limit(st, "no -y: the objects behind fd numbers "
				  "are not shown; reuse by another object "
				  "is inferred from the order of calls only");
	if ((f & FT_SUMMARY) && !p->n_calls && !p->n_unfinished)
		input_stats_limit(st, "strace -c summary table only: counts "
				  "per syscall, no calls; there is nothing "
				  "to rebuild handle timelines from "
				  "(capture without -c, or with -C)");
	else if (f & FT_SUMMARY)
		input_stats_limit(st, "-C: the summary table after the trace "
				  "is counts, not calls; it is not part of "
				  "the timeline");
	st->clock = f & FT_TTT ? TSC_EPOCH : f & (FT_T | FT_TT | FT_TR)
		    ? TSC_DAY : f & FT_R ? TSC_RELATIVE : TSC_NONE;
	if (!(f & (FT_T | FT_TT | FT_TTT | FT_TR | FT_R)) && p->n_calls)
		input_stats_limit(st, "no timestamps: events are ordered by "
				  "line only");
	else if ((f & FT_R) && !(f & (FT_T | FT_TT | FT_TTT | FT_TR)))
		input_stats_limit(st, "-r: relative timestamps only, no "
				  "wall-clock time");
	if (p->wrap_line) {
		char msg[160];
		snprintf(msg, sizeof msg, "time of day wraps past midnight "
			 "at line %ld: later times are taken as the next day",
			 p->wrap_line);
		input_stats_limit(st, msg);
	}
	if (f & FT_STDERR)
		input_stats_limit(st, "stderr capture: lines without a "
				  "[pid N] prefix are given to the one task "
				  "alive; program output may be mixed in");
	if (subset)
		input_stats_limit(st, "-e trace= subset: calls outside the "
				  "traced set (closes, dups, clone, execve) "
				  "are invisible");
	if (!st->per_thread)
		input_stats_whole(st, p->n_calls, p->n_creates, p->n_closes,
				  p->n_basic, 0);
	if (p->n_spawns == 0 && p->npool > 1 && p->n_calls >= 10)
		input_stats_limit(st, "several tasks but no clone/fork in "
				  "the trace: which tasks share an fd table "
				  "is unknown");
	if (p->n_switches >= 10 && p->n_unfinished == 0)
		input_stats_limit(st, "threads interleave but no call is "
				  "<unfinished ...>: lines are in entry or "
				  "completion order, not as strace saw them "
				  "(strace-log-merge, -z or -Z?)");
	if (p->n_calls >= 10 && p->n_failed == p->n_calls)
		input_stats_limit(st, "only failed calls are present (-Z?): "
				  "successful opens and closes are invisible");
}

/* ---- sniffing and the first task ------------------------------------- */

/* 1: a strace line, 0: neutral (blank, message, stack), -1: not strace.
 * cut: the line goes on beyond the bytes we have. */
static int line_shape(const char *s, size_t n, int cut)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (n == 0 || is_diag(s, n) || (n >= 3 && s[0] == ' ' &&
					 (s[1] == '>' || s[1] == '|')))
		return 0;
	int sum = summary_shape(s, n);
	if (sum)
		return sum == 2 ? 1 : 0;   /* a -c table: strace's own */
	if (memchr(s, '\0', n))
		return -1;
	struct leader ld;
	parse_leader(s, n, &ld, NULL);
	const char *b = s + ld.body;
	size_t bn = n - ld.body;
	if (bn >= 5 && memcmp(b, "<... ", 5) == 0)
		return memmem(b, bn, " resumed>", 9) ? 1 : -1;
	if (bn >= 8 && (memcmp(b, "--- ", 4) == 0 ||
			memcmp(b, "+++ ", 4) == 0))
		return 1;
	size_t i = 0;
	while (i < bn && is_name_char(b[i]))
		i++;
	if (i == 0 || i >= bn || b[i] != '(')
		return -1;
	if (cut && (ld.has_tid || ld.stamp))
		return 1;   /* a huge call line: its start is all we see */
	if (memmem(b, bn, ") = ", 4) || memmem(b, bn, "<unfinished", 11) ||
	    memmem(b, bn, " <detached ...>", 15) ||
	    memmem(b, bn, "strace: ", 8) || memmem(b, bn, ")  ", 3))
		return 1;
	return -1;
}

int strace_sniff(const char *buf, size_t n)
{
	int good = 0, bad = 0, lines = 0;
	size_t i = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	struct strbuf clean;  /* --color=always captures are strace too */
	sb_init(&clean);
	while (i < n && lines < 40) {
		const char *nl = memchr(buf + i, '\n', n - i);
		int cut = !nl && n >= 65536;
		if (cut && i > 0)
			break;  /* a cut-off last line says little */
		size_t e = nl ? (size_t)(nl - buf) : n, ln = e - i;
		const char *l = buf + i;
		if (memchr(l, '\033', ln))
			l = strip_sgr(&clean, l, &ln);
		int r = line_shape(l, ln, cut);
		if (r > 0)
			good++;
		else if (r < 0)
			bad++;
		lines++;
		i = e + 1;
	}
	sb_free(&clean);
	/* stderr captures can hold the program's own output */
	return good > 0 && good >= bad;
}

/* Lines without a prefix before the first "[pid N]" belong to the traced
 * process; its TID shows in set_tid_address()/gettid() results, or as
 * the parent in the first prefixed lines. */
static int64_t guess_first_tid(struct strace *p)
{
	const char *buf;
	size_t n = instream_peek(p->in, &buf, GUESS_WINDOW);
	/* the children of unprefixed clones print with a prefix too: the
	 * parent is a prefixed TID that is none of them */
	int64_t child[32], pid_seen = -1;
	int nchild = 0;
	/* an unprefixed "X( <unfinished ...>" resumed under [pid N]: N */
	char pend[48];
	size_t pend_len = 0;
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i);
		if (!nl)
			break;
		const char *s = buf + i;
		size_t len = (size_t)(nl - s);
		i += len + 1;
		struct leader ld;
		parse_leader(s, len, &ld, NULL);
		if (ld.has_tid) {
			if (!ld.bracket)
				return -1;   /* -f -o: every line has one */
			const char *r = s + ld.body;
			size_t rn = len - ld.body;
			if (pend_len && rn > 5 + pend_len + 8 &&
			    memcmp(r, "<... ", 5) == 0 &&
			    memcmp(r + 5, pend, pend_len) == 0 &&
			    memcmp(r + 5 + pend_len, " resumed", 8) == 0)
				return ld.tid;
			int known = 0;
			for (int c = 0; c < nchild; c++)
				known |= child[c] == ld.tid;
			if (nchild && !known)
				return ld.tid;
			continue;
		}
		const char *b = s + ld.body;
		size_t bn = len - ld.body;
		size_t nn = 0;
		while (nn < bn && nn < sizeof pend && is_name_char(b[nn]))
			nn++;
		if (nn && nn < sizeof pend && nn < bn && b[nn] == '(' &&
		    entry_cut(b, bn, nn + 1)) {
			memcpy(pend, b, nn);
			pend_len = nn;
		}
		static const struct { const char *name; int kind; } k[] = {
			{ "set_tid_address(", 1 }, { "gettid(", 1 },
			{ "getpid(", 2 }, { "clone(", 3 }, { "clone3(", 3 },
			{ "fork(", 3 }, { "vfork(", 3 },
		};
		for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
			size_t kl = strlen(k[j].name);
			if (bn < kl || memcmp(b, k[j].name, kl) != 0)
				continue;
			struct call c;
			if (call_scan(b + kl, bn - kl, &c) || c.close < 0)
				break;
			const char *why;
			if (call_result(b + kl, bn - kl, &c, &why) ||
			    !c.has_ret || c.failed || c.ret <= 0)
				break;
			if (k[j].kind == 1)
				return c.ret;
			if (k[j].kind == 2 && pid_seen < 0)
				pid_seen = c.ret;
			if (k[j].kind == 3 && nchild < 32)
				child[nchild++] = c.ret;
			break;
		}
	}
	return pid_seen;
}

/* ---- the backend interface --------------------------------------------- */

void *strace_open(struct instream *in, const struct parser_options *o,
		  struct input_stats *st, struct ht_error *err)
{
	pthread_once(&re_once, re_init);
	struct strace *p = xcalloc(1, sizeof *p);
	p->in = in;
	p->st = st;
	p->path = instream_path(in);
	p->default_tid = o ? o->default_tid : -1;
	p->md = pcre2_match_data_create(8, NULL);
	p->last_prefixed = -1;
	sb_init(&p->join);
	sb_init(&p->ocall);
	sb_init(&p->ofix);
	sb_init(&p->clean);
	sb_init(&p->merged);
	sb_init(&p->compact);
	sb_init(&p->stack);
	index_grow(p);
	p->sc_openat = sc_lookup("openat", 6);
	p->sc_wait4 = sc_lookup("wait4", 5);
	p->sc_waitid = sc_lookup("waitid", 6);
	p->only_tid = p->exited_tid = -1;
	p->sc_execve = sc_lookup("execve", 6);
	if (st->events == 0 && st->ts_first == 0 && st->ts_last == 0)
		st->ts_first = st->ts_last = TS_NONE;
	p->guess_tid = p->default_tid >= 0 ? p->default_tid :
		       guess_first_tid(p);
	(void)err;
	return p;
}

int strace_next(void *vp, struct ht_event *ev, struct ht_error *err)
{
	struct strace *p = vp;
	if (p->err_pending) {
		p->err_pending = 0;
		p->failed = 1;
	}
	if (p->failed) {
		*err = p->err_saved;
		finish(p);
		return -1;
	}
	for (;;) {
		const char *s;
		size_t n;
		long ln;
		int esc;
		if (p->have_held) {
			s = p->held;
			n = p->held_n;
			ln = p->held_line;
			esc = p->held_esc;
			p->have_held = 0;
		} else {
			int r = instream_getline_esc(p->in, &s, &n, &esc, err);
			if (r < 0) {
				p->failed = 1;
				p->err_saved = *err;
				finish(p);
				return -1;
			}
			if (r == 0) {
				ocall_drop(p);
				if (p->joining) {
					p->joining = 0;
					snprintf(p->why, sizeof p->why,
						 "line cut by a strace message"
						 " and never continued");
					skip_line(p, p->join_line);
				}
				finish(p);
				return 0;
			}
			ln = instream_lineno(p->in);
			p->st->lines = ln;
		}
		if (!handle_line(p, s, n, ln, esc, ev))
			continue;
		if (ev->type == EV_CALL && ev->phase != PH_ENTRY)
			collect_stack(p, ev);
		struct input_stats *st = p->st;
		st->events++;
		if (ev->ts != TS_NONE) {
			if (st->ts_first == TS_NONE || ev->ts < st->ts_first)
				st->ts_first = ev->ts;
			if (st->ts_last == TS_NONE || ev->ts > st->ts_last)
				st->ts_last = ev->ts;
		}
		return 1;
	}
}

void strace_close(void *vp)
{
	struct strace *p = vp;
	if (!p)
		return;
	finish(p);
	instream_close(p->in);
	for (int i = 0; i < p->npool; i++)
		free(p->pool[i].line);
	free(p->pool);
	free(p->free_slots);
	free(p->index);
	free(p->ar.p);
	sb_free(&p->join);
	sb_free(&p->ocall);
	sb_free(&p->ofix);
	sb_free(&p->clean);
	sb_free(&p->merged);
	sb_free(&p->compact);
	sb_free(&p->stack);
	pcre2_match_data_free(p->md);
	free(p);
}
