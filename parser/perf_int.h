/* parser/perf_int.h - what the kernel-tracepoint readers share: perf
 * script and trace-cmd report text of raw_syscalls (perf.c) and perf
 * trace text (perf_trace.c).  Both turn a syscall into the text strace
 * would print for it ("close(4) = 0") and hand that to strace's scanner
 * and effect builder (strace_int.h): one syscall table, one effect
 * builder for every Linux format. */
#ifndef HANDLETRAIL_PERF_INT_H
#define HANDLETRAIL_PERF_INT_H

#include <limits.h>
#include "strace_int.h"

/* The fd numbers a table is known to have held (named by any event of
 * a task using it), shared as the table is (CLONE_FILES).  A number first
 * named by a successful use or close was open before anything in the
 * capture created it: a pipe's or socketpair's fds, which tracepoints do
 * not record, or one inherited.  The readers say so with EFF_OUTSIDE, so
 * that the model knows the number open (a close of it while another
 * thread is blocked on it is then seen). */
#define FDSEEN_MAX 4096
/* fdseen_event's unseen_new when any number may have been created
 * unseen by this call's time (a subset of syscalls, events lost) */
#define FDSEEN_ANY INT_MAX
struct fdseen {
	int refs;
	int unseen;      /* fds created where the capture cannot show (a
			    pipe's two) not yet named                    */
	uint64_t bits[FDSEEN_MAX / 64];   /* named at all */
	uint64_t open[FDSEEN_MAX / 64];   /* open as far as known */
};

/* Per-TID state of a reader: the call in flight and what is known of the
 * task.  An open-addressed table keyed by TID. */
struct ptask {
	int64_t tid;          /* 0: free slot (TID 0 is the idle task) */
	int64_t pid;          /* thread group, -1 unknown                  */
	int64_t newtask_flags;/* task:task_newtask clone_flags, -1 none    */
	int pending;          /* an entry without its exit yet             */
	int entry_out;        /* its PH_ENTRY event was handed out         */
	int exit_only;        /* no entry was seen (perf trace continued)  */
	int spawn_told;       /* sched_process_fork made it (its clone was
				 not recorded)                             */
	const struct sc_info *sc;
	char name[32];        /* the syscall's name                        */
	long line;
	int cpu;
	int64_t ts;
	char time_text[32];
	char *text;           /* the call as strace text, from '(' on       */
	size_t text_len, text_cap, args_len;
	struct fdseen *fs;    /* its table's numbers, NULL until first use  */
	char *raw;            /* perf trace: the entry line as printed      */
	size_t raw_len, raw_cap;
	int exec_tp;          /* what sched_process_exec said of this
				 task: EXEC_NAMED or EXEC_TOLD, until its
				 next call ends                            */
	char *prog;           /* the program it named (the file's last
				 part), NULL none                          */
};
/* ptask.exec_tp: the execve in flight is the exec and prog its program
 * (its exit carries EFF_EXEC); or the tracepoint carried the exec itself
 * (no execve in flight: not recorded, or begun before the capture), so
 * the execve exit that follows adds none */
enum { EXEC_NAMED = 1, EXEC_TOLD };

struct ptasks {
	struct ptask *slot;
	size_t cap, used;
};
struct ptask *ptask_get(struct ptasks *t, int64_t tid);  /* creates */
struct ptask *ptask_find(struct ptasks *t, int64_t tid); /* or NULL */
void ptasks_free(struct ptasks *t);
void ptask_set_text(struct ptask *t, const char *s, size_t n);
void ptask_set_raw(struct ptask *t, const char *s, size_t n);

/* After ev's effects are built for task t: spawns share or copy t's
 * set; a number first named by a successful use or close (or a blocking
 * use in flight), or one known closed and named so after a call created
 * fds unseen (unseen_new: pipe, socketpair; FDSEEN_ANY when the capture
 * is a subset of syscalls, so that any call creating fds may be missing:
 * the kernel never lets a closed number be used or closed successfully,
 * so such a number was opened by a call not recorded), gets an
 * EFF_OUTSIDE before it, unless off (the tables are not known: clone
 * flags missing); every number named is noted. */
int fdseen_event(struct ptasks *ts, struct ptask *t, struct ht_event *ev,
		 int unseen_new, int off);   /* EFF_OUTSIDE added */

/* The model takes a call in flight as it stood at entry: when
 * fdseen_event added EFF_OUTSIDE to an entry, those go first as an event
 * of their own (ev keeps only them) and the caller emits the entry again
 * afterwards. */
