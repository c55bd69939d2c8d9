/*
 * Signals a guest sends that the model must know of when they are sent
 * (the filter traps kill(2) and its kin for these signals only), and what
 * the host makes of signals that Linux would not:
 *
 *  - SIGCONT continues a stopped group at once (kernel/signal.c:
 *    prepare_signal()), before any thread of it runs: the model continues
 *    it at the sender's syscall exit, if the call succeeded.
 *  - A signal that the task named ignores, untraced, is discarded at once
 *    (prepare_signal() returns !sig_ignored()). The host, which traces every
 *    guest, keeps it instead; then any thread of the group may dequeue it,
 *    a traced one too. So the group's leader records it (discard_sent) and
 *    the thread that dequeues it does not take it (loop.c).
 *  - A signal Linux keeps is recorded too (kept_sent, kept_own), so that an
 *    attach does not take it for one Linux discarded, and a dequeued one
 *    is told apart by its siginfo (ptv_signal_discarded()).
 *  - A SIGCONT goes to the task named if it wants it (complete_signal());
 *    if another thread dequeued it, it is sent on (ptv_signal_reroute()).
 *  - A send Linux discards runs with signal 0 (send_nothing()).
 *  - A fatal signal kills the group at once if the task named is untraced
 *    (ptv_signal_kills_group(); kill(2) and kin are trapped for these
 *    signals too, to know the task named: ptv_signal_fatal_sent()).
 *  - A single-stepped thread's step of a call the host interrupted for no
 *    signal is not reported (ptv_signal_spurious_step()).
 *
 * Trapped: the signals whose default action is to ignore them (SIGCONT,
 * SIGCHLD, SIGURG, SIGWINCH), and for kill, rt_sigqueueinfo and
 * pidfd_send_signal the fatal ones without a core dump (design note 21);
 * any other signal is a limitation (README).
 */
#include "signal.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/user.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/procfs.h"

#define N_MARKS (sizeof(((struct ptv_task *)0)->discard_marks) / \
		 sizeof(((struct ptv_task *)0)->discard_marks[0]))
#define SIGBIT(sig) (1ULL << ((sig) - 1))
/* The stop signals, which a SIGCONT flushes (prepare_signal()). */
#define STOP_SIGNALS                                                   \
	(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

/* Does a thread of @tgid have a virtual tracer? */
static bool group_traced(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == tgid && t->tracer)
			return true;
	return false;
}

/*
 * Does Linux discard @sig sent to @n at once (kernel/signal.c:sig_ignored():
 * not blocked, not traced, its action SIG_IGN or a SIG_DFL that ignores;
 * whether @n is exiting or not)?
 */
static bool linux_discards(const struct ptv_task *n, int sig)
{
	/* A leader that has exited alone is asked too (not in a syscall). */
	return n->tracer == NULL && !n->host_gone &&
	       ptv_proc_signal_ignored(n->tid, sig, !n->exit_seen);
}

/*
 * A send of @sig to @n's group that Linux keeps, while the host has one
 * pending for the group already: the host drops it (legacy_queue()), and
 * the one pending stands for it. If that one was recorded as one Linux had
 * discarded (discard_sent, or a thread's discard_sigs from its attach), it
 * is not any more, and true is returned: its siginfo is not Linux's.
 */
static bool pending_one_kept(struct ptv_kernel *k, const struct ptv_task *n,
			     struct ptv_task *leader, int sig)
{
	uint64_t bit = 1ULL << (sig - 1);
	bool marked = leader->discard_sent & bit;
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tgid == n->tgid && (t->discard_sigs & bit))
			marked = true;
	if (!marked || !(ptv_proc_status_mask(n->tid, "ShdPnd") & bit))
		return false;
	leader->discard_sent &= ~bit;
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));) {
		if (t->tgid != n->tgid || !(t->discard_sigs & bit))
			continue;
		if (t->discard_twice & bit)
			t->discard_twice &= ~bit;
		else if (!(ptv_proc_status_mask(t->tid, "SigPnd") & bit))
			t->discard_sigs &= ~bit;	/* it was the shared one */
	}
	ptv_log("[%d] %s pending for the group stands for the one sent now",
		n->tid, ptv_signal_name(sig));
	return true;
}

bool ptv_signal_kept_stands_in(struct ptv_kernel *k, struct ptv_task *leader,
			       int sig)
{
	return pending_one_kept(k, leader, leader, sig);
}

/*
 * Is the signal sent on, or left, to @u (->reroute_sig) still to be taken:
 * kept to be sent (->reroute_unsent), or pending in its own queue on the
 * host (not dequeued yet, nor dropped by a SIGCONT)?
 */
static bool reroute_still_there(const struct ptv_task *u)
{
	return u->reroute_unsent ||
	       (ptv_proc_status_mask(u->tid, "SigPnd") & SIGBIT(u->reroute_sig));
}

/*
 * Is @sig pending for @tgid's group in Linux while the host has it pending
 * for one thread only? A SIGCONT sent on to the thread Linux woke for it
 * (ptv_signal_reroute()) is, until that thread dequeues it.
 */
static bool rerouted_pending(struct ptv_kernel *k, ptv_tid_t tgid, int sig)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (u->tgid != tgid)
			continue;
		if (sig == SIGCONT && u->sigcont_deferred)
			return true;
		if (u->reroute_sig == sig && !u->reroute_taken &&
		    reroute_still_there(u))
			return true;
	}
	return false;
}

/*
 * Does Linux drop @sig sent to @n's group because one is pending for the
 * group already (kernel/signal.c:__send_signal_locked(): legacy_queue(),
 * after prepare_signal(), so a SIGCONT still continues the group), where
 * the host queues it?
 */
static bool linux_drops_for_group(struct ptv_kernel *k,
				  const struct ptv_task *n, int sig)
{
	return rerouted_pending(k, n->tgid, sig) &&
	       !(ptv_proc_status_mask(n->tid, "ShdPnd") & SIGBIT(sig));
}

/*
 * @sender sends @sig to task @named (the group's leader for a process
 * group or kill(-1)). If Linux discards it at once (or drops it, one
 * pending for the group already) and a thread of the group is traced,
 * which could dequeue it, the group's leader records it. Not if it is
 * pending for the group on the host: the host drops the new one
 * (kernel/signal.c:legacy_queue()).
 */
static void mark_discard(struct ptv_kernel *k, struct ptv_task *sender,
			 ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *leader = n ? ptv_task_find(&k->tasks, n->tgid) : NULL;
	uint64_t bit = 1ULL << (sig - 1);
	bool dropped;
	size_t i;

	if (leader == NULL)
		return;
	dropped = linux_drops_for_group(k, n, sig);
	if (!dropped && !linux_discards(n, sig)) {
		/*
		 * Given this kill(2)'s siginfo when dequeued (SIGCHLD only:
		 * the notes of loop/host_iface.c; one group a call). A
		 * sigqueue's or a pidfd's, the sender's own siginfo, not.
		 */
		if (pending_one_kept(k, n, leader, sig) && sig == SIGCHLD &&
		    sender->signal_call == PTV_SEND_KILL &&
		    sender->signal_stands_in == 0)
			sender->signal_stands_in = leader->tid;
		leader->kept_sent |= bit;
		return;
	}
	if (!group_traced(k, n->tgid) ||
	    (ptv_proc_status_mask(n->tid, "ShdPnd") & bit))
		return;
	for (i = 0; i < N_MARKS && sender->discard_marks[i]; i++)
		;
	if (i == N_MARKS)
		return;	/* could not be undone: not made */
	sender->discard_marks[i] = leader->tid;
	leader->discard_sent |= bit;
	/*
	 * None is pending for the group on the host: a kept one recorded
	 * is gone, unseen (a stop signal's prepare_signal() flushes SIGCONT
	 * from every queue: ptfuzz seed 135 in events mode, step 256).
	 */
	leader->kept_sent &= ~bit;
	/*
	 * prepare_signal() wakes the group's stopped threads for a SIGCONT
	 * before it discards it: they pass get_signal() in Linux too.
	 */
	leader->discard_woke &= ~bit;
	if (sig == SIGCONT && ptv_group_stopping(k, n->tgid))
		leader->discard_woke |= bit;
	if (dropped)
		ptv_log("[%d] %s to %d: Linux drops it (one is pending for "
			"the group)", sender->tid, ptv_signal_name(sig), named);
	else
		ptv_log("[%d] %s to %d: Linux discards it at once (ignored, "
			"untraced)", sender->tid, ptv_signal_name(sig), named);
}

/*
 * Would @u take @sig that @sender sends to its group now? kernel/signal.c:
 * wants_signal(): not blocked, not exiting, not stopped or traced-stopped
 * (a SIGCONT ends a group-stop untraced as it is sent, before:
 * prepare_signal()), and "task_curr(p) || !task_signal_pending(p)". A
 * SIGCONT's prepare_signal() trap-notifies a seized thread first
 * (ptrace_trap_notify(): signal_wake_up()), so it has a signal pending by
 * then: it wants it only if it is on a CPU, as the sender is (ptfuzz seed
 * 536 in events mode, step 1734).
 */
static bool wants_signal(const struct ptv_task *sender,
			 const struct ptv_task *u, int sig)
{
	if (u->vstop != PTV_VSTOP_NONE || u->listening || u->host_gone ||
	    u->exit_seen)
		return false;
	if (sig != SIGCONT && u->tracer == NULL && u->group_stopped)
		return false;
	if (sig == SIGCONT && u->tracer && u->seized && u != sender)
		return false;
	return !(ptv_proc_status_mask(u->tid, "SigBlk") & SIGBIT(sig));
}

/*
 * The thread of @n's group that complete_signal() gives @sig sent to @n:
 * @n if it wants it, else another that does, searched from the group's
 * curr_target, which the model does not know. Its tid; 0 if none wants
 * it, or (*@several true) if more than one other does.
 */
static ptv_tid_t signal_taker(struct ptv_kernel *k,
			      const struct ptv_task *sender,
			      const struct ptv_task *n, int sig, bool *several)
{
	ptv_tid_t taker = 0;
	struct ptv_task *u;

	*several = false;
	if (wants_signal(sender, n, sig))
		return n->tid;
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (u->tgid != n->tgid || u == n ||
		    !wants_signal(sender, u, sig))
			continue;
		if (taker) {
			*several = true;
			return 0;
		}
		taker = u->tid;
	}
	return taker;
}

/*
 * SIGCONT sent to task @named: Linux's complete_signal() gives it to @named
 * if it "wants" it, else to another thread (sigcont_woken). The host seizes
 * every thread, so every thread traps (ptrace_trap_notify()) and
 * whichever the supervisor resumes first dequeues it. If @named is traced
 * and wants it, its group's leader records it, so that another thread that
 * dequeues it hands it on (ptv_signal_reroute()).
 */
static void name_sigcont_taker(struct ptv_kernel *k,
			       const struct ptv_task *sender, ptv_tid_t named)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *leader = n ? ptv_task_find(&k->tasks, n->tgid) : NULL;
	struct ptv_task *u;
	bool several;

	if (leader == NULL)
		return;
	/*
	 * One pending for the group already, or one that Linux discards
	 * (@n untraced ignores it: prepare_signal() returns false, no
	 * complete_signal()): this one wakes nobody.
	 */
	if (linux_drops_for_group(k, n, SIGCONT) || linux_discards(n, SIGCONT)) {
		leader->sigcont_woken = leader->sigcont_named = 0;
		return;
	}
	leader->sigcont_woken = signal_taker(k, sender, n, SIGCONT, &several);
	leader->sigcont_named = n->tracer && leader->sigcont_woken == n->tid ?
				n->tid : 0;
	/* Who is in a ptrace-stop now takes it itself once resumed. */
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == n->tgid)
			u->sigcont_in_stop = u->vstop != PTV_VSTOP_NONE;
}

/* What SIGCONT or an ignorable @sig to @named sets up, as above. */
static void sent_to(struct ptv_kernel *k, struct ptv_task *sender,
		    ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *leader = n ? ptv_task_find(&k->tasks, n->tgid) : NULL;

	if (leader)
		leader->group_sends++;	/* ptv_signal_note_left() */
	if (sig == SIGCONT)
		name_sigcont_taker(k, sender, named);
	mark_discard(k, sender, named, sig);
}

