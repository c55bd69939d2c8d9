/*
 * fork and wait, as the real parent sees them: pids and parent pids, exit
 * codes, zombies, wait for any child / a process group / a pidfd, WNOHANG,
 * ECHILD, SIGCHLD ignored or SA_NOCLDWAIT (children reaped by the kernel,
 * wait blocks until all are gone), fork from a thread (the child belongs to
 * the process; PR_SET_PDEATHSIG fires when the forking thread exits).
 *
 * Under ptvisor every child is a host tracee of the supervisor, whose own
 * wait must not steal or delay what the real parent sees.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

/* A child that waits for a byte on *release, then exits with @code. */
static pid_t held_child(int release[2], int code)
{
	pid_t child;

	scn_pipe(release, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		char c;

		scn_close_other_fds(release[0]);
		(void)!read(release[0], &c, 1);
		_exit(code);
	}
	close(release[0]);
	return child;
}

static void case_ids_and_codes(void)
{
	static const int codes[] = { 0, 1, 255, 256 + 7 };
	int report[2];

	scn_say("== pids and exit codes ==");
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++) {
		pid_t child;

		scn_pipe(report, O_CLOEXEC);
		child = scn_fork();
		if (child == 0) {
			scn_report(report[1], "child: pid {pid %d}, parent {pid %d}, "
				   "group {pid %d}, session {pid %d}", (int)getpid(),
				   (int)getppid(), (int)getpgrp(), (int)getsid(0));
			exit(codes[i]);
		}
		close(report[1]);
		scn_say("fork returned %s", scn_pid(child));
		scn_relay(report[0]);
		close(report[0]);
		scn_say("exit(%d):", codes[i]);
		scn_wait_and_say(child, "  status");
	}
	scn_say("our parent {pid %d}, group {pid %d}, session {pid %d}",
		(int)getppid(), (int)getpgrp(), (int)getsid(0));
}

static void case_zombie_and_nohang(void)
{
	int release[2], status;
	struct rusage ru;
	pid_t child = held_child(release, 3), r;

	scn_say("== zombie, WNOHANG, ECHILD ==");
	r = scn_waitpid(child, &status, WNOHANG);
	scn_say("WNOHANG while it runs: %s", scn_pid(r));
	close(release[1]);
	scn_wait_state(child, "Z");
	scn_say("state after exit: Z");
	r = wait4(-1, &status, WNOHANG, &ru);
	scn_say("wait4(-1, WNOHANG, rusage): %s, exit code %d", scn_pid(r),
		WEXITSTATUS(status));
	scn_result("waitpid again", waitpid(child, &status, WNOHANG));
	scn_result("wait with no child", wait(&status));
}

static void case_any_child_and_groups(void)
{
	int release[3][2], status;
	pid_t children[3], r;
	siginfo_t si;

	scn_say("== any child, process groups, pidfd ==");
	for (int i = 0; i < 3; i++)
		children[i] = held_child(release[i], 10 + i);
	/* The second child in a group of its own. */
	scn_check(setpgid(children[1], children[1]) == 0);
	scn_result("waitpid(0, WNOHANG)", waitpid(0, &status, WNOHANG));
	scn_result("waitpid(-group of the second, WNOHANG)",
		   waitpid(-children[1], &status, WNOHANG));
	scn_result("waitpid(-our group + 1000000, WNOHANG)",
		   waitpid(-(getpgrp() + 1000000), &status, WNOHANG));
	/* Released one at a time, in reverse order. */
	close(release[2][1]);
	r = scn_waitpid(-1, &status, 0);
	scn_say("wait(-1): %s exit code %d", scn_pid(r), WEXITSTATUS(status));
	close(release[1][1]);
	memset(&si, 0, sizeof(si));
	scn_check(waitid(P_PGID, (id_t)children[1], &si, WEXITED) == 0);
	scn_say("waitid(P_PGID): %s, %s, exit code %d", scn_pid(si.si_pid),
		scn_si_code(SIGCHLD, si.si_code), si.si_status);
	{
		int pidfd = (int)syscall(SYS_pidfd_open, children[0], 0);

		scn_check(pidfd >= 0);
		scn_result("pidfd_send_signal(SIGTERM)",
			   syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0));
		memset(&si, 0, sizeof(si));
		scn_check(waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) == 0);
		scn_say("waitid(P_PIDFD): %s, %s, %s", scn_pid(si.si_pid),
			scn_si_code(SIGCHLD, si.si_code), scn_sig(si.si_status));
		close(pidfd);
	}
	close(release[0][1]);
}

