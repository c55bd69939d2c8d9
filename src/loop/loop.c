/*
 * The supervisor loop: every host event of every guest comes through
 * handle(), is decoded once (platform/host.c), and becomes a transition of
 * the kernel model: a lifecycle change, a trapped syscall, or a virtual
 * ptrace-stop when the task has a virtual tracer.
 */
#include "loop.h"

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../kernel/bpf.h"
#include "../kernel/check.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include "../platform/sched.h"
#include "../platform/signals.h"
#include "../syscalls/clone.h"
#include "../syscalls/exec.h"
#include "../syscalls/procview.h"
#include "../syscalls/signal.h"
#include "../syscalls/strict.h"
#include "../syscalls/syscalls.h"
#include "coloc.h"

#define X32_SYSCALL_BIT 0x40000000L
#define I386_NR_CLONE 120
#define I386_NR_CLONE3 435

static void handle(struct ptv_loop *loop, const struct ptv_host_event *ev);

/*
 * How long a SIGCONT's send waits for the group-stops of threads the
 * supervisor resumed with a stop signal (below): natively they stop at
 * once, with no host stop between; the bound is only a guard.
 */
#define STOP_FLIGHT_NS 100000000u

/* Handles the host events pending now, but @tid's, which are kept. */
static int take_now(struct ptv_loop *loop, pid_t tid)
{
	struct ptv_host_event evs[PTV_MAX_TAKEN];
	int n = 0;

	while (n < PTV_MAX_TAKEN && loop->nkept + n < PTV_MAX_TAKEN &&
	       ptv_host_wait(&evs[n], true) == 0)
		n++;
	for (int i = 0; i < n; i++) {
		if (evs[i].tid == tid)
			loop->kept[loop->nkept++] = evs[i];
		else
			handle(loop, &evs[i]);
	}
	return n;
}

static bool stops_in_flight(const struct ptv_loop *loop)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));)
		if (t->stop_in_flight && !t->host_gone)
			return true;
	return false;
}

/*
 * The host events already pending, handled ahead of @caller's trapped call
 * (struct ptv_syscall_env): the host reports its tracees' stops in the
 * order of its list of them, not in time, so the model may not yet know a
 * stop that came long before the call (a SIGCONT sent to a group whose
 * last thread's group-stop is pending: the continue would not be
 * recorded). Then, if @wait_for_stops, for a bounded time, those of
 * threads the supervisor resumed with a stop signal to deliver
 * (->stop_in_flight: on_signal_stop(), or a tracer's resume,
 * host_iface.c): natively a thread that dequeued
 * SIGSTOP stops at once, but here the host's signal-delivery-stop comes
 * first, and a SIGCONT sent meanwhile would cancel the group-stop Linux
 * makes (prepare_signal() clears JOBCTL_STOP_DEQUEUED; do_signal_stop()
 * then does nothing). @caller's own events (a SIGKILL ends its stop) are
 * kept for the loop, which handles them after the call's. Not reentrant:
 * the handlers it runs take nothing more.
 */
static void take(struct ptv_loop *loop, struct ptv_task *caller,
		 bool wait_for_stops)
{
	uint64_t since = ptv_now_ns();
	int n;

	if (loop->taking)
		return;
	loop->taking = true;
	n = take_now(loop, caller->tid);
	while (wait_for_stops && stops_in_flight(loop) &&
	       ptv_now_ns() - since < STOP_FLIGHT_NS) {
		struct timespec pause = { 0, 10000 };

		nanosleep(&pause, NULL);
		n += take_now(loop, caller->tid);
	}
	loop->taking = false;
	if (n > 0)
		ptv_log("[%d] %d pending host event(s) taken before its call",
			caller->tid, n);
}

static void take_pending(struct ptv_syscall_env *env, struct ptv_task *caller)
{
	take(env->loop, caller, true);
}

/* The same, with no wait for stops in flight (syscalls/procview.c). */
static void take_ready(struct ptv_syscall_env *env, struct ptv_task *caller)
{
	take(env->loop, caller, false);
}

static struct ptv_syscall_env env_of(struct ptv_loop *loop)
{
	return (struct ptv_syscall_env){ .k = &loop->k,
					 .host_has_x32 = loop->host_has_x32,
					 .take_pending = take_pending,
					 .take_ready = take_ready,
					 .loop = loop };
}

static void log_errno(pid_t tid, const char *what, int r)
{
	/* ESRCH: the task died meanwhile; its exit is still to come. */
	if (r < 0 && r != -ESRCH)
		ptv_log("[%d] %s failed: %s", tid, what, ptv_errno_name(-r));
}

static void emulate_seccomp(struct ptv_loop *loop, struct ptv_task *t);
static void forget_deferred(struct ptv_loop *loop, const struct ptv_task *task);

/*
 * PTRACE_O_SUSPEND_SECCOMP from a guest tracer suspends its tracee's own
 * filters, never the supervisor's (DESIGN.md, invariant 4); the host option
 * suspends all of them, so a task with it set is resumed so that it stops at
 * every syscall entry, where the supervisor runs its own filter itself
 * (emulate_seccomp()). While its tracer steps it, the host option is off
 * (guest filters then apply to the stepped instructions: a known difference
 * kept for safety, since a stepped syscall instruction passes no entry stop).
 * Preconditions: @t is in a host ptrace-stop.
 */
static void sync_host_suspend(struct ptv_task *t)
{
	bool want = t->tracer && (t->options & PTV_O_SUSPEND_SECCOMP) &&
		    t->own_filters && !ptv_vresume_steps(t->resume);
	int r;

	if (want == t->host_suspended)
		return;
	r = ptv_host_setoptions(t->tid, PTV_HOST_OPTIONS |
				(want ? PTRACE_O_SUSPEND_SECCOMP : 0));
	if (r == 0)
		t->host_suspended = want;
	else
		log_errno(t->tid, "PTRACE_SETOPTIONS(SUSPEND_SECCOMP)", r);
}

int ptv_loop_resume(struct ptv_loop *loop, struct ptv_task *t, int sig)
{
	enum ptv_vresume how = t->tracer ? t->resume : PTV_VRESUME_CONT;
	long request;
	int r;

	sync_host_suspend(t);
	if (t->seccomp_recheck || (t->seccomp_due && t->host_suspended))
		emulate_seccomp(loop, t);
	t->seccomp_due = t->seccomp_recheck = false;
	if (how == PTV_VRESUME_CONT &&
	    (ptv_wait_needs_exit_stop(t) || t->in_sigwait || t->signal_call ||
	     t->host_suspended ||
	     t->exec_guard == PTV_EXEC_GUARD_PRCTL || t->clone3_fixup ||
	     t->strict_call || t->procview_call || t->signalfd_first ||
	     t->sighand_busy || t->affinity_call != PTV_AFFINITY_NONE))
		how = PTV_VRESUME_SYSCALL;
	/*
	 * The restart of a call the host ended for no signal is hidden;
	 * under PTRACE_SYSEMU it would be emulated, where the call Linux
	 * never ended runs: a plain entry-stop first, from which the task
	 * is resumed as its tracer asked (syscall_trace_enter() then runs
	 * it: ptv_signal_spurious_sysemu_trap()).
	 */
	if (t->hide_restart && ptv_vresume_emulates(how))
		how = PTV_VRESUME_SYSCALL;
	/*
	 * Out of its signalfd with SIGCHLD unblocked: one step at most. A
	 * handler's frame for a kept SIGCONT's stop: a step trap after it.
	 */
	if (t->chld_refix || t->sigcont_at_frame)
		how = PTV_VRESUME_SINGLESTEP;
	switch (how) {
	case PTV_VRESUME_SYSCALL:
		request = PTRACE_SYSCALL;
		break;
	case PTV_VRESUME_SINGLESTEP:
		request = PTRACE_SINGLESTEP;
		break;
	case PTV_VRESUME_SINGLEBLOCK:
		request = PTRACE_SINGLEBLOCK;
		break;
	case PTV_VRESUME_SYSEMU:
		request = PTRACE_SYSEMU;
		break;
	case PTV_VRESUME_SYSEMU_SINGLESTEP:
		request = PTRACE_SYSEMU_SINGLESTEP;
		break;
	default:
		request = PTRACE_CONT;
		break;
	}
	if (t->sigcont_deferred)
		ptv_signal_deferred_at_resume(&loop->k, t,
					      ptv_loop_stops_task(t, sig));
	/*
	 * A virtual PTRACE_INTERRUPT still owed: a host stop that Linux does
	 * not make (a trapped call, PTRACE_EVENT_VFORK_DONE) cleared the
	 * host's pending trap ("any trap clears pending STOP trap",
	 * kernel/signal.c:ptrace_stop()). Asked again before the task goes
	 * on, it traps where Linux's would (ptfuzz seed 296, events mode).
	 */
	if (t->tracer && t->seized && t->interrupt_pending)
		log_errno(t->tid, "PTRACE_INTERRUPT", ptv_host_interrupt(t->tid));
	t->host_state = PTV_HOST_RUNNING;
	ptv_loop_stop_check_forget(loop, t->tid);
	ptv_coloc_at_resume(loop, t);
	r = ptv_host_resume_request(t->tid, request, sig);
	log_errno(t->tid, ptv_request_name(request), r);
	return r;
}

static struct ptv_task *add_task(struct ptv_loop *loop, pid_t tid, pid_t tgid)
{
	struct ptv_task *task;

	/* The pid of a native zombie that is gone, if it was one. */
	ptv_native_zombie_gone(&loop->k, tid);
	ptv_death_sub_done(&loop->k, tid, false);
	task = ptv_task_add(&loop->k.tasks, tid, tgid);
	if (task == NULL) {
		/* Out of memory: the guest cannot be modelled; do not lose it. */
		ptv_error("out of memory tracking task %d; killing it", tid);
		ptv_host_kill_thread(tgid, tid);
	}
	return task;
}

static void kill_task(struct ptv_task *task, void *arg)
{
	(void)arg;
	if (!task->host_gone)
		ptv_host_kill_thread(task->tgid ? task->tgid : task->tid, task->tid);
}

