/*
 * wait4, waitid and i386 waitpid for guests: virtual events (tracees'
 * stops and exits) merged with real children's, with Linux's blocking and
 * signal semantics (DESIGN.md, "Blocking wait: the mechanism"):
 *
 *  - a ready virtual event completes the call without running it, the
 *    first in Linux's order (kernel/ptrace.c:ptv_wait_virtual()); one the
 *    host holds for the caller (a traced child's exit or continue) is
 *    reported by a native wait restricted to that child;
 *  - a blocking wait with nothing ready is deferred while the loop collects
 *    pending host events (loop.c), then decided again;
 *  - otherwise the native wait runs, with its syscall-exit stop requested;
 *    if it finds no real child (-ECHILD) while virtual tracees exist, a
 *    WNOHANG wait returns 0, and a blocking one sleeps in pause(2) instead;
 *  - a virtual event arriving meanwhile interrupts the sleeper
 *    (PTRACE_INTERRUPT), whose wait is then restarted and completes;
 *  - a real signal arriving in pause(2) gets the wait's own registers back
 *    with -ERESTARTSYS, so the wait's restart rules apply.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include "syscalls.h"

#define I386_NR_waitpid 7
#define I386_NR_wait4 114
#define I386_NR_waitid 284
#define I386_NR_pause 29
#define P_PIDFD_ID 3

enum ptv_wait_state {
	PTV_WAIT_NATIVE,	/* the native wait runs; its exit stop is ours */
	PTV_WAIT_PAUSE,		/* asleep in pause(2) for a virtual event */
	PTV_WAIT_REAP,		/* the native wait runs for one zombie only */
	PTV_WAIT_CONSUME,	/* a native waitid takes a report Linux does
				   not give this wait, then the wait reruns */
};

struct ptv_wait {
	enum ptv_wait_state state;
	struct user_regs_struct regs;	/* at the seccomp stop of the wait */
	int abi;
	bool is_waitid;
	struct ptv_wait_req req;
	uint64_t status_addr;		/* int * (wait4) or siginfo_t * (waitid) */
	uint64_t report_buf;		/* a native wait's status or siginfo_t,
					   lent: lend_report_buf() */
	bool copy_report;		/* ... in place of the caller's, whose
					   own gets a copy at the exit */
	uint64_t rusage_addr;
	pid_t reap_pid;			/* PTV_WAIT_REAP: the child */
	int reap_status;		/* the event expected of it (wait4) */
	uint64_t consume_info;		/* PTV_WAIT_CONSUME: its siginfo_t */
	bool consume_continued;		/* ... of a continue, not a stop */
};

/*
 * The decoded call; false if the native call must judge its arguments, or
 * they name no task of the model: a pid or process group id is the
 * caller's, in its pid namespace (kernel/exit.c: find_get_pid()), mapped to
 * the host's (a process group whose leader is gone is not found there).
 */
static bool decode(struct ptv_kernel *k, struct ptv_task *caller,
		   const struct ptv_syscall *call, struct ptv_wait *w)
{
	bool i386 = call->abi == PTV_ABI_I386;
	int pid, options;

	memset(w, 0, sizeof(*w));
	w->abi = call->abi;
	w->is_waitid = call->nr == (i386 ? I386_NR_waitid : SYS_waitid);
	if (w->is_waitid) {
		int which = (int)call->args[0];

		pid = (int)call->args[1];
		w->status_addr = call->args[2];
		options = (int)call->args[3];
		w->rusage_addr = call->args[4];
		if (options & ~(PTV_WNOHANG | PTV_WNOWAIT | PTV_WEXITED |
				PTV_WSTOPPED | PTV_WCONTINUED | PTV_WNOTHREAD |
				PTV_WCLONE | PTV_WALL))
			return false;
		if (!(options & (PTV_WEXITED | PTV_WSTOPPED | PTV_WCONTINUED)))
			return false;
		switch (which) {
		case PTV_P_ALL:
			w->req.idtype = PTV_P_ALL;
			break;
		case PTV_P_PID:
			if (pid <= 0)
				return false;
			w->req.idtype = PTV_P_PID;
			w->req.id = ptv_pidns_to_host(k, caller, pid);
			break;
		case PTV_P_PGID:
			if (pid < 0)
				return false;
			w->req.idtype = PTV_P_PGID;
			w->req.id = pid ? ptv_pidns_to_host(k, caller, pid)
					: getpgid(caller->tid);
			break;
		case P_PIDFD_ID:
			pid = ptv_proc_pidfd_pid(caller->tid, pid);
			if (pid <= 0)
				return false;
			w->req.idtype = PTV_P_PID;
			w->req.id = pid;
			break;
		default:
			return false;
		}
	} else {
		pid = (int)call->args[0];
		w->status_addr = call->args[1];
		options = (int)call->args[2];
		w->rusage_addr = call->nr == I386_NR_waitpid && i386 ? 0
								     : call->args[3];
		if (options & ~(PTV_WNOHANG | PTV_WSTOPPED | PTV_WCONTINUED |
				PTV_WNOTHREAD | PTV_WCLONE | PTV_WALL))
			return false;
		options |= PTV_WEXITED;
		if (pid == -1) {
			w->req.idtype = PTV_P_ALL;
		} else if (pid < 0) {
			if (pid == (int)0x80000000)
				return false;
			w->req.idtype = PTV_P_PGID;
			w->req.id = ptv_pidns_to_host(k, caller, -pid);
		} else if (pid == 0) {
			w->req.idtype = PTV_P_PGID;
			w->req.id = getpgid(caller->tid);
		} else {
			w->req.idtype = PTV_P_PID;
			w->req.id = ptv_pidns_to_host(k, caller, pid);
		}
	}
	w->req.options = options;
	return w->req.idtype == PTV_P_ALL || w->req.id > 0;
}

