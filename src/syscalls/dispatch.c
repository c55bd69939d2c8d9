#include "syscalls.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../platform/filter.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include "clone.h"
#include "exec.h"
#include "procview.h"
#include "signal.h"
#include "strict.h"

/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
	I386_NR_waitpid = 7,
	I386_NR_ptrace = 26,
	I386_NR_wait4 = 114,
	I386_NR_clone = 120,
	I386_NR_waitid = 284,
	I386_NR_clone3 = 435,
	I386_NR_prctl = 172,
	I386_NR_seccomp = 354,
	I386_NR_sigaction = 67,
	I386_NR_signal = 48,
	I386_NR_rt_sigaction = 174,
	I386_NR_execve = 11,
	I386_NR_execveat = 358,
	I386_NR_kill = 37,
	I386_NR_tkill = 238,
	I386_NR_tgkill = 270,
	I386_NR_rt_sigqueueinfo = 178,
	I386_NR_rt_tgsigqueueinfo = 335,
	I386_NR_pidfd_send_signal = 424,
	I386_NR_sched_setaffinity = 241,
	I386_NR_sched_getaffinity = 242,
	I386_NR_unshare = 310,
	I386_NR_setns = 346,
	I386_NR_open = 5,
	I386_NR_openat = 295,
	I386_NR_openat2 = 437,
	I386_NR_signalfd = 321,
	I386_NR_signalfd4 = 327,
	X32_NR_execve = 520,
	X32_NR_execveat = 545,
};

#define SA_NOCLDSTOP_FLAG 1u
#define SA_NOCLDWAIT_FLAG 2u

enum ptv_trapped {
	TRAPPED_OTHER,
	TRAPPED_PTRACE,
	TRAPPED_WAIT,
	TRAPPED_CLONE,
	TRAPPED_CLONE3,
	TRAPPED_PRCTL,
	TRAPPED_SECCOMP,
	TRAPPED_SIGACTION,
	TRAPPED_OLD_SIGACTION,	/* i386 sigaction: struct old_sigaction */
	TRAPPED_SIGNAL,		/* i386 signal(sig, handler) */
	TRAPPED_SIGTIMEDWAIT,
	TRAPPED_EXEC,
	TRAPPED_IOCTL,	/* SECCOMP_IOCTL_NOTIF_SEND: loop/notif.c did its part */
	/* Senders of PTV_SENT_SIGNALS_MASK, and of PTV_SENT_FATAL_MASK: */
	TRAPPED_KILL,		/* kill(pid, sig) */
	TRAPPED_TKILL,		/* tkill(tid, sig) */
	TRAPPED_TGKILL,		/* tgkill(tgid, tid, sig), rt_tgsigqueueinfo */
	TRAPPED_SIGQUEUE,	/* rt_sigqueueinfo(tgid, sig, info) */
	TRAPPED_PIDFD_SIGNAL,	/* pidfd_send_signal(fd, sig, info, flags) */
	TRAPPED_GETAFFINITY,	/* sched_getaffinity: loop/coloc.c */
	TRAPPED_SETAFFINITY,
	TRAPPED_PIDNS,		/* unshare(CLONE_NEWPID), setns */
	TRAPPED_OPEN,		/* --proc-view: syscalls/procview.c */
	TRAPPED_OPENAT,
	TRAPPED_OPENAT2,
	TRAPPED_SIGNALFD,	/* signalfd, signalfd4 */
};

