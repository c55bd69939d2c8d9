#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM,
				 SIGUSR1, SIGUSR2, SIGALRM };

static struct sigaction saved_forwarded[sizeof(forwarded) / sizeof(*forwarded)];
static struct sigaction saved_pipe;
static sigset_t saved_mask;
static volatile pid_t forward_target;

static void forward_signal(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	pid_t target = forward_target;

	(void)ucontext;
	if (info->si_code != SI_KERNEL && target > 0)
		kill(target, sig);
	errno = saved_errno;
}

int ptv_signals_init(void)
{
	struct sigaction sa = { .sa_sigaction = forward_signal,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	if (sigprocmask(SIG_SETMASK, NULL, &saved_mask) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(*forwarded); i++)
		if (sigaction(forwarded[i], &sa, &saved_forwarded[i]) < 0)
			return -errno;
	/* A closed log pipe must not kill the supervisor. */
	if (sigaction(SIGPIPE, &ign, &saved_pipe) < 0)
		return -errno;
	return 0;
}

void ptv_signals_forward_to(pid_t pid)
{
	forward_target = pid;
}

void ptv_signals_restore(void)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(*forwarded); i++)
		sigaction(forwarded[i], &saved_forwarded[i], NULL);
	sigaction(SIGPIPE, &saved_pipe, NULL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}
