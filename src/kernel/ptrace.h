/*
 * The virtual ptrace state machine: guests' own tracer/tracee relations,
 * their ptrace-stops, options and events, modelled on gVisor's
 * pkg/sentry/kernel/ptrace.go and completed to current Linux
 * (kernel/ptrace.c, kernel/signal.c, kernel/exit.c).
 *
 * DESIGN.md, invariant 1: a virtual stop is a host stop. The loop calls the
 * ptv_vstop_*() functions when a traced task is in a host stop of the
 * matching kind; the task stays in that host stop until its virtual tracer
 * resumes it. The kernel never calls the host: it asks for host actions
 * through struct ptv_host_iface.
 *
 * Errors are returned as -E* exactly as the guest will see them.
 */
#ifndef PTV_KERNEL_PTRACE_H
#define PTV_KERNEL_PTRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "task.h"

/* include/uapi/linux/ptrace.h */
#define PTV_O_TRACESYSGOOD 0x01u
#define PTV_O_TRACEFORK 0x02u
#define PTV_O_TRACEVFORK 0x04u
#define PTV_O_TRACECLONE 0x08u
#define PTV_O_TRACEEXEC 0x10u
#define PTV_O_TRACEVFORKDONE 0x20u
#define PTV_O_TRACEEXIT 0x40u
#define PTV_O_TRACESECCOMP 0x80u
#define PTV_O_EXITKILL 0x100000u
#define PTV_O_SUSPEND_SECCOMP 0x200000u
#define PTV_O_MASK 0x3000ffu

/* include/uapi/asm-generic/siginfo.h: SIGCHLD si_codes. */
enum {
	PTV_CLD_EXITED = 1,
	PTV_CLD_KILLED = 2,
	PTV_CLD_DUMPED = 3,
	PTV_CLD_TRAPPED = 4,
	PTV_CLD_STOPPED = 5,
	PTV_CLD_CONTINUED = 6,
};

/* PTRACE_GETEVENTMSG at a syscall stop (Linux 5.3, PTRACE_EVENTMSG_SYSCALL_*). */
#define PTV_EVENTMSG_SYSCALL_ENTRY 1
#define PTV_EVENTMSG_SYSCALL_EXIT 2