/*
 * Writes the waitid siginfo fields the kernel writes (kernel/exit.c), with
 * the pid @shown the caller sees.
 */
static int write_waitid_info(pid_t tid, const struct ptv_wait *w,
			     const struct ptv_wait_result *res, pid_t shown)
{
	/* si_signo, si_errno, si_code, then si_pid, si_uid, si_status. */
	int32_t head[3] = { res ? 17 /* SIGCHLD */ : 0, 0,
			    res ? res->cld_code : 0 };
	int32_t chld[3] = { res ? shown : 0, 0, res ? res->cld_status : 0 };
	/* The union starts at 16 on x86_64, at 12 in the i386 layout. */
	uint64_t union_at = w->abi == PTV_ABI_I386 ? 12 : 16;
	int r;

	if (res) {
		uid_t uid;

		if (ptv_real_uid_seen_by(tid, res->pid, &uid) == 0)
			chld[1] = (int32_t)uid;
	}
	r = ptv_mem_write(tid, w->status_addr, head, sizeof(head));
	if (r == 0)
		r = ptv_mem_write(tid, w->status_addr + union_at, chld,
				  sizeof(chld));
	return r;
}

/*
 * struct rusage of the task reported: "getrusage(p, RUSAGE_BOTH, ...)"
 * (kernel/exit.c: wait_task_zombie(), wait_task_stopped()), as /proc shows
 * it; zeros if it is gone. x86_64: two timevals of two longs, then 14 longs
 * (144 bytes); compat_rusage: the same with ints (72 bytes).
 */
static int write_rusage(pid_t tid, const struct ptv_wait *w,
			const struct ptv_proc_usage *u)
{
	int64_t v[18] = { 0 };
	int32_t v32[18];
	bool i386 = w->abi == PTV_ABI_I386;

	if (w->rusage_addr == 0)
		return 0;
	if (u) {
		v[0] = (int64_t)(u->utime_us / 1000000);
		v[1] = (int64_t)(u->utime_us % 1000000);
		v[2] = (int64_t)(u->stime_us / 1000000);
		v[3] = (int64_t)(u->stime_us % 1000000);
		v[4] = (int64_t)u->maxrss_kb;
		v[8] = (int64_t)u->minflt;
		v[9] = (int64_t)u->majflt;
		v[11] = (int64_t)u->inblock;
		v[12] = (int64_t)u->oublock;
		v[16] = (int64_t)u->nvcsw;
		v[17] = (int64_t)u->nivcsw;
	}
	if (!i386)
		return ptv_mem_write(tid, w->rusage_addr, v, sizeof(v));
	for (size_t i = 0; i < 18; i++)
		v32[i] = (int32_t)v[i];
	return ptv_mem_write(tid, w->rusage_addr, v32, sizeof(v32));
}

/*
 * A virtual event for @waiter's wait @w (ptv_wait_virtual(); @may_defer: a
 * reaped thread the host is still finishing, or a thread the host's
 * group-stop of a child waits for, gives 3), with the
 * reported task's resource usage in *usage if the wait asked for it (false
 * in *have if not, or if it could not be read). The usage is read before
 * the event is consumed: reaping a zombie held at its exit stop lets it go
 * on exiting, and its memory with it.
 */
static int wait_virtual(struct ptv_kernel *k, struct ptv_task *waiter,
			const struct ptv_wait *w, bool may_defer,
			struct ptv_wait_result *res,
			struct ptv_proc_usage *usage, bool *have)
{
	struct ptv_wait_req peek = w->req, req = w->req;
	int r;

	peek.options |= PTV_WNOWAIT;
	peek.may_defer = may_defer;	/* a group-stop the host has not
					   completed gives 3 too */
	r = ptv_wait_virtual(k, waiter, &peek, res);
	*have = r == 1 && w->rusage_addr != 0 &&
		ptv_proc_usage(res->pid, usage) == 0;
	if (r != 1 || (w->req.options & PTV_WNOWAIT))
		return r; /* 2: a native wait must reap it */
	req.may_defer = may_defer;
	return ptv_wait_virtual(k, waiter, &req, res);
}

/*
 * Completes the wait with @res (NULL: WNOHANG and nothing to report) and
 * @usage (NULL: unknown, zeros).
 */
static long complete(struct ptv_kernel *k, struct ptv_task *caller,
		     const struct ptv_wait *w, const struct ptv_wait_result *res,
		     const struct ptv_proc_usage *usage)
{
	pid_t tid = caller->tid;
	/* wait_task_zombie() and the rest: task_pid_vnr(), in its namespace */
	pid_t shown = res ? ptv_pidns_to_guest(k, caller, res->pid) : 0;

	if (w->is_waitid) {
		if (w->status_addr && write_waitid_info(tid, w, res, shown) < 0)
			return -EFAULT;
		if (res && write_rusage(tid, w, usage) < 0)
			return -EFAULT;
		return 0;
	}
	if (res == NULL)
		return 0;
	if (w->status_addr &&
	    ptv_mem_write(tid, w->status_addr, &res->status, sizeof(int)) < 0)
		return -EFAULT;
	if (write_rusage(tid, w, usage) < 0)
		return -EFAULT;
	return shown;
}

uint64_t ptv_room_below_red_zone(const struct user_regs_struct *regs,
				 int abi, size_t size)
{
	uint64_t sp = abi == PTV_ABI_I386 ? (uint32_t)regs->rsp : regs->rsp;

	return (sp - 128 - size) & ~15ULL;
}

/* A siginfo_t's room there. */
static uint64_t below_red_zone(const struct user_regs_struct *regs, int abi)
{
	return ptv_room_below_red_zone(regs, abi, 128);
}

