/*
 * Orphans of traced processes (issue #3, lifecycle). When the last thread
 * of a group exits, its children go to the nearest ancestor in its pid
 * namespace that is a child subreaper (prctl(PR_SET_CHILD_SUBREAPER)), else
 * to the namespace's init, at the tail of that one's children, with SIGCHLD
 * as their exit signal (kernel/exit.c: forget_original_parent(),
 * find_new_reaper(), reparent_leader()). ptvisor is no subreaper: without a
 * guest subreaper an orphan leaves the tree, as it does natively.
 *
 * In each case the printer's child S traces A (PTRACE_TRACEME) with
 * PTRACE_O_TRACEFORK; A forks B, S's tracee too, and exits.
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "pt.h"

static int report_fd;

#define say(...) scn_report(report_fd, __VA_ARGS__)

/* "ptrace(...) = R" or "= -1 ENAME", for the report pipe. */
static long try(const char *what, long request, pid_t pid, unsigned long data)
{
	return pt_report_call(report_fd, what, request, pid, data);
}

/* wait4(), reporting the pid and status it returns. */
static pid_t wait_say(pid_t pid, int flags, const char *what)
{
	return pt_report_wait4(report_fd, pid, flags, what, true);
}

/* Waits until @pid can be reported as exited, without reaping it. */
static void wait_exited(pid_t pid)
{
	siginfo_t si;
	int r;

	do
		r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | __WALL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		scn_die("waitid(%d): %s", (int)pid, scn_errno(errno));
}

/* B exits at once (7) instead of waiting for A's exit. */
static bool b_exits_at_once;

/*
 * A: TRACEME, a byte on @sync, SIGSTOP; then forks B and exits 4. B, once
 * A is gone, exits 9 if its parent is now A's parent, 8 if not.
 */
static int tracee_a(int sync)
{
	pid_t self = getpid(), s = getppid();

	pt_traceme_then_post(sync);
	kill(self, SIGSTOP);
	if (fork() == 0) {
		/* B: stopped at birth; runs once let go. */
		if (b_exits_at_once)
			_exit(7);
		while (getppid() == self)
			usleep(1000);
		_exit(getppid() == s ? 9 : 8);
	}
	return 4;
}

/*
 * S forks A and follows it to its fork: A's stops and B's first are
 * reported; returns A and B.
 */
static void start(pid_t *a, pid_t *b)
{
	unsigned long msg = 0;
	int sync[2];

	scn_block(SIGCHLD, true);
	scn_pipe(sync, O_CLOEXEC);
	*a = fork();
	if (*a < 0)
		scn_die("fork");
	if (*a == 0) {
		close(sync[0]);
		_exit(tracee_a(sync[1]));
	}
	close(sync[1]);
	scn_take(sync[0]);
	close(sync[0]);
	wait_say(*a, 0, "wait4(A)");
	try("SETOPTIONS(A, TRACEFORK)", PTRACE_SETOPTIONS, *a,
	    PTRACE_O_TRACEFORK);
	try("CONT(A)", PTRACE_CONT, *a, 0);
	wait_say(*a, 0, "wait4(A)");
	pt_raw(PTRACE_GETEVENTMSG, *a, 0, (unsigned long)&msg);
	*b = (pid_t)msg;
	say("GETEVENTMSG(A) = {pid %d}", (int)*b);
	wait_say(*b, __WALL, "wait4(B, __WALL)");
}

/* A exits and is reaped: B is an orphan now. */
static void a_exits(pid_t a)
{
	try("CONT(A)", PTRACE_CONT, a, 0);
	wait_say(a, 0, "wait4(A)");
}

/* S makes itself a child subreaper. */
static void be_subreaper(void)
{
	scn_report_result(report_fd, "prctl(PR_SET_CHILD_SUBREAPER, 1)",
			  prctl(PR_SET_CHILD_SUBREAPER, 1));
}

