/*
 * Nested tracers (issue #3, item 8): A (the printer) traces B, which
 * traces C, which runs a loop of system calls.
 *
 *  - C: PTRACE_TRACEME, SIGSTOP, then getpid/getppid/gettid a few times,
 *    then exit_group(7) (raw system calls only);
 *  - B: PTRACE_TRACEME, SIGSTOP, forks C and follows it with
 *    PTRACE_SYSCALL, reporting each stop of C with orig_rax and rax; it
 *    blocks SIGCHLD so that the stops A sees are its system calls only;
 *  - A: follows B with PTRACE_SYSCALL (TRACESYSGOOD) and prints
 *    each system call B makes (ptrace requests, wait4 with the status read
 *    out of B's memory, write), and B's report when it sees B write it.
 *
 * Both levels use raw system calls, so the transcript is the exact
 * sequence of what each tracer sees.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int report_pipe[2], sync_ab[2], sync_bc[2];

static const char *syscall_name(long nr)
{
	static char buf[4][24];
	static unsigned next;

	switch (nr) {
	case SYS_getpid: return "getpid";
	case SYS_getppid: return "getppid";
	case SYS_gettid: return "gettid";
	case SYS_write: return "write";
	case SYS_read: return "read";
	case SYS_wait4: return "wait4";
	case SYS_ptrace: return "ptrace";
	case SYS_kill: return "kill";
	case SYS_exit_group: return "exit_group";
	case SYS_clone: return "clone";
	case SYS_fork: return "fork";
	case SYS_rt_sigprocmask: return "rt_sigprocmask";
	}
	snprintf(buf[next % 4], sizeof(buf[0]), "syscall %ld", nr);
	return buf[next++ % 4];
}

static const char *request_name(long req)
{
	static char buf[4][24];
	static unsigned next;

	switch (req) {
	case PTRACE_TRACEME: return "TRACEME";
	case PTRACE_SYSCALL: return "SYSCALL";
	case PTRACE_CONT: return "CONT";
	case PTRACE_GETREGS: return "GETREGS";
	case PTRACE_SETOPTIONS: return "SETOPTIONS";
	case PTRACE_GETEVENTMSG: return "GETEVENTMSG";
	}
	snprintf(buf[next % 4], sizeof(buf[0]), "%#lx", req);
	return buf[next++ % 4];
}

/* ---------------------------------------------------------------------- */
/* C                                                                      */

static void __attribute__((noreturn)) c_main(void)
{
	pt_traceme_then_post(sync_bc[1]);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	for (int i = 0; i < 2; i++) {
		syscall(SYS_getppid);
		syscall(SYS_gettid);
	}
	syscall(SYS_exit_group, 7);
	__builtin_unreachable();
}

/* ---------------------------------------------------------------------- */
/* B                                                                      */

static void b_report(const char *fmt, ...) SCN_PRINTF(1, 2);

static void b_report(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	/* One raw write: A relays the line when it sees this call return. */
	syscall(SYS_write, report_pipe[1], line, (size_t)n);
}

static long b_ptrace(long req, pid_t pid, unsigned long addr, unsigned long data)
{
	return syscall(SYS_ptrace, req, (long)pid, addr, data);
}

static int b_wait(pid_t pid)
{
	int status = 0;

	if (syscall(SYS_wait4, (long)pid, &status, __WALL, NULL) != pid)
		syscall(SYS_exit_group, 4);
	return status;
}

/*
 * B's start: it blocks SIGCHLD (@chld), so that the stops A sees are its
 * system calls only, and stops for A as its tracee.
 */
static void b_start(sigset_t *chld)
{
	close(report_pipe[0]);
	close(sync_ab[0]);
	sigemptyset(chld);
	sigaddset(chld, SIGCHLD);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, chld, NULL, sizeof(long));
	pt_traceme_then_post(sync_ab[1]);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
}

