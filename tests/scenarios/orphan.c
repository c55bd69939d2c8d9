/*
 * Orphans. A child forks a grandchild and exits: the grandchild is
 * reparented to the nearest subreaper among its ancestors, here us
 * (PR_SET_CHILD_SUBREAPER), which gets its exit (status and SIGCHLD). A
 * process group orphaned while one of its members is stopped gets SIGHUP
 * and SIGCONT (POSIX; kernel/exit.c: kill_orphaned_pgrp()): first in the
 * session we were started in, where our parent (ptvisor, or natively
 * tests/lib/native-parent) is, then in a session of our own. Neither is a
 * subreaper (compare.sh's reaper, above both, is outside the first
 * session), so the group's last outside parent is gone in both.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

static pid_t us;

static void say_sigchld_pending(void)
{
	sigset_t pending;

	sigpending(&pending);
	scn_say("SIGCHLD pending: %s", sigismember(&pending, SIGCHLD) == 1 ? "yes" : "no");
}

static void take_sigchld(void)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	scn_check(sigwaitinfo(&set, &si) == SIGCHLD);
	scn_say("SIGCHLD from %s", scn_pid(si.si_pid));
}

static void __attribute__((noreturn)) grandchild(pid_t middle, int report,
						 int release)
{
	char c;

	/* Reparenting is done once the middle child is reaped or a zombie. */
	while (getppid() == middle)
		sched_yield();
	scn_report(report, "orphan {pid %d}: new parent is us, the subreaper: %s",
		   (int)getpid(), getppid() == us ? "yes" : "no");
	(void)!read(release, &c, 1);
	_exit(9);
}

static void case_double_fork(void)
{
	int report[2], release[2];
	pid_t middle, orphan;
	int status;

	scn_say("== double fork, we are a child subreaper ==");
	scn_result("prctl(PR_SET_CHILD_SUBREAPER, 1)",
		   prctl(PR_SET_CHILD_SUBREAPER, 1));
	scn_pipe(report, O_CLOEXEC);
	scn_pipe(release, O_CLOEXEC);
	middle = scn_fork();
	if (middle == 0) {
		pid_t self = getpid(), pid = fork();

		if (pid == 0) {
			close(release[1]);
			grandchild(self, report[1], release[0]);
		}
		scn_write_full(report[1], &pid, sizeof(pid));
		_exit(0);
	}
	close(report[1]);
	close(release[0]);
	scn_check(scn_read_full(report[0], &orphan, sizeof(orphan)));
	scn_say("middle {pid %d} made {pid %d}", (int)middle, (int)orphan);
	scn_wait_and_say(middle, "middle");
	take_sigchld();
	scn_check(scn_relay_line(report[0]));
	scn_result("waitpid(-1, WNOHANG) while the orphan lives",
		   waitpid(-1, &status, WNOHANG));
	close(release[1]);
	scn_relay(report[0]);
	close(report[0]);
	take_sigchld();
	scn_wait_and_say(orphan, "orphan");
	scn_result("waitpid(-1, WNOHANG) after it", waitpid(-1, &status, WNOHANG));
	say_sigchld_pending();
	scn_result("prctl(PR_SET_CHILD_SUBREAPER, 0)",
		   prctl(PR_SET_CHILD_SUBREAPER, 0));
}

/* Records SIGHUP and SIGCONT, then reports them when both have come. */
static volatile int got[NSIG], order[4], norder;

static void record(int sig, siginfo_t *info, void *ucontext)
{
	(void)info;
	(void)ucontext;
	got[sig]++;
	if (norder < 4)
		order[norder++] = sig;
}

static void case_orphaned_stopped_group(const char *where)
{
	int report[2];
	pid_t middle, member = 0;
	int status;

	scn_say("== a stopped process group orphaned, %s ==", where);
	got[SIGHUP] = got[SIGCONT] = 0;
	norder = 0;
	scn_pipe(report, O_CLOEXEC);
	middle = scn_fork();
	if (middle == 0) {
		pid_t pid;

		/* The group: the middle child and its child, which stops. */
		setpgid(0, 0);
		pid = fork();
		if (pid == 0) {
			scn_handle(SIGHUP, record, 0);
			scn_handle(SIGCONT, record, 0);
			raise(SIGSTOP);
			while (got[SIGHUP] == 0 || got[SIGCONT] == 0)
				pause();
			scn_report(report[1], "member: got %s then %s",
				   scn_sig(order[0]), scn_sig(order[1]));
			_exit(0);
		}
		scn_write_full(report[1], &pid, sizeof(pid));
		/*
		 * The stop must be complete: a group stop, which WUNTRACED
		 * reports. (A traced task shows 't' in /proc already in its
		 * signal-delivery-stop, before the group stop.)
		 */
		scn_waitpid(pid, &status, WUNTRACED);
		_exit(0);
	}
	close(report[1]);
	scn_check(scn_read_full(report[0], &member, sizeof(member)));
	scn_wait_and_say(middle, "middle");
	take_sigchld();
	scn_relay(report[0]);
	close(report[0]);
	/* Dead; its reaper is above us, and no SIGCHLD of it comes to us. */
	scn_wait_state(member, "ZX0");
	scn_result("waitpid(-1, WNOHANG)", waitpid(-1, &status, WNOHANG));
	say_sigchld_pending();
}

int main(void)
{
	scn_start(20);
	us = getpid();
	scn_block(SIGCHLD, true);
	case_orphaned_stopped_group("in the session we were started in");
	/* A session of our own (and a group): our parent is outside it. */
	scn_result("setsid", setsid() > 0 ? 0 : -1);
	case_double_fork();
	case_orphaned_stopped_group("in a session of our own");
	return 0;
}