static void start_killing(struct ptv_loop *loop)
{
	if (loop->killing || loop->opts.wait_all)
		return;
	loop->killing = true;
	ptv_log("first guest %d is gone: killing %zu remaining task(s)",
		loop->first_pid, loop->k.tasks.count);
	ptv_tasks_for_each(&loop->k.tasks, kill_task, NULL);
}

/* ---------------------------------------------------------------------- */
/* Lifecycle                                                              */

static void start_new_task(struct ptv_loop *loop, struct ptv_task *child,
			   bool sigstop);

/*
 * New tasks held for their parent's clone event (on_trap_stop()) whose
 * parent is gone: a parent killed between its fork and the event stop
 * never reports it (a fatal signal skips the stop). Such a child goes on,
 * untraced by any guest, as the orphan it is.
 */
static void start_orphans(struct ptv_loop *loop)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));) {
		int ppid;

		if (!t->awaiting_parent)
			continue;
		/* Reparented: its parent process is gone (or it is). */
		ppid = ptv_proc_ppid(t->tid);
		if (ppid > 0 && ppid == t->awaiting_ppid)
			continue;
		ptv_log("[%d] its parent died before its clone event: it starts",
			t->tid);
		t->clone_seen = true;
		start_new_task(loop, t, false);
	}
}

static void on_task_gone(struct ptv_loop *loop, struct ptv_task *task,
			 const struct ptv_host_event *ev)
{
	/* SIGKILL from the supervisor in a signal's place shows that one. */
	int status = ptv_death_status(&loop->k, task ? task->tgid : ev->tid,
				      ev->status);
	int killed_by = ev->kind == PTV_HEV_SIGNALED ? status & 0x7f : 0;

	ptv_proc_forget(ev->tid);
	if (ev->tid == loop->first_pid && !loop->first_done) {
		loop->first_done = true;
		loop->exit_status = killed_by ? 128 + killed_by : ev->value;
		loop->killed_by = killed_by;
		if (loop->opts.wait_all)
			ptv_signals_stop_forwarding();
		else
			ptv_signals_forward_to(0);
	}
	if (task != NULL) {
		pid_t tgid = task->tgid;

		ptv_coloc_gone(loop, task);
		ptv_loop_notif_gone(loop, task);
		ptv_wait_forget(task);
		task->host_state = PTV_HOST_EXITING;
		task->held_at_exit = false;
		ptv_ptrace_tracer_exit(&loop->k, task);
		/* (A virtual zombie: its tracer still reaps it.) */
		ptv_task_exited(&loop->k, task, status);
		ptv_loop_sigchld_group_gone(loop, tgid);
	}
	start_orphans(loop);
	if (loop->first_done)
		start_killing(loop);
}

static bool stopped_in_i386_syscall(pid_t tid)
{
	struct ptrace_syscall_info info;

	return ptv_host_get_syscall_info(tid, &info) == 0 &&
	       info.arch == AUDIT_ARCH_I386;
}

/*
 * The clone flags the parent asked for, read at its fork/vfork/clone event
 * stop, where orig_rax still holds the call that made the child, with the
 * exit signal in the low byte as clone(2) has it (fork(2): SIGCHLD; a
 * clone(2) with flags 0 makes a child with none). (x86_64's
 * 120 is getresgid and i386's 56 is unused, so the numbers do not clash;
 * clone3 is 435 on both ABIs.)
 */
static uint64_t clone_flags_of(pid_t parent, int event)
{
	struct user_regs_struct regs;
	/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal */
	uint64_t ca[5] = { 0, 0, 0, 0, SIGCHLD }, args;

	if (ptv_host_getregs(parent, &regs) < 0)
		return SIGCHLD;	/* gone: a fork's, as good as any */
	switch ((long)regs.orig_rax) {
	case SYS_clone:
		return regs.rdi;
	case I386_NR_CLONE:
		return regs.rbx & 0xffffffffu;
	case SYS_clone3:
		args = stopped_in_i386_syscall(parent) ? (regs.rbx & 0xffffffffu)
						       : regs.rdi;
		ptv_mem_read(parent, args, ca, sizeof(ca));
		return (ca[0] & ~0xffULL) | (ca[4] & 0xff);
	}
	/* fork(), vfork(): clone(2) with SIGCHLD */
	return event == PTRACE_EVENT_VFORK
		       ? (PTV_CLONE_VM | PTV_CLONE_VFORK | SIGCHLD)
		       : SIGCHLD;
}

/*
 * A new task's first host stop (PTRACE_EVENT_STOP) once its parent's clone
 * event has said whether a virtual tracer takes it.
 */
static void continue_new_task(struct ptv_loop *loop, struct ptv_task *child,
			      bool sigstop);

/* ---------------------------------------------------------------------- */
/* CLONE_CLEAR_SIGHAND, done in the child                                 */

enum { X86_64_NR_rt_sigaction = 13, I386_NR_rt_sigaction = 174,
       X32_NR_rt_sigaction = 512 };

/*
 * "CLONE_CLEAR_SIGHAND: reset all signal handlers in the child to their
 * default" (clone(2); kernel/fork.c:copy_sighand()). clone3 runs as clone
 * (syscalls/clone.c), so the supervisor does it in the new task at its
 * first stop, before it runs: one rt_sigaction(sig, SIG_DFL) per signal it
 * catches, made by the task at the syscall instruction it has just returned
 * from (rip - 2), its stops hidden; then its registers come back. Signals
 * that come meanwhile are sent again afterwards. Known difference: the
 * flags and masks of the signals it does not catch stay as they were.
 * Preconditions: @t is in a host stop after the previous step (or before
 * the first), with @t->saved_regs set.
 */
static void reset_sighand_step(struct ptv_loop *loop, struct ptv_task *t)
{
	struct user_regs_struct regs;
	uint64_t act;
	int sig;

	memcpy(&regs, t->saved_regs, sizeof(regs));
	if (t->sighand_reset == 0) {
		ptv_host_setregs(t->tid, &regs);
		t->sighand_busy = false;
		for (sig = 1; sig <= 64; sig++)
			if (t->sighand_deferred & (1ULL << (sig - 1)))
				ptv_host_send_signal(t->tgid, t->tid, sig);
		t->sighand_deferred = 0;
		continue_new_task(loop, t, t->awaiting_sigstop);
		return;
	}
	sig = __builtin_ctzll(t->sighand_reset) + 1;
	t->sighand_reset &= ~(1ULL << (sig - 1));
	act = (regs.rsp - 512) & ~15ULL; /* 32 zero bytes: SIG_DFL */
	regs.rip -= 2;
	if (t->clone3_abi == PTV_ABI_I386) {
		regs.rax = I386_NR_rt_sigaction;
		regs.rbx = (unsigned)sig, regs.rcx = act, regs.rdx = 0, regs.rsi = 8;
	} else {
		regs.rax = t->clone3_abi == PTV_ABI_X32
				   ? X32_NR_rt_sigaction | X32_SYSCALL_BIT
				   : X86_64_NR_rt_sigaction;
		regs.rdi = (unsigned)sig, regs.rsi = act, regs.rdx = 0, regs.r10 = 8;
	}
	if (ptv_host_setregs(t->tid, &regs) < 0)
		return; /* ESRCH: killed; its exit comes through wait */
	ptv_loop_resume(loop, t, 0);
}

/* Starts the reset if @child's clone3 asked for it; false if there is none. */
static bool reset_sighand_start(struct ptv_loop *loop, struct ptv_task *child)
{
	static const unsigned char zeros[32];
	struct user_regs_struct regs;
	uint64_t caught;

	if (!child->clone3_clear_sighand)
		return false;
	child->clone3_clear_sighand = false;
	caught = ptv_proc_status_mask(child->tid, "SigCgt") &
		 ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
	if (caught == 0 || ptv_host_getregs(child->tid, &regs) < 0 ||
	    ptv_mem_write(child->tid, (regs.rsp - 512) & ~15ULL, zeros,
			  sizeof(zeros)) < 0)
		return false;
	memcpy(child->saved_regs, &regs, sizeof(regs));
	child->sighand_reset = caught;
	child->sighand_deferred = 0;
	child->sighand_busy = true;
	if (caught & (1ULL << (SIGCHLD - 1))) {
		child->sigchld_nocldstop = false;
		child->sigchld_nocldwait = false;
		if (child->sigchld_action == PTV_SIGCHLD_CAUGHT)
			child->sigchld_action = PTV_SIGCHLD_DEFAULT;
	}
	reset_sighand_step(loop, child);
	return true;
}

static void start_new_task(struct ptv_loop *loop, struct ptv_task *child,
			   bool sigstop)
{
	child->awaiting_parent = false;
	ptv_clone3_fixup(child);
	child->awaiting_sigstop = sigstop;
	if (!loop->killing && reset_sighand_start(loop, child))
		return;
	continue_new_task(loop, child, sigstop);
}

static void continue_new_task(struct ptv_loop *loop, struct ptv_task *child,
			      bool sigstop)
{
	if (loop->killing) {
		kill_task(child, NULL);
		ptv_loop_resume(loop, child, 0);
		return;
	}
	/*
	 * Auto-attached and seized, it starts in a PTRACE_EVENT_STOP trap. A
	 * new task a guest seized and interrupted before it first ran has one
	 * trap for both: JOBCTL_TRAP_STOP is a single pending flag.
	 */
	if (child->tracer && (child->autoattach_trap || child->interrupt_pending)) {
		child->autoattach_trap = false;
		ptv_vstop_event(&loop->k, child, PTV_EVENT_STOP, 0);
		return;
	}
	if (sigstop) /* "sigaddset(&child->pending.signal, SIGSTOP)" */
		ptv_host_send_signal(child->tgid, child->tid, SIGSTOP);
	ptv_loop_resume(loop, child, 0);
}

/*
 * clone(CLONE_SIGHAND) without CLONE_THREAD: two processes share their
 * signal actions, and a sigaction by one, which the model sees as the
 * other's group's, changes both. The model stops following their SIGCHLD
 * handler (/proc tells it) until an exec gives one its own.
 */
