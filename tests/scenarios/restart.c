/*
 * What a signal does to a blocking system call, for each kind of
 * interruption: a handler installed with SA_RESTART (read, wait4, waitid and
 * futex restart; poll, pause and clock_nanosleep fail with EINTR), a handler
 * without it (EINTR), SIGSTOP then SIGCONT (restarted unseen; a sleep
 * through restart_syscall), and a SIGCHLD whose default action is to be
 * ignored (nothing seen). wait4 and waitid are trapped by the supervisor, so
 * their restart crosses its filter again.
 *
 * A child sleeps in the call; the printer checks in /proc/PID/syscall that it
 * sleeps there, interrupts it, and then sees either the child's report (the
 * call returned) or the child asleep in a call again (restarted), before it
 * lets the call complete.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

enum interruption {
	BY_HANDLER_RESTART, /* SIGUSR2, handler with SA_RESTART */
	BY_HANDLER,	    /* SIGUSR2, handler without SA_RESTART */
	BY_STOP_CONT,	    /* SIGSTOP, then SIGCONT */
	BY_IGNORED_SIGCHLD, /* a grandchild exits; SIGCHLD is SIG_DFL */
};

static const char *const interruption_names[] = {
	"handler with SA_RESTART", "handler without SA_RESTART",
	"SIGSTOP and SIGCONT", "SIGCHLD with its default action",
};

enum completion {
	BY_DATA,	 /* bytes written to the data pipe */
	BY_GRANDCHILD,	 /* the grandchild exits */
	BY_FUTEX_WAKE,	 /* FUTEX_WAKE on the shared word */
	BY_SIGUSR1,	 /* a handled SIGUSR1 (no SA_RESTART) */
};

struct blocking_call {
	const char *name;
	long nr;
	enum completion completion;
};

static const struct blocking_call calls[] = {
	{ "read", SYS_read, BY_DATA },
	{ "poll", SYS_poll, BY_DATA },
	{ "wait4", SYS_wait4, BY_GRANDCHILD },
	{ "waitid", SYS_waitid, BY_GRANDCHILD },
	{ "futex", SYS_futex, BY_FUTEX_WAKE },
	{ "clock_nanosleep", SYS_clock_nanosleep, BY_SIGUSR1 },
	{ "pause", SYS_pause, BY_SIGUSR1 },
};

/* Shared between the printer and the child (MAP_SHARED). */
struct shared {
	volatile int handled[NSIG];
	volatile pid_t grandchild;
	int futex_word;
};

static struct shared *shared;
static int data_pipe[2], grandchild_pipe[2], report_pipe[2], ready_pipe[2];

static void count(int sig, siginfo_t *info, void *ucontext)
{
	(void)info;
	(void)ucontext;
	shared->handled[sig]++;
}

static const char *syscall_name(long nr)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++)
		if (calls[i].nr == nr)
			return calls[i].name;
	return nr == SYS_restart_syscall ? "restart_syscall" : "another call";
}

static long make_call(const struct blocking_call *call)
{
	struct timespec sleep = { 1000, 0 }, remaining = { 0, 0 };
	struct pollfd pfd = { .fd = data_pipe[0], .events = POLLIN };
	char buf[16];
	siginfo_t si;
	int status;
	long r = -1;

	switch (call->nr) {
	case SYS_read:
		r = syscall(SYS_read, data_pipe[0], buf, sizeof(buf));
		break;
	case SYS_poll:
		r = syscall(SYS_poll, &pfd, 1, -1);
		break;
	case SYS_wait4:
		r = syscall(SYS_wait4, shared->grandchild, &status, 0, NULL);
		break;
	case SYS_waitid:
		r = syscall(SYS_waitid, P_PID, shared->grandchild, &si, WEXITED, NULL);
		break;
	case SYS_futex:
		r = syscall(SYS_futex, &shared->futex_word, FUTEX_WAIT, 0, NULL);
		break;
	case SYS_clock_nanosleep:
		r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &sleep,
			    &remaining);
		if (r < 0 && errno == EINTR)
			scn_report(report_pipe[1], "  remaining more than 900 s: %s",
				   remaining.tv_sec > 900 ? "yes" : "no");
		break;
	case SYS_pause:
		r = syscall(SYS_pause);
		break;
	}
	return r < 0 ? -errno : r;
}

