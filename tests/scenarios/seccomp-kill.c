/*
 * SECCOMP_RET_KILL_PROCESS and SECCOMP_RET_KILL_THREAD in a guest's own
 * filter, as the parent sees them: the whole process killed by SIGSYS
 * (from the leader, from another thread, on a call the supervisor traps);
 * KILL_THREAD ending one thread while the process goes on, or the process
 * when the thread is its last. The parent's SIGCHLD says CLD_KILLED (no core
 * dump: the children are not dumpable).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "scenario.h"

static int report_fd;

static void install(long nr, uint32_t action)
{
	const struct scn_rule rule = { AUDIT_ARCH_X86_64, (uint32_t)nr, action };

	prctl(PR_SET_DUMPABLE, 0);
	scn_check(scn_install_filter(&rule, 1, 0) == 0);
}

static void *call_getppid(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	scn_report(report_fd, "  the thread survived");
	return NULL;
}

static void in_thread(void)
{
	pthread_t thread;

	scn_check(pthread_create(&thread, NULL, call_getppid, NULL) == 0);
	pthread_join(thread, NULL);
	scn_report(report_fd, "  the process goes on after the join");
}

static void kill_process_leader(int report)
{
	report_fd = report;
	install(SYS_getppid, SECCOMP_RET_KILL_PROCESS);
	syscall(SYS_getppid);
	scn_report(report, "  not reached");
}

static void kill_process_thread(int report)
{
	report_fd = report;
	install(SYS_getppid, SECCOMP_RET_KILL_PROCESS);
	in_thread();
}

static void kill_process_trapped_call(int report)
{
	report_fd = report;
	install(SYS_wait4, SECCOMP_RET_KILL_PROCESS);
	syscall(SYS_wait4, -1, NULL, 0, NULL);
	scn_report(report, "  not reached");
}

static void kill_thread_other(int report)
{
	report_fd = report;
	install(SYS_getppid, SECCOMP_RET_KILL_THREAD);
	in_thread();
}

static void kill_thread_last(int report)
{
	report_fd = report;
	install(SYS_getppid, SECCOMP_RET_KILL_THREAD);
	syscall(SYS_getppid);
	scn_report(report, "  not reached");
}

static void run(const char *title, void (*fn)(int))
{
	siginfo_t si;
	sigset_t set;

	scn_in_child(title, fn);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	scn_check(sigwaitinfo(&set, &si) == SIGCHLD);
	scn_say("SIGCHLD: %s, %s", scn_si_code(SIGCHLD, si.si_code),
		si.si_code == CLD_EXITED ? "exit code" : scn_sig(si.si_status));
}

int main(void)
{
	scn_start(20);
	scn_block(SIGCHLD, true);
	run("KILL_PROCESS in the leader", kill_process_leader);
	run("KILL_PROCESS in another thread", kill_process_thread);
	run("KILL_PROCESS on wait4, which the supervisor traps", kill_process_trapped_call);
	run("KILL_THREAD in another thread", kill_thread_other);
	run("KILL_THREAD in the last thread", kill_thread_last);
	return 0;
}
