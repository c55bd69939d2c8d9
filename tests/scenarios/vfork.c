/*
 * vfork: the child borrows the parent's memory and the parent sleeps ('D')
 * until the child execs or exits; posix_spawn (clone with CLONE_VM |
 * CLONE_VFORK in glibc) with a program that runs and one that does not
 * exist; a vfork child killed before it execs.
 *
 * Under ptvisor the parent first stops at PTRACE_EVENT_VFORK and the child
 * starts traced; the supervisor must resume both.
 */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

extern char **environ;

static volatile int borrowed;
static volatile char parent_state;

/* The exec'd child: reports through the descriptor named in argv[2]. */
static int run_exec_role(char **argv)
{
	int fd = atoi(argv[2]);

	scn_report(fd, "  exec'd child: pid {pid %d}, parent {pid %d}",
		   (int)getpid(), (int)getppid());
	return 6;
}

static void case_vfork_exit(void)
{
	pid_t parent = getpid(), child;

	scn_say("== vfork, then _exit ==");
	borrowed = 0;
	child = vfork();
	if (child == 0) {
		/* Only the parent prints; the child leaves its findings in memory. */
		scn_wait_state(parent, "D");
		parent_state = 'D';
		borrowed = 1;
		_exit(4);
	}
	scn_track_child(child);
	scn_say("parent resumed; child wrote the shared variable: %s, saw the parent in state %c",
		borrowed ? "yes" : "no", parent_state);
	scn_wait_and_say(child, "child");
}

static void case_vfork_exec(void)
{
	char fdarg[16], *args[] = { "scn-vfork", "exec-role", fdarg, NULL };
	int report[2];
	pid_t parent = getpid(), child;

	scn_say("== vfork, then exec ==");
	scn_pipe(report, 0);
	snprintf(fdarg, sizeof(fdarg), "%d", report[1]);
	borrowed = 0;
	child = vfork();
	if (child == 0) {
		scn_wait_state(parent, "D");
		borrowed = 1;
		execve("/proc/self/exe", args, environ);
		_exit(127);
	}
	scn_track_child(child);
	close(report[1]);
	scn_say("parent resumed after the exec; child ran first: %s",
		borrowed ? "yes" : "no");
	scn_say("vfork returned %s", scn_pid(child));
	scn_relay(report[0]);
	close(report[0]);
	scn_wait_and_say(child, "child");
}

static void case_vfork_killed(void)
{
	pid_t child;

	scn_say("== vfork child killed before exec ==");
	child = vfork();
	if (child == 0) {
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	scn_track_child(child);
	scn_wait_and_say(child, "child");
}

static void case_posix_spawn(void)
{
	char *true_args[] = { "true", NULL };
	char *missing_args[] = { "missing", NULL };
	pid_t child = 0;
	int r;

	scn_say("== posix_spawn ==");
	r = posix_spawn(&child, "/bin/true", NULL, NULL, true_args, environ);
	scn_say("posix_spawn(/bin/true) = %s", r ? scn_errno(r) : "0");
	if (r == 0)
		scn_wait_and_say(child, "child");
	r = posix_spawnp(&child, "/nonexistent/missing", NULL, NULL, missing_args,
			 environ);
	scn_say("posix_spawnp(/nonexistent/missing) = %s", r ? scn_errno(r) : "0");
	r = waitpid(-1, NULL, WNOHANG);
	scn_say("any child left: %s", r > 0 ? "a zombie" : scn_errno(errno));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exec-role") == 0)
		return run_exec_role(argv);
	scn_start(20);
	case_vfork_exit();
	case_vfork_exec();
	case_vfork_killed();
	case_posix_spawn();
	return 0;
}