static void __attribute__((noreturn)) b_main(void)
{
	struct user_regs_struct regs;
	sigset_t chld;
	int status;
	char byte;
	pid_t c;

	b_start(&chld);
	c = (pid_t)syscall(SYS_fork);
	if (c == 0)
		c_main();
	/* C is B's tracee before B waits (see wait.c, "before-traceme"). */
	if (syscall(SYS_read, sync_bc[0], &byte, 1) != 1)
		syscall(SYS_exit_group, 5);
	status = b_wait(c);
	b_report("  B: C is {pid %d}, %s", (int)c, pt_status(status));
	b_ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD);
	for (;;) {
		b_ptrace(PTRACE_SYSCALL, c, 0, 0);
		status = b_wait(c);
		if (!WIFSTOPPED(status)) {
			b_report("  B: C %s", pt_status(status));
			break;
		}
		b_ptrace(PTRACE_GETREGS, c, 0, (unsigned long)&regs);
		if ((long long)regs.rax > 0)	/* a pid or a tid */
			b_report("  B: C %s orig_rax %s rax {pid %lld}",
				 pt_status(status),
				 syscall_name((long)regs.orig_rax),
				 (long long)regs.rax);
		else
			b_report("  B: C %s orig_rax %s rax %lld",
				 pt_status(status),
				 syscall_name((long)regs.orig_rax),
				 (long long)regs.rax);
	}
	syscall(SYS_exit_group, 0);
	__builtin_unreachable();
}

/* ---------------------------------------------------------------------- */
/* A                                                                      */

/* The value of a pid-valued result, named; anything else as a number. */
static const char *result(long nr, long req, long v)
{
	static char buf[4][32];
	static unsigned next;
	char *out = buf[next++ % 4];

	if (v < 0 && v >= -4095)
		return scn_raw_result(v, out);
	if ((nr == SYS_wait4 || nr == SYS_fork || nr == SYS_getpid ||
	     (nr == SYS_clone && req == 0)) && v > 0)
		return scn_pid((pid_t)v);
	snprintf(out, 32, "%ld", v);
	return out;
}

/* B's call at its exit stop, with the arguments it had at entry. */
static void say_b_call(pid_t b, const struct user_regs_struct *in,
		       const struct user_regs_struct *out)
{
	long nr = (long)in->orig_rax;
	char line[512];

	switch (nr) {
	case SYS_ptrace:
		scn_say("A: B ptrace(%s, %s) = %s", request_name((long)in->rdi),
			scn_pid((pid_t)in->rsi), result(nr, 0, (long)out->rax));
		break;
	case SYS_wait4: {
		unsigned long word = 0;

		/* The status B's wait4 wrote, read out of B's memory. */
		if (pt_raw(PTRACE_PEEKDATA, b, in->rsi, (unsigned long)&word) != 0)
			scn_die("PEEKDATA");
		scn_say("A: B wait4(%s) = %s, status %s", scn_pid((pid_t)in->rdi),
			result(nr, 0, (long)out->rax), pt_status((int)word));
		break;
	}
	case SYS_write:
		/* Its length holds a pid's digits: only its success is stable. */
		scn_say("A: B write(report) %s", (long)out->rax > 0 ? "> 0" :
			result(nr, 0, (long)out->rax));
		if (!pt_read_line(report_pipe[0], line, sizeof(line)))
			scn_die("no report from B");
		scn_say("%s", line);
		break;
	default:
		scn_say("A: B %s() = %s", syscall_name(nr),
			result(nr, 0, (long)out->rax));
	}
}

static void a_follow(pid_t b, bool skip_restarts)
{
	struct user_regs_struct in = { 0 }, out;
	bool entered = false;
	int status;

	for (;;) {
		pt_must(PTRACE_SYSCALL, b, 0, 0);
		pt_wait(b, &status, __WALL);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			scn_say("A: B %s", pt_status(status));
			return;
		}
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			scn_say("A: B %s", pt_status(status));
			continue;
		}
		if (!entered) {
			pt_getregs(b, &in);
			entered = true;
			if ((long)in.orig_rax == SYS_exit_group)
				scn_say("A: B enters exit_group(%lld)", (long long)in.rdi);
			continue;
		}
		pt_getregs(b, &out);
		entered = false;
		/*
		 * A wait4 interrupted and restarted: natively B blocks SIGCHLD
		 * and gets no signal, so this never happens; under ptvisor it
		 * is the wait vehicle's restart, which case "wait-vehicle"
		 * shows on its own. Skipped so that this case shows nesting.
		 */
		if (skip_restarts && (long)in.orig_rax == SYS_wait4 &&
		    (long)out.rax <= -512 && (long)out.rax >= -516)
			continue;
		if (out.orig_rax != in.orig_rax)
			scn_say("A: exit stop of %s after entry of %s",
				syscall_name((long)out.orig_rax),
				syscall_name((long)in.orig_rax));
		say_b_call(b, &in, &out);
	}
}

