#include "clone.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
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

/*
 * clone3(2) reads its flags from memory, where another thread (or another
 * process sharing the memory) could set CLONE_UNTRACED again after any
 * check and before the kernel's copy. So clone3 never runs: the supervisor
 * reads struct clone_args once, checks it as kernel/fork.c does
 * (copy_clone_args_from_user(), clone3_args_valid()) and turns the call
 * into the equivalent clone(2), whose flags are in a register the filter
 * sees. CLONE_CLEAR_SIGHAND is done by the supervisor in the child before
 * it runs (loop.c:reset_sighand_step()). What clone(2) cannot express
 * (set_tid, CLONE_INTO_CGROUP, CLONE_NEWTIME, CLONE_PIDFD with
 * CLONE_PARENT_SETTID) gets ENOSYS, as from a kernel without clone3: glibc
 * then uses clone.
 */

/* struct clone_args (include/uapi/linux/sched.h), up to VER2. */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls, set_tid, set_tid_size, cgroup;
};

enum {
	CLONE_ARGS_SIZE_VER0 = 64,
	CLONE_ARGS_SIZE_VER2 = 88,
	PAGE_SIZE_ = 4096,
	MAX_PID_NS_LEVEL_ = 32,
	X86_64_NR_clone = 56,
	I386_NR_clone_ = 120,
	X32_BIT = 0x40000000,
};

#define CSIGNAL_ 0xffULL
#define CLONE_NEWTIME_ 0x80ULL
#define CLONE_PIDFD_ 0x1000ULL
#define CLONE_SIGHAND_ 0x800ULL
#define CLONE_PARENT_SETTID_ 0x00100000ULL
#define CLONE_DETACHED_ 0x00400000ULL
#define CLONE_CLEAR_SIGHAND_ 0x100000000ULL
#define CLONE_INTO_CGROUP_ 0x200000000ULL
#define CLONE_LEGACY_FLAGS_ 0xffffffffULL
#define USER_SPACE_END 0x00007ffffffff000ULL

/* copy_clone_args_from_user(): reads and checks; 0 or -errno. */
static int read_clone3_args(pid_t tid, uint64_t uargs, uint64_t usize,
			    struct clone3_args *a)
{
	unsigned char rest[256];

	if (usize > PAGE_SIZE_)
		return -E2BIG;
	if (usize < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	/*
	 * copy_struct_from_user(): a larger struct must end in zeros, which
	 * check_zeroed_user() reads first, in order: a non-zero byte before
	 * an unmapped page is E2BIG. Chunks stop at page boundaries.
	 */
	for (uint64_t off = sizeof(*a), n; off < usize; off += n) {
		uint64_t to_page = PAGE_SIZE_ - ((uargs + off) & (PAGE_SIZE_ - 1));

		n = usize - off < sizeof(rest) ? usize - off : sizeof(rest);
		if (n > to_page)
			n = to_page;
		if (ptv_mem_read(tid, uargs + off, rest, n) < 0)
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (rest[i])
				return -E2BIG;
	}
	/* Then the struct itself. */
	memset(a, 0, sizeof(*a));
	if (ptv_mem_read(tid, uargs, a, usize < sizeof(*a) ? usize : sizeof(*a)) < 0)
		return -EFAULT;
	if (a->set_tid_size > MAX_PID_NS_LEVEL_ ||
	    (!a->set_tid && a->set_tid_size > 0) ||
	    (a->set_tid && a->set_tid_size == 0))
		return -EINVAL;
	if ((a->exit_signal & ~CSIGNAL_) || a->exit_signal > 64)
		return -EINVAL;
	if ((a->flags & CLONE_INTO_CGROUP_) &&
	    (a->cgroup > 0x7fffffff || usize < CLONE_ARGS_SIZE_VER2))
		return -EINVAL;
	return 0;
}

/* clone3_args_valid() */
static bool clone3_args_valid(const struct clone3_args *a)
{
	if (a->flags & ~(CLONE_LEGACY_FLAGS_ | CLONE_CLEAR_SIGHAND_ |
			 CLONE_INTO_CGROUP_))
		return false;
	if (a->flags & (CLONE_DETACHED_ | (CSIGNAL_ & ~CLONE_NEWTIME_)))
		return false;
	if ((a->flags & (CLONE_SIGHAND_ | CLONE_CLEAR_SIGHAND_)) ==
	    (CLONE_SIGHAND_ | CLONE_CLEAR_SIGHAND_))
		return false;
	if ((a->flags & (PTV_CLONE_THREAD | PTV_CLONE_PARENT)) && a->exit_signal)
		return false;
	/* clone3_stack_valid() */
	if (a->stack == 0)
		return a->stack_size == 0;
	return a->stack_size != 0 && a->stack_size <= USER_SPACE_END &&
	       a->stack <= USER_SPACE_END - a->stack_size;
}

static bool clone_can_express(const struct clone3_args *a)
{
	return a->set_tid_size == 0 &&
	       !(a->flags & (CLONE_INTO_CGROUP_ | CLONE_NEWTIME_)) &&
	       !((a->flags & CLONE_PIDFD_) && (a->flags & CLONE_PARENT_SETTID_));
}

void ptv_sys_clone3(struct ptv_task *task, const struct ptv_syscall *call,
		    struct ptv_syscall_outcome *out)
{
	struct user_regs_struct regs;
	struct clone3_args a;
	uint64_t flags, newsp, ptid;
	int r;