/* The register that holds the wait's status (wait4) or siginfo_t pointer. */
static unsigned long long *report_reg(struct user_regs_struct *regs,
				      const struct ptv_wait *w)
{
	if (w->is_waitid)
		return &regs->rdx;
	return w->abi == PTV_ABI_I386 ? &regs->rcx : &regs->rsi;
}

/* Where the native wait writes what it reports, or 0. */
static uint64_t report_addr(const struct ptv_wait *w)
{
	return w->report_buf ? w->report_buf : w->status_addr;
}

/*
 * A native wait whose caller passed no status or siginfo_t pointer is
 * given one below the red zone in @regs, so that its exit tells which
 * child it reported and what (a waitid with a NULL infop returns 0 whether
 * it found one or not). So is one that may report what Linux does not give
 * it (@hidden: ptv_wait_native_may_see_hidden()), whose caller's pointer
 * may be bad: its exit must still tell what it found, and the caller's
 * buffer gets only what Linux gives (copy_report()).
 * return_report_buf() puts the caller's pointer back.
 */
static void lend_report_buf(struct ptv_wait *w, struct user_regs_struct *regs,
			    bool hidden)
{
	if (w->status_addr != 0 && !hidden)
		return;
	w->report_buf = below_red_zone(regs, w->abi);
	w->copy_report = w->status_addr != 0;
	*report_reg(regs, w) = w->report_buf;
}

/* Precondition: @regs are the lent wait's, at its syscall exit. */
static void return_report_buf(const struct ptv_wait *w,
			      struct user_regs_struct *regs)
{
	if (w->report_buf != 0)
		*report_reg(regs, w) = w->status_addr;
}

/*
 * The lent buffer's report goes to the caller's, as the native wait would
 * have written it there (kernel/exit.c): waitid's siginfo_t fields always,
 * wait4's status for a child found; -EFAULT in @regs if it cannot be.
 */
static void copy_report(struct ptv_task *t, const struct ptv_wait *w,
			struct user_regs_struct *regs)
{
	/*
	 * What is written: wait4's int; waitid's si_signo, si_errno and
	 * si_code, then (at 16, or 12 for i386, after padding) si_pid, si_uid
	 * and si_status.
	 */
	size_t head = !w->is_waitid ? 4 : w->abi == PTV_ABI_I386 ? 24 : 12;
	size_t tail = w->is_waitid && w->abi != PTV_ABI_I386 ? 12 : 0;
	uint8_t buf[28];

	if (!w->copy_report || (!w->is_waitid && (long)regs->rax <= 0))
		return;
	if (ptv_mem_read(t->tid, w->report_buf, buf, tail ? 28 : head) < 0 ||
	    ptv_mem_write(t->tid, w->status_addr, buf, head) < 0 ||
	    (tail && ptv_mem_write(t->tid, w->status_addr + 16, buf + 16,
				   tail) < 0))
		regs->rax = (unsigned long long)-EFAULT;
}

/*
 * The native wait of @t reported child @pid's death by SIGKILL, which the
 * supervisor sent in the place of another signal (ptv_death_sub_set()):
 * its report gets that signal, as wait_task_zombie() writes the group's
 * exit code (wait4's status; waitid's si_code CLD_KILLED, si_status). No
 * core was dumped: no core flag, not CLD_DUMPED.
 */
static void fix_death_report(struct ptv_kernel *k, struct ptv_task *t,
			     const struct ptv_wait *w, pid_t pid)
{
	uint64_t at = report_addr(w);
	/* waitid's si_status: after si_pid and si_uid (16 or 12 for i386). */
	uint64_t status_at = w->abi == PTV_ABI_I386 ? 20 : 24;
	int sig = pid > 0 ? ptv_death_sig(k, pid) : 0;
	int32_t v, code;

	if (sig == 0 || at == 0)
		return;
	if (!w->is_waitid) {
		if (ptv_mem_read(t->tid, at, &v, sizeof(v)) < 0 ||
		    (v & 0x7f) != SIGKILL)
			return;
		v = (v & ~0x7f) | sig;
		if (ptv_mem_write(t->tid, at, &v, sizeof(v)) < 0)
			return;
	} else {
		if (ptv_mem_read(t->tid, at + 8, &code, sizeof(code)) < 0 ||
		    code != PTV_CLD_KILLED ||
		    ptv_mem_read(t->tid, at + status_at, &v, sizeof(v)) < 0 ||
		    v != SIGKILL)
			return;
		v = sig;
		if (ptv_mem_write(t->tid, at + status_at, &v, sizeof(v)) < 0)
			return;
	}
	ptv_log("[%d] native wait's report of %d: killed by %s, not SIGKILL",
		t->tid, pid, ptv_signal_name(sig));
	if (!(w->req.options & PTV_WNOWAIT))
		ptv_death_sub_done(k, pid, true);
}

/*
 * At the wait's syscall exit: it runs again, with its own registers, from
 * its syscall instruction. (A restart code would do only with a signal
 * pending: arch_do_signal_or_restart() runs for signal work alone.)
 */
static struct user_regs_struct rerun_regs(const struct ptv_wait *w)
{
	struct user_regs_struct regs = w->regs;

	regs.rax = regs.orig_rax;
	regs.rip -= 2;
	return regs;
}

static void rerun_wait(struct ptv_task *t)
{
	struct user_regs_struct regs = rerun_regs(t->wait);

	ptv_host_setregs(t->tid, &regs);
	ptv_wait_forget(t);
}

/*
 * The pid a native wait that returned @rax reported (the host's: it gave
 * @t's own), or 0.
 */
