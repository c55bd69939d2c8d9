/*
 * SIGCHLD to a tracer (issue #3, wait item): for a tracee's ptrace-stops
 * it is CLD_TRAPPED, and a tracer whose SIGCHLD action has SA_NOCLDSTOP gets
 * none (kernel/signal.c:do_notify_parent_cldstop); its exit still signals.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static volatile sig_atomic_t chld_count, last_code;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_count++;
	last_code = si->si_code;
}

/* A TRACEME child that stops on SIGUSR1 and SIGUSR2, then exits 0. */
static void run(int flags, const char *what)
{
	struct sigaction sa;
	pid_t pid;
	int status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		scn_die("sigaction");
	chld_count = 0;
	pid = scn_fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGUSR1);
		raise(SIGUSR2);
		_exit(0);
	}
	for (int stop = 0; stop < 2; stop++) {
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			scn_die("waitpid");
		scn_say("%s: stopped by %s, SIGCHLDs so far %d", what,
			scn_sig(WSTOPSIG(status)), (int)chld_count);
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		scn_die("waitpid exit");
	scn_say("%s: exited %d, SIGCHLDs %d, last si_code %s", what,
		WEXITSTATUS(status), (int)chld_count,
		last_code == CLD_EXITED ? "CLD_EXITED" :
		last_code == CLD_TRAPPED ? "CLD_TRAPPED" : "other");
}

static void case_nocldstop(void)
{
	run(SA_NOCLDSTOP, "SA_NOCLDSTOP");
}

static void case_cldstop(void)
{
	run(0, "no SA_NOCLDSTOP");
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "nocldstop", case_nocldstop },
		{ "cldstop", case_cldstop },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
