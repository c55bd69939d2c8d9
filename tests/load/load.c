/*
 * Load (issue 6, "Load"): many tracers and tracees at once, a fork storm,
 * many short-lived traced processes. Each case checks that everything exits
 * with the right status (every child reaped once, nothing left: wait says
 * ECHILD at the end), prints the same lines natively and under ptvisor,
 * and prints its throughput as "figure:" lines (../faults/run.sh compares
 * the rest and prints the figures of both sides).
 *
 * Each case runs a warm-up of the same shape first and calls checkpoint()
 * after it and at the end: under run.sh --sample the driver then samples
 * the supervisor's descriptors and memory, which must not grow.
 *
 *   load pairs    500 tracer/tracee pairs at once, each tracer stepping its
 *                 tracee's syscalls with PTRACE_SYSCALL (2 rounds, the first
 *                 the warm-up)
 *   load storm    2000 short-lived children forked one after the other
 *                 (run under strace -f)
 *   load many     10^4 short-lived traced processes (1000 of them the
 *                 warm-up), 4 tracers at a time
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Tells run.sh (--sample) that the run reached @name and waits until it
 * has sampled the supervisor; nothing without $PTV_LOAD_CP.
 */
static void checkpoint(const char *name)
{
	const char *cp = getenv("PTV_LOAD_CP"), *ack = getenv("PTV_LOAD_ACK");
	char byte;
	int fd;

	if (cp == NULL || ack == NULL)
		return;
	fd = open(cp, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		scn_die("open %s", cp);
	dprintf(fd, "%s\n", name);
	close(fd);
	fd = open(ack, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &byte, 1) != 1)
		scn_die("no answer on %s", ack);
	close(fd);
}

/* Reaps every child; dies unless each exited 0. Returns their number. */
static int reap_all_zero(void)
{
	int status, n = 0;
	char buf[64];
	pid_t w;

	while ((w = waitpid(-1, &status, __WALL)) > 0 || errno == EINTR) {
		if (w < 0)
			continue;
		if (status != 0)
			scn_die("child %d: %s", (int)w, scn_wstatus(status, buf));
		n++;
	}
	if (errno != ECHILD)
		scn_die("waitpid");
	return n;
}

static long ptrace_raw(long req, pid_t pid, long data)
{
	return syscall(SYS_ptrace, req, (long)pid, 0L, data);
}

/* ---- pairs ---- */

#define PAIR_SYSCALLS 5

/*
 * A tracer: forks its tracee (PTRACE_TRACEME, SIGSTOP to itself, a few
 * getppid, exit 42) and steps it with PTRACE_SYSCALL. Exits 0 when it saw
 * the tracee's exit, status 42, after at least 2 * PAIR_SYSCALLS syscall
 * stops.
 */
static void __attribute__((noreturn)) pair_tracer(int go)
{
	int status, stops = 0;
	char byte;
	pid_t t;

	(void)!read(go, &byte, 1);
	t = fork();
	if (t == 0) {
		if (ptrace_raw(PTRACE_TRACEME, 0, 0) < 0)
			_exit(3);
		syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
		for (int i = 0; i < PAIR_SYSCALLS; i++)
			syscall(SYS_getppid);
		syscall(SYS_exit_group, 42);
	}
	if (t < 0 || waitpid(t, &status, 0) != t || !WIFSTOPPED(status) ||
	    ptrace_raw(PTRACE_SETOPTIONS, t, PTRACE_O_TRACESYSGOOD) < 0)
		_exit(1);
	for (;;) {
		if (ptrace_raw(PTRACE_SYSCALL, t, 0) < 0)
			_exit(2);
		if (waitpid(t, &status, 0) != t)
			_exit(4);
		if (!WIFSTOPPED(status))
			break;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80))
			_exit(5);
		stops++;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42)
		_exit(6);
	if (waitpid(-1, &status, __WALL | WNOHANG) >= 0 || errno != ECHILD)
		_exit(7);
	_exit(stops >= 2 * PAIR_SYSCALLS ? 0 : 8);
}

