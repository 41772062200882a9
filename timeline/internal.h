/* timeline/internal.h - what the files of timeline/ share: tasks, handle
 * tables, per-number generations, the event copies stories are told from. */
#ifndef HANDLETRAIL_TIMELINE_INTERNAL_H
#define HANDLETRAIL_TIMELINE_INTERNAL_H

#include "timeline.h"

#define TL_RING 12        /* events remembered per handle number */
#define TL_RECS 8         /* threads remembered per handle number */
#ifndef TL_UPGRADE        /* (the fuzz build sets it low) */
#define TL_UPGRADE 16     /* stale closes awaiting evidence per table */
#endif
#define TL_VICTIMS 3      /* victim steps added to one stale-close */
#define TL_RAW_MAX 600    /* raw trace text per event copy, as kept
                             or as a recipe makes it (evc_raw) */
#define TL_OBJ_MAX 600    /* object text kept */
#define TL_STACK_MAX 2000 /* -k stack text kept */
#define TL_BUSY 20        /* busiest generations shown */
#define TL_SWEEP 3        /* consecutive closes that make a sweep */
#define TL_LEAK_PILE 8    /* open at exit from one call and object kind:
			     a leak that accumulated */
#define TL_LEAK_SHOWN 6   /* handles of a leak told step by step */
#define TL_ICACHE 256     /* interned-name cache slots (power of two) */
/* Handle numbers remembered across all tables before closed ones are
 * forgotten, least recently touched first (1.5-5 KB each), and past
 * TL_NUMS_MAX open ones too.  Numbers findings, pending calls or stale
 * closes waiting for evidence refer to are always kept. */
#ifndef TL_NUMS_KEEP      /* the fuzz build sets them low to reach it */
#define TL_NUMS_KEEP 16384
#endif
#ifndef TL_NUMS_MAX
#define TL_NUMS_MAX 131072
#endif
/* Numbers a finding refers to are kept before others (a later event on
 * one is told with its history), but only so many: past this the least
 * recently touched of them are forgotten too, or a capture of stale
 * closes would keep every number it ever closed. */
#ifndef TL_INVOLVED_KEEP
#define TL_INVOLVED_KEEP 16384
#endif
#define TL_EVICT_STEP 8   /* numbers examined per event when over */
/* Dead tasks kept whole (a late exit line, a clone returning after its
 * child ended); older ones keep only their task_info, so that a million
 * short-lived threads do not cost a million task structures. */
#ifndef TL_DEAD_KEEP
#define TL_DEAD_KEEP 4096
#endif
#define TL_PROV_OBJS 65536  /* prov_objs is started afresh past this */
/* Forgotten numbers, reaped tasks and ended tables kept for reuse, with
 * their buffers, rather than freed and allocated again: a trace of many
 * short processes ends a table and starts the next one all the time.
 * Few, so that what they hold stays bounded. */
#define TL_SPARE_NUMS 64
#define TL_SPARE_TASKS 64
#define TL_SPARE_TABLES 16
/* a spare list: HEAD linked through each node's LINK, N long; TAKE sets
 * x to its first node (unlinked) or NULL */
#define SPARE_TAKE(x, head, n, link) do {                              \
		(x) = (head);                                          \
		if (x) {                                               \
			(head) = (x)->link;                            \
			(n)--;                                         \
			(x)->link = NULL;                              \
		}                                                      \
	} while (0)
#define SPARE_GIVE(x, head, n, link) do {                              \
		(x)->link = (head);                                    \
		(head) = (x);                                          \
		(n)++;                                                 \
	} while (0)
/* Threads alive at once before the analysis stops (timeline_full): no
 * traced system gets near it, and it bounds what live tasks, their
 * tables and pending calls can cost (a few KB each). */
#ifndef TL_TASKS_MAX
#define TL_TASKS_MAX 131072
#endif

/* What an event did to one handle number. */
enum role {
	RO_NONE, RO_CREATE, RO_CLOSE, RO_USE, RO_DUPCLOSE, RO_RANGECLOSE,
	RO_EXECCLOSE, RO_OUTSIDE, RO_EXIT,
};

