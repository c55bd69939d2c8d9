/*
 * PTRACE_O_SUSPEND_SECCOMP (issue #3, options): "Suspend the tracee's
 * seccomp protections" (ptrace(2)), for checkpoint/restore tools. Only a
 * tracer with CAP_SYS_ADMIN and no seccomp mode of its own may set it
 * (kernel/ptrace.c:check_ptrace_options()). Under ptvisor every guest runs
 * under the supervisor's filter: the option must suspend the tracee's own
 * filters and nothing else, so the tracee's own ptrace and wait calls still
 * reach the virtual ptrace.
 *
 * The tracee T installs a filter of its own (getppid and uname fail), stops,
 * and its tracer sets the option: T's getppid works, and T traces a child of
 * its own. Then the tracer clears the option: T's filter applies again.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "pt.h"

#ifndef PTRACE_O_SUSPEND_SECCOMP
#define PTRACE_O_SUSPEND_SECCOMP (1 << 21)
#endif

static int report_pipe[2], sync_pipe[2];

static const struct scn_rule own_filter[] = {
	{ AUDIT_ARCH_X86_64, SYS_getppid, SCN_ERRNO(ENOTTY) },
	{ AUDIT_ARCH_X86_64, SYS_uname, SCN_ERRNO(ELOOP) },
};

static void report_call(const char *what, long r)
{
	scn_report_result(report_pipe[1], what, r);
}

/*
 * In T: a child G that does PTRACE_TRACEME (T is its tracer once this
 * returns), stops itself with SIGSTOP, and exits 7 when let go.
 */
static pid_t start_own_tracee(void)
{
	int sync[2];
	pid_t g;

	if (pipe2(sync, O_CLOEXEC) < 0)
		_exit(5);
	g = fork();
	if (g == 0) {
		close(sync[0]);
		pt_traceme_then_post(sync[1]);
		raise(SIGSTOP);
		_exit(7);
	}
	close(sync[1]);
	scn_take(sync[0]);
	close(sync[0]);
	return g;
}

/* T traces a child of its own through its (virtual) ptrace and wait4. */
static void trace_own_child(void)
{
	int status = 0;
	pid_t g;

	g = start_own_tracee();
	report_call("  T: waitpid(G)", waitpid(g, &status, 0) == g ? status : -1);
	report_call("  T: PTRACE_CONT(G)", ptrace(PTRACE_CONT, g, 0, 0));
	report_call("  T: waitpid(G)", waitpid(g, &status, 0) == g ? status : -1);
}

static int tracee_main(void *arg)
{
	struct utsname u;

	(void)arg;
	close(report_pipe[0]);
	close(sync_pipe[0]);
	if (scn_install_filter(own_filter, 2, 0) < 0)
		_exit(4);
	pt_traceme_then_post(sync_pipe[1]);
	report_call("  T: getppid() before", syscall(SYS_getppid) > 0);
	raise(SIGSTOP);
	/* Suspended. */
	report_call("  T: getppid() is its parent", syscall(SYS_getppid) > 0);
	report_call("  T: uname()", uname(&u));
	trace_own_child();
	raise(SIGSTOP);
	/* No longer suspended. */
	report_call("  T: getppid() after", syscall(SYS_getppid) > 0);
	report_call("  T: uname() after", uname(&u));
	return 0;
}

/*
 * Waits for @t's next stop that is not for a SIGCHLD (which its own child
 * sends it), passing those on, and prints it.
 */
static void wait_stop(pid_t t)
{
	int status;

	for (;;) {
		pt_wait(t, &status, 0);
		if (!WIFSTOPPED(status) || status != 0x117f)
			break;
		pt_must(PTRACE_CONT, t, 0, SIGCHLD);
	}
	scn_say("wait(T): %s %s", scn_pid(t), pt_status(status));
}

static void case_suspend(void)
{
	pid_t t;

	scn_pipe(report_pipe, O_CLOEXEC);
	scn_pipe(sync_pipe, O_CLOEXEC);
	t = pt_spawn(tracee_main, NULL);
	close(report_pipe[1]);
	close(sync_pipe[1]);
	scn_take(sync_pipe[0]);
	close(sync_pipe[0]);
	pt_wait_say(t, 0, "wait(T)");
	pt_say("PTRACE_SETOPTIONS(SUSPEND_SECCOMP)", PTRACE_SETOPTIONS, t, 0,
	       PTRACE_O_SUSPEND_SECCOMP);
	pt_must(PTRACE_CONT, t, 0, 0);
	wait_stop(t);
	pt_say("PTRACE_SETOPTIONS(0)", PTRACE_SETOPTIONS, t, 0, 0);
	pt_must(PTRACE_CONT, t, 0, 0);
	wait_stop(t);
	scn_relay(report_pipe[0]);
	close(report_pipe[0]);
}

