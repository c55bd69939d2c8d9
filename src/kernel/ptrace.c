/*
 * The virtual ptrace state machine. Quotes are from ptrace(2) unless a
 * kernel file is named; "Linux" means current mainline (6.x).
 */
#include "ptrace.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "check.h"

#define VLOG(k, ...) (k)->host->log((k)->host_ctx, __VA_ARGS__)

#define PTV_CAP_SYS_PTRACE 19
#define PTV_CAP_SYS_ADMIN 21

static const char *const vstop_names[] = {
	[PTV_VSTOP_NONE] = "none",
	[PTV_VSTOP_SIGNAL] = "signal-delivery-stop",
	[PTV_VSTOP_GROUP] = "group-stop",
	[PTV_VSTOP_EVENT] = "event-stop",
	[PTV_VSTOP_SYSCALL_ENTER] = "syscall-enter-stop",
	[PTV_VSTOP_SYSCALL_EXIT] = "syscall-exit-stop",
};

void ptv_kernel_init(struct ptv_kernel *k, const struct ptv_host_iface *host,
		     void *host_ctx)
{
	ptv_tasks_init(&k->tasks);
	k->yama = PTV_YAMA_OFF;
	k->traced = NULL;
	k->n_native_zombies = 0;
	k->n_death_subs = 0;
	k->stops_owed = false;
	k->continues_held = false;
	k->host = host;
	k->host_ctx = host_ctx;
}

void ptv_kernel_destroy(struct ptv_kernel *k)
{
	ptv_tasks_destroy(&k->tasks);
	k->traced = NULL;
	k->n_native_zombies = 0;
}

/* ---------------------------------------------------------------------- */
/* Relations                                                              */

static void ptrace_link(struct ptv_kernel *k, struct ptv_task *t,
			struct ptv_task *tracer)
{
	PTV_CHECK(t->tracer == NULL, "task %d is already traced by %d", t->tid,
		  t->tracer ? t->tracer->tid : 0);
	t->tracer = tracer;
	tracer->ntracees++;
	/* "list_add(&child->ptrace_entry, &new_parent->ptraced)": newest first. */
	t->traced_prev = NULL;
	t->traced_next = k->traced;
	if (k->traced)
		k->traced->traced_prev = t;
	k->traced = t;
	VLOG(k, "[%d] virtual: now traced by %d", t->tid, tracer->tid);
}

static void ptrace_unlink(struct ptv_kernel *k, struct ptv_task *t)
{
	PTV_CHECK(t->tracer != NULL, "task %d is not traced", t->tid);
	VLOG(k, "[%d] virtual: no longer traced by %d", t->tid, t->tracer->tid);
	if (t->traced_prev)
		t->traced_prev->traced_next = t->traced_next;
	else
		k->traced = t->traced_next;
	if (t->traced_next)
		t->traced_next->traced_prev = t->traced_prev;
	t->traced_prev = t->traced_next = NULL;
	t->tracer->ntracees--;
	t->tracer = NULL;
	t->seized = false;
	t->options = 0;
	t->vstop = PTV_VSTOP_NONE;
	t->exit_code = 0;
	t->resume = PTV_VRESUME_CONT;
	t->listening = false;
	t->interrupt_pending = false;
}

struct ptv_task *ptv_real_parent(struct ptv_kernel *k, struct ptv_task *t)
{
	struct ptv_task *p = ptv_task_find(&k->tasks, t->parent_tid);

	if (p && p->tgid == t->parent_tgid && !p->host_gone)
		return p;
	/* The thread that forked it is gone: another thread of its group. */
	p = ptv_task_find(&k->tasks, t->parent_tgid);
	if (p && p->tgid == t->parent_tgid && !p->host_gone)
		return p;
	for (size_t cursor = 0; (p = ptv_tasks_next(&k->tasks, &cursor));)
		if (p->tgid == t->parent_tgid && !p->host_gone)
			return p;
	return NULL;
}

/* True if @a and @b are threads of one thread group. */
static bool same_thread_group(const struct ptv_task *a, const struct ptv_task *b)
{
	return a->tgid == b->tgid;
}

/* Frees @t once neither the host nor a virtual tracer needs it. */
static void release_if_unused(struct ptv_kernel *k, struct ptv_task *t)
{
	if (t->host_gone && t->tracer == NULL && !t->vzombie)
		ptv_task_remove(&k->tasks, t);
}

/* ---------------------------------------------------------------------- */
/* Requests                                                               */

static int yama_may_attach(struct ptv_kernel *k, struct ptv_task *tracer,
			   struct ptv_task *tracee);
static int yama_may_traceme(struct ptv_kernel *k, struct ptv_task *parent,
			     struct ptv_task *child);
static int check_options(struct ptv_kernel *k, struct ptv_task *tracer,
			 uint64_t options);

static bool valid_signal(uint64_t sig)
{
	return sig <= PTV_NSIG;
}

int ptv_ptrace_traceme(struct ptv_kernel *k, struct ptv_task *caller)
{
	struct ptv_task *parent;
	int r;

	/* "Are we already being traced?" (kernel/ptrace.c:ptrace_traceme) */
	if (caller->tracer)
		return -EPERM;
	parent = ptv_real_parent(k, caller);
	/* A parent outside the guests can never become a tracer. */
	if (parent == NULL)
		return -EPERM;
	r = k->host->may_traceme(k->host_ctx, parent, caller);
	if (r == 0)
		r = yama_may_traceme(k, parent, caller);
	if (r)
		return r;
	ptrace_link(k, caller, parent);
	return 0;
}

/* kernel/ptrace.c:check_ptrace_options(); @tracer makes the request. */
static int check_options(struct ptv_kernel *k, struct ptv_task *tracer,
			 uint64_t options)
{
	if (options & ~(uint64_t)PTV_O_MASK)
		return -EINVAL;
	/*
	 * "if (!capable(CAP_SYS_ADMIN)) return -EPERM; if
	 * (seccomp_mode(&current->seccomp) != SECCOMP_MODE_DISABLED ...)
	 * return -EPERM;" — judged on the guest's own view: the supervisor's
	 * filter does not count, and the option never suspends it (DESIGN.md,
	 * invariant 4).
	 */
	if (options & PTV_O_SUSPEND_SECCOMP) {
		if (!k->host->capable(k->host_ctx, tracer, NULL,
				      PTV_CAP_SYS_ADMIN))
			return -EPERM;
		if (k->host->has_own_seccomp(k->host_ctx, tracer))
			return -EPERM;
		/* "|| current->ptrace & PT_SUSPEND_SECCOMP" */
		if (tracer->tracer && (tracer->options & PTV_O_SUSPEND_SECCOMP))
			return -EPERM;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Yama (security/yama/yama_lsm.c)                                        */

static struct ptv_task *group_leader(struct ptv_kernel *k, ptv_tid_t tgid)
{
	return ptv_task_find(&k->tasks, tgid);
}

/*
 * task_is_descendant(): is @child's process @ancestor's group or below it,
 * following real parents?
 */
static bool is_descendant(struct ptv_kernel *k, ptv_tid_t ancestor_tgid,
			  struct ptv_task *child)
{
	struct ptv_task *walker = child;

	for (int depth = 0; walker && depth < 4096; depth++) {
		if (walker->tgid == ancestor_tgid)
			return true;
		walker = ptv_real_parent(k, walker);
	}
	return false;
}

/* ptracer_exception_found() */
static bool ptracer_exception_found(struct ptv_kernel *k, struct ptv_task *tracer,
				    struct ptv_task *tracee)
{
	struct ptv_task *leader = group_leader(k, tracee->tgid);

	if (leader == NULL || leader->yama_ptracer == 0)
		return false;
	if (leader->yama_ptracer == PTV_PTRACER_ANY)
		return true;
	return is_descendant(k, leader->yama_ptracer, tracer);
}

static int yama_may_attach(struct ptv_kernel *k, struct ptv_task *tracer,
			   struct ptv_task *tracee)
{
	switch (k->yama) {
	case PTV_YAMA_OFF:
	case PTV_YAMA_DISABLED:
		return 0;
	/* "ns_capable(__task_cred(child)->user_ns, CAP_SYS_PTRACE)" */
	case PTV_YAMA_RELATIONAL:
		if (is_descendant(k, tracer->tgid, tracee) ||
		    ptracer_exception_found(k, tracer, tracee) ||
		    k->host->capable(k->host_ctx, tracer, tracee,
				     PTV_CAP_SYS_PTRACE))
			return 0;
		return -EPERM;
	case PTV_YAMA_CAPABILITY:
		return k->host->capable(k->host_ctx, tracer, tracee,
					PTV_CAP_SYS_PTRACE)
			       ? 0
			       : -EPERM;
	case PTV_YAMA_NO_ATTACH:
		break;
	}
	return -EPERM;
}

static int yama_may_traceme(struct ptv_kernel *k, struct ptv_task *parent,
			     struct ptv_task *child)
{
	switch (k->yama) {
	/* "has_ns_capability(parent, current_user_ns(), CAP_SYS_PTRACE)" */
	case PTV_YAMA_CAPABILITY:
		return k->host->capable(k->host_ctx, parent, child,
					PTV_CAP_SYS_PTRACE)
			       ? 0
			       : -EPERM;
	case PTV_YAMA_NO_ATTACH:
		return -EPERM;
	default:
		return 0;
	}
}

int ptv_yama_set_ptracer(struct ptv_kernel *k, struct ptv_task *caller,
			 int64_t arg)
{
	struct ptv_task *leader = group_leader(k, caller->tgid);
	struct ptv_task *tracer;

	if (k->yama == PTV_YAMA_OFF)
		return -EINVAL;
	if (leader == NULL)
		leader = caller;
	if (arg == 0 || arg == PTV_PTRACER_ANY || (int32_t)arg == -1) {
		leader->yama_ptracer = arg == 0 ? 0 : PTV_PTRACER_ANY;
		return 0;
	}
	tracer = ptv_task_find(&k->tasks, (ptv_tid_t)arg);
	if (tracer == NULL || tracer->host_gone)
		return -EINVAL;
	leader->yama_ptracer = tracer->tgid;
	return 0;
}

int ptv_ptrace_seize_check(struct ptv_kernel *k, struct ptv_task *caller,
			   uint64_t addr, uint64_t options)
{
	if (addr != 0)
		return -EIO;
	/*
	 * "This duplicates the check in check_ptrace_options() because
	 * ptrace_attach() and ptrace_setoptions() have historically used
	 * different error codes for unknown ptrace options."
	 */
	if (options & ~(uint64_t)PTV_O_MASK)
		return -EIO;
	return check_options(k, caller, options);
}

/*
 * Of the signals pending at an attach that the target ignores
 * (discard_sigs, taken for ones Linux discarded when they were sent), one
 * of its group's or its own whose sending the supervisor saw (kept_sent,
 * discard_sent, kept_own: it traps kill(2) and tgkill(2) of the signals
 * whose default is to ignore; given_at_syscall) is accounted for already:
 * it is told apart
 * when dequeued (syscalls/signal.c, ptv_signal_discarded()).
 */
static void forget_kept_sends(struct ptv_kernel *k, struct ptv_task *target)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, target->tgid);
	uint64_t shared = leader ? leader->kept_sent | leader->discard_sent : 0;
	uint64_t own = target->kept_own | target->given_at_syscall;
	uint64_t both = shared & own & target->discard_sigs;
	uint64_t one = (shared ^ own) & target->discard_sigs;

	/* Two pending and one kept: one is discarded; else none is. */
	target->discard_sigs &= ~(both | (one & ~target->discard_twice));
	target->discard_twice &= ~(both | one);
}