	r = read_clone3_args(call->tid, call->args[0], call->args[1], &a);
	if (r == 0 && !clone3_args_valid(&a))
		r = -EINVAL;
	if (r == 0 && !clone_can_express(&a))
		r = -ENOSYS;
	if (r == 0)
		r = ptv_host_getregs(call->tid, &regs);
	if (r < 0) {
		out->action = PTV_SYSCALL_RETURN;
		out->result = r;
		return;
	}
	/*
	 * clone3 reads two registers; the syscall instruction keeps every
	 * other but rcx and r11, and glibc's wrapper counts on it (the
	 * thread's function in rdx, its argument in r8). clone's arguments
	 * take five: they are given back to the parent at the call's exit
	 * and to the child at its first stop.
	 */
	task->clone3_abi = call->abi;
	if (call->abi == PTV_ABI_I386) {
		uint64_t saved[5] = { regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi };

		memcpy(task->clone3_regs, saved, sizeof(saved));
	} else {
		uint64_t saved[5] = { regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8 };

		memcpy(task->clone3_regs, saved, sizeof(saved));
	}
	task->clone3_clear_sighand = (a.flags & CLONE_CLEAR_SIGHAND_) != 0;
	/* clone takes the low 32 bits of the flags (sys_clone). */
	flags = (a.flags & ~PTV_CLONE_UNTRACED & CLONE_LEGACY_FLAGS_) |
		a.exit_signal;
	if (a.flags & PTV_CLONE_UNTRACED)
		task->untraced_clone_pending = true;
	newsp = a.stack ? a.stack + a.stack_size : 0;
	/* Legacy clone puts the pidfd where the parent tid would go. */
	ptid = (a.flags & CLONE_PIDFD_) ? a.pidfd : a.parent_tid;
	regs.rax = (unsigned long long)-ENOSYS;
	if (call->abi == PTV_ABI_I386) {
		/* i386 clone(flags, newsp, parent_tid, tls, child_tid) */
		regs.orig_rax = I386_NR_clone_;
		regs.rbx = flags;
		regs.rcx = newsp;
		regs.rdx = ptid;
		regs.rsi = a.tls;
		regs.rdi = a.child_tid;
	} else {
		/* clone(flags, newsp, parent_tid, child_tid, tls) */
		regs.orig_rax = X86_64_NR_clone |
			(call->abi == PTV_ABI_X32 ? X32_BIT : 0);
		regs.rdi = flags;
		regs.rsi = newsp;
		regs.rdx = ptid;
		regs.r10 = a.child_tid;
		regs.r8 = a.tls;
	}
	r = ptv_host_setregs(call->tid, &regs);
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	out->result = 0;
	if (r == 0) {
		task->rewritten_nr = call->nr;
		task->clone3_fixup = true;
	}
	ptv_log("[%d] clone3 runs as clone(%#llx)%s", call->tid,
		(unsigned long long)flags, r == 0 ? "" : ": setregs failed");
}

void ptv_clone3_fixup(struct ptv_task *t)
{
	struct user_regs_struct regs;
	const uint64_t *v = t->clone3_regs;

	if (!t->clone3_fixup)
		return;
	t->clone3_fixup = false;
	if (ptv_host_getregs(t->tid, &regs) < 0)
		return;
	if (t->clone3_abi == PTV_ABI_I386) {
		regs.rbx = v[0], regs.rcx = v[1], regs.rdx = v[2];
		regs.rsi = v[3], regs.rdi = v[4];
	} else {
		regs.rdi = v[0], regs.rsi = v[1], regs.rdx = v[2];
		regs.r10 = v[3], regs.r8 = v[4];
	}
	/*
	 * A clone a signal interrupted (-ERESTARTNOINTR, kernel/fork.c) is
	 * restarted from orig_rax: with clone3's registers back, it must be
	 * clone3 again, to be trapped and read anew.
	 */
	if ((long long)regs.rax >= -516 && (long long)regs.rax <= -512)
		regs.orig_rax = SYS_clone3 |
			(t->clone3_abi == PTV_ABI_X32 ? X32_BIT : 0);
	ptv_host_setregs(t->tid, &regs);
}

void ptv_clone3_inherit(struct ptv_task *child, const struct ptv_task *parent)
{
	child->clone3_fixup = parent->clone3_fixup;
	child->clone3_clear_sighand = parent->clone3_fixup &&
				      parent->clone3_clear_sighand;
	child->clone3_abi = parent->clone3_abi;
	memcpy(child->clone3_regs, parent->clone3_regs, sizeof(child->clone3_regs));
}