static enum ptv_trapped classify(const struct ptv_syscall *call)
{
	if (call->abi == PTV_ABI_I386) {
		switch (call->nr) {
		case I386_NR_ptrace:
			return TRAPPED_PTRACE;
		case I386_NR_waitpid:
		case I386_NR_wait4:
		case I386_NR_waitid:
			return TRAPPED_WAIT;
		case I386_NR_clone:
			return TRAPPED_CLONE;
		case I386_NR_clone3:
			return TRAPPED_CLONE3;
		case I386_NR_prctl:
			return TRAPPED_PRCTL;
		case I386_NR_seccomp:
			return TRAPPED_SECCOMP;
		case I386_NR_rt_sigaction:
			return TRAPPED_SIGACTION;
		case I386_NR_sigaction:
			return TRAPPED_OLD_SIGACTION;
		case I386_NR_signal:
			return TRAPPED_SIGNAL;
		case I386_NR_execve:
		case I386_NR_execveat:
			return TRAPPED_EXEC;
		case I386_NR_kill:
			return TRAPPED_KILL;
		case I386_NR_tkill:
			return TRAPPED_TKILL;
		case I386_NR_tgkill:
		case I386_NR_rt_tgsigqueueinfo:
			return TRAPPED_TGKILL;
		case I386_NR_rt_sigqueueinfo:
			return TRAPPED_SIGQUEUE;
		case I386_NR_pidfd_send_signal:
			return TRAPPED_PIDFD_SIGNAL;
		case I386_NR_sched_getaffinity:
			return TRAPPED_GETAFFINITY;
		case I386_NR_sched_setaffinity:
			return TRAPPED_SETAFFINITY;
		case I386_NR_unshare:
		case I386_NR_setns:
			return TRAPPED_PIDNS;
		case I386_NR_open:
			return TRAPPED_OPEN;
		case I386_NR_openat:
			return TRAPPED_OPENAT;
		case I386_NR_openat2:
			return TRAPPED_OPENAT2;
		case I386_NR_signalfd:
		case I386_NR_signalfd4:
			return TRAPPED_SIGNALFD;
		}
		return TRAPPED_OTHER;
	}
	if (call->abi == PTV_ABI_X32 &&
	    (call->nr == X32_NR_execve || call->nr == X32_NR_execveat))
		return TRAPPED_EXEC;
	switch (call->nr) {
	case SYS_ptrace:
		return TRAPPED_PTRACE;
	case SYS_wait4:
	case SYS_waitid:
		return TRAPPED_WAIT;
	case SYS_clone:
		return TRAPPED_CLONE;
	case SYS_clone3:
		return TRAPPED_CLONE3;
	case SYS_prctl:
		return TRAPPED_PRCTL;
	case SYS_seccomp:
		return TRAPPED_SECCOMP;
	case SYS_rt_sigaction:
		return TRAPPED_SIGACTION;
	case SYS_rt_sigtimedwait:
		return TRAPPED_SIGTIMEDWAIT;
	case SYS_execve:
	case SYS_execveat:
		return TRAPPED_EXEC;
	case SYS_ioctl:
		return TRAPPED_IOCTL;
	case SYS_kill:
		return TRAPPED_KILL;
	case SYS_sched_getaffinity:
		return TRAPPED_GETAFFINITY;
	case SYS_sched_setaffinity:
		return TRAPPED_SETAFFINITY;
	case SYS_tkill:
		return TRAPPED_TKILL;
	case SYS_tgkill:
	case SYS_rt_tgsigqueueinfo:
		return TRAPPED_TGKILL;
	case SYS_rt_sigqueueinfo:
		return TRAPPED_SIGQUEUE;
	case SYS_pidfd_send_signal:
		return TRAPPED_PIDFD_SIGNAL;
	case SYS_unshare:
	case SYS_setns:
		return TRAPPED_PIDNS;
	case SYS_open:
		return TRAPPED_OPEN;
	case SYS_openat:
		return TRAPPED_OPENAT;
	case SYS_openat2:
		return TRAPPED_OPENAT2;
	case SYS_signalfd:
	case SYS_signalfd4:
		return TRAPPED_SIGNALFD;
	}
	return TRAPPED_OTHER;
}

/* unshare(2) (the other call trapped as TRAPPED_PIDNS is setns(2)). */
static bool is_unshare(const struct ptv_syscall *call)
{
	return call->abi == PTV_ABI_I386 ? call->nr == I386_NR_unshare
					 : call->nr == SYS_unshare;
}

static void run(struct ptv_syscall_outcome *out)
{
	out->action = PTV_SYSCALL_RUN;
	out->result = 0;
}

static void fail(struct ptv_syscall_outcome *out, int err)
{
	out->action = PTV_SYSCALL_RETURN;
	out->result = -err;
}

