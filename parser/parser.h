/* parser/parser.h - the face of parser/: every input format (strace text,
 * perf / trace-cmd text, ETW XML exports, binary .etl files) becomes one
 * stream of normalized struct ht_event. */
#ifndef HANDLETRAIL_PARSER_H
#define HANDLETRAIL_PARSER_H

#include <stdint.h>
#include "../util/util.h"

enum ht_format {
#define FORMAT(id, name, unit, framed, traits) id,
#include "formats.def"
#undef FORMAT
};
const char *format_name(enum ht_format f);         /* "strace", ... */
const char *format_unit(enum ht_format f);         /* "lines", ... */
int format_framed(enum ht_format f);   /* formats.def's framed */
int format_parse(const char *s, enum ht_format *f); /* -1 if unknown */

#define TS_NONE INT64_MIN

/* Where an event comes from.  line is 1-based and names the line where
 * the call STARTS (the <unfinished ...> line of a split call); event is
 * the 1-based index of the <Event> element for XML inputs, else 0.  For a
 * binary .etl both are the event's 1-based position in time order. */
struct source_loc {
	const char *file;  /* path as given on the command line */
	long line;
	long event;
	long long offset;  /* binary (.etl) inputs: the byte offset of the
			      event's record in the file (of its buffer when
			      the buffer is compressed); 0 for text inputs */
};

enum ev_type {
	EV_CALL,        /* a syscall, or an ETW event acting on handles */
	EV_SIGNAL,      /* --- SIGxxx ... --- */
	EV_TASK_EXIT,   /* +++ exited with N +++ / +++ killed by SIG +++ :
			   this task (thread) is gone */
	EV_TASK_GONE,   /* +++ superseded by execve in pid N +++ (fx h=N) */
	EV_TASK_INFO,   /* ETW process/thread start, rundown, name: fills
			   pid/tid/thread_name, may carry EFF_SPAWN */
};

/* Split calls: an <unfinished ...> line yields PH_ENTRY (effects known at
 * entry: the handle arguments), its <... resumed> line yields PH_EXIT with
 * the whole call (entry + exit text merged, src.line = entry line,
 * end_line = resumed line).  A one-line call is PH_FULL. */
enum ev_phase { PH_FULL, PH_ENTRY, PH_EXIT };

/* What an event does to the handle table.  Computed by the parser from
 * its data table (syscalls.def, etw_events.def); the timeline and the
 * detectors only ever look at these, never at call names. */
enum eff_op {
	EFF_CREATE,        /* h now names a new object                       */
	EFF_CLOSE,         /* h is closed                                    */
	EFF_USE,           /* an operation on h                              */
	EFF_DUP,           /* h2 := duplicate of h; h2 closed first if open
			      (dup2/dup3/DuplicateHandle); h2 < 0: unknown  */
	EFF_CLOSE_RANGE,   /* close every open handle in [h, h2]            */
	EFF_CLOEXEC_RANGE, /* set close-on-exec on [h, h2]                   */
	EFF_SET_CLOEXEC,   /* close-on-exec of h := (flags & EF_CLOEXEC)     */
	EFF_SPAWN,         /* new task h (a TID, or an ETW pid/tid pair with
			      h2 = new pid); EF_SHARE_FILES, EF_THREAD.
			      h = -1 on a PH_ENTRY: a spawn in flight whose
			      child is not known yet (its lines may come
			      before the spawn returns)                      */
	EFF_EXEC,          /* successful execve: unshare, close CLOEXEC ones;
			      object: the program's name (file basename)
			      when the trace shows it                        */
	EFF_UNSHARE_FILES, /* this task gets a private copy of its table     */
	EFF_EXIT_GROUP,    /* the whole process (all its tasks) ends         */
	EFF_OUTSIDE,       /* h was open before the trace (ETW rundown)      */
	EFF_NAME,          /* task h2 (-1: this one) is now called object
			      (prctl PR_SET_NAME, a write to its comm
			      file); h = -1                                  */
};

enum eff_flags {
	EF_CLOEXEC     = 1u << 0, /* created close-on-exec                   */
	EF_SOCKET_ONLY = 1u << 1, /* the use only works on a socket          */
	EF_SHARE_FILES = 1u << 2, /* spawn: CLONE_FILES (table shared)       */
	EF_THREAD      = 1u << 3, /* spawn: CLONE_THREAD (same process)      */
	EF_PROBE       = 1u << 4, /* harmless probe (F_GETFD): EBADF benign  */
	EF_AT_ENTRY    = 1u << 5, /* effect already applied by the PH_ENTRY
				     event of this split call                */
	EF_IF_OK       = 1u << 6, /* only if the call succeeded              */
	EF_BLOCKING    = 1u << 7, /* the call may block (read, accept, ...)  */
};

struct effect {
	enum eff_op op;
	unsigned flags;
	int64_t h, h2;
	const char *object;  /* -y/-yy decoration or ETW object text, or NULL:
				for CREATE/DUP the new object, for CLOSE/USE
				what the number named at that moment        */
	int64_t pid2;        /* DUP across processes: target process, else -1 */
};