/*
 * tkill(2) or tgkill(2) of @sig to @tid: a signal Linux keeps is pending
 * for @tid (kept_own; an attach then does not take it for one Linux had
 * discarded). A failed call may leave a stale mark: it only keeps an
 * ignored signal pending at an attach from being discarded.
 */
static void kept_by_thread(struct ptv_kernel *k, struct ptv_task *sender,
			   ptv_tid_t tid, int sig)
{
	struct ptv_task *n = tid > 0 ? ptv_task_find(&k->tasks, tid) : NULL;

	(void)sender;
	if (n && !linux_discards(n, sig))
		n->kept_own |= 1ULL << (sig - 1);
}

/* @u has no signal sent on to it, nor one to send (->reroute_sig). */
static void forget_reroute(struct ptv_task *u)
{
	u->reroute_sig = 0;
	u->reroute_left = u->reroute_taken = u->reroute_unsent = false;
}

/*
 * A SIGCONT sent to group @tgid drops its pending stop signals, in every
 * thread's queue (kernel/signal.c:prepare_signal()): those the supervisor
 * sent on (ptv_signal_left_for_other(), ptv_signal_left_met())
 * are no longer there to take.
 */
static void forget_rerouted_stops(struct ptv_kernel *k, ptv_tid_t tgid)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (u->tgid != tgid)
			continue;
		if (u->reroute_sig != 0 && ptv_sig_is_stop(u->reroute_sig))
			forget_reroute(u);
		if (ptv_sig_is_stop(u->group_resent_sig))
			u->group_resent_sig = 0;
	}
}

/*
 * Does @sender's SIGCONT to @t reach its group? Not by tkill(2) or
 * tgkill(2) of a thread that has exited (a leader that exited alone, a
 * zombie): that queues nothing and continues nothing, and returns 0 (seen
 * on 6.18: the group's pending stop signals stay, and so do its threads'
 * JOBCTL_STOP_DEQUEUED; scenarios
 * ptrace-thread-signals-sigcont-tgkill-to-exited-leader and
 * -sigcont-tgkill-to-exited-leader-then-stop).
 */
static bool sigcont_reaches(const struct ptv_task *sender,
			    const struct ptv_task *t)
{
	return !((sender->signal_call == PTV_SEND_TKILL ||
		  sender->signal_call == PTV_SEND_TGKILL) &&
		 (t->exit_seen || t->vzombie || t->host_gone));
}

/* SIGCONT reached the group of task @named, if the model knows it. */
static void sigcont_to(struct ptv_kernel *k, struct ptv_task *sender,
		       ptv_tid_t named, int sig)
{
	struct ptv_task *t = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;

	(void)sig;
	if (t == NULL)
		return;
	if (!sigcont_reaches(sender, t)) {
		ptv_log("[%d] SIGCONT to %d, which has exited: nothing "
			"continued", sender->tid, t->tid);
		return;
	}
	forget_rerouted_stops(k, t->tgid);
	ptv_group_sigcont(k, t->tgid);
}

/*
 * A SIGCONT sent to task @named: the host traps every thread of its group
 * (ptrace_trap_notify(): it seizes them all), where Linux wakes the one it
 * gives the SIGCONT to (by tkill(2) or tgkill(2), @named if it wants it;
 * none if @named, untraced, ignores it) and those in a group-stop, which
 * go on in get_signal(); one in a ptrace-stop looks at its signals anyway
 * when it is resumed. The others' traps are marked as ones Linux does not
 * make (ptv_signal_note_left() there); none when the model cannot tell
 * which thread Linux picks.
 */
static void mark_sigcont_traps(struct ptv_kernel *k, struct ptv_task *sender,
			       ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *u, *leader;
	bool several = false, shared_read = false;
	uint64_t shared = 0;
	ptv_tid_t woken;

	(void)sig;
	if (n == NULL)
		return;
	/* A mark left by a flushed SIGCONT nobody dequeued is not this
	   one's (ptv_ptrace_attach()). */
	leader = ptv_task_find(&k->tasks, n->tgid);
	if (leader)
		leader->sigcont_flushed = false;
	/* Discarded, it wakes nobody (complete_signal() is not reached):
	   ptfuzz seed 1224 at 10000 steps, step 8607. */
	if (linux_discards(n, SIGCONT))
		woken = 0;
	else if (sender->signal_call == PTV_SEND_TKILL ||
		 sender->signal_call == PTV_SEND_TGKILL)
		woken = wants_signal(sender, n, SIGCONT) ? n->tid : 0;
	else
		woken = signal_taker(k, sender, n, SIGCONT, &several);
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (u->tgid != n->tgid)
			continue;
		u->sigcont_trap_wakes = !u->group_stopped &&
					u->vstop == PTV_VSTOP_NONE &&
					!u->listening;
		u->sigcont_trap_artifact = !several && u->tid != woken &&
					   u->sigcont_trap_wakes;
		/*
		 * A signal sent while the host holds it in that trap is one
		 * Linux would have woken it for, not one left to another.
		 */
		if (u->sigcont_trap_artifact) {
			if (!shared_read)
				shared = ptv_proc_status_mask(n->tid, "ShdPnd") &
					 ~STOP_SIGNALS;
			shared_read = true;
			u->sigcont_trap_shared = shared;
		}
	}
}

typedef void named_fn(struct ptv_kernel *, struct ptv_task *, ptv_tid_t, int);

/*
 * @fn for each task @call of @sig by @sender names (kernel/signal.c:
 * kill_something_info()): the pid or tid it gives, or the leader of every
 * group of a process group (kill(0) or kill(-pgid)) or of every group but
 * the sender's (kill(-1)).
 */
static void for_each_named_by(struct ptv_kernel *k, struct ptv_task *sender,
			      enum ptv_send_call call, int32_t pid,
			      int32_t tid, int sig, named_fn *fn)
{
	struct ptv_task *t;
	pid_t pgid = 0;

	switch (call) {
	case PTV_SEND_KILL:
		if (pid > 0) {
			fn(k, sender, pid, sig);
			return;
		}
		if (pid != -1)
			pgid = pid ? -pid : getpgid(sender->tid);
		for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
			if (t->tid == t->tgid && !t->host_gone &&
			    (pid != -1 || t->tgid != sender->tgid) &&
			    (pgid == 0 || getpgid(t->tid) == pgid))
				fn(k, sender, t->tid, sig);
		return;
	case PTV_SEND_TKILL:
	case PTV_SEND_SIGQUEUE:
		fn(k, sender, pid, sig);
		return;
	case PTV_SEND_TGKILL:
		fn(k, sender, tid, sig);
		return;
	case PTV_SEND_PIDFD:
		fn(k, sender, ptv_proc_pidfd_pid(sender->tid, pid), sig);
		return;
	}
}

/* The same for the call in flight (task->signal_call). */
static void for_each_named(struct ptv_kernel *k, struct ptv_task *sender,
			   int32_t pid, int32_t tid, named_fn *fn)
{
	for_each_named_by(k, sender, (enum ptv_send_call)sender->signal_call,
			  pid, tid, sender->signal_sig, fn);
}

/*
 * The one task a kill(2) of a pid > 0, a tkill(2) or a tgkill(2) names,
 * if the model knows it.
 */
static struct ptv_task *single_named(struct ptv_kernel *k,
				     enum ptv_send_call call, int32_t pid,
				     int32_t tid)
{
	switch (call) {
	case PTV_SEND_KILL:
	case PTV_SEND_TKILL:
		return pid > 0 ? ptv_task_find(&k->tasks, pid) : NULL;
	case PTV_SEND_TGKILL:
		return tid > 0 && pid > 0 ? ptv_task_find(&k->tasks, tid)
					  : NULL;
	default:
		return NULL;
	}
}

/*
 * Does a SIGCONT that Linux discards (the task named, untraced, ignores
 * it) do nothing else either? kernel/signal.c:prepare_signal() first
 * flushes the group's pending stop signals, ends its group-stop (stopped
 * or in progress), traps the threads a tracer seized
 * (ptrace_trap_notify()) and clears every thread's JOBCTL_STOP_DEQUEUED
 * (task_clear_jobctl_pending()). None of that matters when no thread of
 * @n's group is seized, stopped for its group or about to be, and no stop
 * signal is pending; the last is noted for the threads in a
 * signal-delivery-stop (stop_dequeued_cleared, at the call's exit). On
 * the host the SIGCONT would wake, and make trap, every thread: one of
 * them would take a signal pending for the group that Linux leaves to
 * another (ptfuzz seed 145).
 */
static bool sigcont_does_nothing(struct ptv_kernel *k, const struct ptv_task *n)
{
	const uint64_t stops = SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) |
			       SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU);
	struct ptv_proc_sig_masks masks;
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (u->tgid != n->tgid || u->host_gone)
			continue;
		if ((u->tracer && u->seized) || u->group_stopped ||
		    u->stop_in_flight || u->listening)
			return false;
		ptv_proc_sig_masks(u->tid, &masks);
		if ((masks.pending | masks.shared) & stops)
			return false;
	}
	return true;
}

/*
 * The signal argument of @task's sending call made 0 (its registers, at its
 * seccomp stop); task->signal_zeroed says where, for unzero_signal().
 * False if the registers could not be changed (the task was killed).
 */
static bool zero_signal(struct ptv_task *task,
			const struct ptv_syscall *syscall,
			enum ptv_send_call call)
{
	bool i386 = syscall->abi == PTV_ABI_I386;
	struct user_regs_struct regs;
	size_t off;

	if (ptv_host_getregs(task->tid, &regs) < 0)
		return false;
	/* The signal is the 2nd argument (rsi, ecx), tgkill's the 3rd (rdx). */
	if (call == PTV_SEND_TGKILL)
		off = offsetof(struct user_regs_struct, rdx);
	else
		off = i386 ? offsetof(struct user_regs_struct, rcx)
			   : offsetof(struct user_regs_struct, rsi);
	*(unsigned long long *)((char *)&regs + off) = 0;
	if (ptv_host_setregs(task->tid, &regs) < 0)
		return false;
	task->signal_zeroed = (int)off + 1;
	return true;
}

/*
 * A send of @sig that Linux discards at once (the one task named ignores
 * it, untraced): on the host it would still be queued, seen by a tracer
 * that attaches later (PTRACE_PEEKSIGINFO; ptfuzz seed 111), and wake a
 * thread of the group, whose interrupted call a single-stepped thread
 * reports as a step (ptfuzz seed 44); so the call runs with signal 0,
 * which makes the same checks (kernel/signal.c:
 * check_kill_permission(), then "if (!ret && sig)") and sends nothing. A
 * SIGCONT only when it does nothing else (sigcont_does_nothing()). The
 * argument is put back at the call's exit.
 */
static bool send_nothing(struct ptv_kernel *k, struct ptv_task *task,
			 const struct ptv_syscall *syscall,
			 enum ptv_send_call call, int32_t pid, int32_t tid,
			 int sig)
{
	struct ptv_task *n = single_named(k, call, pid, tid);

	if (n == NULL || !linux_discards(n, sig) ||
	    (sig == SIGCONT && !sigcont_does_nothing(k, n)) ||
	    !zero_signal(task, syscall, call))
		return false;
	ptv_log("[%d] %s to %d: Linux discards it at once (ignored, untraced): "
		"sent as signal 0", task->tid, ptv_signal_name(sig), n->tid);
	return true;
}

/* At the exit of a call send_nothing() changed: its argument is back. */
static void unzero_signal(struct ptv_task *task)
{
	struct user_regs_struct regs;
	size_t off = (size_t)task->signal_zeroed - 1;

	task->signal_zeroed = 0;
	if (ptv_host_getregs(task->tid, &regs) < 0)
		return;	/* ESRCH: it was killed; its exit comes through wait */
	*(unsigned long long *)((char *)&regs + off) =
		(unsigned long long)task->signal_sig;
	ptv_host_setregs(task->tid, &regs);
}