int ptv_ptrace_attach(struct ptv_kernel *k, struct ptv_task *caller,
		      ptv_tid_t pid, bool seize, uint64_t addr, uint64_t options)
{
	struct ptv_task *target;
	int r;

	/* sys_ptrace() looks the pid up before ptrace_attach() checks. */
	target = ptv_task_find(&k->tasks, pid);
	if (target == NULL || (target->host_gone && !target->vzombie))
		return -ESRCH;
	if (seize) {
		r = ptv_ptrace_seize_check(k, caller, addr, options);
		if (r)
			return r;
	}
	if (same_thread_group(target, caller))
		return -EPERM;
	r = k->host->may_attach(k->host_ctx, caller, target);
	if (r == 0)
		r = yama_may_attach(k, caller, target);
	if (r)
		return r;
	/*
	 * "if (unlikely(task->exit_state)) return -EPERM"; a leader held at
	 * its exit for its group is a zombie in Linux.
	 */
	if (target->vzombie || target->host_state == PTV_HOST_EXITING ||
	    target->leader_hold != PTV_LEADER_FREE ||
	    k->host->is_zombie(k->host_ctx, target))
		return -EPERM;
	if (target->tracer)
		return -EPERM;
	ptrace_link(k, target, caller);
	target->discard_sigs = k->host->pending_ignored(k->host_ctx, target,
							&target->discard_twice);
	forget_kept_sends(k, target);
	target->seized = seize;
	target->options = seize ? (uint32_t)options : 0;
	if (!seize) {
		struct ptv_task *u;

		/*
		 * ptrace_set_stopped(): SIGSTOP, SEND_SIG_PRIV, to the thread,
		 * whose prepare_signal() removes SIGCONT from all the group's
		 * queues: a SIGCONT Linux left pending for the group, which
		 * the supervisor keeps for a thread in a ptrace-stop
		 * (->sigcont_deferred), goes too, and so does one the host
		 * had a thread dequeue before the loop saw it, which nobody
		 * takes then (->sigcont_flushed; ptfuzz seed 681).
		 */
		for (size_t cursor = 0;
		     (u = ptv_tasks_next(&k->tasks, &cursor));) {
			if (u->tgid != target->tgid)
				continue;
			if (u->tid == u->tgid && u->sigcont_named) {
				u->sigcont_named = 0;
				u->sigcont_flushed = true;
			}
			if (u->sigcont_deferred) {
				u->sigcont_deferred = false;
				VLOG(k, "[%d] the SIGCONT kept for %d flushed by "
				     "the attach's SIGSTOP", target->tid,
				     u->tid);
			}
		}
		target->sigfix = PTV_SIGFIX_ATTACH_SIGSTOP;
		k->host->send_signal(k->host_ctx, target, PTV_SIGSTOP);
	}
	/*
	 * "If the task is already STOPPED, set JOBCTL_TRAP_STOP ... and kick
	 * it so that it transits to TRACED": the host re-traps it into a
	 * group-stop that the loop reports.
	 */
	if (target->host_state == PTV_HOST_LISTENING)
		k->host->interrupt(k->host_ctx, target);
	return 0;
}

int ptv_ptrace_check_attach(struct ptv_kernel *k, struct ptv_task *caller,
			    ptv_tid_t pid, bool ignore_state,
			    struct ptv_task **tracee)
{
	struct ptv_task *t = ptv_task_find(&k->tasks, pid);

	/* "child->ptrace && child->parent == current": the tracer thread. */
	if (t == NULL || t->tracer != caller)
		return -ESRCH;
	if (!ignore_state &&
	    (t->listening || t->vzombie || t->vstop == PTV_VSTOP_NONE))
		return -ESRCH;
	*tracee = t;
	return 0;
}

int ptv_ptrace_setoptions(struct ptv_kernel *k, struct ptv_task *tracee,
			  uint64_t options)
{
	int r = check_options(k, tracee->tracer, options);

	if (r)
		return r;
	tracee->options = (uint32_t)options;
	return 0;
}

/*
 * The task leaves its virtual stop. A tracee resumed from its
 * PTRACE_EVENT_EXIT stop whose exit must stay hidden from its real parent
 * stays held on the host and becomes a virtual zombie (see ptv_task_exited).
 */
static bool exit_stop_becomes_zombie(struct ptv_kernel *k, struct ptv_task *t)
{
	if (!(t->vstop == PTV_VSTOP_EVENT && t->held_at_exit))
		return false;
	t->vstop = PTV_VSTOP_NONE;
	t->exit_code = 0;
	ptv_task_exited(k, t, (int)t->event_msg);
	return true;
}

int ptv_ptrace_resume(struct ptv_kernel *k, struct ptv_task *tracee,
		      enum ptv_vresume how, uint64_t sig)
{
	bool signal_stop = tracee->vstop == PTV_VSTOP_SIGNAL;
	bool syscall_stop = tracee->vstop == PTV_VSTOP_SYSCALL_ENTER ||
			    tracee->vstop == PTV_VSTOP_SYSCALL_EXIT;
	ptv_tid_t sender = tracee->tracer->tid;

	if (!valid_signal(sig))
		return -EIO;
	/*
	 * kernel/ptrace.c:ptrace_report_syscall(): a signal given at a
	 * syscall stop is sent ("if (signr) send_sig(signr, current, 1)"),
	 * and a SIGCONT sent continues the group (prepare_signal()).
	 */
	if (syscall_stop && sig == PTV_SIGCONT)
		ptv_group_sigcont(k, tracee->tgid);
	/*
	 * send_sig() queues it for the tracee alone (SI_KERNEL), traced:
	 * kept even if ignored, so that a later attach (after a detach)
	 * does not take it, still pending, for one Linux discarded
	 * (forget_kept_sends()), and not one sent to the group
	 * (syscalls/signal.c).
	 */
	if (syscall_stop && sig != 0)
		tracee->given_at_syscall |= 1ULL << (sig - 1);
	/*
	 * kernel/entry/common.c:syscall_trace_enter() emulates a call by the
	 * work flags it read before the syscall-enter-stop: PTRACE_SYSEMU
	 * given there only after a stop PTRACE_SYSCALL made lets the call
	 * run.
	 */
	tracee->sysemu_runs_call =
		tracee->vstop == PTV_VSTOP_SYSCALL_ENTER &&
		ptv_vresume_emulates(how) &&
		!ptv_vresume_emulates(tracee->resume);
	tracee->resume = how;
	/*
	 * Woken in its stop by a group-stop (ptv_group_stop_begins()): Linux
	 * passes get_signal(), which clears TIF_SIGPENDING, before it returns
	 * to user mode from every stop but those before a call runs.
	 */
	tracee->sigpending_at_resume =
		tracee->woken_in_vstop &&
		(tracee->vstop == PTV_VSTOP_SYSCALL_ENTER ||
		 (tracee->vstop == PTV_VSTOP_EVENT &&
		  (tracee->event_msg_code >> 8) == PTV_EVENT_SECCOMP));
	tracee->woken_in_vstop = false;
	/*
	 * Out of its PTRACE_EVENT_EXIT stop (the only event after its exit
	 * began): exit_notify() detaches its own tracees next.
	 */
	if (tracee->vstop == PTV_VSTOP_EVENT && tracee->exit_seen)
		ptv_ptrace_tracer_exit(k, tracee);
	if (exit_stop_becomes_zombie(k, tracee))
		return 0;
	tracee->vstop = PTV_VSTOP_NONE;
	tracee->exit_code = 0;
	tracee->host_state = PTV_HOST_RUNNING;
	/* A SIGKILL ended the host's stop: Linux fails the request. */
	if (k->host->resume(k->host_ctx, tracee, how, (int)sig, signal_stop,
			    sender) == -ESRCH)
		return -ESRCH;
	return 0;
}

int ptv_ptrace_listen(struct ptv_kernel *k, struct ptv_task *tracee)
{
	/* "si && (si->si_code >> 8) == PTRACE_EVENT_STOP", seized only. */
	if (!tracee->seized || (tracee->event_msg_code >> 8) != PTV_EVENT_STOP)
		return -EIO;
	tracee->listening = true;
	tracee->vstop = PTV_VSTOP_NONE;
	tracee->exit_code = 0;
	tracee->host_state = PTV_HOST_LISTENING;
	k->host->resume(k->host_ctx, tracee, PTV_VRESUME_LISTEN, 0, false, 0);
	return 0;
}

int ptv_ptrace_interrupt(struct ptv_kernel *k, struct ptv_task *tracee)
{
	if (!tracee->seized)
		return -EIO;
	/*
	 * "At least one trap is guaranteed to happen after this request. If
	 * @child is already trapped, the current trap is not disturbed and
	 * another trap will happen after the current trap is ended" — the
	 * host keeps the same promise for its own PTRACE_INTERRUPT.
	 */
	if (tracee->vzombie)
		return 0;
	tracee->interrupt_pending = true;
	k->host->interrupt(k->host_ctx, tracee);
	return 0;
}

int ptv_ptrace_kill(struct ptv_kernel *k, struct ptv_task *tracee)
{
	/* "send_sig_info(SIGKILL, SEND_SIG_NOINFO, child); return 0;" */
	if (!tracee->vzombie && !tracee->host_gone)
		k->host->send_signal(k->host_ctx, tracee, PTV_SIGKILL);
	return 0;
}

/*
 * Wakes a tracee its tracer let go of (__ptrace_unlink): back into the
 * group-stop if one is in effect, otherwise running, with @sig.
 */
static void wake_untraced(struct ptv_kernel *k, struct ptv_task *t,
			  enum ptv_vstop was, int sig, ptv_tid_t sender)
{
	if (t->listening || t->host_state == PTV_HOST_LISTENING) {
		t->listening = false;
		return; /* still held by PTRACE_LISTEN: it stays stopped */
	}
	if (was == PTV_VSTOP_NONE)
		return; /* running */
	/*
	 * kernel/ptrace.c:ptrace_report_syscall() sends a signal given at a
	 * syscall stop once the task is untraced ("send_sig(current->
	 * exit_code, current, 1)"): a fatal one kills its group at once
	 * (complete_signal()). On the host, which still traces it, it would
	 * wait to be dequeued, after a pending group-stop: SIGKILL in its
	 * place (design note 48).
	 */
	if ((was == PTV_VSTOP_SYSCALL_ENTER || was == PTV_VSTOP_SYSCALL_EXIT) &&
	    sig != 0 && k->host->kills_group_at_once(k->host_ctx, t, sig)) {
		ptv_death_sub_set(k, t, sig);
		k->host->send_signal(k->host_ctx, t, PTV_SIGKILL);
		sig = 0;
	}
	/*
	 * "Reinstate JOBCTL_STOP_PENDING if group stop is in effect", before
	 * the wake-up: interrupted while still in its host stop, the task
	 * traps again before it dequeues a pending signal (a fatal one would
	 * otherwise kill the group natively held in its group-stop).
	 */
	if (t->group_stopped) {
		k->host->interrupt(k->host_ctx, t);
		/*
		 * A SIGSTOP it is given then joins that group-stop
		 * (do_signal_stop(): JOBCTL_STOP_PENDING is set, so no new
		 * one begins). The host, which reinstates nothing, would
		 * begin a new group-stop that every other thread of the
		 * group stops for again once resumed: it gets none. (A
		 * SIGTSTP, SIGTTIN or SIGTTOU may have a handler, which the
		 * model does not know: given as before.)
		 */
		if (sig == PTV_SIGSTOP)
			sig = 0;
	}
	t->host_state = PTV_HOST_RUNNING;
	k->host->resume(k->host_ctx, t, PTV_VRESUME_CONT, sig,
			was == PTV_VSTOP_SIGNAL, sender);
}

