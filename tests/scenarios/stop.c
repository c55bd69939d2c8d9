/*
 * Job control seen by the real parent: SIGSTOP, SIGTSTP, SIGTTIN and SIGCONT
 * reported by waitpid(WUNTRACED / WCONTINUED) and waitid(WSTOPPED /
 * WCONTINUED / WNOWAIT), and by SIGCHLD with CLD_STOPPED, CLD_CONTINUED,
 * CLD_KILLED, CLD_EXITED; exactly one report for a multi-threaded group
 * stop; stop signals discarded in an orphaned process group or by a later
 * SIGCONT; SA_NOCLDSTOP; a SIGCONT handler.
 *
 * Under ptvisor every guest is a host tracee, so each stop is a ptrace stop
 * the supervisor must turn back into what the real parent sees natively.
 * The printer blocks SIGCHLD and takes each one with sigwaitinfo, so an
 * extra or a missing SIGCHLD shows in the transcript.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

static int ping_pipe[2], pong_pipe[2];

static void expect_sigchld(void)
{
	siginfo_t si;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	scn_check(sigwaitinfo(&set, &si) == SIGCHLD);
	scn_say("  SIGCHLD: %s from %s, status %s", scn_si_code(SIGCHLD, si.si_code),
		scn_pid(si.si_pid),
		si.si_code == CLD_EXITED ? "exit code" : scn_sig(si.si_status));
}

static void say_pending_sigchld(void)
{
	sigset_t pending;

	sigpending(&pending);
	scn_say("  SIGCHLD pending: %s",
		sigismember(&pending, SIGCHLD) == 1 ? "yes" : "no");
}

static void say_wait(pid_t child, int flags, const char *what)
{
	char buf[64];
	int status = 0;
	pid_t r = scn_waitpid(child, &status, flags);

	scn_say("  waitpid(%s): %s", what, r == 0 ? "nothing" : scn_wstatus(status, buf));
}

static void say_waitid(pid_t child, int flags, const char *what)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)child, &si, flags) < 0)
		scn_die("waitid");
	if (si.si_pid == 0)
		scn_say("  waitid(%s): nothing", what);
	else
		scn_say("  waitid(%s): %s from %s, status %s", what,
			scn_si_code(SIGCHLD, si.si_code), scn_pid(si.si_pid),
			scn_sig(si.si_status));
}

/* The child answers a ping: it runs, so no stop is in effect or pending. */
static void ping(void)
{
	scn_post(ping_pipe[1]);
	scn_take(pong_pipe[0]);
	scn_say("  child answers a ping");
}

static void on_sigcont(int sig, siginfo_t *info, void *ucontext)
{
	static const char line[] = "  (SIGCONT handler ran)\n";

	(void)sig;
	(void)info;
	(void)ucontext;
	scn_write_full(pong_pipe[1], line, sizeof(line) - 1);
}

enum group { SAME_GROUP, OWN_GROUP, OWN_SESSION };

/* A child that answers pings until the ping pipe closes. */
static pid_t start_pinged_child(enum group group, bool self_stop)
{
	pid_t child;

	scn_pipe(ping_pipe, O_CLOEXEC);
	scn_pipe(pong_pipe, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		char c;

		close(ping_pipe[1]);
		close(pong_pipe[0]);
		/*
		 * Its own group has a parent (us) outside it in the same
		 * session: not orphaned. A new session's group is orphaned.
		 */
		if (group == OWN_GROUP)
			setpgid(0, 0);
		else if (group == OWN_SESSION)
			setsid();
		if (self_stop) {
			scn_handle(SIGCONT, on_sigcont, SA_RESTART);
			raise(SIGSTOP);
		}
		scn_post(pong_pipe[1]);
		while (read(ping_pipe[0], &c, 1) == 1)
			scn_post(pong_pipe[1]);
		_exit(0);
	}
	/* The child's own setpgid: done before it first answers. */
	if (!self_stop)
		scn_take(pong_pipe[0]);
	return child;
}

/* Closing the ping pipe ends the child. */
static void end_child(void)
{
	close(ping_pipe[0]);
	close(ping_pipe[1]);
	close(pong_pipe[0]);
	close(pong_pipe[1]);
}