/* How a failure relates to handles; parsers map errno names / Windows
 * codes here from their tables. */
enum err_class {
	ERRC_NONE = 0,  /* success, or no result                             */
	ERRC_BADF,      /* EBADF, WSAEBADF, ERROR_INVALID_HANDLE             */
	ERRC_NOTSOCK,   /* ENOTSOCK, WSAENOTSOCK (10038)                     */
	ERRC_OTHER,     /* any other failure                                 */
	ERRC_RESTART,   /* ERESTART*: interrupted, will be re-issued         */
};

/* What a source format can and cannot tell, as data: the parser puts it
 * on every event, so that nothing below parser/ asks which format an
 * event came from. */
struct source_traits {
	const char *noun;          /* "fd" or "handle" */
	int handle_hex;            /* numbers are shown in hex (Windows) */
	int objects_each_use;      /* an effect's object is what the number
				      named at that very call (strace -y):
				      lines out of kernel order and objects
				      changed unseen can be told */
	int notsock_means_open;    /* ENOTSOCK proves the number is open */
	int stdio_fds;             /* numbers 0-2 are the program's stdio */
	int reports_twice;         /* one create or close may come from two
				      providers, one after the other */
	int win_results;           /* results are Windows codes
				      ("10038 WSAENOTSOCK") */
	int pid_tables;            /* an event that carries its process id
				      belongs to that process's handle table
				      (ETW); else tasks and tables follow
				      clone/fork flags (strace, perf) */
	int names_inherited;       /* a new task starts with its creator's
				      name (Linux comm); Windows threads
				      start unnamed */
	int takes_rules;           /* --rules maps its application events
				      (ETW) */
};
extern const struct source_traits traits_strace, traits_etw;
/* what a format can tell (readers of saved reports need it too) */
const struct source_traits *format_traits(enum ht_format f);

#define HT_MAX_FX 16

struct ht_event {
	enum ev_type type;
	enum ev_phase phase;
	const char *call;       /* "close", "CloseHandle", "Object/CreateHandle" */
	int64_t pid;            /* process id when the format carries it, or -1 */
	int64_t tid;            /* thread id (strace: the prefix, or file suffix) */
	int cpu;                /* -1 when unknown */
	int64_t ts;             /* nanoseconds (epoch, or since midnight for -t/-tt,
				   or since trace start for -r); TS_NONE if none */
	const char *time_text;  /* the timestamp as printed in the trace, or "";
				   read it with ev_time(): it may be NULL */
	/* a reader whose time text is ts written one fixed way (.etl) may
	 * leave time_text NULL and set this: most events' time is never
	 * shown as text, so it is written only when asked */
	size_t (*time_fmt)(int64_t ts, char *buf, size_t n);
	int64_t dur;            /* strace -T: how long the call took, ns; 0 if
				   not known */
	int has_ret;            /* the call returned (not "= ?", not unfinished) */
	int64_t ret;
	int failed;
	long err;               /* errno value or Windows error code, 0 if none */
	const char *errname;    /* "ENOTSOCK", "WSAENOTSOCK", or NULL */
	enum err_class errc;
	struct source_loc src;
	long end_line;          /* PH_EXIT: line of the resumed part, else 0 */
	const char *raw;        /* the trace text of the call (entry line, and
				   for PH_EXIT " ... " + resumed line); no newline.
				   Read it with ev_raw(): it may be NULL */
	/* a reader for which the raw text costs work makes it only when
	 * asked: raw_fn(raw_ctx) returns it, valid as long as the event */
	const char *(*raw_fn)(void *ctx);
	void *raw_ctx;
	/* and for a copy kept past the event (a story's evidence, mostly
	 * never shown), raw_pack(raw_ctx, to) may write a recipe instead of
	 * the text: what raw_show(recipe, n, out) later appends the text
	 * from.  It returns 0 when it wrote nothing (keep the text) */
	int (*raw_pack)(void *ctx, struct strbuf *to);
	void (*raw_show)(const char *recipe, size_t n, struct strbuf *out);
	const char *thread_name;/* -Y comm, ETW ThreadName, or NULL */
	const char *program;    /* the program the event's process runs
				   (ETW ImageFileName), or NULL; strace
				   tells it by EFF_EXEC instead */
	const char *stack;      /* -k lines joined with '\n', or NULL */
	int killed;             /* EV_TASK_EXIT: ended by a signal */
	int nfx;
	int fx_overflow;        /* effects dropped because nfx hit HT_MAX_FX */
	struct effect fx[HT_MAX_FX];
	const struct source_traits *traits; /* set by parser_next; NULL
					       reads as traits_strace */
};

/* the event's raw trace text, made now if its reader defers it */
static inline const char *ev_raw(const struct ht_event *ev)
{
	if (ev->raw)
		return ev->raw;
	return ev->raw_fn ? ev->raw_fn(ev->raw_ctx) : "";
}
/* the event's time text: time_text, or written into buf (at least 40
 * bytes) now if its reader defers it */