static bool note_native_zombie(struct ptv_kernel *k, struct ptv_task *t,
			       int status, bool exiting);

/* Its exit signal: clone()'s low byte (0 too: clone(2) with flags 0). */
static int exit_signal_of(const struct ptv_task *t)
{
	return (int)(t->clone_flags & 0xff);
}

/* A "clone" child reports to its parent with a signal other than SIGCHLD. */
static bool is_clone_child(const struct ptv_task *t)
{
	return exit_signal_of(t) != PTV_SIGCHLD;
}

static int cld_code_of(int status)
{
	if ((status & 0x7f) == 0)
		return PTV_CLD_EXITED;
	return (status & 0x80) ? PTV_CLD_DUMPED : PTV_CLD_KILLED;
}

static int cld_status_of(int status)
{
	return (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f;
}

/*
 * A process its tracer lets go of, dead, is its real parent's now, which
 * hears with its exit signal (kernel/exit.c:wait_task_zombie(), or
 * __ptrace_detach(): do_notify_parent()). Linux keeps that signal if the
 * parent thread is traced then, even if it ignores it; the host sends it
 * later (the exit goes on) and keeps it anyway: recorded as kept, so that
 * the parent, attached or dequeuing it later, does not count it as one
 * Linux discarded (syscalls/signal.c; ptfuzz seed 102). The same for an
 * untraced process's own exit (exit_notify()), which the host sends when
 * the loop collects it (ptfuzz seed 93). @status: its wait status.
 */
static void note_parent_signal(struct ptv_kernel *k, struct ptv_task *t,
			       int status)
{
	struct ptv_task *parent, *leader;
	int sig;

	if (t->tid != t->tgid)
		return;
	parent = ptv_real_parent(k, t);
	sig = exit_signal_of(t);
	if (parent == NULL || parent->tracer == NULL || sig <= 0 || sig > 64)
		return;
	leader = ptv_task_find(&k->tasks, parent->tgid);
	if (leader == NULL)
		return;
	leader->kept_sent |= 1ULL << (sig - 1);
	k->host->exit_signal_kept(k->host_ctx, leader, t, sig,
				  cld_code_of(status), cld_status_of(status));
}

/*
 * Lets go of a virtual zombie: its host exit may go on to the real parent.
 * Linux made it the real parent's zombie at once; the host will once the
 * exit is over: until then a wait that reports it blocks for it.
 */
static bool group_thread_unreaped(struct ptv_kernel *k,
				  const struct ptv_task *t);

/*
 * @t, a thread, is reaped (or let go): its dead leader, a virtual zombie
 * that waited for it (delay_group_leader()), may be reported now, and
 * its tracer's waits that sleep for it are woken (kernel/exit.c:
 * release_task(): "If we were the last child thread and the leader has
 * exited already, and the leader's parent ignores SIGCHLD, then we are
 * the one who should release the leader"; otherwise do_notify_parent()
 * wakes its waiters).
 */
static void wake_for_delayed_leader(struct ptv_kernel *k, ptv_tid_t tid,
				    ptv_tid_t tgid)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, tgid);

	if (tid == tgid || leader == NULL || !leader->vzombie ||
	    leader->tracer == NULL || group_thread_unreaped(k, leader))
		return;
	k->host->wake_waiters(k->host_ctx, leader->tracer->tgid);
}

static void release_zombie(struct ptv_kernel *k, struct ptv_task *t)
{
	bool was_zombie = t->vzombie;

	if (was_zombie && !t->native_reap)
		note_parent_signal(k, t, t->zombie_status);
	t->vzombie = false;
	if (t->held_at_exit) {
		t->held_at_exit = false;
		if (was_zombie && t->tracer == NULL)
			note_native_zombie(k, t, t->zombie_status, true);
		k->host->resume(k->host_ctx, t, PTV_VRESUME_CONT, 0, false, 0);
		/* A zombie in Linux: no attaching to it (ESRCH, EPERM). */
		t->host_state = PTV_HOST_EXITING;
	}
}

int ptv_ptrace_detach(struct ptv_kernel *k, struct ptv_task *tracee,
		      uint64_t sig)
{
	enum ptv_vstop was = tracee->vstop;
	struct ptv_task *parent;

	if (!valid_signal(sig))
		return -EIO;
	if (exit_stop_becomes_zombie(k, tracee)) {
		/* Detached at its exit: nobody virtual will reap it. */
		ptrace_unlink(k, tracee);
		release_zombie(k, tracee);
		return 0;
	}
	ptrace_unlink(k, tracee);
	parent = ptv_real_parent(k, tracee);
	wake_untraced(k, tracee, was, (int)sig, parent ? parent->tid : 0);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Stops                                                                  */

bool ptv_group_is_tracer(const struct ptv_kernel *k, ptv_tid_t tgid)
{
	for (const struct ptv_task *t = k->traced; t; t = t->traced_next)
		if (t->tracer->tgid == tgid)
			return true;
	return false;
}

bool ptv_ptrace_event_enabled(const struct ptv_task *t, int event)
{
	/* PTRACE_O_TRACE<event> == 1 << PTRACE_EVENT_<event> (linux/ptrace.h) */
	return t->tracer != NULL && event >= 1 && event <= 7 &&
	       (t->options & (1u << event));
}

/*
 * kernel/signal.c:ptrace_stop(): record the stop, notify the tracer
 * (do_notify_parent_cldstop(current, true, why)) and wake its waiters.
 */
static void enter_stop(struct ptv_kernel *k, struct ptv_task *t,
		       enum ptv_vstop vstop, int code, int why, int status)
{
	PTV_CHECK(t->tracer != NULL, "task %d stops without a tracer", t->tid);
	/* "any trap clears pending STOP trap" (kernel/signal.c:ptrace_stop()) */
	t->interrupt_pending = false;
	t->woken_in_vstop = false;
	t->vstop = vstop;
	t->exit_code = code;
	t->event_msg_code = code;
	t->listening = false;
	t->host_state = PTV_HOST_STOPPED;
	VLOG(k, "[%d] virtual %s for tracer %d, status %#x", t->tid,
	     vstop_names[vstop], t->tracer->tid, (code << 8) | 0x7f);
	k->host->notify_parent(k->host_ctx, t->tracer, t, why, status);
	k->host->wake_waiters(k->host_ctx, t->tracer->tgid);
}

void ptv_vstop_signal(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	/* ptrace_stop(exit_code, why, message, info): "current->ptrace_message
	   = message", 0 for a signal-delivery-stop and a group-stop. */
	t->event_msg = 0;
	enter_stop(k, t, PTV_VSTOP_SIGNAL, sig, PTV_CLD_TRAPPED, sig & 0x7f);
}

void ptv_vstop_group(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	/* kernel/signal.c:do_jobctl_trap() */
	int code = t->seized ? (sig | (PTV_EVENT_STOP << 8)) : sig;

	t->event_msg = 0;
	enter_stop(k, t, PTV_VSTOP_GROUP, code, PTV_CLD_STOPPED, sig);
}

void ptv_vstop_event(struct ptv_kernel *k, struct ptv_task *t, int event,
		     unsigned long msg)
{
	if (event == PTV_EVENT_STOP) {
		/*
		 * "if (!signal->group_stop_count && !(signal->flags &
		 * SIGNAL_STOP_STOPPED)) signr = SIGTRAP;"
		 */
		int sig = t->group_stopped ? t->group_stop_sig : PTV_SIGTRAP;

		t->interrupt_pending = false;
		t->event_msg = 0;
		enter_stop(k, t, PTV_VSTOP_EVENT, sig | (PTV_EVENT_STOP << 8),
			   PTV_CLD_STOPPED, t->group_stopped ? sig : 0);
		return;
	}
	t->event_msg = msg;
	enter_stop(k, t, PTV_VSTOP_EVENT, PTV_SIGTRAP | (event << 8),
		   PTV_CLD_TRAPPED, PTV_SIGTRAP);
}

void ptv_vstop_syscall(struct ptv_kernel *k, struct ptv_task *t, bool entry)
{
	/* kernel/entry: ptrace_report_syscall() */
	int code = PTV_SIGTRAP | ((t->options & PTV_O_TRACESYSGOOD) ? 0x80 : 0);

	t->event_msg = entry ? PTV_EVENTMSG_SYSCALL_ENTRY
			     : PTV_EVENTMSG_SYSCALL_EXIT;
	enter_stop(k, t, entry ? PTV_VSTOP_SYSCALL_ENTER : PTV_VSTOP_SYSCALL_EXIT,
		   code, PTV_CLD_TRAPPED, code & 0x7f);
}

/* ---------------------------------------------------------------------- */
/* Lifecycle                                                              */

bool ptv_ptrace_clone(struct ptv_kernel *k, struct ptv_task *parent,
		      struct ptv_task *child, uint64_t flags, int event,
		      bool *sigstop)
{
	bool untraced = parent->untraced_clone_pending ||
			(flags & PTV_CLONE_UNTRACED);
	bool trace = !untraced && ptv_ptrace_event_enabled(parent, event);

	*sigstop = false;
	/* ptrace_init_task(child, (clone_flags & CLONE_PTRACE) || trace) */
	if (!((flags & PTV_CLONE_PTRACE) || trace) || parent->tracer == NULL ||
	    child->tracer != NULL)
		return false;
	ptrace_link(k, child, parent->tracer);
	child->seized = parent->seized;
	child->options = parent->options;
	/*
	 * "if (child->ptrace & PT_SEIZED) task_set_jobctl_pending(child,
	 * JOBCTL_TRAP_STOP); else sigaddset(&child->pending.signal, SIGSTOP);"
	 */
	*sigstop = !child->seized;
	if (*sigstop)
		child->sigfix = PTV_SIGFIX_CHILD_SIGSTOP;
	else
		child->autoattach_trap = true;
	return true;
}

void ptv_ptrace_tracer_exit(struct ptv_kernel *k, struct ptv_task *tracer)
{
	struct ptv_task *t = k->traced, *next;

	for (; t; t = next) {
		next = t->traced_next;
		if (t->tracer != tracer)
			continue;
		if (t->options & PTV_O_EXITKILL)
			k->host->send_signal(k->host_ctx, t, PTV_SIGKILL);
		if (t->vzombie || exit_stop_becomes_zombie(k, t)) {
			ptrace_unlink(k, t);
			release_zombie(k, t);
			release_if_unused(k, t);
			continue;
		}
		{
			enum ptv_vstop was = t->vstop;
			/* An unreported signal-delivery-stop keeps its signal. */
			int sig = was == PTV_VSTOP_SIGNAL ? t->exit_code : 0;

			ptrace_unlink(k, t);
			wake_untraced(k, t, was, sig, tracer->tid);
		}
	}
}

void ptv_ptrace_forget_task(struct ptv_kernel *k, struct ptv_task *t)
{
	ptv_ptrace_tracer_exit(k, t);
	t->vzombie = false;
	if (t->tracer)
		ptrace_unlink(k, t);
}

/*
 * The real parent thread of native zombie @z, or NULL once that thread is
 * gone (its tid may belong to another task by then).
 */
static struct ptv_task *native_zombie_parent(struct ptv_kernel *k,
					     const struct ptv_native_zombie *z)
{
	struct ptv_task *p = ptv_task_find(&k->tasks, z->parent_tid);

	return p && p->tgid == z->parent_tgid ? p : NULL;
}

/*
 * The same for a zombie @waiter's group may wait for (its parent is in the
 * group, eligible_as_child()), else NULL. Waits see up to 64 records, most
 * of other groups': those need no lookup (strace -f of fork+exec keeps 64,
 * and a lookup each made ptv_task_find the supervisor's hottest function).
 */
static struct ptv_task *native_zombie_parent_in(struct ptv_kernel *k,
						const struct ptv_native_zombie *z,
						const struct ptv_task *waiter)
{
	return z->parent_tgid == waiter->tgid ? native_zombie_parent(k, z) : NULL;
}

/* Is a thread of group @tgid other than @but held at its exit or unreaped? */
static bool thread_unreaped(struct ptv_kernel *k, ptv_tid_t tgid,
			    ptv_tid_t but)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == tgid && u->tid != but &&
		    (u->held_at_exit || u->vzombie))
			return true;
	return false;
}

