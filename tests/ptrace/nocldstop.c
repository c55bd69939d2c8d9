/*
 * SIGCHLD to a tracer (issue #3, wait item): for a tracee's ptrace-stops
 * it is CLD_TRAPPED, and a tracer whose SIGCHLD action has SA_NOCLDSTOP gets
 * none (kernel/signal.c:do_notify_parent_cldstop); its exit still signals.
 * A tracer that blocks SIGCHLD finds it pending after each stop, unless its
 * action is SIG_IGN (not sent for a stop; a traced child's exit is sent).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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

static void on_chld_plain(int sig)
{
	(void)sig;
}

/* Takes a pending SIGCHLD; true if there was one. */
static bool take_pending_sigchld(void)
{
	static const struct timespec zero;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	return sigtimedwait(&set, NULL, &zero) == SIGCHLD;
}

/*
 * strace's way: the tracer sets SIGCHLD's action to @handler with
 * sigaction() and blocks it, then takes each syscall stop of a tracee that
 * makes many getppid calls. Each of the (many) stops is one chance that the
 * supervisor decides about the tracer's SIGCHLD while it holds the tracer
 * in a host stop (a deferred wait): those use the model's note of the
 * handler and the host's blocked mask (PTRACE_GETSIGMASK), the others
 * /proc.
 */
static void blocked_run(void (*handler)(int), const char *what)
{
	struct sigaction sa;
	int status, stops = 0, pending = 0;
	bool at_exit;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		scn_die("sigaction");
	scn_block(SIGCHLD, true);
	take_pending_sigchld();
	pid = scn_fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (int i = 0; i < 200; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		scn_die("waitpid");
	scn_say("%s: first stop, SIGCHLD pending: %s", what,
		take_pending_sigchld() ? "yes" : "no");
	for (;;) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		if (waitpid(pid, &status, 0) != pid)
			scn_die("waitpid");
		if (!WIFSTOPPED(status))
			break;
		stops++;
		pending += take_pending_sigchld();
	}
	at_exit = take_pending_sigchld();
	scn_say("%s: %d syscall stops, SIGCHLD pending after %d; exited %d, "
		"SIGCHLD pending: %s", what, stops, pending,
		WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		at_exit ? "yes" : "no");
	scn_block(SIGCHLD, false);
	signal(SIGCHLD, SIG_DFL);
}

static void case_blocked_actions(void)
{
	blocked_run(SIG_DFL, "SIG_DFL, blocked");
	blocked_run(SIG_IGN, "SIG_IGN, blocked");
	blocked_run(on_chld_plain, "a handler, blocked");
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
		{ "blocked-actions", case_blocked_actions },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
