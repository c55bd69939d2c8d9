/*
 * A guest's own seccomp filters with SECCOMP_RET_ERRNO behave as natively:
 * the errno (0 too: the call "succeeds" without running; above 4095 it is
 * clamped), also for the calls the supervisor traps itself (ptrace, wait4,
 * waitid, clone3: RET_ERRNO outranks its RET_TRACE), on the i386 entry
 * point, with two filters on one call (the newest wins), inherited by
 * children, synchronised to threads (TSYNC); and the seccomp() queries and
 * PR_GET_SECCOMP after the guest's own filter. (Strict mode: seccomp-strict.c.)
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "filter.h"
#include "scenario.h"

#define X86(nr, action) { AUDIT_ARCH_X86_64, (nr), (action) }

static void install(int report, const struct scn_rule *rules, size_t n,
		    unsigned int flags)
{
	long r = scn_install_filter(rules, n, flags);

	if (r < 0)
		scn_report(report, "install: %s", scn_errno(errno));
}

static void basic(int report)
{
	static const struct scn_rule rules[] = {
		X86(SYS_getppid, SCN_ERRNO(EXDEV)),
		X86(SYS_kill, SCN_ERRNO(0)),
		X86(SYS_getpgid, SCN_ERRNO(5000)),
	};

	install(report, rules, 3, 0);
	scn_report_result(report, "getppid", syscall(SYS_getppid));
	scn_report_result(report, "kill(self, SIGKILL) with errno 0", kill(getpid(), SIGKILL));
	scn_report_result(report, "getpgid with errno 5000", syscall(SYS_getpgid, 0));
	scn_report_result(report, "getpid, not filtered", getpid() > 0 ? 0 : -1);
	scn_report_result(report, "PR_GET_SECCOMP", prctl(PR_GET_SECCOMP));
}

static void *thread_fn(void *arg)
{
	(void)arg;
	return NULL;
}

static void trapped_by_supervisor(int report)
{
	static const struct scn_rule rules[] = {
		X86(SYS_ptrace, SCN_ERRNO(EACCES)),
		X86(SYS_wait4, SCN_ERRNO(ENOTTY)),
		X86(SYS_waitid, SCN_ERRNO(ENOEXEC)),
		X86(SYS_clone3, SCN_ERRNO(ENOSYS)),
	};
	siginfo_t si;
	pthread_t thread;
	pid_t child;
	int status, r;

	install(report, rules, 4, 0);
	scn_report_result(report, "ptrace(PTRACE_TRACEME)", ptrace(PTRACE_TRACEME, 0, 0, 0));
	child = fork();
	if (child == 0)
		_exit(3);
	scn_report_result(report, "wait4", wait4(child, &status, 0, NULL));
	scn_report_result(report, "waitid", waitid(P_PID, (id_t)child, &si, WEXITED));
	scn_report_result(report, "clone3", syscall(SYS_clone3, NULL, 0));
	/* glibc falls back from clone3 (ENOSYS) to clone. */
	r = pthread_create(&thread, NULL, thread_fn, NULL);
	scn_report(report, "pthread_create = %s", r ? scn_errno(r) : "0");
	if (r == 0)
		pthread_join(thread, NULL);
	/* The child is reaped only once the filter is gone: with us. */
}

static void i386_entry(int report)
{
	static const struct scn_rule rules[] = {
		{ AUDIT_ARCH_I386, SCN_I386_getpid, SCN_ERRNO(EROFS) },
		{ AUDIT_ARCH_I386, SCN_I386_ptrace, SCN_ERRNO(ESPIPE) },
	};
	char buf[32];

	if (!scn_have_int80()) {
		scn_report(report, "int 0x80 is not available on this kernel");
		return;
	}
	install(report, rules, 2, 0);
	scn_report(report, "i386 getpid = %s",
		   scn_raw_result(scn_int80(SCN_I386_getpid, 0, 0, 0, 0, 0), buf));
	scn_report(report, "i386 ptrace(PTRACE_TRACEME) = %s",
		   scn_raw_result(scn_int80(SCN_I386_ptrace, PTRACE_TRACEME, 0, 0, 0, 0),
				  buf));
	scn_report_result(report, "x86_64 getpid, not filtered", getpid() > 0 ? 0 : -1);
}

