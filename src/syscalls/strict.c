/*
 * SECCOMP_MODE_STRICT for guests (design notes, 33).
 *
 * kernel/seccomp.c:seccomp_may_assign_mode() keeps a task in filter mode
 * out of strict mode, and every guest runs under the supervisor's filter:
 * natively the call succeeds, inside it failed with EINVAL. The supervisor
 * runs it as the install of a filter of its own in the task: the calls
 * strict mode allows (__secure_computing_strict(): read, write, exit and
 * rt_sigreturn; read, write, exit and sigreturn through the i386 entry
 * point) pass, any other traps with PTV_TRACE_STRICT, and the supervisor
 * kills the task there with SIGKILL.
 */
#include "strict.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/user.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"

enum {
	SECCOMP_SET_MODE_STRICT_ = 0,
	SECCOMP_SET_MODE_FILTER_ = 1,
	SECCOMP_MODE_STRICT_ = 1,
	X86_64_NR_seccomp = 317,
	I386_NR_seccomp = 354,
	X32_BIT = 0x40000000,
	SECCOMP_RET_TRACE_ = 0x7ff00000,
	SECCOMP_RET_ALLOW_ = 0x7fff0000,
};

/* The filter: x86_64's four calls, i386's four, any other is trapped. */
static const struct sock_filter strict_filter[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),	/* arch */
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 6),
	/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),	/* nr */
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0 /* read */, 11, 0),
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1 /* write */, 10, 0),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 60 /* exit */, 9, 0),
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 15 /* rt_sigreturn */, 8, 0),
	/* 7 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE_ | PTV_TRACE_STRICT),
	/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 5),
	/* 9 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3 /* read */, 4, 0),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 4 /* write */, 3, 0),
	/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1 /* exit */, 2, 0),
	/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 119 /* sigreturn */, 1, 0),
	/* 14 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE_ | PTV_TRACE_STRICT),
	/* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW_),
};

/* Does @call, a prctl (@via_prctl) or a seccomp, ask for strict mode? */
static bool asks_strict(const struct ptv_syscall *call, bool via_prctl)
{
	if (via_prctl)
		return (uint32_t)call->args[0] == PTV_PR_SET_SECCOMP &&
		       (uint32_t)call->args[1] == SECCOMP_MODE_STRICT_;
	/* seccomp(2) checks flags and uargs for strict mode: EINVAL else. */
	return (uint32_t)call->args[0] == SECCOMP_SET_MODE_STRICT_ &&
	       call->args[1] == 0 && call->args[2] == 0;
}

/*
 * Writes the filter and its struct sock_fprog (compat_sock_fprog for the
 * i386 entry point) below the stack's red zone (ptv_room_below_red_zone());
 * returns the sock_fprog's address, or 0.
 */
static uint64_t place_filter(pid_t tid, const struct user_regs_struct *regs,
			     int abi)
{
	uint64_t filter = ptv_room_below_red_zone(regs, abi, 512);
	uint64_t prog = filter + sizeof(strict_filter);
	uint16_t len = sizeof(strict_filter) / sizeof(strict_filter[0]);
	unsigned char fprog[16] = { 0 };

	memcpy(fprog, &len, sizeof(len));
	if (abi == PTV_ABI_I386) {
		uint32_t p = (uint32_t)filter;

		if (filter > UINT32_MAX)
			return 0;	/* int 0x80 of a 64-bit task: no room */
		memcpy(fprog + 4, &p, sizeof(p));
	} else {
		memcpy(fprog + 8, &filter, sizeof(filter));
	}
	if (ptv_mem_write(tid, filter, strict_filter, sizeof(strict_filter)) < 0 ||
	    ptv_mem_write(tid, prog, fprog, sizeof(fprog)) < 0)
		return 0;
	return prog;
}

bool ptv_strict_enter(struct ptv_task *task, const struct ptv_syscall *call,
		      bool via_prctl, struct ptv_syscall_outcome *out)
{
	struct user_regs_struct regs, install;
	uint64_t prog;

	if (!asks_strict(call, via_prctl) || task->own_filters ||
	    ptv_host_getregs(call->tid, &regs) < 0)
		return false;
	prog = place_filter(call->tid, &regs, call->abi);
	if (prog == 0)
		return false;
	install = regs;
	if (call->abi == PTV_ABI_I386) {
		install.orig_rax = I386_NR_seccomp;
		install.rbx = SECCOMP_SET_MODE_FILTER_;
		install.rcx = 0;
		install.rdx = prog;
	} else {
		install.orig_rax = X86_64_NR_seccomp |
			(call->abi == PTV_ABI_X32 ? X32_BIT : 0);
		install.rdi = SECCOMP_SET_MODE_FILTER_;
		install.rsi = 0;
		install.rdx = prog;
	}
	if (ptv_host_setregs(call->tid, &install) < 0)
		return false;
	memcpy(task->saved_regs, &regs, sizeof(regs));
	task->strict_call = true;
	task->rewritten_nr = call->nr;
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	out->result = 0;
	ptv_log("[%d] strict mode: runs as the install of a filter", call->tid);
	return true;
}

bool ptv_strict_at_exit(struct ptv_task *t, long result)
{
	struct user_regs_struct regs;

	if (!t->strict_call)
		return false;
	t->strict_call = false;
	memcpy(&regs, t->saved_regs, sizeof(regs));
	/*
	 * Without no_new_privs or CAP_SYS_ADMIN no filter goes in (EACCES):
	 * the kernel's answer to a task in filter mode, EINVAL, stands.
	 */
	if (result != 0)
		ptv_log("[%d] strict mode: the filter was refused (%ld)",
			t->tid, result);
	regs.rax = (unsigned long long)(result == 0 ? 0 : -EINVAL);
	t->strict = result == 0;
	ptv_host_setregs(t->tid, &regs);
	return true;
}

bool ptv_strict_kills(struct ptv_task *t, uint32_t data)
{
	if (!t->strict || data != PTV_TRACE_STRICT)
		return false;
	ptv_log("[%d] a call strict mode does not allow: SIGKILL", t->tid);
	ptv_host_kill_thread(t->tgid, t->tid);
	return true;
}

long ptv_strict_seen_mode(struct ptv_task *t)
{
	struct ptv_proc_creds c;

	if (t->strict)
		return SECCOMP_MODE_STRICT_;
	if (ptv_proc_creds(t->tid, &c) < 0)
		return -ESRCH;
	/* The first are the supervisor's (SECCOMP_MODE_FILTER is 2). */
	return c.seccomp_filters > ptv_filter_base() ? 2 : 0;
}
