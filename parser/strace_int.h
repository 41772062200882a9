/* parser/strace_int.h - what the strace backend's two halves share: the
 * syscall and errno tables, the argument scanner and the effect builder
 * (strace_call.c), used by the line reader (strace.c) and unit tests. */
#ifndef HANDLETRAIL_STRACE_INT_H
#define HANDLETRAIL_STRACE_INT_H

#include <string.h>
#include "internal.h"

/* How a syscall acts on descriptors (syscalls.def column "kind"). */
enum sc_kind {
	K_NONE,        /* no descriptor in or out: nothing to scan           */
	K_USE,         /* the fd arguments are used                           */
	K_OPEN,        /* fd arguments used; the return value is a new fd     */
	K_CLOSE,       /* closes arg 0                                        */
	K_DUP,         /* dup(a) = new                                        */
	K_DUP2,        /* dup2(a, b): b closed first if open, then a copy of a */
	K_DUP3,        /* dup3(a, b, flags)                                   */
	K_FCNTL,       /* F_DUPFD*, F_SETFD, F_GETFD/F_GETFL probes           */
	K_IOCTL,       /* FIOCLEX/FIONCLEX; some commands return a new fd     */
	K_PIPE,        /* pipe/pipe2: [r, w] array in arg 0                   */
	K_SOCKETPAIR,  /* [a, b] array in arg 3                               */
	K_RECVMSG,     /* SCM_RIGHTS cmsg_data=[...] fds are created          */
	K_SENDMSG,     /* SCM_RIGHTS cmsg_data=[...] fds are used             */
	K_CLOSE_RANGE, /* close_range(first, last, flags)                     */
	K_CLONE,       /* clone/clone3: new task; flags=CLONE_FILES|THREAD    */
	K_FORK,        /* fork/vfork: new process with a copied table         */
	K_EXEC,        /* execve/execveat                                     */
	K_NAME,        /* prctl(PR_SET_NAME, "name"): the thread's new name    */
	K_UNSHARE,     /* unshare(CLONE_FILES)                                */
	K_EXIT_GROUP,  /* the whole process ends                              */
	K_SIGNALFD,    /* new fd only when arg 0 is -1, else a use of arg 0   */
	K_SECCOMP,     /* ..._FLAG_NEW_LISTENER returns a new fd              */
	K_BPF,         /* the fd-returning commands                           */
	K_WAITID,      /* waitid(P_PIDFD, fd, ...)                            */
	K_LANDLOCK,    /* create_ruleset, except ..._VERSION queries          */
	K_POLL,        /* poll/ppoll: {fd=N, ...} entries                     */
	K_SELECT,      /* select/pselect6: fd sets [3 4] in args 1-3          */
};

/* syscalls.def column "fds": which arguments are descriptors */
#define FD0 0x01u
#define FD1 0x02u
#define FD2 0x04u
#define FD3 0x08u
#define FD4 0x10u

/* syscalls.def column "flags" */
#define SF_SOCK    0x01u  /* documented to fail with ENOTSOCK           */
#define SF_BLOCK   0x02u  /* may block                                  */
#define SF_CLOEXEC 0x04u  /* a created fd is always close-on-exec       */
#define SF_COMM    0x08u  /* writing a /proc/.../comm file names a task */
#define SF_ALWAYS  0x10u  /* every dynamically linked program makes it */

struct sc_info {
	const char *name;
	unsigned char kind, fds, flags;
	signed char cx_arg;       /* argument holding the CLOEXEC flag, -1 */
	const char *cx_name;      /* its symbolic name, e.g. "O_CLOEXEC"   */
	unsigned long cx_bit;     /* its value, for -X raw / -X verbose    */
};

/* NULL when the name is not in syscalls.def */
const struct sc_info *sc_lookup(const char *name, size_t n);
/* A call every dynamically linked program makes (SF_ALWAYS): a capture
 * of many calls with none of these is a subset of syscalls (strace -e
 * trace=, perf trace -e, syscalls:sys_enter_NAME). */
static inline int sc_always_made(const struct sc_info *sc)
{
	return sc && (sc->flags & SF_ALWAYS);
}
/* errno name -> value and class; 0 if unknown (then *val = 0) */
int errno_lookup(const char *name, size_t n, long *val, enum err_class *c,
		 const char **canon);