/*
 * The task is installing a filter of its own (seccomp(2) or
 * PR_SET_SECCOMP; with SECCOMP_FILTER_FLAG_TSYNC for all its threads): from
 * now on a trap that looks like the supervisor's may be its filter's.
 */
static void mark_own_filters(struct ptv_syscall_env *env, struct ptv_task *task)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&env->k->tasks, &cursor));)
		if (t->tgid == task->tgid)
			t->own_filters = true;
}

/*
 * signalfd(2) by @task: its group (and what it forks, which inherits the
 * file) may read a SIGCHLD there, which no signal-delivery-stop shows the
 * supervisor. Whether the call succeeds does not matter: the mark only
 * makes SIGCHLDs to the group go on a carrier (loop/host_iface.c).
 */
static void mark_signalfd(struct ptv_syscall_env *env, struct ptv_task *task)
{
	struct ptv_task *t;

	/*
	 * A SIGCHLD sent before (kill(2)'s siginfo) may be pending: its
	 * siginfo is fixed at the call's exit (design note 38).
	 */
	task->signalfd_first = !task->made_signalfd && task->tracer == NULL;
	for (size_t cursor = 0; (t = ptv_tasks_next(&env->k->tasks, &cursor));)
		if (t->tgid == task->tgid)
			t->made_signalfd = true;
}

/*
 * prctl(PR_SET_CHILD_SUBREAPER), which cannot fail: kernel/sys.c sets
 * is_child_subreaper for the caller's group.
 */
static void mark_subreaper(struct ptv_syscall_env *env, struct ptv_task *task,
			   bool on)
{
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&env->k->tasks, &cursor));)
		if (t->tgid == task->tgid)
			t->child_subreaper = on;
}

/*
 * A sigaction(SIGCHLD) by @task: note SA_NOCLDSTOP for its group, which
 * kernel/signal.c:do_notify_parent_cldstop() looks at, and SA_NOCLDWAIT,
 * which do_notify_parent() does; and the handler, which decides whether a
 * SIGCHLD the supervisor sends is ignored.
 */
static void note_sigchld(struct ptv_syscall_env *env, struct ptv_task *task,
			 uint64_t handler, uint32_t flags)
{
	/* SIG_DFL is 0 and SIG_IGN 1 (include/uapi/asm-generic/signal-defs.h). */
	enum ptv_sigchld_action action = handler == 0	? PTV_SIGCHLD_DEFAULT
					 : handler == 1 ? PTV_SIGCHLD_IGNORED
							: PTV_SIGCHLD_CAUGHT;
	struct ptv_task *t;

	for (size_t cursor = 0; (t = ptv_tasks_next(&env->k->tasks, &cursor));)
		if (t->tgid == task->tgid) {
			t->sigchld_nocldstop = (flags & SA_NOCLDSTOP_FLAG) != 0;
			t->sigchld_nocldwait = (flags & SA_NOCLDWAIT_FLAG) != 0;
			t->sigchld_action = t->sighand_shared ? PTV_SIGCHLD_UNKNOWN
							      : action;
		}
}

/*
 * rt_sigaction or i386's sigaction: the handler comes first and the flags
 * after it: at 8 in the x86_64 struct, at 4 in the i386 rt_sigaction one,
 * at 8 in i386's old_sigaction (handler, mask, flags). Read before the call
 * runs. rt_sigaction with another sigset size than 8 fails with EINVAL
 * before it reads anything, and an @act the kernel cannot read, with
 * EFAULT: no change, no note. (An @oact it cannot write fails the call
 * after the change is made, kernel/signal.c.)
 */
static void note_sigchld_action(struct ptv_syscall_env *env, struct ptv_task *task,
				const struct ptv_syscall *call, bool old)
{
	uint64_t act = call->args[1], handler = 0;
	size_t offset = call->abi == PTV_ABI_I386 && !old ? 4 : 8;
	unsigned char head[12];
	uint32_t flags;

	if (act == 0 || (!old && call->args[3] != 8) ||
	    ptv_mem_read(call->tid, act, head, offset + sizeof(flags)) < 0)
		return;
	memcpy(&handler, head, call->abi == PTV_ABI_I386 ? 4 : 8);
	memcpy(&flags, head + offset, sizeof(flags));
	note_sigchld(env, task, handler, flags);
}

