/*
 * Faults at chosen points (issue 6, "Faults"): a tracer SIGKILLed while its
 * tracee is in a given state, and a tracee SIGKILLed while it is frozen.
 * Every outcome here is deterministic, so the printer's transcript is
 * compared with the native run's (run.sh); random points are random.c's.
 *
 * The printer P0 forks a target T (in a process group of its own) and a
 * tracer X, siblings; X obeys the printer's commands (attach, wait, resume,
 * LISTEN...) and reports what it sees; the printer kills one of them at
 * the chosen point and then says what became of the others: their wait
 * statuses (each process's real parent sees each child exactly once: a
 * second wait must say ECHILD), whether T still stops for its signals
 * (a detached tracee must not), and its vfork child's fate.
 *
 * Linux's rules (kernel/ptrace.c:exit_ptrace(), __ptrace_unlink()): a dead
 * tracer's tracees are detached; one in a ptrace-stop its tracer reported
 * runs on without the signal; one whose SIGSTOP was not reported stops in a
 * group-stop; one in a group-stop (LISTEN or not) stays stopped; a SIGKILLed
 * tracee is reported to its tracer, then to its real parent, once each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt.h"

/* ---- the target T ---- */

struct target {
	pid_t pid;
	int cmd;	/* write end of its command pipe */
	int report;	/* read end of its report pipe */
	int release;	/* write end of the pipe its vfork child reads */
};

static int target_report_fd = -1;

static void on_target_signal(int sig)
{
	scn_report(target_report_fd, "  T: handler %s", scn_sig(sig));
}

/* 'v': a vfork child that waits for one byte (or EOF) and exits 4. */
static void target_vfork(int release)
{
	char byte;
	int status;
	pid_t child, again;

	child = vfork();
	if (child == 0) {
		/* Only raw system calls in a vfork child. */
		(void)syscall(SYS_read, release, &byte, 1);
		syscall(SYS_exit, 4);
	}
	if (child < 0) {
		scn_report(target_report_fd, "  T: vfork = -1 %s", scn_errno(errno));
		return;
	}
	while ((again = waitpid(child, &status, __WALL)) < 0 && errno == EINTR)
		;
	scn_report(target_report_fd, "  T: waitpid(vfork child) = %s %s",
		   again == child ? "child" : "?", pt_status(status));
	while ((again = waitpid(-1, &status, __WALL | WNOHANG)) < 0 && errno == EINTR)
		;
	scn_report(target_report_fd, "  T: waitpid(-1) again = %ld %s",
		   (long)again, again < 0 ? scn_errno(errno) : "");
}

