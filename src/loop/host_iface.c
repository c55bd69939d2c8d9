/*
 * The host actions the kernel model asks for (struct ptv_host_iface),
 * carried out through the platform layer on the loop thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include "../syscalls/signal.h"
#include "../syscalls/syscalls.h"
#include "loop.h"

#include <stdarg.h>
#include <stdio.h>

#define CAP_SYS_PTRACE 19

/*
 * SIGCHLD notes: the siginfo a SIGCHLD the supervisor sent a tracer's thread
 * group must carry when it is delivered (kill(2) can only send SI_USER).
 */
struct chld_note {
	pid_t tgid;		/* the group the SIGCHLD was sent to */
	siginfo_t info;		/* what Linux would have sent */
	ptv_tid_t stands_in;	/* not 0: not sent; the host's own SIGCHLD
				   pending for the group, which Linux had
				   discarded, stands for it, about the exit
				   of this child (iface_exit_signal_kept()),
				   or (STANDS_IN_KILL) for a kill(2)'s */
	int carrier;		/* not 0: sent as this real-time signal, to
				   become the SIGCHLD at its delivery-stop
				   (carrier_of()); one note a signal sent */
};

/* ->stands_in of a kill(2)'s SIGCHLD (ptv_loop_sigchld_sent_stands_in()). */
#define STANDS_IN_KILL (-1)

static struct chld_note *notes;
static size_t nnotes, notes_cap;

static void note_push(pid_t tgid, const siginfo_t *info, ptv_tid_t stands_in,
		      int carrier)
{
	if (nnotes == notes_cap) {
		size_t cap = notes_cap ? notes_cap * 2 : 16;
		struct chld_note *bigger = realloc(notes, cap * sizeof(*notes));

		if (bigger == NULL)
			return; /* the SIGCHLD keeps kill(2)'s siginfo */
		notes = bigger;
		notes_cap = cap;
	}
	notes[nnotes].tgid = tgid;
	notes[nnotes].info = *info;
	notes[nnotes].stands_in = stands_in;
	notes[nnotes].carrier = carrier;
	nnotes++;
}

/*
 * Takes the first note for @tgid and drops the others: standard signals do
 * not queue, so the ones sent while it was pending were merged into it, as
 * they would have been natively. *@stands_in (if not NULL): one of them
 * was a stand-in's.
 */
static bool note_take(pid_t tgid, siginfo_t *info, bool *stands_in)
{
	bool found = false, any_stands_in = false;
	size_t kept = 0;

	for (size_t i = 0; i < nnotes; i++) {
		if (notes[i].tgid != tgid || notes[i].carrier != 0) {
			notes[kept++] = notes[i];
			continue;
		}
		if (!found) {
			*info = notes[i].info;
			found = true;
		}
		any_stands_in |= notes[i].stands_in != 0;
	}
	nnotes = kept;
	if (stands_in)
		*stands_in = any_stands_in;
	return found;
}

/*
 * Was the SIGCHLD @si that @t took one the supervisor sent (kill(2):
 * SI_USER)? From a pid namespace below its own, the supervisor's pid is 0.
 */
static bool sent_by_supervisor(const struct ptv_loop *loop,
			       struct ptv_task *t, const siginfo_t *si)
{
	return si->si_code == SI_USER &&
	       si->si_pid == ptv_pidns_supervisor_seen_by(t, loop->self);
}

/*
 * A tkill(2)'s or tgkill(2)'s SIGCHLD comes from the thread's own queue,
 * never its group's, which the notes are about (a thread dequeues its own
 * first, kernel/signal.c:dequeue_signal()).
 */
static bool from_own_queue(const siginfo_t *si)
{
	return si->si_code == SI_TKILL;
}

/*
 * The SIGCHLD @si that @t dequeued: true if it gets
 * the siginfo of the group's first note (@fixed). Ours (kill(2) from the
 * supervisor) does; a native one does if it stands for a note, which Linux
 * kept where it had discarded the host's (iface_exit_signal_kept()); else
 * ours, sent meanwhile, were merged into it. The notes go either way.
 */
static bool note_fixes(struct ptv_loop *loop, struct ptv_task *t,
		       const siginfo_t *si, siginfo_t *fixed)
{
	bool stands_in;

	if (from_own_queue(si))
		return false;
	return note_take(t->tgid, fixed, &stands_in) &&
	       (sent_by_supervisor(loop, t, si) || stands_in);
}

