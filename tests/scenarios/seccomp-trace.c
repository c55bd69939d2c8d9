/*
 * SECCOMP_RET_TRACE in a guest's own filter, with no (virtual) tracer: "the
 * system call is not executed and returns ENOSYS" (seccomp(2)). Also for
 * calls the supervisor traps with its own RET_TRACE (the newest filter's
 * data wins, so the supervisor sees the guest's), clone3 (glibc then falls
 * back to clone), RET_TRACE under another filter's RET_ERRNO, RET_LOG, and
 * the i386 entry point.
 *
 * Under ptvisor every guest RET_TRACE reaches the supervisor as a
 * PTRACE_EVENT_SECCOMP stop, which it must tell from its own traps.
 *
 * With an argument, the filter's data is that value (e.g. 0x7e50: the value
 * ptvisor's own traps carry, see src/platform/filter.h), to check that a
 * guest cannot pass its traps off as the supervisor's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "filter.h"
#include "scenario.h"

static uint32_t trace_data = 0x1234;

static void *thread_fn(void *arg)
{
	(void)arg;
	return NULL;
}

static void trace_calls(int report)
{
	const struct scn_rule rules[] = {
		{ AUDIT_ARCH_X86_64, SYS_getppid, SCN_TRACE(trace_data) },
		{ AUDIT_ARCH_X86_64, SYS_ptrace, SCN_TRACE(trace_data) },
		{ AUDIT_ARCH_X86_64, SYS_wait4, SCN_TRACE(trace_data) },
		{ AUDIT_ARCH_X86_64, SYS_waitid, SCN_TRACE(trace_data) },
		{ AUDIT_ARCH_X86_64, SYS_clone3, SCN_TRACE(trace_data) },
		{ AUDIT_ARCH_X86_64, SYS_getsid, SECCOMP_RET_LOG },
		{ AUDIT_ARCH_X86_64, SYS_uname, SCN_TRACE(0) },
	};
	pthread_t thread;
	siginfo_t si;
	int r;

	scn_check(scn_install_filter(rules, sizeof(rules) / sizeof(*rules), 0) == 0);
	scn_report_result(report, "getppid", syscall(SYS_getppid));
	scn_report_result(report, "ptrace(PTRACE_TRACEME)", ptrace(PTRACE_TRACEME, 0, 0, 0));
	scn_report_result(report, "ptrace(PTRACE_ATTACH, 1)", ptrace(PTRACE_ATTACH, 1, 0, 0));
	scn_report_result(report, "wait4", wait4(-1, NULL, 0, NULL));
	scn_report_result(report, "waitid", waitid(P_ALL, 0, &si, WEXITED));
	scn_report_result(report, "clone3", syscall(SYS_clone3, NULL, 0));
	r = pthread_create(&thread, NULL, thread_fn, NULL);
	scn_report(report, "pthread_create = %s", r ? scn_errno(r) : "0");
	if (r == 0)
		pthread_join(thread, NULL);
	scn_report_result(report, "getsid (RET_LOG)", syscall(SYS_getsid, 0) > 0 ? 0 : -1);
	scn_report_result(report, "uname (data 0)", syscall(SYS_uname, NULL));
}

static void trace_under_errno(int report)
{
	const struct scn_rule trace[] = {
		{ AUDIT_ARCH_X86_64, SYS_getppid, SCN_TRACE(trace_data) },
	};
	const struct scn_rule err[] = {
		{ AUDIT_ARCH_X86_64, SYS_getppid, SCN_ERRNO(EXDEV) },
	};

	scn_check(scn_install_filter(err, 1, 0) == 0);
	scn_check(scn_install_filter(trace, 1, 0) == 0);
	scn_report_result(report, "getppid, RET_ERRNO below RET_TRACE", syscall(SYS_getppid));
}

static void trace_i386(int report)
{
	const struct scn_rule rules[] = {
		{ AUDIT_ARCH_I386, SCN_I386_getppid, SCN_TRACE(trace_data) },
		{ AUDIT_ARCH_I386, SCN_I386_ptrace, SCN_TRACE(trace_data) },
	};
	char buf[32];

	if (!scn_have_int80()) {
		scn_report(report, "int 0x80 is not available on this kernel");
		return;
	}
	scn_check(scn_install_filter(rules, 2, 0) == 0);
	scn_report(report, "i386 getppid = %s",
		   scn_raw_result(scn_int80(SCN_I386_getppid, 0, 0, 0, 0, 0), buf));
	scn_report(report, "i386 ptrace(PTRACE_TRACEME) = %s",
		   scn_raw_result(scn_int80(SCN_I386_ptrace, PTRACE_TRACEME, 0, 0, 0, 0),
				  buf));
}

int main(int argc, char **argv)
{
	if (argc > 1)
		trace_data = (uint32_t)strtoul(argv[1], NULL, 0);
	scn_start(20);
	scn_say("filter data %#x", trace_data);
	scn_in_child("RET_TRACE without a tracer", trace_calls);
	scn_in_child("RET_TRACE over RET_ERRNO", trace_under_errno);
	scn_in_child("RET_TRACE on the i386 entry point", trace_i386);
	return 0;
}