static pid_t native_result_pid(struct ptv_kernel *k, struct ptv_task *t,
			       const struct ptv_wait *w, long rax)
{
	int32_t pid;

	if (!w->is_waitid)
		return rax > 0 ? ptv_pidns_to_host(k, t, (pid_t)rax) : 0;
	/* waitid returns 0; si_pid is at the union (16, or 12 for i386). */
	if (rax != 0 || report_addr(w) == 0 ||
	    ptv_mem_read(t->tid, report_addr(w) +
			 (w->abi == PTV_ABI_I386 ? 12 : 16), &pid, sizeof(pid)) < 0)
		return 0;
	return pid > 0 ? ptv_pidns_to_host(k, t, pid) : 0;
}

void ptv_wait_fix_woken_native(struct ptv_syscall_env *env,
			       struct ptv_task *t)
{
	struct user_regs_struct regs;
	struct ptv_syscall call = { .tid = t->tid };
	struct ptv_wait w;
	bool i386;

	if (env->k->n_death_subs == 0 || ptv_host_getregs(t->tid, &regs) < 0)
		return;
	/*
	 * Its ABI: that of the code it runs (a 64-bit program's int 0x80 is
	 * taken for x86_64's).
	 */
	i386 = regs.cs == 0x23;
	call.abi = i386 ? PTV_ABI_I386 : PTV_ABI_X86_64;
	call.nr = (long)regs.orig_rax;
	if (call.nr != (i386 ? I386_NR_waitid : SYS_waitid) &&
	    call.nr != (i386 ? I386_NR_wait4 : SYS_wait4) &&
	    !(i386 && call.nr == I386_NR_waitpid))
		return;
	if (i386) {
		call.args[0] = (uint32_t)regs.rbx;
		call.args[1] = (uint32_t)regs.rcx;
		call.args[2] = (uint32_t)regs.rdx;
		call.args[3] = (uint32_t)regs.rsi;
		call.args[4] = (uint32_t)regs.rdi;
	} else {
		call.args[0] = regs.rdi;
		call.args[1] = regs.rsi;
		call.args[2] = regs.rdx;
		call.args[3] = regs.r10;
		call.args[4] = regs.r8;
	}
	if (!decode(env->k, t, &call, &w))
		return;
	fix_death_report(env->k, t, &w,
			 native_result_pid(env->k, t, &w,
					   i386 ? (int)regs.rax
						: (long)regs.rax));
}

/*
 * The wait's argument registers, as the ABI passes them: which (waitid
 * only), pid and options.
 */
static void wait_args(struct user_regs_struct *regs, const struct ptv_wait *w,
		      unsigned long long **which, unsigned long long **pid,
		      unsigned long long **options)
{
	bool i386 = w->abi == PTV_ABI_I386;

	if (w->is_waitid) {
		*which = i386 ? &regs->rbx : &regs->rdi;
		*pid = i386 ? &regs->rcx : &regs->rsi;
		*options = i386 ? &regs->rsi : &regs->r10;
	} else {
		*which = NULL;
		*pid = i386 ? &regs->rbx : &regs->rdi;
		*options = &regs->rdx;
	}
}

/*
 * The first event is one the host has for the caller's group: the exit, or
 * the continue, of a tracee whose real parent is the caller's group, or an
 * event of a child the group does not trace (ptv_wait_virtual()). The
 * native wait, for it alone, reports it (reaps it): with __WALL, as a
 * tracee is eligible whatever its exit signal, and WNOHANG, as the model
 * may believe in an event a native wait has taken unseen.
 */
static void reap_natively(struct ptv_kernel *k, struct ptv_task *caller,
			  struct ptv_wait *w, const struct ptv_wait_result *res,
			  struct ptv_syscall_outcome *out)
{
	pid_t pid = res->pid;
	/* Its pid as the caller sees it (its child: in its namespace). */
	pid_t shown = ptv_pidns_to_guest(k, caller, pid);
	struct user_regs_struct regs;
	unsigned long long *which, *pidp, *options;

	if (shown <= 0 || ptv_host_getregs(caller->tid, &w->regs) < 0)
		return;
	regs = w->regs;
	wait_args(&regs, w, &which, &pidp, &options);
	if (which)
		*which = PTV_P_PID;
	*pidp = (unsigned long long)shown;
	/*
	 * A child still exiting on the host is a zombie in Linux already:
	 * the wait blocks the moment until the host has made it one.
	 */
	*options |= (unsigned int)PTV_WALL;
	if (res->exiting)
		*options &= ~(unsigned long long)PTV_WNOHANG;
	else
		*options |= (unsigned int)PTV_WNOHANG;
	lend_report_buf(w, &regs, false);
	caller->wait = malloc(sizeof(*w));
	if (caller->wait == NULL || ptv_host_setregs(caller->tid, &regs) < 0) {
		ptv_wait_forget(caller);
		return;
	}
	w->state = PTV_WAIT_REAP;
	w->reap_pid = pid;
	w->reap_status = res->status;
	*caller->wait = *w;
	caller->hide_vehicle = true;
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	ptv_log("[%d] wait reaps %d natively, its real child", caller->tid, pid);
}

/*
 * At the exit of that native wait. Its own arguments go back. If it did
 * not find the event, a native wait of the group took it first, unseen (a
 * WNOHANG wait runs without an exit stop): the wait runs again (true).
 */
static bool reaped_natively(struct ptv_syscall_env *env, struct ptv_task *t,
			    struct user_regs_struct *regs)
{
	struct ptv_wait *w = t->wait;
	struct ptv_task *child = ptv_task_find(&env->k->tasks, w->reap_pid);
	unsigned long long *which, *pid, *options, *own_which, *own_pid,
		*own_options;
	long r = (long)regs->rax;
	bool missing = r == -ECHILD ||
		       (r >= 0 &&
			 native_result_pid(env->k, t, w, r) != w->reap_pid);