/*
 * The thread a kill(2), rt_sigqueueinfo(2), tkill(2) or tgkill(2) names
 * if Linux still has its tid and the host does not: a traced thread, not
 * its group's leader, that exited and that its tracer has not reaped
 * (vzombie), whose hold at its exit stop a SIGKILL ended, so that the
 * host finished its exit and the supervisor reaped it (README,
 * Limitations). NULL for any other, and for a tgkill(2) naming another
 * group (ESRCH, from the host too).
 */
static struct ptv_task *vanished_thread(struct ptv_kernel *k,
					enum ptv_send_call call, int32_t pid,
					int32_t tid)
{
	struct ptv_task *n;

	if (call == PTV_SEND_SIGQUEUE)
		n = pid > 0 ? ptv_task_find(&k->tasks, pid) : NULL;
	else
		n = single_named(k, call, pid, tid);
	if (n == NULL || !n->host_gone || !n->vzombie || n->tid == n->tgid ||
	    (call == PTV_SEND_TGKILL && pid != n->tgid))
		return NULL;
	return n;
}

/* The register set's offset of @syscall's first argument. */
static size_t first_arg_offset(const struct ptv_syscall *syscall)
{
	return syscall->abi == PTV_ABI_I386 ? offsetof(struct user_regs_struct, rbx)
					    : offsetof(struct user_regs_struct, rdi);
}

/*
 * @task's call's pid argument made @pid (task->signal_pid_moved says
 * where, for ptv_signal_sent_at_exit()). False if the registers could
 * not be changed (the task was killed).
 */
static bool move_pid_arg(struct ptv_task *task,
			 const struct ptv_syscall *syscall, pid_t pid)
{
	size_t off = first_arg_offset(syscall);
	struct user_regs_struct regs;
	unsigned long long *arg = (unsigned long long *)((char *)&regs + off);

	if (ptv_host_getregs(task->tid, &regs) < 0)
		return false;
	task->signal_pid_arg = *arg;
	*arg = (unsigned long long)(unsigned int)pid;
	if (ptv_host_setregs(task->tid, &regs) < 0)
		return false;
	task->signal_pid_moved = (int)off + 1;
	return true;
}

/* At the exit of a call move_pid_arg() changed: its argument is back. */
static void unmove_pid_arg(struct ptv_task *task)
{
	size_t off = (size_t)task->signal_pid_moved - 1;
	struct user_regs_struct regs;

	task->signal_pid_moved = 0;
	if (ptv_host_getregs(task->tid, &regs) < 0)
		return;	/* ESRCH: it was killed; its exit comes through wait */
	*(unsigned long long *)((char *)&regs + off) = task->signal_pid_arg;
	ptv_host_setregs(task->tid, &regs);
}

/* @task's trapped send of @sig: what ptv_signal_sent_at_exit() needs. */
static void note_send(struct ptv_task *task, enum ptv_send_call call,
		      int32_t pid, int32_t tid, int sig)
{
	for (size_t i = 0; i < N_MARKS; i++)
		task->discard_marks[i] = 0;
	task->signal_stands_in = 0;
	task->signal_call = call;
	task->signal_args[0] = pid;
	task->signal_args[1] = tid;
	task->signal_sig = sig;
}

void ptv_sys_signal_send(struct ptv_syscall_env *env, struct ptv_task *task,
			 const struct ptv_syscall *syscall,
			 enum ptv_send_call call, int32_t pid, int32_t tid,
			 int sig, struct ptv_syscall_outcome *out)
{
	note_send(task, call, pid, tid, sig);
	task->signal_zeroed = 0;
	/* Whether it continues a stopped group is decided on the model. */
	if (sig == SIGCONT && env->take_pending)
		env->take_pending(env, task);
	if (send_nothing(env->k, task, syscall, call, pid, tid, sig)) {
		out->action = PTV_SYSCALL_RUN_TO_EXIT;
		out->result = 0;
		return;
	}
	if (sig == SIGCONT)
		for_each_named(env->k, task, pid, tid, mark_sigcont_traps);
	if (call == PTV_SEND_TKILL || call == PTV_SEND_TGKILL) {
		/* To a thread: it takes it itself, as natively. */
		for_each_named(env->k, task, pid, tid, kept_by_thread);
		if (sig != SIGCONT) {
			task->signal_call = 0;	/* no exit stop needed */
			out->action = PTV_SYSCALL_RUN;
			out->result = 0;
			return;
		}
	} else {
		for_each_named(env->k, task, pid, tid, sent_to);
	}
	/* Its targets are known at its exit, if it succeeds. */
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	out->result = 0;
}

/* A SIGCONT to task @named was not sent: it woke nobody. */
static void forget_sigcont_taker(struct ptv_kernel *k, struct ptv_task *sender,
				 ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *leader = n ? ptv_task_find(&k->tasks, n->tgid) : NULL;

	(void)sender;
	(void)sig;
	if (leader)
		leader->sigcont_woken = leader->sigcont_named = 0;
}

/* The call failed: nothing was sent, nothing is to be discarded. */
static void unmark_discards(struct ptv_kernel *k, struct ptv_task *task)
{
	uint64_t bit = 1ULL << (task->signal_sig - 1);

	for (size_t i = 0; i < N_MARKS && task->discard_marks[i]; i++) {
		struct ptv_task *leader =
			ptv_task_find(&k->tasks, task->discard_marks[i]);

		if (leader)
			leader->discard_sent &= ~bit;
		task->discard_marks[i] = 0;
	}
}

/*
 * A SIGCONT sent as nothing (sigcont_does_nothing()) to @named's group:
 * its threads in a signal-delivery-stop have JOBCTL_STOP_DEQUEUED cleared.
 */
static void sigcont_clears_stop_dequeued(struct ptv_kernel *k,
					 struct ptv_task *sender,
					 ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *u;

	(void)sig;
	if (n == NULL || !sigcont_reaches(sender, n))
		return;
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == n->tgid && u->vstop == PTV_VSTOP_SIGNAL)
			u->stop_dequeued_cleared = true;
}

bool ptv_sys_signal_to_vanished(struct ptv_syscall_env *env,
				struct ptv_task *task,
				const struct ptv_syscall *syscall,
				enum ptv_send_call call, int32_t pid,
				int32_t tid, int sig,
				struct ptv_syscall_outcome *out)
{
	struct ptv_task *n = vanished_thread(env->k, call, pid, tid);
	struct ptv_task *leader;
	pid_t seen;

	task->signal_pid_moved = 0;
	if (n == NULL)
		return false;
	leader = ptv_task_find(&env->k->tasks, n->tgid);
	if ((call == PTV_SEND_KILL || call == PTV_SEND_SIGQUEUE) && leader &&
	    !leader->host_gone &&
	    (seen = ptv_pidns_to_guest(env->k, task, leader->tid)) > 0 &&
	    move_pid_arg(task, syscall, seen)) {
		note_send(task, call, pid, tid, sig);
		ptv_log("[%d] %s to %d, a zombie the host no longer has: sent "
			"to its group's leader %d", task->tid,
			ptv_signal_name(sig), n->tid, leader->tid);
		return false;
	}
	ptv_log("[%d] %s to %d, a zombie the host no longer has: %s, "
		"returns 0", task->tid, ptv_signal_name(sig), n->tid,
		call == PTV_SEND_KILL || call == PTV_SEND_SIGQUEUE ?
		"its group is dead" : "queued to it");
	task->signal_call = 0;
	out->action = PTV_SYSCALL_RETURN;
	out->result = 0;
	return true;
}

void ptv_sys_signal_kill_thread(struct ptv_syscall_env *env,
				struct ptv_task *task,
				const struct ptv_syscall *syscall,
				enum ptv_send_call call, int32_t pid,
				int32_t tid, struct ptv_syscall_outcome *out)
{
	struct ptv_task *n = single_named(env->k, call, pid, tid);

	out->result = 0;
	task->signal_zeroed = 0;
	if (n == NULL || !n->held_at_exit ||
	    !zero_signal(task, syscall, call)) {
		out->action = PTV_SYSCALL_RUN;
		return;
	}
	note_send(task, call, pid, tid, SIGKILL);
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	ptv_log("[%d] SIGKILL to %d, held at its exit: Linux does nothing "
		"(PF_EXITING): sent as signal 0", task->tid, n->tid);
}

/* The leader of the group of @named, if the model knows them. */
static struct ptv_task *named_leader(struct ptv_kernel *k, ptv_tid_t named)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;

	return n ? ptv_task_find(&k->tasks, n->tgid) : NULL;
}

/*
 * At the exit of that send, if it succeeded: a group whose thread that
 * takes the signal waits in vfork(2) is killed with SIGKILL in its place.
 */
static void kill_fatal_at_exit(struct ptv_kernel *k, struct ptv_task *sender,
			       ptv_tid_t named, int sig)
{
	struct ptv_task *leader = named_leader(k, named);

	(void)sender;
	if (leader == NULL || !(leader->fatal_at_exit & SIGBIT(sig)))
		return;
	leader->fatal_at_exit &= ~SIGBIT(sig);
	leader->fatal_to_untraced &= ~SIGBIT(sig);
	ptv_log("[%d] %s to a group whose thread waits in vfork(2): SIGKILL "
		"in its place", leader->tid, ptv_signal_name(sig));
	ptv_death_sub_set(k, leader, sig);
	k->host->send_signal(k->host_ctx, leader, SIGKILL);
}

/* ... if it failed, the record goes. */
static void forget_fatal_at_exit(struct ptv_kernel *k, struct ptv_task *sender,
				 ptv_tid_t named, int sig)
{
	struct ptv_task *leader = named_leader(k, named);

	(void)sender;
	if (leader)
		leader->fatal_at_exit &= ~SIGBIT(sig);
}

ptv_tid_t ptv_signal_sent_at_exit(struct ptv_syscall_env *env,
				  struct ptv_task *task, long result)
{
	bool zeroed = task->signal_zeroed != 0;
	ptv_tid_t stands_in = task->signal_stands_in;

	task->signal_stands_in = 0;

	if (task->signal_zeroed)
		unzero_signal(task);
	if (task->signal_pid_moved)
		unmove_pid_arg(task);
	if (task->signal_sig == SIGKILL) {
		/* ptv_sys_signal_kill_thread()'s: nothing else to do. */
		task->signal_call = 0;
		return 0;
	}
	if (PTV_SENT_FATAL_MASK & SIGBIT(task->signal_sig)) {
		/* ptv_signal_fatal_sent()'s. */
		for_each_named(env->k, task, task->signal_args[0], 0,
			       result == 0 ? kill_fatal_at_exit
					   : forget_fatal_at_exit);
		task->signal_call = 0;
		return 0;
	}
	if (result == 0 && zeroed && task->signal_sig == SIGCONT)
		for_each_named(env->k, task, task->signal_args[0],
			       task->signal_args[1],
			       sigcont_clears_stop_dequeued);
	if (result != 0) {
		unmark_discards(env->k, task);
		if (task->signal_sig == SIGCONT &&
		    task->signal_call != PTV_SEND_TKILL &&
		    task->signal_call != PTV_SEND_TGKILL)
			for_each_named(env->k, task, task->signal_args[0],
				       task->signal_args[1],
				       forget_sigcont_taker);
		task->signal_call = 0;
		return 0;
	}
	if (task->signal_sig == SIGCONT)
		for_each_named(env->k, task, task->signal_args[0],
			       task->signal_args[1], sigcont_to);
	task->signal_call = 0;
	return stands_in;
}

/*
 * The instance of @sig that @t dequeued, told by its siginfo_t (@si_code
 * SI_TKILL: its own, sent by tkill or tgkill; SI_KERNEL with
 * given_at_syscall: its own, given by its tracer at a syscall stop, whose
 * record a fatal signal leaves for ptv_signal_kills_group(); else its
 * group's), if the
 * supervisor saw it sent: Linux kept it (kept_own, kept_sent) or discarded
 * it (discard_sent). *@discard says which; false if it was not seen.
 */