/* A private copy of the parts of an event a story needs.  Buffers are
 * reused when the copy is overwritten, so steady state allocates nothing. */
struct evcopy {
	/* the flags in bytes: a number's copies are kept by the thousand */
	unsigned char valid;
	unsigned char role;
	unsigned char has_object, has_stack;
	unsigned char unfinished;  /* a PH_ENTRY: no result yet */
	unsigned char has_ret, failed;
	unsigned char errc;        /* enum err_class */
	int gen;                   /* generation of the number it touched */
	int cpu;
	const char *call, *file, *errname;   /* interned */
	int64_t pid, tid, ts, ret, handle;
	int64_t dur;               /* -T duration in ns, 0 unknown */
	long err, line, event, end_line;
	long long offset;          /* source_loc.offset */
	long seq;                  /* order of arrival (1-based) */
	long info;                 /* its task's index into tl->tinfo, -1 */
	const struct source_traits *tr; /* what its source can tell */
	char time[40];
	/* or, with time "", what writes ts as its time text (the event's
	 * time_fmt: most copies are never shown); read it with evc_time */
	size_t (*time_fmt)(int64_t ts, char *buf, size_t n);
	struct strbuf object, raw, stack;
	/* set when raw holds its reader's recipe, not the text (evc_raw) */
	void (*raw_show)(const char *recipe, size_t n, struct strbuf *out);
};

/* An evcopy's three text buffers.  When a copy's contents move to
 * another evcopy (evc_copy, evc_move, a generation or a candidate moved
 * whole), each keeps buffers of its own: taken out before the struct
 * copy, put back after it. */
struct evbufs {
	struct strbuf object, raw, stack;
};

static inline struct evbufs evc_bufs(const struct evcopy *e)
{
	return (struct evbufs){ e->object, e->raw, e->stack };
}

static inline void evc_put_bufs(struct evcopy *e, struct evbufs b)
{
	e->object = b.object;
	e->raw = b.raw;
	e->stack = b.stack;
}

/* Where a generation came from. */
enum origin {
	OR_TRACE,    /* a create event in this table (or carried by exec) */
	OR_OUTSIDE,  /* used without being created: open before the trace */
	OR_COPY,     /* copied from the parent's table at fork */
	OR_UNSEEN,   /* the number changed object by an event not shown */
};

/* How a generation ended. */
enum close_kind {
	CK_NONE, CK_CALL, CK_RANGE, CK_EXEC, CK_DUP, CK_UNSEEN, CK_END,
};

struct gen {
	int id;                    /* 1-based per (table, number); 0 = none */
	unsigned char origin, inside, cloexec, open, close_kind, displaced;
	unsigned char dup_made;    /* created by duplicating another number */
	int64_t creator_tid, closer_tid;
	long uses;
	long create_seq;
	long info;                 /* index into tl->ginfo, or -1 ... */
	long info_serial;          /* ... while guse[info].serial is this */
	struct strbuf object;
	int has_object;
	struct evcopy create, close;
};

/* The last thing one thread did on one number. */
struct threc {
	int64_t tid;
	int gen;
	unsigned char role;
	long seq;                  /* of the event (to find it in the ring) */
	long seen_seq;             /* when the thread last saw the number: the
				      entry of a close (which frees it
				      there), else the event; an object
				      created after it is one the thread did
				      not see */
	long line, end_line;
	int64_t ts;
	const char *call;
	/* its call on a generation it did not know failed (a stale-use):
	 * the record still says what it believed, so that a close of that
	 * generation by it is a stale close */
	int failed_on;             /* that generation, or 0 */
	long failed_line;
	long failed_fi;            /* its stale-use finding, or -1 */
};

