/* timeline/timeline.h - the face of timeline/: handle tables, handle
 * generations, tasks and the detectors that turn events into findings. */
#ifndef HANDLETRAIL_TIMELINE_H
#define HANDLETRAIL_TIMELINE_H

#include "../parser/parser.h"

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };
const char *severity_name(enum severity s); /* "note", "warning", "error" */

/* Finding kinds are a contract (JSON "kind"): add, never rename.  The
 * last column is the bug family: kinds that are one act of the culprit
 * (a second close of a number: harmless when nobody had reopened it,
 * destructive when somebody had) share one, so a root-cause card tells
 * that bug once whichever way each occurrence ended; NULL: the kind is
 * its own family. */
#define FINDING_KINDS(X)                                                  \
	X(FK_DOUBLE_CLOSE,       "double-close",       SEV_WARNING,       \
	  "close-twice")                                                 \
	X(FK_STALE_CLOSE,        "stale-close",        SEV_ERROR,         \
	  "close-twice")                                                 \
	X(FK_STALE_USE,          "stale-use",          SEV_ERROR, NULL)   \
	X(FK_USE_AFTER_CLOSE,    "use-after-close",    SEV_ERROR, NULL)   \
	X(FK_CLOSE_WHILE_IN_USE, "close-while-in-use", SEV_WARNING, NULL) \
	X(FK_LEAK,               "leak",               SEV_NOTE, NULL)

enum finding_kind {
#define X(id, name, sev, family) id,
	FINDING_KINDS(X)
#undef X
	FK__COUNT
};
const char *finding_kind_name(enum finding_kind k);
enum severity finding_kind_severity(enum finding_kind k);

/* One event in a finding's story (all strings owned by the timeline). */
struct chain_step {
	const char *role;    /* "opened", "used", "closed", "reused",
				"offending", "failed", "victim", ... */
	int64_t pid, tid;
	int cpu;             /* -1 unknown */
	const char *call;
	const char *object;  /* what the handle named for this step, or NULL */
	const char *result;  /* "0", "-1 EBADF", "8", "10038 WSAENOTSOCK" ... */
	const char *time;    /* as printed in the trace, or "" */
	int64_t ts;          /* TS_NONE if unknown */
	int64_t dur;         /* how long the call took (strace -T), ns; 0 if
				unknown */
	struct source_loc src;
	long end_line;
	const char *raw;     /* raw trace text (capped) */
	const char *stack;   /* -k stack or NULL */
	int generation;      /* generation of the handle number this step
				touched (1 = first seen), 0 if none */
	long task;           /* its thread: index into timeline_tasks(), -1
				unknown */
	const char *thread_name;  /* that thread's name (prctl, comm file,
				     ETW ThreadName, -Y), or NULL */
	const char *process_name; /* its program (execve, ETW
				     ImageFileName), or NULL */
};

struct finding {
	int id;                    /* 1-based, in order of detection */
	enum finding_kind kind;
	enum severity severity;    /* may differ from the kind's default
				      (stale-close is a warning without
				      evidence of harm) */
	int64_t pid, tid;
	int64_t handle;
	const char *object;        /* what the number names now (victim) */
	const char *expected;      /* what the thread thought it named */
	const char *time;
	int64_t ts;
	const char *call;
	const char *error;         /* "EBADF", "WSAENOTSOCK", or NULL */
	const char *message;       /* one line */
	const char *evidence;      /* why this verdict (stale-close grading) */
	struct source_loc src;     /* the offending call */
	struct chain_step *chain;
	int nchain;
	char fingerprint[17];      /* 16 hex digits: the bug's shape (kind,
				      calls, object kinds, roles), not its
				      numbers or lines */
	char bug[17];              /* the bug it is an occurrence of: its
				      family's act without object kinds, or
				      the fingerprint (root-cause cards) */
	int caused_by;             /* id of the finding this one follows
				      from (its root cause), 0 if a root */
	const int *consequences;   /* ids of the findings that follow from
				      this one, in order */
	int nconsequences;
	const struct source_traits *traits; /* what its source can tell
					       (handle noun, hex) */
	long task;                 /* the offending thread: index into
				      timeline_tasks(), -1 unknown */
	const char *thread_name, *process_name; /* its names, or NULL */
};

/* A failure with ENOTSOCK/EBADF/10038... no finding explains. */
struct unexplained {
	int64_t pid, tid, handle;
	const char *call, *error, *reason, *time, *raw;
	const char *reason_code;   /* stable name of the reason */
	struct source_loc src;
	int64_t ts;                /* TS_NONE if unknown */
	const struct source_traits *traits; /* of its source */
	long task;                 /* index into timeline_tasks(), or -1 */
	const char *thread_name, *process_name; /* or NULL */
};