/*
 * Is native zombie @z a leader whose group still has a thread its tracer
 * has not reaped? Linux reports it only once that thread is reaped
 * (kernel/exit.c:delay_group_leader()). The host may have it already: a
 * wait that reaps the thread lets the thread's exit go on first
 * (finish_thread_exit()), and is decided again once the host is done,
 * when the leader's exit may be in too.
 */
static bool native_zombie_delayed(struct ptv_kernel *k,
				  const struct ptv_native_zombie *z)
{
	return thread_unreaped(k, z->tid, z->tid);
}

/* Forgets native zombie @i; the others keep their order (oldest first). */
static void drop_native_zombie(struct ptv_kernel *k, size_t i)
{
	k->n_native_zombies--;
	memmove(&k->native_zombies[i], &k->native_zombies[i + 1],
		(k->n_native_zombies - i) * sizeof(k->native_zombies[0]));
}

/*
 * A child of group @tgid is its zombie now, or stopped or continued: a
 * wait of the group asleep in pause(2) instead of the native wait
 * (wait_for_children) is woken, to be decided again.
 */
static void wake_waiters_for_children(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *t;
	bool any = false;

	if (!k->children_waits)
		return;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		if (!t->wait_for_children)
			continue;
		any = true;
		if (t->tgid == tgid) {
			k->host->wake_waiters(k->host_ctx, tgid);
			return;
		}
	}
	k->children_waits = any;
}

void ptv_wake_parent_waiters(struct ptv_kernel *k, struct ptv_task *child)
{
	struct ptv_task *parent;

	if (!k->children_waits)
		return;
	parent = ptv_real_parent(k, child);
	if (parent != NULL)
		wake_waiters_for_children(k, parent->tgid);
}

static struct ptv_death_sub *death_sub_of(const struct ptv_kernel *k,
					  ptv_tid_t tgid)
{
	for (size_t i = 0; i < k->n_death_subs; i++)
		if (k->death_subs[i].tgid == tgid)
			return (struct ptv_death_sub *)&k->death_subs[i];
	return NULL;
}

void ptv_death_sub_set(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	struct ptv_death_sub *d = death_sub_of(k, t->tgid);
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	struct ptv_task *parent = leader ? ptv_real_parent(k, leader) : NULL;

	if (d == NULL) {
		if (k->n_death_subs == PTV_MAX_DEATH_SUBS) {
			k->n_death_subs--;
			memmove(&k->death_subs[0], &k->death_subs[1],
				k->n_death_subs * sizeof(k->death_subs[0]));
		}
		d = &k->death_subs[k->n_death_subs++];
	}
	d->tgid = t->tgid;
	d->sig = sig;
	d->reaped = false;
	VLOG(k, "[%d] group %d killed by SIGKILL in the place of signal %d",
	     t->tid, t->tgid, sig);
	/* A wait asleep natively would report SIGKILL. */
	if (parent != NULL)
		k->host->wake_waiters(k->host_ctx, parent->tgid);
}

int ptv_death_sig(const struct ptv_kernel *k, ptv_tid_t tgid)
{
	const struct ptv_death_sub *d = death_sub_of(k, tgid);

	return d ? d->sig : 0;
}

int ptv_death_status(const struct ptv_kernel *k, ptv_tid_t tgid, int status)
{
	int sig;

	/* Killed by SIGKILL (kernel/exit.c: the group's exit code). */
	if ((status & 0x7f) != PTV_SIGKILL)
		return status;
	sig = ptv_death_sig(k, tgid);
	if (sig == 0)
		return status;
	return (status & ~0x7f) | sig;
}

void ptv_death_sub_done(struct ptv_kernel *k, ptv_tid_t tgid, bool reaped)
{
	struct ptv_death_sub *d = death_sub_of(k, tgid);
	size_t i;

	if (d == NULL)
		return;
	if (reaped) {
		d->reaped = true;
		return;
	}
	i = (size_t)(d - k->death_subs);
	k->n_death_subs--;
	memmove(&k->death_subs[i], &k->death_subs[i + 1],
		(k->n_death_subs - i) * sizeof(k->death_subs[0]));
}

/*
 * The thread group whose native wait may still report the death of group
 * @d, killed in a signal's place: its leader's real parent's, or the
 * parent's the model keeps for it as a native zombie; 0 if none (reaped,
 * or gone unseen: autoreaped, or forgotten).
 */
static ptv_tid_t death_sub_parent(struct ptv_kernel *k,
				  const struct ptv_death_sub *d)
{
	struct ptv_task *leader, *parent;

	if (d->reaped)
		return 0;
	for (size_t j = 0; j < k->n_native_zombies; j++)
		if (k->native_zombies[j].tid == d->tgid)
			return k->native_zombies[j].parent_tgid;
	leader = ptv_task_find(&k->tasks, d->tgid);
	parent = leader ? ptv_real_parent(k, leader) : NULL;
	return parent ? parent->tgid : 0;
}

/* Is @waiter's group such a parent of one? */
static bool death_sub_reportable(struct ptv_kernel *k,
				 const struct ptv_task *waiter)
{
	for (size_t i = 0; i < k->n_death_subs; i++)
		if (death_sub_parent(k, &k->death_subs[i]) == waiter->tgid)
			return true;
	return false;
}

/*
 * An untraced child exited: the host keeps it for its real parent, and
 * only the model knows whether a tracee of that parent's group comes before
 * or after it in the group's waits (the group may trace one later). If the
 * parent autoreaps it, or a native wait reaps it unseen, the wait that
 * reports it finds nothing and forgets it; when they are too many, the
 * oldest is forgotten.
 */
static bool note_native_zombie(struct ptv_kernel *k, struct ptv_task *t,
			       int status, bool exiting)
{
	struct ptv_task *parent = t->tid == t->tgid ? ptv_real_parent(k, t) : NULL;
	struct ptv_native_zombie *z;

	if (parent == NULL)
		return false;
	/* Noted when its held exit was let go: now the host has it. */
	for (size_t i = 0; i < k->n_native_zombies; i++) {
		z = &k->native_zombies[i];
		if (z->tid == t->tid && z->exiting) {
			z->exiting = exiting;
			z->status = status;
			return false;
		}
	}
	if (k->n_native_zombies == PTV_MAX_NATIVE_ZOMBIES)
		drop_native_zombie(k, 0);
	z = &k->native_zombies[k->n_native_zombies++];
	z->tid = t->tid;
	z->parent_tid = parent->tid;
	z->parent_tgid = parent->tgid;
	z->seq = t->child_seq;
	z->status = status;
	z->pgid = k->host->pgid_of(k->host_ctx, t);
	z->clone_child = is_clone_child(t);
	z->exiting = exiting;
	VLOG(k, "[%d] native zombie of %d, status %#x%s", t->tid, parent->tid,
	     status, exiting ? " (still exiting on the host)" : "");
	wake_waiters_for_children(k, parent->tgid);
	return true;
}

void ptv_native_stop_owe(struct ptv_kernel *k, struct ptv_task *t)
{
	t->native_stop_owed = true;
	k->stops_owed = true;
}

bool ptv_wait_model_needed(struct ptv_kernel *k)
{
	const struct ptv_task *t;

	for (size_t i = 0; i < k->n_native_zombies; i++)
		if (k->native_zombies[i].exiting)
			return true;
	/* A death to show with another signal (ptv_death_sub_set()). */
	for (size_t i = 0; i < k->n_death_subs; i++)
		if (death_sub_parent(k, &k->death_subs[i]) != 0)
			return true;
	/*
	 * A continue the model holds is reported by a native wait, which
	 * the model must see take it: a tracer attached later would report
	 * it again otherwise. One a tracer took is still the host's, which
	 * a native wait must not report (ptv_wait_native_may_see_hidden()),
	 * traced or not by then.
	 */
	if (k->continues_held) {
		for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
			if (t->vcontinued || t->continue_taken)
				return true;
		k->continues_held = false;
	}
	if (!k->stops_owed)
		return false;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->native_stop_owed)
			return true;
	k->stops_owed = false;
	return false;
}

void ptv_native_zombie_gone(struct ptv_kernel *k, ptv_tid_t tid)
{
	for (size_t i = 0; i < k->n_native_zombies; i++) {
		if (k->native_zombies[i].tid != tid)
			continue;
		VLOG(k, "[%d] native zombie gone", tid);
		drop_native_zombie(k, i);
		return;
	}
}

/* Its level below the supervisor's pid namespace (0: that one; -1: unknown). */
static int pidns_level(const struct ptv_task *t)
{
	if (t->pidns == PTV_PIDNS_BELOW)
		return t->pidns_view->depth;
	return t->pidns == PTV_PIDNS_UNREADABLE ? -1 : 0;
}

/*
 * kernel/exit.c:find_alive_thread(): a thread of @tgid that is not exiting,
 * other than @dying.
 */
static struct ptv_task *alive_thread(struct ptv_kernel *k, ptv_tid_t tgid,
				     const struct ptv_task *dying)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid && t != dying && !t->host_gone &&
		    !t->exit_seen)
			return t;
	return NULL;
}