	wait_args(regs, w, &which, &pid, &options);
	wait_args(&w->regs, w, &own_which, &own_pid, &own_options);
	if (which)
		*which = *own_which;
	*pid = *own_pid;
	*options = *own_options;
	if (!missing)
		fix_death_report(env->k, t, w, w->reap_pid);
	return_report_buf(w, regs);
	if (child && (missing || !(w->req.options & PTV_WNOWAIT))) {
		ptv_tid_t tgid = child->tgid;

		/* A group-stop taken now, or unseen before. */
		if ((w->reap_status & 0xff) == 0x7f)
			child->native_stop_taken = true;
		ptv_wait_native_reaped(env->k, child); /* may free it */
		ptv_group_continued(env->k, tgid, false);
	}
	if (missing || !(w->req.options & PTV_WNOWAIT))
		ptv_native_zombie_gone(env->k, w->reap_pid);
	if (missing) {
		rerun_wait(t);
		return true;
	}
	ptv_wait_forget(t);
	ptv_host_setregs(t->tid, regs);
	return false;
}

/*
 * The blocking wait @w of @caller, in its seccomp stop, sleeps in pause(2)
 * at once, as it does after a native wait found no real child
 * (ptv_wait_at_syscall_exit()): a virtual event's wake-up makes it run
 * again, a signal gets the wait's own registers back
 * (ptv_wait_at_wakeup(), ptv_wait_at_signal()). If the host refuses, the
 * call runs natively, as before.
 */
static void sleep_in_pause(struct ptv_task *caller,
			   const struct ptv_syscall *call, struct ptv_wait *w)
{
	struct user_regs_struct regs;

	if (ptv_host_getregs(call->tid, &w->regs) < 0)
		return;
	regs = w->regs;
	regs.orig_rax = w->abi == PTV_ABI_I386 ? I386_NR_pause : SYS_pause;
	caller->wait = malloc(sizeof(*w));
	if (caller->wait == NULL)
		return;
	if (ptv_host_setregs(call->tid, &regs) < 0) {
		free(caller->wait);
		caller->wait = NULL;
		return;
	}
	w->state = PTV_WAIT_PAUSE;
	*caller->wait = *w;
	caller->hide_vehicle = true;
	ptv_log("[%d] wait sleeps in pause(2) for a virtual event", call->tid);
}

/* Does @call (wait4, waitid, i386 waitpid) have WNOHANG? */
static bool call_has_wnohang(const struct ptv_syscall *call)
{
	bool i386 = call->abi == PTV_ABI_I386;
	bool is_waitid = call->nr == (i386 ? I386_NR_waitid : SYS_waitid);

	return ((int)call->args[is_waitid ? 3 : 2] & PTV_WNOHANG) != 0;
}

/*
 * Is a child of @caller's group a zombie on the host whose exit the loop
 * has not collected? The supervisor, its host tracer, must reap it first
 * ("A zombie ptracee is only visible to its ptracer",
 * kernel/exit.c:wait_consider_task()), so a native WNOHANG wait would not
 * see it yet where Linux reports it (ptfuzz seed 148 under ASan; 479 and
 * 480 under load: a child that exited before the round's first wait).
 */
static bool child_exit_uncollected(struct ptv_kernel *k,
				   const struct ptv_task *caller)
{
	struct ptv_task *u;

	for (size_t cursor = 0; (u = ptv_tasks_next(&k->tasks, &cursor));)
		if (u->parent_tgid == caller->tgid && u->tid == u->tgid &&
		    !u->host_gone && ptv_host_exit_uncollected(u->tid))
			return true;
	return false;
}

