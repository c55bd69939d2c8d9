/*
 * SECCOMP_MODE_STRICT: after prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) or
 * seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL) only read, write, _exit and
 * sigreturn run; any other call (exit_group too) kills the thread with
 * SIGKILL. A task that has a filter of its own cannot enter strict mode
 * (EINVAL), nor does seccomp(2) with flags or arguments.
 *
 * Under ptvisor the guest already runs under the supervisor's filter, and
 * the kernel refuses to switch a task from filter mode to strict mode
 * (kernel/seccomp.c: seccomp_may_assign_mode); the supervisor emulates
 * strict mode with a filter of its own (src/syscalls/strict.c).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scenario.h"

static void strict(int report)
{
	static const char line[] = "write in strict mode works\n";
	scn_report_result(report, "PR_SET_SECCOMP strict",
			  prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT));
	(void)!write(report, line, sizeof(line) - 1);
	/* getpid is not allowed: SIGKILL. */
	syscall(SYS_getpid);
	(void)!write(report, "still alive\n", 12);
}

static void strict_then_thread_exit(int report)
{
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
	/* exit (not exit_group) is allowed: a clean exit with code 5. */
	syscall(SYS_exit, 5);
	(void)!write(report, "not reached\n", 12);
}

static void seccomp_call_strict(int report)
{
	static const char line[] = "read and write in strict mode work\n";
	char c;

	scn_report_result(report, "seccomp(SECCOMP_SET_MODE_STRICT, 1, NULL)",
			  syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 1, NULL));
	scn_report_result(report, "seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL)",
			  syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL));
	(void)!read(report, &c, 0);
	(void)!write(report, line, sizeof(line) - 1);
	/* exit_group is not exit: SIGKILL. */
	_exit(3);
}

static void own_filter_first(int report)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	scn_report_result(report, "PR_SET_NO_NEW_PRIVS",
			  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	scn_report_result(report, "seccomp(SECCOMP_SET_MODE_FILTER)",
			  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
	scn_report_result(report, "PR_SET_SECCOMP strict",
			  prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT));
	scn_report_result(report, "getppid() > 0", syscall(SYS_getppid) > 0);
}

int main(void)
{
	scn_start(20);
	scn_in_child("strict mode, then getpid", strict);
	scn_in_child("strict mode, then exit", strict_then_thread_exit);
	scn_in_child("seccomp(2) strict, then exit_group", seccomp_call_strict);
	scn_in_child("a filter of its own, then strict mode", own_filter_first);
	return 0;
}
