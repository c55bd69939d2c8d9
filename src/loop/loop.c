#include "loop.h"

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../kernel/check.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/signals.h"
#include "../syscalls/syscalls.h"

#define X32_SYSCALL_BIT 0x40000000L

/* Resumes @tid; ESRCH means it died meanwhile: its exit is still to come. */
static void resume(pid_t tid, int sig)
{
	int r = ptv_host_cont(tid, sig);

	if (r < 0 && r != -ESRCH)
		ptv_log("[%d] PTRACE_CONT failed: %s", tid, ptv_errno_name(-r));
}

static struct ptv_task *add_task(struct ptv_loop *loop, pid_t tid, pid_t tgid)
{
	struct ptv_task *task = ptv_task_add(&loop->tasks, tid, tgid);

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
	ptv_host_kill_thread(task->tgid ? task->tgid : task->tid, task->tid);
}

static void start_killing(struct ptv_loop *loop)
{
	if (loop->killing || loop->opts.wait_all)
		return;
	loop->killing = true;
	ptv_log("first guest %d is gone: killing %zu remaining task(s)",
		loop->first_pid, loop->tasks.count);
	ptv_tasks_for_each(&loop->tasks, kill_task, NULL);
}

static void on_task_gone(struct ptv_loop *loop, struct ptv_task *task,
			 const struct ptv_host_event *ev)
{
	if (ev->tid == loop->first_pid && !loop->first_done) {
		loop->first_done = true;
		loop->exit_status = ev->kind == PTV_HEV_EXITED ? ev->value
							       : 128 + ev->sig;
		ptv_signals_forward_to(0);
	}
	if (task != NULL)
		ptv_task_remove(&loop->tasks, task);
	if (loop->first_done)
		start_killing(loop);
}

/* i386 clone numbers, for a child made through int 0x80. */
#define I386_NR_CLONE 120
#define I386_NR_CLONE3 435

static bool stopped_in_i386_syscall(pid_t tid)
{
	struct ptrace_syscall_info info;

	return ptv_host_get_syscall_info(tid, &info) == 0 &&
	       info.arch == AUDIT_ARCH_I386;
}

/*
 * The clone flags the parent asked for, read at its fork/vfork/clone event
 * stop, where orig_rax still holds the call that made the child. (x86_64's
 * 120 is getresgid and i386's 56 is unused, so the numbers do not clash;
 * clone3 is 435 on both ABIs.)
 */
static uint64_t clone_flags_of(pid_t parent, int event)
{
	struct user_regs_struct regs;
	uint64_t flags = 0, args;

	if (ptv_host_getregs(parent, &regs) < 0)
		return 0;
	switch ((long)regs.orig_rax) {
	case SYS_clone:
		return regs.rdi;
	case I386_NR_CLONE:
		return regs.rbx & 0xffffffffu;
	case SYS_clone3:
		args = stopped_in_i386_syscall(parent) ? (regs.rbx & 0xffffffffu)
						       : regs.rdi;
		ptv_mem_read(parent, args, &flags, sizeof(flags));
		return flags;
	}
	/* fork(), vfork() */
	return event == PTRACE_EVENT_VFORK ? (PTV_CLONE_VM | PTV_CLONE_VFORK) : 0;
}

static void on_new_child(struct ptv_loop *loop, struct ptv_task *parent,
			 const struct ptv_host_event *ev)
{
	unsigned long msg = 0;
	struct ptv_task *child;
	uint64_t flags;
	pid_t tid;

	if (ptv_host_geteventmsg(ev->tid, &msg) < 0)
		return;
	tid = (pid_t)msg;
	flags = clone_flags_of(ev->tid, ev->event);
	child = ptv_task_find(&loop->tasks, tid);
	if (child == NULL)
		child = add_task(loop, tid, tid);
	if (child == NULL)
		return;
	child->clone_flags = flags;
	if (parent != NULL) {
		child->tgid = (flags & PTV_CLONE_THREAD) ? parent->tgid : tid;
		child->parent_tgid = (flags & (PTV_CLONE_THREAD | PTV_CLONE_PARENT))
					     ? parent->parent_tgid
					     : parent->tgid;
		parent->untraced_clone_pending = false;
	}
	ptv_log("[%d] new task %d (tgid %d, flags %#llx)", ev->tid, tid,
		child->tgid, (unsigned long long)flags);
	if (loop->killing)
		kill_task(child, NULL);
}

static void on_exec(struct ptv_loop *loop, struct ptv_task *task,
		    const struct ptv_host_event *ev)
{
	unsigned long former = 0;

	if (ptv_host_geteventmsg(ev->tid, &former) < 0)
		return;
	if ((pid_t)former != ev->tid) {
		/* A non-leader thread exec'd: it now has the leader's tid. */
		struct ptv_task *execer = ptv_task_find(&loop->tasks, (pid_t)former);

		ptv_log("[%d] exec by thread %lu: it takes tid %d", ev->tid,
			former, ev->tid);
		if (execer != NULL)
			ptv_task_rename(&loop->tasks, execer, ev->tid);
	}
	(void)task;
}