static void __attribute__((noreturn)) target_loop(int cmd, int release)
{
	struct sigaction sa = { .sa_handler = on_target_signal,
				.sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	scn_report(target_report_fd, "  T: ready");
	for (;;) {
		switch (pt_next_command(cmd)) {
		case 'p':
			scn_report(target_report_fd, "  T: pong");
			break;
		case 's':
			syscall(SYS_kill, getpid(), SIGSTOP);
			break;
		case 'u':
			syscall(SYS_kill, getpid(), SIGUSR1);
			break;
		case 'v':
			target_vfork(release);
			break;
		case 0:
		case 'x':
			_exit(7);
		}
	}
}

static void target_start(struct target *t)
{
	int cmd[2], report[2], release[2];

	scn_pipe(cmd, O_CLOEXEC);
	scn_pipe(report, O_CLOEXEC);
	scn_pipe(release, 0);
	t->pid = scn_fork();
	if (t->pid == 0) {
		setpgid(0, 0);
		close(cmd[1]);
		close(report[0]);
		close(release[1]);
		target_report_fd = report[1];
		target_loop(cmd[0], release[0]);
	}
	setpgid(t->pid, t->pid);
	close(cmd[0]);
	close(report[1]);
	close(release[0]);
	t->cmd = cmd[1];
	t->report = report[0];
	t->release = release[1];
	scn_say("T is %s", scn_pid(t->pid));
	pt_relay_until(t->report, "  T: ready");
}

static void target_do(struct target *t, char cmd)
{
	scn_write_full(t->cmd, &cmd, 1);
	if (cmd == 'p')
		pt_relay_until(t->report, "  T: pong");
}

/* The printer reaps T, then checks that a second wait finds nothing. */
static void target_reap(struct target *t)
{
	int status;

	pt_wait_say(t->pid, __WALL, "wait(T)");
	scn_result("wait(T) again", waitpid(t->pid, &status, __WALL | WNOHANG));
	/* No child of the printer is left, zombie or not. */
	scn_result("wait(any)", waitpid(-1, &status, __WALL | WNOHANG));
	close(t->cmd);
	close(t->report);
	close(t->release);
}

static void target_end(struct target *t)
{
	target_do(t, 'x');
	target_reap(t);
}

/* ---- the tracer X ---- */

struct tracer_cmd {
	char op;	/* see tracer_loop() */
	pid_t pid;	/* 0: the target */
	unsigned long arg;
};

static int x_cmd[2], x_report[2];
static pid_t x_pid;

static void x_say(const char *what, long r)
{
	scn_report(x_report[1], "  X: %s = %ld %s", what, r,
		   r < 0 ? scn_errno(errno) : "");
}

static void x_wait(pid_t pid)
{
	int status;
	pid_t w;

	do
		w = waitpid(pid, &status, __WALL);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		scn_report(x_report[1], "  X: waitpid = -1 %s", scn_errno(errno));
	else
		scn_report(x_report[1], "  X: waitpid = {pid %d} %s", (int)w,
			   pt_status(status));
}

static void __attribute__((noreturn)) tracer_loop(pid_t target)
{
	struct tracer_cmd c;
	unsigned long msg;
	pid_t pid;

	close(x_cmd[1]);
	close(x_report[0]);
	while (scn_read_full(x_cmd[0], &c, sizeof(c))) {
		pid = c.pid ? c.pid : target;
		switch (c.op) {
		case 'a':
			x_say("PTRACE_ATTACH", pt_raw(PTRACE_ATTACH, pid, 0, 0));
			break;
		case 's':
			x_say("PTRACE_SEIZE", pt_raw(PTRACE_SEIZE, pid, 0, c.arg));
			break;
		case 'o':
			x_say("PTRACE_SETOPTIONS",
			      pt_raw(PTRACE_SETOPTIONS, pid, 0, c.arg));
			break;
		case 'c':
			x_say("PTRACE_CONT", pt_raw(PTRACE_CONT, pid, 0, c.arg));
			break;
		case 'y':
			x_say("PTRACE_SYSCALL", pt_raw(PTRACE_SYSCALL, pid, 0, c.arg));
			break;
		case 'l':
			x_say("PTRACE_LISTEN", pt_raw(PTRACE_LISTEN, pid, 0, 0));
			break;
		case 'i':
			x_say("PTRACE_INTERRUPT", pt_raw(PTRACE_INTERRUPT, pid, 0, 0));
			break;
		case 'e':
			msg = 0;
			if (pt_raw(PTRACE_GETEVENTMSG, pid, 0, (unsigned long)&msg) < 0)
				x_say("PTRACE_GETEVENTMSG", -1);
			else if (c.arg)	/* a pid */
				scn_report(x_report[1], "  X: eventmsg {pid %lu}", msg);
			else
				scn_report(x_report[1], "  X: eventmsg %#lx", msg);
			break;
		case 'w':
			x_wait(pid);
			break;
		case 'h': {
			int status = 0;
			long r = waitpid(pid, &status, __WALL | WNOHANG);

			scn_report(x_report[1], "  X: waitpid(WNOHANG) = %s %s",
				   r > 0 ? "T" : r == 0 ? "0" : scn_errno(errno),
				   r > 0 ? pt_status(status) : "");
			break;
		}
		case 'W':
			/* Blocks: the printer kills X in its wait. */
			scn_report(x_report[1], "  X: waiting");
			x_wait(pid);
			break;
		case 'n': {
			siginfo_t si;
			long r;

			memset(&si, 0, sizeof(si));
			r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | __WALL);
			scn_report(x_report[1],
				   "  X: waitid(WEXITED|WNOWAIT) = %ld %s: %s status %d",
				   r, r < 0 ? scn_errno(errno) : "",
				   scn_si_code(SIGCHLD, si.si_code), si.si_status);
			break;
		}
		}
	}
	_exit(0);
}