/*
 * kernel/exit.c:find_new_reaper(): the reaper of the orphans of @father's
 * group, which is dying. A live thread of the nearest ancestor in @father's
 * pid namespace that is a child subreaper (PR_SET_CHILD_SUBREAPER), else
 * that namespace's init, which below the supervisor's namespace is a guest.
 * NULL when it is not a guest: in the supervisor's namespace the walk leaves
 * the tree (ptvisor, no subreaper, and its ancestors decide); also when
 * @father's namespace is not known (*known false).
 */
static struct ptv_task *new_reaper(struct ptv_kernel *k,
				   struct ptv_task *father, bool *known)
{
	int level = pidns_level(father);
	struct ptv_task *p = father;

	*known = level >= 0;
	if (level < 0)
		return NULL;
	for (int hops = 0; hops < 4096; hops++) {
		struct ptv_task *thread;

		p = ptv_real_parent(k, p);
		if (p == NULL || pidns_level(p) != level)
			break;
		if (p->child_subreaper &&
		    (thread = alive_thread(k, p->tgid, father)))
			return thread;
	}
	if (level == 0)
		return NULL;
	p = ptv_pidns_init_of(&k->tasks, father);
	*known = p != NULL;
	return p;
}

/* An orphan to renumber: a task, or a native zombie (->task NULL). */
struct orphan {
	uint64_t seq;
	struct ptv_task *task;
	ptv_tid_t zombie;
};

struct orphans {
	struct orphan *o;
	size_t n, cap;
};

static void push_orphan(struct orphans *l, struct orphan o)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->o = realloc(l->o, l->cap * sizeof(*l->o));
		PTV_CHECK(l->o != NULL, "out of memory adopting orphans");
	}
	l->o[l->n++] = o;
}

static int orphan_order(const void *a, const void *b)
{
	const struct orphan *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Gives @r's ->children places after all it has, keeping the orphans' order
 * (list_splice_tail_init()): the @n in @o are sorted by their old places.
 */
static void append_orphans(struct ptv_kernel *k, struct orphan *o, size_t n)
{
	if (n == 0)
		return;		/* (qsort's array may not be NULL) */
	qsort(o, n, sizeof(*o), orphan_order);
	for (size_t i = 0; i < n; i++) {
		uint64_t seq = k->tasks.next_seq++;

		if (o[i].task != NULL) {
			o[i].task->child_seq = seq;
			continue;
		}
		for (size_t j = 0; j < k->n_native_zombies; j++)
			if (k->native_zombies[j].tid == o[i].zombie)
				k->native_zombies[j].seq = seq;
	}
}

/*
 * @z, a tracee, becomes the child of @r, of its tracer's group. Linux
 * reports its exit once, as the child it is (wait_consider_task():
 * "pretend the caller is ptrace_parent"; reparent_leader() leaves a
 * ptraced zombie alone). A leader stopped at its exit event, held there
 * for its tracer while another was its parent, is held no more: its exit
 * goes on when it is resumed (on_exit_event()'s rule). A virtual zombie
 * is, or will be, @r's zombie on the host: the supervisor reaped it as its
 * host tracer (a SIGKILL passes no exit stop), or lets its held exit go on
 * now. So a native wait of @r's group reports it (->native_reap), waiting
 * for the host to finish the exit if need be; else that wait would report
 * it a second time. Unless the host reaps it at once for @r (SIGCHLD
 * ignored): then the model reports it, as before.
 */
static void tracer_adopts(struct ptv_kernel *k, struct ptv_task *z,
			  struct ptv_task *r)
{
	if (!z->vzombie) {
		z->held_at_exit = false;
		return;
	}
	if (z->native_reap || k->host->autoreaped(k->host_ctx, r))
		return;
	z->native_reap = true;
	VLOG(k, "[%d] zombie of its tracer's group %d now: a native wait "
	     "reaps it", z->tid, r->tgid);
	if (!z->held_at_exit)
		return;
	z->held_at_exit = false;
	k->host->resume(k->host_ctx, z, PTV_VRESUME_CONT, 0, false, 0);
	z->host_state = PTV_HOST_EXITING;
}

/*
 * kernel/exit.c:exit_notify(): when the last thread of @t's group exits,
 * forget_original_parent() gives its children to their reaper
 * (new_reaper()), at the tail of its ->children, with SIGCHLD as their exit
 * signal (reparent_leader()); its zombies go too. A reaper outside the tree
 * leaves them without a parent in the model (0: no guest's wait matches
 * them, even once their old parent's tgid is reused).
 */
static void adopt_orphans(struct ptv_kernel *k, struct ptv_task *t)
{
	struct orphans list = { NULL, 0, 0 };
	struct ptv_task *c, *r;
	bool known;

	if (alive_thread(k, t->tgid, t) != NULL)
		return;		/* a thread of its group lives on */
	r = new_reaper(k, t, &known);
	if (!known || (r != NULL && r->tgid == t->tgid))
		return;
	for (size_t cursor = 0; (c = ptv_tasks_next(&k->tasks, &cursor));) {
		bool to_tracer;

		if (c->parent_tgid != t->tgid || c->tgid == t->tgid ||
		    (c->host_gone && !c->vzombie))
			continue;
		c->parent_tgid = r ? r->tgid : 0;
		c->parent_tid = r ? r->tid : 0;
		if (c->tid != c->tgid)
			continue;
		/* kernel/exit.c:reparent_leader(): "We don't want people
		   slaying init." */
		c->clone_flags = (c->clone_flags & ~0xffULL) | PTV_SIGCHLD;
		VLOG(k, "[%d] orphan adopted by %d", c->tid, r ? r->tid : 0);
		to_tracer = r && c->tracer && same_thread_group(c->tracer, r);
		/*
		 * Otherwise a zombie its tracer's group was to reap natively,
		 * as its parent, is no longer: that group is the one dying,
		 * and the host's zombie goes to the reaper. Its tracer (of
		 * that group, exiting too) still has it, virtually, until its
		 * own exit lets it go.
		 */
		if (to_tracer)
			tracer_adopts(k, c, r);
		else
			c->native_reap = false;
		if (r != NULL)
			push_orphan(&list, (struct orphan){ .seq = c->child_seq,
							    .task = c });
	}
	for (size_t i = k->n_native_zombies; i-- > 0;) {
		struct ptv_native_zombie *z = &k->native_zombies[i];

		if (z->parent_tgid != t->tgid)
			continue;
		if (r == NULL) {
			drop_native_zombie(k, i);
			continue;
		}
		z->parent_tgid = r->tgid;
		z->parent_tid = r->tid;
		z->clone_child = false;
		push_orphan(&list, (struct orphan){ .seq = z->seq, .zombie = z->tid });
	}
	append_orphans(k, list.o, list.n);
	/* (An orphan may be a zombie: the reaper's wait may report it.) */
	if (r != NULL && list.n > 0)
		wake_waiters_for_children(k, r->tgid);
	free(list.o);
}

void ptv_task_exited(struct ptv_kernel *k, struct ptv_task *t, int status)
{
	struct ptv_task *tracer = t->tracer;

	adopt_orphans(k, t);

	if (t->vzombie) {
		/*
		 * Its held exit went on (SIGKILL, or its tracer's wait): the
		 * tracer still reaps it. A group exit since then is its status
		 * now (kernel/exit.c:wait_task_zombie(): "status =
		 * (p->signal->flags & SIGNAL_GROUP_EXIT) ?
		 * p->signal->group_exit_code : p->exit_code"), as the host's.
		 */
		t->held_at_exit = false;
		t->host_gone = true;
		t->zombie_status = status;
		return;
	}

	if (!t->held_at_exit)
		t->host_gone = true;
	if (tracer == NULL) {
		/* (A virtual zombie let go had its signal noted then.) */
		if (note_native_zombie(k, t, status, false))
			note_parent_signal(k, t, status);
		release_if_unused(k, t);
		return;
	}
	t->vstop = PTV_VSTOP_NONE;
	t->exit_code = 0;
	t->listening = false;
	/*
	 * kernel/exit.c:wait_consider_task(): "If it is traced by its real
	 * parent's group, just pretend the caller is ptrace_parent" — one
	 * report, which the host gives the real parent's own wait.
	 */
	t->vzombie = true;
	t->zombie_status = status;
	if (t->tid == t->tgid && !t->held_at_exit) {
		struct ptv_task *parent = ptv_real_parent(k, t);

		/*
		 * Traced by its real parent's group, it is that group's zombie
		 * on the host already, told by the host's SIGCHLD: a native
		 * wait reaps it (kernel/exit.c:wait_consider_task(): "pretend
		 * the caller is ptrace_parent"), the model keeps it a tracee
		 * until then. Unless the host reaped it at once (the parent
		 * ignores SIGCHLD); Linux does not autoreap a tracee.
		 */
		if (parent && same_thread_group(parent, tracer) &&
		    !k->host->autoreaped(k->host_ctx, parent)) {
			t->native_reap = true;
			VLOG(k, "[%d] zombie of its real parent and tracer %d, "
			     "status %#x", t->tid, tracer->tid, status);
			k->host->wake_waiters(k->host_ctx, tracer->tgid);
			return;
		}
	}
	VLOG(k, "[%d] virtual zombie for tracer %d, status %#x%s", t->tid,
	     tracer->tid, status, t->held_at_exit ? " (exit held)" : "");
	/* kernel/exit.c:exit_notify(): SIGCHLD to the tracer. */
	k->host->notify_parent(k->host_ctx, tracer, t, cld_code_of(status),
			       cld_status_of(status));
	k->host->wake_waiters(k->host_ctx, tracer->tgid);
}

/* ---------------------------------------------------------------------- */
/* Waiting                                                                */

static bool wait_matches(struct ptv_kernel *k, const struct ptv_wait_req *req,
			 struct ptv_task *t)
{
	switch (req->idtype) {
	case PTV_P_PID:
		return t->tid == req->id;
	case PTV_P_PGID:
		return k->host->pgid_of(k->host_ctx, t) == req->id;
	}
	return true;
}

/*
 * Does @waiter's wait for @req consider a child of thread @parent (a clone
 * child if @clone) as a child, not as a tracee? The parent must be the
 * waiter, or of its group without __WNOTHREAD; then kernel/exit.c:
 * eligible_child(): every child with __WALL, else clone children with
 * __WCLONE and the others without.
 */
static bool eligible_as_child(const struct ptv_wait_req *req,
			      const struct ptv_task *waiter,
			      const struct ptv_task *parent, bool clone)
{
	if ((req->options & PTV_WNOTHREAD) ? parent != waiter
					   : !same_thread_group(parent, waiter))
		return false;
	return (req->options & PTV_WALL) ||
	       clone == ((req->options & PTV_WCLONE) != 0);
}

/* Is a thread of @t's group other than @t held at its exit or unreaped? */
static bool group_thread_unreaped(struct ptv_kernel *k,
				  const struct ptv_task *t)
{
	return thread_unreaped(k, t->tgid, t->tid);
}

bool ptv_leader_exit_delayed(struct ptv_kernel *k,
			     const struct ptv_task *leader,
			     bool (*killed)(void *ctx, const struct ptv_task *t),
			     void *ctx)
{
	struct ptv_task *u;

	if (leader->tid != leader->tgid || leader->tracer != NULL)
		return false;
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u != leader && u->tgid == leader->tgid &&
		    ((u->vzombie && u->host_gone) ||
		     (u->held_at_exit && killed(ctx, u))))
			return true;
	return false;
}