/*
 * sched_getaffinity(pid, len, mask) and sched_setaffinity: the loop may keep
 * the task named on one CPU (loop/coloc.c), so its host affinity is not its
 * own. The call runs natively (its checks and errors are the kernel's); at
 * its exit the loop shows the task's own affinity, or takes the new one as
 * its own. The task may not be pinned or let go meanwhile (->affinity_busy).
 * A pid from a nested pid namespace is mapped (syscalls/pidns.c).
 */
static void affinity_call(struct ptv_syscall_env *env, struct ptv_task *task,
			  const struct ptv_syscall *call, bool get,
			  struct ptv_syscall_outcome *out)
{
	int32_t pid = (int32_t)call->args[0];
	struct ptv_task *target = NULL;

	if (pid == 0)
		target = task;
	else if (pid > 0)
		target = ptv_task_find(&env->k->tasks,
				       ptv_pidns_to_host(env->k, task, pid));
	if (target == NULL) {
		run(out);
		return;
	}
	task->affinity_call = get ? PTV_AFFINITY_GET : PTV_AFFINITY_SET;
	task->affinity_target = target->tid;
	task->affinity_buf = call->args[2];
	target->affinity_busy++;
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	out->result = 0;
}

/*
 * The pid (@pid) and thread (@tid, tgkill's) a send names, mapped to the
 * host's when the sender is in a pid namespace below the supervisor's (the
 * call itself runs with its own); false if one names no task of the
 * model, or kill(-1, ...): every process the sender sees, a set the
 * model does not tell. A pidfd's pid is the host's already.
 */
static bool map_send_pids(struct ptv_kernel *k, struct ptv_task *task,
			  enum ptv_trapped kind, int32_t *pid, int32_t *tid)
{
	pid_t m;

	if (!ptv_pidns_nested(task) || kind == TRAPPED_PIDFD_SIGNAL)
		return true;
	if (kind == TRAPPED_TGKILL) {
		*tid = ptv_pidns_to_host(k, task, *tid);
		if (*tid <= 0)
			return false;
	}
	if (kind == TRAPPED_KILL && *pid <= 0) {
		if (*pid == 0)
			return true;	/* its own process group */
		if (*pid == -1 || *pid == INT32_MIN)
			return false;
		m = ptv_pidns_to_host(k, task, -*pid);
		*pid = -m;
		return m > 0;
	}
	*pid = ptv_pidns_to_host(k, task, *pid);
	return *pid > 0;
}

/* send_signal()'s call, once it is known to name no vanished thread. */
static void send_signal_on(struct ptv_syscall_env *env, struct ptv_task *task,
			   const struct ptv_syscall *call,
			   enum ptv_send_call send, int32_t pid, int32_t tid,
			   int sig, struct ptv_syscall_outcome *out)
{
	bool to_thread = send == PTV_SEND_TKILL || send == PTV_SEND_TGKILL;

	if (PTV_SENT_KILL_TO_THREAD_MASK & (1ULL << (sig - 1))) {
		if (to_thread)
			ptv_sys_signal_kill_thread(env, task, call, send, pid,
						   tid, out);
		else
			run(out);
		return;
	}
	if (!(PTV_SENT_SIGNALS_MASK & (1ULL << (sig - 1)))) {
		run(out);
		if ((PTV_SENT_FATAL_MASK & (1ULL << (sig - 1))) && !to_thread &&
		    ptv_signal_fatal_sent(env->k, task, send, pid, sig))
			out->action = PTV_SYSCALL_RUN_TO_EXIT;
		return;
	}
	ptv_sys_signal_send(env, task, call, send, pid, tid, sig, out);
}