/*
 * The carrier (design note 38). kill(2) can only send SI_USER, so the
 * supervisor gives a SIGCHLD it sent Linux's siginfo where the guest takes
 * it: at a signal-delivery-stop, or at rt_sigtimedwait()'s exit. A read()
 * of a signalfd dequeues it with neither. So to a group that made a
 * signalfd and blocks SIGCHLD in every thread (the only way to read it
 * there), it is sent as a real-time signal that a thread of the group
 * does not block; at that thread's delivery-stop the supervisor makes it
 * the SIGCHLD, with the siginfo, and the host queues it back where it was
 * taken from, the group's queue: "If the (new) signal is now blocked,
 * requeue it" (kernel/signal.c:ptrace_signal(), which requeues in the
 * queue the signal came from: the pid type get_signal() dequeued it with;
 * scenario wait sigchld-signalfd-thread shows it on the host). The highest
 * such signal is taken: programs seldom use it. Returns it, or 0
 * (kill(SIGCHLD)).
 * Preconditions: on the loop thread; the group exists.
 */
static int carrier_of(struct ptv_loop *loop, pid_t tgid)
{
	uint64_t unblocked = 0;
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));) {
		uint64_t blocked;

		if (t->tgid != tgid || t->host_gone)
			continue;
		if (!t->made_signalfd || t->in_sigwait)
			return 0;
		/* 0 when /proc cannot tell: then no carrier either */
		blocked = ptv_proc_status_mask(t->tid, "SigBlk");
		if (!(blocked & (1ULL << (SIGCHLD - 1))))
			return 0;
		unblocked |= ~blocked;
	}
	for (int sig = 64; sig > 34; sig--)	/* glibc keeps 32-34 */
		if (unblocked & (1ULL << (sig - 1)))
			return sig;
	return 0;
}

/* The oldest note sent on carrier @sig to @tgid (signals queue), or -1. */
static long carrier_find(pid_t tgid, int sig)
{
	for (size_t i = 0; i < nnotes; i++)
		if (notes[i].tgid == tgid && notes[i].carrier == sig)
			return (long)i;
	return -1;
}

/* Takes that note. */
static bool carrier_take(pid_t tgid, int sig, siginfo_t *info)
{
	long i = carrier_find(tgid, sig);

	if (i < 0)
		return false;
	*info = notes[i].info;
	memmove(&notes[i], &notes[i + 1],
		(nnotes - (size_t)i - 1) * sizeof(*notes));
	nnotes--;
	return true;
}

/*
 * Sends the group @tgid a SIGCHLD with siginfo @si: on @carrier (not 0) or
 * as SIGCHLD, its note kept until it is taken (dropped if kill(2) fails).
 */
static bool send_noted(pid_t tgid, const siginfo_t *si, int carrier)
{
	siginfo_t taken;

	note_push(tgid, si, 0, carrier);
	if (kill(tgid, carrier ? carrier : SIGCHLD) == 0)
		return true;
	if (carrier == 0)
		note_take(tgid, &taken, NULL);
	else
		carrier_take(tgid, carrier, &taken);
	return false;
}

/* A SIGCHLD with siginfo @si to the group @tgid, on a carrier if it needs one. */
static void send_sigchld(struct ptv_loop *loop, pid_t tgid, const siginfo_t *si)
{
	int sig = carrier_of(loop, tgid);

	if (send_noted(tgid, si, sig) && sig)
		ptv_log("[%d] SIGCHLD sent as %s: it reads SIGCHLD from a "
			"signalfd", tgid, ptv_signal_name(sig));
}

/*
 * epoll_wait(2) and its kin end with EINTR for any signal, handled or
 * not (fs/eventpoll.c:ep_poll()); a SIGCHLD the thread blocks would not
 * have ended them natively. x86_64 and x32 numbers, then i386's.
 */
static bool ends_eintr_for_any_signal(const struct user_regs_struct *regs)
{
	long nr = (long)regs->orig_rax;

	if (regs->cs == 0x23)
		return nr == 256 || nr == 319 || nr == 441;
	nr &= ~0x40000000L;
	return nr == SYS_epoll_wait || nr == SYS_epoll_pwait ||
	       nr == SYS_epoll_pwait2;
}

bool ptv_loop_carrier_ended_call(struct ptv_loop *loop, struct ptv_task *t,
				 long rval)
{
	struct ptv_proc_sig_masks m;
	struct user_regs_struct regs;
	uint64_t carriers = 0, pending;

	(void)loop;
	if (t->tracer == NULL || t->wait != NULL)
		return false;
	for (size_t i = 0; i < nnotes; i++)
		if (notes[i].tgid == t->tgid && notes[i].carrier != 0)
			carriers |= 1ULL << (notes[i].carrier - 1);
	if (carriers == 0)
		return false;
	if (!ptv_is_restart_code(rval) &&
	    (rval != -EINTR || ptv_host_getregs(t->tid, &regs) < 0 ||
	     !ends_eintr_for_any_signal(&regs)))
		return false;
	/* Woken by a carrier, and by no signal of the guest's. */
	ptv_proc_sig_masks(t->tid, &m);
	pending = (m.pending | m.shared) & ~m.blocked;
	if (!(pending & carriers) || (pending & ~carriers))
		return false;
	ptv_log("[%d] syscall-exit-stop of a call a SIGCHLD's carrier ended "
		"not reported: it restarts", t->tid);
	return true;
}