static void sighand_shared(struct ptv_loop *loop, struct ptv_task *parent,
			   struct ptv_task *child)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));)
		if (t->tgid == parent->tgid || t == child) {
			t->sighand_shared = true;
			t->sigchld_action = PTV_SIGCHLD_UNKNOWN;
		}
}

/*
 * The model's record of @parent's new child @tid, made by a clone with
 * @flags that reported (or, killed, would have reported) @event: what it
 * inherits, whether a guest traces it (ptrace_init_task()), and its start
 * if its first stop came first and waits for this. NULL if it cannot be
 * recorded (out of memory) or the supervisor is killing every guest.
 */
static struct ptv_task *record_new_child(struct ptv_loop *loop,
					 struct ptv_task *parent, pid_t tid,
					 uint64_t flags, int event)
{
	struct ptv_task *child = ptv_task_find(&loop->k.tasks, tid);
	bool traced, sigstop = false;

	if (child == NULL)
		child = add_task(loop, tid, tid);
	if (child == NULL)
		return NULL;
	child->clone_flags = flags;
	child->clone_seen = true;
	child->own_filters = parent->own_filters;
	ptv_clone3_inherit(child, parent);
	/* ptrace_init_task(): "child->ptrace = current->ptrace" on the host */
	child->host_suspended = parent->host_suspended;
	/* fork copies the signal actions (a CLONE_SIGHAND child shares them) */
	child->sigchld_nocldstop = parent->sigchld_nocldstop;
	child->sigchld_nocldwait = parent->sigchld_nocldwait;
	child->sigchld_action = parent->sigchld_action;
	child->made_signalfd = parent->made_signalfd; /* and its files */
	/* a thread shares its group's actions; a forked child has a copy */
	child->sighand_shared = (flags & PTV_CLONE_THREAD) && parent->sighand_shared;
	if ((flags & (PTV_CLONE_SIGHAND | PTV_CLONE_THREAD)) == PTV_CLONE_SIGHAND)
		sighand_shared(loop, parent, child);
	child->tgid = (flags & PTV_CLONE_THREAD) ? parent->tgid : tid;
	/* is_child_subreaper is its group's (copy_signal() clears it) */
	child->child_subreaper = (flags & PTV_CLONE_THREAD) &&
				 parent->child_subreaper;
	if (flags & (PTV_CLONE_THREAD | PTV_CLONE_PARENT)) {
		child->parent_tgid = parent->parent_tgid;
		child->parent_tid = parent->parent_tid;
	} else {
		child->parent_tgid = parent->tgid;
		child->parent_tid = parent->tid;
	}
	/*
	 * A child in a nested pid namespace has its pids read while it
	 * exists: an exec by a thread is reported by its former pid.
	 */
	child->pidns_for_children = parent->pidns_for_children;
	if (flags & PTV_CLONE_NEWUSER)
		ptv_userns_note();
	if (parent->pidns == PTV_PIDNS_BELOW || parent->pidns_for_children ||
	    (flags & PTV_CLONE_NEWPID))
		ptv_pidns_load(child);
	traced = ptv_ptrace_clone(&loop->k, parent, child, flags, event,
				  &sigstop);
	ptv_coloc_new_child(loop, parent, child);
	ptv_log("[%d] new task %d (tgid %d, flags %#llx)%s", parent->tid, tid,
		child->tgid, (unsigned long long)flags,
		traced ? (sigstop ? ", traced, SIGSTOP" : ", traced, seized") : "");
	/* Its first stop came first and waits for this; else it starts then. */
	child->awaiting_sigstop = sigstop;
	if (child->awaiting_parent)
		start_new_task(loop, child, sigstop);
	if (loop->killing) {
		kill_task(child, NULL);
		return NULL;
	}
	return child;
}

/*
 * @parent's clone event whose message could not be read: a SIGKILL ended
 * the stop (ESRCH) before the loop looked, and the parent, dying, reports
 * nothing (natively its tracer's wait would see its death, not the event).
 * Its children are still its own until it exits (exit_notify(), after its
 * exit stop), so the list of them names the child the model does not know
 * yet, or holds for that event: it is recorded as the event would have
 * (its flags read if the parent's registers still can be, else a fork's
 * or vfork's), traced as Linux's copy_process() made it. A clone the list
 * cannot show (a thread, CLONE_PARENT) waits for start_orphans().
 */
static void lost_clone_event(struct ptv_loop *loop, struct ptv_task *parent,
			     int event)
{
	uint64_t flags = clone_flags_of(parent->tid, event);
	pid_t kids[256];
	int n = ptv_proc_children(parent->tid, kids,
				  (int)(sizeof(kids) / sizeof(*kids)));

	for (int i = 0; i < n; i++) {
		struct ptv_task *child = ptv_task_find(&loop->k.tasks, kids[i]);
		char state;

		if (child && (child->clone_seen || !child->awaiting_parent))
			continue;	/* known, or its first stop not seen */
		/* One that has run and exited, its record dropped, is no
		   new child (a vfork child the parent was waiting for). */
		state = ptv_proc_state(kids[i]);
		if (child == NULL && (state == 'Z' || state == 'X' || state == 0))
			continue;
		ptv_log("[%d] its parent %d was killed at its clone event",
			kids[i], parent->tid);
		record_new_child(loop, parent, kids[i],
				 flags & ~(uint64_t)(PTV_CLONE_THREAD |
						     PTV_CLONE_PARENT), event);
	}
}

static bool on_exit_event(struct ptv_loop *loop, struct ptv_task *task,
			  const struct ptv_host_event *ev);

/*
 * The stop @ev's task is in now, if a SIGKILL ended @ev's: 0 for @ev's
 * own, PTRACE_EVENT_EXIT for its exit stop (where the event message is
 * its exit status), -1 for none.
 */
static int stop_moved_on(const struct ptv_host_event *ev)
{
	siginfo_t si;

	if (ptv_host_getsiginfo(ev->tid, &si) < 0)
		return -1;
	if (si.si_code == (ev->event << 8 | SIGTRAP))
		return 0;
	return si.si_code == (PTRACE_EVENT_EXIT << 8 | SIGTRAP)
		       ? PTRACE_EVENT_EXIT
		       : -1;
}

/* Returns true if @parent is held in a virtual event stop. */
static bool on_new_child(struct ptv_loop *loop, struct ptv_task *parent,
			 const struct ptv_host_event *ev)
{
	unsigned long msg = 0;
	int moved = 0;
	pid_t tid;

	if (ptv_host_geteventmsg(ev->tid, &msg) < 0 ||
	    (moved = stop_moved_on(ev)) != 0) {
		parent->untraced_clone_pending = false;
		lost_clone_event(loop, parent, ev->event);
		if (moved == PTRACE_EVENT_EXIT) {
			struct ptv_host_event exit_ev = *ev;

			ptv_log("[%d] killed at its clone event: at its exit "
				"stop already", parent->tid);
			exit_ev.event = PTRACE_EVENT_EXIT;
			return on_exit_event(loop, parent, &exit_ev);
		}
		return false;
	}
	tid = (pid_t)msg;
	if (record_new_child(loop, parent, tid,
			     clone_flags_of(ev->tid, ev->event),
			     ev->event) == NULL)
		return false;
	if (!parent->untraced_clone_pending &&
	    ptv_ptrace_event_enabled(parent, ev->event)) {
		parent->untraced_clone_pending = false;
		/* ptrace_event_pid(): its pid in the tracer's namespace. */
		ptv_vstop_event(&loop->k, parent, ev->event,
				(unsigned long)ptv_pidns_to_guest(&loop->k,
					parent->tracer, tid));
		return true;
	}
	parent->untraced_clone_pending = false;
	return false;
}

/*
 * Returns true if the task is held in a virtual stop. *taskp becomes the
 * task that exec'd: after an exec by a non-leader thread, the old leader's
 * struct (which *taskp was, found by the tid) is gone.
 */
static bool on_exec(struct ptv_loop *loop, struct ptv_task **taskp,
		    const struct ptv_host_event *ev)
{
	struct ptv_task *task = *taskp, *execer;
	unsigned long former = 0;
	pid_t former_seen;

	if (ptv_host_geteventmsg(ev->tid, &former) < 0)
		return false;
	/*
	 * The event's message is its former tid as its tracer sees it
	 * (exec_binprm(): old_vpid), known before a thread's pids go.
	 */
	execer = ptv_task_find(&loop->k.tasks, (pid_t)former);
	former_seen = execer != NULL && execer->tracer != NULL
			      ? ptv_pidns_to_guest(&loop->k, execer->tracer,
						   (pid_t)former)
			      : (pid_t)former;
	if ((pid_t)former != ev->tid) {
		/* A non-leader thread exec'd: it now has the leader's tid. */
		struct ptv_task *leader = ptv_task_find(&loop->k.tasks, ev->tid);

		ptv_log("[%d] exec by thread %lu: it takes tid %d", ev->tid,
			former, ev->tid);
		if (execer != NULL) {
			if (leader != NULL && leader != execer) {
				forget_deferred(loop, leader);
				ptv_wait_forget(leader);
				ptv_ptrace_forget_task(&loop->k, leader);
			}
			ptv_task_rename(&loop->k.tasks, execer, ev->tid);
			task = execer;
			*taskp = task;
		}
	}
	if (task == NULL)
		return false;
	task->execed = true;
	/*
	 * exec clears the flags of every action and makes a handler SIG_DFL;
	 * SIG_IGN stays (flush_signal_handlers()). A process sharing its
	 * actions gets its own copy (de_thread()), which the model follows.
	 */
	task->sigchld_nocldstop = false;
	task->sigchld_nocldwait = false;
	if (task->sigchld_action == PTV_SIGCHLD_CAUGHT)
		task->sigchld_action = PTV_SIGCHLD_DEFAULT;
	task->sighand_shared = false;
	if (task->tracer == NULL)
		return false;
	if (ptv_ptrace_event_enabled(task, PTV_EVENT_EXEC)) {
		ptv_vstop_event(&loop->k, task, PTV_EVENT_EXEC,
				(unsigned long)former_seen);
		return true;
	}
	/* "(current->ptrace & (PT_PTRACED|PT_SEIZED)) == PT_PTRACED":
	   send_sig(SIGTRAP, current, 0) (kernel/ptrace.h:ptrace_event). */
	if (!task->seized) {
		task->sigfix = PTV_SIGFIX_EXEC_SIGTRAP;
		ptv_host_send_signal(task->tgid, task->tid, SIGTRAP);
	}
	return false;
}