static void tracer_start(pid_t target)
{
	scn_pipe(x_cmd, O_CLOEXEC);
	scn_pipe(x_report, O_CLOEXEC);
	x_pid = scn_fork();
	if (x_pid == 0)
		tracer_loop(target);
	close(x_cmd[0]);
	close(x_report[1]);
	scn_say("X is %s", scn_pid(x_pid));
}

/* A command to X about @pid (0: T) and its report line. */
static void x_do_pid(char op, pid_t pid, unsigned long arg)
{
	struct tracer_cmd c = { .op = op, .pid = pid, .arg = arg };

	scn_write_full(x_cmd[1], &c, sizeof(c));
	scn_check(scn_relay_line(x_report[0]));
}

static void x_do(char op, unsigned long arg)
{
	x_do_pid(op, 0, arg);
}

/* X's PTRACE_GETEVENTMSG of a new child's pid, as a number. */
static pid_t x_new_child(void)
{
	struct tracer_cmd c = { .op = 'e', .arg = 1 };
	char line[512];
	unsigned long pid;

	scn_write_full(x_cmd[1], &c, sizeof(c));
	scn_check(scn_read_line(x_report[0], line, sizeof(line)));
	scn_check(sscanf(line, "  X: eventmsg {pid %lu}", &pid) == 1);
	scn_say("  X: eventmsg %s", scn_pid((pid_t)pid));
	return (pid_t)pid;
}

static void x_kill(void)
{
	scn_say("-- SIGKILL to X");
	scn_check(kill(x_pid, SIGKILL) == 0);
	pt_wait_say(x_pid, 0, "wait(X)");
	close(x_cmd[1]);
	close(x_report[0]);
}

static void x_exit(void)
{
	close(x_cmd[1]);
	pt_wait_say(x_pid, 0, "wait(X)");
	close(x_report[0]);
}

/*
 * After X's death: T runs on untraced (a SIGUSR1 reaches its handler and
 * stops nothing), then exits 7.
 */
static void target_untraced_end(struct target *t)
{
	target_do(t, 'p');
	target_do(t, 'u');
	pt_relay_until(t->report, "  T: handler SIGUSR1");
	target_end(t);
}

/* Polls up to 2 s for @pid to stop; the state as "stopped" or its letter. */
static void say_stopped_soon(pid_t pid, const char *who)
{
	char state = 0;

	for (int i = 0; i < 2000; i++) {
		state = scn_proc_state(pid);
		if (state == 't' || state == 'T')
			break;
		usleep(1000);
	}
	if (state == 't' || state == 'T')
		scn_say("%s: stopped", who);
	else
		scn_say("%s: state %c", who, state ? state : '0');
}

/* ---- a tracer killed ---- */

static void case_tracer_mid_signal_stop(void)
{
	struct target t;

	scn_say("-- T in a SIGUSR1 signal-delivery-stop X reported");
	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 'u');
	x_do('w', 0);
	x_kill();
	scn_say("-- T runs on without the signal");
	target_untraced_end(&t);

	scn_say("-- T in a SIGUSR1 signal-delivery-stop X did not report");
	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 'u');
	scn_wait_state(t.pid, "t");
	x_kill();
	scn_say("-- T gets the signal");
	pt_relay_until(t.report, "  T: handler SIGUSR1");
	target_untraced_end(&t);

	scn_say("-- T attached, its SIGSTOP not reported");
	target_start(&t);
	tracer_start(t.pid);
	x_do('a', 0);
	scn_wait_state(t.pid, "t");
	x_kill();
	scn_say("-- T stops in a group-stop");
	pt_wait_say(t.pid, WUNTRACED, "wait(T, WUNTRACED)");
	kill(t.pid, SIGCONT);
	pt_wait_say(t.pid, WCONTINUED, "wait(T, WCONTINUED)");
	target_untraced_end(&t);
}

static void case_tracer_mid_syscall_stop(void)
{
	struct target t;

	target_start(&t);
	tracer_start(t.pid);
	scn_wait_syscall(t.pid, SYS_read);
	x_do('s', PTRACE_O_TRACESYSGOOD);
	x_do('i', 0);
	x_do('w', 0);
	x_do('y', 0);
	x_do('w', 0);
	scn_say("-- T in a syscall-enter-stop");
	x_kill();
	target_untraced_end(&t);
}