/* After A's exit B exits, and S, its tracer, waits for any child twice. */
static void orphan_exits(void)
{
	pid_t a, b;

	start(&a, &b);
	a_exits(a);
	try("CONT(B)", PTRACE_CONT, b, 0);
	wait_say(-1, __WALL, "wait4(-1, __WALL)");
	wait_say(-1, __WALL | WNOHANG, "wait4(-1, __WALL|WNOHANG)");
}

/*
 * S is a subreaper: B, its tracee, becomes its child too, and its exit is
 * reported once (the model, which took B's parent for gone, reported it
 * again as the real parent's).
 */
static void case_traced_orphan(int fd)
{
	report_fd = fd;
	be_subreaper();
	orphan_exits();
}

/*
 * The orphan goes to the tail of its reaper's children: after C, which S
 * forked after B was born. Both are dead when S waits for any child: C
 * first, then B.
 */
static void case_adopted_at_tail(int fd)
{
	pid_t a, b, c;

	report_fd = fd;
	be_subreaper();
	start(&a, &b);
	c = fork();
	if (c < 0)
		scn_die("fork");
	if (c == 0)
		_exit(5);
	say("S forked C {pid %d}", (int)c);
	a_exits(a);
	try("CONT(B)", PTRACE_CONT, b, 0);
	wait_exited(b);
	wait_exited(c);
	wait_say(-1, __WALL, "wait4(-1, __WALL)");
	wait_say(-1, __WALL, "wait4(-1, __WALL)");
	wait_say(-1, __WALL | WNOHANG, "wait4(-1, __WALL|WNOHANG)");
}

enum b_end { B_KILLED, B_EXITED, B_AT_EXIT_STOP };

/*
 * B, S's tracee, dies while A lives. Then A exits, and B goes to S, its
 * tracer: S reaps it once. Killed, B passes no exit stop (the supervisor
 * reaps it on the host at once, and the host gives it to A, then to S;
 * S sees it dead, WNOWAIT, before A exits: kill(2) returns before);
 * exited, the supervisor holds its exit until the adoption; with
 * PTRACE_O_TRACEEXIT, B is in its exit stop at the adoption (held for S
 * while A was its parent) and exits once S resumes it.
 */
static void orphaned_to_tracer(int fd, enum b_end end)
{
	pid_t a, b;

	report_fd = fd;
	be_subreaper();
	b_exits_at_once = end != B_KILLED;
	start(&a, &b);
	if (end == B_AT_EXIT_STOP)
		try("SETOPTIONS(B, TRACEEXIT)", PTRACE_SETOPTIONS, b,
		    PTRACE_O_TRACEEXIT);
	if (end == B_KILLED) {
		say("kill(B, SIGKILL) = %d", kill(b, SIGKILL));
		/* Dead before A exits, which SIGKILL's return does not say. */
		wait_exited(b);
	} else {
		try("CONT(B)", PTRACE_CONT, b, 0);
		if (end == B_AT_EXIT_STOP)
			wait_say(b, __WALL, "wait4(B, __WALL)");
		else
			wait_exited(b);
	}
	a_exits(a);
	if (end == B_AT_EXIT_STOP) {
		try("CONT(B)", PTRACE_CONT, b, 0);
		wait_exited(b);
	}
	wait_say(-1, __WALL | WNOHANG, "wait4(-1, __WALL|WNOHANG)");
	wait_say(-1, __WALL | WNOHANG, "wait4(-1, __WALL|WNOHANG)");
}

static void case_killed_orphan_to_tracer(int fd)
{
	orphaned_to_tracer(fd, B_KILLED);
}

static void case_exited_orphan_to_tracer(int fd)
{
	orphaned_to_tracer(fd, B_EXITED);
}

static void case_exit_stopped_orphan_to_tracer(int fd)
{
	orphaned_to_tracer(fd, B_AT_EXIT_STOP);
}

/*
 * S is not a subreaper: B goes above it, out of the tree. S, its tracer
 * only, reaps its exit; then nothing is left for S.
 */
static void case_orphan_leaves(int fd)
{
	report_fd = fd;
	orphan_exits();
}

/*
 * A subreaper below another: S's child M, a subreaper too, is the one that
 * traces A and B here; B goes to the nearest, M, and M's wait reports its
 * exit once. S finds nothing of B.
 */