/* @n pairs at once: every tracer starts when the go pipe closes. */
static void pairs_round(int n)
{
	int go[2];

	scn_pipe(go, O_CLOEXEC);
	for (int i = 0; i < n; i++) {
		pid_t x = fork();

		if (x < 0)
			scn_die("fork");
		if (x == 0) {
			close(go[1]);
			pair_tracer(go[0]);
		}
	}
	close(go[0]);
	close(go[1]);
	if (reap_all_zero() != n)
		scn_die("not every tracer was reaped");
}

static void case_pairs(void)
{
	const int n = 500, rounds = 1;
	double t0;

	pairs_round(n);
	checkpoint("warm");
	t0 = now();
	for (int r = 0; r < rounds; r++)
		pairs_round(n);
	scn_say("%d rounds of %d tracer/tracee pairs at once: all exited right",
		rounds, n);
	scn_say("figure: pairs: %.0f pairs/s", rounds * n / (now() - t0));
	checkpoint("end");
}

/* ---- storm ---- */

static void storm(int n)
{
	char buf[64];
	int status;

	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0)
			scn_die("fork");
		if (c == 0)
			_exit(i & 0x7f);
		if (scn_waitpid(c, &status, 0) != c || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != (i & 0x7f))
			scn_die("child %d: %s", i, scn_wstatus(status, buf));
	}
	if (waitpid(-1, &status, WNOHANG) >= 0 || errno != ECHILD)
		scn_die("a child is left");
}

static void case_storm(void)
{
	const int n = 2000;
	double t0;

	storm(200);
	checkpoint("warm");
	t0 = now();
	storm(n);
	scn_say("%d children forked one after the other: all exited right", n);
	scn_say("figure: storm: %.0f processes/s", n / (now() - t0));
	checkpoint("end");
}

/* ---- many ---- */

/* One tracer: @n traced children, one after the other. */
static void __attribute__((noreturn)) many_tracer(int n)
{
	int status;

	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0)
			_exit(1);
		if (c == 0) {
			if (ptrace_raw(PTRACE_TRACEME, 0, 0) < 0)
				_exit(3);
			syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
			syscall(SYS_exit_group, i & 0x7f);
		}
		if (waitpid(c, &status, 0) != c || !WIFSTOPPED(status) ||
		    WSTOPSIG(status) != SIGSTOP ||
		    ptrace_raw(PTRACE_CONT, c, 0) < 0 ||
		    waitpid(c, &status, 0) != c || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != (i & 0x7f))
			_exit(2);
	}
	if (waitpid(-1, &status, __WALL | WNOHANG) >= 0 || errno != ECHILD)
		_exit(4);
	_exit(0);
}

static void many(int n, int tracers)
{
	for (int i = 0; i < tracers; i++) {
		pid_t x = fork();

		if (x < 0)
			scn_die("fork");
		if (x == 0)
			many_tracer(n / tracers);
	}
	if (reap_all_zero() != tracers)
		scn_die("not every tracer was reaped");
}

static void case_many(void)
{
	const int n = 9000, tracers = 4;
	double t0;

	many(1000, tracers);
	checkpoint("warm");
	t0 = now();
	many(n, tracers);
	scn_say("%d short-lived traced processes (and 1000 to warm up), %d tracers at a time: all exited right",
		n, tracers);
	scn_say("figure: many: %.0f traced processes/s", n / (now() - t0));
	checkpoint("end");
}

int main(int argc, char **argv)
{
	scn_start(200);
	if (argc == 2 && strcmp(argv[1], "pairs") == 0)
		case_pairs();
	else if (argc == 2 && strcmp(argv[1], "storm") == 0)
		case_storm();
	else if (argc == 2 && strcmp(argv[1], "many") == 0)
		case_many();
	else
		scn_die("usage: load pairs|storm|many");
	scn_say("done");
	return 0;
}