/* True if some other thread of @t's group is alive. */
static bool has_live_threads(struct ptv_loop *loop, const struct ptv_task *t)
{
	const struct ptv_task *o;

	for (size_t cursor = 0; (o = ptv_tasks_next(&loop->k.tasks, &cursor));)
		if (o != t && o->tgid == t->tgid && !o->host_gone)
			return true;
	return false;
}

/* exit_group(2) on x86_64 and on i386 (exit(2) ends one thread only). */
#define NR_EXIT_GROUP_X86_64 231
#define NR_EXIT_GROUP_I386 252

/* Does a thread of @t's group have a group-stop or a continue noted? */
static bool group_stop_noted(struct ptv_loop *loop, const struct ptv_task *t)
{
	struct ptv_task *o;

	for (size_t cursor = 0; (o = ptv_tasks_next(&loop->k.tasks, &cursor));)
		if (o->tgid == t->tgid && (o->group_stopped || o->vcontinued))
			return true;
	return false;
}

/*
 * A thread killed by a signal, or that called exit_group(2), dies with its
 * group, whose flags Linux replaces then (kernel/signal.c:complete_signal()
 * or kernel/exit.c:do_group_exit(): "signal->flags = SIGNAL_GROUP_EXIT"):
 * its group-stop and its continue are no longer reported, and a SIGCONT
 * continues nothing (ptv_group_exit()). At its PTRACE_EVENT_EXIT stop, when
 * its group has either noted (group_stop_noted()).
 */
static void group_exit_seen(struct ptv_loop *loop, struct ptv_task *task,
			    int status)
{
	struct user_regs_struct regs;

	if ((status & 0x7f) == 0 &&
	    (ptv_host_getregs(task->tid, &regs) < 0 ||
	     (regs.orig_rax != NR_EXIT_GROUP_X86_64 &&
	      regs.orig_rax != NR_EXIT_GROUP_I386)))
		return;
	ptv_group_exit(&loop->k, task->tgid);
}

/*
 * A task leaves its PTRACE_EVENT_EXIT stop (in Linux, or in the model while
 * the host holds it): kernel/exit.c:exit_notify() detaches its tracees next
 * (exit_ptrace()). Not only at its death: the init of a pid namespace
 * waits in exit_notify() for every task of its namespace to go
 * (zap_pid_ns_processes()), and a tracee the supervisor holds at its own
 * exit for it would never go.
 */
static void exit_goes_on(struct ptv_loop *loop, struct ptv_task *task)
{
	ptv_ptrace_tracer_exit(&loop->k, task);
}

/*
 * Has a SIGKILL ended, or is one to end, @t's hold at its exit? The
 * supervisor holds it in a host ptrace-stop ('t'), which only a SIGKILL
 * ends: it has left that stop (running on in do_exit(), whose SigPnd no
 * longer shows the SIGKILL, a zombie, or gone, which the loop has not seen
 * yet), or a SIGKILL is pending for it (a group exit zapped it).
 */
static bool sigkill_pending(void *ctx, const struct ptv_task *t)
{
	(void)ctx;
	if (ptv_proc_state(t->tid) != 't')
		return true;
	return ptv_proc_status_mask(t->tid, "SigPnd") & (1ULL << (SIGKILL - 1));
}

/*
 * The status of @task at its PTRACE_EVENT_EXIT stop, as Linux has it (a
 * SIGKILL from the supervisor in a signal's place shows that signal).
 */
static int exit_status_of(struct ptv_loop *loop, struct ptv_task *task,
			  unsigned long *status)
{
	if (ptv_host_geteventmsg(task->tid, status) < 0)
		return -1;
	*status = (unsigned long)ptv_death_status(&loop->k, task->tgid,
						  (int)*status);
	return 0;
}

/*
 * An untraced leader at its exit, a traced thread of its group unreaped:
 * held there (ptv_leader_exit_delayed()). True if so.
 */
static bool hold_leader(struct ptv_loop *loop, struct ptv_task *task)
{
	unsigned long status = 0;

	if (task->tracer != NULL ||
	    !ptv_leader_exit_delayed(&loop->k, task, sigkill_pending, NULL) ||
	    exit_status_of(loop, task, &status) < 0)
		return false;
	ptv_leader_exit_hold(&loop->k, task, (int)status);
	return true;
}

/*
 * @task at its exit stop, killed in a call that makes a task: a fatal
 * signal skipped the call's clone event (kernel/ptrace.c:ptrace_stop()
 * stops for nothing with one pending), and a child already made is still
 * its own until exit_notify() reparents it. It is recorded now as at a
 * lost event: else its first stop, coming after the reparenting, would
 * wait for the event for ever (faults-kill-forker; faults-kill-tracer in
 * a CI run). kernel/fork.c:kernel_clone() names the event.
 */
static void clone_lost_at_exit(struct ptv_loop *loop, struct ptv_task *task)
{
	struct user_regs_struct regs;
	uint64_t flags;
	int event;

	if (ptv_host_getregs(task->tid, &regs) < 0)
		return;
	switch ((long)regs.orig_rax) {
	case SYS_fork:
	case SYS_vfork:
	case SYS_clone:
	case SYS_clone3:
	case I386_NR_CLONE:
		break;
	default:
		return;
	}
	flags = clone_flags_of(task->tid, (long)regs.orig_rax == SYS_vfork
						 ? PTRACE_EVENT_VFORK
						 : PTRACE_EVENT_FORK);
	if (flags & PTV_CLONE_THREAD)
		return;	/* a thread, killed with its group */
	event = (flags & PTV_CLONE_VFORK)	 ? PTRACE_EVENT_VFORK
		: (flags & 0xff) != SIGCHLD ? PTRACE_EVENT_CLONE
					    : PTRACE_EVENT_FORK;
	lost_clone_event(loop, task, event);
}

/*
 * PTRACE_EVENT_EXIT: "the tracer sees a tracee's exit before its real
 * parent, whose wait blocks until the tracer has reaped it". A single-
 * threaded tracee whose tracer is not in its real parent's group is held
 * here, before it becomes a zombie the supervisor would reap; its tracer
 * sees it as a zombie. So is a traced thread that is not its group's
 * leader: it stays a zombie until its tracer reaps it, and until then its
 * leader's exit cannot be reported (kernel/exit.c:delay_group_leader()),
 * so a tracer that is also the real parent (gdb) sees the threads' exits
 * before the process's. Returns true if it is held.
 */
static bool on_exit_event(struct ptv_loop *loop, struct ptv_task *task,
			  const struct ptv_host_event *ev)
{
	unsigned long status = 0;
	struct ptv_task *parent;
	bool hold, noted;

	if (task == NULL)
		return false;
	task->exit_seen = true;
	clone_lost_at_exit(loop, task);
	noted = group_stop_noted(loop, task);
	if ((task->tracer == NULL && !noted) ||
	    exit_status_of(loop, task, &status) < 0) {
		exit_goes_on(loop, task);
		return hold_leader(loop, task);
	}
	if (noted)
		group_exit_seen(loop, task, (int)status);
	if (task->tracer == NULL) {
		exit_goes_on(loop, task);
		return hold_leader(loop, task);
	}
	parent = ptv_real_parent(&loop->k, task);
	/*
	 * Not a vfork child that has not exec'd: its parent is released only
	 * when it releases its memory, after this stop (kernel/fork.c:
	 * mm_release), and its tracer may be waiting for the parent's
	 * PTRACE_EVENT_VFORK_DONE.
	 */
	hold = task->tid != task->tgid ||
	       (!has_live_threads(loop, task) &&
		(parent == NULL || parent->tgid != task->tracer->tgid) &&
		!((task->clone_flags & PTV_CLONE_VFORK) && !task->execed));
	task->held_at_exit = hold;
	if (ptv_ptrace_event_enabled(task, PTV_EVENT_EXIT)) {
		ptv_vstop_event(&loop->k, task, PTV_EVENT_EXIT, status);
		return true;
	}
	exit_goes_on(loop, task);
	if (hold) {
		ptv_log("[%d] exit held until its tracer %d reaps it", ev->tid,
			task->tracer->tid);
		ptv_task_exited(&loop->k, task, (int)status);
	}
	return hold;
}

/* ---------------------------------------------------------------------- */
/* Trapped syscalls                                                       */

static int abi_of(const struct ptrace_syscall_info *info)
{
	if (info->arch == AUDIT_ARCH_I386)
		return PTV_ABI_I386;
	if (info->entry.nr & X32_SYSCALL_BIT)
		return PTV_ABI_X32;
	return PTV_ABI_X86_64;
}

/*
 * A trap with the supervisor's data may be a guest filter's: when filters
 * return SECCOMP_RET_TRACE, the newest one's data wins
 * (kernel/seccomp.c:seccomp_run_filters), and guest filters are all newer
 * than the supervisor's. So run the guest's own filters on the call: if
 * one returns RET_TRACE, the trap is the guest's, with the newest such
 * filter's data in *data, even when it forges the supervisor's value.
 */