void ptv_loop_sigchld_group_gone(struct ptv_loop *loop, pid_t tgid)
{
	struct ptv_task *t;
	size_t kept = 0;

	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));)
		if (t->tgid == tgid && !t->host_gone)
			return;
	for (size_t i = 0; i < nnotes; i++)
		if (notes[i].tgid != tgid)
			notes[kept++] = notes[i];
	nnotes = kept;
}

/* A SIGCHLD the supervisor sent (or one standing for it) to @tgid is noted. */
static bool noted_for(pid_t tgid)
{
	for (size_t i = 0; i < nnotes; i++)
		if (notes[i].tgid == tgid && notes[i].carrier == 0)
			return true;
	return false;
}

/*
 * A SIGCHLD sent before the group's first signalfd(2), pending: the
 * carrier (above) was not used, and a read of the signalfd would dequeue
 * it with kill(2)'s SI_USER. Its queued siginfo cannot be changed from
 * outside, so the thread that made the signalfd takes it: SIGCHLD
 * unblocked in its mask, it is single-stepped out of the call; before its
 * next instruction it passes get_signal(), whose signal-delivery-stop is
 * then the carrier's (SETSIGINFO, SIGCHLD blocked again, resumed with it:
 * kernel/signal.c:ptrace_signal() queues it again for the group). If
 * another thread has read it meanwhile, the step's SIGTRAP comes instead
 * (a synchronous signal, taken before any other), and the mask is put back
 * there: SIGCHLD is unblocked for one instruction only.
 */
bool ptv_loop_sigchld_refix_start(struct ptv_loop *loop, struct ptv_task *t,
				  long rval)
{
	const uint64_t chld = 1ULL << (SIGCHLD - 1);
	uint64_t blocked;

	if (rval < 0 || t->tracer != NULL || !noted_for(t->tgid) ||
	    !(ptv_proc_status_mask(t->tid, "ShdPnd") & chld) ||
	    ptv_host_getsigmask(t->tid, &blocked) < 0 || !(blocked & chld) ||
	    ptv_host_setsigmask(t->tid, blocked & ~chld) < 0)
		return false;
	t->chld_refix = true;
	t->chld_refix_mask = blocked;
	ptv_log("[%d] a SIGCHLD pending since before its first signalfd: "
		"stepped with SIGCHLD unblocked, to fix its siginfo", t->tid);
	ptv_loop_resume(loop, t, 0);
	return true;
}

int ptv_loop_sigchld_refix_stop(struct ptv_loop *loop, struct ptv_task *t,
				int sig)
{
	siginfo_t si, fixed;

	if (!t->chld_refix)
		return -1;
	t->chld_refix = false;
	ptv_host_setsigmask(t->tid, t->chld_refix_mask);
	if (ptv_host_getsiginfo(t->tid, &si) < 0)
		return -1;
	if (sig == SIGTRAP && (si.si_code == TRAP_TRACE ||
			       si.si_code == TRAP_BRKPT)) {
		ptv_log("[%d] no SIGCHLD left to fix (another thread read it)",
			t->tid);
		return 0;
	}
	if (sig != SIGCHLD)
		return -1;
	if (note_fixes(loop, t, &si, &fixed))
		ptv_host_setsiginfo(t->tid, &fixed);
	ptv_log("[%d] the SIGCHLD queued again for its group, its siginfo "
		"fixed", t->tid);
	return SIGCHLD;
}

int ptv_loop_carrier_stop(struct ptv_loop *loop, struct ptv_task *t, int sig)
{
	struct user_regs_struct regs;
	siginfo_t si, fixed;
	uint64_t blocked;

	if (carrier_find(t->tgid, sig) < 0 ||
	    ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_signo != sig ||
	    !sent_by_supervisor(loop, t, &si))
		return -1;
	carrier_take(t->tgid, sig, &fixed);
	if (ptv_host_getsigmask(t->tid, &blocked) < 0 ||
	    !(blocked & (1ULL << (SIGCHLD - 1)))) {
		/* It unblocked SIGCHLD meanwhile: sent as it is now. */
		ptv_log("[%d] %s carried a SIGCHLD this thread does not "
			"block: sent as SIGCHLD", t->tid, ptv_signal_name(sig));
		send_noted(t->tgid, &fixed, 0);
		return 0;
	}
	ptv_host_setsiginfo(t->tid, &fixed);
	/* The call it interrupted restarts: no handler runs. */
	if (ptv_host_getregs(t->tid, &regs) == 0 && (long)regs.rax == -EINTR &&
	    ends_eintr_for_any_signal(&regs)) {
		regs.rax = (unsigned long long)-ERESTARTNOHAND;
		ptv_host_setregs(t->tid, &regs);
	}
	ptv_log("[%d] %s becomes the SIGCHLD it carried, queued again for "
		"its group", t->tid, ptv_signal_name(sig));
	return SIGCHLD;
}