enum err_class errno_class_of(long val);
/* errno value -> its main name ("EBADF"), NULL if unknown; for readers
 * that see numbers (raw_syscalls: "= -9") */
const char *errno_name(long val);

/* A scanned call.  Offsets are into the text handed to call_scan: the
 * arguments after "NAME(", possibly followed by ") = RESULT". */
#define CALL_MAX_ARGS 8
struct call_arg {
	size_t off, len;   /* trimmed */
};
struct call {
	int nargs;         /* arguments seen (more than CALL_MAX_ARGS: capped) */
	struct call_arg arg[CALL_MAX_ARGS];
	long close;        /* offset of the closing ')', -1: none (entry)   */
	/* result, after call_result() */
	int has_ret;
	int64_t ret;
	const char *ret_obj;   /* decoration of the return value, or NULL */
	size_t ret_obj_len;
	int failed;
	long err;
	const char *errname;   /* canonical (static) name, or into the text */
	size_t errname_len;
	enum err_class errc;
	int has_dur;           /* -T " <0.000035>" */
	int64_t dur;           /* that, in ns */
};

/* Splits the argument list.  Returns 0, or -1 when a quote, bracket or
 * decoration does not close before the end (c->close is then -1). */
int call_scan(const char *s, size_t n, struct call *c);
/* Split calls: call_scan_entry scans the arguments of an <unfinished ...>
 * line as call_scan does, and notes in *sr where the scan stood when the
 * text ran out (sr->ok 0: it cannot go on from there).  call_scan_resume
 * then scans text that starts with those same sr->len bytes (the entry's
 * arguments and the resumed part) with the result call_scan would give,
 * without reading the entry's part again. */
struct scan_resume {
	int ok;
	int depth;          /* open brackets */
	size_t start;       /* where the argument in progress began */
	size_t len;         /* bytes scanned */
	int nargs;
	struct call_arg arg[CALL_MAX_ARGS];
};
int call_scan_entry(const char *s, size_t n, struct call *c,
		    struct scan_resume *sr);
int call_scan_resume(const char *s, size_t n, struct call *c,
		     const struct scan_resume *sr);
/* Parses " = RET [ERRNAME (msg)] [(retstr)] [<dur>]" after c->close.
 * Returns 0, or -1 with *why set when there is no result to read. */
int call_result(const char *s, size_t n, struct call *c, const char **why);
/* The end of a <...> decoration starting at s[i] == '<' (index after its
 * '>'), or 0 when it does not close.  Nested <...>, \74 \76 escapes and
 * "->" inside [...] (socket peers) are handled. */
size_t skip_decoration(const char *s, size_t n, size_t i);

/* Bump allocator for the strings of one event; reset per event. */
struct arena {
	char *p;
	size_t len, cap;
};
void arena_reset(struct arena *a, size_t need);  /* no growth after this */
/* a NUL-terminated copy of s[0, n), or NULL when the arena is full
 * (sized per event; a miss only loses a string); inline: several per
 * line */
static inline const char *arena_put(struct arena *a, const char *s,
				    size_t n)
{
	if (a->cap - a->len < n + 1)
		return NULL;
	char *d = a->p + a->len;
	memcpy(d, s, n);
	d[n] = '\0';
	a->len += n + 1;
	return d;
}

enum fx_mode {
	FXM_ENTRY,   /* <unfinished ...> line: what the arguments tell      */
	FXM_FULL,    /* one-line call                                       */
	FXM_EXIT,    /* resumed: everything; arguments ending at or before
			entry_len were already reported by the entry event  */
};
/* What a call did to the descriptor table, appended to ev->fx.  sc may
 * be NULL (unknown syscall: decorated arguments count as uses).  Sets
 * *seen bits: 1 = a -y decoration, 2 = a -yy socket/device decoration. */
void call_effects(const struct sc_info *sc, const char *s, size_t n,
		  const struct call *c, enum fx_mode mode, size_t entry_len,
		  struct ht_event *ev, struct arena *ar, unsigned *seen);

#endif
