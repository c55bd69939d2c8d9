/*
 * The guest ABI (Linux x86_64) as the kernel model sees it: request, event,
 * option and signal numbers. src/kernel/ may not include the host's ptrace,
 * wait or signal headers (DESIGN.md, layering), so the numbers it needs are
 * spelled out here, with the Linux header each comes from.
 */
#ifndef PTV_KERNEL_ABI_H
#define PTV_KERNEL_ABI_H

/* include/uapi/linux/ptrace.h: PTRACE_EVENT_* (the high byte of a stop's status). */
enum ptv_ptrace_event {
	PTV_EVENT_NONE = 0,
	PTV_EVENT_FORK = 1,
	PTV_EVENT_VFORK = 2,
	PTV_EVENT_CLONE = 3,
	PTV_EVENT_EXEC = 4,
	PTV_EVENT_VFORK_DONE = 5,
	PTV_EVENT_EXIT = 6,
	PTV_EVENT_SECCOMP = 7,
	PTV_EVENT_STOP = 128,
};

/* arch/x86/include/uapi/asm/signal.h (x86_64 numbering). */
enum ptv_signal {
	PTV_SIGHUP = 1, PTV_SIGINT = 2, PTV_SIGQUIT = 3, PTV_SIGILL = 4,
	PTV_SIGTRAP = 5, PTV_SIGABRT = 6, PTV_SIGBUS = 7, PTV_SIGFPE = 8,
	PTV_SIGKILL = 9, PTV_SIGUSR1 = 10, PTV_SIGSEGV = 11, PTV_SIGUSR2 = 12,
	PTV_SIGPIPE = 13, PTV_SIGALRM = 14, PTV_SIGTERM = 15, PTV_SIGSTKFLT = 16,
	PTV_SIGCHLD = 17, PTV_SIGCONT = 18, PTV_SIGSTOP = 19, PTV_SIGTSTP = 20,
	PTV_SIGTTIN = 21, PTV_SIGTTOU = 22,
	PTV_NSIG = 64,
};

/* include/uapi/linux/sched.h: the clone flags the task model looks at. */
#define PTV_CLONE_VM 0x00000100ULL
#define PTV_CLONE_SIGHAND 0x00000800ULL
#define PTV_CLONE_VFORK 0x00004000ULL
#define PTV_CLONE_PARENT 0x00008000ULL
#define PTV_CLONE_THREAD 0x00010000ULL
#define PTV_CLONE_UNTRACED 0x00800000ULL
#define PTV_CLONE_PTRACE 0x00002000ULL
#define PTV_CLONE_NEWPID 0x20000000ULL
#define PTV_CLONE_NEWUSER 0x10000000ULL

/* True for the signals whose default action is to stop the thread group. */
static inline int ptv_sig_is_stop(int sig)
{
	return sig == PTV_SIGSTOP || sig == PTV_SIGTSTP || sig == PTV_SIGTTIN ||
	       sig == PTV_SIGTTOU;
}

#endif