bool ptv_loop_sigchld_stands_in_early(struct ptv_loop *loop,
				      struct ptv_task *t)
{
	bool early = false, asked = false, pending_again = false;
	siginfo_t si;
	size_t kept = 0;

	/*
	 * The host sends a traced child's exit signal to its real parent when
	 * the loop collects its exit (kernel/exit.c:wait_task_zombie(),
	 * ptrace_reparented()): not yet if the child is still known and not
	 * gone; after this one was dequeued if a SIGCHLD is pending again
	 * (the loop's events come in the order of the host's list, not in
	 * time). Else the host dropped it, this one pending.
	 */
	if (ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_signo != SIGCHLD ||
	    sent_by_supervisor(loop, t, &si))
		return false;
	/* The group's (the discarded one) is still pending. */
	if (from_own_queue(&si))
		return false;
	for (size_t i = 0; i < nnotes; i++) {
		/* (A kill(2)'s was sent: it does not come on its own.) */
		if (notes[i].stands_in && notes[i].stands_in != STANDS_IN_KILL &&
		    notes[i].tgid == t->tgid) {
			struct ptv_task *c = ptv_task_find(&loop->k.tasks,
							   notes[i].stands_in);

			if (!asked) {
				pending_again =
					ptv_proc_status_mask(t->tid, "ShdPnd") &
					(1ULL << (SIGCHLD - 1));
				asked = true;
			}
			if (pending_again || (c && !c->host_gone)) {
				early = true;
				continue; /* dropped: its own SIGCHLD comes */
			}
		}
		notes[kept++] = notes[i];
	}
	nnotes = kept;
	if (early)
		ptv_log("[%d] SIGCHLD not taken: Linux discarded it, and the one "
			"it was to stand for is still to come", t->tid);
	return early;
}

/*
 * A SIGCHLD @si about a child's death by the supervisor's SIGKILL in the
 * place of another signal (ptv_death_sub_set()) gets that signal, as
 * do_notify_parent() tells the group's exit code: true if it did.
 */
static bool death_fixes(struct ptv_loop *loop, struct ptv_task *t,
			siginfo_t *si)
{
	pid_t child;
	int sig;

	if (si->si_code != CLD_KILLED || si->si_status != SIGKILL)
		return false;
	child = ptv_pidns_to_host(&loop->k, t, si->si_pid);
	sig = child > 0 ? ptv_death_sig(&loop->k, child) : 0;
	if (sig == 0)
		return false;
	si->si_status = sig;
	return true;
}

bool ptv_loop_fix_sigchld(struct ptv_loop *loop, struct ptv_task *t)
{
	siginfo_t si, fixed;

	if (ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_signo != SIGCHLD)
		return false;
	if (note_fixes(loop, t, &si, &fixed))
		si = fixed;
	else if (!death_fixes(loop, t, &si))
		return false;
	ptv_host_setsiginfo(t->tid, &si);
	return true;
}

void ptv_loop_fix_sigwait(struct ptv_loop *loop, struct ptv_task *t,
			  long result)
{
	siginfo_t si, fixed;

	t->in_sigwait = false;
	if (result != SIGCHLD)
		return;
	if (t->sigwait_info == 0 ||
	    ptv_mem_read(t->tid, t->sigwait_info, &si, sizeof(si)) < 0) {
		note_take(t->tgid, &fixed, NULL); /* taken, seen or not */
		return;
	}
	if (note_fixes(loop, t, &si, &fixed))
		si = fixed;
	else if (!death_fixes(loop, t, &si))
		return;
	if (ptv_mem_write(t->tid, t->sigwait_info, &si, sizeof(si)) < 0)
		ptv_log("[%d] could not fix a SIGCHLD's siginfo", t->tid);
}

/*
 * @sig as SI_USER from a task as @viewer sees it: pid @pid in its pid
 * namespace, the real uid of thread @cred_tid (0: none) in its user
 * namespace (kernel/signal.c:prepare_kill_siginfo(), ptrace_signal()).
 */
static void user_siginfo(struct ptv_loop *loop, siginfo_t *si, int sig,
			 struct ptv_task *viewer, pid_t pid, pid_t cred_tid)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = SI_USER;
	si->si_pid = ptv_pidns_to_guest(&loop->k, viewer, pid);
	if (cred_tid == 0 ||
	    ptv_real_uid_seen_by(viewer->tid, cred_tid, &si->si_uid) < 0)
		si->si_uid = 0;
}

