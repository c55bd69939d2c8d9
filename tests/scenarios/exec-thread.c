/*
 * execve in a multi-threaded process, from a non-leader thread and from the
 * leader: the other threads vanish, the exec'ing thread takes the process
 * id (its own tid is gone), the signal mask of the exec'ing thread is kept,
 * and the parent sees one exit, of the new program. A failed execve (no such
 * file) leaves every thread running.
 *
 * Under ptvisor the supervisor sees PTRACE_EVENT_EXEC with the former tid,
 * and the exits of the threads that vanished.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

extern char **environ;

#define NTHREADS 3

static int report_fd, park_fd;
static pthread_barrier_t started;
static int exec_from; /* index of the thread that execs; 0: the leader */

/* The new program: argv = after-exec FD FORMER-TID */
static int after_exec(char **argv)
{
	pid_t former = (pid_t)atoi(argv[3]);
	sigset_t mask;
	int fd = atoi(argv[2]);

	sigprocmask(SIG_SETMASK, NULL, &mask);
	scn_report(fd, "  new program: pid {pid %d}, tid is the pid: %s, former tid "
		   "{pid %d} %s, tasks %d, parent {pid %d}, SIGUSR2 blocked: %s",
		   (int)getpid(), gettid() == getpid() ? "yes" : "no", (int)former,
		   former == getpid() ? "(the leader's)" : "(a thread's)",
		   scn_count_tasks(getpid()), (int)getppid(),
		   sigismember(&mask, SIGUSR2) == 1 ? "yes" : "no");
	return 17;
}

static void do_exec(const char *path)
{
	char fdarg[16], tidarg[16];
	char *args[] = { "scn-exec-thread", "after-exec", fdarg, tidarg, NULL };

	snprintf(fdarg, sizeof(fdarg), "%d", report_fd);
	snprintf(tidarg, sizeof(tidarg), "%d", (int)gettid());
	scn_block(SIGUSR2, true);
	execve(path, args, environ);
	scn_report(report_fd, "  execve(%s) from the %s: %s; tasks %d", path,
		   exec_from == 0 ? "leader" : "thread", scn_errno(errno),
		   scn_count_tasks(getpid()));
	scn_block(SIGUSR2, false);
}

static void *thread_main(void *arg)
{
	int index = (int)(long)arg;
	char c;

	pthread_barrier_wait(&started);
	if (index == exec_from) {
		do_exec("/nonexistent/program");
		do_exec("/proc/self/exe");
	}
	(void)!read(park_fd, &c, 1);
	return NULL;
}

static void run_child(int report[2], int from)
{
	pthread_t threads[NTHREADS + 1];
	int park[2];

	scn_pipe(park, O_CLOEXEC);
	park_fd = park[0];
	report_fd = report[1];
	exec_from = from;
	/* The report descriptor must survive the exec. */
	scn_check(fcntl(report_fd, F_SETFD, 0) == 0);
	pthread_barrier_init(&started, NULL, NTHREADS + 1);
	for (int i = 1; i <= NTHREADS; i++)
		scn_check(pthread_create(&threads[i], NULL, thread_main,
					 (void *)(long)i) == 0);
	thread_main((void *)0L);
	_exit(1);
}

static void run_case(int from)
{
	int report[2], status;
	pid_t child;

	scn_say("== execve from %s ==", from == 0 ? "the leader" : "a thread");
	scn_pipe(report, O_CLOEXEC);
	child = scn_fork();
	if (child == 0)
		run_child(report, from);
	close(report[1]);
	scn_say("  child %s", scn_pid(child));
	scn_relay(report[0]);
	close(report[0]);
	scn_wait_and_say(child, "  child");
	scn_result("  any other status", waitpid(-1, &status, __WALL | WNOHANG));
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "after-exec") == 0)
		return after_exec(argv);
	scn_start(20);
	/* One case only with an argument: "thread" or "leader". */
	if (argc < 2 || strcmp(argv[1], "thread") == 0)
		run_case(2);
	if (argc < 2 || strcmp(argv[1], "leader") == 0)
		run_case(0);
	return 0;
}
