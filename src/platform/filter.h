/*
 * The supervisor's seccomp filter: it traps only the syscalls ptvisor
 * emulates, on every ABI (x86_64, x32, i386 int 0x80), with
 * SECCOMP_RET_TRACE and a data value that names the ABI. Everything else runs
 * natively. It is installed in the first guest before its exec and inherited
 * by every descendant; no guest can remove it.
 */
#ifndef PTV_PLATFORM_FILTER_H
#define PTV_PLATFORM_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * SECCOMP_RET_DATA of the supervisor's traps: PTV_TRACE_MAGIC | abi. A
 * guest filter's own SECCOMP_RET_TRACE comes with its own data.
 */
#define PTV_TRACE_MAGIC 0x7e50u
#define PTV_TRACE_ABI_MASK 0x000fu

static inline bool ptv_trace_data_is_ours(uint32_t data)
{
	return (data & ~PTV_TRACE_ABI_MASK) == PTV_TRACE_MAGIC;
}

/*
 * Builds the filter into a BPF program, before fork, so the child only has
 * to load it, in the supervisor (whose pid the SIGCONT rules leave out).
 * @trap_set_ptracer: also trap prctl(PR_SET_PTRACER), for the emulated Yama
 * policy; @trap_sched_affinity: sched_getaffinity and sched_setaffinity, for
 * co-location (loop/coloc.c); @trap_open: open, openat and openat2, for
 * the virtual /proc view (syscalls/procview.c). Returns 0 or -errno.
 */
int ptv_filter_prepare(bool trap_set_ptracer, bool trap_sched_affinity,
		       bool trap_open);

/*
 * The signals whose sending by kill(2) and its kin (tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal) is trapped
 * (syscalls/signal.c): those whose default action is to ignore them
 * (kernel/signal.c: SIG_KERNEL_IGNORE_MASK).
 */
#define PTV_SENT_SIGNALS_MASK \
	((1ULL << (17 - 1)) | (1ULL << (18 - 1)) | (1ULL << (23 - 1)) | \
	 (1ULL << (28 - 1)))	/* SIGCHLD, SIGCONT, SIGURG, SIGWINCH */

/*
 * The signals whose sending by kill(2), rt_sigqueueinfo(2) and
 * pidfd_send_signal(2), which may name a thread of a group, is trapped too:
 * those whose default action kills without a core dump (not SIGKILL), for
 * which Linux kills the group at once when the task named is untraced
 * (syscalls/signal.c, ptv_signal_kills_group()).
 */
#define PTV_SENT_FATAL_MASK                                                   \
	(~0ULL &                                                              \
	 ~((1ULL << (3 - 1)) | (1ULL << (4 - 1)) | (1ULL << (5 - 1)) |        \
	   (1ULL << (6 - 1)) | (1ULL << (7 - 1)) | (1ULL << (8 - 1)) |        \
	   (1ULL << (9 - 1)) | (1ULL << (11 - 1)) | (1ULL << (17 - 1)) |      \
	   (1ULL << (18 - 1)) | (1ULL << (19 - 1)) | (1ULL << (20 - 1)) |     \
	   (1ULL << (21 - 1)) | (1ULL << (22 - 1)) | (1ULL << (23 - 1)) |     \
	   (1ULL << (24 - 1)) | (1ULL << (25 - 1)) | (1ULL << (28 - 1)) |     \
	   (1ULL << (31 - 1))))
/* (Not: SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGSEGV,
   SIGSYS, SIGXCPU, SIGXFSZ, which dump core or cannot be caught; SIGCHLD,
   SIGCONT, SIGURG, SIGWINCH, ignored; SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU.) */

/*
 * The signal whose sending by tkill(2), tgkill(2) and rt_tgsigqueueinfo(2),
 * which name one thread, is trapped too: SIGKILL, which would kill the group
 * of a traced thread the host holds at its PTRACE_EVENT_EXIT, where Linux
 * does nothing (syscalls/signal.c, ptv_sys_signal_kill_thread()).
 */
#define PTV_SENT_KILL_TO_THREAD_MASK (1ULL << (9 - 1))	/* SIGKILL */

/* prctl(2) options (linux/prctl.h): Yama's, seccomp's, the subreaper's. */
#define PTV_PR_SET_PTRACER 0x59616d61
#define PTV_PR_GET_SECCOMP 21
#define PTV_PR_SET_SECCOMP 22
#define PTV_PR_SET_CHILD_SUBREAPER 36
/* ioctl(2) command: a seccomp listener's answer (loop/notif.c). */
#define PTV_SECCOMP_IOCTL_NOTIF_SEND 0xc0182101u

/*
 * Installs the prepared filter in the calling process. Preconditions: called
 * in the first guest after fork, before exec; async-signal-safe.
 * @no_new_privs: set PR_SET_NO_NEW_PRIVS first (needed without
 * CAP_SYS_ADMIN). Returns 0 or -errno.
 */
int ptv_filter_install(bool no_new_privs);

/*
 * How many seccomp filters every guest has that are not its own: the
 * supervisor's, and those of a ptvisor this one runs inside. Counted once
 * on the first guest (ptv_filter_note_base()); 1 until then.
 */
void ptv_filter_note_base(pid_t first_guest);
int ptv_filter_base(void);

/*
 * The prepared filter program (struct sock_filter), for running it where the
 * kernel does not: on a task whose filters are suspended. NULL before
 * ptv_filter_prepare().
 */
const void *ptv_filter_program(size_t *len);

/* True when the host kernel runs x32 syscalls (CONFIG_X86_X32_ABI). */
bool ptv_host_has_x32(void);

#endif
