/*
 * A guest's own seccomp user notification, answered with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE, runs a call without the supervisor's
 * trap: SECCOMP_RET_USER_NOTIF outranks SECCOMP_RET_TRACE
 * (kernel/seccomp.c:seccomp_run_filters()). For clone with CLONE_UNTRACED,
 * and clone3, that would make a task the supervisor never sees.
 *
 * So ioctl(SECCOMP_IOCTL_NOTIF_SEND) is trapped. Before the listener's
 * answer goes through, every guest task waiting in a user notification for
 * such a clone is interrupted (its notification ends, the call is to be
 * restarted, and the listener's answer finds no notification: ENOENT), and
 * at its stop the supervisor treats the call as its own trap: the flag is
 * cleared, clone3 becomes clone (syscalls/clone.c). The restarted call
 * notifies the listener again, which may now continue it safely. The
 * listener is held until all of them have stopped; nothing is read from
 * the listener's answer, which another of its threads could change.
 *
 * Other trapped calls continued this way (ptrace, wait4...) run natively,
 * outside the virtual ptrace: a known difference (README, Limitations).
 */
#include "loop.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../platform/host.h"
#include "../platform/procfs.h"
#include "../syscalls/clone.h"

#define X32_BIT 0x40000000L
#define ERESTARTSYS_ 512

/* Would the supervisor's filter trap this clone? (x86_64 and x32 only.) */
static bool clone_needs_trap(long nr, uint64_t flags)
{
	nr &= ~X32_BIT;
	return nr == SYS_clone3 || (nr == SYS_clone && (flags & PTV_CLONE_UNTRACED));
}

/*
 * One pass over the guests: interrupts those waiting in a notification for
 * a clone the supervisor must see. Returns how many; *running tells whether
 * some task was running, perhaps on its way into a notification.
 */
static int interrupt_notified_clones(struct ptv_loop *loop,
				     struct ptv_task *listener, bool *running)
{
	struct ptv_task *t;
	int held = 0;

	*running = false;
	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));) {
		long nr = -1;
		uint64_t args[6] = { 0 };
		int waiting;

		if (t == listener || t->host_gone || t->notif_fix)
			continue;
		waiting = ptv_proc_user_notif(t->tid, &nr, args);
		if (waiting < 0 && (nr < 0 || clone_needs_trap(nr, args[0])))
			*running = true;
		if (waiting <= 0 || !clone_needs_trap(nr, args[0]) ||
		    ptv_host_interrupt(t->tid) < 0)
			continue;
		t->ptvisor_interrupt = true;
		t->notif_fix = true;
		t->notif_listener = listener->tid;
		held++;
		ptv_log("[%d] its clone waits in a user notification: interrupted "
			"before %d answers it", t->tid, listener->tid);
	}
	return held;
}

bool ptv_loop_notif_send(struct ptv_loop *loop, struct ptv_task *listener)
{
	bool running;
	int held = 0;

	/*
	 * A notifier wakes its listener before it goes to sleep in
	 * seccomp_do_user_notification(): one still running may be on its way
	 * there. Look again for a while (a task busy in user space also shows
	 * as running: the answer then waits at most about 5 ms).
	 */
	for (int round = 0; round < 100; round++) {
		held += interrupt_notified_clones(loop, listener, &running);
		if (!running)
			break;
		usleep(50);
	}
	listener->notif_waits += held;
	return held > 0;
}

/* Gives the listener its answer back once nobody is left to interrupt. */
static void release_listener(struct ptv_loop *loop, struct ptv_task *t)
{
	struct ptv_task *l = ptv_task_find(&loop->k.tasks, t->notif_listener);

	t->notif_fix = false;
	if (l == NULL || l->notif_waits == 0 || --l->notif_waits > 0)
		return;
	ptv_loop_resume(loop, l, 0);
}

void ptv_loop_notif_fix(struct ptv_loop *loop, struct ptv_task *t)
{
	struct user_regs_struct regs;
	struct ptv_syscall_outcome out = { 0 };
	struct ptv_syscall call;

	if (!t->notif_fix)
		return;
	if (ptv_host_getregs(t->tid, &regs) == 0 &&
	    (long)regs.rax == -ERESTARTSYS_ &&
	    clone_needs_trap((long)regs.orig_rax, regs.rdi)) {
		memset(&call, 0, sizeof(call));
		call.tid = t->tid;
		call.abi = (regs.orig_rax & X32_BIT) ? PTV_ABI_X32 : PTV_ABI_X86_64;
		call.nr = (long)(regs.orig_rax & ~(unsigned long long)X32_BIT);
		call.args[0] = regs.rdi;
		call.args[1] = regs.rsi;
		if (call.nr == SYS_clone3)
			ptv_sys_clone3(t, &call, &out);
		else
			ptv_sys_clone_untraced(t, &call, &out);
		/* The call restarts from its (new) registers, or returns. */
		if (ptv_host_getregs(t->tid, &regs) == 0) {
			regs.rax = out.action == PTV_SYSCALL_RETURN
					   ? (unsigned long long)out.result
					   : (unsigned long long)-ERESTARTSYS_;
			ptv_host_setregs(t->tid, &regs);
		}
	}
	release_listener(loop, t);
}

void ptv_loop_notif_gone(struct ptv_loop *loop, struct ptv_task *t)
{
	if (t->notif_fix)
		release_listener(loop, t);
}
