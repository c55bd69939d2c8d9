/*
 * SECCOMP_MODE_STRICT: after prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) only
 * read, write, _exit and sigreturn run; any other call kills the thread with
 * SIGKILL.
 *
 * Under ptvisor the guest already runs under the supervisor's filter, and
 * the kernel refuses to switch a task from filter mode to strict mode
 * (kernel/seccomp.c: seccomp_may_assign_mode), so the prctl fails with
 * EINVAL and the guest keeps running unconfined: a known difference until
 * the supervisor emulates strict mode.
 */
#include <errno.h>
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

int main(void)
{
	scn_start(20);
	scn_in_child("strict mode, then getpid", strict);
	scn_in_child("strict mode, then exit", strict_then_thread_exit);
	return 0;
}
