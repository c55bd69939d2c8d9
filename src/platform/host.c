#include "host.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/names.h"
#include "sched.h"

/*
 * glibc's <sys/ptrace.h> and <linux/ptrace.h> clash; we take the request
 * numbers from the latter and call the raw syscall, which also avoids glibc's
 * PEEK* return-value convention.
 */
static long host_ptrace(long request, pid_t tid, unsigned long addr,
			unsigned long data)
{
	long r = syscall(SYS_ptrace, request, (long)tid, addr, data);

	return r < 0 ? -errno : r;
}

int ptv_host_seize(pid_t tid, unsigned long options)
{
	return (int)host_ptrace(PTRACE_SEIZE, tid, 0, options);
}

int ptv_host_setoptions(pid_t tid, unsigned long options)
{
	return (int)host_ptrace(PTRACE_SETOPTIONS, tid, 0, options);
}

static void decode_stop(int status, struct ptv_host_event *ev)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	ev->sig = sig;
	if (sig == (SIGTRAP | 0x80)) {
		ev->kind = PTV_HEV_SYSCALL_STOP;
		ev->sig = SIGTRAP;
	} else if (event == PTRACE_EVENT_STOP) {
		/*
		 * "If the tracee was ... group-stopped, WSTOPSIG is the stop
		 * signal; otherwise SIGTRAP" (kernel/signal.c:do_jobctl_trap).
		 */
		ev->kind = (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
			    sig == SIGTTOU)
				   ? PTV_HEV_GROUP_STOP
				   : PTV_HEV_TRAP_STOP;
	} else if (event != 0) {
		ev->kind = PTV_HEV_EVENT;
		ev->event = event;
	} else {
		ev->kind = PTV_HEV_SIGNAL_STOP;
	}
}

int ptv_host_wait(struct ptv_host_event *ev, bool nohang)
{
	int status, err;
	pid_t tid;

	/* The co-location tick may interrupt a blocking wait (sched.h). */
	if (!nohang && !ptv_tick_open())
		return -EINTR;
	tid = waitpid(-1, &status, __WALL | (nohang ? WNOHANG : 0));
	err = errno;
	if (!nohang)
		ptv_tick_close();
	if (tid < 0)
		return -err;
	if (tid == 0)
		return -EAGAIN;
	*ev = (struct ptv_host_event){ .tid = tid, .status = status };
	if (WIFEXITED(status)) {
		ev->kind = PTV_HEV_EXITED;
		ev->value = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		ev->kind = PTV_HEV_SIGNALED;
		ev->sig = WTERMSIG(status);
		ev->core = WCOREDUMP(status) != 0;
	} else {
		decode_stop(status, ev);
	}
	return 0;
}

int ptv_host_cont(pid_t tid, int sig)
{
	return (int)host_ptrace(PTRACE_CONT, tid, 0, (unsigned long)sig);
}

int ptv_host_listen(pid_t tid)
{
	return (int)host_ptrace(PTRACE_LISTEN, tid, 0, 0);
}

int ptv_host_geteventmsg(pid_t tid, unsigned long *msg)
{
	return (int)host_ptrace(PTRACE_GETEVENTMSG, tid, 0, (unsigned long)msg);
}

int ptv_host_uncollected_signal(pid_t tid)
{
	siginfo_t si;

	si.si_pid = 0;
	if (waitid(P_PID, (id_t)tid, &si, WSTOPPED | WNOHANG | WNOWAIT | __WALL) < 0 ||
	    si.si_pid == 0 || si.si_code != CLD_TRAPPED)
		return 0;
	/* Event and syscall stops carry more than a signal number. */
	return si.si_status >= 1 && si.si_status <= 64 ? si.si_status : 0;
}