/* kill(2) and its kin, for the signals the filter traps them for. */
static void send_signal(struct ptv_syscall_env *env, struct ptv_task *task,
			const struct ptv_syscall *call,
			struct ptv_syscall_outcome *out)
{
	static const enum ptv_send_call kinds[] = {
		[TRAPPED_KILL] = PTV_SEND_KILL,
		[TRAPPED_TKILL] = PTV_SEND_TKILL,
		[TRAPPED_TGKILL] = PTV_SEND_TGKILL,
		[TRAPPED_SIGQUEUE] = PTV_SEND_SIGQUEUE,
		[TRAPPED_PIDFD_SIGNAL] = PTV_SEND_PIDFD,
	};
	enum ptv_trapped kind = classify(call);
	bool to_thread = kind == TRAPPED_TGKILL;
	int sig = (int)call->args[to_thread ? 2 : 1];
	int32_t pid = (int32_t)call->args[0];
	int32_t tid = to_thread ? (int32_t)call->args[1] : 0;

	/*
	 * A signal the filter does not trap comes here when the supervisor
	 * runs the filter itself (a suspended task's call). A send the model
	 * cannot follow from a nested pid namespace runs as it is (README,
	 * Limitations).
	 */
	if (sig <= 0 || sig > 64 ||
	    !map_send_pids(env->k, task, kind, &pid, &tid)) {
		run(out);
		return;
	}
	if (ptv_sys_signal_to_vanished(env, task, call, kinds[kind], pid, tid,
				       sig, out))
		return;
	send_signal_on(env, task, call, kinds[kind], pid, tid, sig, out);
	/* The leader named in its place is put back at the call's exit. */
	if (task->signal_pid_moved && out->action == PTV_SYSCALL_RUN)
		out->action = PTV_SYSCALL_RUN_TO_EXIT;
}

void ptv_syscall_dispatch(struct ptv_syscall_env *env, struct ptv_task *task,
			  const struct ptv_syscall *call,
			  struct ptv_syscall_outcome *out)
{
	enum ptv_trapped kind;
	int64_t arg;