static void __attribute__((noreturn))
child_main(const struct blocking_call *call, enum interruption how)
{
	char result[32];
	long r;

	scn_handle(SIGUSR1, count, 0);
	if (how == BY_HANDLER_RESTART || how == BY_HANDLER)
		scn_handle(SIGUSR2, count, how == BY_HANDLER_RESTART ? SA_RESTART : 0);
	if (call->completion == BY_GRANDCHILD || how == BY_IGNORED_SIGCHLD) {
		pid_t pid = fork();

		if (pid == 0) {
			char c;

			/* The printer reads reports until every writer is gone. */
			close(report_pipe[1]);
			(void)!read(grandchild_pipe[0], &c, 1);
			_exit(7);
		}
		shared->grandchild = pid;
	}
	scn_post(ready_pipe[1]);
	r = make_call(call);
	/* wait4 returns a pid, which the printer names. */
	if (call->nr == SYS_wait4 && r > 0)
		snprintf(result, sizeof(result), "{pid %ld}", r);
	else
		scn_raw_result(r, result);
	scn_report(report_pipe[1], "  %s returned %s; handlers ran: SIGUSR1 %d, SIGUSR2 %d",
		   call->name, result, shared->handled[SIGUSR1],
		   shared->handled[SIGUSR2]);
	_exit(0);
}

/*
 * After the interruption: the child either returns from the call (its report
 * arrives) or sleeps in a call again. Returns that call's number, or -1.
 */
static long await_outcome(pid_t child)
{
	char path[64], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)child);
	for (;;) {
		struct pollfd pfd = { .fd = report_pipe[0], .events = POLLIN };
		int fd;
		ssize_t n;

		if (poll(&pfd, 1, 1) > 0)
			return -1;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		scn_check(fd >= 0);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0 && buf[0] != 'r' && scn_proc_state(child) == 'S') {
			buf[n] = '\0';
			return strtol(buf, NULL, 10);
		}
	}
}

static void interrupt(pid_t child, enum interruption how)
{
	switch (how) {
	case BY_HANDLER_RESTART:
	case BY_HANDLER:
		kill(child, SIGUSR2);
		while (shared->handled[SIGUSR2] == 0)
			sched_yield();
		break;
	case BY_STOP_CONT:
		kill(child, SIGSTOP);
		/* 'T' natively; a traced task shows 't' (not compared here). */
		scn_wait_state(child, "Tt");
		kill(child, SIGCONT);
		break;
	case BY_IGNORED_SIGCHLD:
		scn_write_full(grandchild_pipe[1], "x", 1);
		scn_wait_state(shared->grandchild, "Z");
		break;
	}
}

static void complete(pid_t child, const struct blocking_call *call)
{
	switch (call->completion) {
	case BY_DATA:
		scn_write_full(data_pipe[1], "hello", 5);
		break;
	case BY_GRANDCHILD:
		scn_write_full(grandchild_pipe[1], "x", 1);
		break;
	case BY_FUTEX_WAKE:
		shared->futex_word = 1;
		syscall(SYS_futex, &shared->futex_word, FUTEX_WAKE, 1);
		break;
	case BY_SIGUSR1:
		kill(child, SIGUSR1);
		break;
	}
}

static void run_case(const struct blocking_call *call, enum interruption how)
{
	pid_t child;
	long nr;

	scn_say("%s, interrupted by a %s:", call->name, interruption_names[how]);
	memset(shared, 0, sizeof(*shared));
	scn_pipe(data_pipe, O_CLOEXEC);
	scn_pipe(grandchild_pipe, O_CLOEXEC);
	scn_pipe(report_pipe, O_CLOEXEC);
	scn_pipe(ready_pipe, O_CLOEXEC);
	child = scn_fork();
	if (child == 0)
		child_main(call, how);
	close(report_pipe[1]);
	scn_take(ready_pipe[0]);
	scn_wait_syscall(child, call->nr);
	interrupt(child, how);
	nr = await_outcome(child);
	if (nr >= 0 && how == BY_IGNORED_SIGCHLD) {
		/* Natively it never woke; traced, it went through a stop. */
		scn_say("  still asleep");
	} else if (nr >= 0) {
		scn_say("  asleep again in %s", syscall_name(nr));
	}
	if (nr >= 0)
		complete(child, call);
	scn_relay(report_pipe[0]);
	scn_wait_and_say(child, "  child");
	/* The grandchild, if it still waits, exits now; its parent is gone. */
	(void)!write(grandchild_pipe[1], "x", 1);
	for (int i = 0; i < 2; i++) {
		close(data_pipe[i]);
		close(grandchild_pipe[i]);
		close(ready_pipe[i]);
	}
	close(report_pipe[0]);
}

int main(void)
{
	scn_start(30);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	scn_check(shared != MAP_FAILED);
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++) {
		for (int how = BY_HANDLER_RESTART; how <= BY_IGNORED_SIGCHLD; how++) {
			/* The grandchild's exit would complete a wait by itself. */
			if (how == BY_IGNORED_SIGCHLD &&
			    calls[i].completion == BY_GRANDCHILD)
				continue;
			run_case(&calls[i], how);
		}
	}
	return 0;
}