static void case_nearest(int fd)
{
	pid_t m;
	int sync[2], go[2];

	report_fd = fd;
	be_subreaper();
	scn_block(SIGCHLD, true);
	scn_pipe(sync, O_CLOEXEC);
	scn_pipe(go, O_CLOEXEC);
	m = fork();
	if (m < 0)
		scn_die("fork");
	if (m == 0) {
		pid_t a, b;

		close(sync[0]);
		close(go[1]);
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		start(&a, &b);
		a_exits(a);
		try("M: CONT(B)", PTRACE_CONT, b, 0);
		scn_post(sync[1]);
		scn_take(go[0]);
		wait_say(-1, __WALL, "M: wait4(-1, __WALL)");
		wait_say(-1, __WALL | WNOHANG, "M: wait4(-1, __WALL|WNOHANG)");
		_exit(0);
	}
	close(sync[1]);
	close(go[0]);
	scn_take(sync[0]);
	say("S: M {pid %d} let B go", (int)m);
	scn_post(go[1]);
	wait_say(m, 0, "S: wait4(M)");
	wait_say(-1, __WALL | WNOHANG, "S: wait4(-1, __WALL|WNOHANG)");
}

/*
 * S sets PR_SET_CHILD_SUBREAPER through the i386 entry point (int 0x80),
 * where prctl reads the low 32 bits of its argument (compat): @arg2 is 1
 * (S is a subreaper, B its child once A is gone) or 1 << 32 (0 there: B
 * leaves the tree).
 */
static void i386_subreaper_then_orphan(long arg2)
{
	if (!scn_have_int80()) {
		say("int 0x80 not available");
		return;
	}
	say("int 0x80: prctl(PR_SET_CHILD_SUBREAPER, %s) = %ld",
	    arg2 == 1 ? "1" : "1 << 32", scn_int80(SCN_I386_prctl, PR_SET_CHILD_SUBREAPER, arg2, 0, 0, 0));
	orphan_exits();
}

static void case_i386(int fd)
{
	report_fd = fd;
	i386_subreaper_then_orphan(1);
}

static void case_i386_high_half(int fd)
{
	report_fd = fd;
	i386_subreaper_then_orphan(1L << 32);
}

static void traced_orphan(void)
{
	scn_in_child("a subreaper's tracee orphaned to it", case_traced_orphan);
}

static void i386(void)
{
	scn_in_child("a subreaper made through int 0x80", case_i386);
}

static void i386_high_half(void)
{
	scn_in_child("int 0x80's prctl reads the low half", case_i386_high_half);
}

static void adopted_at_tail(void)
{
	scn_in_child("an orphan goes after its reaper's children",
		     case_adopted_at_tail);
}

static void killed_orphan_to_tracer(void)
{
	scn_in_child("a killed tracee's zombie orphaned to its tracer",
		     case_killed_orphan_to_tracer);
}

static void exited_orphan_to_tracer(void)
{
	scn_in_child("an exited tracee's zombie orphaned to its tracer",
		     case_exited_orphan_to_tracer);
}

static void exit_stopped_orphan_to_tracer(void)
{
	scn_in_child("a tracee in its exit stop orphaned to its tracer",
		     case_exit_stopped_orphan_to_tracer);
}

static void orphan_leaves(void)
{
	scn_in_child("no subreaper: the orphan leaves the tree",
		     case_orphan_leaves);
}

static void nearest(void)
{
	scn_in_child("the nearest subreaper adopts", case_nearest);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "traced-orphan", traced_orphan },
		{ "adopted-at-tail", adopted_at_tail },
		{ "killed-orphan-to-tracer", killed_orphan_to_tracer },
		{ "exited-orphan-to-tracer", exited_orphan_to_tracer },
		{ "exit-stopped-orphan-to-tracer", exit_stopped_orphan_to_tracer },
		{ "orphan-leaves", orphan_leaves },
		{ "nearest", nearest },
		{ "i386", i386 },
		{ "i386-high-half", i386_high_half },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