struct numstate {
	int64_t h;
	int ngen;                  /* generations so far */
	int npend;                 /* pending (unfinished) calls using it */
	long cwiu_finding;         /* last close-while-in-use on it, or -1 */
	int64_t cwiu_tid;          /* the thread it found blocked */
	struct gen cur, prev;      /* current or last, and the one before */
	struct evcopy *ring;       /* up to TL_RING slots, grown as used */
	long nring;                /* events pushed so far */
	int ringcap;               /* slots allocated */
	struct threc *recs;        /* up to TL_RECS, grown as threads come */
	int nrecs, caprecs;
	int pinned;                /* pending calls with a snapshot of it */
	int pend_gen, npend_gen;   /* pending uses that saw generation
				      pend_gen open (-1: not known) */
	int in_open;               /* on its table's open list */
	struct numstate *open_prev, *open_next;
	int rec_epoch;             /* recs are of the table's exec epoch */
	int involved;              /* a finding refers to its generations */
	struct table *tab;         /* the table holding it */
	struct numstate *lru_prev, *lru_next; /* tl's list, oldest first */
};

/* int64 -> pointer hash map */
struct imap {
	int64_t *keys;
	void **vals;
	size_t cap, count;
};

/* imap.c (a NULL value is "absent") */
void *imap_get(const struct imap *m, int64_t k);
void imap_put(struct imap *m, int64_t k, void *v);
void imap_del(struct imap *m, int64_t k, const void *v);
void imap_free(struct imap *m);
void imap_clear(struct imap *m);

/* A stale-close still waiting for evidence. */
struct upgrade {
	int64_t h;
	int gen;                   /* the victim generation */
	int64_t owner;             /* the thread that opened it */
	int64_t closer;
	long finding;              /* index into tl->findings, or -1 while
				      it is a candidate: read both with
				      det_up_finding */
	long cand;                 /* its candidate (tl->cands), or -1 */
	int nvictims;
	int64_t victim;            /* the first thread whose failure proved
				      it (a hand-off's receiver), or -1 */
	long seq;
};

struct table {
	struct timeline *tl;
	int id;                    /* creation order */
	int64_t pid;
	int refs;                  /* live tasks using it */
	int provisional;           /* made for a task seen before its spawn */
	int shared;                /* two tasks have used it at once */
	struct imap nums;          /* number -> struct numstate */
	/* numbers whose current generation is open (and closed ones not
	 * yet dropped from it): what fork copies, exec and close_range
	 * close, exit leaves open */
	struct numstate *open_first, *open_last;
	int exec_epoch;            /* execs so far: older thread records
				      are void */
	struct task *users_first, *users_last; /* live tasks using it */
	struct upgrade *up;        /* TL_UPGRADE, allocated at the first */
	int nup;
	struct table *next, *prevt; /* list of live tables */
};

/* What a call saw at entry, per effect. */
struct snap {
	int state;                 /* NS_* at entry */
	int gen;                   /* generation id at entry */
	int has_rec;
	struct threc rec;          /* this thread's record at entry */
	int reorder;               /* decoration named the previous object */
	int prior_close;           /* close_kind of the last generation */
	int counted;               /* added to the number's npend */
	int pinned;                /* added to the number's pinned */
	int closed_during;         /* another thread closed it meanwhile */
	int end_pending;           /* closed at entry, recorded at exit */
	long seq;                  /* of the event that took it */
	int late_open;             /* a close: another thread's create of
				      the number returned while it ran */
	struct evcopy *blocked;    /* a close: the call blocked on it */
};

enum { NS_NONE, NS_OPEN, NS_CLOSED };

/* A call that has entered and not yet returned. */
struct pending {
	int active;
	int nfx, cap;
	struct effect *fx;         /* cap of them; objects not kept */
	struct snap *snap;         /* (most calls have one or two effects,
				      and every blocked thread has one) */
	struct evcopy entry;
};

/* A failure on a number not open, made but held until we know whether
 * it is part of a sweep (then it is withdrawn as harmless). */
struct held {
	unsigned char is_finding;  /* else an unexplained failure */
	long idx;                  /* into tl->findings or tl->unexpl */
	int64_t h;
	int gen, gen2;             /* shown in Handles once it stands */
};

/* A stale close whose verdict, unless a failure proves it harmful, is
 * a hand-off: kept as the copies its finding would be told from, not
 * as a finding, so that a server handing numbers between threads all
 * day costs what its upgrade slots hold.  Proof makes the finding (in
 * the place among findings it had when seen); the last slot to let go
 * of it unproven counts a hand-off. */