/* What the capture held, for report headers. */
struct task_info {
	int64_t tid, pid;
	const char *name;          /* its own name (prctl PR_SET_NAME, comm
				      file, -Y, ETW ThreadName), or NULL */
	struct source_loc created; /* clone/CreateThread line; line 0 if the
				      task existed before the trace */
	int64_t parent_tid;        /* -1 unknown */
	int is_thread;             /* shares its creator's process */
	const char *program;       /* what its process runs (execve
				      basename, ETW ImageFileName), or NULL */
};

/* A handle generation shown in the Handles section. */
enum lifetime_class { LT_IN_IN, LT_IN_OUT, LT_OUT_IN, LT_OUT_OUT };
struct generation_info {
	int64_t pid, handle;
	int generation;            /* 1-based per (table, number) */
	const char *object;
	enum lifetime_class lifetime; /* opened inside/outside x closed
					 inside/outside the trace */
	int64_t open_tid, close_tid;
	struct source_loc opened, closed; /* line 0 when outside */
	int64_t open_ts, close_ts;
	long uses;
	int table;                 /* handle table (1-based, creation order):
				      added by timeline/ */
};

struct timeline_stats {
	long events;
	long processes, threads;
	int64_t ts_first, ts_last;
	long handles_seen;         /* (table, number) pairs */
	long generations;
	/* added by timeline/: */
	long tables;               /* handle tables made (fork, exec...) */
	long benign;               /* EBADF results judged harmless: the
				      three below */
	long benign_sweeps;        /* one call over consecutive numbers */
	long benign_probes;        /* F_GETFD-style probes */
	long benign_negative;      /* close(-1) */
	long leaks_killed;         /* open numbers of processes killed by a
				      signal: not told as left open */
	long leaks_untraced;       /* leaks not told: the capture shows no
				      close at all (closes not traced) */
	long closes;               /* close effects seen */
	long handoffs;             /* calls (and closes) on a number another
				      thread reopened that fit its new
				      object: hand-offs, not findings */
	long findings_dropped;     /* over the cap (TL_MAX_FINDINGS) */
	long unexplained_dropped;  /* over the cap (TL_MAX_FINDINGS) */
	long numbers_forgotten;    /* closed numbers dropped to bound memory */
	long numbers_kept;         /* the cap they were dropped at */
	long open_forgotten;       /* open numbers dropped past open_kept */
	long open_kept;
	long involved_forgotten;   /* numbers findings refer to, dropped
				      past involved_kept of them */
	long involved_kept;
	/* tasks a clone/fork returned the id of that never show an event
	 * of their own (strace without -f): what they did is missing */
	long threads_unseen;       /* clone with CLONE_THREAD */
	long children_unseen;      /* fork, vfork, clone without it */
};

struct timeline;
struct timeline *timeline_new(void);
void timeline_feed(struct timeline *tl, const struct ht_event *ev);
/* end of input: leaks, unexplained failures, pending calls */
void timeline_finish(struct timeline *tl);
/* After finish: forget every finding of kind k (the capture cannot show
 * it: leaks without any close in the trace); the others are renumbered. */
void timeline_drop_kind(struct timeline *tl, enum finding_kind k);

/* After finish: every finding whose evidence spans one of the n gaps
 * (events the tracer lost) becomes a note that says so.  Returns how
 * many. */
int timeline_gaps(struct timeline *tl, const struct trace_gap *g, int n);

const struct finding *timeline_findings(const struct timeline *tl, int *n);
const struct unexplained *timeline_unexplained(const struct timeline *tl,
					       int *n);
const struct task_info *timeline_tasks(const struct timeline *tl, int *n);
/* How a person reads a thread or a process: "server (17208)" with a
 * name (the thread's own, else its program's), else "thread 17208" /
 * "process 17208" (noun).  Appended to sb as plain text: the name comes
 * from the trace, callers escape it for their output. */
void task_label(struct strbuf *sb, const char *noun, const char *name,
		int64_t id);
/* generations involved in findings, plus the busiest numbers */
const struct generation_info *timeline_generations(const struct timeline *tl,
						   int *n);
const struct timeline_stats *timeline_stats(const struct timeline *tl);
/* The process thread tid belongs to as far as the events fed so far
 * tell (a thread first seen before its creator's clone returned may
 * move), or -1 when the timeline holds no such thread. */
int64_t timeline_task_pid(const struct timeline *tl, int64_t tid);
/* More threads alive at once than the analysis holds (0 or that limit):
 * the caller stops feeding and reports where. */
long timeline_full(const struct timeline *tl);
void timeline_free(struct timeline *tl);

#endif