static bool guest_filter_trace(struct ptv_task *task,
			       const struct ptrace_syscall_info *info,
			       uint32_t *data)
{
	struct ptv_seccomp_data sd = {
		.nr = (int32_t)info->seccomp.nr, .arch = info->arch,
		.instruction_pointer = info->instruction_pointer,
	};
	struct ptv_proc_creds c;

	if (!task->own_filters || ptv_proc_creds(task->tid, &c) < 0)
		return false;
	for (int i = 0; i < 6; i++)
		sd.args[i] = info->seccomp.args[i];
	/*
	 * /proc counts every filter, those of a ptvisor this one runs in
	 * too (ptv_filter_base()); PTRACE_SECCOMP_GET_FILTER, which such a
	 * ptvisor serves, counts from the supervisor's own, index 0. The
	 * last is the newest.
	 */
	for (long index = c.seccomp_filters - ptv_filter_base(); index >= 1;
	     index--) {
		struct ptv_bpf_insn prog[4096];
		long n = ptv_host_request(PTRACE_SECCOMP_GET_FILTER, task->tid,
					  (unsigned long)index, 0);
		uint32_t ret;

		if (n <= 0 || n > (long)(sizeof(prog) / sizeof(prog[0])) ||
		    ptv_host_request(PTRACE_SECCOMP_GET_FILTER, task->tid,
				     (unsigned long)index, (unsigned long)prog) != n)
			continue;
		ret = ptv_bpf_run(prog, (size_t)n, &sd);
		if ((ret & 0xffff0000u) == 0x7ff00000u /* SECCOMP_RET_TRACE */) {
			*data = ret & 0xffffu;
			return true;
		}
	}
	return false;
}

/* Returns true if @task is held (a virtual stop). */
static bool run_trap(struct ptv_loop *loop, struct ptv_task *task,
		     const struct ptv_syscall *call, bool in_seccomp_stop);

/* ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, ...) on any ABI */
static bool is_notif_send(const struct ptv_syscall *call)
{
	long ioctl_nr = call->abi == PTV_ABI_I386  ? 54
			: call->abi == PTV_ABI_X32 ? 514
						   : SYS_ioctl;

	return call->nr == ioctl_nr &&
	       (uint32_t)call->args[1] == PTV_SECCOMP_IOCTL_NOTIF_SEND;
}

static bool on_seccomp(struct ptv_loop *loop, struct ptv_task *task,
		       const struct ptv_host_event *ev)
{
	struct ptrace_syscall_info info;
	struct ptv_syscall call;
	int r = ptv_host_get_syscall_info(ev->tid, &info);

	if (r < 0)
		return false; /* ESRCH: killed meanwhile */
	if (info.op == PTRACE_SYSCALL_INFO_SECCOMP &&
	    ptv_strict_kills(task, info.seccomp.ret_data))
		return false;
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		/*
		 * A SIGKILL took it out of the seccomp stop meanwhile, into its
		 * PTRACE_EVENT_EXIT stop: that stop is reported next. Left as
		 * it is (resuming it now would lose that report).
		 */
		ptv_log("[%d] left its seccomp stop (killed): op %d now", ev->tid,
			info.op);
		return true;
	}
	call.tid = ev->tid;
	call.abi = abi_of(&info);
	call.nr = (long)(info.seccomp.nr & ~(uint64_t)X32_SYSCALL_BIT);
	for (int i = 0; i < 6; i++)
		call.args[i] = info.seccomp.args[i];
	call.trace_data = info.seccomp.ret_data;
	call.guest_trap = !ptv_trace_data_is_ours(call.trace_data) ||
			  guest_filter_trace(task, &info, &call.trace_data);
	/*
	 * Right after a virtual stop its signals were looked at (Linux's),
	 * unless a guest sent its group one since. (vresumed_stop is 0 until
	 * its first virtual resume.)
	 */
	ptv_signal_note_left(&loop->k, task, &call,
			     task->vresumed_stop != 0 &&
			     task->vresumed_stop + 1 == task->host_stops &&
			     task->vresumed_sends ==
				     ptv_signal_group_sends(&loop->k, task));
	if (call.guest_trap && ptv_ptrace_event_enabled(task, PTV_EVENT_SECCOMP)) {
		/*
		 * A guest filter's SECCOMP_RET_TRACE, for its virtual tracer.
		 * After the stop the kernel runs the filters again but lets
		 * any RET_TRACE pass ("recheck_after_trace",
		 * kernel/seccomp.c:__seccomp_filter()), the supervisor's too:
		 * so the supervisor runs its own at the resume.
		 */
		task->seccomp_recheck = true;
		ptv_vstop_event(&loop->k, task, PTV_EVENT_SECCOMP, call.trace_data);
		return true;
	}
	return run_trap(loop, task, &call, true);
}

/*
 * How long the loop spins collecting host events before deferred waits run
 * natively. Two host stops of a native wait cost about 50 us on the
 * development VM; a tracee's next stop mostly comes well within this.
 */
#define DEFER_SPIN_NS 50000u

/*
 * While any guest is virtually traced, the loop polls for the next host
 * event this long before it blocks: a tracer and its tracee make one host
 * stop after another, and a blocked supervisor's vCPU goes idle, which
 * makes every wake-up a costly one on a VM (docs/design-notes.md, 17).
 * Trees that trace nothing never poll.
 */
#define ACTIVE_SPIN_NS 50000u

/*
 * How long a wait that reaps a traced thread waits for the host to finish
 * that thread's exit (kernel/ptrace.c, finish_thread_exit()): it is past
 * PTRACE_EVENT_EXIT, but its exit work takes up to several milliseconds
 * here (measured: 20 us to 7 ms); the bound is only a guard.
 */
#define DEFER_EXIT_NS 100000000u

/*
 * Must the loop poll for host events (a deferred wait is decided again
 * when none is pending)? Not for waits deferred until a reaped thread is
 * gone: its exit is a host event, which may take milliseconds (its exit
 * work, RCU grace periods): the loop sleeps until it comes.
 */
static bool must_poll(const struct ptv_loop *loop)
{
	for (int i = 0; i < loop->ndeferred; i++)
		if (!loop->deferred[i].for_exit)
			return true;
	return false;
}

/*
 * May @task's wait be deferred (again) for a reaped thread's exit? For
 * DEFER_EXIT_NS from the first time.
 */
static bool may_wait_exit(const struct ptv_loop *loop,
			  const struct ptv_task *task)
{
	return !loop->killing && (task->exit_wait_since == 0 ||
				  ptv_now_ns() - task->exit_wait_since < DEFER_EXIT_NS);
}

/* Keeps the time of the first such deferral, until another outcome. */
static void note_exit_wait(struct ptv_task *task,
			   const struct ptv_syscall_outcome *out)
{
	if (out->action != PTV_SYSCALL_DEFER || !out->for_thread_exit)
		task->exit_wait_since = 0;
	else if (task->exit_wait_since == 0)
		task->exit_wait_since = ptv_now_ns();
}

/* Applies @out to @call of @task, in its seccomp stop; true if held. */
static bool apply_outcome(struct ptv_loop *loop, struct ptv_task *task,
			  const struct ptv_syscall *call,
			  const struct ptv_syscall_outcome *out)
{
	int r;

	switch (out->action) {
	case PTV_SYSCALL_RETURN:
		r = ptv_host_skip_syscall(call->tid, out->result);
		log_errno(call->tid, "skipping a syscall", r);
		task->skipped_nr = call->nr;
		ptv_log("[%d] %s -> returns %ld%s%s", call->tid,
			ptv_syscall_name(call->abi, call->nr), out->result,
			out->result < 0 ? " " : "",
			out->result < 0 ? ptv_errno_name((int)-out->result) : "");
		break;
	case PTV_SYSCALL_RUN:
	case PTV_SYSCALL_RUN_TO_EXIT:
		ptv_log("[%d] %s -> runs natively", call->tid,
			ptv_syscall_name(call->abi, call->nr));
		break;
	case PTV_SYSCALL_HELD:
		return true;
	case PTV_SYSCALL_DEFER:
	case PTV_SYSCALL_DEFER_BRIEF:
		PTV_CHECK(loop->ndeferred < PTV_MAX_DEFERRED, "too many deferred");
		ptv_log("[%d] %s -> deferred until pending host events are in",
			call->tid, ptv_syscall_name(call->abi, call->nr));
		/* Brief: decided at the first look that finds none pending. */
		if (loop->ndeferred == 0)
			loop->deferred_since_ns =
				ptv_now_ns() - (out->action == PTV_SYSCALL_DEFER_BRIEF
						    ? DEFER_SPIN_NS : 0);
		loop->deferred[loop->ndeferred++] =
			(struct ptv_deferred){ .task = task, .call = *call,
					       .for_exit = out->for_thread_exit };
		return true;
	}
	return false;
}

/*
 * Carries out what the handler of a trapped @call decides. Returns true if
 * @task is held (a virtual stop, or a deferred wait). Preconditions: @task
 * is stopped before the call runs (a seccomp stop, or a syscall-entry stop
 * past its tracer, where @in_seccomp_stop is false and nothing is deferred:
 * emulate_seccomp()).
 */
static bool run_trap(struct ptv_loop *loop, struct ptv_task *task,
		     const struct ptv_syscall *call, bool in_seccomp_stop)
{
	struct ptv_syscall_env env = env_of(loop);
	struct ptv_syscall_outcome out = { 0 };

	task->rewritten_nr = -1;
	if (is_notif_send(call) && ptv_loop_notif_send(loop, task))
		return true; /* resumed by loop/notif.c */
	env.may_defer = in_seccomp_stop && loop->ndeferred < PTV_MAX_DEFERRED &&
			!loop->killing;
	env.may_defer_exit = env.may_defer;
	task->exit_wait_since = 0;
	ptv_syscall_dispatch(&env, task, call, &out);
	note_exit_wait(task, &out);
	return apply_outcome(loop, task, call, &out);
}

/* @task left its seccomp stop (a SIGKILL) or is gone: no longer deferred. */
static void forget_deferred(struct ptv_loop *loop, const struct ptv_task *task)
{
	for (int i = 0; i < loop->ndeferred; i++) {
		if (loop->deferred[i].task != task)
			continue;
		loop->deferred[i] = loop->deferred[--loop->ndeferred];
		return;
	}
}

/*
 * Decides the deferred waits again, after the loop has collected a host
 * event; @last: no host event is pending and the spin is over, so whatever
 * is still not ready runs natively (syscalls/wait.c).
 */