void ptv_leader_exit_hold(struct ptv_kernel *k, struct ptv_task *leader,
			  int status)
{
	leader->leader_hold = PTV_LEADER_HELD;
	leader->zombie_status = status;
	k->leaders_held = true;
	VLOG(k, "[%d] exit held: a traced thread of its group is unreaped",
	     leader->tid);
}

/*
 * The last unreaped thread of @leader's group is gone: Linux makes the
 * leader its parent's zombie now (release_task(): do_notify_parent()).
 * Its exit goes on, and waits know of its zombie before the host has it
 * (a wait of its parent blocks the moment until the host is done).
 */
static void release_leader(struct ptv_kernel *k, struct ptv_task *leader)
{
	leader->leader_hold = PTV_LEADER_RELEASED;
	if (note_native_zombie(k, leader, leader->zombie_status, true))
		note_parent_signal(k, leader, leader->zombie_status);
	k->host->resume(k->host_ctx, leader, PTV_VRESUME_CONT, 0, false, 0);
	leader->host_state = PTV_HOST_EXITING;
	VLOG(k, "[%d] its group's traced threads are reaped: its exit goes on",
	     leader->tid);
}

void ptv_leaders_release(struct ptv_kernel *k)
{
	struct ptv_task *t;
	bool held = false;

	if (!k->leaders_held)
		return;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		if (t->leader_hold != PTV_LEADER_HELD)
			continue;
		if (group_thread_unreaped(k, t))
			held = true;
		else
			release_leader(k, t);
	}
	k->leaders_held = held;
}

/*
 * Is @t a leader that has died while its group lives on: it exited alone,
 * or a thread of its group, held at its exit for its tracer (note 2), is
 * not reaped? The host then reports its death to nobody yet (kernel/
 * exit.c: "we don't reap group leaders with subthreads"), but Linux has
 * made it a zombie (exit_state), which a wait weighs as one. Only such a
 * leader is looked up on the host. A leader that is a virtual zombie
 * itself is one while a traced thread of its group is unreaped
 * (delay_group_leader(): the thread is still in the group).
 */
static bool delayed_dead_leader(struct ptv_kernel *k, struct ptv_task *t)
{
	if (t->tid != t->tgid)
		return false;
	if (t->vzombie)
		return group_thread_unreaped(k, t);
	if (t->host_gone)
		return false;
	return (t->exit_seen || group_thread_unreaped(k, t)) &&
	       k->host->is_zombie(k->host_ctx, t);
}

/*
 * Is @t a leader that a group traces, dead and its real parent's zombie on
 * the host already (or killed, its death not collected yet), whose death
 * Linux does not report yet (ptv_wait_names_delayed_zombie())?
 */
static bool delayed_zombie_on_host(struct ptv_kernel *k, struct ptv_task *t)
{
	struct ptv_task *parent;

	if (t->tracer == NULL)
		return false;
	if (t->vzombie)
		return t->native_reap && delayed_dead_leader(k, t);
	if (t->host_gone || t->tid != t->tgid || !group_thread_unreaped(k, t))
		return false;
	/*
	 * Killed (no exit stop), its death not collected yet by the loop,
	 * which may take a while on a loaded host: the host shows it a
	 * zombie already, and the native wait would reap it at once.
	 */
	if (!t->exit_seen)
		return k->host->is_zombie(k->host_ctx, t);
	/*
	 * Past its exit stop, not held there (its tracer is its real
	 * parent's group): dead for Linux, and its death delayed. The host
	 * reports it once the thread is gone there (a SIGKILL ended the
	 * thread's hold), which may come before the loop has collected the
	 * leader's death; inside another ptvisor its state letter does not
	 * tell (the outer one holds it). Collected, its death wakes the
	 * waiters of its tracer's group (ptv_task_exited()).
	 */
	parent = ptv_real_parent(k, t);
	return parent != NULL && same_thread_group(parent, t->tracer);
}

bool ptv_wait_names_delayed_zombie(struct ptv_kernel *k,
				   const struct ptv_wait_req *req)
{
	struct ptv_task *t;

	if (req->idtype != PTV_P_PID || req->id <= 0)
		return false;
	t = ptv_task_find(&k->tasks, req->id);
	return t != NULL && delayed_zombie_on_host(k, t);
}

bool ptv_wait_may_reap_delayed_zombie(struct ptv_kernel *k,
				      const struct ptv_task *waiter,
				      const struct ptv_wait_req *req)
{
	if (!(req->options & PTV_WEXITED))
		return false;	/* it reaps nothing */
	for (struct ptv_task *t = k->traced; t; t = t->traced_next) {
		struct ptv_task *parent = ptv_real_parent(k, t);

		if (parent != NULL &&
		    eligible_as_child(req, waiter, parent, is_clone_child(t)) &&
		    wait_matches(k, req, t) && delayed_zombie_on_host(k, t))
			return true;
	}
	return false;
}

bool ptv_wait_real_child_matches(struct ptv_kernel *k,
				 const struct ptv_task *waiter,
				 const struct ptv_wait_req *req)
{
	for (struct ptv_task *t = k->traced; t; t = t->traced_next) {
		bool clone_child = is_clone_child(t);

		/* kernel/exit.c:eligible_child(), for the native wait. */
		if (t->tid != t->tgid || t->vzombie || t->host_gone ||
		    t->parent_tgid != waiter->tgid ||
		    ((req->options & PTV_WNOTHREAD) && t->parent_tid != waiter->tid) ||
		    (!(req->options & PTV_WALL) &&
		     clone_child != !!(req->options & PTV_WCLONE)) ||
		    !wait_matches(k, req, t))
			continue;
		return true;
	}
	return false;
}

bool ptv_wait_child_traced_by_group(struct ptv_kernel *k,
				    const struct ptv_task *waiter,
				    const struct ptv_task *t)
{
	struct ptv_task *parent;

	if (t->tracer == NULL || !same_thread_group(t->tracer, waiter) ||
	    t->tid != t->tgid || t->host_gone)
		return false;
	parent = ptv_real_parent(k, (struct ptv_task *)t);
	return parent && same_thread_group(parent, waiter);
}

bool ptv_wait_native_may_see_hidden(struct ptv_kernel *k,
				    const struct ptv_task *waiter,
				    const struct ptv_wait_req *req)
{
	struct ptv_task *t;

	if ((req->options & PTV_WEXITED) && k->n_death_subs > 0 &&
	    death_sub_reportable(k, waiter))
		return true;

	if (req->options & PTV_WSTOPPED)
		for (t = k->traced; t; t = t->traced_next)
			if (ptv_wait_child_traced_by_group(k, waiter, t) &&
			    wait_matches(k, req, t))
				return true;
	if (req->options & PTV_WCONTINUED)
		for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
			struct ptv_task *parent;

			if (!(t->continue_taken || t->vcontinued) ||
			    !wait_matches(k, req, t))
				continue;
			parent = ptv_real_parent(k, t);
			if (parent && eligible_as_child(req, waiter, parent,
							is_clone_child(t)))
				return true;
		}
	return false;
}

bool ptv_wait_native_counts_dead_leader(struct ptv_kernel *k,
					const struct ptv_task *waiter,
					const struct ptv_wait_req *req)
{
	struct ptv_task *t;
	bool dead = false;

	if (req->options & (PTV_WEXITED | PTV_WCONTINUED))
		return false;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		struct ptv_task *parent;

		/* A zombie the host reported is no candidate without WEXITED. */
		if (t->tid != t->tgid || t->host_gone || t->vzombie ||
		    !wait_matches(k, req, t))
			continue;
		parent = ptv_real_parent(k, t);
		if (parent == NULL ||
		    !eligible_as_child(req, waiter, parent, is_clone_child(t)))
			continue;
		if (!ptv_wait_child_traced_by_group(k, waiter, t) ||
		    !delayed_dead_leader(k, t))
			return false;	/* a candidate, as in Linux */
		dead = true;
	}
	return dead;
}

static void report_zombie(struct ptv_kernel *k, struct ptv_task *t,
			  const struct ptv_wait_req *req,
			  struct ptv_wait_result *res)
{
	ptv_tid_t tid, tgid;

	res->pid = t->tid;
	res->status = t->zombie_status;
	res->cld_code = cld_code_of(t->zombie_status);
	res->cld_status = cld_status_of(t->zombie_status);
	if (req->options & PTV_WNOWAIT)
		return;
	/* The tracer reaps it: "Notification and reaping will be cascaded to
	   the real parent when the ptracer detaches." */
	ptrace_unlink(k, t);
	release_zombie(k, t);
	tid = t->tid;
	tgid = t->tgid;
	release_if_unused(k, t);
	wake_for_delayed_leader(k, tid, tgid);
	ptv_leaders_release(k);
}

/* Does @t have an event for @req (what wait_consider_task() reports)? */
enum wait_event {
	WAIT_NONE,
	WAIT_STOP,
	WAIT_EXIT,
	WAIT_CONTINUED,
};

/* What a wait for @req would report of @t (wait_consider_task()). */
static enum wait_event wait_ready(const struct ptv_task *t,
				  const struct ptv_wait_req *req)
{
	if (t->vzombie)
		return (req->options & PTV_WEXITED) ? WAIT_EXIT : WAIT_NONE;
	/* Ptrace stops are reported with or without WSTOPPED. */
	if (t->vstop != PTV_VSTOP_NONE && t->exit_code != 0)
		return WAIT_STOP;
	/* wait_task_continued(), for tracees too. */
	if ((req->options & PTV_WCONTINUED) && t->vcontinued)
		return WAIT_CONTINUED;
	return WAIT_NONE;
}

static bool group_fully_stopped(struct ptv_kernel *k, ptv_tid_t tgid);

static void group_continued(struct ptv_kernel *k, ptv_tid_t tgid,
			    bool continued, int why, int why_status);

bool ptv_group_stopping(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid && !t->host_gone && !t->exit_seen &&
		    t->group_stopped)
			return true;
	return false;
}

/*
 * kernel/signal.c:prepare_signal(), SIGCONT: "if (signal->flags &
 * SIGNAL_STOP_STOPPED) why = SIGNAL_CLD_CONTINUED; else if
 * (signal->group_stop_count) why = SIGNAL_CLD_STOPPED;" and either way
 * SIGNAL_STOP_CONTINUED, which a WCONTINUED wait reports. A group-stop
 * still in progress (some of its threads stopped) is continued too; the
 * leader's tracer then hears CLD_STOPPED.
 */
void ptv_group_sigcont(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *t;
	bool stopped = group_fully_stopped(k, tgid);
	int why_status = 0;

	if (!stopped && !ptv_group_stopping(k, tgid))
		return;
	VLOG(k, "[%d] group continued by a SIGCONT, as it is sent%s", tgid,
	     stopped ? "" : " (its group-stop was in progress)");
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid) {
			if (t->group_stopped && why_status == 0)
				why_status = t->group_stop_sig;
			t->group_stopped = false;
		}
	if (stopped)
		group_continued(k, tgid, true, PTV_CLD_CONTINUED, PTV_SIGCONT);
	else
		group_continued(k, tgid, true, PTV_CLD_STOPPED, why_status);
}

