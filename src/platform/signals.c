#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM,
				 SIGUSR1, SIGUSR2, SIGALRM };
#define NFORWARDED (sizeof(forwarded) / sizeof(*forwarded))

static struct sigaction saved_forwarded[NFORWARDED];
static struct sigaction saved_pipe;
static sigset_t saved_mask;
static volatile pid_t forward_target;

/* The pending-signal masks of /proc/PID/status ("SigPnd:", "ShdPnd:"). */
static uint64_t pending_mask(pid_t pid)
{
	char path[40] = "/proc/", buf[2048];
	uint64_t mask = 0;
	size_t len = 6;
	ssize_t n;
	int fd;

	/* Async-signal-safe: no stdio. */
	for (char digits[12], *d = digits + sizeof(digits); pid > 0 || d == digits + sizeof(digits);) {
		*--d = (char)('0' + pid % 10);
		pid /= 10;
		if (pid == 0) {
			size_t k = (size_t)(digits + sizeof(digits) - d);

			memcpy(path + len, d, k);
			len += k;
			break;
		}
	}
	memcpy(path + len, "/status", 8);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (const char *key = "SigPnd:"; key; key = key[0] == 'S' && key[1] == 'i' ? "ShdPnd:" : NULL) {
		const char *p = strstr(buf, key);

		if (p == NULL)
			continue;
		for (p += 7; *p == ' ' || *p == '\t'; p++)
			;
		for (uint64_t v = 0;; p++) {
			int digit = *p >= '0' && *p <= '9' ? *p - '0'
				  : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

			if (digit < 0) {
				mask |= v;
				break;
			}
			v = v * 16 + (uint64_t)digit;
		}
	}
	return mask;
}

/*
 * Did @target get its own copy of @sig from @sender (a kill(2) of the
 * process group both are in)? The copies are generated together, and the
 * supervisor's handler runs before its loop can see the guest take its copy,
 * so the guest's copy is either still pending or being delivered: the guest
 * sits in a host signal-delivery-stop the loop has not collected yet.
 */
static bool guest_got_it_too(pid_t target, int sig, pid_t sender)
{
	siginfo_t wi, si;

	if (pending_mask(target) & (1ULL << (sig - 1)))
		return true;
	memset(&wi, 0, sizeof(wi));
	if (waitid(P_PID, (id_t)target, &wi, WSTOPPED | WNOHANG | WNOWAIT | __WALL) < 0 ||
	    wi.si_pid != target || wi.si_code != CLD_TRAPPED || wi.si_status != sig)
		return false;
	if (syscall(SYS_ptrace, PTRACE_GETSIGINFO, target, 0, &si) < 0)
		return false;
	return si.si_signo == sig && si.si_pid == sender && si.si_code <= 0;
}

static void forward_signal(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	pid_t target = forward_target;

	(void)ucontext;
	if (target <= 0)
		goto out;
	if (info->si_code == SI_KERNEL) {
		/*
		 * A terminal's signal for its foreground process group reached
		 * the guests in it already; a hangup's SIGHUP goes to the
		 * session leader only (drivers/tty/tty_jobctrl.c:
		 * tty_signal_session_leader), which may be us.
		 */
		if (!(sig == SIGHUP && getsid(0) == getpid()))
			goto out;
	} else if (guest_got_it_too(target, sig, info->si_pid)) {
		goto out;
	}
	kill(target, sig);
out:
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
	for (size_t i = 0; i < NFORWARDED; i++)
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

void ptv_signals_stop_forwarding(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	forward_target = 0;
	sigemptyset(&dfl.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &dfl, NULL);
}

void ptv_signals_restore(void)
{
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &saved_forwarded[i], NULL);
	sigaction(SIGPIPE, &saved_pipe, NULL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

void ptv_signals_die_of(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct rlimit no_core = { 0, 0 };
	sigset_t only;

	/* The guest has dumped its core already; we must not add ours. */
	setrlimit(RLIMIT_CORE, &no_core);
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigemptyset(&only);
	sigaddset(&only, sig);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	raise(sig);
}