void ptv_sys_wait(struct ptv_syscall_env *env, struct ptv_task *caller,
		  const struct ptv_syscall *call, struct ptv_syscall_outcome *out)
{
	struct ptv_wait_result res;
	struct ptv_proc_usage usage;
	struct user_regs_struct lent;
	bool have_usage;
	struct ptv_wait w;
	int r;

	out->result = 0;
	if (caller->wait && caller->wait->state == PTV_WAIT_CONSUME) {
		/* The trap of the waitid consume_report() made. */
		out->action = PTV_SYSCALL_RUN_TO_EXIT;
		return;
	}
	out->action = PTV_SYSCALL_RUN;
	/*
	 * The exits the host has made before a WNOHANG call are the model's
	 * first: taken now, or, decided again from the loop's list, once the
	 * loop has taken them.
	 */
	if ((env->take_ready || env->redeciding) && call_has_wnohang(call) &&
	    child_exit_uncollected(env->k, caller)) {
		if (env->redeciding) {
			caller->in_native_wait = false;
			out->action = PTV_SYSCALL_DEFER_BRIEF;
			return;
		}
		env->take_ready(env, caller);
	}
	/*
	 * Whatever runs natively may sleep; a tracee this group attaches to
	 * meanwhile (PTRACE_TRACEME by its child) must be able to wake it.
	 */
	caller->in_native_wait = true;
	caller->hide_vehicle = false;
	/* Fast path: nobody is traced, and the model knows nothing more. */
	if ((env->k->traced == NULL && !ptv_wait_model_needed(env->k)) ||
	    !decode(env->k, caller, call, &w))
		return;
	/*
	 * A WNOHANG wait, or one that weighs tracees against children the
	 * group does not trace, is decided once the host events already
	 * pending for the loop are in: the host may have made a child the
	 * group's zombie, or stopped or continued one, that the model does
	 * not know of yet (design notes, 18).
	 */
	if (env->may_defer && ((w.req.options & PTV_WNOHANG) ||
			       ptv_wait_mixes_native(env->k, caller, &w.req))) {
		caller->in_native_wait = false;
		out->action = PTV_SYSCALL_DEFER_BRIEF;
		return;
	}
	r = wait_virtual(env->k, caller, &w, env->may_defer_exit, &res, &usage,
			 &have_usage);
	if (r == 3) {
		/* A thread's exit the host is finishing: decided again. */
		caller->in_native_wait = false;
		out->action = PTV_SYSCALL_DEFER;
		out->for_thread_exit = true;
		return;
	}
	if (r < 0 && ptv_wait_native_counts_dead_leader(env->k, caller, &w.req)) {
		out->action = PTV_SYSCALL_RETURN;
		out->result = r;
		return;
	}
	if (r < 0) {
		/*
		 * No virtual tracee matches: the native wait is exact, unless
		 * it may report a continue a tracer took (its exit drops it).
		 */
		if (!ptv_wait_native_may_see_hidden(env->k, caller, &w.req))
			return;
		goto native;
	}
	if (r == 2) {
		reap_natively(env->k, caller, &w, &res, out);
		return;
	}
	if (r == 1) {
		out->action = PTV_SYSCALL_RETURN;
		out->result = complete(env->k, caller, &w, &res,
				       have_usage ? &usage : NULL);
		ptv_log("[%d] wait reports virtual event of %d (status %#x)",
			call->tid, res.pid, res.status);
		return;
	}
	/*
	 * Nothing virtual is ready. A tracer often waits just after resuming
	 * its tracee (strace: PTRACE_SYSCALL, then wait4), whose next stop
	 * may be on its way: a blocking wait is decided again once the loop
	 * has collected pending host events (loop.c, deferred waits), which
	 * saves the native wait's two host stops when the event comes.
	 */
	if (!(w.req.options & PTV_WNOHANG) && env->may_defer) {
		caller->in_native_wait = false;
		out->action = PTV_SYSCALL_DEFER;
		return;
	}
	/*
	 * A wait for a leader the host has made its zombie, whose death Linux
	 * does not report yet (a traced thread of its group is unreaped): the
	 * native wait would reap it. Nothing is ready: a WNOHANG wait returns
	 * 0, a blocking one sleeps in pause(2) until the thread is reaped
	 * (wake_for_delayed_leader() in kernel/ptrace.c) or a signal comes.
	 */
	if (ptv_wait_names_delayed_zombie(env->k, &w.req)) {
		if (w.req.options & PTV_WNOHANG) {
			out->action = PTV_SYSCALL_RETURN;
			out->result = complete(env->k, caller, &w, NULL, NULL);
		} else {
			sleep_in_pause(caller, call, &w);
		}
		return;
	}
	/*
	 * The same leader under a wait that does not name it (-1, 0, a
	 * process group): the native wait could reap it too. Nothing being
	 * ready (the model knows the exits, stops and continues of the
	 * waiter's other children, which the host reports to the supervisor
	 * first), a WNOHANG wait returns 0. A blocking one sleeps in
	 * pause(2), woken when a child of its group becomes a zombie, stops,
	 * is continued, or has any host event (wait_for_children), or by its
	 * tracees' events.
	 */
	if (ptv_wait_may_reap_delayed_zombie(env->k, caller, &w.req)) {
		if (w.req.options & PTV_WNOHANG) {
			out->action = PTV_SYSCALL_RETURN;
			out->result = complete(env->k, caller, &w, NULL, NULL);
		} else {
			sleep_in_pause(caller, call, &w);
			caller->wait_for_children = caller->wait != NULL;
			env->k->children_waits |= caller->wait_for_children;
		}
		return;
	}
	/*
	 * A WNOHANG wait that matches a real child cannot fail with ECHILD: it
	 * runs natively, with no exit stop (strace makes one per stop of its
	 * tracee), unless it could see what Linux does not give it (the
	 * host's group-stop of a tracee, a continue a tracer took).
	 */
	if ((w.req.options & PTV_WNOHANG) &&
	    ptv_wait_real_child_matches(env->k, caller, &w.req) &&
	    !ptv_wait_native_may_see_hidden(env->k, caller, &w.req))
		return;
native:
	/* Otherwise the native wait runs first. */
	if (ptv_host_getregs(call->tid, &w.regs) < 0)
		return;
	lent = w.regs;
	lend_report_buf(&w, &lent,
			ptv_wait_native_may_see_hidden(env->k, caller, &w.req));
	if (w.report_buf != 0 && ptv_host_setregs(call->tid, &lent) < 0)
		return;
	caller->wait = malloc(sizeof(w));
	if (caller->wait == NULL)
		return;
	w.state = PTV_WAIT_NATIVE;
	*caller->wait = w;
	caller->hide_vehicle = true;
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
}

bool ptv_wait_needs_exit_stop(const struct ptv_task *t)
{
	return t->wait && t->wait->state != PTV_WAIT_PAUSE;
}

void ptv_wait_forget(struct ptv_task *t)
{
	free(t->wait);
	t->wait = NULL;
	t->wait_for_children = false;
}

/* Puts the wait's own registers back with @code as its return value. */
static void restore_wait(struct ptv_task *t, long code);

/*
 * What the native wait of @t wrote: wait4's status, or waitid's si_code
 * (after si_signo and si_errno); false if it wrote none.
 */
static bool native_report(struct ptv_task *t, const struct ptv_wait *w,
			  int32_t *v)
{
	return report_addr(w) != 0 &&
	       ptv_mem_read(t->tid, report_addr(w) + (w->is_waitid ? 8 : 0), v,
			    sizeof(*v)) == 0;
}

/*
 * Did the native wait of @t report the group-stop of @child, a child its
 * group traces (ptv_wait_child_traced_by_group())? Its status tells (a
 * caller that passed none was lent a buffer).
 */
static bool reports_traced_stop(struct ptv_kernel *k, struct ptv_task *t,
				const struct ptv_wait *w, struct ptv_task *child)
{
	int32_t v;

	if (!ptv_wait_child_traced_by_group(k, t, child))
		return false;
	if (!native_report(t, w, &v))
		return false;
	return w->is_waitid ? v == PTV_CLD_STOPPED : (v & 0xff) == 0x7f;
}