static int iface_resume(void *ctx, struct ptv_task *t, enum ptv_vresume how,
			int sig, bool signal_stop, ptv_tid_t sender)
{
	struct ptv_loop *loop = ctx;

	if (how == PTV_VRESUME_LISTEN) {
		t->host_state = PTV_HOST_LISTENING;
		ptv_loop_stop_check_forget(loop, t->tid);
		return ptv_host_listen(t->tid);
	}
	/* A frame's trap, a ptrace_notify() stop, drops @sig. */
	if (signal_stop && ptv_signal_deferred_at_frame_trap(&loop->k, t))
		signal_stop = false;
	if (signal_stop && sig != 0) {
		siginfo_t si;

		/* kernel/signal.c:ptrace_signal(): a changed signal is SI_USER. */
		if (ptv_host_getsiginfo(t->tid, &si) < 0)
			si.si_code = SI_USER;
		else if (si.si_signo != sig) {
			/* task_pid_vnr(current->parent): in its namespace */
			user_siginfo(loop, &si, sig, t, sender, sender);
			ptv_host_setsiginfo(t->tid, &si);
		}
		/*
		 * A SIGCONT sent while it was in this stop cleared its
		 * JOBCTL_STOP_DEQUEUED: do_signal_stop() does nothing, the
		 * stop signal is gone (kernel/signal.c:get_signal(): "We
		 * didn't actually stop, due to a race with SIGCONT"). The
		 * host, sent nothing, would stop.
		 */
		if (t->stop_dequeued_cleared && ptv_loop_stops_task(t, sig)) {
			ptv_log("[%d] %s stops nothing: a SIGCONT was sent "
				"meanwhile", t->tid, ptv_signal_name(sig));
			sig = 0;
		}
		/* Its group-stop is to come (loop.c, take_pending()). */
		t->stop_in_flight = ptv_loop_stops_task(t, sig);
		ptv_signal_requeued_at_resume(&loop->k, t, sig, si.si_code);
	}
	if (signal_stop &&
	    ptv_signal_deferred_stop_in_place(&loop->k, t, sig, how))
		return 0;
	/* Out of a stop Linux makes too: it takes what is pending. */
	t->vresumed_stop = t->host_stops;
	t->vresumed_sends = ptv_signal_group_sends(&loop->k, t);
	t->left_sigs = 0;
	t->sigcont_trap_artifact = false;
	ptv_signal_left_at_resume(&loop->k, t);
	return ptv_loop_resume(loop, t, sig);
}

static int iface_interrupt(void *ctx, struct ptv_task *t)
{
	(void)ctx;
	return ptv_host_interrupt(t->tid);
}

static bool iface_kills_group_at_once(void *ctx, struct ptv_task *t, int sig)
{
	uint64_t bit = sig > 0 && sig <= 64 ? 1ULL << (sig - 1) : 0;
	uint64_t blocked;

	(void)ctx;
	return (PTV_SENT_FATAL_MASK & bit) &&
	       ptv_host_getsigmask(t->tid, &blocked) == 0 && !(blocked & bit) &&
	       ptv_proc_signal_default(t->tid, sig);
}

static int iface_send_signal(void *ctx, struct ptv_task *t, int sig)
{
	struct ptv_loop *loop = ctx;

	/* It ends the stops of the whole group. */
	if (sig == SIGKILL)
		loop->stop_check.tid = 0;
	return ptv_host_send_signal(t->tgid, t->tid, sig);
}

/*
 * May @leader be in rt_sigtimedwait() now? Not if it is held in a host stop
 * (a deferred wait's seccomp stop, say) or asleep in a wait's vehicle
 * (syscalls/wait.c).
 */
static bool may_be_in_sigwait(const struct ptv_task *leader)
{
	return !leader || (leader->host_state != PTV_HOST_STOPPED &&
			   leader->wait == NULL);
}

/* Is SIGCHLD's handler SIG_IGN in @t's group? */
static bool sigchld_set_ignored(const struct ptv_task *t)
{
	if (t->sigchld_action != PTV_SIGCHLD_UNKNOWN)
		return t->sigchld_action == PTV_SIGCHLD_IGNORED;
	return ptv_proc_signal_set_ignored(t->tgid, SIGCHLD);
}

/*
 * Would Linux discard a SIGCHLD sent to @parent's group now? Yes if the
 * group ignores it (SIG_IGN, or SIG_DFL, whose action is to ignore it) and
 * the leader, the task kill() names, does not block it (kernel/signal.c:
 * sig_ignored()). When the model knows the handler and the loop holds the
 * leader in a host stop (so it is not in rt_sigtimedwait() either),
 * PTRACE_GETSIGMASK tells the rest: 0.5 us, where /proc/PID/stat costs 2.7
 * here, and strace -f asks at every virtual stop.
 */