static void redecide_deferred(struct ptv_loop *loop, bool last)
{
	struct ptv_deferred taken[PTV_MAX_DEFERRED];
	uint64_t since = loop->deferred_since_ns;
	int n = loop->ndeferred;

	memcpy(taken, loop->deferred, sizeof(taken[0]) * (size_t)n);
	loop->ndeferred = 0;
	for (int i = 0; i < n; i++) {
		struct ptv_syscall_env env = env_of(loop);
		struct ptv_syscall_outcome out = { 0 };

		/* No handling of other events amid the list taken here. */
		env.take_pending = env.take_ready = NULL;
		env.redeciding = true;
		env.may_defer = !last;
		env.may_defer_exit = may_wait_exit(loop, taken[i].task);
		ptv_sys_wait(&env, taken[i].task, &taken[i].call, &out);
		note_exit_wait(taken[i].task, &out);
		if (!apply_outcome(loop, taken[i].task, &taken[i].call, &out))
			ptv_loop_resume(loop, taken[i].task, 0);
	}
	loop->deferred_since_ns = since; /* the spin counts from the first */
}

/*
 * The supervisor's filter, run where the kernel does not run it, on the call
 * as the task's tracer left it: at a syscall-entry stop of a task whose
 * filters are suspended (see sync_host_suspend(); "Do seccomp after ptrace,
 * to catch any tracer changes", kernel/entry/common.c:syscall_trace_enter()),
 * and after a guest filter's PTRACE_EVENT_SECCOMP stop (see on_seccomp()).
 * Preconditions: @t is in that host stop.
 */
static void emulate_seccomp(struct ptv_loop *loop, struct ptv_task *t)
{
	struct ptrace_syscall_info info;
	struct ptv_seccomp_data sd;
	struct ptv_syscall call;
	const void *prog;
	size_t len;
	uint32_t ret;

	/* The entry and seccomp forms share the layout of nr and args. */
	if (ptv_host_get_syscall_info(t->tid, &info) < 0 ||
	    (info.op != PTRACE_SYSCALL_INFO_ENTRY &&
	     info.op != PTRACE_SYSCALL_INFO_SECCOMP))
		return;
	prog = ptv_filter_program(&len);
	memset(&sd, 0, sizeof(sd));
	sd.nr = (int32_t)info.entry.nr;
	sd.arch = info.arch;
	sd.instruction_pointer = info.instruction_pointer;
	for (int i = 0; i < 6; i++)
		sd.args[i] = info.entry.args[i];
	ret = ptv_bpf_run(prog, len, &sd);
	if ((ret & 0xffff0000u) != 0x7ff00000u /* SECCOMP_RET_TRACE */ ||
	    !ptv_trace_data_is_ours(ret & 0xffffu))
		return;
	memset(&call, 0, sizeof(call));
	call.tid = t->tid;
	call.abi = abi_of(&info);
	call.nr = (long)(info.entry.nr & ~(uint64_t)X32_SYSCALL_BIT);
	for (int i = 0; i < 6; i++)
		call.args[i] = info.entry.args[i];
	call.trace_data = ret & 0xffffu;
	ptv_log("[%d] %s trapped (its filters are suspended)", t->tid,
		ptv_syscall_name(call.abi, call.nr));
	PTV_CHECK(!run_trap(loop, t, &call, false),
		  "task %d: a trap held it at a syscall-entry stop", t->tid);
}

/* ---------------------------------------------------------------------- */
/* Stops                                                                  */

/* Returns true if the task is held in a virtual stop; *taskp may change. */
static bool on_event(struct ptv_loop *loop, struct ptv_task **taskp,
		     const struct ptv_host_event *ev)
{
	struct ptv_task *task = *taskp;

	if (ev->event != PTRACE_EVENT_SECCOMP)
		task->left_sigs = 0;
	/* It waits in vfork(2) from its vfork event to its vfork-done one. */
	task->in_vfork = ev->event == PTRACE_EVENT_VFORK;
	switch (ev->event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		return on_new_child(loop, task, ev);
	case PTRACE_EVENT_EXEC:
		ptv_wait_forget(task);
		return on_exec(loop, taskp, ev);
	case PTRACE_EVENT_SECCOMP:
		return on_seccomp(loop, task, ev);
	case PTRACE_EVENT_EXIT:
		return on_exit_event(loop, task, ev);
	case PTRACE_EVENT_VFORK_DONE:
		if (ptv_ptrace_event_enabled(task, PTV_EVENT_VFORK_DONE)) {
			unsigned long msg = 0;

			ptv_host_geteventmsg(ev->tid, &msg);
			msg = (unsigned long)ptv_pidns_to_guest(&loop->k,
					task->tracer, (pid_t)msg);
			ptv_vstop_event(&loop->k, task, PTV_EVENT_VFORK_DONE, msg);
			return true;
		}
		return false;
	}
	return false;
}

/*
 * The siginfo Linux gives the signals the supervisor sends in its place
 * (the sigfix kinds): signal, si_code, and whether si_pid is the task itself.
 */
static const struct {
	int sig;
	int code;
	bool from_self;
} sigfix_info[] = {
	/* ptrace_set_stopped(): SIGSTOP with SEND_SIG_PRIV. */
	[PTV_SIGFIX_ATTACH_SIGSTOP] = { SIGSTOP, SI_KERNEL, false },
	/* ptrace_init_task(): sigaddset() without a queue entry, which
	   collect_signal() reports as SI_USER from nobody. */
	[PTV_SIGFIX_CHILD_SIGSTOP] = { SIGSTOP, SI_USER, false },
	/* ptrace_event(PTRACE_EVENT_EXEC): send_sig(SIGTRAP, current, 0). */
	[PTV_SIGFIX_EXEC_SIGTRAP] = { SIGTRAP, SI_USER, true },
};

/* Gives a supervisor-sent signal the siginfo Linux's own would have. */
static void fix_siginfo(struct ptv_loop *loop, struct ptv_task *t, int sig)
{
	siginfo_t si;

	if (t->sigfix == PTV_SIGFIX_NONE || sig != sigfix_info[t->sigfix].sig)
		return;
	if (ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_code != SI_TKILL ||
	    si.si_pid != ptv_pidns_supervisor_seen_by(t, loop->self))
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = sigfix_info[t->sigfix].code;
	if (sigfix_info[t->sigfix].from_self) {
		si.si_pid = ptv_pidns_to_guest(&loop->k, t, t->tgid);
		if (ptv_real_uid_seen_by(t->tid, t->tid, &si.si_uid) < 0)
			si.si_uid = getuid();
	}
	t->sigfix = PTV_SIGFIX_NONE;
	ptv_host_setsiginfo(t->tid, &si);
}

bool ptv_loop_stops_task(const struct ptv_task *task, int sig)
{
	if (!ptv_sig_is_stop(sig))
		return false;
	if (sig == SIGSTOP)
		return true;
	/*
	 * kernel/signal.c:get_signal(): SIGTSTP, SIGTTIN and SIGTTOU are
	 * dropped in an orphaned process group ("POSIX: terminal-generated
	 * stop signals are ignored in orphaned process groups").
	 */
	return ptv_proc_signal_default(task->tid, sig) &&
	       !ptv_proc_pgrp_orphaned(task->tid);
}

/*
 * A fault (force_sig(): a kernel si_code) with the default action kills a
 * pid namespace's init natively: force_sig_info_to_task() clears its
 * SIGNAL_UNKILLABLE, but not while it is ptraced, as every guest is on the
 * host, and get_signal() then drops the signal: the fault would come again
 * for ever. (Natively a traced init loops so too: not for a guest's
 * tracee.) SIGKILL, which no init ignores, kills it in its place, and its
 * death shows the fault's signal (design note 48); no core is dumped.
 */
static bool kills_faulting_pidns_init(struct ptv_loop *loop,
				      struct ptv_task *task, int sig)
{
	siginfo_t si;

	if (task->tracer != NULL ||
	    (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE &&
	     sig != SIGSYS && sig != SIGTRAP) ||
	    !ptv_pidns_nested(task) || task->pidns_view == NULL ||
	    task->pidns_view->nr[task->pidns_view->depth] != 1 ||
	    ptv_host_getsiginfo(task->tid, &si) < 0 || si.si_code <= 0 ||
	    !ptv_proc_signal_default(task->tid, sig))
		return false;
	ptv_log("[%d] %s kills its pid namespace's init: SIGKILL in its place",
		task->tid, ptv_signal_name(sig));
	ptv_death_sub_set(&loop->k, task, sig);
	ptv_host_kill_thread(task->tgid, task->tid);
	return true;
}

/*
 * Notes whether @task's stop is one Linux makes in get_signal() too
 * (->stopped_in_get_signal), after which it goes on there: a
 * signal-delivery-stop or a group-stop (a discarded signal's is unmarked:
 * ptv_signal_discarded()), or a trap of a task a guest seized. Not the
 * first trap of a new task, nor the supervisor's wake-up, nor the host's
 * trap for a SIGCONT sent while it was in no stop (->sigcont_trap_wakes),
 * which woke it. The host's trap for one sent while it was in a stop comes
 * in the pass that stop was in: it changes nothing.
 */
static void note_get_signal_stop(struct ptv_task *task,
				 const struct ptv_host_event *ev, bool woken)
{
	bool trap = ev->kind == PTV_HEV_TRAP_STOP;
	bool wakes = task->sigcont_trap_wakes;

	if (trap)
		task->sigcont_trap_wakes = false;
	if (trap && task->attached && !woken && !wakes &&
	    !(task->tracer && task->seized))
		return;
	task->resumed_in_get_signal = task->stopped_in_get_signal;
	task->stopped_in_get_signal =
		ev->kind == PTV_HEV_SIGNAL_STOP ||
		ev->kind == PTV_HEV_GROUP_STOP ||
		(trap && task->attached && !woken && task->tracer &&
		 task->seized);
}