/* Did it report @child's group being continued (the group's one report)? */
static bool reports_continued(struct ptv_task *t, const struct ptv_wait *w)
{
	int32_t v;

	if (!(w->req.options & PTV_WCONTINUED) || !native_report(t, w, &v))
		return false;
	return w->is_waitid ? v == PTV_CLD_CONTINUED : v == 0xffff;
}

/*
 * At the exit stop of the wait's vehicle (the native wait or pause(2)) that
 * the supervisor's wake-up ended: if the virtual event is ready, the wait
 * returns it there, with its own registers, rather than restarting to be
 * trapped again (two host stops fewer). Returns false if nothing is ready.
 */
static bool complete_woken(struct ptv_syscall_env *env, struct ptv_task *t)
{
	struct ptv_wait *w = t->wait;
	struct ptv_wait_result res;
	struct ptv_proc_usage usage;
	bool have_usage;

	/* A reaped thread still exiting (3): the wait runs again, deferred. */
	if (wait_virtual(env->k, t, w, true, &res, &usage, &have_usage) != 1)
		return false;
	restore_wait(t, complete(env->k, t, w, &res,
				 have_usage ? &usage : NULL));
	ptv_log("[%d] woken wait returns the virtual event of %d", t->tid,
		res.pid);
	return true;
}

/*
 * The native wait, a WNOWAIT waitid, reported what Linux does not give
 * this wait: the group-stop of @child, a child its group traces, which
 * Linux shows that group only as the tracee's ptrace-stop; or the continue
 * of @child's group that its tracer took (@continued). Run again, it would
 * report it again: a native waitid(P_PID, child, WSTOPPED or WCONTINUED,
 * WNOHANG | __WALL) takes the report from the host first, with its
 * siginfo_t below the stack's red zone, where nothing of the caller's lives
 * during a syscall; then the wait reruns.
 */
static void consume_report(struct ptv_kernel *k, struct ptv_task *t,
			   const struct ptv_task *child, bool continued)
{
	struct ptv_wait *w = t->wait;
	struct user_regs_struct regs = rerun_regs(w);
	unsigned long long *which, *pid, *options;
	bool i386 = w->abi == PTV_ABI_I386;

	wait_args(&regs, w, &which, &pid, &options);
	*which = PTV_P_PID;
	*pid = (unsigned long long)ptv_pidns_to_guest(k, t, child->tid);
	*options = (continued ? PTV_WCONTINUED : PTV_WSTOPPED) | PTV_WNOHANG |
		   PTV_WALL;
	w->consume_info = below_red_zone(&regs, w->abi);
	regs.rdx = w->consume_info;
	if (i386)
		regs.rdi = 0;	/* rusage */
	else
		regs.r8 = 0;
	w->state = PTV_WAIT_CONSUME;
	w->reap_pid = child->tid;
	w->consume_continued = continued;
	ptv_host_setregs(t->tid, &regs);
	ptv_log("[%d] native wait's report of %d's %s taken: %s", t->tid,
		child->tid, continued ? "continue" : "group-stop",
		continued ? "its tracer took it" : "a tracee of the group");
}

/*
 * A native wait took such a report of @child (a leader) from the host: a
 * group-stop's Linux keeps (group_exit_code) for after a detach, so the
 * model owes it; a continue is gone for good.
 */
static void report_taken(struct ptv_kernel *k, struct ptv_task *child,
			 bool continued)
{
	if (continued)
		child->continue_taken = false;
	else
		ptv_native_stop_owe(k, child);
}

/* At the exit of that waitid: did it take the report? */
static void consumed_report(struct ptv_syscall_env *env, struct ptv_task *t,
			    const struct user_regs_struct *regs)
{
	struct ptv_wait *w = t->wait;
	struct ptv_task *child = ptv_task_find(&env->k->tasks, w->reap_pid);
	int32_t pid;

	if (child && child->tid == child->tgid && (long)regs->rax == 0 &&
	    ptv_mem_read(t->tid, w->consume_info +
			 (w->abi == PTV_ABI_I386 ? 12 : 16), &pid,
			 sizeof(pid)) == 0 &&
	    pid == ptv_pidns_to_guest(env->k, t, child->tid))
		report_taken(env->k, child, w->consume_continued);
	rerun_wait(t);
}

/*
 * Did the native wait report what Linux does not give it: the group-stop
 * of @child, a child its group traces, or the continue of @child's group
 * that a tracer took (*continued)?
 */
static bool reports_hidden(struct ptv_kernel *k, struct ptv_task *t,
			   const struct ptv_wait *w, struct ptv_task *child,
			   bool *continued)
{
	*continued = false;
	if (reports_traced_stop(k, t, w, child))
		return true;
	*continued = child->continue_taken && reports_continued(t, w);
	return *continued;
}