static bool sigchld_discarded(const struct ptv_task *parent,
			      const struct ptv_task *leader)
{
	uint64_t blocked;

	if (leader != NULL && leader->sigchld_action != PTV_SIGCHLD_UNKNOWN) {
		if (leader->sigchld_action == PTV_SIGCHLD_CAUGHT)
			return false;
		if (leader->host_state == PTV_HOST_STOPPED &&
		    ptv_host_getsigmask(leader->tid, &blocked) == 0)
			return !(blocked & (1ULL << (SIGCHLD - 1)));
	}
	return ptv_proc_signal_ignored(parent->tgid, SIGCHLD,
				       may_be_in_sigwait(leader));
}

/*
 * The siginfo of a SIGCHLD about @child to @parent (kernel/signal.c:
 * do_notify_parent(): the child's pid in the parent's namespace).
 */
static void chld_info(struct ptv_loop *loop, siginfo_t *si,
		      struct ptv_task *parent, struct ptv_task *child, int why,
		      int status)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = SIGCHLD;
	si->si_code = why;
	si->si_pid = ptv_pidns_to_guest(&loop->k, parent, child->tid);
	if (ptv_real_uid_seen_by(parent->tid, child->tid, &si->si_uid) < 0)
		si->si_uid = 0;
	si->si_status = status;
}

static void iface_notify_parent(void *ctx, struct ptv_task *parent,
				struct ptv_task *child, int why, int status)
{
	struct ptv_loop *loop = ctx;
	struct ptv_task *leader;
	siginfo_t si;

	/*
	 * "if (sighand->action[SIGCHLD-1].sa.sa_handler != SIG_IGN &&
	 *      !(sighand->action[SIGCHLD-1].sa.sa_flags & SA_NOCLDSTOP))"
	 * (kernel/signal.c:do_notify_parent_cldstop): else stops are not told.
	 */
	if (why != CLD_EXITED && why != CLD_KILLED && why != CLD_DUMPED &&
	    (parent->sigchld_nocldstop || sigchld_set_ignored(parent)))
		return;
	/*
	 * An ignored signal to an untraced task is dropped when it is sent
	 * (kernel/signal.c:prepare_signal()). Every guest is traced on the
	 * host, which keeps it: it would then stop the group later, when a
	 * virtual tracer may have come meanwhile.
	 */
	leader = ptv_task_find(&loop->k.tasks, parent->tgid);
	if ((leader == NULL || leader->tracer == NULL) &&
	    sigchld_discarded(parent, leader))
		return;
	chld_info(loop, &si, parent, child, why, status);
	send_sigchld(loop, parent->tgid, &si);
}

static void iface_exit_signal_kept(void *ctx, struct ptv_task *leader,
				   struct ptv_task *child, int sig, int why,
				   int status)
{
	struct ptv_loop *loop = ctx;
	siginfo_t si;

	if (!ptv_signal_kept_stands_in(&loop->k, leader, sig) ||
	    sig != SIGCHLD)
		return;
	chld_info(loop, &si, leader, child, why, status);
	note_push(leader->tgid, &si, child->tid, 0);
}

void ptv_loop_sigchld_sent_stands_in(struct ptv_loop *loop,
				     struct ptv_task *sender, ptv_tid_t leader)
{
	struct ptv_task *l = ptv_task_find(&loop->k.tasks, leader);
	siginfo_t si;

	if (l == NULL)
		return;
	user_siginfo(loop, &si, SIGCHLD, l, sender->tgid, sender->tid);
	note_push(l->tgid, &si, STANDS_IN_KILL, 0);
}

/*
 * Wakes the group's threads that may be asleep in a wait: in a vehicle
 * (syscalls/wait.c), or in a wait that ran natively before this event's
 * tracee was theirs. The interrupted wait is restarted and trapped again.
 */
static void iface_wake_waiters(void *ctx, ptv_tid_t tgid)
{
	struct ptv_loop *loop = ctx;
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));) {
		if (t->tgid != tgid || (t->wait == NULL && !t->in_native_wait) ||
		    t->ptvisor_interrupt)
			continue;
		if (ptv_host_interrupt(t->tid) == 0) {
			t->ptvisor_interrupt = true;
			ptv_log("[%d] woken: a virtual event is ready for its wait",
				t->tid);
		}
	}
}

static int iface_pgid_of(void *ctx, struct ptv_task *t)
{
	int pgid = getpgid(t->tid);

	(void)ctx;
	/* A thread the host has let go of is its group's (task_pgrp()). */
	if (pgid < 0 && t->tid != t->tgid)
		pgid = getpgid(t->tgid);
	return pgid;
}