static void on_signal_stop(struct ptv_loop *loop, struct ptv_task *task,
			   const struct ptv_host_event *ev)
{
	struct ptv_syscall_env env = env_of(loop);
	bool kills_group;
	int sig;

	/* A new dequeue: Linux sets JOBCTL_STOP_DEQUEUED again. */
	task->stop_dequeued_cleared = false;
	if (task->sighand_busy) {
		/* Before the new task runs: sent again once it is set up. */
		task->sighand_deferred |= 1ULL << (ev->sig - 1);
		task->hide_restart = false;
		ptv_loop_resume(loop, task, 0);
		return;
	}
	/*
	 * The step trap after a handler's frame, and the stop of the signal
	 * sent there, for a kept SIGCONT.
	 */
	if ((task->sigcont_at_frame &&
	     ptv_signal_frame_trap(&loop->k, task, ev->sig)) ||
	    (task->sigcont_carrier &&
	     ptv_signal_carrier_stop(&loop->k, task, ev->sig, loop->self))) {
		if (task->vstop == PTV_VSTOP_NONE)
			ptv_loop_resume(loop, task, 0);
		return;
	}
	/* A SIGCHLD's carrier is no signal of the guest's: no handler runs. */
	sig = ptv_loop_sigchld_refix_stop(loop, task, ev->sig);
	if (sig < 0)
		sig = ptv_loop_carrier_stop(loop, task, ev->sig);
	if (sig >= 0) {
		if (task->wait)
			ptv_wait_at_signal(&env, task);
		ptv_loop_resume(loop, task, sig);
		return;
	}
	/* A handler may run: the call may not restart. */
	task->hide_restart = false;
	ptv_signal_stop_flushes_deferred(&loop->k, task, ev->sig, loop->self);
	if (ptv_signal_unwoken(&loop->k, task, ev->sig)) {
		ptv_loop_resume(loop, task, ev->sig);
		return;
	}
	if (ptv_signal_discarded(&loop->k, task, ev->sig) ||
	    ptv_signal_reroute(&loop->k, task, ev->sig) ||
	    ptv_signal_rerouted_taken(task, ev->sig, loop->self) ||
	    ptv_signal_rerouted_later(task, ev->sig, loop->self) ||
	    ptv_signal_left_for_other(&loop->k, task, ev->sig) ||
	    ptv_signal_spurious_step(&loop->k, task, ev->sig) ||
	    ptv_signal_group_dying(&loop->k, task, ev->sig) ||
	    (ev->sig == SIGCHLD &&
	     ptv_loop_sigchld_stands_in_early(loop, task))) {
		ptv_loop_resume(loop, task, 0);
		return;
	}
	/* A signal left to a stopped thread that Linux gives it. */
	sig = ptv_signal_left_met(&loop->k, task, ev->sig, loop->self);
	if (sig == ev->sig)
		sig = ptv_signal_deferred_met(&loop->k, task, sig);
	if (sig == ev->sig)
		ptv_signal_left_taken_by(&loop->k, task, sig);
	if (task->wait)
		ptv_wait_at_signal(&env, task);
	else if (task->wait_woken_restart)
		ptv_wait_woken_at_signal(task);
	if (sig == SIGCHLD)
		ptv_loop_fix_sigchld(loop, task);
	if (sig == ev->sig) {
		fix_siginfo(loop, task, sig);
		ptv_signal_rerouted_info(&loop->k, task, sig, loop->self);
	}
	/*
	 * Not the end of a group-stop: a SIGCONT continues the group as it
	 * is sent (kernel/signal.c:prepare_signal(); syscalls/signal.c and
	 * on_trap_stop() see that), and dequeuing one sent before the stop
	 * began leaves the stop in effect, for a detach to put the task back
	 * in (attach detach-after-sigcont-dequeued).
	 */
	kills_group = ptv_signal_kills_group(&loop->k, task, sig);
	if (task->tracer && !kills_group) {
		ptv_vstop_signal(&loop->k, task, sig);
		return;
	}
	if (kills_faulting_pidns_init(loop, task, sig)) {
		ptv_loop_resume(loop, task, 0);
		return;
	}
	task->stop_in_flight = ptv_loop_stops_task(task, sig);
	ptv_loop_resume(loop, task, sig); /* deliver it, siginfo as set */
}

static void on_group_stop(struct ptv_loop *loop, struct ptv_task *task,
			  const struct ptv_host_event *ev)
{
	bool was_stopped = task->group_stopped;

	task->left_sigs = 0;
	task->group_stopped = true;
	task->group_stop_sig = ev->sig;
	/*
	 * A call it slept in under the step, ended by this stop, queued the
	 * step's SIGTRAP at its exit (get_signal() stops before it dequeues
	 * it). None is pending if it stops with a stop signal its tracer
	 * gave it as it stepped it: it has left no call yet (ptrace
	 * thread-signals step-out-of-group-stop).
	 */
	task->step_group_stopped =
		task->tracer && ptv_vresume_steps(task->resume) &&
		(ptv_proc_status_mask(task->tid, "SigPnd") &
		 (1ULL << (SIGTRAP - 1)));
	/*
	 * kernel/signal.c:do_signal_stop(): the group's SIGNAL_STOP_STOPPED,
	 * which replaces SIGNAL_STOP_CONTINUED, is set when its last thread
	 * stops; until then a continue is still reported.
	 */
	if (!was_stopped && ptv_group_fully_stopped(&loop->k, task->tgid))
		ptv_group_continued(&loop->k, task->tgid, false);
	if (task->tracer && !task->listening) {
		ptv_vstop_group(&loop->k, task, ev->sig);
		return;
	}
	if (task->tracer && task->listening) {
		/* Re-trapped while listening: a PTRACE_EVENT_STOP for the tracer. */
		ptv_vstop_event(&loop->k, task, PTV_EVENT_STOP, 0);
		return;
	}
	/* Stay stopped, as natively, until SIGCONT makes it re-trap. */
	task->host_state = PTV_HOST_LISTENING;
	ptv_loop_stop_check_forget(loop, task->tid);
	log_errno(ev->tid, "PTRACE_LISTEN", ptv_host_listen(ev->tid));
}

static void on_trap_stop(struct ptv_loop *loop, struct ptv_task *task,
			 bool woken)
{
	struct ptv_syscall_env env = env_of(loop);

	/* A SIGTRAP trap: the group-stop, if any, is over (SIGCONT). */
	if (task->group_stopped)
		ptv_group_continued(&loop->k, task->tgid, true);
	task->group_stopped = false;
	if (!task->attached) {
		task->attached = true;
		if (!task->clone_seen && task->tid != loop->first_pid) {
			/* Before its parent's clone event: wait for it. */
			task->awaiting_parent = true;
			task->awaiting_ppid = ptv_proc_ppid(task->tid);
			return;
		}
		start_new_task(loop, task, task->awaiting_sigstop);
		return;
	}
	if (woken && task->wait)
		ptv_wait_at_wakeup(&env, task);
	/*
	 * A seized tracee traps in PTRACE_EVENT_STOP for its tracer's
	 * INTERRUPT, for a SIGCONT (kernel/signal.c:prepare_signal() calls
	 * ptrace_trap_notify()) and, listening, for a group-stop change. The
	 * host, which seizes every guest, traps for the same causes, and for
	 * the supervisor's own wake-ups.
	 */
	if (task->tracer && (task->interrupt_pending || task->listening ||
			     (task->seized && !woken))) {
		ptv_vstop_event(&loop->k, task, PTV_EVENT_STOP, 0);
		return;
	}
	if (task->sigcont_trap_artifact && !woken)
		ptv_signal_note_left(&loop->k, task, NULL, false);
	task->sigcont_trap_artifact = false;
	if (!woken && ptv_signal_spurious_sysemu_trap(&loop->k, task))
		task->hide_restart = true;
	ptv_loop_resume(loop, task, 0);
}

static void on_syscall_stop(struct ptv_loop *loop, struct ptv_task *task,
			    const struct ptv_host_event *ev, bool woken)
{
	struct ptv_syscall_env env = env_of(loop);
	struct ptrace_syscall_info info;
	bool entry;

	if (ptv_host_get_syscall_info(ev->tid, &info) < 0)
		return;
	entry = info.op == PTRACE_SYSCALL_INFO_ENTRY;
	if (entry)
		task->left_sigs = 0;	/* a new call */
	if (task->sighand_busy) {
		/* One of the supervisor's rt_sigaction calls in a new task. */
		if (entry)
			ptv_loop_resume(loop, task, 0);
		else
			reset_sighand_step(loop, task);
		return;
	}
	/*
	 * Its seccomp check comes when it is resumed from this stop (SYSEMU
	 * skips the call before seccomp); see emulate_seccomp().
	 */
	if (entry)
		task->seccomp_due = !(task->tracer &&
				      ptv_vresume_emulates(task->resume));
	/*
	 * A wait's vehicle (syscalls/wait.c) shows the task's own tracer
	 * nothing of itself: not the native wait's -ECHILD turned into
	 * pause(2), not pause(2), not a wake-up's restart of the wait; only
	 * the wait's entry and, when it completes, its exit.
	 */
	if (!entry && task->wait && ptv_wait_at_syscall_exit(&env, task, woken)) {
		ptv_loop_resume(loop, task, 0);
		return;
	}
	/* The prctl before a guarded exec, and the exec's second entry. */
	if (!entry) {
		ptv_clone3_fixup(task);
		ptv_strict_at_exit(task, info.exit.rval);
		ptv_procview_at_exit(task, info.exit.rval);
	}
	if (!entry && ptv_exec_guard_at_exit(task, info.exit.rval)) {
		ptv_loop_resume(loop, task, 0);
		return;
	}
	if (entry && task->exec_guard == PTV_EXEC_GUARD_REEXEC) {
		ptv_loop_resume(loop, task, 0);
		return;
	}
	if (entry && task->hide_restart) {
		task->hide_restart = false;
		ptv_loop_resume(loop, task, 0);
		return;
	}
	if (entry && task->hide_vehicle) {
		if (task->wait == NULL)
			task->hide_vehicle = false; /* the restarted wait */
		ptv_loop_resume(loop, task, 0);
		return;
	}
	if (!entry)
		task->hide_vehicle = false;
	if (!entry && task->in_sigwait)
		ptv_loop_fix_sigwait(loop, task, info.exit.rval);
	if (!entry && task->signal_call) {
		ptv_tid_t stands_in =
			ptv_signal_sent_at_exit(&env, task, info.exit.rval);

		if (stands_in)
			ptv_loop_sigchld_sent_stands_in(loop, task, stands_in);
	}
	if (!entry && task->signalfd_first) {
		task->signalfd_first = false;
		if (ptv_loop_sigchld_refix_start(loop, task,
						 (long)info.exit.rval))
			return;
	}
	if (!entry && task->affinity_call != PTV_AFFINITY_NONE)
		ptv_coloc_affinity_exit(loop, task, info.exit.rval);
	if (!entry && (task->skipped_nr >= 0 || task->rewritten_nr >= 0)) {
		struct user_regs_struct regs;
		long nr = task->skipped_nr >= 0 ? task->skipped_nr
						 : task->rewritten_nr;

		/* Show the tracer the call it made, not the one that ran. */
		if (task->tracer && ptv_host_getregs(ev->tid, &regs) == 0) {
			regs.orig_rax = (unsigned long long)nr;
			ptv_host_setregs(ev->tid, &regs);
		}
	}
	task->skipped_nr = task->rewritten_nr = -1;
	/* (Not a wait the loop woke, whose result it has put in rax.) */
	if (!entry && !woken &&
	    (ptv_signal_spurious_syscall_exit(&loop->k, task,
					      (long)info.exit.rval) ||
	     ptv_loop_carrier_ended_call(loop, task, (long)info.exit.rval))) {
		task->hide_restart = true;
		ptv_loop_resume(loop, task, 0);
		return;
	}
	/*
	 * After a send that killed the group, no exit stop (an entry stop
	 * stays: Linux would skip the call, syscall_trace_enter()).
	 */
	if (task->tracer && task->resume != PTV_VRESUME_CONT &&
	    task->resume != PTV_VRESUME_SINGLESTEP &&
	    task->resume != PTV_VRESUME_SINGLEBLOCK &&
	    !(!entry && ptv_signal_group_dying(&loop->k, task, 0))) {
		ptv_vstop_syscall(&loop->k, task, entry);
		return;
	}
	ptv_loop_resume(loop, task, 0);
}