bool ptv_wait_at_syscall_exit(struct ptv_syscall_env *env, struct ptv_task *t,
			      bool woken)
{
	struct ptv_wait *w = t->wait;
	struct user_regs_struct regs;
	struct ptv_wait_result res;
	struct ptv_proc_usage usage;
	struct ptv_task *child;
	bool have_usage, continued;
	pid_t pid;
	int r;

	if (w->state == PTV_WAIT_PAUSE) {
		/*
		 * pause(2) ended (its exit stop is seen when the task's own
		 * tracer follows its syscalls): by the supervisor's wake-up,
		 * the wait returns the event now; by a signal, it is the wait
		 * that was interrupted.
		 */
		if (woken && complete_woken(env, t))
			return false;
		restore_wait(t, woken ? -ERESTARTNOINTR : -ERESTARTSYS);
		return woken;
	}
	if (ptv_host_getregs(t->tid, &regs) < 0) {
		ptv_wait_forget(t);
		return false;
	}
	if (w->state == PTV_WAIT_REAP)
		return reaped_natively(env, t, &regs);
	if (w->state == PTV_WAIT_CONSUME) {
		consumed_report(env, t, &regs);
		return true;
	}
	pid = native_result_pid(env->k, t, w, (long)regs.rax);
	if (w->report_buf != 0) {
		/* Read what it reported; the caller's pointer goes back now. */
		return_report_buf(w, &regs);
		ptv_host_setregs(t->tid, &regs);
	}
	child = pid > 0 ? ptv_task_find(&env->k->tasks, pid) : NULL;
	if (child && reports_hidden(env->k, t, w, child, &continued)) {
		/* A WNOWAIT report would come back each time: taken first. */
		if (w->req.options & PTV_WNOWAIT) {
			consume_report(env->k, t, child, continued);
			return true;
		}
		/* Consumed on the host: the wait starts again. */
		ptv_log("[%d] native wait's report of %d's %s dropped: %s",
			t->tid, child->tid, continued ? "continue" : "group-stop",
			continued ? "its tracer took it" : "a tracee of the group");
		if (child->tid == child->tgid)
			report_taken(env->k, child, continued);
		rerun_wait(t);
		return true;
	}
	fix_death_report(env->k, t, w, pid);
	if (w->copy_report) {
		copy_report(t, w, &regs);
		ptv_host_setregs(t->tid, &regs);
	}
	if (!(w->req.options & PTV_WNOWAIT)) {
		if (child && child->vcontinued && reports_continued(t, w))
			ptv_group_continued(env->k, child->tgid, false);
		/* It may have reaped a tracee, its real child, at its exit. */
		if (child)
			ptv_wait_native_reaped(env->k, child);
		if (pid > 0)
			ptv_native_zombie_gone(env->k, pid);
	}
	if ((long)regs.rax != -ECHILD) {
		/*
		 * A real result; or interrupted: by us, for a virtual event
		 * it now returns (else it restarts, hidden), or by a signal.
		 */
		if (woken && ptv_is_restart_code((long)regs.rax) &&
		    complete_woken(env, t))
			return false;
		ptv_wait_forget(t);
		return woken && ptv_is_restart_code((long)regs.rax);
	}
	/* No real child: only virtual tracees can satisfy it. */
	ptv_native_zombies_none_for(env->k, t, &w->req);
	r = wait_virtual(env->k, t, w, true, &res, &usage, &have_usage);
	if (r == 3) {
		/* A reaped thread still exiting: the wait runs again. */
		rerun_wait(t);
		return true;
	}
	if (r == -ECHILD) {
		ptv_wait_forget(t);	/* no tracee either: ECHILD stands */
		return false;
	}
	if (r == 1) {
		regs.rax = (unsigned long long)complete(env->k, t, w, &res,
				have_usage ? &usage : NULL);
	} else if (w->req.options & PTV_WNOHANG) {
		regs.rax = (unsigned long long)complete(env->k, t, w, NULL,
							NULL);
	} else {
		/* Sleep in pause(2): re-execute the syscall instruction. */
		regs.rax = w->abi == PTV_ABI_I386 ? I386_NR_pause : SYS_pause;
		regs.rip -= 2;
		w->state = PTV_WAIT_PAUSE;
		ptv_log("[%d] wait sleeps in pause(2) for a virtual event", t->tid);
		ptv_host_setregs(t->tid, &regs);
		return true;
	}
	ptv_wait_forget(t);
	ptv_host_setregs(t->tid, &regs);
	return false;
}

/* Puts the wait's own registers back with @code as its return value. */
static void restore_wait(struct ptv_task *t, long code)
{
	struct user_regs_struct regs = t->wait->regs;

	regs.rax = (unsigned long long)code;
	ptv_host_setregs(t->tid, &regs);
	ptv_wait_forget(t);
	/* Only a wake-up restarts it so (ptv_wait_woken_at_signal()). */
	t->wait_woken_restart = code == -ERESTARTNOINTR;
}

void ptv_wait_at_wakeup(struct ptv_syscall_env *env, struct ptv_task *t)
{
	(void)env;
	/*
	 * Restart the wait itself, whether pause(2) was running or about to
	 * run: -ERESTARTNOINTR makes the kernel re-execute orig_rax (the
	 * wait) at the syscall instruction (arch/x86/kernel/signal.c), where
	 * the filter traps it again and the ready event completes it.
	 */
	if (t->wait->state == PTV_WAIT_PAUSE)
		restore_wait(t, -ERESTARTNOINTR);
}

void ptv_wait_woken_at_signal(struct ptv_task *t)
{
	struct user_regs_struct regs;

	t->wait_woken_restart = false;
	/*
	 * A signal came with the wake-up, before the wait ran again: it
	 * interrupts the wait, as natively (a wake-up that found nothing
	 * ready, or an event the next wait reports).
	 */
	if (ptv_host_getregs(t->tid, &regs) < 0 ||
	    (long)regs.rax != -ERESTARTNOINTR)
		return;
	regs.rax = (unsigned long long)-ERESTARTSYS;
	ptv_host_setregs(t->tid, &regs);
}

void ptv_wait_at_signal(struct ptv_syscall_env *env, struct ptv_task *t)
{
	struct user_regs_struct regs;

	(void)env;
	if (t->wait->state != PTV_WAIT_PAUSE) {
		ptv_wait_forget(t);
		return;
	}
	/*
	 * The wait, interrupted: -ERESTARTSYS gives EINTR without SA_RESTART,
	 * a restart with it, and a restart for an ignored signal, as for the
	 * native wait (kernel/exit.c:do_wait).
	 */
	if (ptv_host_getregs(t->tid, &regs) == 0 &&
	    !ptv_is_restart_code((long)regs.rax) &&
	    (long)regs.rip != (long)t->wait->regs.rip - 2) {
		ptv_wait_forget(t);
		return;
	}
	restore_wait(t, -ERESTARTSYS);
}