static bool seen_sent(struct ptv_task *t, struct ptv_task *leader, int sig,
		      bool *discard)
{
	uint64_t bit = 1ULL << (sig - 1);
	siginfo_t si;

	if (!((t->kept_own | t->given_at_syscall |
	       (leader ? leader->discard_sent | leader->kept_sent : 0)) & bit) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0)
		return false;
	*discard = false;
	/* Its own queue comes first. */
	if (si.si_code == SI_KERNEL && (t->given_at_syscall & bit)) {
		if (!(PTV_SENT_FATAL_MASK & bit))
			t->given_at_syscall &= ~bit;
		return true;
	}
	if (si.si_code == SI_TKILL) {
		if (!(t->kept_own & bit))
			return false;
		t->kept_own &= ~bit;
		return true;
	}
	if (leader == NULL)
		return false;
	if (leader->kept_sent & bit) {
		leader->kept_sent &= ~bit;
		return true;
	}
	if (!(leader->discard_sent & bit))
		return false;
	leader->discard_sent &= ~bit;
	*discard = true;
	return true;
}

/*
 * Did @t, at a signal-delivery-stop, sleep in a call that was interrupted,
 * rather than go on in get_signal() from a stop there, as it does in Linux?
 */
static bool woke_from_call(struct ptv_task *t)
{
	struct user_regs_struct regs;

	return !t->resumed_in_get_signal &&
	       ptv_host_getregs(t->tid, &regs) == 0 &&
	       ptv_is_restart_code((long)regs.rax);
}

/*
 * @t, woken on the host by @sig, which Linux discarded (never queued), is
 * in get_signal(), where it would go on to dequeue the signals pending for
 * its group that it does not block. If they were pending while it slept
 * (its call was interrupted), Linux did not wake it for them: another
 * thread was given them (complete_signal()), which may take them later.
 * They are blocked in @t until its next host stop (->reroute_blocked,
 * ptv_signal_unblock_rerouted()): the loop's pass at it ends, and the call
 * restarts (ptfuzz seed 823, step 6499: a thread asleep in read(2), woken
 * by a SIGCONT it ignores, took a signal its traced and stopped sibling
 * was given).
 */
static void keep_unwoken(struct ptv_task *t, struct ptv_task *leader, int sig)
{
	const uint64_t unblockable = SIGBIT(SIGKILL) | SIGBIT(SIGSTOP);
	struct ptv_proc_sig_masks m;
	uint64_t keep;

	if (leader->discard_woke & SIGBIT(sig)) {
		leader->discard_woke &= ~SIGBIT(sig);
		return;
	}
	if (!woke_from_call(t))
		return;
	ptv_proc_sig_masks(t->tid, &m);
	/* Its own come first in Linux: it was woken for those. */
	keep = m.shared & ~m.blocked & ~m.pending & ~SIGBIT(sig) & ~unblockable;
	if (keep == 0 || ptv_host_setsigmask(t->tid, m.blocked | keep) < 0)
		return;
	t->reroute_blocked |= keep;
	ptv_log("[%d] %#llx pending for its group, which Linux did not wake it "
		"for, blocked until its next stop", t->tid,
		(unsigned long long)keep);
}

bool ptv_signal_unwoken(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	const uint64_t sync = SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) |
			      SIGBIT(SIGILL) | SIGBIT(SIGTRAP) |
			      SIGBIT(SIGFPE) | SIGBIT(SIGSYS);
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	uint64_t bit = sig > 0 && sig <= 64 ? SIGBIT(sig) : 0;
	struct ptv_proc_sig_masks m;
	siginfo_t si;

	if (leader == NULL || !leader->discard_sent || bit == 0 ||
	    ((leader->discard_sent | sync | SIGBIT(SIGKILL) | SIGBIT(SIGSTOP)) &
	     bit))
		return false;
	/* A discarded one is still pending: it is what woke @t. */
	ptv_proc_sig_masks(t->tid, &m);
	if (!((m.shared | m.pending) & ~m.blocked & leader->discard_sent &
	      ~leader->discard_woke) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_code == SI_TKILL ||
	    !woke_from_call(t) ||
	    ptv_host_setsigmask(t->tid, m.blocked | bit) < 0)
		return false;
	t->reroute_blocked |= bit;
	t->stopped_in_get_signal = false;	/* not Linux's */
	ptv_log("[%d] %s pending for its group, which Linux did not wake it "
		"for: back to the group's queue, blocked until its next stop",
		t->tid, ptv_signal_name(sig));
	return true;
}

static bool action_ignores(const struct ptv_proc_sig_masks *m, int sig);

/* The thread of @t's group, not @t, that a SIGCONT is kept for
   (->sigcont_deferred), if any. */
static struct ptv_task *deferred_holder(struct ptv_kernel *k,
					const struct ptv_task *t)
{
	struct ptv_task *u, *holder = NULL;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == t->tgid && u != t && u->sigcont_deferred)
			holder = u;
	return holder;
}

/*
 * The thread of @t's group, not @t, that a SIGCONT sent to the group was
 * sent on to (send_on(), ptv_signal_reroute()) and has it pending still,
 * if any: in Linux it is pending for the group.
 */
static struct ptv_task *sigcont_sent_on(struct ptv_kernel *k,
					const struct ptv_task *t)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == t->tgid && u != t && u->reroute_sig == SIGCONT &&
		    !u->reroute_taken && reroute_still_there(u))
			return u;
	return NULL;
}

/*
 * @t dequeued a SIGCONT that Linux dropped as it was sent, one being
 * pending for the group already: the one ptv_signal_reroute() keeps for
 * another thread until it leaves its ptrace-stop (->sigcont_deferred), or
 * sent on to it, which it has not dequeued yet (ptfuzz seed 1832 at 10000
 * steps, step 3861, 1 run in 5 under load: the other thread had not
 * entered its ptrace-stop when the host's SIGCONT was dequeued).
 * Linux's pending one is @t's then, if it passes get_signal() first
 * (ptv_signal_deferred_met()): true if @t takes it (its siginfo set), which
 * the other thread no longer does (a copy sent on is dropped when it
 * dequeues it: ptv_signal_rerouted_taken()).
 */
static bool takes_deferred_sigcont(struct ptv_kernel *k, struct ptv_task *t)
{
	struct ptv_task *holder, *copy = NULL;
	struct ptv_proc_sig_masks m;
	siginfo_t si;

	/* Only if it passes get_signal() in Linux: resumed from a stop
	   there, not woken by the host's SIGCONT trap alone. */
	if (!t->resumed_in_get_signal)
		return false;
	holder = deferred_holder(k, t);
	if (holder == NULL && (holder = copy = sigcont_sent_on(k, t)) == NULL)
		return false;
	ptv_proc_sig_masks(t->tid, &m);
	if (m.blocked & SIGBIT(SIGCONT))
		return false;
	if (copy != NULL)
		copy->reroute_taken = true;
	else
		holder->sigcont_deferred = false;
	if (t->tracer == NULL && action_ignores(&m, SIGCONT)) {
		ptv_log("[%d] SIGCONT kept for %d is dropped by it in Linux",
			t->tid, holder->tid);
		return false;
	}
	memcpy(&si, holder->reroute_info, sizeof(si));
	ptv_host_setsiginfo(t->tid, &si);
	ptv_log("[%d] SIGCONT kept for %d is taken by it in Linux (the one it "
		"dequeued was dropped as it was sent)", t->tid, holder->tid);
	return true;
}

bool ptv_signal_discarded(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	uint64_t bit = sig > 0 && sig <= 64 ? 1ULL << (sig - 1) : 0;
	bool discard;

	if (bit == 0)
		return false;
	if (seen_sent(t, leader, sig, &discard)) {
		if (discard && sig == SIGCONT && takes_deferred_sigcont(k, t))
			return false;
		if (discard) {
			ptv_log("[%d] %s discarded: Linux discarded it when it "
				"was sent", t->tid, ptv_signal_name(sig));
			keep_unwoken(t, leader, sig);
			t->stopped_in_get_signal = false;
		}
		return discard;
	}
	if (!(t->discard_sigs & bit))
		return false;
	/*
	 * Pending at its attach, ignored: Linux discarded it when it was
	 * sent (ptv_proc_pending_ignored()), as many instances as were
	 * pending, unless the task passes a syscall or event stop first
	 * (then another thread took them: loop.c, handle()).
	 */
	if (t->discard_twice & bit)
		t->discard_twice &= ~bit;
	else
		t->discard_sigs &= ~bit;
	ptv_log("[%d] %s discarded: it was ignored when sent, untraced",
		t->tid, ptv_signal_name(sig));
	return true;
}

/*
 * May the supervisor send a SIGCONT to a thread of group @tgid? Not if a
 * thread is seized by a guest: it would see the host's SIGCONT trap
 * (ptrace_trap_notify()) as its own PTRACE_EVENT_STOP. *@not_now: not yet,
 * a thread is group-stopped or listening, and the group, stopped again
 * since the SIGCONT was sent, would be continued.
 */
static bool sigcont_may_be_sent(struct ptv_kernel *k, ptv_tid_t tgid,
				bool *not_now)
{
	struct ptv_task *u;

	*not_now = false;
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (u->tgid != tgid)
			continue;
		if (u->tracer && u->seized)
			return false;
		*not_now |= u->group_stopped || u->listening;
	}
	return true;
}

/*
 * Can the SIGCONT that @t dequeued go to @n, the thread Linux gives it to?
 * The supervisor sends it again, to @n alone, now or (*@not_now) later
 * (sigcont_may_be_sent()).
 *
 * @n woken may have entered a ptrace-stop before it dequeued it (a
 * step's SIGTRAP, synchronous, comes first): the SIGCONT stays pending for
 * the group, and @n takes it once resumed, unless a thread that passes
 * get_signal() first does: @t, if it was in a ptrace-stop itself when it
 * was sent (ptrace_stop() ends with recalc_sigpending_tsk()) and has been
 * resumed; not @t asleep or running, which Linux does not wake for it.
 * (@n in a ptrace-stop entered since is sent it when it leaves it:
 * defer_to_resume().)
 */
static bool may_reroute(struct ptv_kernel *k, const struct ptv_task *t,
			const struct ptv_task *n, bool *not_now)
{
	if (n == NULL || n == t || n->tracer == NULL || n->host_gone ||
	    n->exit_seen || (n->vstop != PTV_VSTOP_NONE && t->sigcont_in_stop))
		return false;
	return sigcont_may_be_sent(k, t->tgid, not_now);
}

/*
 * Some thread may have a signal sent on to it for its group
 * (->reroute_left): set where one is, cleared by a walk that finds none
 * (left_in_group()).
 */
static bool any_left;

/*
 * Sends @sig to @n alone, for it to take with @si (ptv_signal_rerouted_info()
 * gives it back); false if @n is gone.
 */
static bool send_on(struct ptv_task *n, int sig, const siginfo_t *si)
{
	_Static_assert(sizeof(*si) == sizeof(n->reroute_info), "siginfo_t");
	memcpy(n->reroute_info, si, sizeof(*si));
	n->reroute_sig = sig;
	if (ptv_host_send_signal(n->tgid, n->tid, sig) < 0) {
		n->reroute_sig = 0;
		return false;
	}
	return true;
}

/*
 * send_on() of a signal pending for @n's group that Linux leaves in the
 * group's queue: @n takes it after its own (->reroute_left), and other
 * threads look for it (any_left).
 */
static bool send_on_left(struct ptv_task *n, int sig, const siginfo_t *si)
{
	if (!send_on(n, sig, si))
		return false;
	n->reroute_left = true;
	any_left = true;
	return true;
}

/*
 * The same for @n in a virtual stop, sent when its tracer resumes it
 * (ptv_signal_left_at_resume()): an instance of its own sent meanwhile,
 * which Linux gives it first, would merge with it on the host
 * (legacy_queue()), and the group's would be lost (ptfuzz seed 1853 at
 * 10000 steps, step 3541).
 */
static void keep_left(struct ptv_task *n, int sig, const siginfo_t *si)
{
	memcpy(n->reroute_info, si, sizeof(*si));
	n->reroute_sig = sig;
	n->reroute_left = n->reroute_unsent = true;
	any_left = true;
}