	task->signal_call = 0;	/* that call's exit is past */
	if (call->guest_trap) {
		/*
		 * A guest filter's SECCOMP_RET_TRACE. With no (virtual)
		 * tracer to take it, "the system call is not executed and
		 * returns ENOSYS" (seccomp(2); kernel/seccomp.c).
		 */
		fail(out, ENOSYS);
		return;
	}
	if (call->abi == PTV_ABI_X32 && !env->host_has_x32) {
		/* The host kernel answers ENOSYS itself, as natively. */
		run(out);
		return;
	}
	kind = classify(call);
	switch (kind) {
	case TRAPPED_PTRACE:
		if (ptv_pidns_unmapped(task)) {
			ptv_log("[%d] ptrace from a pid namespace whose pids "
				"are not mapped: EPERM", task->tid);
			fail(out, EPERM);
			return;
		}
		ptv_sys_ptrace(env, task, call, out);
		return;
	case TRAPPED_WAIT:
		/* Nothing is virtually traced from there: the native wait. */
		if (ptv_pidns_unmapped(task)) {
			run(out);
			return;
		}
		ptv_sys_wait(env, task, call, out);
		return;
	case TRAPPED_CLONE:
		ptv_sys_clone_untraced(task, call, out);
		return;
	case TRAPPED_CLONE3:
		ptv_sys_clone3(task, call, out);
		return;
	case TRAPPED_SECCOMP:
		if (ptv_strict_enter(task, call, false, out))
			return;
		/* Strict mode installs none (SECCOMP_SET_MODE_STRICT is 0). */
		if ((uint32_t)call->args[0] != 0)
			mark_own_filters(env, task);
		run(out);
		return;
	case TRAPPED_SIGACTION:
	case TRAPPED_OLD_SIGACTION:
		note_sigchld_action(env, task, call,
				    kind == TRAPPED_OLD_SIGACTION);
		run(out);
		return;
	case TRAPPED_SIGNAL:
		/* kernel/signal.c:sys_signal(): SA_ONESHOT | SA_NOMASK, no more. */
		note_sigchld(env, task, call->args[1] & 0xffffffffu, 0);
		run(out);
		return;
	case TRAPPED_EXEC:
		ptv_sys_exec(task, call, out);
		return;
	case TRAPPED_IOCTL:
		run(out);
		return;
	case TRAPPED_SIGNALFD:
		mark_signalfd(env, task);
		run(out);
		if (task->signalfd_first)
			out->action = PTV_SYSCALL_RUN_TO_EXIT;
		return;
	case TRAPPED_KILL:
	case TRAPPED_TKILL:
	case TRAPPED_TGKILL:
	case TRAPPED_SIGQUEUE:
	case TRAPPED_PIDFD_SIGNAL:
		send_signal(env, task, call, out);
		return;
	case TRAPPED_SIGTIMEDWAIT:
		/*
		 * A tracer taking SIGCHLD with sigwaitinfo() may take one the
		 * supervisor sent, and any task one about a child killed in
		 * a signal's place (ptv_death_sub_set()): its siginfo is
		 * fixed at the call's exit (loop/host_iface.c). x86_64
		 * layout only.
		 */
		if (call->abi == PTV_ABI_X86_64 &&
		    (ptv_group_is_tracer(env->k, task->tgid) ||
		     env->k->n_death_subs > 0)) {
			task->in_sigwait = true;
			task->sigwait_info = call->args[1];
			out->action = PTV_SYSCALL_RUN_TO_EXIT;
			out->result = 0;
			return;
		}
		run(out);
		return;
	case TRAPPED_PRCTL:
		if (ptv_strict_enter(task, call, true, out))
			return;
		if ((uint32_t)call->args[0] == PTV_PR_GET_SECCOMP) {
			out->action = PTV_SYSCALL_RETURN;
			out->result = ptv_strict_seen_mode(task);
			return;
		}
		/* (SECCOMP_MODE_STRICT is 1: it installs no filter.) */
		if ((uint32_t)call->args[0] == PTV_PR_SET_SECCOMP &&
		    (uint32_t)call->args[1] != 1)
			mark_own_filters(env, task);
		if ((uint32_t)call->args[0] == PTV_PR_SET_CHILD_SUBREAPER)
			mark_subreaper(env, task,
				       (call->abi == PTV_ABI_I386
						? (uint32_t)call->args[1]
						: call->args[1]) != 0);
		if ((uint32_t)call->args[0] != PTV_PR_SET_PTRACER) {
			run(out);
			return;
		}
		out->action = PTV_SYSCALL_RETURN;
		arg = call->abi == PTV_ABI_I386 ? (int32_t)call->args[1]
						 : (int64_t)call->args[1];
		/* find_get_task_by_vpid(): the caller's pid (0: none). */
		if (arg > 0 && arg <= INT32_MAX)
			arg = ptv_pidns_to_host(env->k, task, (pid_t)arg);
		out->result = arg == 0 && call->args[1] != 0
				      ? -EINVAL
				      : ptv_yama_set_ptracer(env->k, task, arg);
		return;
	case TRAPPED_GETAFFINITY:
	case TRAPPED_SETAFFINITY:
		affinity_call(env, task, call,
			      kind == TRAPPED_GETAFFINITY, out);
		return;
	case TRAPPED_PIDNS:
		/*
		 * Its children may be in a pid namespace below its own: their
		 * pids are read as they are made (loop.c), while they exist.
		 * Or it may enter a user namespace of its own.
		 */
		if (!is_unshare(call) || (call->args[0] & PTV_CLONE_NEWPID))
			task->pidns_for_children = true;
		if (!is_unshare(call) || (call->args[0] & PTV_CLONE_NEWUSER))
			ptv_userns_note();
		run(out);
		return;
	case TRAPPED_OPEN:
	case TRAPPED_OPENAT:
	case TRAPPED_OPENAT2:
		ptv_procview_open(env, task, call, kind != TRAPPED_OPEN,
				  kind == TRAPPED_OPENAT2, out);
		return;
	case TRAPPED_OTHER:
		break;
	}
	ptv_log("[%d] %s trapped but has no handler: running it",
		call->tid, ptv_syscall_name(call->abi, call->nr));
	run(out);
}