static void case_tracer_mid_wait(void)
{
	struct target t;

	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	x_do('W', 0);
	scn_wait_state(x_pid, "S");
	scn_say("-- X blocked in waitpid(T)");
	x_kill();
	target_untraced_end(&t);
}

static void case_tracer_during_listen(void)
{
	struct target t;

	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 's');
	x_do('w', 0);
	x_do('c', SIGSTOP);
	x_do('w', 0);
	x_do('l', 0);
	scn_say("-- T in a group-stop, X in PTRACE_LISTEN");
	x_kill();
	scn_say("-- T stays stopped until SIGCONT");
	pt_wait_say(t.pid, WUNTRACED | WNOHANG, "wait(T, WUNTRACED|WNOHANG)");
	say_stopped_soon(t.pid, "T");
	kill(t.pid, SIGCONT);
	pt_wait_say(t.pid, WCONTINUED, "wait(T, WCONTINUED)");
	target_untraced_end(&t);
}

/*
 * T vforks C while X traces T with TRACEVFORK; X dies while T waits for C.
 * @how: 'r' X resumed C; 'h' X left C in its first stop (seized: an event
 * stop, which detaching ends); 'a' X attached (not seized) T, so C's first
 * stop is a SIGSTOP X never reported: C stops in a group-stop, and T stays
 * in vfork until C gets SIGCONT.
 */
static void tracer_during_vfork(char how)
{
	unsigned long opts = PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE;
	struct target t;
	pid_t c;

	target_start(&t);
	tracer_start(t.pid);
	if (how == 'a') {
		x_do('a', 0);
		x_do('w', 0);
		x_do('o', opts);
		x_do('c', 0);
	} else {
		x_do('s', opts);
	}
	target_do(&t, 'v');
	x_do('w', 0);
	c = x_new_child();
	if (how == 'r') {
		x_do_pid('w', c, 0);
		x_do_pid('c', c, 0);
	} else if (how == 'a') {
		scn_wait_state(c, "t");
	}
	x_do('c', 0);
	scn_wait_state(t.pid, "D");
	scn_say("-- T in vfork");
	x_kill();
	if (how == 'a') {
		say_stopped_soon(c, "C");
		kill(c, SIGCONT);
	}
	scn_post(t.release);
	pt_relay_until(t.report, "  T: waitpid(-1) again = -1 ECHILD");
	target_untraced_end(&t);
}

static void case_tracer_during_vfork(void)
{
	scn_say("-- X resumed the vfork child");
	tracer_during_vfork('r');
	scn_say("-- the vfork child in its first stop");
	tracer_during_vfork('h');
	scn_say("-- X attached: the vfork child's SIGSTOP not reported");
	tracer_during_vfork('a');
}

/* ---- a frozen tracee killed ---- */

/* SIGKILL to T; X reaps it, then the printer: once each. */
static void kill_target_frozen(struct target *t)
{
	scn_say("-- SIGKILL to T");
	scn_check(kill(t->pid, SIGKILL) == 0);
	x_do('w', 0);
	x_do('w', 0);
	x_exit();
	target_reap(t);
}

static void case_tracee_killed_in_ptrace_stop(void)
{
	struct target t;

	scn_say("-- in a signal-delivery-stop");
	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 'u');
	x_do('w', 0);
	kill_target_frozen(&t);

	scn_say("-- in its attach stop, not reported");
	target_start(&t);
	tracer_start(t.pid);
	x_do('a', 0);
	scn_wait_state(t.pid, "t");
	kill_target_frozen(&t);

	scn_say("-- in a syscall-enter-stop");
	target_start(&t);
	tracer_start(t.pid);
	scn_wait_syscall(t.pid, SYS_read);
	x_do('s', PTRACE_O_TRACESYSGOOD);
	x_do('i', 0);
	x_do('w', 0);
	x_do('y', 0);
	x_do('w', 0);
	kill_target_frozen(&t);
}

