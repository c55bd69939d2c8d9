/*
 * execve(2) and execveat(2) of a traced task.
 *
 * A traced exec may not gain privileges its tracer could not have attached
 * to: set-user-ID and set-group-ID bits and file capabilities are ignored
 * unless the tracer has CAP_SYS_PTRACE ("(id_changed || caps gained) &&
 * ... !ptracer_capable(current, new->user_ns)": security/commoncap.c:
 * cap_bprm_creds_from_file()). The host kernel asks the *host* tracer, the
 * supervisor, which is root, and would let the exec gain them. So before
 * such an exec the supervisor gives the task no_new_privs, on which the
 * kernel takes the same decision: the execve is turned into
 * prctl(PR_SET_NO_NEW_PRIVS, 1), and at that call's exit it is restored and
 * run again, its stops hidden from the task's tracer (who saw its entry).
 *
 * Known difference: the flag stays after the exec, and after a detach.
 */
#include "exec.h"

#include <errno.h>
#include <string.h>
#include <sys/user.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/host.h"
#include "../platform/procfs.h"

_Static_assert(sizeof(struct user_regs_struct) ==
		       sizeof(((struct ptv_task *)0)->saved_regs),
	       "saved_regs holds a struct user_regs_struct");

enum {
	PR_SET_NO_NEW_PRIVS_CODE = 38,
	X86_64_NR_prctl = 157,
	I386_NR_prctl_ = 172,
	X32_BIT = 0x40000000,
	CAP_SYS_PTRACE_BIT = 19,
};

static bool tracer_capable(const struct ptv_task *tracer)
{
	struct ptv_proc_creds c;

	return ptv_proc_creds(tracer->tid, &c) == 0 &&
	       (c.cap_eff & (1ULL << CAP_SYS_PTRACE_BIT));
}

void ptv_sys_exec(struct ptv_task *task, const struct ptv_syscall *call,
		  struct ptv_syscall_outcome *out)
{
	struct user_regs_struct regs, prctl_regs;
	struct ptv_proc_creds c;

	out->action = PTV_SYSCALL_RUN;
	out->result = 0;
	if (task->exec_guard == PTV_EXEC_GUARD_REEXEC) {
		task->exec_guard = PTV_EXEC_GUARD_NONE;
		return;
	}
	if (task->tracer == NULL || tracer_capable(task->tracer) ||
	    ptv_proc_creds(task->tid, &c) < 0 || c.no_new_privs)
		return;
	if (ptv_host_getregs(call->tid, &regs) < 0)
		return; /* ESRCH: killed meanwhile */
	prctl_regs = regs;
	if (call->abi == PTV_ABI_I386) {
		prctl_regs.orig_rax = I386_NR_prctl_;
		prctl_regs.rbx = PR_SET_NO_NEW_PRIVS_CODE;
		prctl_regs.rcx = 1;
		prctl_regs.rdx = prctl_regs.rsi = prctl_regs.rdi = 0;
	} else {
		prctl_regs.orig_rax = X86_64_NR_prctl |
			(call->abi == PTV_ABI_X32 ? X32_BIT : 0);
		prctl_regs.rdi = PR_SET_NO_NEW_PRIVS_CODE;
		prctl_regs.rsi = 1;
		prctl_regs.rdx = prctl_regs.r10 = prctl_regs.r8 = 0;
	}
	if (ptv_host_setregs(call->tid, &prctl_regs) < 0)
		return;
	memcpy(task->saved_regs, &regs, sizeof(regs));
	task->exec_guard = PTV_EXEC_GUARD_PRCTL;
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	ptv_log("[%d] exec traced by %d without CAP_SYS_PTRACE: no_new_privs first",
		call->tid, task->tracer->tid);
}

bool ptv_exec_guard_at_exit(struct ptv_task *t, long result)
{
	struct user_regs_struct regs;

	if (t->exec_guard != PTV_EXEC_GUARD_PRCTL)
		return false;
	memcpy(&regs, t->saved_regs, sizeof(regs));
	if (result == 0) {
		/* Run the execve again: back over the syscall instruction. */
		regs.rip -= 2;
		regs.rax = regs.orig_rax;
		t->exec_guard = PTV_EXEC_GUARD_REEXEC;
	} else {
		/* A guest filter refused the prctl: the exec may not run. */
		regs.rax = (unsigned long long)-EPERM;
		t->exec_guard = PTV_EXEC_GUARD_NONE;
		ptv_log("[%d] no_new_privs refused (%ld): execve fails", t->tid,
			result);
	}
	ptv_host_setregs(t->tid, &regs);
	return true;
}