static void stacked_and_inherited(int report)
{
	static const struct scn_rule first[] = { X86(SYS_getppid, SCN_ERRNO(EPERM)) };
	static const struct scn_rule second[] = { X86(SYS_getppid, SCN_ERRNO(EXDEV)),
						  X86(SYS_getsid, SCN_ERRNO(EDOM)) };
	int pipefd[2];
	pid_t child;

	install(report, first, 1, 0);
	install(report, second, 2, 0);
	scn_report_result(report, "getppid, two filters", syscall(SYS_getppid));
	scn_pipe(pipefd, O_CLOEXEC);
	child = fork();
	if (child == 0) {
		scn_report_result(report, "in a child: getsid", syscall(SYS_getsid, 0));
		_exit(0);
	}
	scn_check(waitpid(child, NULL, 0) == child);
}

static volatile int thread_phase;
static long thread_result;
static int thread_errno;

static void *tsync_thread(void *arg)
{
	(void)arg;
	while (thread_phase == 0)
		sched_yield();
	thread_result = syscall(SYS_getppid);
	thread_errno = errno;
	thread_phase = 2;
	return NULL;
}

static void tsync(int report)
{
	static const struct scn_rule rules[] = { X86(SYS_getppid, SCN_ERRNO(ENOLINK)) };
	pthread_t thread;

	scn_check(pthread_create(&thread, NULL, tsync_thread, NULL) == 0);
	scn_report_result(report, "install with TSYNC",
		    scn_install_filter(rules, 1, SECCOMP_FILTER_FLAG_TSYNC));
	thread_phase = 1;
	pthread_join(thread, NULL);
	errno = thread_errno;
	scn_report_result(report, "getppid in the other thread", thread_result);
}

static void queries(int report)
{
	static const struct {
		const char *name;
		uint32_t action;
	} actions[] = {
		{ "KILL_PROCESS", SECCOMP_RET_KILL_PROCESS },
		{ "KILL_THREAD", SECCOMP_RET_KILL_THREAD },
		{ "TRAP", SECCOMP_RET_TRAP },
		{ "ERRNO", SECCOMP_RET_ERRNO },
		{ "USER_NOTIF", SECCOMP_RET_USER_NOTIF },
		{ "TRACE", SECCOMP_RET_TRACE },
		{ "LOG", SECCOMP_RET_LOG },
		{ "ALLOW", SECCOMP_RET_ALLOW },
		{ "0x12340000", 0x12340000 },
	};
	struct seccomp_notif_sizes sizes;
	char what[64];

	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions); i++) {
		snprintf(what, sizeof(what), "GET_ACTION_AVAIL %s", actions[i].name);
		scn_report_result(report, what, syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL,
						  0, &actions[i].action));
	}
	scn_report_result(report, "GET_NOTIF_SIZES",
		    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes));
	scn_report(report, "sizes: notif %u, resp %u, data %u", sizes.seccomp_notif,
		   sizes.seccomp_notif_resp, sizes.seccomp_data);
	scn_report_result(report, "unknown operation", syscall(SYS_seccomp, 77, 0, NULL));
	scn_report_result(report, "filter with a bad pointer",
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (void *)8));
	scn_report_result(report, "filter with an unknown flag",
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 1U << 20, NULL));
}

int main(void)
{
	scn_start(20);
	scn_in_child("errno values", basic);
	scn_in_child("calls the supervisor traps", trapped_by_supervisor);
	scn_in_child("i386 entry point", i386_entry);
	scn_in_child("two filters, inherited", stacked_and_inherited);
	scn_in_child("TSYNC", tsync);
	scn_in_child("queries", queries);
	return 0;
}