static inline const char *ev_time(const struct ht_event *ev, char *buf,
				  size_t n)
{
	if (ev->time_text || !ev->time_fmt)
		return ev->time_text ? ev->time_text : "";
	ev->time_fmt(ev->ts, buf, n);
	return buf;
}
/* Every pointer inside an ht_event is valid until the next parser_next()
 * on the same parser.  Consumers copy (or intern) what they keep. */

#define HT_SKIP_SAMPLES 20
struct skip_sample {
	long line;
	char reason[160];
};
/* Skipped lines counted by reason: the reason text with every number
 * written N, so that one reason is one row.  Past HT_SKIP_REASONS rows
 * the rest count in the last one, "other reasons". */
#define HT_SKIP_REASONS 12
struct skip_reason {
	char reason[160];
	long lines;
};

/* Events the tracer lost (perf's buffers, ftrace's ring buffer): on cpu
 * (-1 unknown), after from and up to to (ns; TS_NONE: not known), lost
 * of them (0: how many is not known).  A call lost there (a reopen, a
 * close) may change any finding whose evidence spans it, on whatever CPU
 * its threads ran: threads move between CPUs. */
#define HT_MAX_GAPS 64
struct trace_gap {
	int cpu;
	int64_t from, to;
	long lost;
	long line;            /* where the tracer said so */
};

/* What an input's timestamps count from: whether a person can be shown
 * a date, a wall-clock time, or only how long after the start. */
enum ts_clock {
	TSC_NONE = 0,   /* no timestamps */
	TSC_EPOCH,      /* since 1970-01-01 UTC (-ttt, ETW): date and time */
	TSC_DAY,        /* since the first midnight (-t, -tt): a wall-clock
			   time of the traced machine's zone, no date */
	TSC_RELATIVE,   /* since an origin that is no clock (-r, perf's
			   uptime, PerfView's MSec) */
};

/* What one input file held.  Filled by the parser as it goes. */
struct input_stats {
	char *path;           /* as given ("-" shows as "<stdin>") */
	enum ht_format format;
	const struct source_traits *traits; /* what the format can tell, set
					       by parser_open (NULL: as
					       strace) */
	char flags[192];      /* detected capture flags, e.g. "-f -tt -T -yy"
				 (room for all perf trace -e events) */
	char limits[2048];    /* what the capture cannot show, '\n'-separated
				 (room for every bound the analysis states) */
	char compression[8];  /* "", "gzip", "xz", "zstd" */
	long lines;           /* lines (or XML events) read */
	long events;          /* events produced */
	long skipped;         /* lines not understood: never silently dropped */
	int nsamples;
	struct skip_sample samples[HT_SKIP_SAMPLES];
	int nreasons;
	struct skip_reason reasons[HT_SKIP_REASONS];
	int64_t ts_first, ts_last; /* TS_NONE when no timestamps */
	enum ts_clock clock;  /* what they count from */
	/* What the capture-level checks add up over the files of one
	 * capture (strace -ff: a file per thread, judged as a whole). */
	int per_thread;       /* one thread's file of a -ff capture */
	long calls, creates, closes;
	long basic;           /* calls every dynamically linked program
				 makes (a trace without any was filtered) */
	int closes_unseen;    /* the capture shows no close at all: leak
				 notes would be false, none are made */
	long long bytes;      /* uncompressed bytes read */
	/* events lost by the tracer, in the order it said so; past
	 * HT_MAX_GAPS the last one grows to cover the rest */
	int ngaps;
	struct trace_gap gaps[HT_MAX_GAPS];
};
/* lost events on cpu from..to, said at line */
void input_stats_gap(struct input_stats *st, int cpu, int64_t from,
		     int64_t to, long lost, long line);
void input_stats_skip(struct input_stats *st, long line, const char *fmt,
		      ...) HT_PRINTF(3, 4);
void input_stats_limit(struct input_stats *st, const char *text);
/* The checks that need a whole capture, given its counts (one file, or
 * the sum over a -ff capture's files): no close at all means closes were
 * filtered out (-e trace=, -Z) and leaks cannot be told (closes_unseen);
 * with subset set, no call every program makes means -e trace=. */
void input_stats_whole(struct input_stats *st, long calls, long creates,
		       long closes, long basic, int subset);

struct parser_options {
	enum ht_format format;   /* FMT_AUTO: detect by content */
	int64_t default_tid;     /* -ff file suffix, or -1 */
	const char *rules_path;  /* ETW --rules FILE, or NULL */
};

struct parser;
/* Opens path ("-" = stdin), detects compression and format.  Returns NULL
 * and fills err when the file cannot be read or the format not told. */
struct parser *parser_open(const char *path, const struct parser_options *o,
			   struct input_stats *st, struct ht_error *err);
/* 1: *ev filled; 0: end of input; -1: fatal error in err (the events
 * produced so far stay valid results: callers report them). */
int parser_next(struct parser *p, struct ht_event *ev, struct ht_error *err);
void parser_close(struct parser *p);

#endif