/* Is @n in a ptrace-stop on the host, collected by the loop or not? */
static bool in_ptrace_stop(const struct ptv_task *n)
{
	return n->vstop != PTV_VSTOP_NONE ||
	       n->host_state == PTV_HOST_STOPPED ||
	       ptv_proc_state(n->tid) == 't';
}

/*
 * The SIGCONT @t dequeued is the one Linux left pending for the group when
 * @n, woken for it, entered a ptrace-stop first: sending it on to @n now
 * would clear @n's JOBCTL_STOP_DEQUEUED on the host (prepare_signal()),
 * which ptrace_signal() set as @n entered its stop, and a stop signal its
 * tracer gives it would stop nothing. @n gets it when it leaves the stop
 * (ptv_signal_deferred_at_resume()); @t does not take it.
 */
static bool defer_to_resume(const struct ptv_task *t, struct ptv_task *n,
			    const siginfo_t *si)
{
	memcpy(n->reroute_info, si, sizeof(*si));
	n->sigcont_deferred = true;
	ptv_log("[%d] SIGCONT sent to the group goes to %d, its traced thread, "
		"when it leaves its ptrace-stop", t->tid, n->tid);
	return true;
}

bool ptv_signal_reroute(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	struct ptv_proc_sig_masks masks;
	struct ptv_task *n;
	bool not_now;
	siginfo_t si;

	if (sig != SIGCONT || leader == NULL)
		return false;
	leader->sigcont_woken = 0;
	if (leader->sigcont_flushed) {
		leader->sigcont_flushed = false;
		ptv_log("[%d] SIGCONT flushed by a stop signal in "
			"Linux: not taken", t->tid);
		return true;
	}
	if (leader->sigcont_named == 0)
		return false;
	n = ptv_task_find(&k->tasks, leader->sigcont_named);
	leader->sigcont_named = 0;
	if (!may_reroute(k, t, n, &not_now) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_code == SI_TKILL)
		return false;
	/*
	 * A stop signal pending on the host was sent after it (its
	 * prepare_signal() would have flushed one sent before), and flushed
	 * it in Linux; sent on, it would flush that stop signal instead
	 * (thread-signals sigcont-named-steps-first-then-own, now and then).
	 */
	ptv_proc_sig_masks(n->tid, &masks);
	if ((masks.pending | masks.shared) & STOP_SIGNALS) {
		ptv_log("[%d] SIGCONT flushed by a stop signal sent since in "
			"Linux: not taken", t->tid);
		return true;
	}
	/*
	 * Nor while @n is on its way to a ptrace-stop: single-stepped, it
	 * stops for its step's SIGTRAP first (a synchronous signal, dequeued
	 * before any other), and resumed with a stop signal, it stops its
	 * group. Sent now, the SIGCONT would clear its JOBCTL_STOP_DEQUEUED
	 * or end that group-stop on the host (prepare_signal()), and a stop
	 * signal its tracer gives it would stop nothing (thread-signals
	 * sigcont-named-steps-first-then-stop, under load).
	 */
	if (in_ptrace_stop(n) || n->stop_in_flight ||
	    (n->tracer && ptv_vresume_steps(n->resume)))
		return defer_to_resume(t, n, &si);
	if (not_now)
		return false;
	if (!send_on(n, sig, &si))
		return false;
	ptv_log("[%d] %s sent to the group goes to %d, its traced thread",
		t->tid, ptv_signal_name(sig), n->tid);
	return true;
}

void ptv_signal_deferred_at_resume(struct ptv_kernel *k, struct ptv_task *t,
				   bool stops)
{
	struct ptv_proc_sig_masks masks;
	bool not_now;
	siginfo_t si;

	if (!t->sigcont_deferred || stops ||
	    !sigcont_may_be_sent(k, t->tgid, &not_now) || not_now)
		return;
	/*
	 * Not out of a host stop Linux does not make (the host's SIGCONT
	 * trap) while its tracer steps it: on its way to its step's stop
	 * still, it leaves the SIGCONT pending for the group, where another
	 * thread takes it first (ptv_signal_deferred_met()); sent on now, it
	 * would be in @t's own queue, which no other thread sees
	 * (thread-signals sigcont-pending-taken-before-next, under load).
	 */
	if (t->tracer && ptv_vresume_steps(t->resume) &&
	    !ptv_task_leaves_vstop(t))
		return;
	/*
	 * Nor with a signal of its own pending: dequeue_signal() takes its
	 * own queue before its group's, and sent on now, the SIGCONT would
	 * come first (next_signal(): the lowest) and flush a stop signal
	 * there (prepare_signal()). It is sent on at a later resume (ptfuzz
	 * seed 1507 at 10000 steps, step 3891: T2's SIGTTIN).
	 */
	ptv_proc_sig_masks(t->tid, &masks);
	if (masks.pending & ~masks.blocked & ~t->discard_sigs)
		return;
	t->sigcont_deferred = false;
	memcpy(&si, t->reroute_info, sizeof(si));
	if (send_on(t, SIGCONT, &si))
		ptv_log("[%d] SIGCONT left pending for its group sent on to it "
			"as it is resumed", t->tid);
}

void ptv_signal_stop_flushes_deferred(struct ptv_kernel *k,
				      struct ptv_task *t, int sig, pid_t self)
{
	struct ptv_task *u, *holder = NULL, *leader;
	siginfo_t si;

	if (!ptv_sig_is_stop(sig))
		return;
	leader = ptv_task_find(&k->tasks, t->tgid);
	if (leader && leader->sigcont_named == 0)
		leader = NULL;
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == t->tgid && u->sigcont_deferred)
			holder = u;
	/* Not one the supervisor sent (kill(2) or tgkill(2) of its own). */
	if ((holder == NULL && leader == NULL) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 ||
	    ((si.si_code == SI_USER || si.si_code == SI_TKILL) &&
	     si.si_pid == ptv_pidns_supervisor_seen_by(t, self)))
		return;
	/*
	 * A thread the host let dequeue it whose stop the loop has not seen
	 * yet does not take it either (->sigcont_flushed; thread-signals
	 * sigcont-named-steps-first-then-own, now and then).
	 */
	if (holder)
		holder->sigcont_deferred = false;
	ptv_log("[%d] %s sent to its group flushed the SIGCONT pending for "
		"it, which %d was to take", t->tid, ptv_signal_name(sig),
		holder ? holder->tid : leader->sigcont_named);
	if (leader) {
		leader->sigcont_named = 0;
		leader->sigcont_flushed = true;
	}
}

/*
 * Calls that make Linux look at no pending signal of the caller's group
 * (no recalc_sigpending(), no signal sent or forked with, no exec): at
 * their seccomp stop the supervisor's host stop is the only reason the
 * caller would take one.
 */
static bool quiet_call(const struct ptv_syscall *call)
{
	static const char *const quiet[] = {
		"ptrace", "wait4", "waitid", "waitpid", "prctl", "seccomp",
		"sched_getaffinity", "sched_setaffinity", "unshare", "setns",
		"rt_sigaction", "sigaction",
	};
	const char *name = ptv_syscall_name(call->abi, call->nr);

	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		if (strcmp(name, quiet[i]) == 0)
			return true;
	return false;
}

/*
 * A thread of @t's group, not @t, in a virtual stop (its leader first),
 * that does not block @sig (0: any).
 */
static struct ptv_task *stopped_mate(struct ptv_kernel *k,
				     const struct ptv_task *t, int sig)
{
	struct ptv_task *u, *found = NULL;

	for (u = k->traced; u; u = u->traced_next) {
		struct ptv_proc_sig_masks m;

		if (u == t || u->tgid != t->tgid || u->vstop == PTV_VSTOP_NONE ||
		    u->host_gone || u->exit_seen ||
		    (found != NULL && u->tid != u->tgid))
			continue;
		if (sig != 0) {
			ptv_proc_sig_masks(u->tid, &m);
			if (m.blocked & SIGBIT(sig))
				continue;
		}
		found = u;
	}
	return found;
}

uint64_t ptv_signal_group_sends(struct ptv_kernel *k,
				const struct ptv_task *t)
{
	const struct ptv_task *leader = t->tid == t->tgid ?
		t : ptv_task_find(&k->tasks, t->tgid);

	return leader ? leader->group_sends : 0;
}

void ptv_signal_note_left(struct ptv_kernel *k, struct ptv_task *t,
			  const struct ptv_syscall *call, bool after_vstop)
{
	struct ptv_proc_sig_masks m;
	struct user_regs_struct regs;
	uint64_t left;

	t->left_sigs = 0;
	if (after_vstop || k->traced == NULL ||
	    (call != NULL && !quiet_call(call)) || stopped_mate(k, t, 0) == NULL)
		return;
	ptv_proc_sig_masks(t->tid, &m);
	left = m.shared & ~m.pending & ~m.blocked &
	       ~(SIGBIT(SIGKILL) | SIGBIT(SIGCONT));
	if (call == NULL)
		left &= t->sigcont_trap_shared;	/* at a SIGCONT's trap */
	if (left == 0 || ptv_host_getregs(t->tid, &regs) < 0)
		return;
	t->left_sigs = left;
	t->left_ip = regs.rip;
	ptv_log("[%d] signals %#llx pending for its group are left to a "
		"thread in a virtual stop", t->tid, (unsigned long long)left);
}

bool ptv_signal_left_for_other(struct ptv_kernel *k, struct ptv_task *t,
			       int sig)
{
	struct user_regs_struct regs;
	struct ptv_task *n;
	siginfo_t si;

	if (!(t->left_sigs & SIGBIT(sig)))
		return false;
	/* Dequeued at that call's exit, not later elsewhere. */
	if (ptv_host_getregs(t->tid, &regs) < 0 || regs.rip != t->left_ip) {
		t->left_sigs = 0;
		return false;
	}
	/* One that blocks it would keep it from the others for good. */
	n = stopped_mate(k, t, sig);
	if (n == NULL || n->reroute_sig != 0 ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_code == SI_TKILL)
		return false;
	keep_left(n, sig, &si);
	ptv_log("[%d] %s pending for the group, which Linux leaves to %d "
		"(stopped), goes to it", t->tid, ptv_signal_name(sig), n->tid);
	return true;
}

/* Is the @sig @t dequeued (@si) the one the supervisor (@self) sent it? */
static bool rerouted_copy(struct ptv_task *t, int sig, const siginfo_t *si,
			  pid_t self)
{
	return t->reroute_sig == sig && si->si_code == SI_TKILL &&
	       si->si_pid == ptv_pidns_supervisor_seen_by(t, self);
}

bool ptv_signal_rerouted_later(struct ptv_task *t, int sig, pid_t self)
{
	struct ptv_proc_sig_masks m;
	uint64_t first;
	siginfo_t si;

	if (!t->reroute_left || t->reroute_blocked ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 ||
	    !rerouted_copy(t, sig, &si, self))
		return false;
	/*
	 * Its own: Linux dequeues them before the group's. (Not the group's
	 * lower ones, which another thread may take meanwhile: @t would then
	 * go back to user mode with @sig blocked.)
	 */
	ptv_proc_sig_masks(t->tid, &m);
	first = m.pending & ~SIGBIT(sig) & ~m.blocked;
	if (first == 0 ||
	    ptv_host_setsigmask(t->tid, m.blocked | SIGBIT(sig)) < 0)
		return false;
	if (ptv_host_send_signal(t->tgid, t->tid, sig) < 0) {
		ptv_host_setsigmask(t->tid, m.blocked);
		return false;
	}
	t->reroute_blocked = SIGBIT(sig);
	ptv_log("[%d] %s sent on to it waits: Linux gives it %#llx first",
		t->tid, ptv_signal_name(sig), (unsigned long long)first);
	return true;
}

/* The signals the action of masks @m's group ignores (SIG_IGN, or a
   SIG_DFL that ignores: kernel/signal.c, sig_task_ignored()). */
static uint64_t ignored_by_action(const struct ptv_proc_sig_masks *m)
{
	return ~m->caught & (m->ignored | PTV_SENT_SIGNALS_MASK);
}

