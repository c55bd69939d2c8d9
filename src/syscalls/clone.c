#include "clone.h"

#include <errno.h>
#include <sys/user.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../platform/host.h"
#include "../platform/mem.h"

void ptv_sys_clone_untraced(struct ptv_task *task, const struct ptv_syscall *call,
			    struct ptv_syscall_outcome *out)
{
	struct user_regs_struct regs;
	int r;

	out->action = PTV_SYSCALL_RUN;
	out->result = 0;
	if (!(call->args[0] & PTV_CLONE_UNTRACED))
		return;
	r = ptv_host_getregs(call->tid, &regs);
	if (r < 0)
		return; /* ESRCH: killed meanwhile; its exit comes through wait */
	/* The flags are the first argument on both ABIs: rdi, or ebx for i386. */
	if (call->abi == PTV_ABI_I386)
		regs.rbx &= ~PTV_CLONE_UNTRACED;
	else
		regs.rdi &= ~PTV_CLONE_UNTRACED;
	r = ptv_host_setregs(call->tid, &regs);
	if (r == 0)
		task->untraced_clone_pending = true;
	ptv_log("[%d] clone: CLONE_UNTRACED cleared for the host (%s)",
		call->tid, r == 0 ? "ok" : ptv_errno_name(-r));
}

void ptv_sys_clone3(struct ptv_task *task, const struct ptv_syscall *call,
		    struct ptv_syscall_outcome *out)
{
	uint64_t flags;
	int r;

	out->action = PTV_SYSCALL_RUN;
	out->result = 0;
	/*
	 * struct clone_args starts with the u64 flags. A bad pointer or size
	 * is left for the kernel to refuse (EFAULT/EINVAL) as natively.
	 */
	if (call->args[1] < sizeof(flags) ||
	    ptv_mem_read(call->tid, call->args[0], &flags, sizeof(flags)) < 0)
		return;
	if (!(flags & PTV_CLONE_UNTRACED))
		return;
	/*
	 * Known gap (the escape suite's TOCTOU case): another thread of the
	 * guest can set the bit again between this write and the kernel's copy.
	 */
	flags &= ~PTV_CLONE_UNTRACED;
	r = ptv_mem_write(call->tid, call->args[0], &flags, sizeof(flags));
	if (r == 0)
		task->untraced_clone_pending = true;
	ptv_log("[%d] clone3: CLONE_UNTRACED cleared for the host (%s)",
		call->tid, r == 0 ? "ok" : ptv_errno_name(-r));
}