bool ptv_host_exit_uncollected(pid_t tid)
{
	siginfo_t si;

	si.si_pid = 0;
	return waitid(P_PID, (id_t)tid, &si,
		      WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 &&
	       si.si_pid == tid;
}

/*
 * One PTRACE_GETSIGINFO tells, but for one stop. It fails with ESRCH
 * unless the task is in a ptrace-stop (kernel/ptrace.c:ptrace_check_attach()):
 * running (a SIGKILL woke it), listening (PTRACE_LISTEN), or gone. A task
 * in a stop the loop has not collected has left the stop the loop did
 * collect without a resume: only a SIGKILL does that, and the task then
 * goes straight to its exit, where the one ptrace-stop left is its exit
 * event's (the supervisor's PTRACE_O_TRACEEXIT); so only that stop (or a
 * siginfo made to look like it) needs the check for a newer uncollected
 * stop.
 */
bool ptv_host_still_in_stop(pid_t tid)
{
	siginfo_t si;
	int r = ptv_host_getsiginfo(tid, &si);

	if (r == -ESRCH)
		return false;
	if (r == 0 && si.si_code != (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
		return true;
	si.si_pid = 0;
	if (waitid(P_PID, (id_t)tid, &si,
		   WSTOPPED | WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 &&
	    si.si_pid != 0)
		return false;
	return true;
}

int ptv_host_get_syscall_info(pid_t tid, struct ptrace_syscall_info *info)
{
	long r = host_ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(*info),
			     (unsigned long)info);

	return r < 0 ? (int)r : 0;
}

int ptv_host_getregs(pid_t tid, struct user_regs_struct *regs)
{
	return (int)host_ptrace(PTRACE_GETREGS, tid, 0, (unsigned long)regs);
}

int ptv_host_getsigmask(pid_t tid, uint64_t *mask)
{
	return (int)host_ptrace(PTRACE_GETSIGMASK, tid, sizeof(*mask),
				(unsigned long)mask);
}

int ptv_host_setsigmask(pid_t tid, uint64_t mask)
{
	return (int)host_ptrace(PTRACE_SETSIGMASK, tid, sizeof(mask),
				(unsigned long)&mask);
}

int ptv_host_setregs(pid_t tid, const struct user_regs_struct *regs)
{
	return (int)host_ptrace(PTRACE_SETREGS, tid, 0, (unsigned long)regs);
}

int ptv_host_kill_thread(pid_t tgid, pid_t tid)
{
	return ptv_host_send_signal(tgid, tid, SIGKILL);
}

int ptv_host_send_signal(pid_t tgid, pid_t tid, int sig)
{
	return syscall(SYS_tgkill, tgid, tid, sig) < 0 ? -errno : 0;
}

int ptv_host_send_group(pid_t tgid, int sig)
{
	return kill(tgid, sig) < 0 ? -errno : 0;
}

long ptv_host_request(long request, pid_t tid, unsigned long addr,
		      unsigned long data)
{
	return host_ptrace(request, tid, addr, data);
}

int ptv_host_interrupt(pid_t tid)
{
	return (int)host_ptrace(PTRACE_INTERRUPT, tid, 0, 0);
}

int ptv_host_resume_request(pid_t tid, long request, int sig)
{
	return (int)host_ptrace(request, tid, 0, (unsigned long)sig);
}

int ptv_host_getsiginfo(pid_t tid, siginfo_t *si)
{
	return (int)host_ptrace(PTRACE_GETSIGINFO, tid, 0, (unsigned long)si);
}

int ptv_host_setsiginfo(pid_t tid, const siginfo_t *si)
{
	return (int)host_ptrace(PTRACE_SETSIGINFO, tid, 0, (unsigned long)si);
}

int ptv_host_skip_syscall(pid_t tid, long result)
{
	long r;

	/*
	 * orig_rax = -1 makes the kernel skip the call after the stop and
	 * return rax as it is (arch/x86/entry/common.c: do_syscall_64 and
	 * syscall_trace_enter; seccomp re-reads the number after the
	 * PTRACE_EVENT_SECCOMP stop since Linux 4.8). Two PTRACE_POKEUSRs
	 * (0.5 us each here) cost half of GETREGS and SETREGS (0.9 and
	 * 1.2 us): SETREGS writes all 27 registers, segments included.
	 */
	r = host_ptrace(PTRACE_POKEUSR, tid,
			offsetof(struct user_regs_struct, rax),
			(unsigned long)result);
	if (r == 0)
		r = host_ptrace(PTRACE_POKEUSR, tid,
				offsetof(struct user_regs_struct, orig_rax),
				(unsigned long)-1);
	return (int)r;
}

void ptv_host_event_describe(const struct ptv_host_event *ev, char *buf,
			     size_t size)
{
	switch (ev->kind) {
	case PTV_HEV_EXITED:
		snprintf(buf, size, "exited with %d", ev->value);
		break;
	case PTV_HEV_SIGNALED:
		snprintf(buf, size, "killed by %s%s", ptv_signal_name(ev->sig),
			 ev->core ? " (core dumped)" : "");
		break;
	case PTV_HEV_SIGNAL_STOP:
		snprintf(buf, size, "signal-delivery-stop %s",
			 ptv_signal_name(ev->sig));
		break;
	case PTV_HEV_GROUP_STOP:
		snprintf(buf, size, "group-stop %s (PTRACE_EVENT_STOP)",
			 ptv_signal_name(ev->sig));
		break;
	case PTV_HEV_TRAP_STOP:
		snprintf(buf, size, "trap-stop (PTRACE_EVENT_STOP, SIGTRAP)");
		break;
	case PTV_HEV_EVENT:
		snprintf(buf, size, "event-stop %s", ptv_event_name(ev->event));
		break;
	case PTV_HEV_SYSCALL_STOP:
		snprintf(buf, size, "syscall-stop");
		break;
	}
}
