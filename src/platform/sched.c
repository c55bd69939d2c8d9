#include "sched.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int ptv_sched_getaffinity(pid_t tid, ptv_cpumask_t mask)
{
	/* The raw call copies what the kernel has; the rest stays zero. */
	memset(mask, 0, sizeof(ptv_cpumask_t));
	if (syscall(SYS_sched_getaffinity, tid, sizeof(ptv_cpumask_t), mask) < 0)
		return -errno;
	return 0;
}

int ptv_sched_setaffinity(pid_t tid, const ptv_cpumask_t mask)
{
	if (syscall(SYS_sched_setaffinity, tid, sizeof(ptv_cpumask_t), mask) < 0)
		return -errno;
	return 0;
}

int ptv_sched_current_cpu(void)
{
	return sched_getcpu();
}

void ptv_sched_yield(void)
{
	sched_yield();
}

/* ---------------------------------------------------------------------- */
/* The tick                                                               */

static timer_t tick_timer;
static bool tick_made, tick_on;
static volatile sig_atomic_t ticked;

static int tick_signal(void)
{
	return SIGRTMIN + 2;
}

static void on_tick(int sig)
{
	(void)sig;
	ticked = 1;
}

static int make_tick(void)
{
	struct sigaction sa = { .sa_handler = on_tick };	/* no SA_RESTART */
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	sigaddset(&set, tick_signal());
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    sigaction(tick_signal(), &sa, NULL) < 0)
		return -errno;
	sev.sigev_signo = tick_signal();
	if (timer_create(CLOCK_MONOTONIC, &sev, &tick_timer) < 0)
		return -errno;
	tick_made = true;
	return 0;
}

static int set_tick(unsigned period_ms)
{
	struct itimerspec its = {
		.it_interval = { period_ms / 1000, (long)(period_ms % 1000) * 1000000 },
		.it_value = { period_ms / 1000, (long)(period_ms % 1000) * 1000000 },
	};

	return timer_settime(tick_timer, 0, &its, NULL) < 0 ? -errno : 0;
}

int ptv_tick_start(unsigned period_ms)
{
	int r;

	if (tick_on)
		return 0;
	if (!tick_made && (r = make_tick()) < 0)
		return r;
	if ((r = set_tick(period_ms)) < 0)
		return r;
	tick_on = true;
	return 0;
}

void ptv_tick_stop(void)
{
	if (!tick_on)
		return;
	set_tick(0);
	tick_on = false;
}

bool ptv_tick_open(void)
{
	sigset_t set;

	if (!tick_on)
		return true;
	sigemptyset(&set);
	sigaddset(&set, tick_signal());
	ticked = 0;
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* A tick pending while blocked ran its handler just now. */
	if (ticked) {
		sigprocmask(SIG_BLOCK, &set, NULL);
		return false;
	}
	return true;
}

void ptv_tick_close(void)
{
	sigset_t set;

	if (!tick_on)
		return;
	sigemptyset(&set);
	sigaddset(&set, tick_signal());
	sigprocmask(SIG_BLOCK, &set, NULL);
}