struct cand {
	int refs;                  /* upgrade slots naming it; 0: spare */
	long fi;                   /* its finding once made; CAND_* */
	long order;                /* its place in finding order */
	long next;                 /* the next spare */
	struct evcopy opened, mine, closed, reused, off;
	int old_gen;               /* the generation the closer knew */
	unsigned char rec_role;    /* the closer's last act on it */
	unsigned char kind_changed;
	int64_t creator_tid;       /* who opened the victim generation */
	/* the closer's and the creator's names when it was seen (a thread
	 * may be named later; pooled), or NULL */
	const char *closer_name, *creator_name;
	long gi[2], gi_serial[2];  /* the generations it involves */
	char *expected;            /* what the closer knew it as, or NULL */
	char *now_obj;             /* what the number named when closed */
};
#define CAND_UNMADE (-1)           /* no finding yet */
#define CAND_GONE (-2)             /* counted a hand-off, or over the cap */

struct proc;
struct task {
	int64_t tid;
	int64_t key;
	struct proc *proc;
	struct table *table;
	int alive, provisional;
	long info;                 /* index into tl->tinfo */
	struct pending *pend;      /* allocated at the first split call */
	int swallow_exit;          /* dead with a call pending: its exit
				      line may still come */
	/* A task first seen while clones were in flight is their child
	 * (strace prints a child's first lines before its parent's clone
	 * returns).  When every clone in flight has the same flags and
	 * table, that settles its home at once (a thread of that process,
	 * or a process of its own with a copy of that table); otherwise it
	 * keeps a placeholder table that no decoration may merge into
	 * another task's.  Either way the clone's return re-homes it. */
	int await;                 /* home not confirmed by a clone yet */
	int await_from;            /* table id the early home came from,
				      0: none (placeholder) */
	unsigned await_flags;      /* the EF_SHARE_FILES|EF_THREAD assumed */
	int unseen;                /* made by a clone/fork that returned its
				      id, no event of its own yet: 1 a
				      thread, 2 a process (unseen_*) */
	int spawning;              /* its pending call is a clone/fork */
	unsigned spawn_flags;      /* that call's EF_SHARE_FILES|EF_THREAD */
	struct task *spawn_next, *spawn_prev; /* tl's list of them */
	/* one call in a row over consecutive numbers (sweep detection) */
	char run_call[32];
	struct table *run_table;
	int64_t run_last;
	int run_len;
	int run_dir;               /* +1 up (closefrom emulation), -1 down
				      (proftpd's close(4095) ... close(0)) */
	int nheld;
	struct held *held;         /* TL_SWEEP - 1, allocated when needed */
	struct task *next_in_proc, *prev_in_proc;
	struct task *next_all, *prev_all;
	struct task *user_next, *user_prev;  /* on its table's user list */
	struct task *prov_next, *prov_prev; /* while alive and provisional */
	struct task *alive_next, *alive_prev; /* while alive; then on the
						 dead list until reaped */
};

struct proc {
	int64_t pid;
	int dead;
	int alive;                 /* live tasks */
	struct task *tasks, *tasks_tail; /* alive or dead, oldest first */
	long ntasks;               /* linked to it, counting reaped ones */
	size_t vi;                 /* index in tl->procv */
	struct table *table;       /* ETW: the process's table */
};


struct timeline {
	struct strpool *pool;      /* call names, files, names */
	struct icache {
		const char *in, *out;   /* a name as given, interned */
	} icache[TL_ICACHE];
	struct strpool *fpool;     /* strings of findings */
	long seq;
	struct imap tasks, procs;
	struct proc **procv;       /* every process, for freeing */
	size_t nproc, capproc;
	struct task *task_first, *task_last;
	struct task *prov_first, *prov_last; /* live provisional tasks */
	struct task *spawn_first, *spawn_last; /* tasks inside a clone/fork */
	struct task *alive_first, *alive_last; /* live tasks, oldest first */
	struct task *dead_first, *dead_last;   /* the last TL_DEAD_KEEP dead */
	long nalive;
	int full;                  /* more than TL_TASKS_MAX alive */
	long ndead;
	struct table *live, *live_tail; /* live tables, oldest first */
	struct numstate *lru_first, *lru_last; /* every number, by last touch */
	struct imap tables;        /* live tables by id */
	/* (number, object) opened in a provisional table -> that table's
	 * id, latest wins: how infer_share finds a task sharing a table
	 * without asking every provisional task */
	struct imap prov_objs;
	long nnums;
	long ninvolved;            /* numbers kept with involved set */
	int ntables;