/* Does the action of masks @m's group ignore @sig? */
static bool action_ignores(const struct ptv_proc_sig_masks *m, int sig)
{
	return ignored_by_action(m) & SIGBIT(sig);
}

/*
 * Is the SIGCONT kept for @t what Linux's get_signal() takes next, with no
 * jobctl trap or group-stop first, nor an unblocked signal of its own
 * queue, nor a lower one of its group's (next_signal())?
 */
static bool sigcont_next_for(struct ptv_kernel *k, const struct ptv_task *t)
{
	struct ptv_proc_sig_masks m;

	if (t->interrupt_pending || t->group_stopped ||
	    ptv_group_stopping(k, t->tgid))
		return false;
	ptv_proc_sig_masks(t->tid, &m);
	return !(m.blocked & SIGBIT(SIGCONT)) && !(m.pending & ~m.blocked) &&
	       !(m.shared & ~m.blocked & (SIGBIT(SIGCONT) - 1));
}

/* @t's stop for the SIGCONT kept for it, made in its host stop. */
static bool sigcont_stop_in_place(struct ptv_kernel *k, struct ptv_task *t)
{
	siginfo_t si;

	memcpy(&si, t->reroute_info, sizeof(si));
	if (ptv_host_setsiginfo(t->tid, &si) < 0)
		return false;
	t->sigcont_deferred = false;
	ptv_log("[%d] SIGCONT left pending for its group is the next signal it "
		"dequeues: its stop for it is made in place", t->tid);
	ptv_vstop_signal(k, t, SIGCONT);
	return true;
}

/*
 * A signal in @allowed for send_carrier() to carry a thread to a signal-
 * delivery-stop, 0 if none: one whose sending does nothing else
 * (prepare_signal(): no stop signal, no SIGCONT) and that the supervisor
 * gives no other meaning (not SIGCHLD, SIGTRAP, SIGSYS, nor a fault).
 */
static int carrier_in(uint64_t allowed)
{
	static const int candidates[] = {
		SIGWINCH, SIGURG, SIGPROF, SIGVTALRM, SIGUSR2, SIGUSR1,
		SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGXCPU,
		SIGXFSZ, SIGIO, SIGPWR, SIGSTKFLT
	};

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (allowed & SIGBIT(candidates[i]))
			return candidates[i];
	return 0;
}

/* Is @t's host stop signal_delivered()'s ptrace_notify(SIGTRAP) after a
   handler's frame? Its si_code is SIGTRAP, from itself. */
static bool at_frame_trap(const struct ptv_task *t)
{
	siginfo_t si;

	return ptv_host_getsiginfo(t->tid, &si) == 0 &&
	       si.si_signo == SIGTRAP && si.si_code == SIGTRAP;
}

/*
 * @t, stopped at its handler's frame, with the kept SIGCONT: if it is what
 * Linux's get_signal() takes next, a carrier is sent for
 * ptv_signal_carrier_stop() to make its stop for the SIGCONT a real
 * signal-delivery-stop (the frame's trap is a ptrace_notify() stop, which
 * drops its tracer's signal): one @t neither blocks nor has pending, which
 * it dequeues at once (sigcont_next_for() found nothing unblocked in its
 * own queue). If the handler's sa_mask blocks SIGCONT, Linux takes it
 * once rt_sigreturn(2) unblocks it: the carrier is then one the handler
 * blocks and @t did not before, so that the same unblocking delivers it.
 */
static void send_carrier(struct ptv_kernel *k, struct ptv_task *t)
{
	struct ptv_proc_sig_masks m;
	uint64_t allowed;
	int carrier;

	ptv_proc_sig_masks(t->tid, &m);
	if (sigcont_next_for(k, t))
		allowed = ~(m.blocked | m.pending);
	else if ((m.blocked & SIGBIT(SIGCONT)) && t->frame_mask_known &&
		 !(t->blocked_before_frame & SIGBIT(SIGCONT)))
		allowed = m.blocked & ~t->blocked_before_frame & ~m.pending;
	else
		return;
	t->frame_mask_known = false;
	carrier = carrier_in(allowed);
	if (carrier == 0 || ptv_host_send_signal(t->tgid, t->tid, carrier) < 0)
		return;
	t->sigcont_carrier = carrier;
	ptv_log("[%d] past its handler's frame, the SIGCONT left pending for "
		"its group comes next%s: %s sent to carry it to its stop",
		t->tid, allowed & m.blocked ? ", once the handler returns" : "",
		ptv_signal_name(carrier));
}

bool ptv_signal_deferred_stop_in_place(struct ptv_kernel *k,
				       struct ptv_task *t, int sig,
				       enum ptv_vresume how)
{
	struct ptv_proc_sig_masks m;
	bool not_now;

	if (!t->sigcont_deferred || t->tracer == NULL ||
	    sigcont_may_be_sent(k, t->tgid, &not_now))
		return false;
	if (sig != 0) {
		ptv_proc_sig_masks(t->tid, &m);
		/* A fatal or stop signal: Linux acts on it first. */
		if (!(m.caught & SIGBIT(sig)) && !action_ignores(&m, sig))
			return false;
		if (m.caught & SIGBIT(sig)) {
			/* A step of its own reports the frame first. */
			t->sigcont_at_frame = !ptv_vresume_steps(how);
			t->frame_mask_known = true;
			t->blocked_before_frame = m.blocked;
			return false;
		}
	}
	return sigcont_next_for(k, t) && sigcont_stop_in_place(k, t);
}

bool ptv_signal_deferred_at_frame_trap(struct ptv_kernel *k,
				       struct ptv_task *t)
{
	bool not_now;

	if (!t->sigcont_deferred || t->tracer == NULL ||
	    sigcont_may_be_sent(k, t->tgid, &not_now) || !at_frame_trap(t))
		return false;
	send_carrier(k, t);
	return true;
}

bool ptv_signal_frame_trap(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	t->sigcont_at_frame = false;
	if (sig != SIGTRAP || !at_frame_trap(t))
		return false;
	if (t->sigcont_deferred)
		send_carrier(k, t);
	return true;
}

bool ptv_signal_carrier_stop(struct ptv_kernel *k, struct ptv_task *t, int sig,
			     pid_t self)
{
	siginfo_t si;

	if (sig != t->sigcont_carrier || ptv_host_getsiginfo(t->tid, &si) < 0 ||
	    si.si_code != SI_TKILL ||
	    si.si_pid != ptv_pidns_supervisor_seen_by(t, self))
		return false;
	t->sigcont_carrier = 0;
	/* (Detached meanwhile: the SIGCONT is its group's again.) */
	if (t->sigcont_deferred && t->tracer != NULL)
		sigcont_stop_in_place(k, t);
	return true;
}

void ptv_signal_left_taken_by(struct ptv_kernel *k, struct ptv_task *t,
			      int sig)
{
	struct ptv_proc_sig_masks m;
	struct ptv_task *u;
	bool read = false;

	if (t->tracer != NULL)
		return;
	for (u = k->traced; u; u = u->traced_next) {
		int left = u->reroute_sig;

		if (u == t || u->tgid != t->tgid || !u->reroute_left ||
		    u->reroute_taken)
			continue;
		if (!read) {
			ptv_proc_sig_masks(t->tid, &m);
			read = true;
			/* A handler would end the dequeuing at once. */
			if (!action_ignores(&m, sig))
				return;
		}
		if ((m.blocked & SIGBIT(left)) || !action_ignores(&m, left))
			continue;
		u->reroute_taken = true;
		ptv_log("[%d] %s sent on to %d is taken by it in Linux, after "
			"its %s", t->tid, ptv_signal_name(left), u->tid,
			ptv_signal_name(sig));
	}
}

/*
 * Was the instance @t dequeued (@si) sent to its whole group? kill(2),
 * sigqueue(3) and the kernel's group signals (a terminal's, an itimer's:
 * SEND_SIG_PRIV) are; tkill(2) and tgkill(2) are not (SI_TKILL), nor a
 * SIGPIPE the kernel sent @t itself (send_sig(): SI_USER from @t's own
 * process, which a kill() of itself cannot be told from). Other codes
 * (SI_TIMER, SI_SIGIO...) may be either: counted as not.
 */
static bool sent_to_group(const struct ptv_task *t, const siginfo_t *si)
{
	if (si->si_code == SI_USER)
		return !(si->si_signo == SIGPIPE && si->si_pid == t->tgid);
	return si->si_code == SI_QUEUE || si->si_code == SI_KERNEL;
}

/*
 * Does kernel/signal.c:next_signal() take @a before @b from one queue?
 * The synchronous signals (the faults) first, then the lowest.
 */
static bool dequeued_before(int a, int b)
{
	const uint64_t sync = SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) |
			      SIGBIT(SIGILL) | SIGBIT(SIGTRAP) |
			      SIGBIT(SIGFPE) | SIGBIT(SIGSYS);
	bool a_sync = sync & SIGBIT(a), b_sync = sync & SIGBIT(b);

	return a_sync != b_sync ? a_sync : a < b;
}

/*
 * Would kill(2) of @sig to @t's group wake no thread but @t?
 * kernel/signal.c:complete_signal() wakes none in a ptrace-stop or
 * group-stopped (as all are that the loop holds in a host stop), nor one
 * that blocks it.
 */
static bool wakes_no_other(struct ptv_kernel *k, const struct ptv_task *t,
			   int sig)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u != t && u->tgid == t->tgid && !u->host_gone &&
		    u->host_state != PTV_HOST_STOPPED &&
		    u->host_state != PTV_HOST_LISTENING &&
		    !(ptv_proc_status_mask(u->tid, "SigBlk") & SIGBIT(sig)))
			return false;
	return true;
}

/*
 * Sends @sig to @t's group (kill(2)), for whichever thread dequeues it to
 * get @si back (ptv_signal_rerouted_info()): only when wakes_no_other(),
 * and one at a time (the leader keeps it). One already pending there
 * (@shared: the group's pending set) stands for it, as Linux merges a
 * standard signal (a SIGCHLD the supervisor sent keeps the siginfo it
 * gets: ptv_loop_fix_sigchld()). False if not sent.
 */
static bool send_group_again(struct ptv_kernel *k, struct ptv_task *t,
			     int sig, const siginfo_t *si, uint64_t shared)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);

	if (sig < SIGRTMIN && (shared & SIGBIT(sig)))
		return true;
	if (leader == NULL || leader->group_resent_sig != 0 ||
	    !wakes_no_other(k, t, sig))
		return false;
	memcpy(leader->group_resent_info, si, sizeof(*si));
	leader->group_resent_sig = sig;
	if (ptv_host_send_group(t->tgid, sig) < 0) {
		leader->group_resent_sig = 0;
		return false;
	}
	return true;
}

/*
 * Has a thread of @t's group, not @t, a signal sent on and not taken?
 * Asked at every virtual resume: the walk is made only while some thread
 * may have one (any_left).
 */
static bool left_in_group(struct ptv_kernel *k, const struct ptv_task *t)
{
	struct ptv_task *u;
	bool some = false;

	if (!any_left)
		return false;
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));) {
		if (!u->reroute_left || u->reroute_taken)
			continue;
		if (u != t && u->tgid == t->tgid)
			return true;
		some = true;
	}
	any_left = some;
	return false;
}

/*
 * The signal sent on to a stopped thread of @t's group
 * (ptv_signal_left_for_other()), still pending there, that Linux would
 * give @t first (next_signal()'s order), if @t does not block it (@m, its
 * masks); NULL if none.
 */
static struct ptv_task *left_for_mate(struct ptv_kernel *k,
				      const struct ptv_task *t,
				      const struct ptv_proc_sig_masks *m)
{
	struct ptv_task *u, *first = NULL;

	/* (Not only traced ones: send_group_again()'s fallback.) */
	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u != t && u->tgid == t->tgid && u->reroute_left &&
		    !u->reroute_taken && !(m->blocked & SIGBIT(u->reroute_sig)) &&
		    (first == NULL ||
		     dequeued_before(u->reroute_sig, first->reroute_sig)) &&
		    reroute_still_there(u))
			first = u;
	return first;
}

