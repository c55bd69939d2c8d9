/*
 * Signals a guest sends that the model must know of when they are sent
 * (the filter traps kill(2) and its kin for these signals only):
 *
 *  - SIGCONT continues a stopped group at once (kernel/signal.c:
 *    prepare_signal()), before any thread of it runs: the model continues
 *    it at the sender's syscall exit, if the call succeeded.
 *  - A signal that the task named ignores, untraced, is discarded at once
 *    (prepare_signal() returns !sig_ignored()). The host, which traces every
 *    guest, keeps it instead; then any thread of the group may dequeue it,
 *    a traced one too. So the group's leader records it (discard_sent) and
 *    the thread that dequeues it does not take it (loop.c).
 *
 * Only the signals whose default action is to ignore them are trapped
 * (SIGCONT, SIGCHLD, SIGURG, SIGWINCH); one a handler set to SIG_IGN is
 * a limitation (README).
 */
#include "signal.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/host.h"
#include "../platform/procfs.h"

#define N_MARKS (sizeof(((struct ptv_task *)0)->discard_marks) / \
		 sizeof(((struct ptv_task *)0)->discard_marks[0]))

/* SIGCONT reached the group of task @tid, if the model knows it. */
static void sigcont_to_task(struct ptv_kernel *k, ptv_tid_t tid)
{
	struct ptv_task *t = tid > 0 ? ptv_task_find(&k->tasks, tid) : NULL;

	if (t)
		ptv_group_sigcont(k, t->tgid);
}

/* SIGCONT reached process group @pgid, less @skip_tgid's group. */
static void sigcont_to_pgrp(struct ptv_kernel *k, pid_t pgid, ptv_tid_t skip_tgid)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tid == t->tgid && !t->host_gone && t->tgid != skip_tgid &&
		    (pgid == 0 || getpgid(t->tid) == pgid))
			ptv_group_sigcont(k, t->tgid);
}

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
 * @sender sends @sig to task @named (the group's leader for a process
 * group or kill(-1)): if Linux discards it at once (sig_ignored(@named))
 * and a thread of the group is traced, which could dequeue it, the group's
 * leader records it. Not if it is pending for the group already: the host
 * drops the new one (kernel/signal.c:legacy_queue()).
 */
static void mark_discard(struct ptv_kernel *k, struct ptv_task *sender,
			 ptv_tid_t named, int sig)
{
	struct ptv_task *n = named > 0 ? ptv_task_find(&k->tasks, named) : NULL;
	struct ptv_task *leader = n ? ptv_task_find(&k->tasks, n->tgid) : NULL;
	uint64_t bit = 1ULL << (sig - 1);
	size_t i;

	if (leader == NULL || n->tracer || n->host_gone || n->exit_seen ||
	    !group_traced(k, n->tgid) ||
	    !ptv_proc_signal_ignored(n->tid, sig, true) ||
	    (ptv_proc_shared_pending(n->tid) & bit))
		return;
	for (i = 0; i < N_MARKS && sender->discard_marks[i]; i++)
		;
	if (i == N_MARKS)
		return;	/* could not be undone: not made */
	sender->discard_marks[i] = leader->tid;
	leader->discard_sent |= bit;
	ptv_log("[%d] %s to %d: Linux discards it at once (ignored, untraced)",
		sender->tid, ptv_signal_name(sig), named);
}

/* The same for every group of process group @pgid (0: all), less @skip. */
static void mark_discard_pgrp(struct ptv_kernel *k, struct ptv_task *sender,
			      pid_t pgid, ptv_tid_t skip_tgid, int sig)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&k->tasks, &cursor));)
		if (t->tid == t->tgid && !t->host_gone && t->tgid != skip_tgid &&
		    (pgid == 0 || getpgid(t->tid) == pgid))
			mark_discard(k, sender, t->tid, sig);
}

void ptv_sys_signal_send(struct ptv_syscall_env *env, struct ptv_task *task,
			 enum ptv_send_call call, int32_t pid, int32_t tid,
			 int sig, struct ptv_syscall_outcome *out)
{
	for (size_t i = 0; i < N_MARKS; i++)
		task->discard_marks[i] = 0;
	task->signal_call = call;
	task->signal_args[0] = pid;
	task->signal_args[1] = tid;
	task->signal_sig = sig;
	/* Sent to a group: kernel/signal.c:kill_something_info(). */
	switch (call) {
	case PTV_SEND_KILL:
		if (pid > 0)
			mark_discard(env->k, task, pid, sig);
		else if (pid == -1)
			mark_discard_pgrp(env->k, task, 0, task->tgid, sig);
		else
			mark_discard_pgrp(env->k, task,
					  pid ? -pid : getpgid(task->tid), 0, sig);
		break;
	case PTV_SEND_SIGQUEUE:
		mark_discard(env->k, task, pid, sig);
		break;
	case PTV_SEND_PIDFD:
		mark_discard(env->k, task, ptv_proc_pidfd_pid(task->tid, pid),
			     sig);
		break;
	case PTV_SEND_TKILL:
	case PTV_SEND_TGKILL:
		break;	/* to a thread: that thread takes it, as natively */
	}
	/* Its targets are known at its exit, if it succeeds. */
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	out->result = 0;
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

void ptv_signal_sent_at_exit(struct ptv_syscall_env *env, struct ptv_task *task,
			     long result)
{
	int32_t pid = task->signal_args[0], tid = task->signal_args[1];
	int call = task->signal_call;

	task->signal_call = 0;
	if (result != 0) {
		unmark_discards(env->k, task);
		return;
	}
	if (task->signal_sig != SIGCONT)
		return;
	switch (call) {
	case PTV_SEND_KILL:
		/* kernel/signal.c:kill_something_info() */
		if (pid > 0)
			sigcont_to_task(env->k, pid);
		else if (pid == -1)
			sigcont_to_pgrp(env->k, 0, task->tgid);
		else
			sigcont_to_pgrp(env->k, pid ? -pid : getpgid(task->tid), 0);
		break;
	case PTV_SEND_TKILL:
	case PTV_SEND_SIGQUEUE:
		sigcont_to_task(env->k, pid);
		break;
	case PTV_SEND_TGKILL:
		sigcont_to_task(env->k, tid);
		break;
	case PTV_SEND_PIDFD:
		sigcont_to_task(env->k, ptv_proc_pidfd_pid(task->tid, pid));
		break;
	}
}

bool ptv_signal_discarded_when_sent(struct ptv_kernel *k, struct ptv_task *t,
				    int sig)
{
	struct ptv_task *leader = ptv_task_find(&k->tasks, t->tgid);
	uint64_t bit = sig > 0 && sig <= 64 ? 1ULL << (sig - 1) : 0;
	siginfo_t si;

	if (leader == NULL || !(leader->discard_sent & bit))
		return false;
	/* A thread's own (tkill, tgkill) was not sent to the group. */
	if (ptv_host_getsiginfo(t->tid, &si) < 0 || si.si_code == SI_TKILL)
		return false;
	leader->discard_sent &= ~bit;
	ptv_log("[%d] %s discarded: Linux discarded it when it was sent",
		t->tid, ptv_signal_name(sig));
	return true;
}
