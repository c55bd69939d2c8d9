/*
 * PTRACE_EVENT_* stops (issue #3, item 3):
 *  - fork, vfork, clone: the event message is the new task's id; the new
 *    task is auto-attached and starts with SIGSTOP (ATTACH/TRACEME tracer)
 *    or in a PTRACE_EVENT_STOP (SEIZE); a tracer may wait for a traced
 *    clone thread without __WALL (Linux 4.7);
 *  - clone with CLONE_PTRACE: the child of a traced task is traced by the
 *    same tracer without any option or event (CLONE_UNTRACED too);
 *  - vfork-done: the message is the child's id too;
 *  - vfork-child-killed-traced-elsewhere: a vfork child whose tracer is
 *    not its parent, killed before it execs: its parent leaves vfork(2),
 *    and gets its SIGCHLD only when the tracer reaps it (a known
 *    difference inside);
 *  - exec: the message is the former thread id; without PTRACE_O_TRACEEXEC
 *    an ATTACH/TRACEME tracee gets a SIGTRAP after exec (SI_USER from
 *    itself), a seized one nothing;
 *  - exit: the message is the wait status the tracee will have.
 * The real parent of an auto-attached child reaps it after the tracer did.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt.h"

static int report_pipe[2], go_pipe[2], sync_pipe[2];

static void open_pipes(void)
{
	scn_pipe(report_pipe, O_CLOEXEC);
	scn_pipe(go_pipe, O_CLOEXEC);
	scn_pipe(sync_pipe, O_CLOEXEC);
}

/* In a child: keep only the ends a child uses. */
static void child_ends(void)
{
	close(report_pipe[0]);
	close(go_pipe[1]);
	close(sync_pipe[0]);
}

/* In the tracer: the child is gone, its reports are relayed. */
static void close_pipes(void)
{
	close(report_pipe[1]);
	scn_relay(report_pipe[0]);
	close(report_pipe[0]);
	close(go_pipe[0]);
	close(go_pipe[1]);
	close(sync_pipe[0]);
	close(sync_pipe[1]);
}

static void traceme_and_stop(void)
{
	child_ends();
	pt_traceme_then_post(sync_pipe[1]);
	kill(getpid(), SIGSTOP);
}

/* The child's SIGSTOP after TRACEME: set @options and let it run. */
static void first_stop(pid_t child, unsigned long options)
{
	scn_take(sync_pipe[0]);
	pt_wait_say(child, 0, "wait");
	pt_must(PTRACE_SETOPTIONS, child, 0, options);
	pt_must(PTRACE_CONT, child, 0, 0);
}

/*
 * The real parent's SIGCHLD for a child the tracer reaped: a
 * signal-delivery-stop, resumed with the signal.
 */
static void sigchld_stop(pid_t child)
{
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "  tracer");
	pt_must(PTRACE_CONT, child, 0, SIGCHLD);
}

static void say_eventmsg(pid_t pid)
{
	scn_say("  GETEVENTMSG: %s", scn_pid((pid_t)pt_eventmsg(pid)));
}

/* The real parent's wait for its child, reported to the printer. */
static void child_waits(pid_t pid)
{
	int status;
	pid_t r;

	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		scn_report(report_pipe[1], "  child: waitpid = -1 %s",
			   scn_errno(errno));
	else
		scn_report(report_pipe[1], "  child: waitpid = {pid %d} %s",
			   (int)r, pt_status(status));
}

/* ---------------------------------------------------------------------- */

static int fork_main(void *arg)
{
	pid_t g;

	(void)arg;
	traceme_and_stop();
	g = fork();
	if (g == 0)
		_exit(7);
	scn_report(report_pipe[1], "  child: fork() = {pid %d}", (int)g);
	child_waits(g);
	return 0;
}