void fdseen_outside_only(struct ht_event *ev);

/* sched_process_fork tells of a child where the call that made it is
 * not recorded (a subset of syscalls, a lost entry).  1: this one is to
 * be told as a spawn; 0: a clone, fork or vfork of the parent is in
 * flight (its exit will tell the child), or no task:task_newtask gave the
 * child's sharing (*unknown counts it). */
int perf_fork_tellable(struct ptasks *ts, int64_t parent, int64_t child,
		       long *unknown);
/* ev (from perf_ev_init, tid the parent's) becomes the spawn of child
 * with the sharing its task:task_newtask gave (CLONE_FILES, CLONE_THREAD;
 * the caller has checked there was one); the child is marked told */
void perf_fork_spawn(struct ptasks *ts, struct ptask *parent, int64_t child,
		     struct ht_event *ev);
/* a clone's exit without its entry after sched_process_fork told its
 * child: the spawn is not told twice */
void perf_drop_told_spawns(struct ptasks *ts, struct ht_event *ev);

/* sched_process_exec(filename, pid, old_pid) (file: n bytes, may be
 * NULL).  ev comes from perf_ev_init (tid pid, where and when); returns 1
 * when it is to go out: EV_TASK_GONE when thread old_pid ran the execve
 * in flight and the leader pid takes it over (as strace's "superseded by
 * execve"), or EV_TASK_INFO with EFF_EXEC named by the file where no
 * execve is in flight.  0: the execve in flight is the exec; its exit
 * gets the name (perf_exec_fx). */
int perf_exec_event(struct ptasks *ts, int64_t pid, int64_t old_pid,
		    const char *file, size_t n, struct ht_event *ev,
		    struct arena *ar);
/* After a call's effects are built for task t: what sched_process_exec
 * said of t, an execve's EFF_EXEC named, or dropped when the tracepoint
 * carried the exec */
void perf_exec_fx(struct ptask *t, struct ht_event *ev, struct arena *ar);

/* What a capture holds, for the limits it gets at its end. */
struct perf_counts {
	long calls, creates, closes;
	int basic;      /* a call every program makes was seen (not a
			   subset of syscalls, sc_always_made; execve is
			   not one here: the recipes for handles record
			   it by name) */
	int named;      /* syscalls:sys_enter_NAME events: recorded by
			   name, so likely some names only */
};
/* counts a call event (not a PH_ENTRY) and its creates and closes */
void perf_count_fx(const struct ht_event *ev, struct perf_counts *c);
/* the limits a whole capture's counts give: no close recorded (leaks are
 * then not told: closes_unseen), a subset of syscalls */
void perf_whole_limits(struct input_stats *st, const struct perf_counts *c);

/* An event with nothing in it yet but where it comes from. */
void perf_ev_init(struct ht_event *ev, enum ev_type type, enum ev_phase ph,
		  const char *path, long line, int64_t tid, int cpu,
		  int64_t ts);

/* Fills ev's result and effects from strace-form text s (the arguments
 * after "NAME(", then ") = RET ..."); mode as for call_effects.  Returns
 * 0, or -1 when the text does not scan (a bug in the caller's
 * formatting, or damaged input). */
int perf_call_effects(const struct sc_info *sc, const char *s, size_t n,
		      enum fx_mode mode, size_t entry_len, struct ht_event *ev,
		      struct arena *ar, unsigned *seen);

/* the tracepoint's argument names of a syscall ("fd buf count"), from
 * syscall_args.def, or NULL */
const char *perf_args_of(const char *name);

/* "505.454371" in units of unit ns (1000000000: seconds, 1000000:
 * milliseconds) -> ns; returns the length read, 0 if no such number (or
 * one too large for int64 ns) */
size_t perf_read_time(const char *s, size_t n, int64_t unit, int64_t *ns);

/* Backends (parser.c dispatches). */
int perf_sniff(const char *buf, size_t n);   /* FMT_* or FMT_AUTO */
void *perf_open(struct instream *in, enum ht_format f,
		const struct parser_options *o, struct input_stats *st,
		struct ht_error *err);
int perf_next(void *p, struct ht_event *ev, struct ht_error *err);
void perf_close(void *p);

int perf_trace_sniff_line(const char *s, size_t n);
void *perf_trace_open(struct instream *in, const struct parser_options *o,
		      struct input_stats *st, struct ht_error *err);
int perf_trace_next(void *p, struct ht_event *ev, struct ht_error *err);
void perf_trace_close(void *p);

#endif