/*
 * @u's copy of a signal sent on goes back to the group's queue, for @t
 * (@shared: its group's pending set), met @how, to take as in Linux;
 * @u's copy is marked taken. False if it could not be sent.
 */
static bool give_back_left(struct ptv_kernel *k, struct ptv_task *t,
			   struct ptv_task *u, uint64_t shared, const char *how)
{
	if (!send_group_again(k, t, u->reroute_sig,
			      (const siginfo_t *)u->reroute_info, shared))
		return false;
	u->reroute_taken = true;
	ptv_log("[%d] %s sent on to %d goes back to the group: Linux gives it "
		"to this thread %s", t->tid, ptv_signal_name(u->reroute_sig),
		u->tid, how);
	return true;
}

int ptv_signal_left_met(struct ptv_kernel *k, struct ptv_task *t, int sig,
			pid_t self)
{
	struct ptv_proc_sig_masks m;
	struct ptv_task *u;
	siginfo_t si;
	int left;

	if (sig == SIGKILL || !left_in_group(k, t))
		return sig;
	ptv_proc_sig_masks(t->tid, &m);
	u = left_for_mate(k, t, &m);
	if (u == NULL || ptv_host_getsiginfo(t->tid, &si) < 0)
		return sig;
	left = u->reroute_sig;
	/*
	 * After @sig (from @t's own queue, @sig comes first): back to the
	 * group's queue, where @t takes it once past @sig (its handler's
	 * frame, its ptrace-stop, its group-stop), or another thread
	 * first, as in Linux.
	 */
	if (!sent_to_group(t, &si) || !dequeued_before(left, sig)) {
		give_back_left(k, t, u, m.shared, "after the one it dequeued");
		return sig;
	}
	/*
	 * Before @sig: @t takes it now, and @sig goes back to the group's
	 * queue. Not a SIGCONT (sent again, it would continue the group
	 * again), nor a stop signal while a SIGCONT is pending (it would drop
	 * it).
	 */
	if (sig == SIGCONT ||
	    (ptv_sig_is_stop(sig) &&
	     ((m.pending | m.shared) & SIGBIT(SIGCONT))))
		return sig;
	u->reroute_taken = true;
	if (t->tracer == NULL && action_ignores(&m, left)) {
		ptv_log("[%d] %s sent on to %d is taken by it in Linux, before "
			"its %s: dropped there", t->tid,
			ptv_signal_name(left), u->tid, ptv_signal_name(sig));
		return sig;
	}
	if (!send_group_again(k, t, sig, &si, m.shared)) {
		/* To @t alone, after its own as a group signal would be. */
		if (t->reroute_sig != 0 || !send_on_left(t, sig, &si)) {
			u->reroute_taken = false;
			return sig;
		}
	}
	memcpy(&si, u->reroute_info, sizeof(si));
	ptv_host_setsiginfo(t->tid, &si);
	ptv_log("[%d] %s sent on to %d is taken by it in Linux, before its "
		"%s, which is sent again", t->tid, ptv_signal_name(left),
		u->tid, ptv_signal_name(sig));
	return left;
}

int ptv_signal_deferred_met(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	struct ptv_proc_sig_masks m;
	struct ptv_task *holder;
	siginfo_t si;

	/*
	 * Not a stop signal: it and a SIGCONT are never pending together
	 * (prepare_signal() flushes the other; ptv_signal_stop_flushes_
	 * deferred()).
	 */
	if (sig == SIGKILL || sig == SIGCONT || ptv_sig_is_stop(sig))
		return sig;
	holder = deferred_holder(k, t);
	if (holder == NULL)
		return sig;
	ptv_proc_sig_masks(t->tid, &m);
	if ((m.blocked & SIGBIT(SIGCONT)) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0)
		return sig;
	if (t->tracer == NULL && action_ignores(&m, SIGCONT)) {
		holder->sigcont_deferred = false;
		ptv_log("[%d] SIGCONT kept for %d is dropped by it in Linux, "
			"with its %s", t->tid, holder->tid,
			ptv_signal_name(sig));
		return sig;
	}
	/*
	 * After @sig, or after a signal of @t's own queue: get_signal() is
	 * called again on the way back to user mode while one is pending
	 * (exit_to_user_mode_loop()), and @t takes it then. It is sent on to
	 * @t when the host resumes it (ptv_signal_deferred_at_resume()).
	 */
	if (!sent_to_group(t, &si) || !dequeued_before(SIGCONT, sig)) {
		if (t->reroute_sig != 0)
			return sig;
		memcpy(t->reroute_info, holder->reroute_info, sizeof(si));
		t->sigcont_deferred = true;
		holder->sigcont_deferred = false;
		ptv_log("[%d] SIGCONT kept for %d is taken by it in Linux, "
			"after its %s", t->tid, holder->tid,
			ptv_signal_name(sig));
		return sig;
	}
	/* Before @sig: @t takes it now, and @sig is sent again. */
	if (!send_group_again(k, t, sig, &si, m.shared) &&
	    (t->reroute_sig != 0 || !send_on_left(t, sig, &si)))
		return sig;
	holder->sigcont_deferred = false;
	memcpy(&si, holder->reroute_info, sizeof(si));
	ptv_host_setsiginfo(t->tid, &si);
	ptv_log("[%d] SIGCONT kept for %d is taken by it in Linux, before its "
		"%s, which is sent again", t->tid, holder->tid,
		ptv_signal_name(sig));
	return SIGCONT;
}

/*
 * @t, resumed, holds a signal its group left to it, not sent yet
 * (keep_left()): another thread took it in Linux, or it is sent now, unless
 * @t has one of its own pending, which Linux gives it first: it then waits
 * for a later resume.
 */
static void send_kept_left(struct ptv_task *t)
{
	int sig = t->reroute_sig;

	if (t->reroute_taken) {
		forget_reroute(t);
		return;
	}
	if (ptv_proc_status_mask(t->tid, "SigPnd") & SIGBIT(sig)) {
		ptv_log("[%d] %s its group left to it waits: it has its own",
			t->tid, ptv_signal_name(sig));
		return;
	}
	t->reroute_unsent = false;
	if (ptv_host_send_signal(t->tgid, t->tid, sig) < 0) {
		forget_reroute(t);
		return;
	}
	ptv_log("[%d] %s its group left to it is sent on to it as it is "
		"resumed", t->tid, ptv_signal_name(sig));
}

void ptv_signal_left_at_resume(struct ptv_kernel *k, struct ptv_task *t)
{
	struct ptv_proc_sig_masks m;
	struct ptv_task *u;

	if (t->reroute_unsent)
		send_kept_left(t);
	if (!left_in_group(k, t))
		return;
	ptv_proc_sig_masks(t->tid, &m);
	u = left_for_mate(k, t, &m);
	if (u != NULL)
		give_back_left(k, t, u, m.shared, "as it is resumed");
}

/*
 * "If the (new) signal is now blocked, requeue it", in the queue the one
 * dequeued came from, with the siginfo @t stopped with (SI_USER from its
 * tracer if the signal was changed). An own one is told apart by SI_TKILL
 * (seen_sent()); any other counts as the group's (ptfuzz seed 1775 at
 * 10000 steps, step 7850: a SIGWINCH given to a thread that blocks it went
 * back to the group's queue, and a group-stopped thread, seized, took it).
 */
void ptv_signal_requeued_at_resume(struct ptv_kernel *k, struct ptv_task *t,
				   int sig, int code)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	uint64_t bit = sig > 0 && sig <= 64 ? SIGBIT(sig) : 0;
	uint64_t blocked;

	if (bit == 0 || (bit & (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))) ||
	    ptv_host_getsigmask(t->tid, &blocked) < 0 ||
	    !(blocked & ~t->reroute_blocked & bit))
		return;
	if (code == SI_TKILL)
		t->kept_own |= bit;
	else if (leader != NULL)
		leader->kept_sent |= bit;
	ptv_log("[%d] %s given at its signal-delivery-stop is blocked: queued "
		"again, kept", t->tid, ptv_signal_name(sig));
}

bool ptv_signal_rerouted_taken(struct ptv_task *t, int sig, pid_t self)
{
	siginfo_t si;

	if (!t->reroute_taken || t->reroute_sig != sig ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 ||
	    !rerouted_copy(t, sig, &si, self))
		return false;
	forget_reroute(t);
	ptv_log("[%d] %s sent on to it was taken by another thread: dropped",
		t->tid, ptv_signal_name(sig));
	return true;
}

void ptv_signal_unblock_rerouted(struct ptv_task *t)
{
	uint64_t mask;

	if (t->reroute_blocked == 0)
		return;
	if (ptv_host_getsigmask(t->tid, &mask) == 0)
		ptv_host_setsigmask(t->tid, mask & ~t->reroute_blocked);
	t->reroute_blocked = 0;
}

/* Is the @sig @t dequeued (@si) the one send_group_again() sent? */
static bool resent_to_group(struct ptv_task *t,
			    const struct ptv_task *leader, int sig,
			    const siginfo_t *si, pid_t self)
{
	return leader != NULL && leader->group_resent_sig == sig &&
	       si->si_code == SI_USER &&
	       si->si_pid == ptv_pidns_supervisor_seen_by(t, self);
}

bool ptv_signal_rerouted_info(struct ptv_kernel *k, struct ptv_task *t,
			      int sig, pid_t self)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	siginfo_t si;

	if ((t->reroute_sig != sig &&
	     (leader == NULL || leader->group_resent_sig != sig)) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0)
		return false;
	if (resent_to_group(t, leader, sig, &si, self)) {
		leader->group_resent_sig = 0;
		memcpy(&si, leader->group_resent_info, sizeof(si));
		return ptv_host_setsiginfo(t->tid, &si) == 0;
	}
	if (t->reroute_sig != sig || !rerouted_copy(t, sig, &si, self))
		return false;
	forget_reroute(t);
	memcpy(&si, t->reroute_info, sizeof(si));
	return ptv_host_setsiginfo(t->tid, &si) == 0;
}

/*
 * Does @tid, asleep in vfork(2), want a signal sent now (wants_signal():
 * "task_curr(p) || !task_sigpending(p)")? Not with a signal pending that
 * it does not block, unless it ignores it: Linux discarded that one as it
 * was sent (sig_ignored()), the host, which traces it, keeps it.
 */
static bool vfork_waiter_wants(pid_t tid)
{
	struct ptv_proc_sig_masks m;

	ptv_proc_sig_masks(tid, &m);
	return !((m.pending | m.shared) & ~m.blocked & ~ignored_by_action(&m));
}

/* @sig sent to the group of task @named names it: its leader records
   whether it is traced. */
static void record_fatal(struct ptv_kernel *k, struct ptv_task *sender,
			 ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *leader = n ? ptv_task_find(&k->tasks, n->tgid) : NULL;
	uint64_t bit = SIGBIT(sig);
	ptv_tid_t taker;
	bool several;

	if (leader == NULL)
		return;
	leader->fatal_to_traced &= ~bit;
	leader->fatal_to_untraced &= ~bit;
	leader->fatal_at_exit &= ~bit;
	/*
	 * complete_signal() looks for a thread that wants it first: if none
	 * does, it leaves it pending, and the thread that dequeues it later
	 * acts on it alone (traced, it stops), as when @n is traced.
	 */
	taker = n->tracer ? 0 : signal_taker(k, sender, n, sig, &several);
	if (n->tracer || (!taker && !several)) {
		leader->fatal_to_traced |= bit;
		return;
	}
	leader->fatal_to_untraced |= bit;
	/*
	 * If its action is the default (sig_fatal()), its SIGKILL to every
	 * thread ends the killable wait in vfork(2) (kernel/fork.c:
	 * wait_for_vfork_done()); on the host the signal waits there,
	 * pending (design note 48).
	 */
	n = taker ? ptv_task_find(&k->tasks, taker) : NULL;
	if (n && n->in_vfork && ptv_proc_signal_default(n->tid, sig) &&
	    vfork_waiter_wants(n->tid))
		leader->fatal_at_exit |= bit;
}

bool ptv_signal_fatal_sent(struct ptv_kernel *k, struct ptv_task *sender,
			   enum ptv_send_call call, int32_t pid, int sig)
{
	struct ptv_task *t;