static void case_job_control(void)
{
	pid_t child;

	scn_say("== job control in its own process group ==");
	child = start_pinged_child(OWN_GROUP, false);
	scn_wait_syscall(child, 0);
	kill(child, SIGSTOP);
	expect_sigchld();
	say_wait(child, WUNTRACED, "WUNTRACED");
	say_wait(child, WUNTRACED | WNOHANG, "WUNTRACED|WNOHANG");
	kill(child, SIGCONT);
	expect_sigchld();
	say_wait(child, WCONTINUED, "WCONTINUED");
	say_wait(child, WCONTINUED | WNOHANG, "WCONTINUED|WNOHANG");
	ping();
	scn_say("SIGCONT to a running child:");
	kill(child, SIGCONT);
	ping();
	say_pending_sigchld();
	say_wait(child, WCONTINUED | WNOHANG, "WCONTINUED|WNOHANG");
	scn_say("SIGTSTP:");
	kill(child, SIGTSTP);
	expect_sigchld();
	say_waitid(child, WSTOPPED | WNOWAIT, "WSTOPPED|WNOWAIT");
	say_waitid(child, WSTOPPED, "WSTOPPED");
	say_waitid(child, WSTOPPED | WNOHANG, "WSTOPPED|WNOHANG");
	scn_say("SIGTTIN while stopped, then SIGCONT:");
	kill(child, SIGTTIN);
	kill(child, SIGCONT);
	expect_sigchld();
	say_waitid(child, WCONTINUED, "WCONTINUED");
	ping();
	say_pending_sigchld();
	scn_say("SIGTTOU, then SIGKILL while stopped:");
	kill(child, SIGTTOU);
	expect_sigchld();
	say_wait(child, WUNTRACED, "WUNTRACED");
	kill(child, SIGKILL);
	expect_sigchld();
	say_wait(child, 0, "0");
	end_child();
}

static void case_orphaned_group(void)
{
	pid_t child;

	scn_say("== in an orphaned process group ==");
	child = start_pinged_child(OWN_SESSION, false);
	kill(child, SIGTSTP);
	ping();
	say_pending_sigchld();
	kill(child, SIGSTOP);
	expect_sigchld();
	say_wait(child, WUNTRACED, "WUNTRACED");
	kill(child, SIGCONT);
	expect_sigchld();
	say_wait(child, WCONTINUED, "WCONTINUED");
	end_child();
	expect_sigchld();
	say_wait(child, 0, "0");
}

static void case_self_stop_and_nocldstop(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL, .sa_flags = SA_NOCLDSTOP };
	pid_t child;

	scn_say("== SA_NOCLDSTOP, a child stopping itself, a SIGCONT handler ==");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	child = start_pinged_child(OWN_GROUP, true);
	say_wait(child, WUNTRACED, "WUNTRACED");
	say_pending_sigchld();
	kill(child, SIGCONT);
	say_wait(child, WCONTINUED, "WCONTINUED");
	scn_check(scn_relay_line(pong_pipe[0]));
	scn_take(pong_pipe[0]);
	say_pending_sigchld();
	end_child();
	expect_sigchld();
	say_wait(child, 0, "0");
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, NULL);
}

static int thread_pipe[2];

static void *blocked_thread(void *arg)
{
	char c;

	(void)arg;
	(void)!read(thread_pipe[0], &c, 1);
	return NULL;
}

/* Polls until every thread of @pid is stopped ('T', or 't' when traced). */
static int wait_all_threads_stopped(pid_t pid)
{
	char path[64];
	int count = 0;
	DIR *dir;
	struct dirent *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	scn_check(dir != NULL);
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		scn_wait_state(atoi(d->d_name), "Tt");
		count++;
	}
	closedir(dir);
	return count;
}

static void case_threads(void)
{
	int started[2];
	pid_t child;

	scn_say("== group stop of three threads ==");
	scn_pipe(thread_pipe, O_CLOEXEC);
	scn_pipe(started, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		pthread_t threads[2];

		setpgid(0, 0);
		for (int i = 0; i < 2; i++)
			scn_check(pthread_create(&threads[i], NULL, blocked_thread,
						 NULL) == 0);
		scn_post(started[1]);
		blocked_thread(NULL);
		for (int i = 0; i < 2; i++)
			pthread_join(threads[i], NULL);
		_exit(5);
	}
	scn_take(started[0]);
	kill(child, SIGSTOP);
	expect_sigchld();
	say_wait(child, WUNTRACED, "WUNTRACED");
	scn_say("  stopped threads: %d", wait_all_threads_stopped(child));
	say_pending_sigchld();
	kill(child, SIGCONT);
	expect_sigchld();
	say_wait(child, WCONTINUED, "WCONTINUED");
	scn_write_full(thread_pipe[1], "xyz", 3);
	expect_sigchld();
	say_wait(child, 0, "0");
	say_pending_sigchld();
	for (int i = 0; i < 2; i++) {
		close(thread_pipe[i]);
		close(started[i]);
	}
}

int main(void)
{
	scn_start(20);
	scn_block(SIGCHLD, true);
	case_job_control();
	case_orphaned_group();
	case_self_stop_and_nocldstop();
	case_threads();
	return 0;
}