void ptv_group_exit(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *t;

	VLOG(k, "[%d] group exiting: its group-stop and continue are over",
	     tgid);
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid)
			t->group_stopped = false;
	group_continued(k, tgid, false, 0, 0);
}

void ptv_group_stop_begins(struct ptv_kernel *k, const struct ptv_task *t)
{
	struct ptv_task *u;

	/*
	 * kernel/signal.c:do_signal_stop(): "if (!task_is_stopped(t) &&
	 * task_set_jobctl_pending(t, signr | gstop))" then signal_wake_up()
	 * (or ptrace_trap_notify(), which wakes as well): a thread in a
	 * ptrace-stop is not task_is_stopped(), and is not woken, but its
	 * TIF_SIGPENDING stays set (ptrace_stop()'s recalc_sigpending_tsk()
	 * never clears it). A SIGCONT that clears its JOBCTL_STOP_PENDING
	 * leaves that flag: the call it runs once resumed ends at once.
	 */
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == t->tgid && u != t && u->vstop != PTV_VSTOP_NONE &&
		    !u->exit_seen && !u->host_gone && !u->woken_in_vstop) {
			u->woken_in_vstop = true;
			VLOG(k, "[%d] woken in its ptrace-stop by the group-stop "
			     "%d began", u->tid, t->tid);
		}
}

bool ptv_group_fully_stopped(struct ptv_kernel *k, ptv_tid_t tgid)
{
	return group_fully_stopped(k, tgid);
}

void ptv_group_continued(struct ptv_kernel *k, ptv_tid_t tgid, bool continued)
{
	group_continued(k, tgid, continued, PTV_CLD_CONTINUED, PTV_SIGCONT);
}

static void group_continued(struct ptv_kernel *k, ptv_tid_t tgid,
			    bool continued, int why, int why_status)
{
	struct ptv_task *t, *leader = ptv_task_find(&k->tasks, tgid);
	bool was = leader && leader->vcontinued;

	if (continued)
		k->continues_held = true;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid) {
			t->vcontinued = continued;
			/* A new group-stop is the real parent's to take. */
			if (continued)
				t->native_stop_taken = t->native_stop_owed =
					t->continue_taken = false;
		}
	if (!continued || was)
		return;
	if (leader)
		ptv_wake_parent_waiters(k, leader);
	/*
	 * kernel/signal.c:get_signal(): "if (ptrace_reparented(current->
	 * group_leader)) do_notify_parent_cldstop(current->group_leader,
	 * true, why)": the leader's tracer hears of it (its real parent has
	 * the host's SIGCHLD); tracers' waits may now report it.
	 */
	if (leader && leader->tracer) {
		struct ptv_task *parent = ptv_real_parent(k, leader);

		if (!parent || !same_thread_group(parent, leader->tracer))
			k->host->notify_parent(k->host_ctx, leader->tracer, leader,
					       why, why_status);
	}
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid && t->tracer)
			k->host->wake_waiters(k->host_ctx, t->tracer->tgid);
}

static void report(struct ptv_kernel *k, struct ptv_task *t,
		   enum wait_event what, const struct ptv_wait_req *req,
		   struct ptv_wait_result *res)
{
	if (what == WAIT_EXIT) {
		report_zombie(k, t, req, res);
		return;
	}
	if (what == WAIT_CONTINUED) {
		/* "SIGNAL_STOP_CONTINUED" is the group's: one report. */
		res->pid = t->tid;
		res->status = 0xffff;
		res->cld_code = PTV_CLD_CONTINUED;
		res->cld_status = PTV_SIGCONT;
		if (!(req->options & PTV_WNOWAIT)) {
			struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
			struct ptv_task *parent = leader ? ptv_real_parent(k, leader)
							 : NULL;

			ptv_group_continued(k, t->tgid, false);
			/*
			 * SIGNAL_STOP_CONTINUED is one flag of the group: the
			 * host still has it for the real parent (one traced by
			 * its real parent's group is reported natively).
			 */
			if (parent)
				leader->continue_taken = true;
		}
		return;
	}
	res->pid = t->tid;
	res->status = (t->exit_code << 8) | 0x7f;
	res->cld_code = PTV_CLD_TRAPPED;
	res->cld_status = t->exit_code;
	if (!(req->options & PTV_WNOWAIT))
		t->exit_code = 0;
}

/*
 * The place of a tracee in the walk of a wait, compared field by field.
 * kernel/exit.c:__do_wait() starts at the calling thread and goes round
 * its group's thread list (creation order) from there, "while_each_thread(
 * current, tsk)". For each thread T, do_wait_thread() walks T's ->children
 * in fork order, where a child traced by its real parent's group counts as
 * a tracee ("if (!ptrace_reparented(p)) ptrace = 1"); then ptrace_do_wait()
 * walks T's ->ptraced, newest attach first.
 */
struct wait_place {
	uint64_t ring;		/* 0: the caller, 1: a thread after it, 2: before */
	uint64_t thread;	/* that thread's creation order */
	uint64_t list;		/* 0: T's children, 1: T's tracees */
	uint64_t nth;		/* the place in that list */
};

static void place_at_thread(struct wait_place *p, const struct ptv_task *waiter,
			    const struct ptv_task *thr)
{
	p->ring = thr == waiter ? 0 : thr->seq > waiter->seq ? 1 : 2;
	p->thread = thr->seq;
}

/* False if a wait by @waiter never meets @t, the @nth of the traced list. */
static bool wait_place(struct ptv_kernel *k, const struct ptv_task *waiter,
		       const struct ptv_wait_req *req, struct ptv_task *t,
		       uint64_t nth, struct wait_place *p)
{
	struct ptv_task *parent = t->tid == t->tgid ? ptv_real_parent(k, t) : NULL;
	bool nothread = (req->options & PTV_WNOTHREAD) != 0;

	/*
	 * In the children walk if it is eligible there as a child
	 * (eligible_child() with ptrace 0 first: a __WCLONE wait meets a
	 * non-clone child only among the tracees).
	 */
	if (parent && same_thread_group(parent, t->tracer) &&
	    eligible_as_child(req, waiter, parent, is_clone_child(t))) {
		place_at_thread(p, waiter, parent);
		p->list = 0;
		p->nth = t->child_seq;
		return true;
	}
	if (nothread ? t->tracer != waiter : !same_thread_group(t->tracer, waiter))
		return false;
	place_at_thread(p, waiter, t->tracer);
	p->list = 1;
	p->nth = nth;
	return true;
}

static bool place_before(const struct wait_place *a, const struct wait_place *b)
{
	if (a->ring != b->ring)
		return a->ring < b->ring;
	if (a->thread != b->thread)
		return a->thread < b->thread;
	if (a->list != b->list)
		return a->list < b->list;
	return a->nth < b->nth;
}

/* Stops found stale in one wait: at most this many are passed over. */
#define MAX_STALE 8

static bool is_stale(struct ptv_task *const *stale, size_t n,
		     const struct ptv_task *t)
{
	for (size_t i = 0; i < n; i++)
		if (stale[i] == t)
			return true;
	return false;
}

/* Is native zombie @z, a child of @parent, eligible for @req? */
static bool native_zombie_matches(const struct ptv_native_zombie *z,
				  const struct ptv_task *parent,
				  const struct ptv_task *waiter,
				  const struct ptv_wait_req *req)
{
	if (!(req->options & PTV_WEXITED) ||
	    (req->idtype == PTV_P_PID && z->tid != req->id) ||
	    (req->idtype == PTV_P_PGID && z->pgid != req->id))
		return false;
	return eligible_as_child(req, waiter, parent, z->clone_child);
}

/*
 * Is every live thread of group @tgid in its group-stop
 * (SIGNAL_STOP_STOPPED)? Not once a thread was killed by a signal: that is
 * the group's exit (SIGNAL_GROUP_EXIT replaces the stop). A thread in its
 * virtual PTRACE_EVENT_EXIT stop still counts: Linux reports that event
 * before exit_signals() makes it PF_EXITING (kernel/exit.c:do_exit()).
 */
static bool group_fully_stopped(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *t;
	bool any = false;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		if (t->tgid != tgid)
			continue;
		if (t->vzombie && (t->zombie_status & 0x7f) != 0)
			return false;
		/* An exited leader waits for its threads, stopped or not. */
		if (t->host_gone || t->vzombie ||
		    (t->exit_seen && t->vstop == PTV_VSTOP_NONE))
			continue;
		if (!t->group_stopped)
			return false;
		any = true;
	}
	return any;
}

/*
 * Is @t a live child of @waiter's group, not traced by it, that @req
 * matches? *@parentp is its real parent thread then.
 */
static bool native_child_matches(struct ptv_kernel *k,
				 const struct ptv_task *waiter,
				 const struct ptv_wait_req *req,
				 struct ptv_task *t, struct ptv_task **parentp)
{
	struct ptv_task *parent;

	if (t->tid != t->tgid || t->host_gone || t->vzombie ||
	    (t->tracer && same_thread_group(t->tracer, waiter)))
		return false;
	parent = ptv_real_parent(k, t);
	if (parent == NULL ||
	    !eligible_as_child(req, waiter, parent, is_clone_child(t)) ||
	    !wait_matches(k, req, t))
		return false;
	*parentp = parent;
	return true;
}

/*
 * The event a native wait by @waiter for @req would report of @t, a live
 * child of the waiter's group that the group does not trace (so the
 * model's tracee rules do not apply): its group-stop, not yet taken by a
 * native wait, or its continue (kernel/exit.c: wait_task_stopped() with
 * ptrace 0, wait_task_continued()). Its exit is a native zombie's.
 */
static enum wait_event native_child_event(struct ptv_kernel *k,
					  const struct ptv_task *waiter,
					  const struct ptv_wait_req *req,
					  struct ptv_task *t,
					  struct ptv_task **parentp)
{
	if (!native_child_matches(k, waiter, req, t, parentp))
		return WAIT_NONE;
	if ((req->options & PTV_WSTOPPED) && !t->native_stop_taken &&
	    group_fully_stopped(k, t->tgid))
		return WAIT_STOP;
	if ((req->options & PTV_WCONTINUED) && t->vcontinued)
		return WAIT_CONTINUED;
	return WAIT_NONE;
}

/*
 * Has a child of the waiter's group that matches @req a group-stop report
 * the host no longer has (a native wait took it while the group traced the
 * child), which the model owes?
 */
static bool native_stop_owed_for(struct ptv_kernel *k,
				 const struct ptv_task *waiter,
				 const struct ptv_wait_req *req)
{
	struct ptv_task *t, *parent;

	if (!k->stops_owed)
		return false;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->native_stop_owed &&
		    native_child_event(k, waiter, req, t, &parent) == WAIT_STOP)
			return true;
	return false;
}

/*
 * The first event of the waiter's untraced (by it) children that only a
 * native wait reports, if it comes before @best (if @have_best), which it
 * then becomes: a native zombie, a group-stop or a continue. Fills *res.
 * A native zombie whose parent thread is gone is forgotten (the host gave
 * it to another thread, or to the reaper).
 */