/* What the kernel asks of the host. Every call is made on the loop thread. */
struct ptv_host_iface {
	/*
	 * Ends the host stop @t is held in: how == PTV_VRESUME_LISTEN is
	 * PTRACE_LISTEN, the others the resume requests of the same name.
	 * @sig is delivered; if @t was in a signal-delivery-stop and @sig
	 * differs from its siginfo's signal, the siginfo becomes SI_USER from
	 * @sender, as kernel/signal.c:ptrace_signal() does. Returns 0, or
	 * -ESRCH if @t had left that stop (a SIGKILL ends it at once).
	 */
	int (*resume)(void *ctx, struct ptv_task *t, enum ptv_vresume how,
		      int sig, bool signal_stop, ptv_tid_t sender);
	/* Host PTRACE_INTERRUPT of @t (a virtual PTRACE_INTERRUPT). */
	int (*interrupt)(void *ctx, struct ptv_task *t);
	/* A thread-directed signal to @t, sent by the supervisor. */
	int (*send_signal)(void *ctx, struct ptv_task *t, int sig);
	/*
	 * Does @sig, sent to the group of @t, untraced, in a host stop, kill
	 * that group at once (kernel/signal.c:complete_signal(): a fatal
	 * signal without a core dump, its action the default, @t not
	 * blocking it)?
	 */
	bool (*kills_group_at_once)(void *ctx, struct ptv_task *t, int sig);
	/*
	 * SIGCHLD to the thread group of @parent about @child, as
	 * kernel/signal.c:do_notify_parent{,_cldstop}() sends it.
	 */
	void (*notify_parent)(void *ctx, struct ptv_task *parent,
			      struct ptv_task *child, int why, int status);
	/*
	 * The exit signal @sig that @child, released, sends the group of
	 * @leader, whose parent thread is traced: Linux keeps it (@why and
	 * @status as for notify_parent); the host sends it as the exit goes
	 * on. If the host has one pending already that Linux had discarded,
	 * that one is to stand for it, with its siginfo.
	 */
	void (*exit_signal_kept)(void *ctx, struct ptv_task *leader,
				 struct ptv_task *child, int sig, int why,
				 int status);
	/* A virtual event is ready for the waiters of thread group @tgid. */
	void (*wake_waiters)(void *ctx, ptv_tid_t tgid);
	/* The process group of @t, or -1. */
	int (*pgid_of)(void *ctx, struct ptv_task *t);
	/*
	 * __ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS): 0 or -EPERM
	 * (credentials, capabilities, dumpability, Yama).
	 */
	int (*may_attach)(void *ctx, struct ptv_task *tracer,
			  struct ptv_task *target);
	/*
	 * security_ptrace_traceme(): may @parent trace @child by
	 * PTRACE_TRACEME? 0 or -EPERM.
	 */
	int (*may_traceme)(void *ctx, struct ptv_task *parent,
			   struct ptv_task *child);
	/*
	 * Has @t CAP_SYS_PTRACE (@cap 19) or CAP_SYS_ADMIN (21) in the user
	 * namespace of @ns_of (Linux's ns_capable(): in effect there, or
	 * there by owning it or a namespace above it)? @ns_of NULL: in the
	 * initial one (capable()), which for guests is the supervisor's.
	 * And does @t have seccomp filters of its own (not the supervisor's)?
	 */
	bool (*capable)(void *ctx, struct ptv_task *t, struct ptv_task *ns_of,
			int cap);
	/*
	 * Is @t a zombie on the host already, its death not yet collected by
	 * the loop? (Linux's "task->exit_state" at attach.)
	 */
	bool (*is_zombie)(void *ctx, struct ptv_task *t);
	bool (*has_own_seccomp)(void *ctx, struct ptv_task *t);
	/*
	 * Did the host reap a child of @parent's group at its exit (SIGCHLD
	 * ignored or SA_NOCLDWAIT: kernel/signal.c:do_notify_parent())?
	 */
	bool (*autoreaped)(void *ctx, struct ptv_task *parent);
	/*
	 * Is @t, in a virtual stop, still in its host stop? A SIGKILL ends
	 * a ptrace-stop at once (the stop is no longer reported: kernel/
	 * exit.c:task_stopped_code() wants task_is_traced()); the loop learns
	 * of it only at the task's exit stop.
	 */
	bool (*still_stopped)(void *ctx, struct ptv_task *t);
	/*
	 * The signals pending for @t that it ignores and does not block. The
	 * host keeps them (every guest is traced there); Linux discarded them
	 * when they were sent to the untraced task (kernel/signal.c:
	 * sig_ignored()), so a tracer that attaches later never sees them.
	 */
	uint64_t (*pending_ignored)(void *ctx, struct ptv_task *t,
				    uint64_t *twice);
	/* One line of the supervisor log about a virtual transition. */
	void (*log)(void *ctx, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
};

/* Yama's kernel.yama.ptrace_scope (security/yama/yama_lsm.c). */
enum ptv_yama_scope {
	PTV_YAMA_OFF = -1,	/* no Yama: PR_SET_PTRACER is EINVAL */
	PTV_YAMA_DISABLED = 0,
	PTV_YAMA_RELATIONAL = 1,
	PTV_YAMA_CAPABILITY = 2,
	PTV_YAMA_NO_ATTACH = 3,
};

/* PR_SET_PTRACER's argument for "any process may trace me". */
#define PTV_PTRACER_ANY (-1)

/*
 * The exit of an untraced child, which the host keeps for the real parent's
 * native wait: the model keeps its place in the parent's children, for the
 * order of that group's waits (it may trace a task later).
 */
struct ptv_native_zombie {
	ptv_tid_t tid;
	ptv_tid_t parent_tid;	/* the real parent thread ... */
	ptv_tid_t parent_tgid;	/* ... of this group (a tid is reused once
				   that thread is gone) */
	uint64_t seq;		/* its place in that thread's children */
	int status;		/* wait4 status */
	int pgid;
	bool clone_child;	/* exit signal not SIGCHLD: __WCLONE's */
	bool exiting;		/* its held exit was let go (a tracer reaped
				   it), the host has not finished it yet */
};

/* Native zombies remembered at most; the oldest go first (order lost). */
#define PTV_MAX_NATIVE_ZOMBIES 64

/*
 * A thread group the supervisor killed with SIGKILL in the place of the
 * fatal signal Linux kills it with (design note 48): its threads' deaths
 * show that signal, to the model, a native wait and a SIGCHLD's siginfo.
 */
struct ptv_death_sub {
	ptv_tid_t tgid;
	int sig;
	bool reaped;	/* its leader reaped: no wait reports it again */
};

/* Groups remembered at most; the oldest go first. */
#define PTV_MAX_DEATH_SUBS 16

struct ptv_kernel {
	struct ptv_tasks tasks;
	enum ptv_yama_scope yama;	/* the emulated Yama policy */
	struct ptv_task *traced;	/* traced tasks, newest attach first */
	const struct ptv_host_iface *host;
	void *host_ctx;
	struct ptv_native_zombie native_zombies[PTV_MAX_NATIVE_ZOMBIES];
	size_t n_native_zombies;
	struct ptv_death_sub death_subs[PTV_MAX_DEATH_SUBS];
	size_t n_death_subs;
	bool stops_owed;	/* a task may have ->native_stop_owed */
	bool continues_held;	/* a task may have ->vcontinued */
	bool leaders_held;	/* a task may have ->leader_hold HELD */
	bool children_waits;	/* a task may have ->wait_for_children */
};

void ptv_kernel_init(struct ptv_kernel *k, const struct ptv_host_iface *host,
		     void *host_ctx);
void ptv_kernel_destroy(struct ptv_kernel *k);

/* The thread that is @t's real parent now, or NULL if it is not a guest. */
struct ptv_task *ptv_real_parent(struct ptv_kernel *k, struct ptv_task *t);

/* --- Requests (the caller is the guest thread making the ptrace call) --- */

int ptv_ptrace_traceme(struct ptv_kernel *k, struct ptv_task *caller);
/* PTRACE_ATTACH (seize false) or PTRACE_SEIZE with @addr and @options. */
int ptv_ptrace_attach(struct ptv_kernel *k, struct ptv_task *caller,
		      ptv_tid_t pid, bool seize, uint64_t addr,
		      uint64_t options);
/* PTRACE_SEIZE's checks of @addr and @options, made after the pid lookup. */
int ptv_ptrace_seize_check(struct ptv_kernel *k, struct ptv_task *caller,
			   uint64_t addr, uint64_t options);
/*
 * kernel/ptrace.c:ptrace_check_attach(): the tracee of @caller named @pid,
 * in a virtual ptrace-stop unless @ignore_state (PTRACE_KILL, INTERRUPT).
 */
int ptv_ptrace_check_attach(struct ptv_kernel *k, struct ptv_task *caller,
			    ptv_tid_t pid, bool ignore_state,
			    struct ptv_task **tracee);
/* The requests below take a tracee that passed ptv_ptrace_check_attach(). */
int ptv_ptrace_setoptions(struct ptv_kernel *k, struct ptv_task *tracee,
			  uint64_t options);
int ptv_ptrace_resume(struct ptv_kernel *k, struct ptv_task *tracee,
		      enum ptv_vresume how, uint64_t sig);
int ptv_ptrace_detach(struct ptv_kernel *k, struct ptv_task *tracee,
		      uint64_t sig);
int ptv_ptrace_kill(struct ptv_kernel *k, struct ptv_task *tracee);
int ptv_ptrace_interrupt(struct ptv_kernel *k, struct ptv_task *tracee);
int ptv_ptrace_listen(struct ptv_kernel *k, struct ptv_task *tracee);

/*
 * prctl(PR_SET_PTRACER, @arg) by @caller under Yama: 0 clears, -1 is
 * PR_SET_PTRACER_ANY, else a pid (-EINVAL if no such task). The exception is
 * kept per process (its group leader).
 */
int ptv_yama_set_ptracer(struct ptv_kernel *k, struct ptv_task *caller,
			 int64_t arg);

/* --- Stops: a traced task is in a host stop of the matching kind --- */

/* True if @t has a virtual tracer. */
static inline bool ptv_is_traced(const struct ptv_task *t)
{
	return t->tracer != NULL;
}
/* True if a thread of group @tgid is the virtual tracer of some task. */
bool ptv_group_is_tracer(const struct ptv_kernel *k, ptv_tid_t tgid);
/* True if @t's tracer asked for PTRACE_EVENT_@event (PTV_EVENT_*). */
bool ptv_ptrace_event_enabled(const struct ptv_task *t, int event);

void ptv_vstop_signal(struct ptv_kernel *k, struct ptv_task *t, int sig);
void ptv_vstop_group(struct ptv_kernel *k, struct ptv_task *t, int sig);
/* PTRACE_EVENT_* stops; PTV_EVENT_STOP is the INTERRUPT/new-child trap. */
void ptv_vstop_event(struct ptv_kernel *k, struct ptv_task *t, int event,
		     unsigned long msg);
void ptv_vstop_syscall(struct ptv_kernel *k, struct ptv_task *t, bool entry);

/* --- Lifecycle --- */

/*
 * A new task @child made by @parent's clone with @flags: auto-attach it to
 * @parent's virtual tracer when Linux would (kernel/fork.c, ptrace_init_task).
 * Returns true if @child is now traced; *sigstop says it must start with a
 * SIGSTOP (not seized) rather than a PTRACE_EVENT_STOP trap.
 */
bool ptv_ptrace_clone(struct ptv_kernel *k, struct ptv_task *parent,
		      struct ptv_task *child, uint64_t flags, int event,
		      bool *sigstop);

/*
 * @t died with wait status @status. Returns true if its virtual tracer will
 * see it (a virtual zombie). The task is removed once nobody needs it.
 */
void ptv_task_exited(struct ptv_kernel *k, struct ptv_task *t, int status);

/*
 * @t vanishes without an exit report (the old leader replaced by an exec in
 * another thread, kernel/exec.c:de_thread): its relation is dropped silently.
 */
void ptv_ptrace_forget_task(struct ptv_kernel *k, struct ptv_task *t);

/*
 * The thread @tracer exits: kernel/ptrace.c:exit_ptrace() detaches its
 * tracees (SIGKILL first under PTRACE_O_EXITKILL).
 */
void ptv_ptrace_tracer_exit(struct ptv_kernel *k, struct ptv_task *tracer);

/* --- Waiting (kernel/wait.c) --- */

/* waitid idtypes (include/uapi/linux/wait.h). */
enum { PTV_P_ALL = 0, PTV_P_PID = 1, PTV_P_PGID = 2 };
/* wait options (include/uapi/linux/wait.h). */
#define PTV_WNOHANG 0x00000001
#define PTV_WSTOPPED 0x00000002
#define PTV_WEXITED 0x00000004
#define PTV_WCONTINUED 0x00000008
#define PTV_WNOWAIT 0x01000000
#define PTV_WNOTHREAD 0x20000000
#define PTV_WALL 0x40000000
#define PTV_WCLONE 0x80000000

struct ptv_wait_req {
	int idtype;		/* PTV_P_ALL, PTV_P_PID, PTV_P_PGID */
	ptv_tid_t id;
	int options;		/* PTV_W* */
	bool may_defer;		/* the wait can be decided again later (3) */
};

struct ptv_wait_result {
	ptv_tid_t pid;		/* the tracee reported (host tid: syscalls/
				   pidns.c maps it for the waiter) */
	int status;		/* wait4 status */
	int cld_code;	/* waitid: CLD_* */
	int cld_status;		/* waitid: exit code, signal or stop code */
	bool exiting;		/* (2) the child is still exiting on the host:
				   the native wait must block for it */
};

/*
 * A wait by @waiter: the virtual event it reports, the first in Linux's
 * order, consumed unless PTV_WNOWAIT. Returns 1 with *res filled; 2 if that
 * event is the exit, or the continue, of a tracee whose real parent is the
 * waiter's group, or an event of a child the group does not trace (a
 * native zombie's exit, a group-stop not yet taken, a continue), which a
 * native wait must report (*res filled, nothing consumed: then
 * ptv_wait_native_reaped(), ptv_native_zombie_gone(), ->native_stop_taken
 * and ptv_group_continued());
 * 0 if none is ready but a virtual tracee matches
 * (the wait may block for it); -ECHILD if no virtual tracee matches;
 * 3 (only with req->may_defer) if the event is the exit of a traced thread,
 * not a leader, that the host has not finished yet, or a child's group-stop
 * that such a thread of its group keeps incomplete on the host: its exit
 * goes on, and the wait is to be decided again once it is gone (nothing
 * consumed).
 */
int ptv_wait_virtual(struct ptv_kernel *k, struct ptv_task *waiter,
		     const struct ptv_wait_req *req, struct ptv_wait_result *res);

/*
 * A SIGCONT was sent to group @tgid: if the whole group is in its
 * group-stop, it is continued now (kernel/signal.c:prepare_signal() sets
 * SIGNAL_STOP_CONTINUED in the sender), before its threads' host traps.
 */
void ptv_group_sigcont(struct ptv_kernel *k, ptv_tid_t tgid);

/*
 * Group @tgid was continued from a group-stop (SIGCONT), or stopped again:
 * a tracer's WCONTINUED wait reports it once (SIGNAL_STOP_CONTINUED).
 */
void ptv_group_continued(struct ptv_kernel *k, ptv_tid_t tgid, bool continued);
/*
 * Group @tgid is exiting (SIGNAL_GROUP_EXIT, which replaces its group-stop
 * and its continue): neither is reported any more, and a SIGCONT sent now
 * continues nothing (kernel/signal.c:prepare_signal() drops it).
 */
void ptv_group_exit(struct ptv_kernel *k, ptv_tid_t tgid);
/*
 * @t began a group-stop (it stopped for a stop signal it dequeued): Linux's
 * do_signal_stop() wakes each other thread of its group not stopped
 * (signal_wake_up()), and one in a ptrace-stop keeps that TIF_SIGPENDING
 * until it is resumed.
 */
void ptv_group_stop_begins(struct ptv_kernel *k, const struct ptv_task *t);
/* Is every live thread of group @tgid in its group-stop? */
bool ptv_group_fully_stopped(struct ptv_kernel *k, ptv_tid_t tgid);
/* Is a live thread of group @tgid in its group-stop (one is in effect)? */
bool ptv_group_stopping(struct ptv_kernel *k, ptv_tid_t tgid);

/* @t, a zombie of its real parent's group, was reaped by a native wait. */
void ptv_wait_native_reaped(struct ptv_kernel *k, struct ptv_task *t);

/*
 * A native wait took the host's report of the group-stop of @t (a leader)
 * while its real parent's group traced it. Linux keeps it for that parent
 * (group_exit_code) until a continue: the model gives it
 * (ptv_wait_virtual()).
 */
void ptv_native_stop_owe(struct ptv_kernel *k, struct ptv_task *t);

/*
 * kernel/exit.c:delay_group_leader(): @leader, untraced, is at its host
 * PTRACE_EVENT_EXIT while a traced thread of its group is unreaped. Linux
 * tells the leader's parent of its death only when that thread is
 * released. The host does the same while it holds the thread at its exit
 * (note 2), but a SIGKILL ends that hold: then the host reports the
 * leader as soon as the thread is gone there. True if a thread is such a
 * zombie already, or is held and @killed (a SIGKILL pending for it, which
 * will end its hold). The loop then holds the leader at that stop
 * (ptv_leader_exit_hold(), with its exit status) until its group's last
 * unreaped thread is reaped: by the wait that reaps it, or by
 * ptv_leaders_release().
 */
bool ptv_leader_exit_delayed(struct ptv_kernel *k,
			     const struct ptv_task *leader,
			     bool (*killed)(void *ctx, const struct ptv_task *t),
			     void *ctx);
void ptv_leader_exit_hold(struct ptv_kernel *k, struct ptv_task *leader,
			  int status);
/* Lets go of the held leaders whose threads are all reaped (after each
   host event: a tracer's exit or detach releases threads too). */
void ptv_leaders_release(struct ptv_kernel *k);

/*
 * Must a wait consult the model even with nothing traced? It may owe a
 * group-stop report, or know of a zombie the host has not finished yet.
 */
bool ptv_wait_model_needed(struct ptv_kernel *k);

/*
 * The supervisor kills @t's group with SIGKILL in the place of fatal
 * signal @sig, which Linux kills it with at once where the host, tracing
 * every guest, does not (design note 48). The waits of its leader's real
 * parent that run natively are woken, to be made again with an exit stop.
 */
void ptv_death_sub_set(struct ptv_kernel *k, struct ptv_task *t, int sig);

/* The signal group @tgid was killed in the place of, or 0. */
int ptv_death_sig(const struct ptv_kernel *k, ptv_tid_t tgid);

/* Wait status @status of a thread of group @tgid, as Linux gives it. */
int ptv_death_status(const struct ptv_kernel *k, ptv_tid_t tgid, int status);

/*
 * The leader of group @tgid is reaped by a native wait (@reaped), or @tgid
 * is another task's tid now (false: its record goes).
 */
void ptv_death_sub_done(struct ptv_kernel *k, ptv_tid_t tgid, bool reaped);

/*
 * Native zombie @tid is gone: reaped by a native wait, or its pid is
 * another task's now. (A native wait reaps them unseen too; a wait that
 * reports one that is gone finds nothing and forgets it.)
 */
void ptv_native_zombie_gone(struct ptv_kernel *k, ptv_tid_t tid);

/*
 * Does a wait by @waiter for @req weigh tracees against children its group
 * does not trace? Their events reach the model a little after the host
 * has them for a native wait, so such a wait is decided once pending host
 * events are in.
 */
bool ptv_wait_mixes_native(struct ptv_kernel *k, struct ptv_task *waiter,
			   const struct ptv_wait_req *req);

/*
 * A native wait by @waiter for @req failed with ECHILD: no native zombie
 * it matches is left.
 */
void ptv_native_zombies_none_for(struct ptv_kernel *k,
				 const struct ptv_task *waiter,
				 const struct ptv_wait_req *req);

/*
 * True if a live tracee that @req matches is also a real child of @waiter
 * that the native wait would consider (kernel/exit.c:eligible_child()):
 * the native wait then cannot fail with ECHILD.
 */
bool ptv_wait_real_child_matches(struct ptv_kernel *k,
				 const struct ptv_task *waiter,
				 const struct ptv_wait_req *req);

/*
 * A wait without WEXITED or WCONTINUED whose only candidates on the host
 * are children its group traces that died as leaders while a thread of
 * theirs is held at its exit: the host, whose tracer is not the parent's
 * group, counts them (kernel/exit.c:wait_consider_task() clears
 * ->notask_error for a zombie "!ptrace"); Linux does not (ECHILD).
 */
bool ptv_wait_native_counts_dead_leader(struct ptv_kernel *k,
					const struct ptv_task *waiter,
					const struct ptv_wait_req *req);

/*
 * Does @req name one task by its pid, a leader of a group that @waiter's
 * group traces, dead and its real parent's zombie on the host already
 * (native_reap; or killed, its death not collected yet), whose death Linux
 * does not report yet: a traced thread of its group is not reaped
 * (kernel/exit.c:delay_group_leader())? The native wait would reap it;
 * nothing else can match.
 */
bool ptv_wait_names_delayed_zombie(struct ptv_kernel *k,
				   const struct ptv_wait_req *req);

/*
 * Could a native wait of @waiter for @req reap a child of its group in
 * ptv_wait_names_delayed_zombie()'s state (a wait that does not name it:
 * -1, 0, a process group)? The host's wait does not know that Linux
 * delays its death: it can reap it.
 */
bool ptv_wait_may_reap_delayed_zombie(struct ptv_kernel *k,
				      const struct ptv_task *waiter,
				      const struct ptv_wait_req *req);

/*
 * An event of @child (a stop, a trap, an exit) came: the waits of its real
 * parent's group asleep in pause(2) for their children
 * (->wait_for_children) are woken, to be decided again once the model has
 * it (the wake-up's own stop comes after).
 */
void ptv_wake_parent_waiters(struct ptv_kernel *k, struct ptv_task *child);

/*
 * Is @t a live child of @waiter's group that this group traces? Its
 * group-stop is the host's too, where its real parent's native wait sees
 * it with WUNTRACED (the host tracer is another); Linux reports it only as
 * a ptrace-stop (kernel/exit.c:wait_consider_task(): "if
 * (!ptrace_reparented(p)) ptrace = 1").
 */
bool ptv_wait_child_traced_by_group(struct ptv_kernel *k,
				    const struct ptv_task *waiter,
				    const struct ptv_task *t);
/*
 * Could a native wait for @req report what Linux does not: such a child's
 * group-stop, or a continue a tracer took (->continue_taken)? Or a
 * continue the model holds too (->vcontinued), which it must see taken?
 * Or the death of a child killed in a signal's place (ptv_death_sub_set()),
 * whose status it must change? Then the native wait runs with its exit
 * stop.
 */
bool ptv_wait_native_may_see_hidden(struct ptv_kernel *k,
				    const struct ptv_task *waiter,
				    const struct ptv_wait_req *req);

#endif