static int abi_of(const struct ptrace_syscall_info *info)
{
	if (info->arch == AUDIT_ARCH_I386)
		return PTV_ABI_I386;
	if (info->entry.nr & X32_SYSCALL_BIT)
		return PTV_ABI_X32;
	return PTV_ABI_X86_64;
}

static void on_seccomp(struct ptv_loop *loop, struct ptv_task *task,
		       const struct ptv_host_event *ev)
{
	struct ptv_syscall_env env = { .tasks = &loop->tasks,
				       .host_has_x32 = loop->host_has_x32 };
	struct ptrace_syscall_info info;
	struct ptv_syscall_outcome out;
	struct ptv_syscall call;
	int r = ptv_host_get_syscall_info(ev->tid, &info);

	if (r < 0)
		return; /* ESRCH: killed meanwhile */
	PTV_CHECK(info.op == PTRACE_SYSCALL_INFO_SECCOMP,
		  "task %d: seccomp event but syscall info op %d", ev->tid, info.op);
	call.tid = ev->tid;
	call.abi = abi_of(&info);
	call.nr = (long)(info.seccomp.nr & ~(uint64_t)X32_SYSCALL_BIT);
	for (int i = 0; i < 6; i++)
		call.args[i] = info.seccomp.args[i];
	call.trace_data = info.seccomp.ret_data;
	ptv_syscall_dispatch(&env, task, &call, &out);
	if (out.action == PTV_SYSCALL_RETURN) {
		r = ptv_host_skip_syscall(ev->tid, out.result);
		ptv_log("[%d] %s -> returns %ld%s%s", ev->tid,
			ptv_syscall_name(call.abi, call.nr), out.result,
			out.result < 0 ? " " : "",
			out.result < 0 ? ptv_errno_name((int)-out.result) : "");
	} else {
		ptv_log("[%d] %s -> runs natively", ev->tid,
			ptv_syscall_name(call.abi, call.nr));
	}
}

static void on_event(struct ptv_loop *loop, struct ptv_task *task,
		     const struct ptv_host_event *ev)
{
	switch (ev->event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(loop, task, ev);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(loop, task, ev);
		break;
	case PTRACE_EVENT_SECCOMP:
		if (task != NULL)
			on_seccomp(loop, task, ev);
		break;
	}
	resume(ev->tid, 0);
}

static void handle(struct ptv_loop *loop, const struct ptv_host_event *ev)
{
	struct ptv_task *task = ptv_task_find(&loop->tasks, ev->tid);

	if (ptv_log_enabled()) {
		char what[96];

		ptv_host_event_describe(ev, what, sizeof(what));
		ptv_log("[%d] %s%s", ev->tid, what, task ? "" : " (new task)");
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
	task->attached = true;
	if (loop->killing) {
		kill_task(task, NULL);
		resume(ev->tid, 0);
		return;
	}
	switch (ev->kind) {
	case PTV_HEV_SIGNAL_STOP:
		resume(ev->tid, ev->sig); /* deliver it, siginfo unchanged */
		break;
	case PTV_HEV_GROUP_STOP:
		/* Stay stopped, as natively, until SIGCONT makes it re-trap. */
		if (ptv_host_listen(ev->tid) < 0)
			ptv_log("[%d] PTRACE_LISTEN failed", ev->tid);
		break;
	case PTV_HEV_TRAP_STOP:
	case PTV_HEV_SYSCALL_STOP:
		resume(ev->tid, 0);
		break;
	case PTV_HEV_EVENT:
		on_event(loop, task, ev);
		break;
	case PTV_HEV_EXITED:
	case PTV_HEV_SIGNALED:
		break;
	}
}

int ptv_loop_run(const struct ptv_loop_options *opts, pid_t first_pid)
{
	struct ptv_loop loop = { .opts = *opts, .first_pid = first_pid };
	struct ptv_host_event ev;
	struct ptv_task *first;

	loop.host_has_x32 = ptv_host_has_x32();
	ptv_tasks_init(&loop.tasks);
	first = add_task(&loop, first_pid, first_pid);
	if (first == NULL)
		return 126;
	first->first_guest = true;
	first->parent_tgid = getpid();
	ptv_signals_forward_to(first_pid);
	for (;;) {
		int r = ptv_host_wait(&ev);

		if (r == -EINTR)
			continue;
		if (r == -ECHILD)
			break;
		PTV_CHECK(r == 0, "waitpid failed: %s", ptv_errno_name(-r));
		handle(&loop, &ev);
	}
	ptv_log("no guest left; exiting with %d", loop.exit_status);
	ptv_tasks_destroy(&loop.tasks);
	return loop.exit_status;
}