static void run_levels(void (*b_body)(void), bool skip_restarts);

static void case_three_levels(void)
{
	run_levels(b_main, true);
}

/*
 * B blocks in wait4 for C before C stops (C polls B's /proc/PID/syscall),
 * then C stops: A, following B's system calls, sees one wait4.
 */
static void __attribute__((noreturn)) late_c_main(void)
{
	pt_traceme_then_post(sync_bc[1]);
	scn_wait_syscall(getppid(), SYS_wait4);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	syscall(SYS_exit_group, 7);
	__builtin_unreachable();
}

static void __attribute__((noreturn)) late_b_main(void)
{
	sigset_t chld;
	int status;
	char byte;
	pid_t c;

	b_start(&chld);
	c = (pid_t)syscall(SYS_fork);
	if (c == 0)
		late_c_main();
	if (syscall(SYS_read, sync_bc[0], &byte, 1) != 1)
		syscall(SYS_exit_group, 5);
	status = b_wait(c);
	b_report("  B: C is {pid %d}, %s", (int)c, pt_status(status));
	b_ptrace(PTRACE_CONT, c, 0, 0);
	status = b_wait(c);
	b_report("  B: C %s", pt_status(status));
	syscall(SYS_exit_group, 0);
	__builtin_unreachable();
}

static void run_levels(void (*b_body)(void), bool skip_restarts)
{
	pid_t b;

	scn_pipe(report_pipe, O_CLOEXEC);
	scn_pipe(sync_ab, O_CLOEXEC);
	scn_pipe(sync_bc, O_CLOEXEC);
	b = scn_fork();
	if (b == 0)
		b_body();
	close(report_pipe[1]);
	close(sync_ab[1]);
	close(sync_bc[0]);
	close(sync_bc[1]);
	scn_say("B is %s", scn_pid(b));
	scn_take(sync_ab[0]);
	close(sync_ab[0]);
	pt_wait_say(b, 0, "A: wait(B)");
	pt_must(PTRACE_SETOPTIONS, b, 0, PTRACE_O_TRACESYSGOOD);
	a_follow(b, skip_restarts);
	close(report_pipe[0]);
}

static void case_wait_vehicle(void)
{
	alarm(5);	/* a hang here is a failure; do not wait 20 s */
	run_levels(late_b_main, false);
}

/*
 * B reads SIGCHLD from a signalfd (it blocks SIGCHLD), asleep in read()
 * before C stops (C polls B's /proc/PID/syscall): A sees one read, which
 * returns the siginfo. Under ptvisor that SIGCHLD comes on a carrier
 * signal that ends no call of B's (docs/design-notes.md, 38).
 */
static void __attribute__((noreturn)) signalfd_c_main(void)
{
	syscall(SYS_ptrace, PTRACE_TRACEME, 0L, 0L, 0L);
	scn_wait_syscall(getppid(), SYS_read);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	syscall(SYS_exit_group, 7);
	__builtin_unreachable();
}

static void __attribute__((noreturn)) signalfd_b_main(void)
{
	struct signalfd_siginfo ssi;
	sigset_t chld;
	int status;
	long fd;
	pid_t c;

	b_start(&chld);
	fd = syscall(SYS_signalfd4, -1L, &chld, sizeof(long), (long)SFD_CLOEXEC);
	c = (pid_t)syscall(SYS_fork);
	if (c == 0)
		signalfd_c_main();
	if (syscall(SYS_read, fd, &ssi, sizeof(ssi)) != (long)sizeof(ssi))
		syscall(SYS_exit_group, 5);
	b_report("  B: signalfd: signal %u code %d status %d", ssi.ssi_signo,
		 ssi.ssi_code, ssi.ssi_status);
	status = b_wait(c);
	b_report("  B: C %s", pt_status(status));
	b_ptrace(PTRACE_CONT, c, 0, 0);
	status = b_wait(c);
	b_report("  B: C %s", pt_status(status));
	syscall(SYS_exit_group, 0);
	__builtin_unreachable();
}

static void case_signalfd_reader(void)
{
	alarm(5);	/* a hang here is a failure; do not wait 20 s */
	run_levels(signalfd_b_main, false);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "three-levels", case_three_levels },
		{ "wait-vehicle", case_wait_vehicle },
		{ "signalfd-reader", case_signalfd_reader },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