	struct finding *findings;
	struct fmeta {
		unsigned char pending;  /* a stale close awaiting evidence */
		unsigned char dropped;  /* withdrawn (sweep, hand-off) */
		unsigned char kind_changed; /* stale close: the closer knew
					       another kind of object */
		long cause;             /* index of its root cause, or -1 */
		long nhandles;          /* a leak: the numbers it groups */
		long order;             /* detection order (ids follow it) */
	} *fmeta;                  /* beside findings */
	size_t nfind, capfind;
	long norder;               /* the next detection order */
	struct cand *cands;        /* stale-close candidates */
	size_t ncands, capcands;
	long cand_spare;           /* first spare cand, or -1 */
	struct cand cand_tmp;      /* for a stale close told at once */
	struct unexplained *unexpl;
	unsigned char *udropped;   /* beside unexpl */
	int *conseq;               /* every finding's consequences (ids) */
	size_t nunexpl, capunexpl;
	struct task_info *tinfo;
	size_t ntinfo, captinfo;
	struct generation_info *ginfo;  /* involved in findings */
	/* beside ginfo: who keeps each entry.  A candidate's entries go
	 * with it when it ends a hand-off; a spare has serial 0 */
	struct ginfo_use {
		long serial;
		int holds;              /* candidates involving it */
		unsigned char firm;     /* a finding (or leak) involves it */
	} *guse;
	long gserial;
	long *gspare;
	size_t ngspare, capgspare;
	size_t nginfo, capginfo;
	struct generation_info busy[TL_BUSY];
	int nbusy;
	long busy_floor;           /* fewest uses in busy[] once it is full */
	struct generation_info *gout;   /* built by finish */
	size_t ngout;
	struct timeline_stats st;
	int finished;

	/* spares (TL_SPARE_*), linked by lru_next, next_all and next */
	struct numstate *spare_nums;
	int nspare_nums;
	struct table *spare_tables;
	int nspare_tables;
	struct task *spare_tasks;
	int nspare_tasks;

	struct evcopy tmp, tmp2;   /* scratch copies */
	struct evcopy endev;       /* scratch: the event a table ends at */
	struct strbuf sb;          /* scratch text */
	struct strbuf rawtext;     /* scratch: evc_raw's text */
	char timetext[40];         /* scratch: evc_time's text */
};

/* evcopy.c */
void evc_free(struct evcopy *e);
/* e as calloc leaves it, but keeping its text buffers (emptied) */
void evc_blank(struct evcopy *e);
void evc_set(struct timeline *tl, struct evcopy *e, const struct ht_event *ev,
	     const struct task *t, int role, int gen, int64_t h,
	     const char *object);
void evc_copy(struct evcopy *dst, const struct evcopy *src);
void evc_move(struct evcopy *dst, struct evcopy *src);
const char *evc_result(struct timeline *tl, const struct evcopy *e);
/* e's raw text, capped at TL_RAW_MAX; valid until the next call */
const char *evc_raw(struct timeline *tl, const struct evcopy *e);
/* e's time text; valid until the next call */
const char *evc_time(struct timeline *tl, const struct evcopy *e);

/* object.c */
enum objclass { OC_UNKNOWN, OC_SOCKET, OC_FILE, OC_PIPE, OC_ANON, OC_OTHER };
enum objclass obj_class(const char *s);
int obj_same(const char *a, const char *b);
int obj_kind_differs(const char *a, const char *b);
/* "TCP", "file", "pipe", "anon_inode:[eventfd]"...; "" when unknown */
void obj_kind(const char *s, char *buf, size_t n);
int obj_has_identity(const char *s);
void obj_normalize(struct strbuf *sb, const char *s);

