/*
 * native-parent COMMAND [ARG...]: the parent a scenario has in its native
 * run, built to stand where ptvisor stands in the other run, so that both
 * transcripts describe the same process tree.
 *
 * Like ptvisor it is not a child subreaper (an orphan goes to the reaper
 * above both, the same one in both runs), it forwards the termination
 * signals it gets to its child (timeout(1) ends a stuck run through it), it
 * gives the child the signal dispositions and mask it was started with, and
 * its exit status is the child's exit code or 128+signal.
 *
 * native-parent --reaper COMMAND [ARG...]: that reaper, above both sides
 * (tests/compare.sh runs each side's session under it): a child subreaper
 * that reaps every orphan at once, so that a run does not depend on how
 * soon the machine's init reaps (seconds on some VMs), and otherwise the
 * same.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM,
				 SIGUSR1, SIGUSR2, SIGALRM };
#define NFORWARDED (sizeof(forwarded) / sizeof(*forwarded))

static struct sigaction saved[NFORWARDED], saved_chld;
static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
	int status, code = -1;
	bool reaper = argc > 1 && strcmp(argv[1], "--reaper") == 0;
	pid_t pid;

	if (reaper) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fputs("usage: native-parent [--reaper] COMMAND [ARG...]\n", stderr);
		return 2;
	}
	if (reaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("native-parent: PR_SET_CHILD_SUBREAPER");
		return 125;
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, &saved[i]);
	/* An ignored SIGCHLD would reap the child before we see its status. */
	sigaction(SIGCHLD, &(struct sigaction){ .sa_handler = SIG_DFL },
		  &saved_chld);
	pid = fork();
	if (pid < 0) {
		perror("native-parent: fork");
		return 125;
	}
	if (pid == 0) {
		for (size_t i = 0; i < NFORWARDED; i++)
			sigaction(forwarded[i], &saved[i], NULL);
		sigaction(SIGCHLD, &saved_chld, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "native-parent: %s: %s\n", argv[1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	child = pid;
	/* Wait for the child (a reaper reaps every orphan meanwhile). */
	while (code < 0) {
		pid_t r = waitpid(reaper ? -1 : pid, &status, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return 125;
		if (r == pid)
			code = WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status);
	}
	child = 0;
	while (reaper && waitpid(-1, &status, WNOHANG) > 0)
		;
	return code;
}