static void handle(struct ptv_loop *loop, const struct ptv_host_event *ev)
{
	struct ptv_task *task = ptv_task_find(&loop->k.tasks, ev->tid);
	bool woken;

	loop->events++;
	if (ptv_log_enabled()) {
		char what[96];

		ptv_host_event_describe(ev, what, sizeof(what));
		ptv_log("[%d] %s%s%s", ev->tid, what, task ? "" : " (new task)",
			task && task->tracer ? " (traced)" : "");
	}
	/* A deferred wait's task has left its seccomp stop: killed. */
	if (task && loop->ndeferred > 0)
		forget_deferred(loop, task);
	if (task) {
		/*
		 * A wait asleep for this child's events is woken; its trap
		 * comes after this event, which the model has by then.
		 */
		ptv_wake_parent_waiters(&loop->k, task);
		if (task->stop_in_flight && ev->kind == PTV_HEV_GROUP_STOP)
			ptv_group_stop_begins(&loop->k, task);
		task->stop_in_flight = false;
		task->host_stops++;
		if (ev->kind != PTV_HEV_TRAP_STOP)
			task->sigcont_trap_artifact = false;
		if (ev->kind != PTV_HEV_SIGNAL_STOP)
			task->sigcont_at_frame = false;
		ptv_signal_unblock_rerouted(task);
	}
	if (ev->kind == PTV_HEV_EXITED || ev->kind == PTV_HEV_SIGNALED) {
		on_task_gone(loop, task, ev);
		return;
	}
	if (task == NULL) {
		/* First stop of an auto-attached child, before its parent's event. */
		task = add_task(loop, ev->tid, ev->tid);
		if (task == NULL)
			return;
	}
	task->host_state = PTV_HOST_STOPPED;
	/*
	 * It is in this stop now: a wait that reports it while this event is
	 * handled (a deferred wait decided again) needs no host check. A
	 * SIGKILL sent since came after that wait, as it may natively.
	 */
	loop->stop_check.tid = task->tid;
	loop->stop_check.events = loop->events;
	loop->stop_check.stopped = true;
	ptv_coloc_at_stop(loop, task);
	/*
	 * Signals to discard are dequeued in the task's first get_signal()
	 * after its attach (unblocked, they all go before it returns to user
	 * mode): a syscall or event stop means they are gone, taken perhaps by
	 * another thread of its group.
	 */
	if (ev->kind == PTV_HEV_SYSCALL_STOP || ev->kind == PTV_HEV_EVENT)
		task->discard_sigs = task->discard_twice = 0;
	/*
	 * "The actual trap might not be PTRACE_EVENT_STOP trap but the pending
	 * condition is cleared regardless" (kernel/ptrace.c, PTRACE_INTERRUPT):
	 * any stop ends the supervisor's wake-up interrupt.
	 */
	woken = task->ptvisor_interrupt;
	task->ptvisor_interrupt = false;
	note_get_signal_stop(task, ev, woken);
	if (ev->kind != PTV_HEV_SIGNAL_STOP)
		task->wait_woken_restart = false;
	ptv_loop_notif_fix(loop, task);
	if (woken && task->in_native_wait && task->wait == NULL) {
		struct ptv_syscall_env env = env_of(loop);

		ptv_wait_fix_woken_native(&env, task);
	}
	task->in_native_wait = false;
	if (task->attached && task->skipped_nr >= 0 &&
	    ev->kind != PTV_HEV_SYSCALL_STOP)
		task->skipped_nr = -1;
	if (loop->killing) {
		task->attached = true;
		kill_task(task, NULL);
		ptv_loop_resume(loop, task, 0);
		return;
	}
	switch (ev->kind) {
	case PTV_HEV_SIGNAL_STOP:
		on_signal_stop(loop, task, ev);
		break;
	case PTV_HEV_GROUP_STOP:
		on_group_stop(loop, task, ev);
		break;
	case PTV_HEV_TRAP_STOP:
		on_trap_stop(loop, task, woken);
		break;
	case PTV_HEV_SYSCALL_STOP:
		on_syscall_stop(loop, task, ev, woken);
		break;
	case PTV_HEV_EVENT:
		if (!on_event(loop, &task, ev))
			ptv_loop_resume(loop, task, 0);
		break;
	case PTV_HEV_EXITED:
	case PTV_HEV_SIGNALED:
		break;
	}
}

/*
 * The first guest's SIGCHLD action, after its exec: SIG_IGN if it came in
 * ignored, else SIG_DFL (exec makes a handler SIG_DFL). From there on the
 * model follows it (note_sigchld_action(), clones, execs).
 */
static void first_sigchld_action(struct ptv_task *first)
{
	struct ptv_proc_sig_masks m;

	ptv_proc_sig_masks(first->tid, &m);
	first->sigchld_action = (m.ignored & (1ULL << (SIGCHLD - 1)))
					? PTV_SIGCHLD_IGNORED
					: PTV_SIGCHLD_DEFAULT;
}

/* The next host event: first those take_pending() kept, in order. */
static int next_event(struct ptv_loop *loop, struct ptv_host_event *ev,
		      bool nohang)
{
	if (loop->nkept == 0)
		return ptv_host_wait(ev, nohang);
	*ev = loop->kept[0];
	loop->nkept--;
	memmove(loop->kept, loop->kept + 1,
		sizeof(loop->kept[0]) * (size_t)loop->nkept);
	return 0;
}

int ptv_loop_run(const struct ptv_loop_options *opts, pid_t first_pid,
		 int *killed_by)
{
	struct ptv_loop loop = { .opts = *opts, .first_pid = first_pid };
	struct ptv_host_event ev;
	struct ptv_task *first;
	uint64_t spin_until = 0;

	loop.self = getpid();
	loop.host_has_x32 = ptv_host_has_x32();
	ptv_kernel_init(&loop.k, &ptv_loop_host_iface, &loop);
	ptv_coloc_init(&loop, opts->colocate);
	loop.k.yama = (enum ptv_yama_scope)opts->yama_scope;
	first = add_task(&loop, first_pid, first_pid);
	if (first == NULL)
		return 126;
	first->first_guest = true;
	first->attached = true;
	first->clone_seen = true;
	first->parent_tgid = loop.self;
	first->parent_tid = loop.self;
	first_sigchld_action(first);
	ptv_filter_note_base(first_pid);
	ptv_log("guests have %d seccomp filter(s) not their own",
		ptv_filter_base());
	ptv_signals_forward_to(first_pid);
	for (;;) {
		int r;

		ptv_coloc_check(&loop);
		r = next_event(&loop, &ev, spin_until != 0 || must_poll(&loop));
		if (r == -EAGAIN) {
			uint64_t now = ptv_now_ns();

			/* Nothing pending, and the spin is over (or was brief). */
			if (loop.ndeferred > 0 &&
			    now - loop.deferred_since_ns >= DEFER_SPIN_NS)
				redecide_deferred(&loop, true);
			/* On one CPU with them: let them run meanwhile. */
			else if (ptv_coloc_sharing(&loop))
				ptv_sched_yield();
			if (now >= spin_until)
				spin_until = 0;
			continue;
		}
		if (r == -EINTR)
			continue;
		if (r == -ECHILD)
			break;
		PTV_CHECK(r == 0, "waitpid failed: %s", ptv_errno_name(-r));
		handle(&loop, &ev);
		ptv_leaders_release(&loop.k);
		/* Not much longer than the spin, if host events keep coming. */
		if (loop.ndeferred > 0)
			redecide_deferred(&loop, ptv_now_ns() - loop.deferred_since_ns >=
							 2 * DEFER_SPIN_NS);
		spin_until = loop.k.traced != NULL ? ptv_now_ns() + ACTIVE_SPIN_NS : 0;
	}
	ptv_log("no guest left; exiting with %d", loop.exit_status);
	ptv_kernel_destroy(&loop.k);
	*killed_by = loop.killed_by;
	return loop.exit_status;
}