static bool first_native_event(struct ptv_kernel *k,
			       const struct ptv_task *waiter,
			       const struct ptv_wait_req *req,
			       struct wait_place *best, bool have_best,
			       struct ptv_wait_result *res,
			       struct ptv_task **owed)
{
	struct wait_place place;
	struct ptv_task *t;
	bool found = false;
	size_t i = 0;

	*owed = NULL;
	while (i < k->n_native_zombies) {
		struct ptv_native_zombie *z = &k->native_zombies[i];
		struct ptv_task *parent;

		if (z->parent_tgid != waiter->tgid) {
			i++;
			continue;
		}
		/* Its parent is gone (or its tid taken): forget it. */
		parent = native_zombie_parent(k, z);
		if (parent == NULL) {
			drop_native_zombie(k, i);
			continue;
		}
		i++;
		if (!native_zombie_matches(z, parent, waiter, req) ||
		    native_zombie_delayed(k, z))
			continue;
		place_at_thread(&place, waiter, parent);
		place.list = 0;
		place.nth = z->seq;
		if ((!have_best && !found) || place_before(&place, best)) {
			*owed = NULL;
			found = true;
			*best = place;
			res->pid = z->tid;
			res->status = z->status;
			res->cld_code = cld_code_of(z->status);
			res->cld_status = cld_status_of(z->status);
			res->exiting = z->exiting;
		}
	}
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		struct ptv_task *parent = NULL;
		enum wait_event event = native_child_event(k, waiter, req, t,
							   &parent);

		if (event == WAIT_NONE)
			continue;
		place_at_thread(&place, waiter, parent);
		place.list = 0;
		place.nth = t->child_seq;
		if ((have_best || found) && !place_before(&place, best))
			continue;
		found = true;
		*best = place;
		*owed = event == WAIT_STOP && t->native_stop_owed ? t : NULL;
		res->pid = t->tid;
		res->exiting = false;
		if (event == WAIT_STOP) {
			res->status = (t->group_stop_sig << 8) | 0x7f;
			res->cld_code = PTV_CLD_STOPPED;
			res->cld_status = t->group_stop_sig;
		} else {
			res->status = 0xffff;
			res->cld_code = PTV_CLD_CONTINUED;
			res->cld_status = PTV_SIGCONT;
		}
	}
	return found;
}

/* Lets the exit of @t, held at its host PTRACE_EVENT_EXIT stop, go on. */
static void let_held_exit_go_on(struct ptv_kernel *k, struct ptv_task *t)
{
	if (!t->held_at_exit)
		return;
	t->held_at_exit = false;
	k->host->resume(k->host_ctx, t, PTV_VRESUME_CONT, 0, false, 0);
	t->host_state = PTV_HOST_EXITING;
	VLOG(k, "[%d] exit goes on before its tracer reaps it", t->tid);
}

/*
 * A traced thread, not a leader, that its tracer reaps is gone at once in
 * Linux (release_task(), in the wait). One the host still has (held at its
 * exit, or exiting) would be seen a moment after the wait returned (kill()
 * of its tid succeeds): its exit goes on now, and the wait is decided
 * again once the host has it gone. True if so.
 */
static bool finish_thread_exit(struct ptv_kernel *k, struct ptv_task *t,
			       const struct ptv_wait_req *req)
{
	if (!req->may_defer || (req->options & PTV_WNOWAIT) ||
	    t->tid == t->tgid || t->host_gone)
		return false;
	let_held_exit_go_on(k, t);
	return true;
}

/*
 * Does the host's group-stop of group @tgid, complete in Linux, still wait
 * for a thread the host holds at its PTRACE_EVENT_EXIT stop (or is
 * finishing)? In Linux that thread, which exited alone, is a zombie for its
 * tracer: PF_EXITING, it takes no part in a later group-stop
 * (kernel/signal.c: task_set_jobctl_pending(), do_signal_stop()). On the
 * host it is not past exit_signals() yet, so the stop it was counted in
 * completes only when it goes on (ptfuzz seed 758, step 461: the real
 * parent's native wait did not see the stop). Its exit goes on now (which
 * ends its hold early, README: Limitations), and the wait is decided again
 * once the host has it gone. True if so.
 */
static bool finish_exits_blocking_stop(struct ptv_kernel *k, ptv_tid_t tgid,
				       const struct ptv_wait_req *req)
{
	struct ptv_task *t;
	bool blocking = false;

	if (!req->may_defer)
		return false;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		if (t->tgid != tgid || t->tid == tgid || !t->vzombie ||
		    t->host_gone)
			continue;
		let_held_exit_go_on(k, t);
		blocking = true;
	}
	return blocking;
}

int ptv_wait_virtual(struct ptv_kernel *k, struct ptv_task *waiter,
		     const struct ptv_wait_req *req, struct ptv_wait_result *res)
{
	struct ptv_task *stale[MAX_STALE], *best, *owed;
	enum wait_event best_event = WAIT_NONE, event;
	struct wait_place best_place = { 0 }, place;
	size_t nstale = 0;
	uint64_t nth;
	bool candidate;

	res->exiting = false;
again:
	best = NULL;
	nth = 0;
	candidate = false;
	for (struct ptv_task *t = k->traced; t; t = t->traced_next, nth++) {
		if (!wait_place(k, waiter, req, t, nth, &place) ||
		    !wait_matches(k, req, t))
			continue;
		/*
		 * wait_task_zombie() returns 0 without WEXITED, before
		 * wait_consider_task() clears ->notask_error: a zombie is no
		 * candidate then ("Stopped state is per-task and thus can't
		 * change once the target task dies").
		 */
		if (t->vzombie && !(req->options & PTV_WEXITED))
			continue;
		/*
		 * A zombie leader with threads to be reaped is a candidate
		 * with WEXITED or WCONTINUED, ready with its group's continue
		 * only ("Allow access to stopped/continued state via zombie by
		 * falling through", with ptrace: "Clear notask_error if
		 * WCONTINUED | WEXITED"; "Stopped state is per-task and thus
		 * can't change once the target task dies").
		 */
		if (delayed_dead_leader(k, t)) {
			if (!(req->options & (PTV_WEXITED | PTV_WCONTINUED)))
				continue;
			event = (req->options & PTV_WCONTINUED) && t->vcontinued
					? WAIT_CONTINUED : WAIT_NONE;
		} else {
			event = wait_ready(t, req);
		}
		candidate = true;
		if (event == WAIT_NONE || is_stale(stale, nstale, t))
			continue;
		if (best == NULL || place_before(&place, &best_place)) {
			best = t;
			best_event = event;
			best_place = place;
		}
	}
	/*
	 * Before any ready tracee, an event of a child the group does not
	 * trace: a native wait reports it (with no tracee in the wait, the
	 * native wait alone is exact), unless it is a group-stop report the
	 * host no longer has, which the model owes.
	 */
	if (first_native_event(k, waiter, req, &best_place, best != NULL, res,
			       &owed)) {
		if (owed) {
			VLOG(k, "[%d] owed group-stop report for %d", owed->tid,
			     waiter->tid);
			if (!(req->options & PTV_WNOWAIT))
				owed->native_stop_taken = true;
			return 1;
		}
		if (res->cld_code == PTV_CLD_STOPPED &&
		    finish_exits_blocking_stop(k, res->pid, req))
			return 3;
		/* An exit the host has not finished: the native wait blocks. */
		if (candidate || res->exiting)
			return 2;
		/*
		 * A native zombie ahead of a group-stop report that only the
		 * model has: the native wait alone would miss the report. The
		 * zombie is reaped by a wait of its own, which finds it gone
		 * if a native wait reaped it unseen (a WNOHANG wait that runs
		 * with no exit stop), and the wait is decided again (ptfuzz
		 * seed 58 in a pid namespace, step 9835).
		 */
		if (res->cld_code != PTV_CLD_STOPPED &&
		    res->cld_code != PTV_CLD_CONTINUED &&
		    native_stop_owed_for(k, waiter, req))
			return 2;
	}
	if (best == NULL)
		return candidate ? 0 : -ECHILD;
	/* A stop a SIGKILL has ended is no longer reported; its exit will be. */
	if (best_event == WAIT_STOP && nstale < MAX_STALE &&
	    !k->host->still_stopped(k->host_ctx, best)) {
		VLOG(k, "[%d] stop not reported: the task left it", best->tid);
		stale[nstale++] = best;
		goto again;
	}
	/*
	 * The host made it the real parent's zombie, or has its continue for
	 * the real parent: a native wait for it reports it.
	 */
	if ((best_event == WAIT_EXIT && best->native_reap) ||
	    (best_event == WAIT_CONTINUED &&
	     ptv_wait_child_traced_by_group(k, waiter, best) &&
	     !delayed_dead_leader(k, best))) {
		res->pid = best->tid;
		res->status = best_event == WAIT_EXIT ? best->zombie_status : 0xffff;
		res->cld_code = best_event == WAIT_EXIT ?
				cld_code_of(best->zombie_status) : PTV_CLD_CONTINUED;
		res->cld_status = best_event == WAIT_EXIT ?
				  cld_status_of(best->zombie_status) : PTV_SIGCONT;
		/* (An exit let go at an adoption: the host may not be done.) */
		res->exiting = best_event == WAIT_EXIT && !best->host_gone;
		return 2;
	}
	if (best_event == WAIT_EXIT && finish_thread_exit(k, best, req))
		return 3;
	report(k, best, best_event, req, res);
	return 1;
}

bool ptv_wait_mixes_native(struct ptv_kernel *k, struct ptv_task *waiter,
			   const struct ptv_wait_req *req)
{
	struct ptv_task *t, *parent;
	struct wait_place place;
	bool tracee = false;
	uint64_t nth = 0;

	for (t = k->traced; t && !tracee; t = t->traced_next, nth++)
		tracee = wait_place(k, waiter, req, t, nth, &place) &&
			 wait_matches(k, req, t);
	if (!tracee)
		return false;
	for (size_t i = 0; i < k->n_native_zombies; i++) {
		parent = native_zombie_parent_in(k, &k->native_zombies[i], waiter);
		if (parent && native_zombie_matches(&k->native_zombies[i],
						    parent, waiter, req))
			return true;
	}
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (native_child_matches(k, waiter, req, t, &parent))
			return true;
	return false;
}

void ptv_native_zombies_none_for(struct ptv_kernel *k,
				 const struct ptv_task *waiter,
				 const struct ptv_wait_req *req)
{
	size_t i = 0;

	while (i < k->n_native_zombies) {
		struct ptv_native_zombie *z = &k->native_zombies[i];
		struct ptv_task *parent = native_zombie_parent_in(k, z, waiter);

		if (parent && native_zombie_matches(z, parent, waiter, req))
			drop_native_zombie(k, i);
		else
			i++;
	}
}

void ptv_wait_native_reaped(struct ptv_kernel *k, struct ptv_task *t)
{
	if (!t->vzombie || !t->native_reap)
		return;
	VLOG(k, "[%d] reaped by its real parent's native wait", t->tid);
	t->vzombie = false;
	t->native_reap = false;
	if (t->tracer)
		ptrace_unlink(k, t);
	release_if_unused(k, t);
}