static void case_fork(void)
{
	pid_t child, g;

	open_pipes();
	child = pt_spawn(fork_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEFORK);
	pt_wait_say(child, 0, "wait");
	g = (pid_t)pt_eventmsg(child);
	scn_say("  GETEVENTMSG: %s", scn_pid(g));
	pt_wait_say(g, 0, "wait(grandchild)");
	pt_say_siginfo(g, "  tracer");
	pt_must(PTRACE_CONT, g, 0, 0);
	scn_say("-- the tracer sees the grandchild's exit first");
	pt_wait_say(g, 0, "wait(grandchild)");
	pt_must(PTRACE_CONT, child, 0, 0);
	sigchld_stop(child);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

/* ---------------------------------------------------------------------- */

static int vfork_main(void *arg)
{
	pid_t g;

	(void)arg;
	traceme_and_stop();
	g = vfork();
	if (g == 0)
		_exit(8);
	scn_report(report_pipe[1], "  child: vfork() = {pid %d}", (int)g);
	child_waits(g);
	return 0;
}

static void case_vfork(void)
{
	pid_t child, g;

	open_pipes();
	child = pt_spawn(vfork_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE);
	pt_wait_say(child, 0, "wait");
	g = (pid_t)pt_eventmsg(child);
	scn_say("  GETEVENTMSG: %s", scn_pid(g));
	pt_wait_say(g, 0, "wait(grandchild)");
	scn_say("-- the parent resumed first: it waits for the vfork child");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_must(PTRACE_CONT, g, 0, 0);
	pt_wait_say(child, 0, "wait");
	say_eventmsg(child);
	pt_wait_say(g, 0, "wait(grandchild)");
	pt_must(PTRACE_CONT, child, 0, 0);
	sigchld_stop(child);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

/*
 * C, the printer's child, untraced, vforks F, which the printer attaches
 * (its tracer, not its real parent) and kills before F execs. Linux: C's
 * vfork returns at F's mm_release() (exit_mm(), before exit_notify()), and
 * C gets F's SIGCHLD only when the printer, F's tracer, reaps F
 * (kernel/exit.c: wait_task_zombie(), do_notify_parent() for the real
 * parent). Inside, the supervisor does not hold such a child at its host
 * exit stop (it would keep C in vfork(2)): its exit goes on, the host's
 * reap (the supervisor's, F's host tracer) sends C its SIGCHLD at once
 * (ptfuzz seed 7 at 3000 steps in events mode, step 2658).
 */
static int vfork_parent_main(void *arg)
{
	sigset_t set;
	int *fds = arg;	/* F's pid out, C's reports out, go in */
	pid_t f;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	f = vfork();
	if (f == 0) {
		pid_t self = getpid();

		if (write(fds[0], &self, sizeof(self)) != sizeof(self))
			_exit(1);
		for (;;)
			pause();
	}
	for (int i = 0; i < 2; i++) {
		scn_take(fds[2]);
		sigpending(&set);
		scn_report(fds[1], "  C: SIGCHLD %s",
			   sigismember(&set, SIGCHLD) ? "pending" : "not pending");
	}
	return 0;
}

static void case_vfork_child_killed_traced_elsewhere(void)
{
	int fpid[2], rep[2], go[2], fds[3];
	pid_t c, f;

	scn_pipe(fpid, O_CLOEXEC);
	scn_pipe(rep, O_CLOEXEC);
	scn_pipe(go, O_CLOEXEC);
	fds[0] = fpid[1];
	fds[1] = rep[1];
	fds[2] = go[0];
	c = pt_spawn(vfork_parent_main, fds);
	scn_check(scn_read_full(fpid[0], &f, sizeof(f)));
	scn_track_child(f);
	scn_say("C is %s, its vfork child F is %s", scn_pid(c), scn_pid(f));
	scn_wait_syscall(f, SYS_pause);
	pt_say("PTRACE_ATTACH(F)", PTRACE_ATTACH, f, 0, 0);
	pt_wait_say(f, __WALL, "wait(F)");
	pt_must(PTRACE_CONT, f, 0, 0);
	scn_wait_syscall(f, SYS_pause);
	scn_say("-- F killed");
	kill(f, SIGKILL);
	pt_waitid_say(P_PID, f, WEXITED | WNOWAIT | __WALL,
		      "waitid(F, WEXITED|WNOWAIT)");
	scn_post(go[1]);
	scn_check(scn_relay_line(rep[0]));
	pt_wait_say(f, __WALL, "wait(F)");
	scn_post(go[1]);
	scn_check(scn_relay_line(rep[0]));
	pt_wait_say(c, 0, "wait(C)");
	close(fpid[0]);
	close(fpid[1]);
	close(rep[0]);
	close(rep[1]);
	close(go[0]);
	close(go[1]);
}

/*
 * C, seized without PTRACE_O_TRACEVFORKDONE, is interrupted while it waits
 * for its vfork child F: the trap comes once F has exited and C leaves
 * vfork(2) (kernel/signal.c: get_signal(), do_jobctl_trap()). Inside, the
 * host stops C at its PTRACE_EVENT_VFORK_DONE (the supervisor always asks
 * for it), and any ptrace-stop clears a pending INTERRUPT trap
 * (ptrace_stop(): "any trap clears pending STOP trap"): C ran on (ptfuzz
 * seed 296 in events mode, step 797).
 */
/* A signal C catches (with a handler that does nothing), or 0. */
static int vfork_parent_catches;

static void on_caught(int sig)
{
	(void)sig;
}

static int vfork_interrupted_main(void *arg)
{
	int *fd = arg;	/* F's pid out */
	pid_t f;

	if (vfork_parent_catches)
		signal(vfork_parent_catches, on_caught);
	f = vfork();

	if (f == 0) {
		pid_t self = getpid();

		if (write(*fd, &self, sizeof(self)) != sizeof(self))
			_exit(1);
		for (;;)
			pause();
	}
	for (;;)
		pause();
	return 0;
}

/*
 * Starts C (vfork_interrupted_main()); returns once C's vfork child, *@f,
 * sleeps in pause(2).
 */
static pid_t start_vfork_parent(pid_t *f)
{
	int fpid[2];
	pid_t c;

	scn_pipe(fpid, O_CLOEXEC);
	c = pt_spawn(vfork_interrupted_main, &fpid[1]);
	scn_check(scn_read_full(fpid[0], f, sizeof(*f)));
	close(fpid[0]);
	close(fpid[1]);
	scn_track_child(*f);
	scn_say("C is %s, its vfork child F is %s", scn_pid(c), scn_pid(*f));
	scn_wait_syscall(*f, SYS_pause);
	return c;
}

static void case_vfork_parent_interrupted(void)
{
	pid_t f, c = start_vfork_parent(&f);

	pt_say("PTRACE_SEIZE(C)", PTRACE_SEIZE, c, 0, 0);
	pt_say("PTRACE_INTERRUPT(C)", PTRACE_INTERRUPT, c, 0, 0);
	scn_say("-- F killed: C leaves vfork(2)");
	kill(f, SIGKILL);
	/*
	 * C traps ('t'); inside, on its way out of vfork(2) it passes a
	 * host stop and may show 'S' in pause(2) a moment before the
	 * supervisor's interrupt traps it (design note 44): waiting for 'S'
	 * too let the WNOHANG wait find nothing under load. Nested, the
	 * host's own stop on that way shows 't' too: the stop is awaited
	 * with WNOWAIT first (natively there at once; a lost interrupt
	 * hangs here, and the watchdog ends the run).
	 */
	scn_wait_state(c, "t");
	for (;;) {
		siginfo_t si = { .si_pid = 0 };
		struct timespec ms = { 0, 1000000 };

		scn_check(waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOHANG |
				 WNOWAIT | __WALL) == 0);
		if (si.si_pid == c)
			break;
		nanosleep(&ms, NULL);
	}
	pt_wait_say(c, WNOHANG | __WALL, "wait(C, WNOHANG)");
	kill(c, SIGKILL);
	pt_wait_say(c, __WALL, "wait(C)");
}

/*
 * C, untraced, waits in vfork(2) for F; SIGTERM (default action) to C
 * kills its group at once (kernel/signal.c:complete_signal() gives every
 * thread SIGKILL, which ends the killable wait). On the host C is traced
 * (by the supervisor), which keeps that path shut: the SIGTERM would wait
 * until C leaves vfork(2) and dequeues it (ptfuzz seed 216 in events
 * mode, step 584). The supervisor kills C's group with SIGKILL at the
 * kill(2)'s exit, its death shown as SIGTERM's (design note 48).
 */
static void case_vfork_parent_fatal_signal(void)
{
	pid_t f, c = start_vfork_parent(&f);

	scn_say("-- SIGTERM to C");
	kill(c, SIGTERM);
	/* Natively C dies ('Z'); inside it still waits ('D'). */
	scn_wait_state(c, "ZD");
	pt_wait_say(c, WNOHANG, "wait(C, WNOHANG)");
	kill(f, SIGKILL);
	kill(c, SIGKILL);
	{
		int st = 0;
		pid_t r = waitpid(c, &st, 0);

		/* Natively C is reaped already: ECHILD. */
		scn_say("wait(C): %s", r < 0 ? scn_errno(errno) : pt_status(st));
	}
}

/*
 * C catches @catches and waits in vfork(2) for *@f; it is sent @first (if
 * not 0), then SIGTERM, which does not kill it: still asleep, it is not
 * reported to a WNOHANG wait. Returns C.
 */
static pid_t vfork_parent_sigterm_waits(int catches, int first, pid_t *f)
{
	pid_t c;

	vfork_parent_catches = catches;
	c = start_vfork_parent(f);
	scn_say("-- %s%sSIGTERM to C, which catches %s",
		first ? scn_sig(first) : "", first ? ", then " : "",
		scn_sig(catches));
	if (first)
		kill(c, first);
	kill(c, SIGTERM);
	scn_wait_state(c, "D");
	pt_wait_say(c, WNOHANG, "wait(C, WNOHANG)");
	return c;
}

/*
 * The same, but C catches SIGUSR1, sent first: pending, its handler to run
 * once C leaves vfork(2), it makes C not want the SIGTERM (wants_signal():
 * "!task_sigpending(p)"), which waits too; C dies of it once out.
 */
static void case_vfork_parent_fatal_signal_pending(void)
{
	pid_t f, c = vfork_parent_sigterm_waits(SIGUSR1, SIGUSR1, &f);

	scn_say("-- F killed: C leaves vfork(2)");
	kill(f, SIGKILL);
	pt_wait_say(c, 0, "wait(C)");
}

/* ... and C catches SIGTERM itself: not fatal (sig_fatal()). */
static void case_vfork_parent_fatal_signal_caught(void)
{
	pid_t f, c = vfork_parent_sigterm_waits(SIGTERM, 0, &f);

	kill(f, SIGKILL);
	kill(c, SIGKILL);
	pt_wait_say(c, 0, "wait(C)");
}

/*
 * The same, C seized: the task named is traced, so complete_signal() does
 * not kill the group; C stops for the SIGTERM once F's death lets it
 * leave vfork(2) (SIGTERM, 15, before F's SIGCHLD, 17).
 */
static void case_vfork_parent_fatal_signal_traced(void)
{
	pid_t f, c = start_vfork_parent(&f);

	pt_say("PTRACE_SEIZE(C)", PTRACE_SEIZE, c, 0, 0);
	scn_say("-- SIGTERM to C");
	kill(c, SIGTERM);
	scn_wait_state(c, "D");
	pt_wait_say(c, WNOHANG | __WALL, "wait(C, WNOHANG)");
	scn_say("-- F killed: C leaves vfork(2)");
	kill(f, SIGKILL);
	pt_wait_say(c, __WALL, "wait(C)");
	pt_say("PTRACE_CONT(C, SIGTERM)", PTRACE_CONT, c, 0, SIGTERM);
	pt_wait_say(c, __WALL, "wait(C)");
}

/* ---------------------------------------------------------------------- */

static void *thread_main(void *arg)
{
	(void)arg;
	scn_report(report_pipe[1], "  thread: runs, tid {pid %ld}",
		   (long)syscall(SYS_gettid));
	return NULL;
}

static int clone_main(void *arg)
{
	pthread_t th;

	(void)arg;
	traceme_and_stop();
	errno = pthread_create(&th, NULL, thread_main, NULL);
	if (errno != 0)
		return 4;
	pthread_join(th, NULL);
	scn_report(report_pipe[1], "  child: joined its thread");
	return 0;
}

static void case_clone(void)
{
	pid_t child, t;
	char line[256];

	open_pipes();
	child = pt_spawn(clone_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACECLONE);
	pt_wait_say(child, 0, "wait");
	t = (pid_t)pt_eventmsg(child);
	scn_say("  GETEVENTMSG: %s", scn_pid(t));
	scn_say("-- a traced thread is waited for without __WALL (Linux 4.7)");
	pt_wait_say(t, 0, "wait(thread, 0)");
	pt_say_siginfo(t, "  tracer");
	pt_must(PTRACE_CONT, t, 0, 0);
	if (!pt_read_line(report_pipe[0], line, sizeof(line)))
		scn_die("no report from the thread");
	scn_say("%s", line);
	pt_wait_say(t, __WCLONE, "wait(thread, __WCLONE)");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

/* ---------------------------------------------------------------------- */

static int seize_fork_main(void *arg)
{
	pid_t g;

	(void)arg;
	child_ends();
	scn_take(go_pipe[0]);
	g = fork();
	if (g == 0)
		_exit(9);
	scn_report(report_pipe[1], "  child: fork() = {pid %d}", (int)g);
	child_waits(g);
	return 0;
}

static void case_seize_fork(void)
{
	pid_t child, g;

	open_pipes();
	child = pt_spawn(seize_fork_main, NULL);
	scn_say("child is %s", scn_pid(child));
	pt_say("PTRACE_SEIZE(TRACEFORK)", PTRACE_SEIZE, child, 0,
	       PTRACE_O_TRACEFORK);
	scn_post(go_pipe[1]);
	pt_wait_say(child, 0, "wait");
	g = (pid_t)pt_eventmsg(child);
	scn_say("  GETEVENTMSG: %s", scn_pid(g));
	pt_say_siginfo(child, "  tracer");
	scn_say("-- the seized grandchild starts in a PTRACE_EVENT_STOP");
	pt_wait_say(g, 0, "wait(grandchild)");
	pt_say_siginfo(g, "  tracer");
	scn_say("  GETEVENTMSG: %lu", pt_eventmsg(g));
	pt_must(PTRACE_CONT, g, 0, 0);
	pt_wait_say(g, 0, "wait(grandchild)");
	pt_must(PTRACE_CONT, child, 0, 0);
	sigchld_stop(child);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

/* ---------------------------------------------------------------------- */

/* The flags of clone_ptrace_main()'s clone. */
static unsigned long clone_ptrace_flags;

/* A fork made by a raw clone with clone_ptrace_flags (and SIGCHLD). */
static int clone_ptrace_main(void *arg)
{
	long g;

	if (arg)
		traceme_and_stop();
	else {
		child_ends();
		scn_take(go_pipe[0]);
	}
	g = syscall(SYS_clone, clone_ptrace_flags | SIGCHLD, 0L, 0L, 0L, 0L);
	if (g == 0)
		_exit(9);
	scn_report(report_pipe[1], "  child: clone() = {pid %ld}", g);
	child_waits((pid_t)g);
	return 0;
}

/*
 * CLONE_PTRACE (kernel/fork.c: copy_process() calls ptrace_init_task(p,
 * (clone_flags & CLONE_PTRACE) || trace)): the child of a traced task is
 * traced by the same tracer with no PTRACE_O_TRACE* option and no event
 * for the parent, and starts with SIGSTOP (ATTACH/TRACEME) or in a
 * PTRACE_EVENT_STOP (SEIZE); CLONE_UNTRACED does not undo it (it only
 * stops the event: kernel_clone()).
 */
static void clone_ptrace(unsigned long flags, bool seize)
{
	pid_t child, g;
	int status;

	clone_ptrace_flags = flags;
	open_pipes();
	child = pt_spawn(clone_ptrace_main, seize ? NULL : (void *)1);
	scn_say("child is %s", scn_pid(child));
	if (seize) {
		pt_say("PTRACE_SEIZE(no options)", PTRACE_SEIZE, child, 0, 0);
		scn_post(go_pipe[1]);
	} else {
		first_stop(child, 0);
	}
	g = pt_wait(-1, &status, __WALL);
	scn_say("wait(-1, __WALL): %s %s", g == child ? "the child" : "another",
		pt_status(status));
	pt_say_siginfo(g, "  tracer");
	pt_must(PTRACE_CONT, g, 0, 0);
	pt_wait_say(g, __WALL, "wait(grandchild)");
	sigchld_stop(child);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

static void case_clone_ptrace(void)
{
	clone_ptrace(CLONE_PTRACE, false);
}

static void case_clone_ptrace_seized(void)
{
	clone_ptrace(CLONE_PTRACE, true);
}

static void case_clone_ptrace_untraced(void)
{
	clone_ptrace(CLONE_PTRACE | CLONE_UNTRACED, false);
}

/* ---------------------------------------------------------------------- */

/* The program a child execs: this one, with "--exec-child FD". */
static void exec_self(void)
{
	char fd[16];

	snprintf(fd, sizeof(fd), "%d", report_pipe[1]);
	/* The report pipe must survive the exec. */
	fcntl(report_pipe[1], F_SETFD, 0);
	execl("/proc/self/exe", "pt-events", "--exec-child", fd, (char *)NULL);
	_exit(5);
}

static int exec_child_main(int fd)
{
	scn_report(fd, "  exec'd child: runs, pid {pid %d}", (int)getpid());
	return 0;
}

static int traceme_exec_main(void *arg)
{
	(void)arg;
	traceme_and_stop();
	exec_self();
	return 6;
}

static void say_regs(pid_t pid)
{
	struct user_regs_struct regs;

	pt_getregs(pid, &regs);
	scn_say("  regs: orig_rax %lld, rax %lld", (long long)regs.orig_rax,
		(long long)regs.rax);
}

static void case_exec(void)
{
	pid_t child;

	open_pipes();
	child = pt_spawn(traceme_exec_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEEXEC);
	pt_wait_say(child, 0, "wait");
	say_eventmsg(child);
	pt_say_siginfo(child, "  tracer");
	say_regs(child);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

static int go_exec_main(void *arg)
{
	(void)arg;
	child_ends();
	scn_take(go_pipe[0]);
	exec_self();
	return 6;
}

static void case_exec_legacy(void)
{
	pid_t child;

	scn_say("-- TRACEME without PTRACE_O_TRACEEXEC: SIGTRAP after exec");
	open_pipes();
	child = pt_spawn(traceme_exec_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, 0);
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "  tracer");
	say_regs(child);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();

	scn_say("-- ATTACH without PTRACE_O_TRACEEXEC: SIGTRAP after exec");
	open_pipes();
	child = pt_spawn(go_exec_main, NULL);
	scn_say("child is %s", scn_pid(child));
	pt_say("PTRACE_ATTACH", PTRACE_ATTACH, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_must(PTRACE_CONT, child, 0, 0);
	scn_post(go_pipe[1]);
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "  tracer");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();

	scn_say("-- SEIZE without PTRACE_O_TRACEEXEC: no stop at exec");
	open_pipes();
	child = pt_spawn(go_exec_main, NULL);
	scn_say("child is %s", scn_pid(child));
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, child, 0, 0);
	scn_post(go_pipe[1]);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

static void *exec_thread_main(void *arg)
{
	(void)arg;
	scn_take(go_pipe[0]);
	exec_self();
	return NULL;
}

static int thread_exec_main(void *arg)
{
	pthread_t th;

	(void)arg;
	traceme_and_stop();
	errno = pthread_create(&th, NULL, exec_thread_main, NULL);
	if (errno != 0)
		return 4;
	pthread_join(th, NULL);
	return 5;
}

/*
 * A thread that is not the leader execs: the leader vanishes without a
 * report, the thread takes its id, and the event message is the thread's
 * former id (ptrace(2), "execve(2) under ptrace").
 */
static void case_exec_thread(void)
{
	pid_t child, t;
	int status;

	open_pipes();
	child = pt_spawn(thread_exec_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC);
	pt_wait_say(child, 0, "wait");
	t = (pid_t)pt_eventmsg(child);
	scn_say("  GETEVENTMSG: %s", scn_pid(t));
	pt_wait_say(t, __WALL, "wait(thread)");
	pt_must(PTRACE_CONT, t, 0, 0);
	pt_must(PTRACE_CONT, child, 0, 0);
	scn_post(go_pipe[1]);
	pt_wait_say(-1, __WALL, "wait(-1, __WALL)");
	say_eventmsg(child);
	scn_result("waitpid(thread, WNOHANG|__WALL)",
		   waitpid(t, &status, WNOHANG | __WALL));
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(-1, __WALL, "wait(-1, __WALL)");
	close_pipes();
}

/* ---------------------------------------------------------------------- */

static int exit_main(void *arg)
{
	(void)arg;
	traceme_and_stop();
	scn_take(go_pipe[0]);
	exit(5);
}

static void say_exit_message(pid_t pid)
{
	unsigned long msg = pt_eventmsg(pid);

	scn_say("  GETEVENTMSG: %#lx (%s)", msg, pt_status((int)msg));
}

static void case_exit(void)
{
	pid_t child;

	scn_say("-- exit(5)");
	open_pipes();
	child = pt_spawn(exit_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEEXIT);
	scn_post(go_pipe[1]);
	pt_wait_say(child, 0, "wait");
	say_exit_message(child);
	pt_say_siginfo(child, "  tracer");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();

	scn_say("-- killed by SIGTERM");
	open_pipes();
	child = pt_spawn(exit_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEEXIT);
	scn_wait_syscall(child, SYS_read);
	kill(child, SIGTERM);
	pt_wait_say(child, 0, "wait");
	pt_must(PTRACE_CONT, child, 0, SIGTERM);
	pt_wait_say(child, 0, "wait");
	say_exit_message(child);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();

	scn_say("-- killed by SIGKILL");
	open_pipes();
	child = pt_spawn(exit_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEEXIT);
	scn_wait_syscall(child, SYS_read);
	kill(child, SIGKILL);
	pt_wait_say(child, 0, "wait");
	say_exit_message(child);
	pt_say("PTRACE_CONT", PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();

	scn_say("-- SIGKILL at the exit stop of an exiting group is dropped");
	open_pipes();
	child = pt_spawn(exit_main, NULL);
	scn_say("child is %s", scn_pid(child));
	first_stop(child, PTRACE_O_TRACEEXIT);
	scn_post(go_pipe[1]);
	pt_wait_say(child, 0, "wait");
	scn_result("kill(SIGKILL)", kill(child, SIGKILL));
	say_exit_message(child);
	pt_say("PTRACE_CONT", PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close_pipes();
}

/* A running task seized with PTRACE_O_TRACEEXIT, which never stops before. */
static void case_seize_exit(void)
{
	struct pt_child c;

	pt_child_start(&c, false);
	scn_wait_syscall(c.pid, SYS_read);
	pt_say("PTRACE_SEIZE(TRACEEXIT)", PTRACE_SEIZE, c.pid, 0,
	       PTRACE_O_TRACEEXIT);
	pt_child_command(&c, 'x');
	pt_wait_say(c.pid, 0, "wait");
	say_exit_message(c.pid);
	pt_must(PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_child_close(&c);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "fork", case_fork },
		{ "vfork", case_vfork },
		{ "vfork-child-killed-traced-elsewhere",
		  case_vfork_child_killed_traced_elsewhere },
		{ "vfork-parent-interrupted", case_vfork_parent_interrupted },
		{ "vfork-parent-fatal-signal", case_vfork_parent_fatal_signal },
		{ "vfork-parent-fatal-signal-traced",
		  case_vfork_parent_fatal_signal_traced },
		{ "vfork-parent-fatal-signal-pending",
		  case_vfork_parent_fatal_signal_pending },
		{ "vfork-parent-fatal-signal-caught",
		  case_vfork_parent_fatal_signal_caught },
		{ "clone", case_clone },
		{ "seize-fork", case_seize_fork },
		{ "clone-ptrace", case_clone_ptrace },
		{ "clone-ptrace-seized", case_clone_ptrace_seized },
		{ "clone-ptrace-untraced", case_clone_ptrace_untraced },
		{ "exec", case_exec },
		{ "exec-legacy", case_exec_legacy },
		{ "exec-thread", case_exec_thread },
		{ "exit", case_exit },
		{ "seize-exit", case_seize_exit },
	};

	if (argc == 3 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child_main(atoi(argv[2]));
	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