/* table.c */
struct table *table_new(struct timeline *tl, int64_t pid);
void table_free(struct timeline *tl, struct table *t);
struct numstate *table_find(struct table *t, int64_t h);
/* ns's current generation was opened: put it on the open list */
void ns_opened(struct numstate *ns);
/* the open number after ns (NULL: the first), or NULL at the end */
struct numstate *table_next_open(struct table *t, struct numstate *ns);
struct numstate *table_get(struct timeline *tl, struct table *t, int64_t h);
struct table *table_copy(struct timeline *tl, struct table *src, int64_t pid,
			 int fork_copy);
void table_merge(struct timeline *tl, struct table *dst, struct table *src);
void gen_reset(struct gen *g);
struct gen *ns_new_gen(struct timeline *tl, struct numstate *ns);
struct gen *ns_gen(struct numstate *ns, int id);
void gen_free(struct gen *g);
void gen_set_object(struct gen *g, const char *obj);
void ring_push(struct numstate *ns, const struct evcopy *e);
/* the same for a scratch copy: its buffers move into the ring */
void ring_push_tmp(struct numstate *ns, struct evcopy *e);
const struct evcopy *ring_find_seq(const struct numstate *ns, long seq);
const struct evcopy *ring_find(const struct numstate *ns, int gen, int role);
struct threc *rec_find(struct numstate *ns, int64_t tid);
void rec_set(struct numstate *ns, const struct evcopy *e);
void ns_free(struct numstate *ns);
/* frees the spare numbers and tables (timeline_free) */
void table_spares_free(struct timeline *tl);
/* forgets closed idle numbers while more than TL_NUMS_KEEP are kept */
void table_evict(struct timeline *tl);
/* a finding refers to a generation of ns */
void ns_involve(struct timeline *tl, struct numstate *ns);

/* verdict.c: the one place a finding is decided (rows: verdicts.def) */
enum outcome { O_MODEL, O_BENIGN, O_HANDOFF, O_FINDING, O_STEP, O_UNEXPL };
enum verdict {
#define VERDICT(id, code, out, kind, sev, reason) id,
#include "verdicts.def"
#undef VERDICT
	V__COUNT
};
struct verdict_info {
	const char *code;
	enum outcome out;
	enum finding_kind kind;    /* FK__COUNT: none */
	enum severity sev;
	const char *reason;        /* template, or NULL */
};
const struct verdict_info *verdict_info(enum verdict v);

/* What a use's verdict rests on. */
struct use_facts {
	const struct snap *s;      /* the model at the call's entry */
	const struct gen *g;       /* the generation named then, or NULL */
	int64_t tid;
	int culprit;               /* the call's EBADF/ENOTSOCK is about it */
	int failed;
	enum err_class errc;
	unsigned flags;            /* the effect's EF_* */
	int has_dec;               /* the call showed the object */
	int notsock_means_open;    /* source trait */
	int stale;                 /* succeeded on a generation it had not
				      seen (stale(), not told already) */
	int kind_changed;          /* the object's kind differs from the
				      one the thread last knew */
	int unaware;               /* another thread closed what it knew */
	int victim;                /* a stale close destroyed a generation
				      this thread owned */
	int was_socket;            /* some object at this number was one */
};
/* What a close's verdict rests on. */
struct close_facts {
	const struct snap *s;
	const struct gen *g;       /* the generation named at entry */
	int64_t tid;
	int negative;              /* close(-1) */
	int badf;                  /* failed with EBADF */
	int alone;                 /* no other live task shares the table */
	int reported_twice;        /* source trait: a second report of the
				      close just seen */
};
/* Placeholders of a reason template. */
struct why {
	const char *noun, *obj, *who, *where, *forgot, *sweep;
};
int stale(const struct snap *s, const struct gen *g, int64_t tid);
enum verdict judge_use(const struct use_facts *f);
enum verdict judge_close(const struct close_facts *f);
enum verdict judge_unproven_stale_close(int kind_changed);
int judge_culprit(const struct ht_event *ev, const struct snap *snaps,
		  const struct gen *const *gens, int64_t tid);
const char *verdict_reason(struct timeline *tl, enum verdict v,
			   const struct why *w);

/* detect.c: findings and their stories */
long finding_new(struct timeline *tl, enum finding_kind k,
		 const struct evcopy *off);