/*
 * security/commoncap.c:cap_capable(): has the task whose credentials are
 * @c, in user namespace @own (a chain up to the supervisor's), capability
 * @cap in namespace @target[0] (a chain too)? "See if cred has the
 * capability in the target user namespace by examining the target user
 * namespace and all of the target user namespace's parents": its own
 * namespace's effective set counts there and below it, and "the owner of
 * the user namespace in the parent of the user namespace has all caps".
 * Both chains end at the supervisor's namespace, so a namespace's level is
 * its distance to the chain's end.
 */
static bool cap_capable_walk(const struct ptv_proc_creds *c,
			     const struct ptv_userns *own, int own_len,
			     const struct ptv_userns *target, int target_len,
			     int cap)
{
	if (own[own_len - 1].ino != target[target_len - 1].ino)
		return false;	/* not below the supervisor's: unknown */
	for (int i = 0; i < target_len; i++) {
		int level = target_len - 1 - i;

		if (target[i].ino == own[0].ino)
			return (c->cap_eff & (1ULL << cap)) != 0;
		if (level <= own_len - 1)
			return false;
		if (i + 1 < target_len && target[i + 1].ino == own[0].ino &&
		    target[i].owner == c->uid[1])
			return true;
	}
	return false;
}

/*
 * ns_capable(the user namespace of @target_tid, @cap) for task @tid, whose
 * credentials are @c: the walk above, read from /proc and nsfs. @target_tid
 * 0 names the supervisor's namespace (Linux's initial one for the guests:
 * capable()). A namespace that cannot be read proves nothing: false.
 * Cheap when the two are in one namespace (two stat(2)s): the chains are
 * read only when they differ.
 */
static bool capable_in_userns_of(pid_t tid, const struct ptv_proc_creds *c,
				 pid_t target_tid, int cap)
{
	struct ptv_userns own[PTV_USERNS_MAX_DEPTH];
	struct ptv_userns target[PTV_USERNS_MAX_DEPTH];
	uint64_t own_ino, target_ino;
	int own_len, target_len;

	if (ptv_proc_userns_ino(tid, &own_ino) < 0 ||
	    ptv_proc_userns_ino(target_tid, &target_ino) < 0)
		return false;
	if (own_ino == target_ino)
		return (c->cap_eff & (1ULL << cap)) != 0;
	own_len = ptv_proc_userns_chain(tid, own, PTV_USERNS_MAX_DEPTH);
	target_len = ptv_proc_userns_chain(target_tid, target,
					   PTV_USERNS_MAX_DEPTH);
	if (own_len <= 0 || target_len <= 0)
		return false;
	return cap_capable_walk(c, own, own_len, target, target_len, cap);
}

/* Are tasks @a and @b in one user namespace? (false if either is gone) */
static bool same_userns(pid_t a, pid_t b)
{
	uint64_t ino_a, ino_b;

	return ptv_proc_userns_ino(a, &ino_a) == 0 &&
	       ptv_proc_userns_ino(b, &ino_b) == 0 && ino_a == ino_b;
}

/*
 * kernel/ptrace.c:__ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS): the
 * tracer's real uid and gid must match the target's real, effective and
 * saved ones, "|| ptrace_has_cap(tcred->user_ns, mode)"; a target that is
 * not dumpable needs "ptrace_has_cap(mm->user_ns, mode)"; and security/
 * commoncap.c:cap_ptrace_access_check() allows it if "cred->user_ns ==
 * child_cred->user_ns && cap_issubset(child_cred->cap_permitted,
 * *caller_caps)", else needs "ns_capable(child_cred->user_ns,
 * CAP_SYS_PTRACE)". All three pass if the tracer has CAP_SYS_PTRACE in the
 * target's user namespace; else each must pass on its own.
 *
 * mm->user_ns (the namespace of the target's last exec, or an ancestor)
 * is taken to be the credentials' one: after an unshare without exec they
 * differ, and a non-dumpable such target is reachable inside where Linux
 * asks for the capability in the namespace above (design note 28).
 */
static int iface_may_attach(void *ctx, struct ptv_task *tracer,
			    struct ptv_task *target)
{
	struct ptv_proc_creds tc, gc;
	bool ids_match;

	(void)ctx;
	if (ptv_proc_creds(tracer->tid, &tc) < 0 ||
	    ptv_proc_creds(target->tid, &gc) < 0)
		return -EPERM;
	ids_match = tc.uid[0] == gc.uid[0] && tc.uid[0] == gc.uid[1] &&
		    tc.uid[0] == gc.uid[2] && tc.gid[0] == gc.gid[0] &&
		    tc.gid[0] == gc.gid[1] && tc.gid[0] == gc.gid[2];
	if (ids_match && (gc.cap_prm & ~tc.cap_prm) == 0 &&
	    same_userns(tracer->tid, target->tid) &&
	    ptv_proc_dumpable(target->tid, gc.uid[1]))
		return 0;
	return capable_in_userns_of(tracer->tid, &tc, target->tid,
				    CAP_SYS_PTRACE)
		       ? 0
		       : -EPERM;
}