	for_each_named_by(k, sender, call, pid, 0, sig, record_fatal);
	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->fatal_at_exit & SIGBIT(sig)) {
			note_send(sender, call, pid, 0, sig);
			return true;
		}
	return false;
}

/*
 * Is the task that @sig, sent to @leader's group (@si), named traced? The
 * trapped send recorded it (ptv_signal_fatal_sent(); the record goes);
 * the kernel's own group signals (SI_KERNEL: a terminal's, an itimer's)
 * name the leader; any other (a signal a tracer injected that the kernel
 * queued again, blocked: SI_USER from the tracer, naming the thread) is
 * counted as naming a traced task, which keeps the usual stop.
 */
static bool named_traced(struct ptv_task *leader, const siginfo_t *si)
{
	uint64_t bit = SIGBIT(si->si_signo);
	bool traced;

	if (leader == NULL)
		return si->si_code != SI_KERNEL;
	if (!((leader->fatal_to_traced | leader->fatal_to_untraced) & bit))
		return si->si_code != SI_KERNEL || leader->tracer != NULL;
	traced = leader->fatal_to_traced & bit;
	leader->fatal_to_traced &= ~bit;
	leader->fatal_to_untraced &= ~bit;
	return traced;
}

bool ptv_signal_kills_group(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	siginfo_t si;

	/*
	 * kernel/signal.c:complete_signal(): "This signal will be fatal to
	 * the whole group" when sig_fatal(p, sig), the group is not exiting
	 * and "(sig == SIGKILL || !p->ptrace)", p the task the signal was
	 * sent to; unless sig_kernel_coredump(sig) (PTV_SENT_FATAL_MASK is
	 * the others). The host, which traces every thread, never takes
	 * this path.
	 */
	if (sig <= 0 || sig > 64 || !(PTV_SENT_FATAL_MASK & SIGBIT(sig)))
		return false;
	/*
	 * Its tracer gave it at a syscall stop: sent to it alone, traced
	 * (SI_KERNEL, as the kernel's own signals to a group: told apart).
	 */
	if ((t->given_at_syscall & SIGBIT(sig)) &&
	    ptv_host_getsiginfo(t->tid, &si) == 0 && si.si_code == SI_KERNEL) {
		t->given_at_syscall &= ~SIGBIT(sig);
		return false;
	}
	/* An untraced thread only drops the record of the thread named. */
	if (t->tracer == NULL &&
	    !(leader && ((leader->fatal_to_traced | leader->fatal_to_untraced) &
			 SIGBIT(sig))))
		return false;
	if (ptv_host_getsiginfo(t->tid, &si) < 0 || !sent_to_group(t, &si) ||
	    named_traced(leader, &si) || !ptv_proc_signal_default(t->tid, sig))
		return false;
	/*
	 * Linux leaves it in the group's queue, which no thread dequeues once
	 * each has SIGKILL: a PTRACE_PEEKSIGINFO at an exit stop shows it
	 * (ptv_signal_fatal_left()). The host's thread took it off.
	 */
	if (leader) {
		leader->fatal_left = true;
		memcpy(leader->fatal_left_info, &si, sizeof(si));
	}
	if (t->tracer == NULL)
		return false;
	ptv_log("[%d] %s sent to its group, whose leader is untraced, kills "
		"the group (no signal-delivery-stop)", t->tid,
		ptv_signal_name(sig));
	return true;
}

bool ptv_signal_fatal_left(struct ptv_kernel *k, const struct ptv_task *t,
			   siginfo_t *si)
{
	const struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);

	if (leader == NULL || !leader->fatal_left)
		return false;
	memcpy(si, leader->fatal_left_info, sizeof(*si));
	return true;
}

size_t ptv_signal_group_kept(struct ptv_kernel *k, const struct ptv_task *t,
			     siginfo_t *si, size_t max)
{
	struct ptv_task *u;
	size_t n = 0;

	for (size_t cursor = 0;
	     n < max && (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == t->tgid &&
		    (u->sigcont_deferred ||
		     (u->reroute_unsent && !u->reroute_taken)))
			memcpy(&si[n++], u->reroute_info, sizeof(*si));
	return n;
}

bool ptv_signal_group_dying(struct ptv_kernel *k, struct ptv_task *t, int sig)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	struct ptv_proc_sig_masks masks;
	uint64_t fatal, own = sig > 0 && sig <= 64 ? SIGBIT(sig) : 0;

	if (t->tracer == NULL || leader == NULL || !leader->fatal_to_untraced ||
	    (leader->fatal_to_untraced & own))
		return false;
	/*
	 * kernel/signal.c:complete_signal() gave every thread SIGKILL when
	 * the signal was sent: ptrace_stop() stops no more ("if
	 * (!current->ptrace || __fatal_signal_pending(current)) return
	 * exit_code;" in 6.x), get_signal() goes to do_group_exit().
	 * On the host the signal waits, pending for the group, for a thread
	 * to dequeue it; @t takes it next if it does not block it, its
	 * action is still the default, and nothing of its own comes first.
	 */
	ptv_proc_sig_masks(t->tid, &masks);
	fatal = masks.shared & ~masks.blocked & leader->fatal_to_untraced;
	if (!fatal || (masks.pending & ~masks.blocked & ~own))
		return false;
	for (int s = 1; s <= 64; s++)
		if ((fatal & SIGBIT(s)) && ptv_proc_signal_default(t->tid, s)) {
			ptv_log("[%d] %s not reported: %s sent to its group "
				"killed the group", t->tid,
				sig ? ptv_signal_name(sig) : "syscall-exit-stop",
				ptv_signal_name(s));
			return true;
		}
	return false;
}

/*
 * Did nothing Linux knows of end @t's call (interrupted, to be restarted),
 * so that only the host's SIGCONT trap did? @group_stopped: a group-stop
 * ended it.
 */
static bool woken_by_nothing(struct ptv_kernel *k, struct ptv_task *t,
			     bool group_stopped)
{
	struct ptv_task *leader;
	struct ptv_proc_sig_masks masks;
	uint64_t pending;

	/* A group-stop that began while it was stopped woke it in Linux. */
	if (t->sigpending_at_resume)
		return false;
	/*
	 * Linux woke it for a SIGCONT sent to its group
	 * (name_sigcont_taker()): that is the cause, whether the SIGCONT is
	 * still pending on the host or another thread has dequeued it there
	 * already (it is sent on to this one, ptv_signal_reroute(), maybe when
	 * it is resumed: ->sigcont_deferred).
	 */
	leader = ptv_task_find(&k->tasks, t->tgid);
	if ((leader && leader->sigcont_woken == t->tid) || t->sigcont_deferred)
		return false;
	/*
	 * A group-stop ended it (do_signal_stop() wakes every thread with
	 * JOBCTL_STOP_PENDING; get_signal() stops for it before it dequeues
	 * the step's SIGTRAP): the stop it made since it was stepped.
	 */
	if (group_stopped)
		return false;
	/*
	 * Pending signals that could have woken it, but not one Linux
	 * discarded, nor a SIGCONT sent to its group that made the host trap
	 * it (another thread takes it, or Linux discarded it), unless it was
	 * in a ptrace-stop when that SIGCONT was sent: then no thread wanted
	 * it, it stayed pending for the group, and @t, resumed, has it
	 * pending (ptrace_stop() ends with recalc_sigpending_tsk()), which
	 * ends the call at once natively too (ptfuzz seed 239).
	 */
	ptv_proc_sig_masks(t->tid, &masks);
	pending = (masks.pending | masks.shared) & ~masks.blocked &
		  ~(SIGBIT(SIGTRAP) | t->discard_sigs |
		    (leader ? leader->discard_sent : 0));
	if (!(masks.pending & SIGBIT(SIGCONT)) &&
	    !(t->sigcont_in_stop && (masks.shared & SIGBIT(SIGCONT))))
		pending &= ~SIGBIT(SIGCONT);
	/* Nor one its group leaves to a stopped thread (design note 32). */
	pending &= ~t->left_sigs;
	if (pending)
		return false;
	return true;
}

bool ptv_signal_spurious_step(struct ptv_kernel *k, struct ptv_task *t,
			      int sig)
{
	struct user_regs_struct regs;
	bool group_stopped = t->step_group_stopped;
	siginfo_t si;

	t->step_group_stopped = false;
	/*
	 * arch/x86/kernel/ptrace.c:user_single_step_report() reports a
	 * stepped syscall's exit (TRAP_BRKPT), also when the call was only
	 * interrupted, to be restarted. Only a signal interrupts it in Linux,
	 * and a tracee attached (not seized) has no other cause; on the host,
	 * which seizes every thread, a SIGCONT to its group does
	 * (ptrace_trap_notify()). With no signal pending for it, that is the
	 * cause: no step is reported, the call restarts as in Linux.
	 */
	if (sig != SIGTRAP || t->tracer == NULL || t->seized ||
	    !ptv_vresume_steps(t->resume) ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_code != TRAP_BRKPT ||
	    ptv_host_getregs(t->tid, &regs) < 0 ||
	    (long long)regs.orig_rax < 0 || !ptv_is_restart_code((long)regs.rax))
		return false;
	if (!woken_by_nothing(k, t, group_stopped))
		return false;
	ptv_log("[%d] step trap of an interrupted call not reported: no "
		"signal interrupted it (the host's SIGCONT trap)", t->tid);
	return true;
}

/* No thread of @t's group stops for its group, nor is about to. */
static bool group_not_stopping(struct ptv_kernel *k, const struct ptv_task *t)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->tgid == t->tgid && (u->group_stopped || u->stop_in_flight))
			return false;
	return true;
}

bool ptv_signal_spurious_sysemu_trap(struct ptv_kernel *k, struct ptv_task *t)
{
	struct user_regs_struct regs;

	/*
	 * kernel/entry/common.c:syscall_trace_enter() decides whether to
	 * emulate a call by the work flags it read before its entry-stop:
	 * resumed from a PTRACE_SYSCALL stop with PTRACE_SYSEMU, the call
	 * runs, with no exit-stop (report_single_step(): SYSEMU). The host's
	 * SIGCONT trap (ptrace_trap_notify(), note 21) ends it at once
	 * (ptfuzz seed 539); its restart, made under PTRACE_SYSEMU, would be
	 * emulated and reported as a stop of its own.
	 */
	if (t->tracer == NULL || t->seized || t->wait != NULL ||
	    !t->sysemu_runs_call ||
	    ptv_host_getregs(t->tid, &regs) < 0 ||
	    (long long)regs.orig_rax < 0 || !ptv_is_restart_code((long)regs.rax) ||
	    !group_not_stopping(k, t) || !woken_by_nothing(k, t, false))
		return false;
	ptv_log("[%d] trap ended a call that runs under PTRACE_SYSEMU: no "
		"signal interrupted it (the host's SIGCONT trap); its restart "
		"runs unemulated", t->tid);
	return true;
}

bool ptv_signal_spurious_syscall_exit(struct ptv_kernel *k,
				      struct ptv_task *t, long rval)
{
	struct user_regs_struct regs;

	/*
	 * The same for a call's syscall-exit-stop of a thread attached (not
	 * seized) and resumed with PTRACE_SYSCALL: the host's SIGCONT trap,
	 * pending since a SIGCONT was sent while it was stopped, ends the
	 * call it enters at once (ptfuzz seed 274). Not while its group
	 * stops: do_signal_stop() wakes every thread, which shows no signal.
	 */
	if (t->tracer == NULL || t->seized || t->resume != PTV_VRESUME_SYSCALL ||
	    !ptv_is_restart_code(rval) || t->wait != NULL ||
	    ptv_host_getregs(t->tid, &regs) < 0 ||
	    !ptv_is_restart_code((long)regs.rax) || !group_not_stopping(k, t))
		return false;
	if (!woken_by_nothing(k, t, false))
		return false;
	ptv_log("[%d] syscall-exit-stop of an interrupted call not reported: "
		"no signal interrupted it (the host's SIGCONT trap)", t->tid);
	return true;
}
