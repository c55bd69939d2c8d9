/*
 * Host ptrace: the only code that calls ptrace(2) and waitpid(2) on guests.
 * Every function returns 0 (or a count) on success and a host -errno on
 * failure. Preconditions for all of them: called on the loop thread (host
 * ptrace relations belong to the thread that made them; DESIGN.md,
 * invariant 2).
 *
 * ESRCH from a request on a tracee means the task is gone, or is not in a
 * ptrace-stop any more because SIGKILL woke it: it is an event, not an error.
 * Its exit arrives through ptv_host_wait(), and the loop handles it there.
 */
#ifndef PTV_PLATFORM_HOST_H
#define PTV_PLATFORM_HOST_H

#include <stdint.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/user.h>
#include <linux/ptrace.h>

/* What one host wait status means, decoded once (DESIGN.md, STYLE.md). */
enum ptv_host_event_kind {
	PTV_HEV_EXITED,		/* WIFEXITED: value = exit code */
	PTV_HEV_SIGNALED,	/* WIFSIGNALED: sig = the fatal signal */
	PTV_HEV_SIGNAL_STOP,	/* signal-delivery-stop: sig = the signal */
	PTV_HEV_GROUP_STOP,	/* PTRACE_EVENT_STOP with a stop signal (sig) */
	PTV_HEV_TRAP_STOP,	/* PTRACE_EVENT_STOP with SIGTRAP: new task or INTERRUPT */
	PTV_HEV_EVENT,		/* another PTRACE_EVENT_*: event */
	PTV_HEV_SYSCALL_STOP,	/* syscall-enter/exit-stop (SIGTRAP|0x80) */
};

struct ptv_host_event {
	pid_t tid;
	enum ptv_host_event_kind kind;
	int status;	/* the raw wait status, for the log */
	int sig;	/* signal of a stop, or the fatal signal */
	int event;	/* PTRACE_EVENT_* for PTV_HEV_EVENT */
	int value;	/* exit code for PTV_HEV_EXITED */
	int core;	/* WCOREDUMP for PTV_HEV_SIGNALED */
};

/*
 * The host ptrace options every guest gets (inherited by its children).
 * Exit and vfork-done events are among them although only traced tasks need
 * them: a task can be attached at any moment, while host options can only
 * be changed in a stop, and a stop per exit is part of the lifecycle cost a
 * guest pays anyway (DESIGN.md, invariant 3).
 */
#define PTV_HOST_OPTIONS                                                      \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |   \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |   \
	 PTRACE_O_TRACEEXIT | PTRACE_O_TRACEVFORKDONE | PTRACE_O_EXITKILL)

int ptv_host_seize(pid_t tid, unsigned long options);
/* PTRACE_SETOPTIONS. Preconditions: @tid is in a host ptrace-stop. */
int ptv_host_setoptions(pid_t tid, unsigned long options);

/*
 * The next guest state change (waitpid(-1, __WALL)); -ECHILD: none left.
 * Blocks, unless @nohang: then -EAGAIN if none is pending.
 */
int ptv_host_wait(struct ptv_host_event *ev, bool nohang);

/* Resumes a stopped task, delivering @sig (0: none). */
int ptv_host_cont(pid_t tid, int sig);
/* Leaves a group-stopped task stopped but lets it re-trap (PTRACE_LISTEN). */
int ptv_host_listen(pid_t tid);
int ptv_host_geteventmsg(pid_t tid, unsigned long *msg);
/*
 * Has @tid (a tracee of the supervisor) exited, with its exit still to be
 * collected by the supervisor's wait? (A peek: nothing is taken.)
 */
bool ptv_host_exit_uncollected(pid_t tid);
/*
 * Is @tid still in the host stop the loop last collected? False once a
 * SIGKILL has woken it, or a newer stop or its exit waits to be collected.
 */
bool ptv_host_still_in_stop(pid_t tid);
/*
 * The signal of a signal-delivery-stop of @tid that the loop has not
 * collected yet, or 0.
 */
int ptv_host_uncollected_signal(pid_t tid);
int ptv_host_get_syscall_info(pid_t tid, struct ptrace_syscall_info *info);
int ptv_host_getregs(pid_t tid, struct user_regs_struct *regs);
/* The blocked signals of @tid, in a host stop (bit sig - 1). */
int ptv_host_getsigmask(pid_t tid, uint64_t *mask);
int ptv_host_setsigmask(pid_t tid, uint64_t mask);
int ptv_host_setregs(pid_t tid, const struct user_regs_struct *regs);
/* Sends SIGKILL to one thread; ESRCH: already gone. */
int ptv_host_kill_thread(pid_t tgid, pid_t tid);

/*
 * At a seccomp or syscall-enter stop: do not run the syscall; make it return
 * @result (a value or -errno) to the task. Reads and writes the registers.
 */
int ptv_host_skip_syscall(pid_t tid, long result);

/* The raw host request, for data requests passed through to a tracee. */
long ptv_host_request(long request, pid_t tid, unsigned long addr,
		      unsigned long data);
int ptv_host_interrupt(pid_t tid);
/* Resumes with PTRACE_SYSCALL, SINGLESTEP, SYSEMU or SYSEMU_SINGLESTEP. */
int ptv_host_resume_request(pid_t tid, long request, int sig);
int ptv_host_getsiginfo(pid_t tid, siginfo_t *si);
int ptv_host_setsiginfo(pid_t tid, const siginfo_t *si);
int ptv_host_send_signal(pid_t tgid, pid_t tid, int sig);
/* kill(2) of group @tgid: a signal for the group's own queue. */
int ptv_host_send_group(pid_t tgid, int sig);

/* Writes a readable line describing @ev (for the log) into @buf. */
void ptv_host_event_describe(const struct ptv_host_event *ev, char *buf,
			     size_t size);

#endif