/* With SIGCHLD ignored or SA_NOCLDWAIT, wait blocks until all children
 * are gone, then fails with ECHILD; no zombie is left. */
static void case_no_zombies(bool ignore)
{
	struct sigaction sa = { .sa_handler = ignore ? SIG_IGN : SIG_DFL,
				.sa_flags = ignore ? 0 : SA_NOCLDWAIT };
	int release[2][2], status;
	pid_t children[2];

	scn_say("== %s ==", ignore ? "SIGCHLD ignored" : "SA_NOCLDWAIT");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	for (int i = 0; i < 2; i++)
		children[i] = held_child(release[i], 0);
	close(release[0][1]);
	scn_wait_state(children[0], "0");
	scn_say("first child reaped by the kernel");
	/* wait() must block for the second child; it is released only once
	 * the wait sleeps. */
	{
		pid_t helper = fork();

		if (helper == 0) {
			/* A helper releases the second child once we sleep in wait4. */
			pid_t parent = getppid();

			scn_wait_syscall(parent, SYS_wait4);
			close(release[1][1]);
			_exit(0);
		}
		close(release[1][1]);
		scn_result("wait", wait(&status));
		scn_wait_reaped(helper);
	}
	scn_wait_state(children[1], "0");
	scn_say("second child reaped by the kernel");
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, NULL);
}

static int thread_report;

static void on_parent_death(int sig, siginfo_t *info, void *ucontext)
{
	static const char line[] = "  child: parent death signal\n";

	(void)sig;
	(void)info;
	(void)ucontext;
	scn_write_full(thread_report, line, sizeof(line) - 1);
}

static void *forking_thread(void *arg)
{
	int *release = arg, ready[2];
	pid_t child;

	scn_pipe(ready, O_CLOEXEC);
	child = fork();
	if (child == 0) {
		char c;

		scn_handle(SIGUSR1, on_parent_death, SA_RESTART);
		prctl(PR_SET_PDEATHSIG, SIGUSR1);
		scn_report(thread_report, "  child: parent is {pid %d}", (int)getppid());
		close(release[1]);
		scn_post(ready[1]);
		(void)!read(release[0], &c, 1);
		scn_report(thread_report, "  child: parent is {pid %d}", (int)getppid());
		_exit(9);
	}
	/* Exit only once the child has asked for the signal. */
	scn_take(ready[0]);
	close(ready[0]);
	close(ready[1]);
	return (void *)(long)child;
}

static void case_fork_from_thread(void)
{
	int release[2], report[2];
	pthread_t thread;
	void *child;

	scn_say("== fork from a thread that then exits ==");
	scn_pipe(release, O_CLOEXEC);
	scn_pipe(report, O_CLOEXEC);
	thread_report = report[1];
	scn_check(pthread_create(&thread, NULL, forking_thread, release) == 0);
	pthread_join(thread, &child);
	scn_track_child((pid_t)(long)child);
	scn_check(scn_relay_line(report[0]));
	scn_check(scn_relay_line(report[0]));
	close(release[1]);
	close(report[1]);
	scn_relay(report[0]);
	scn_wait_and_say((pid_t)(long)child, "child");
	close(release[0]);
	close(report[0]);
}

int main(void)
{
	scn_start(20);
	case_ids_and_codes();
	case_zombie_and_nohang();
	case_any_child_and_groups();
	case_no_zombies(true);
	case_no_zombies(false);
	case_fork_from_thread();
	return 0;
}