static void case_tracee_killed_in_group_stop(void)
{
	struct target t;

	for (int listen = 0; listen < 2; listen++) {
		scn_say(listen ? "-- in a group-stop, X in LISTEN"
			       : "-- in a group-stop");
		target_start(&t);
		tracer_start(t.pid);
		x_do('s', 0);
		target_do(&t, 's');
		x_do('w', 0);
		x_do('c', SIGSTOP);
		x_do('w', 0);
		if (listen)
			x_do('l', 0);
		pt_wait_say(t.pid, WUNTRACED, "wait(T, WUNTRACED)");
		kill_target_frozen(&t);
	}

	scn_say("-- untraced, in a group-stop, then attached");
	target_start(&t);
	target_do(&t, 's');
	pt_wait_say(t.pid, WUNTRACED, "wait(T, WUNTRACED)");
	tracer_start(t.pid);
	x_do('a', 0);
	x_do('w', 0);
	kill_target_frozen(&t);
}

static void case_tracee_killed_at_exit(void)
{
	struct target t;

	/*
	 * An exit_group() has begun the group's exit: prepare_signal() drops
	 * the SIGKILL, and the tracee stays in its stop until resumed.
	 */
	scn_say("-- in its PTRACE_EVENT_EXIT stop");
	target_start(&t);
	tracer_start(t.pid);
	x_do('s', PTRACE_O_TRACEEXIT);
	target_do(&t, 'x');
	x_do('w', 0);
	x_do('e', 0);
	scn_result("kill(T, SIGKILL)", kill(t.pid, SIGKILL));
	usleep(100 * 1000);	/* not an order: time for a wrong wake-up */
	x_do('h', 0);
	x_do('c', 0);
	x_do('w', 0);
	x_do('w', 0);
	x_exit();
	target_reap(&t);

	scn_say("-- exited, X has not reaped it");
	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 'x');
	x_do('n', 0);
	scn_result("kill(T, SIGKILL)", kill(t.pid, SIGKILL));
	x_do('w', 0);
	x_do('w', 0);
	x_exit();
	target_reap(&t);

	scn_say("-- exited, X has not reaped it; X dies");
	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 'x');
	x_do('n', 0);
	scn_result("kill(T, SIGKILL)", kill(t.pid, SIGKILL));
	x_kill();
	target_reap(&t);
}

/*
 * Linux reports a killed tracee to its tracer before its real parent: the
 * real parent's wait cannot see the zombie until the tracer has reaped it.
 */
static void case_tracee_killed_order(void)
{
	struct target t;
	siginfo_t si;

	target_start(&t);
	tracer_start(t.pid);
	x_do('s', 0);
	target_do(&t, 'u');
	x_do('w', 0);
	scn_check(kill(t.pid, SIGKILL) == 0);
	/* Natively a zombie at once; ptvisor holds it at its exit stop (t). */
	scn_wait_state(t.pid, "Zt0");
	usleep(100 * 1000);	/* not an order: time for a wrong report */
	memset(&si, 0, sizeof(si));
	scn_result("waitid(T, WEXITED|WNOHANG|WNOWAIT)",
		   waitid(P_PID, (id_t)t.pid, &si, WEXITED | WNOHANG | WNOWAIT));
	scn_say("  si_pid: %s", scn_pid(si.si_pid));
	x_do('w', 0);
	x_exit();
	target_reap(&t);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "tracer-mid-signal-stop", case_tracer_mid_signal_stop },
		{ "tracer-mid-syscall-stop", case_tracer_mid_syscall_stop },
		{ "tracer-mid-wait", case_tracer_mid_wait },
		{ "tracer-during-listen", case_tracer_during_listen },
		{ "tracer-during-vfork", case_tracer_during_vfork },
		{ "tracee-in-ptrace-stop", case_tracee_killed_in_ptrace_stop },
		{ "tracee-in-group-stop", case_tracee_killed_in_group_stop },
		{ "tracee-at-exit", case_tracee_killed_at_exit },
		{ "tracee-kill-order", case_tracee_killed_order },
	};

	/* Orphans come back to the printer, which must reap them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		scn_die("PR_SET_CHILD_SUBREAPER");
	return pt_main(argc, argv, cases, PT_NCASES(cases), 30);
}