void finding_step_dur(struct timeline *tl, long fi, int64_t tid,
		      int64_t dur);
void finding_step(struct timeline *tl, long fi, const char *role,
		  const struct evcopy *e);
void finding_seal(struct timeline *tl, long fi);
const char *fstr(struct timeline *tl, const char *s);
const char *fstrf(struct timeline *tl, const char *fmt, ...) HT_PRINTF(2, 3);
const char *hname(struct timeline *tl, const struct source_traits *tr,
		  int64_t h);
const struct source_traits *traits_of_event(const struct ht_event *ev);
long unexplained_add(struct timeline *tl, const struct evcopy *e,
		     const char *reason, const char *code);
long unexplained_verdict(struct timeline *tl, const struct evcopy *e,
			 enum verdict v, const struct why *w);
/* a held finding or failure turned out harmless (part of a sweep) */
void verdict_withdraw(struct timeline *tl, int is_finding, long idx);
/* pending stale closes judged, withdrawn ones dropped, ids and links */
void findings_settle(struct timeline *tl);
void findings_names(struct timeline *tl);  /* after settle */
/* "server (17208)" or "thread 17208" for a message; e (or NULL) is an
 * event of that thread, which knows its task */
const char *tl_who(struct timeline *tl, int64_t tid, const struct evcopy *e);
long det_double_close(struct timeline *tl, const struct numstate *ns,
		      const struct evcopy *off, enum verdict v);
/* A stale close: its finding (index), or -1 when it is kept as a
 * candidate (no cause, nothing blocked on it: linked 0) or is past the
 * cap */
long det_stale_close(struct timeline *tl, struct table *t,
		     struct numstate *ns, const struct snap *sn,
		     const struct gen *victim, const struct evcopy *off,
		     long cause, int linked);
/* upgrade slot ui's finding, made now if it is a candidate; -1 if none */
long det_up_finding(struct timeline *tl, struct table *t, long ui);
/* t's upgrade slots let go (table end, exec) */
void det_up_clear(struct timeline *tl, struct table *t);
/* every candidate freed (timeline_free) */
void det_cands_free(struct timeline *tl);
long det_stale_close_of(struct timeline *tl, struct table *t, int64_t h,
			int gen);
void det_evidence(struct timeline *tl, struct table *t, int relied_gen,
		  int bad, const struct evcopy *off);
long det_stale_use(struct timeline *tl, struct table *t,
		   const struct numstate *ns, const struct snap *sn,
		   const struct gen *now, const struct evcopy *off,
		   enum verdict v);
/* the upgrade of a stale close that destroyed the generation tid opened
 * just before cur_gen (the one its own reopen then took), or -1 */
long det_victim_of(struct table *t, int64_t h, int64_t tid, int cur_gen);
/* the upgrade of tid's own stale close of cur_gen, or -1 */
long det_closer_of(struct table *t, int64_t h, int64_t tid, int cur_gen);
void det_victim_use(struct timeline *tl, struct table *t,
		    const struct numstate *ns, long ui, const struct gen *now,
		    const struct evcopy *off);
long det_use_after_close(struct timeline *tl, struct table *t,
			 const struct numstate *ns, const struct snap *sn,
			 const struct evcopy *off);
long det_cwiu(struct timeline *tl, const struct gen *g,
	      const struct evcopy *blocked, const struct evcopy *off);
/* n numbers of one table still open when its process ended (exitev):
 * pile = all from one call and object kind (they accumulated), else
 * everything the process left open, in one note */
void det_leaks(struct timeline *tl, struct numstate *const *v, size_t n,
	       const struct evcopy *exitev, int pile);
/* g is involved in a finding: its entry made (kept to the end) or
 * brought up to date; refresh only updates one g has */
void ginfo_touch(struct timeline *tl, struct table *t, struct numstate *ns,
		 struct gen *g);
void ginfo_refresh(struct timeline *tl, struct table *t,
		   struct numstate *ns, struct gen *g);
void ginfo_end(struct timeline *tl, struct table *t, struct numstate *ns,
	       struct gen *g);
void ginfo_finish(struct timeline *tl);

#endif