/*
 * A suspended tracee whose tracer follows its syscalls: the tracer turns
 * T's getpid into wait4(-1, NULL, WNOHANG) at the entry stop; the call T
 * makes is the one its tracer left (checked after the tracer, as Linux
 * does since 4.8), so T's wait reaches the virtual wait and sees its
 * stopped child.
 */
static int rewritten_main(void *arg)
{
	pid_t g;
	long r;

	(void)arg;
	close(report_pipe[0]);
	close(sync_pipe[0]);
	if (scn_install_filter(own_filter, 2, 0) < 0)
		_exit(4);
	g = start_own_tracee();
	scn_wait_state(g, "t");
	pt_traceme_then_post(sync_pipe[1]);
	raise(SIGSTOP);
	r = syscall(SYS_getpid);
	report_call("  T: getpid(), made wait4(-1, WNOHANG), is G", r == g);
	kill(g, SIGKILL);
	waitpid(g, NULL, 0);
	return 0;
}

static void case_rewrite(void)
{
	struct user_regs_struct regs;
	pid_t t;
	int status;

	scn_pipe(report_pipe, O_CLOEXEC);
	scn_pipe(sync_pipe, O_CLOEXEC);
	t = pt_spawn(rewritten_main, NULL);
	close(report_pipe[1]);
	close(sync_pipe[1]);
	scn_take(sync_pipe[0]);
	close(sync_pipe[0]);
	pt_wait_say(t, 0, "wait(T)");
	pt_say("PTRACE_SETOPTIONS(SUSPEND_SECCOMP|TRACESYSGOOD)",
	       PTRACE_SETOPTIONS, t, 0,
	       PTRACE_O_SUSPEND_SECCOMP | PTRACE_O_TRACESYSGOOD);
	for (;;) {
		pt_must(PTRACE_SYSCALL, t, 0, 0);
		pt_wait(t, &status, 0);
		if (status != 0x857f)
			scn_die("unexpected %s", pt_status(status));
		pt_getregs(t, &regs);
		if (regs.orig_rax == SYS_getpid)
			break;
		/* The exit of the kill() that stopped it. */
	}
	scn_say("T at getpid's entry: rewritten into wait4(-1, NULL, WNOHANG)");
	regs.orig_rax = SYS_wait4;
	regs.rdi = (unsigned long long)-1;
	regs.rsi = 0;
	regs.rdx = WNOHANG;
	regs.r10 = 0;
	pt_setregs(t, &regs);
	pt_must(PTRACE_SYSCALL, t, 0, 0);
	pt_wait_say(t, 0, "wait(T)");
	pt_getregs(t, &regs);
	scn_say("  exit: orig_rax is wait4: %s",
		regs.orig_rax == SYS_wait4 ? "yes" : "no");
	pt_must(PTRACE_CONT, t, 0, 0);
	wait_stop(t);
	scn_relay(report_pipe[0]);
	close(report_pipe[0]);
}

/* The privilege rule, for a tracer without CAP_SYS_ADMIN or with a filter. */
static void try_suspend(int report, const char *who)
{
	pid_t t = scn_fork();
	int status, err;
	long r;

	if (t == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(t, &status, 0) != t)
		_exit(5);
	r = ptrace(PTRACE_SETOPTIONS, t, 0, PTRACE_O_SUSPEND_SECCOMP);
	err = errno;
	scn_report(report, "  %s: PTRACE_SETOPTIONS(SUSPEND_SECCOMP) = %ld%s%s",
		   who, r, r < 0 ? " " : "", r < 0 ? scn_errno(err) : "");
	kill(t, SIGKILL);
	waitpid(t, &status, 0);
}

static void without_cap(int report)
{
	struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &head, data) < 0)
		_exit(4);
	data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &head, data) < 0)
		_exit(4);
	try_suspend(report, "without CAP_SYS_ADMIN");
}

static void with_filter(int report)
{
	if (scn_install_filter(own_filter, 1, 0) < 0)
		_exit(4);
	try_suspend(report, "with a filter of its own");
}

static void with_nothing(int report)
{
	try_suspend(report, "as root, no filter");
}

/*
 * "if (!capable(CAP_SYS_ADMIN))": in the initial user namespace. Root in a
 * namespace of its own has every capability there only.
 */
static void in_userns(int report)
{
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(4);
	try_suspend(report, "root in a user namespace of its own");
}

static void case_eperm(void)
{
	scn_in_child("tracer as root", with_nothing);
	scn_in_child("tracer without CAP_SYS_ADMIN", without_cap);
	scn_in_child("tracer with a filter", with_filter);
	scn_in_child("tracer in a user namespace", in_userns);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "suspend", case_suspend },
		{ "rewrite", case_rewrite },
		{ "eperm", case_eperm },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