/*
 * security/commoncap.c:cap_ptrace_traceme(): "if (cred->user_ns ==
 * child_cred->user_ns && cap_issubset(child_cred->cap_permitted,
 * cred->cap_permitted)) goto out; if (has_ns_capability(parent,
 * child_cred->user_ns, CAP_SYS_PTRACE)) goto out; ret = -EPERM". Yama's
 * part is the model's (kernel/ptrace.c).
 */
static int iface_may_traceme(void *ctx, struct ptv_task *parent,
			     struct ptv_task *child)
{
	struct ptv_proc_creds pc, cc;

	(void)ctx;
	if (ptv_proc_creds(parent->tid, &pc) < 0 ||
	    ptv_proc_creds(child->tid, &cc) < 0)
		return -EPERM;
	if ((cc.cap_prm & ~pc.cap_prm) == 0 &&
	    same_userns(parent->tid, child->tid))
		return 0;
	return capable_in_userns_of(parent->tid, &pc, child->tid,
				    CAP_SYS_PTRACE)
		       ? 0
		       : -EPERM;
}

/* ns_capable(@ns_of's user namespace, @cap); NULL: capable(@cap). */
static bool iface_capable(void *ctx, struct ptv_task *t,
			  struct ptv_task *ns_of, int cap)
{
	struct ptv_proc_creds c;

	(void)ctx;
	return ptv_proc_creds(t->tid, &c) == 0 &&
	       capable_in_userns_of(t->tid, &c, ns_of ? ns_of->tid : 0, cap);
}

static bool iface_is_zombie(void *ctx, struct ptv_task *t)
{
	char state = ptv_proc_state(t->tid);

	(void)ctx;
	return state == 'Z' || state == 'X' || state == 0;
}

/*
 * A wait peeks at its event, then takes it: one host check serves both, as
 * long as no host event came between (a SIGKILL after it is one that came
 * after the wait, natively too).
 */
static bool iface_still_stopped(void *ctx, struct ptv_task *t)
{
	struct ptv_loop *loop = ctx;

	if (loop->stop_check.tid != t->tid ||
	    loop->stop_check.events != loop->events) {
		loop->stop_check.tid = t->tid;
		loop->stop_check.events = loop->events;
		loop->stop_check.stopped = ptv_host_still_in_stop(t->tid);
	}
	return loop->stop_check.stopped;
}

static uint64_t iface_pending_ignored(void *ctx, struct ptv_task *t,
				      uint64_t *twice)
{
	/* A signal already dequeued, its stop not yet collected, counts too. */
	int sig = ptv_host_uncollected_signal(t->tid);

	(void)ctx;
	return ptv_proc_pending_ignored(t->tid, sig ? 1ULL << (sig - 1) : 0,
					twice);
}

/*
 * Are @parent's children reaped at their exit (kernel/signal.c:
 * do_notify_parent(): SA_NOCLDWAIT, or SIGCHLD's handler is SIG_IGN)?
 */
static bool iface_autoreaped(void *ctx, struct ptv_task *parent)
{
	(void)ctx;
	return parent->sigchld_nocldwait || sigchld_set_ignored(parent);
}

/* The supervisor's filters are the first of every guest's: more are its own. */
static bool iface_has_own_seccomp(void *ctx, struct ptv_task *t)
{
	struct ptv_proc_creds c;

	(void)ctx;
	return ptv_proc_creds(t->tid, &c) == 0 &&
	       c.seccomp_filters > ptv_filter_base();
}

__attribute__((format(printf, 2, 3)))
static void iface_log(void *ctx, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	(void)ctx;
	if (!ptv_log_enabled())
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ptv_log_line("%s", line);
}

const struct ptv_host_iface ptv_loop_host_iface = {
	.resume = iface_resume,
	.interrupt = iface_interrupt,
	.send_signal = iface_send_signal,
	.kills_group_at_once = iface_kills_group_at_once,
	.notify_parent = iface_notify_parent,
	.exit_signal_kept = iface_exit_signal_kept,
	.wake_waiters = iface_wake_waiters,
	.pgid_of = iface_pgid_of,
	.may_attach = iface_may_attach,
	.may_traceme = iface_may_traceme,
	.capable = iface_capable,
	.is_zombie = iface_is_zombie,
	.has_own_seccomp = iface_has_own_seccomp,
	.autoreaped = iface_autoreaped,
	.still_stopped = iface_still_stopped,
	.pending_ignored = iface_pending_ignored,
	.log = iface_log,
};
