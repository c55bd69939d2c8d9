/*
 * Signals sent to a process whose threads are not all traced (issue #3,
 * stops). A child process has two threads: its leader N, untraced, and T,
 * which the printer seizes. The group is stopped (SIGSTOP), then a signal
 * is sent to the process, then T is resumed; a private SIGUSR1 sent to T
 * afterwards shows what T met first.
 *
 * kernel/signal.c:prepare_signal() discards a signal at once when the task
 * it is sent to ignores it (sig_ignored(): not blocked, not traced, its
 * action SIG_IGN or a SIG_DFL whose default is to ignore); kill(2) of a
 * process names its leader:
 *  - ignored-by-leader: SIGURG to the process is discarded (N ignores it):
 *    T, resumed, meets only the SIGUSR1;
 *  - named-traced-thread: SIGURG to T's tid is kept (T is traced): T,
 *    resumed, stops for it first;
 *  - sigcont-ignored-by-leader: SIGCONT to the process continues the group
 *    (T, seized and held in its group-stop, traps in PTRACE_EVENT_STOP
 *    once resumed), and is then discarded; -left-at-group-exit: nor does
 *    PTRACE_PEEKSIGINFO show it once N has taken a pending SIGTERM.
 * Under ptvisor every thread is traced on the host, which keeps such a
 * signal; a traced thread that dequeues it must not see it.
 *
 * kernel/signal.c:complete_signal() gives a signal sent to the process to
 * the task named if it wants it:
 *  - sigcont-to-traced-leader: N, traced, takes SIGCONT sent to the
 *    process (a SIGCONT makes every thread the host seizes trap, so inside
 *    T may dequeue it first: it must go to N).
 *
 * And traced-thread-reaped: T, traced, exits alone; once its tracer's wait
 * (for the process group) has reaped it, it is gone. sigcont-stop-in-progress:
 * SIGCONT while T has not stopped for its group's stop yet.
 * sigcont-taken-then-detached: the printer takes the group's continue
 * through T, then detaches it; its wait for any child has none left.
 * group-signal-left-at-trapped-call: a SIGCHLD left pending for N is not
 * T's at its next call; -at-sigcont-trap: nor at the host's trap for a
 * SIGCONT sent to N alone, and N takes that SIGCONT first;
 * -then-taken-by-other: T, woken later, takes it in Linux;
 * -then-lower-first: T, woken by a higher one, takes it first;
 * -then-taken-by-resumed: T, traced, takes it leaving a ptrace-stop.
 * group-stop-after-thread-exit: T exits alone, unreaped, then the group
 * stops: N's stop is complete without T; -at-thread-exit-stop: not while
 * T sits in its PTRACE_EVENT_EXIT stop.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt.h"

static int tid_pipe[2];
/* A signal the child's leader N blocks once T is started (0: none). */
static int leader_blocks;
/*
 * N answers: it reads a byte from answer_pipes[0][0] and writes it back on
 * answer_pipes[1][1], in a loop (instead of pause()).
 */
static bool leader_answers;
static int answer_pipes[2][2];
/* N exits alone once T is started. */
static bool leader_exits;

static void on_usr1(int sig)
{
	(void)sig;
}

/* SIGUSR1's handler blocks SIGCONT (sa_mask) while it runs. */
static bool usr1_blocks_cont;
/* The child makes a session of its own: its process group is orphaned. */
static bool child_setsid;

/*
 * SIGUSR2 ends the thread that takes it (T, in traced-thread-reaped), or,
 * with this set, its group (exit_group(2)).
 */
static bool usr2_ends_group;

static void on_usr2(int sig)
{
	(void)sig;
	syscall(usr2_ends_group ? SYS_exit_group : SYS_exit, 5);
}

/*
 * T waits: for each byte read from wait_pipes[0][0], it makes a WNOHANG
 * wait4(-1) (a call the supervisor traps) and writes a byte back on
 * wait_pipes[1][1] (instead of pause()).
 */
static bool thread_waits;
static int wait_pipes[2][2];

static void *thread_main(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	scn_write_full(tid_pipe[1], &tid, sizeof(tid));
	while (thread_waits) {
		char c;

		if (read(wait_pipes[0][0], &c, 1) != 1)
			continue;
		c = syscall(SYS_wait4, -1, NULL, WNOHANG, NULL) == -1 ? 'E' : '0';
		scn_write_full(wait_pipes[1][1], &c, 1);
	}
	for (;;)
		pause();
	return NULL;
}

/* The child: N sleeps, T sleeps; SIGUSR1 has a handler, the rest SIG_DFL. */
static int child_main(void *arg)
{
	pthread_t th;

	(void)arg;
	signal(SIGUSR1, on_usr1);
	if (usr1_blocks_cont) {
		struct sigaction sa = { .sa_handler = on_usr1,
					.sa_flags = SA_RESTART };

		sigaddset(&sa.sa_mask, SIGCONT);
		sigaction(SIGUSR1, &sa, NULL);
	}
	signal(SIGUSR2, on_usr2);
	if (child_setsid && setsid() < 0)
		return 5;
	if (pthread_create(&th, NULL, thread_main, NULL) != 0)
		return 4;
	if (leader_blocks) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, leader_blocks);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	if (leader_exits)
		syscall(SYS_exit, 0);
	while (leader_answers) {
		char c;
		ssize_t n = read(answer_pipes[0][0], &c, 1);

		if (n == 0)
			return 0;
		if (n == 1)
			scn_write_full(answer_pipes[1][1], &c, 1);
	}
	for (;;)
		pause();
	return 0;
}

struct family {
	pid_t child, thread;
};

/* Starts the child; returns when N and T are both asleep. */
static void spawn(struct family *f)
{
	scn_pipe(tid_pipe, O_CLOEXEC);
	f->child = scn_fork();
	if (f->child == 0)
		_exit(child_main(NULL));
	scn_check(scn_read_full(tid_pipe[0], &f->thread, sizeof(f->thread)));
	scn_track_child(f->thread);
	/*
	 * Both asleep: a thread still in its clone's syscall exit does not
	 * take a signal sent to its group inside (the supervisor holds it).
	 */
	if (leader_exits)
		scn_wait_state(f->child, "Z");
	else
		scn_wait_syscall(f->child,
				 leader_answers ? SYS_read : SYS_pause);
	scn_wait_syscall(f->thread, thread_waits ? SYS_read : SYS_pause);
	scn_say("child (leader N) is %s, its thread T is %s", scn_pid(f->child),
		scn_pid(f->thread));
}

/* The pipe the child's thread told its tid on, closed. */
static void close_tid_pipe(void)
{
	close(tid_pipe[0]);
	close(tid_pipe[1]);
}

/* The child killed (again) and reaped by its parent, the printer. */
static void end(struct family *f)
{
	kill(f->child, SIGKILL);
	pt_wait_say(f->child, 0, "wait(child)");
	close_tid_pipe();
}

/*
 * T, seized, exits alone (tgkill of SIGUSR2, whose handler calls exit(2));
 * returns once it is a zombie its tracer has not reaped (waitid WNOWAIT:
 * inside, its exit is held at its exit stop, note 2); @say: print that
 * waitid's report.
 */
static void seized_thread_exits_alone(const struct family *f, bool say)
{
	siginfo_t si;

	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f->thread, 0, 0);
	syscall(SYS_tgkill, f->child, f->thread, SIGUSR2);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	scn_say("-- T exits alone (SIGUSR2's handler)");
	pt_must(PTRACE_CONT, f->thread, 0, SIGUSR2);
	memset(&si, 0, sizeof(si));
	scn_check(waitid(P_PID, (id_t)f->thread, &si,
			 WEXITED | WNOWAIT | __WALL) == 0);
	if (say)
		scn_say("waitid(T, WEXITED|WNOWAIT): %s status %d",
			si.si_code == CLD_EXITED ? "exited" : "other",
			si.si_status);
}

/* N attached (PTRACE_ATTACH), its attach stop reported, back in pause(). */
static void attach_leader(struct family *f)
{
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f->child, 0, 0);
	pt_wait_say(f->child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f->child, 0, 0);
	scn_wait_syscall(f->child, SYS_pause);
}

/* N, then T, attached (PTRACE_ATTACH), each left in its attach stop. */
static void attach_both(struct family *f)
{
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f->child, 0, 0);
	pt_wait_say(f->child, 0, "wait(N)");
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f->thread, 0, 0);
	pt_wait_say(f->thread, __WALL, "wait(T)");
}

/* The child killed; its traced thread T reaped by its tracer, then it. */
static void kill_and_end(struct family *f)
{
	kill(f->child, SIGKILL);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	end(f);
}

static void start(struct family *f)
{
	spawn(f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f->thread, 0, 0);
	scn_say("-- SIGSTOP to the process");
	kill(f->child, SIGSTOP);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	/* (Under ptvisor, the host's tracer holds it: 't'.) */
	scn_wait_state(f->child, "Tt");
}

/* T resumed, then SIGUSR1 to T alone: its next stop, then the end. */
static void resume_and_end(struct family *f)
{
	pt_must(PTRACE_CONT, f->thread, 0, 0);
	scn_say("-- T resumed; tgkill(T, SIGUSR1)");
	syscall(SYS_tgkill, f->child, f->thread, SIGUSR1);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	kill_and_end(f);
}

static void case_ignored_by_leader(void)
{
	struct family f;

	start(&f);
	scn_say("-- SIGURG to the process: N ignores it");
	kill(f.child, SIGURG);
	resume_and_end(&f);
}

static void case_named_traced_thread(void)
{
	struct family f;

	start(&f);
	scn_say("-- SIGURG to T's tid: T is traced");
	kill(f.thread, SIGURG);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	resume_and_end(&f);
}

static void case_sigcont_ignored_by_leader(void)
{
	struct family f;

	start(&f);
	scn_say("-- SIGCONT to the process: N ignores it");
	kill(f.child, SIGCONT);
	scn_wait_state(f.child, "S");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	resume_and_end(&f);
}

/* PTRACE_PEEKSIGINFO of @tracee's (@who's) group's queue: each signal and
   code. */
static void peek_shared_say(pid_t tracee, const char *who)
{
	struct __ptrace_peeksiginfo_args args = {
		.off = 0, .flags = 1 /* PTRACE_PEEKSIGINFO_SHARED */, .nr = 8
	};
	siginfo_t si[8];
	long n;

	memset(si, 0, sizeof(si));
	n = ptrace(PTRACE_PEEKSIGINFO, tracee, &args, si);
	scn_say("PEEKSIGINFO(%s, SHARED) = %ld %s", who, n,
		n < 0 ? scn_errno(errno) : "");
	for (long i = 0; i < n; i++)
		scn_say("  %s code %d", scn_sig(si[i].si_signo),
			si[i].si_code);
}

/*
 * As sigcont-ignored-by-leader, with a SIGTERM pending for the group (sent
 * to T's tid, traced: kept, and no thread wants it while the group is
 * stopped). The SIGCONT continues N, which takes the SIGTERM: the group
 * dies, and T, seized with TRACEEXIT, stops at its PTRACE_EVENT_EXIT. The
 * group's queue is then empty: Linux discarded the SIGCONT. Inside, the
 * host kept it (to continue the group) and nobody dequeued it:
 * PTRACE_PEEKSIGINFO must not show it (ptfuzz seed 932 at 10000 steps,
 * step 8737).
 */
static void case_sigcont_ignored_left_at_group_exit(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(T, TRACEEXIT)", PTRACE_SEIZE, f.thread, 0,
	       PTRACE_O_TRACEEXIT);
	scn_say("-- SIGSTOP to the process");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_wait_state(f.child, "Tt");
	scn_say("-- SIGTERM to T's tid: T is traced, the group keeps it");
	kill(f.thread, SIGTERM);
	scn_say("-- SIGCONT to the process: N ignores it, goes on, takes "
		"SIGTERM");
	kill(f.child, SIGCONT);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	peek_shared_say(f.thread, "T");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(child)");
	close_tid_pipe();
}

/*
 * The leader, traced (PTRACE_ATTACH), wants SIGCONT sent to the process:
 * it takes it, in a signal-delivery-stop, however the thread T (untraced)
 * runs.
 */
static void case_sigcont_to_traced_leader(void)
{
	struct family f;

	spawn(&f);
	attach_leader(&f);
	scn_say("-- SIGCONT to the process");
	kill(f.child, SIGCONT);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say_siginfo(f.child, "N");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	end(&f);
}

/*
 * T, traced, exits alone; its tracer's wait for the process group reaps it
 * (a traced thread is its tracer's zombie), and then it is gone at once:
 * kernel/exit.c:release_task() runs in that wait.
 */
static void case_traced_thread_reaped(void)
{
	struct family f;
	long r;

	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- tgkill(T, SIGUSR2): its handler ends T");
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR2);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, SIGUSR2);
	pt_wait_say(0, __WALL, "wait(0, __WALL)");
	r = syscall(SYS_tgkill, f.child, f.thread, 0);
	scn_say("tgkill(child, T, 0) = %ld %s", r, r < 0 ? scn_errno(errno) : "");
	end(&f);
}

/* @n waits for any child or tracee, WUNTRACED|WNOHANG|__WALL, each said. */
static void waits_for_any(int n)
{
	for (int i = 0; i < n; i++)
		pt_wait_say(-1, WUNTRACED | WNOHANG | __WALL,
			    "wait(-1, WUNTRACED|WNOHANG|__WALL)");
}

/*
 * T, seized, exits alone and is not reaped yet; then SIGSTOP to the
 * process. In Linux T is past exit_signals() (PF_EXITING): the group-stop
 * does not count it (kernel/signal.c:do_signal_stop(),
 * task_set_jobctl_pending()) and completes once N stops, so the printer,
 * N's real parent and T's tracer, has N's stop to wait for, before T's
 * exit (its children come before its tracees: kernel/exit.c:do_wait()).
 * Inside, T is held at its exit stop on the host, before exit_signals():
 * the host's group-stop waits for it (ptfuzz seed 758, step 461).
 */
static void case_group_stop_after_thread_exit(void)
{
	struct family f;

	spawn(&f);
	seized_thread_exits_alone(&f, false);
	scn_say("-- SIGSTOP to the process");
	kill(f.child, SIGSTOP);
	/* (Under ptvisor, the host's tracer holds it: 't'.) */
	scn_wait_state(f.child, "Tt");
	waits_for_any(3);
	kill(f.child, SIGCONT);
	end(&f);
}

/*
 * The same with T in its PTRACE_EVENT_EXIT stop (PTRACE_O_TRACEEXIT): there
 * T is not PF_EXITING yet (kernel/exit.c:do_exit() reports the event before
 * exit_signals()), so the group-stop counts it and is not complete until
 * T, resumed, goes on (exit_signals(): task_participate_group_stop()). X,
 * another child the printer traces, stopped and reported, keeps a tracee
 * in every wait, which the model then decides.
 */
static void case_group_stop_at_thread_exit_stop(void)
{
	struct family f;
	pid_t x;

	x = scn_fork();
	if (x == 0) {
		for (;;)
			pause();
	}
	pt_must(PTRACE_ATTACH, x, 0, 0);
	pt_wait_say(x, 0, "wait(X)");
	spawn(&f);
	pt_say("PTRACE_SEIZE(T, TRACEEXIT)", PTRACE_SEIZE, f.thread, 0,
	       PTRACE_O_TRACEEXIT);
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR2);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- T exits alone (SIGUSR2's handler)");
	pt_must(PTRACE_CONT, f.thread, 0, SIGUSR2);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGSTOP to the process");
	kill(f.child, SIGSTOP);
	scn_wait_state(f.child, "Tt");
	waits_for_any(1);
	scn_say("-- T resumed from its exit stop");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	waits_for_any(2);
	kill(f.child, SIGCONT);
	end(&f);
	kill(x, SIGKILL);
	pt_wait_say(x, 0, "wait(X)");
}

/*
 * kernel/signal.c:prepare_signal(): a SIGCONT while a group-stop is still
 * in progress (T, held in a signal-delivery-stop, has not stopped for it)
 * continues the group too: SIGNAL_STOP_CONTINUED, which T's tracer's
 * WCONTINUED wait reports (ptfuzz seed 198 step 205).
 */
static void case_sigcont_stop_in_progress(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- tgkill(T, SIGUSR1): T stops; SIGSTOP to the process");
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, SIGSTOP);
	pt_wait_say(f.child, 0, "wait(N)");
	scn_say("-- SIGCONT to the process, T not stopped for the group yet");
	kill(f.child, SIGCONT);
	/* At once: Linux marks the group continued when SIGCONT is sent. */
	pt_wait_say(f.thread, WCONTINUED | WNOHANG | __WALL,
		    "wait(T, WCONTINUED|WNOHANG)");
	pt_wait_say(f.child, WCONTINUED | WNOHANG,
		    "wait(N, WCONTINUED|WNOHANG)");
	kill_and_end(&f);
}

/*
 * kernel/exit.c:wait_task_continued() clears the group's one continue
 * report (SIGNAL_STOP_CONTINUED) whichever thread reports it: the real
 * parent, tracing T, takes it through T; once T is detached, its wait for
 * any child finds no continue of N left (ptfuzz seed 363 step 7777).
 */
static void case_sigcont_taken_then_detached(void)
{
	struct family f;

	start(&f);
	scn_say("-- SIGCONT to the process");
	kill(f.child, SIGCONT);
	pt_wait_say(f.thread, WCONTINUED | WNOHANG | __WALL,
		    "wait(T, WCONTINUED|WNOHANG)");
	/* T is still in its trap: a seized tracee's stop outlasts SIGCONT. */
	pt_say("PTRACE_DETACH(T)", PTRACE_DETACH, f.thread, 0, 0);
	pt_wait_say(-1, WNOHANG | WUNTRACED | WCONTINUED,
		    "wait(-1, WNOHANG|WUNTRACED|WCONTINUED)");
	end(&f);
}

/*
 * kernel/signal.c:complete_signal() wakes N, single-stepped asleep in
 * pause(), for a SIGCHLD sent to the process; N's syscall exit reports
 * its step trap first, and the SIGCHLD stays pending for the group, left
 * to N. T, asleep in read(2), was not woken: its next call (a WNOHANG
 * wait4) returns without looking at signals, and N, resumed, stops for
 * the SIGCHLD. Inside, T's call is trapped: leaving that host stop
 * (ptrace_stop() ends with recalc_sigpending_tsk()), T takes the SIGCHLD,
 * and the supervisor sends it on to N (ptfuzz seed 363 step 9772); it
 * waits there for N alone (/proc shows it in N's own queue, SigPnd).
 */
/*
 * N seized and single-stepped back into pause(); a SIGCHLD to the process
 * wakes N, which stops at its step trap first: the SIGCHLD stays pending
 * for the group, left to N.
 */
static void signal_left_to_stepped_leader(struct family *f, int sig)
{
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f->child, 0, 0);
	pt_must(PTRACE_INTERRUPT, f->child, 0, 0);
	pt_wait_say(f->child, 0, "wait(N)");
	scn_say("-- N single-stepped back into pause(); SIG%s to the process",
		sigabbrev_np(sig));
	pt_must(PTRACE_SINGLESTEP, f->child, 0, 0);
	scn_wait_syscall(f->child, SYS_pause);
	kill(f->child, sig);
	pt_wait_say(f->child, 0, "wait(N)");
}

static void sigchld_left_to_stepped_leader(struct family *f)
{
	signal_left_to_stepped_leader(f, SIGCHLD);
}

/*
 * The child with T reading wait_pipes (thread_waits) and the SIGCHLD left
 * to N (sigchld_left_to_stepped_leader()); end_waiting() ends it.
 */
static void spawn_waiting(struct family *f)
{
	thread_waits = true;
	scn_pipe(wait_pipes[0], O_CLOEXEC);
	scn_pipe(wait_pipes[1], O_CLOEXEC);
	spawn(f);
	sigchld_left_to_stepped_leader(f);
}

static void end_waiting(struct family *f)
{
	end(f);
	for (int i = 0; i < 2; i++) {
		close(wait_pipes[i][0]);
		close(wait_pipes[i][1]);
	}
}

/* T makes its WNOHANG wait4: 'E' if it failed, '0' if not. */
static char thread_wait4(void)
{
	char c;

	scn_write_full(wait_pipes[0][1], "w", 1);
	scn_check(scn_read_full(wait_pipes[1][0], &c, 1));
	return c;
}

/*
 * Polls until @who, resumed, stops (its stop reported) or sleeps in
 * pause(2) with no stop to report.
 */
static void stop_or_pause(pid_t tid, const char *who)
{
	for (;;) {
		int status;
		pid_t r = waitpid(tid, &status, WNOHANG | __WALL);

		if (r == tid) {
			scn_say("wait(%s): %s %s", who, scn_pid(r),
				pt_status(status));
			return;
		}
		if (scn_sleeps_in(tid, SYS_pause) &&
		    waitpid(tid, &status, WNOHANG | __WALL) == 0) {
			scn_say("%s sleeps in pause(), no stop", who);
			return;
		}
		usleep(1000);
	}
}

static void case_group_signal_left_at_trapped_call(void)
{
	struct family f;

	spawn_waiting(&f);
	scn_say("shared pending: %#llx",
		scn_status_field(f.child, "ShdPnd", 16));
	scn_say("-- T makes a WNOHANG wait4");
	scn_say("T's wait4: %s", thread_wait4() == 'E' ? "-1" : "0");
	peek_shared_say(f.child, "N");
	scn_say("-- N resumed");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	stop_or_pause(f.child, "N");
	end_waiting(&f);
}

/*
 * N resumed: its next stop, or none; then the end (T, if @thread_traced,
 * killed and reaped by its tracer first).
 */
static void resume_leader_and_end(struct family *f, bool thread_traced)
{
	scn_say("-- N resumed");
	pt_must(PTRACE_CONT, f->child, 0, 0);
	stop_or_pause(f->child, "N");
	if (thread_traced) {
		kill(f->child, SIGKILL);
		pt_wait_say(f->thread, __WALL, "wait(T)");
	}
	end_waiting(f);
}

/*
 * The SIGCHLD left to N after T's trapped wait4, as above; then @sig to
 * the process. Linux wakes T (N is stopped), which dequeues the group's
 * pending signals lowest first, in one get_signal() while it ignores
 * them, and again on its way back to user mode after a handler's frame:
 * with SIGURG the SIGCHLD, then the SIGURG (both ignored); with SIGUSR1
 * (a handler) the SIGUSR1, then the SIGCHLD. N, resumed, has nothing
 * left. Inside, the SIGCHLD was sent on to N's own queue, and T takes only
 * @sig: the supervisor puts the SIGCHLD back in the group's queue, for T
 * to take after @sig, and N drops its copy when it dequeues it
 * (ptv_signal_left_met(), design note 32; ptfuzz seed 363 met the first
 * case).
 */
static void group_signal_left_then_taken_by_other(int sig)
{
	struct family f;

	spawn_waiting(&f);
	scn_say("-- T makes a WNOHANG wait4; %s to the process", scn_sig(sig));
	thread_wait4();
	kill(f.child, sig);
	scn_wait_syscall(f.thread, SYS_read);
	scn_say("shared pending: %#llx",
		scn_status_field(f.child, "ShdPnd", 16));
	resume_leader_and_end(&f, false);
}

static void case_group_signal_left_then_taken_by_other(void)
{
	group_signal_left_then_taken_by_other(SIGURG);
}

static void case_group_signal_left_then_taken_after_handler(void)
{
	group_signal_left_then_taken_by_other(SIGUSR1);
}

/*
 * The SIGCHLD left to N after T's trapped wait4, as above; then @sig, a
 * higher one, to the process. Linux wakes T, which dequeues the group's
 * pending signals lowest first: the SIGCHLD before @sig. Traced, T stops
 * for the SIGCHLD, then, resumed, for @sig (ptfuzz seed 53 step 4119,
 * with SIGUSR1 left and a SIGSTOP); untraced, it discards the SIGCHLD and
 * takes @sig. Inside, the SIGCHLD was sent on to N's own queue, and T
 * dequeues @sig first: the supervisor gives T the SIGCHLD in its place
 * and sends @sig to the group again (ptv_signal_left_met(), design note
 * 32); N, resumed, has nothing left. Untraced, T is waited for in its
 * group-stop ('T': meson.build runs that case with --proc-view).
 */
static void group_signal_left_then_lower_first(int sig, bool traced)
{
	struct family f;

	spawn_waiting(&f);
	scn_say("-- T makes a WNOHANG wait4");
	thread_wait4();
	if (traced)
		pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- %s to the process", scn_sig(sig));
	kill(f.child, sig);
	if (traced) {
		pt_wait_say(f.thread, __WALL, "wait(T)");
		pt_say_siginfo(f.thread, "T");
		pt_must(PTRACE_CONT, f.thread, 0, 0);
		pt_wait_say(f.thread, __WALL, "wait(T)");
		pt_say_siginfo(f.thread, "T");
		pt_must(PTRACE_CONT, f.thread, 0, sig);
		if (sig == SIGSTOP)
			pt_wait_say(f.thread, __WALL, "wait(T)");
	}
	if (sig == SIGSTOP)
		scn_wait_state(f.thread, traced ? "t" : "T");
	else
		scn_wait_syscall(f.thread, SYS_read);
	scn_say("shared pending: %#llx",
		scn_status_field(f.child, "ShdPnd", 16));
	resume_leader_and_end(&f, traced);
}

/*
 * The SIGCHLD left to N after T's trapped wait4, as above; then T, seized,
 * is interrupted (PTRACE_INTERRUPT) and resumed. Leaving its ptrace-stop
 * (ptrace_stop() ends with recalc_sigpending_tsk()), T takes the SIGCHLD
 * pending for the group and stops for it. Inside, the SIGCHLD waits in N's
 * own queue: the supervisor puts it back in the group's queue as T is
 * resumed (ptv_signal_left_at_resume()).
 */
static void case_group_signal_left_then_taken_by_resumed(void)
{
	struct family f;

	spawn_waiting(&f);
	scn_say("-- T makes a WNOHANG wait4; T seized and interrupted");
	thread_wait4();
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	pt_must(PTRACE_INTERRUPT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- T resumed");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_say_siginfo(f.thread, "T");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_read);
	resume_leader_and_end(&f, true);
}

static void case_group_signal_left_then_lower_first_traced(void)
{
	group_signal_left_then_lower_first(SIGURG, true);
}

static void case_group_signal_left_then_lower_first_stop(void)
{
	group_signal_left_then_lower_first(SIGSTOP, true);
}

static void case_group_signal_left_then_lower_first_untraced(void)
{
	group_signal_left_then_lower_first(SIGSTOP, false);
}

/* The SIGCHLD left to N, then a SIGCONT for N, or T, alone. */
static void sigchld_left_then_sigcont(struct family *f, bool to_thread)
{
	spawn(f);
	sigchld_left_to_stepped_leader(f);
	scn_say("-- tgkill(%s, SIGCONT); T asleep in pause()",
		to_thread ? "T" : "N");
	syscall(SYS_tgkill, f->child, to_thread ? f->thread : f->child,
		SIGCONT);
	scn_wait_syscall(f->thread, SYS_pause);
}

/*
 * The same SIGCHLD left to N, stopped at its step trap; then a SIGCONT for
 * N alone (tgkill), which wakes nobody in Linux: N is stopped, and it is
 * N's. Inside, the host traps T for it (it seizes every thread) and T, in
 * get_signal() there, would take the SIGCHLD. N, resumed, takes its own
 * SIGCONT first, then the group's SIGCHLD (ptfuzz seeds 13 and 391).
 */
static void case_group_signal_left_at_sigcont_trap(void)
{
	struct family f;

	sigchld_left_then_sigcont(&f, false);
	scn_say("-- N resumed (its trap for the SIGCONT, seized), then again");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	stop_or_pause(f.child, "N");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	stop_or_pause(f.child, "N");
	end(&f);
}

/*
 * As group-signal-left-at-trapped-call, with T seized, interrupted and
 * detached first: T's wait4 is its first host stop since that virtual
 * stop, where Linux looked at T's signals, but the SIGCHLD came after it
 * (ptfuzz seed 1224 at 10000 steps, step 8607: a worker detached, then
 * its PTRACE_TRACEME).
 */
static void case_group_signal_left_after_detach(void)
{
	struct family f;

	thread_waits = true;
	scn_pipe(wait_pipes[0], O_CLOEXEC);
	scn_pipe(wait_pipes[1], O_CLOEXEC);
	spawn(&f);
	scn_say("-- T seized, interrupted and detached");
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	pt_must(PTRACE_INTERRUPT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_DETACH, f.thread, 0, 0);
	sigchld_left_to_stepped_leader(&f);
	scn_say("-- T makes a WNOHANG wait4");
	scn_say("T's wait4: %s", thread_wait4() == 'E' ? "-1" : "0");
	scn_say("-- N resumed");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	stop_or_pause(f.child, "N");
	end_waiting(&f);
}

/*
 * The same SIGCHLD left to N; then a SIGCONT for T alone (tgkill), which
 * T, untraced, ignores: prepare_signal() discards it and wakes nobody, so
 * T does not take the SIGCHLD. Inside, the host traps T for it; N,
 * resumed, stops for the SIGCHLD (ptfuzz seed 1224 at 10000 steps, step
 * 8607: T's PTRACE_TRACEME then stopped for the group's signal).
 */
static void case_group_signal_left_at_ignored_sigcont_trap(void)
{
	struct family f;

	sigchld_left_then_sigcont(&f, true);
	scn_say("-- N resumed");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	stop_or_pause(f.child, "N");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	stop_or_pause(f.child, "N");
	end(&f);
}

/*
 * As above with SIGUSR1 (caught), and then tgkill(N, SIGUSR1): N has one
 * of its own and the group's, and, resumed with 0 each time, stops for
 * its own SIGUSR1 (SI_TKILL), its SIGCONT and the group's SIGUSR1
 * (SI_USER): its own queue first, lower numbers first.
 * Inside, the group's was sent on to N's own queue at T's host trap, where
 * the tgkill's, not trapped, merges with it: N stops for one SIGUSR1
 * (ptfuzz seed 705 at 10000 steps, step 8288; an expected failure).
 */
static void case_group_signal_left_then_own_sent(void)
{
	struct family f;

	spawn(&f);
	signal_left_to_stepped_leader(&f, SIGUSR1);
	scn_say("-- tgkill(N, SIGCONT); T asleep in pause()");
	syscall(SYS_tgkill, f.child, f.child, SIGCONT);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- tgkill(N, SIGUSR1)");
	syscall(SYS_tgkill, f.child, f.child, SIGUSR1);
	scn_say("-- N resumed (its trap for the SIGCONT, seized), then again");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	for (int i = 0; i < 3; i++) {
		pt_must(PTRACE_CONT, f.child, 0, 0);
		stop_or_pause(f.child, "N");
		pt_say_siginfo(f.child, "N");
	}
	end(&f);
}

/*
 * kernel/signal.c:complete_signal(): a fatal signal (SIG_DFL, whose
 * default kills without a core dump) sent to a process whose named task
 * (here N, which blocks it, so T takes it) is untraced kills the whole
 * group at once, T traced or not: T's tracer sees T die, never a
 * signal-delivery-stop (only its PTRACE_EVENT_EXIT). Under ptvisor the host traces N too and lets T
 * dequeue it.
 */
static void fatal_to_group(bool n_blocks)
{
	struct family f;

	leader_blocks = n_blocks ? SIGTERM : 0;
	spawn(&f);
	pt_say("PTRACE_SEIZE(T, TRACEEXIT)", PTRACE_SEIZE, f.thread, 0,
	       PTRACE_O_TRACEEXIT);
	scn_say("-- SIGTERM to the process: %s",
		n_blocks ? "N blocks it, T does not" : "N takes it");
	kill(f.child, SIGTERM);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("exit status (event message): %s",
		pt_status((int)pt_eventmsg(f.thread)));
	peek_shared_say(f.thread, "T");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	end(&f);	/* (its SIGKILL finds a zombie) */
}

static void case_fatal_to_group(void)
{
	fatal_to_group(true);
}

/*
 * The same with N taking the SIGTERM (it does not block it). Either way
 * the fatal signal stays in the group's queue, which no thread dequeues
 * once every one has SIGKILL: T's PTRACE_PEEKSIGINFO of it at its
 * PTRACE_EVENT_EXIT stop shows it (also in fatal-to-group). (Inside, the
 * thread the host let dequeue it took it off: ptfuzz seed 1304, step 8179,
 * at 10000 steps.)
 */
static void case_fatal_to_group_taken_by_leader(void)
{
	fatal_to_group(false);
}

/*
 * The same when T, attached, is single-stepped (or resumed with
 * PTRACE_SYSCALL) into pause(): the group is killed as the signal is sent
 * (complete_signal() gives every thread SIGKILL), so T's interrupted call
 * reports no step and no syscall-exit-stop (ptrace_stop() does not stop
 * with a fatal signal pending), and T's tracer sees only its
 * PTRACE_EVENT_EXIT. (Inside, T's step trap came first, a stop Linux never
 * makes: ptfuzz seed 80 step 9408, at 10000 steps.)
 */
static void fatal_to_group_resumed(enum __ptrace_request how)
{
	struct family f;

	leader_blocks = SIGTERM;
	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_say("SETOPTIONS(T, TRACEEXIT)", PTRACE_SETOPTIONS, f.thread, 0,
	       PTRACE_O_TRACEEXIT);
	pt_must(how, f.thread, 0, 0);
	if (how == PTRACE_SYSCALL) {
		/* pause() restarts: its syscall-enter-stop first */
		pt_wait_say(f.thread, __WALL, "wait(T)");
		pt_must(how, f.thread, 0, 0);
	}
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- T %s into pause(); SIGTERM to the process: N blocks it, "
		"T does not", how == PTRACE_SINGLESTEP ? "single-stepped"
						       : "resumed (SYSCALL)");
	kill(f.child, SIGTERM);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	end(&f);	/* (its SIGKILL finds a zombie) */
}

static void case_fatal_to_group_stepped(void)
{
	fatal_to_group_resumed(PTRACE_SINGLESTEP);
}

static void case_fatal_to_group_syscall(void)
{
	fatal_to_group_resumed(PTRACE_SYSCALL);
}

/*
 * A SIGTERM T's tracer gives at a syscall stop is sent to T alone
 * (ptrace_report_syscall(): send_sig(), SI_KERNEL), T traced: no fast
 * path, T stops for it. (Inside, its SI_KERNEL was taken for the
 * kernel's own signal to the group, which names the untraced leader, and
 * the group was killed: ptfuzz seed 121 step 5971, at 10000 steps.)
 */
static void case_fatal_given_at_syscall_stop(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_SYSCALL, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T): pause()'s syscall-enter-stop");
	scn_say("-- T resumed with SIGTERM at its syscall stop");
	pt_must(PTRACE_CONT, f.thread, 0, SIGTERM);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/*
 * kill(2) of T's tid names T, traced: no fast path; T stops for SIGTERM
 * (ptfuzz seed 70 step 266).
 */
static void case_fatal_to_traced_tid(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- kill(T, SIGTERM): T is named");
	kill(f.thread, SIGTERM);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/*
 * A SIGTERM T's tracer injects while T blocks it is queued again for T
 * (kernel/signal.c:ptrace_signal(): send_signal_locked(), naming T):
 * unblocked, T stops for it, traced.
 */
static void case_fatal_injected_blocked(void)
{
	uint64_t mask = 1ULL << (SIGTERM - 1);
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_say("SETSIGMASK(T, SIGTERM)", PTRACE_SETSIGMASK, f.thread, 8,
	       (unsigned long)&mask);
	scn_say("-- T resumed with SIGTERM, blocked; interrupted, unblocked");
	pt_must(PTRACE_CONT, f.thread, 0, SIGTERM);
	pt_must(PTRACE_INTERRUPT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	mask = 0;
	pt_say("SETSIGMASK(T, none)", PTRACE_SETSIGMASK, f.thread, 8,
	       (unsigned long)&mask);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/*
 * The group stopped, N seized and given a signal sent to the group; its
 * tracer replaces it with a SIGWINCH N blocks: ptrace_signal() queues that
 * again, in the queue the first came from (the group's), as a signal sent
 * to a traced task, kept. T, still group-stopped, is seized and resumed:
 * it takes that SIGWINCH, though untraced T ignores it. Inside, an attach
 * took a pending ignored signal for one Linux had discarded (ptfuzz seed
 * 1775 at 10000 steps, step 7850).
 */
static void case_injected_blocked_kept_for_group(void)
{
	uint64_t mask = 1ULL << (SIGWINCH - 1);
	struct family f;

	spawn(&f);
	scn_say("-- SIGSTOP to the process");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.child, WUNTRACED, "wait(child)");
	scn_wait_state(f.thread, "Tt");
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say("SETSIGMASK(N, SIGWINCH)", PTRACE_SETSIGMASK, f.child, 8,
	       (unsigned long)&mask);
	scn_say("-- SIGUSR1 to the process; N resumed");
	kill(f.child, SIGUSR1);
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	scn_say("-- N resumed with SIGWINCH, blocked");
	pt_must(PTRACE_CONT, f.child, 0, SIGWINCH);
	scn_wait_syscall(f.child, SYS_pause);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	peek_shared_say(f.thread, "T");
	scn_say("-- T resumed");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_say_siginfo(f.thread, "T");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/*
 * N, traced with PTRACE_SYSCALL, asleep in pause(), is woken by a SIGCONT
 * to the process (complete_signal() picks the task named) and enters its
 * syscall-exit-stop before it dequeues it: it stays pending for the
 * group. T, attached, is in a signal-delivery-stop when a second SIGCONT
 * comes, which Linux drops (legacy_queue()). T, resumed, goes on in
 * get_signal() and takes the first one; N, resumed later, has none.
 * Inside, the host woke T for the first (ptrace_trap_notify()), which
 * dequeued it there: it was kept for N, and the second, pending on the
 * host, stands for it when T dequeues it (ptfuzz seed 1832 at 10000
 * steps, step 3861).
 */
static void case_sigcont_dropped_then_taken_by_resumed(void)
{
	struct family f;

	spawn(&f);
	attach_both(&f);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	pt_must(PTRACE_SYSCALL, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SYSCALL, f.child, 0, 0);
	scn_wait_syscall(f.child, SYS_pause);
	scn_say("-- N asleep in pause(), traced with PTRACE_SYSCALL; SIGCONT "
		"to the process");
	kill(f.child, SIGCONT);
	pt_wait_say(f.child, 0, "wait(N)");
	scn_say("-- T stopped for its SIGUSR1; SIGCONT to the process again");
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill(f.child, SIGCONT);
	peek_shared_say(f.thread, "T");
	scn_say("-- T resumed");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_say_siginfo(f.thread, "T");
	scn_say("-- N resumed, then its own SIGWINCH");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	syscall(SYS_tgkill, f.child, f.child, SIGWINCH);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/*
 * The same with SIGQUIT, whose default dumps core: complete_signal() does
 * not kill the group at once, and T stops for it (its tracer then
 * suppresses it).
 */
static void case_core_to_group(void)
{
	struct family f;

	leader_blocks = SIGQUIT;
	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- SIGQUIT to the process: N blocks it, T does not");
	kill(f.child, SIGQUIT);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/* T traced (@seize, or PTRACE_ATTACH), single-stepped into pause(). */
static void step_into_pause(struct family *f, bool seize)
{
	if (seize) {
		pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f->thread, 0, 0);
		pt_must(PTRACE_INTERRUPT, f->thread, 0, 0);
	} else {
		pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f->thread, 0, 0);
	}
	pt_wait_say(f->thread, __WALL, "wait(T)");
	pt_must(PTRACE_SINGLESTEP, f->thread, 0, 0);
	scn_wait_syscall(f->thread, SYS_pause);
}

/*
 * @sig to the process of @named (kill(2)), which must not wake T, traced
 * and asleep in pause(): 100 ms of nothing is enough (a wake-up would be
 * at once; a pass does not depend on the time). Then T's own SIGUSR1 ends
 * its pause (@stepped: a step first), and the end.
 */
static void sent_then_usr1(struct family *f, pid_t named, int sig,
			   bool stepped)
{
	struct timespec ms = { 0, 1000000 };
	int status, i;
	pid_t r = 0;

	kill(named, sig);
	for (i = 0; i < 100 && r == 0; i++) {
		r = waitpid(f->thread, &status, WNOHANG | __WALL);
		nanosleep(&ms, NULL);
	}
	scn_say("wait(T, WNOHANG) for 100 ms: %s",
		r == 0 ? "nothing" : pt_status(status));
	scn_say("-- tgkill(T, SIGUSR1): its pause() ends%s",
		stepped ? ", a step" : "");
	syscall(SYS_tgkill, f->child, f->thread, SIGUSR1);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	if (stepped) {
		pt_must(PTRACE_CONT, f->thread, 0, 0);
		pt_wait_say(f->thread, __WALL, "wait(T)");
	}
	kill_and_end(f);
}

/*
 * T, traced (@seize, or PTRACE_ATTACH), single-stepped into pause(); then
 * @sig to the process, which must not wake T (sent_then_usr1()).
 */
static void step_into_pause_then(struct family *f, bool seize, int sig)
{
	step_into_pause(f, seize);
	scn_say("-- T single-stepped into pause(); SIG%s to the process",
		sigabbrev_np(sig));
	sent_then_usr1(f, f->child, sig, true);
}

/*
 * A signal Linux discards at once is never queued, so it wakes no thread:
 * T sleeps on through a SIGURG sent to the process (N, which has exited
 * alone, ignores it). (Inside, N is traced on the host, which queues the
 * signal; it would end T's pause, and T would report the call's exit as a
 * step first; ptfuzz seeds 44 and 45.)
 */
static void case_discarded_wakes_nothing(void)
{
	struct family f;

	leader_exits = true;
	spawn(&f);
	scn_say("-- N has exited");
	step_into_pause_then(&f, true, SIGURG);
}

/*
 * T, seized, single-stepped into pause(), is named by a SIGUSR1 to the
 * process: complete_signal() wakes T alone, whose step's SIGTRAP comes
 * first, so the SIGUSR1 stays pending for the group, and N sleeps on. A
 * SIGCONT to the process, which N ignores, is discarded once it has
 * trap-notified T (prepare_signal()): it wakes nobody, and T, resumed,
 * traps, then takes the SIGUSR1. (Inside, the host queues the SIGCONT and
 * wakes N, which went on to take the SIGUSR1 in the same pass: ptfuzz
 * seed 823, step 6499, at 10000 steps.)
 */
static void case_discarded_leaves_group_signal(void)
{
	struct family f;

	spawn(&f);
	step_into_pause(&f, true);
	scn_say("-- T single-stepped into pause(); SIGUSR1 to the process, "
		"naming T");
	kill(f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGCONT to the process: N ignores it");
	kill(f.child, SIGCONT);
	scn_wait_syscall(f.child, SYS_pause);
	/* Its trap for the SIGCONT, then its stop for the SIGUSR1. */
	for (int n = 0; n < 2; n++) {
		struct timespec ms = { 0, 1000000 };
		int status;
		pid_t r = 0;

		pt_must(PTRACE_CONT, f.thread, 0, 0);
		for (int i = 0; i < 100 && r == 0; i++) {
			r = waitpid(f.thread, &status, WNOHANG | __WALL);
			nanosleep(&ms, NULL);
		}
		scn_say("wait(T, WNOHANG) for up to 100 ms: %s",
			r == 0 ? "nothing" : pt_status(status));
		if (r == 0)
			break;
	}
	kill_and_end(&f);
}

/*
 * N and T attached, both in a ptrace-stop when SIGCONT is sent to the
 * process: neither wants it (kernel/signal.c:wants_signal()), so it stays
 * pending for the group and wakes nobody. T, then single-stepped from its
 * syscall-entry-stop into pause(), has it pending (ptrace_stop() ends with
 * recalc_sigpending_tsk()): pause() ends at once, and T reports the step
 * at the call's exit first (the step's SIGTRAP is synchronous: dequeued
 * first), then the SIGCONT. (Inside, that step was taken for one the
 * host's SIGCONT trap made and not reported: ptfuzz seed 239 step 4632,
 * at 10000 steps.)
 */
static void case_sigcont_pending_ends_stepped_call(void)
{
	struct family f;

	spawn(&f);
	attach_both(&f);
	pt_must(PTRACE_SYSCALL, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- N and T stopped; SIGCONT to the process");
	kill(f.child, SIGCONT);
	scn_say("-- T single-stepped from its syscall-entry-stop");
	pt_must(PTRACE_SINGLESTEP, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill_and_end(&f);
}

/*
 * T attached, in its syscall-entry-stop of pause(), when SIGCONT is sent
 * naming it: T, traced and stopped, does not want it, N takes it
 * (complete_signal()); only seized threads trap (ptrace_trap_notify()).
 * T, then resumed with PTRACE_SYSCALL, sleeps in pause(): no
 * syscall-exit-stop until its own SIGUSR1 ends the call. (Inside, the
 * host, which seizes every thread, left T a trap that ended its pause at
 * once, and the exit-stop was reported: ptfuzz seed 274 step 3421, at
 * 10000 steps.) 100 ms of nothing is enough, as in step_into_pause_then().
 */
static void sigcont_wakes_no_resumed(long request, const char *name)
{
	struct timespec ms = { 0, 1000000 };
	struct family f;
	int status, i;
	pid_t r = 0;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_SYSCALL, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- T in its syscall-entry-stop; SIGCONT to T's tid (kill)");
	kill(f.thread, SIGCONT);
	scn_wait_syscall(f.child, SYS_pause);
	scn_say("-- T resumed with %s into pause()", name);
	pt_must(request, f.thread, 0, 0);
	for (i = 0; i < 100 && r == 0; i++) {
		r = waitpid(f.thread, &status, WNOHANG | __WALL);
		nanosleep(&ms, NULL);
	}
	scn_say("wait(T, WNOHANG) for 100 ms: %s",
		r == 0 ? "nothing" : pt_status(status));
	scn_say("-- tgkill(T, SIGUSR1): its pause() ends");
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	if (request == PTRACE_SYSCALL) {
		/* That was the syscall-exit-stop; the signal's comes next. */
		pt_must(PTRACE_CONT, f.thread, 0, 0);
		pt_wait_say(f.thread, __WALL, "wait(T)");
	}
	kill_and_end(&f);
}

static void case_sigcont_wakes_no_syscall_traced(void)
{
	sigcont_wakes_no_resumed(PTRACE_SYSCALL, "PTRACE_SYSCALL");
}

/*
 * The same with PTRACE_SYSEMU: from a syscall-entry-stop that
 * PTRACE_SYSCALL made, the call is not emulated but runs
 * (kernel/entry/common.c:syscall_trace_enter() decided by the work flags
 * it read before the stop), and makes no syscall-exit-stop
 * (report_single_step(), SYSCALL_WORK_SYSCALL_TRACE clear): T sleeps in
 * pause(), and its SIGUSR1 is the next stop. (Inside, the host's trap for
 * the SIGCONT ended the pause, whose restart was then emulated and
 * reported as a SYSEMU stop: ptfuzz seed 539 step 3769, at 10000 steps.)
 */
static void case_sigcont_wakes_no_sysemu(void)
{
	sigcont_wakes_no_resumed(PTRACE_SYSEMU, "PTRACE_SYSEMU");
}

/*
 * T attached, in its syscall-entry-stop of pause(), when N, attached too
 * and resumed with its SIGSTOP, begins a group-stop: do_signal_stop() sets
 * T's JOBCTL_STOP_PENDING and wakes it (signal_wake_up(): TIF_SIGPENDING,
 * which T, in TASK_TRACED, keeps: ptrace_stop()'s recalc_sigpending_tsk()
 * never clears it). A SIGCONT, which N takes, ends that stop before T is
 * resumed: T's pause() is still ended at once, and the call's exit
 * reported (a syscall-exit-stop, a step, or the restart's SYSEMU stop).
 * (Inside, the host's trap made it so too, and the model took it for the
 * host's alone and hid it: ptfuzz seed 707 step 8946, at 10000 steps.)
 */
static void group_stop_wakes_stopped(long request, const char *name)
{
	struct timespec ms = { 0, 1000000 };
	struct family f;
	int status, i;
	pid_t r = 0;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_SYSCALL, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- T in its syscall-entry-stop; N attached, resumed with SIGSTOP");
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, __WALL, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, SIGSTOP);
	pt_wait_say(f.child, __WALL, "wait(N)");
	scn_say("-- N resumed; SIGCONT to the process, which N takes");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	scn_wait_syscall(f.child, SYS_pause);
	kill(f.child, SIGCONT);
	pt_wait_say(f.child, __WALL, "wait(N)");
	scn_say("-- T resumed with %s into pause()", name);
	pt_must(request, f.thread, 0, 0);
	for (i = 0; i < 100 && r == 0; i++) {
		r = waitpid(f.thread, &status, WNOHANG | __WALL);
		nanosleep(&ms, NULL);
	}
	scn_say("wait(T, WNOHANG) for 100 ms: %s",
		r == 0 ? "nothing" : pt_status(status));
	if (r != 0) {
		struct user_regs_struct regs;

		pt_must(PTRACE_GETREGS, f.thread, 0, (long)&regs);
		scn_say("T's rax %lld, orig_rax %lld", (long long)regs.rax,
			(long long)regs.orig_rax);
	}
	scn_say("-- tgkill(T, SIGUSR1)");
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	if (r != 0)
		pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill_and_end(&f);
}

static void case_group_stop_wakes_stopped_syscall(void)
{
	group_stop_wakes_stopped(PTRACE_SYSCALL, "PTRACE_SYSCALL");
}

static void case_group_stop_wakes_stopped_step(void)
{
	group_stop_wakes_stopped(PTRACE_SINGLESTEP, "PTRACE_SINGLESTEP");
}

static void case_group_stop_wakes_stopped_sysemu(void)
{
	group_stop_wakes_stopped(PTRACE_SYSEMU, "PTRACE_SYSEMU");
}

/*
 * SIGCONT makes the threads a tracer seized trap (kernel/signal.c:
 * prepare_signal(), ptrace_trap_notify()); T, attached, is not woken. (The
 * host seizes every thread, so inside T's pause ends; ptfuzz seed 87.)
 */
static void case_sigcont_wakes_no_attached(void)
{
	struct family f;

	spawn(&f);
	step_into_pause_then(&f, false, SIGCONT);
}

/* waitid(P_PID, child, WSTOPPED|WNOHANG|WNOWAIT), printed. */
static void say_waitid_stopped(pid_t child, const char *when)
{
	siginfo_t si;
	int r;

	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)child, &si, WSTOPPED | WNOHANG | WNOWAIT);
	scn_say("%s: waitid(child, WSTOPPED|WNOHANG|WNOWAIT) = %d %s%s", when,
		r, r < 0 ? scn_errno(errno) : "",
		r == 0 && si.si_pid == 0 ? "(none)" : "");
}

/*
 * kernel/exit.c:wait_consider_task(): the zombie of a child its real
 * parent traces is no candidate for a wait without WEXITED (ECHILD),
 * whether its thread T is reaped yet or not (ptfuzz seed 19 step 2555).
 */
static void case_traced_zombie_leader(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	kill(f.child, SIGKILL);
	scn_wait_state(f.child, "Z");
	say_waitid_stopped(f.child, "T unreaped");
	pt_wait_say(f.thread, __WALL, "wait(T)");
	say_waitid_stopped(f.child, "T reaped");
	end(&f);	/* (its SIGKILL finds a zombie) */
}

/*
 * The family spawned, T seized and exited alone (its report printed if
 * @say_t), N seized, then killed: a zombie whose death Linux delays while
 * T is unreaped.
 */
static void leader_killed_thread_unreaped(struct family *f, bool say_t)
{
	spawn(f);
	seized_thread_exits_alone(f, say_t);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f->child, 0, 0);
	scn_say("-- N killed; T not reaped");
	kill(f->child, SIGKILL);
	scn_wait_state(f->child, "Z");
}

/*
 * T, traced, exits alone (its SIGUSR2 handler), not reaped; then N, traced
 * too, is killed: Linux does not report N's death while T, a zombie its
 * tracer has not reaped, is still in N's group (kernel/exit.c:
 * wait_consider_task(): "we don't reap group leaders with subthreads",
 * delay_group_leader()). (Inside, N's death was reported at once: ptfuzz
 * seed 79 step 8757, at 10000 steps.)
 */
static void case_traced_leader_killed_thread_unreaped(void)
{
	struct family f;

	leader_killed_thread_unreaped(&f, true);
	pt_wait_say(f.child, WNOHANG, "wait(N, WNOHANG)");
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	close_tid_pipe();
}

/*
 * As traced-leader-killed-thread-unreaped, with N untraced: T's tracer,
 * N's real parent too, sees N's death only once it has reaped T
 * (delay_group_leader()). (Inside, the SIGKILL ended the host's hold of
 * T at its PTRACE_EVENT_EXIT, T was gone on the host, and the host
 * reported N's death at once: ptfuzz seed 425 step 1426, at 10000 steps.
 * Now the supervisor holds N at its exit event until T is reaped; its
 * state there is 'Z' only with --proc-view, which the test runs with.)
 */
static void case_untraced_leader_killed_thread_unreaped(void)
{
	struct family f;

	spawn(&f);
	seized_thread_exits_alone(&f, true);
	scn_say("-- N, untraced, killed; T not reaped");
	kill(f.child, SIGKILL);
	scn_wait_state(f.child, "Z");
	pt_wait_say(f.child, WNOHANG, "wait(N, WNOHANG)");
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	close_tid_pipe();
}

/*
 * T, seized, exits alone and is not reaped. tkill(2) and tgkill(2) of
 * SIGKILL to it return 0 and do nothing else: complete_signal() finds
 * that T does not want it (wants_signal(): PF_EXITING) and gives a
 * signal sent to one thread to no other. (Inside, the host holds T at
 * its PTRACE_EVENT_EXIT, before do_exit() sets PF_EXITING: there SIGKILL
 * killed the group; ptfuzz seed 238 step 5638, at 10000 steps.) Then
 * SIGTERM kills the group.
 */
static void case_sigkill_to_exited_traced_thread(void)
{
	struct family f;

	spawn(&f);
	seized_thread_exits_alone(&f, true);
	scn_say("tgkill(N, T, SIGKILL) = %ld",
		(long)syscall(SYS_tgkill, f.child, f.thread, SIGKILL));
	scn_say("tkill(T, SIGKILL) = %ld",
		(long)syscall(SYS_tkill, f.thread, SIGKILL));
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- kill(process, SIGTERM)");
	kill(f.child, SIGTERM);
	pt_wait_say(f.child, 0, "wait(N)");
	close_tid_pipe();
}

/*
 * True once the SIGKILL of @f's group has gone through: natively N is a
 * zombie (T, an unreaped zombie, keeps it from being reported:
 * delay_group_leader()); inside, N may be held at its exit (README,
 * Limitations) and T's tid gone on the host.
 */
static bool group_killed(const struct family *f)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)f->thread);
	return scn_proc_state(f->child) == 'Z' || access(path, F_OK) != 0;
}

/* T, seized, exits alone; its group is killed before T is reaped. */
static void kill_with_zombie_thread(struct family *f)
{
	spawn(f);
	seized_thread_exits_alone(f, false);
	scn_say("-- SIGKILL to the process; T, a zombie, unreaped");
	kill(f->child, SIGKILL);
	while (!group_killed(f))
		usleep(1000);
}

/*
 * T, seized, exits alone; SIGKILL to the process before its tracer reaps
 * it. T's tid still names it, a zombie in the dead group: kill(2) of it
 * sends to the group (kernel/signal.c:kill_pid_info(), then
 * group_send_sig_info() for PIDTYPE_TGID), which drops it, and returns 0;
 * tkill(2) and tgkill(2) queue to T and return 0; a tgkill naming
 * another group gets ESRCH. (Inside, the SIGKILL ended T's hold at its
 * exit stop and the supervisor reaped it on the host: each got ESRCH;
 * ptfuzz seed 493 step 9698, at 10000 steps.) Only signals the filter
 * traps: the others are the next case.
 */
static void case_signals_to_killed_zombie_thread(void)
{
	struct family f;
	long r;

	kill_with_zombie_thread(&f);
	scn_say("kill(T, SIGCONT) = %d", kill(f.thread, SIGCONT));
	scn_say("kill(T, SIGUSR1) = %d", kill(f.thread, SIGUSR1));
	scn_say("tkill(T, SIGCONT) = %ld",
		(long)syscall(SYS_tkill, f.thread, SIGCONT));
	scn_say("tgkill(N, T, SIGWINCH) = %ld",
		(long)syscall(SYS_tgkill, f.child, f.thread, SIGWINCH));
	scn_say("tgkill(N, T, SIGKILL) = %ld",
		(long)syscall(SYS_tgkill, f.child, f.thread, SIGKILL));
	r = syscall(SYS_tgkill, getpid(), f.thread, SIGCONT);
	scn_say("tgkill(self, T, SIGCONT) = %ld %s", r,
		r < 0 ? scn_errno(errno) : "");
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	close_tid_pipe();
}

/*
 * The same for signals the filter does not trap: kill(2) of signal 0 (a
 * check that the pid exists) and of SIGQUIT, tkill(2) of SIGUSR1. Inside
 * they run on the host, which no longer has T's tid: ESRCH (README,
 * Limitations; an expected failure).
 */
static void case_untrapped_signals_to_killed_zombie_thread(void)
{
	struct family f;

	kill_with_zombie_thread(&f);
	scn_say("kill(T, 0) = %d", kill(f.thread, 0));
	scn_say("kill(T, SIGQUIT) = %d", kill(f.thread, SIGQUIT));
	scn_say("tkill(T, SIGUSR1) = %ld",
		(long)syscall(SYS_tkill, f.thread, SIGUSR1));
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	close_tid_pipe();
}

/*
 * N exits alone; T, seized, stops for its group. tgkill(2) of SIGCONT to
 * N, a zombie, queues nothing and continues nothing (0 is returned; seen
 * on 6.18: the group's pending stop signals are not flushed either);
 * kill(2) of the process does continue the group, which T's tracer's
 * WCONTINUED wait reports. (Inside, the tgkill was taken for a SIGCONT
 * that continued the group: ptfuzz seed 165 step 5559, at 10000 steps.)
 */
static void case_sigcont_tgkill_to_exited_leader(void)
{
	struct family f;

	leader_exits = true;
	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- SIGSTOP to the process: T stops for it, then its group");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- tgkill(N, N, SIGCONT), N a zombie");
	scn_say("tgkill = %ld", (long)syscall(SYS_tgkill, f.child, f.child,
					       SIGCONT));
	pt_wait_say(f.thread, WCONTINUED | WNOHANG | __WALL,
		    "wait(T, WCONTINUED|WNOHANG)");
	scn_say("-- kill(process, SIGCONT)");
	kill(f.child, SIGCONT);
	pt_wait_say(f.thread, WCONTINUED | WNOHANG | __WALL,
		    "wait(T, WCONTINUED|WNOHANG)");
	kill_and_end(&f);
}

/*
 * N exits alone; T is attached, then resumed by @request into pause(),
 * where it sleeps.
 */
static void t_of_exited_leader_in_pause(struct family *f, long request)
{
	leader_exits = true;
	spawn(f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f->thread, 0, 0);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	pt_must(request, f->thread, 0, 0);
	scn_wait_syscall(f->thread, SYS_pause);
}

/*
 * N exits alone; T, attached, is in a signal-delivery-stop for SIGSTOP.
 * tgkill(2) of SIGCONT to N, a zombie, does not clear T's
 * JOBCTL_STOP_DEQUEUED either (it reaches no prepare_signal()), so T, let
 * go with that SIGSTOP, stops its group. (Inside, the SIGCONT was taken
 * for one that cleared it, T's SIGSTOP stopped nothing, and T went on to
 * take a SIGTSTP pending for the group: ptfuzz seed 556 in events mode,
 * step 1965.)
 */
static void case_sigcont_tgkill_to_exited_leader_then_stop(void)
{
	struct family f;

	t_of_exited_leader_in_pause(&f, PTRACE_CONT);
	scn_say("-- tgkill(T, SIGSTOP): a signal-delivery-stop");
	syscall(SYS_tgkill, f.child, f.thread, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- tgkill(N, N, SIGCONT), N a zombie");
	scn_say("tgkill = %ld", (long)syscall(SYS_tgkill, f.child, f.child,
					       SIGCONT));
	scn_say("-- T let go with its SIGSTOP");
	pt_must(PTRACE_CONT, f.thread, 0, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill_and_end(&f);
}

/*
 * N exits alone; T, attached, is single-stepped into pause(). SIGCONT to
 * the process names N, untraced, which ignores it (SIG_DFL): Linux
 * discards it (kernel/signal.c:prepare_signal(), sig_ignored(), "whether
 * that task is exiting or not") and wakes nobody, so T reports no step.
 * (Inside, T was counted as the thread the SIGCONT woke, N not wanting
 * it, and the step that the host's SIGCONT trap made was reported: ptfuzz
 * seed 153 step 6100, at 10000 steps.) T has nothing to report natively,
 * so no state proves the moment to look: the WNOHANG wait comes 10 ms
 * later (inside, the step is reported well within that). Then SIGUSR1
 * wakes T, which reports its step.
 */
static void case_sigcont_discarded_wakes_no_stepped(void)
{
	struct family f;

	t_of_exited_leader_in_pause(&f, PTRACE_SINGLESTEP);
	scn_say("-- T single-stepped into pause(); SIGCONT to the process "
		"(N has exited)");
	kill(f.child, SIGCONT);
	for (int i = 0; i < 50; i++) {
		struct timespec ts = { 0, 200 * 1000 };

		nanosleep(&ts, NULL);
	}
	pt_wait_say(f.thread, WNOHANG | __WALL, "wait(T, WNOHANG)");
	scn_say("-- tgkill(T, SIGUSR1)");
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill_and_end(&f);
}

/*
 * T, attached and single-stepped into pause(), is sent SIGCHLD (kill(2)
 * of its tid): T, traced, keeps it and wants it, so complete_signal()
 * wakes T alone, which reports its step first; the SIGCHLD stays pending
 * for the group. SIGCONT to N, untraced and ignoring it, is discarded
 * (prepare_signal()) and wakes nobody; T, resumed, stops for the SIGCHLD.
 * (Inside, the host's SIGCONT woke N, which took the SIGCHLD: ptfuzz seed
 * 145 step 5774, at 10000 steps.)
 */
static void case_sigcont_discarded_leaves_group_signal(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_SINGLESTEP, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- T single-stepped into pause(); kill(T, SIGCHLD)");
	kill(f.thread, SIGCHLD);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGCONT to the process: N ignores it");
	kill(f.child, SIGCONT);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	kill_and_end(&f);
}

/*
 * A SIGCONT, even one Linux discards, clears JOBCTL_STOP_DEQUEUED of a
 * thread in a signal-delivery-stop (prepare_signal()): a SIGSTOP its
 * tracer gives it there then stops nothing (get_signal(): "We didn't
 * actually stop, due to a race with SIGCONT"). T goes back to pause().
 */
static void case_sigcont_discarded_cancels_stop(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	syscall(SYS_tgkill, f.child, f.thread, SIGUSR1);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGCONT to the process: N ignores it");
	kill(f.child, SIGCONT);
	scn_say("-- T given SIGSTOP at its signal-delivery-stop");
	pt_must(PTRACE_CONT, f.thread, 0, SIGSTOP);
	scn_wait_syscall(f.thread, SYS_pause);
	pt_wait_say(f.thread, WNOHANG | __WALL, "wait(T, WNOHANG)");
	scn_say("N sleeps in pause(): %s",
		scn_sleeps_in(f.child, SYS_pause) ? "yes" : "no");
	kill_and_end(&f);
}

static void on_sigprof(int sig)
{
	(void)sig;
}

/*
 * wait4(@pid, @flags), broken after 100 ms by a SIGPROF whose handler has
 * no SA_RESTART: EINTR when nothing came, printed.
 */
static void wait_interrupted_say(pid_t pid, int flags, const char *who)
{
	struct sigaction sa = { .sa_handler = on_sigprof };
	struct itimerspec its = { .it_value = { 0, 100000000 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGPROF };
	timer_t timer;
	int status = 0;
	pid_t r;

	scn_check(sigaction(SIGPROF, &sa, NULL) == 0);
	scn_check(timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0);
	scn_check(timer_settime(timer, 0, &its, NULL) == 0);
	r = wait4(pid, &status, flags, NULL);
	if (r < 0)
		scn_say("%s: %s", who, scn_errno(errno));
	else
		scn_say("%s: %s %s", who, scn_pid(r), pt_status(status));
	timer_delete(timer);
}

/*
 * The same as traced-leader-killed-thread-unreaped with a blocking wait
 * for N, broken by a timer: Linux reports nothing while T is unreaped
 * (a wider wait, for -1 or the process group, would report T first, a
 * tracee being eligible without __WALL: eligible_child()). Then
 * wait(-1, WNOHANG) reaps T, after which N is reported.
 */
static void case_traced_leader_killed_thread_unreaped_wider(void)
{
	struct family f;

	leader_killed_thread_unreaped(&f, false);
	wait_interrupted_say(f.child, 0, "wait(N), 100 ms");
	pt_wait_say(-1, WNOHANG, "wait(-1, WNOHANG)");
	pt_wait_say(f.child, 0, "wait(N)");
	close_tid_pipe();
}

/*
 * The tracer's second thread: reaps T once the first sleeps in its wait
 * (inside ptvisor, whose model knows that N's death is not to be reported
 * yet, in pause(2), the wait's vehicle: /proc shows it).
 */
struct reaper {
	pid_t waiter;	/* the thread that waits for N */
	pid_t thread;	/* T */
	pid_t got;
	int status;
};

static void *reap_thread(void *arg)
{
	struct reaper *r = arg;

	while (!scn_sleeps_in(r->waiter, SYS_wait4) &&
	       !scn_sleeps_in(r->waiter, SYS_pause))
		usleep(1000);
	r->got = pt_wait(r->thread, &r->status, __WALL);
	return NULL;
}

/*
 * The same, but while the tracer's first thread waits for N (blocking),
 * its second thread reaps T: N's death is reported then (kernel/exit.c:
 * release_task() notifies the leader's parent once its last thread is
 * gone, which wakes the wait).
 */
static void case_traced_leader_reported_once_thread_reaped(void)
{
	struct reaper r = { .waiter = (pid_t)syscall(SYS_gettid) };
	struct family f;
	pthread_t th;

	spawn(&f);
	r.thread = f.thread;
	seized_thread_exits_alone(&f, false);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	scn_say("-- N killed; a second thread reaps T while wait(N) sleeps");
	kill(f.child, SIGKILL);
	scn_wait_state(f.child, "Z");
	scn_check(pthread_create(&th, NULL, reap_thread, &r) == 0);
	pt_wait_say(f.child, 0, "wait(N)");
	scn_check(pthread_join(th, NULL) == 0);
	scn_say("second thread's wait(T): %s %s", scn_pid(r.got),
		pt_status(r.status));
	close_tid_pipe();
}

/*
 * T, seized, is at a syscall-entry-stop (its pause(2), restarted after an
 * interrupt) when its group is sent SIGSTOP: N stops, T has the group-stop
 * pending. Its tracer detaches it with SIGTERM: ptrace_report_syscall()
 * sends it to T (send_sig()), untraced now, and complete_signal() kills
 * the group at once (SIGTERM is fatal). Inside, the host still traces T,
 * which would take the pending group-stop first and stop (ptfuzz seed 264,
 * step 5413, at 10000 steps): the supervisor kills the group with SIGKILL
 * in SIGTERM's place, and N's death shows SIGTERM (design note 48).
 * @blocked: T blocks SIGTERM (PTRACE_SETSIGMASK), and N, stopped, does not
 * want it: it stays pending, nothing dies, and T joins the group-stop.
 */
static void detach_fatal_at_syscall_with_group_stop(bool blocked)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	pt_say("PTRACE_INTERRUPT(T)", PTRACE_INTERRUPT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_SYSCALL, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGSTOP to the group while T is at its syscall-entry-stop");
	/*
	 * N is seized for a moment, so that its stop for the group is
	 * reported: the group-stop is pending for T once N's
	 * PTRACE_EVENT_STOP is; detached, N stays in the group-stop. (A wait
	 * for N's state letter is not enough inside ptvisor: it shows 't'
	 * already in N's host signal-delivery-stop, before the group-stop.)
	 */
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	kill(f.child, SIGSTOP);
	pt_wait_say(f.child, __WALL, "wait(N)");
	pt_say("PTRACE_CONT(N, SIGSTOP)", PTRACE_CONT, f.child, 0, SIGSTOP);
	pt_wait_say(f.child, __WALL, "wait(N)");
	pt_say("PTRACE_DETACH(N)", PTRACE_DETACH, f.child, 0, 0);
	if (blocked) {
		uint64_t mask = 1ULL << (SIGTERM - 1);

		pt_say("PTRACE_SETSIGMASK(T, SIGTERM)", PTRACE_SETSIGMASK,
		       f.thread, sizeof(mask), (unsigned long)&mask);
	}
	pt_say("PTRACE_DETACH(T, SIGTERM)", PTRACE_DETACH, f.thread, 0,
	       SIGTERM);
	pt_wait_say(f.child, WUNTRACED, "wait(N, WUNTRACED)");
	/* (A group left stopped is killed and reaped quietly.) */
	kill(f.child, SIGKILL);
	while (waitpid(f.child, NULL, 0) < 0 && errno == EINTR)
		;
	close_tid_pipe();
}

static void case_detach_fatal_at_syscall_with_group_stop(void)
{
	detach_fatal_at_syscall_with_group_stop(false);
}

static void case_detach_fatal_at_syscall_blocked(void)
{
	detach_fatal_at_syscall_with_group_stop(true);
}

static void on_usr1_interrupt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
}

/* How the printer's wait for -1 is made, and what ends it. */
enum elsewhere_wait {
	ELSEWHERE_NOHANG,	/* WNOHANG: nothing (0) */
	ELSEWHERE_INTERRUPTED,	/* blocking; a SIGUSR1 from Y: EINTR */
	ELSEWHERE_CHILD_EXITS,	/* blocking; another child Z exits: Z */
	ELSEWHERE_UNTRACED,	/* WUNTRACED; a SIGUSR1 from Y: EINTR */
	ELSEWHERE_CHILD_STOPS,	/* WUNTRACED; another child Z stops: Z */
};

/* Polls until @pid sleeps in a wait (or, inside ptvisor, in its pause). */
static void wait_until_waiting(pid_t pid)
{
	/* A wait with nothing to report may sleep in pause(2) inside
	   ptvisor, which /proc shows (README, Limitations). */
	while (!scn_sleeps_in(pid, SYS_wait4) && !scn_sleeps_in(pid, SYS_pause))
		usleep(1000);
}

/*
 * As traced-leader-killed-thread-unreaped, but T is traced by another
 * process Y (a child of the printer), which does not reap it: the
 * printer's wait(-1) finds N dead but not reportable
 * (delay_group_leader()). Inside, the wait does not name N; the host,
 * which has N's zombie, would reap it. Once Y exits, T is let go and N is
 * reported. @how: a WNOHANG wait returns 0; a blocking one sleeps until
 * Y interrupts it with a SIGUSR1 (a handler without SA_RESTART: EINTR),
 * or until another child Z exits or (WUNTRACED) stops, which it reports.
 */
static void traced_leader_killed_thread_traced_elsewhere(enum elsewhere_wait how)
{
	int go[2], done[2];
	struct family f;
	pid_t y, z = 0;
	char c;

	spawn(&f);
	scn_pipe(go, O_CLOEXEC);
	scn_pipe(done, O_CLOEXEC);
	y = scn_fork();
	if (y == 0) {
		siginfo_t si;
		int status;

		close(go[1]);
		close(done[0]);
		if (ptrace(PTRACE_SEIZE, f.thread, 0, 0) != 0)
			_exit(1);
		syscall(SYS_tgkill, f.child, f.thread, SIGUSR2);
		if (waitpid(f.thread, &status, __WALL) != f.thread ||
		    ptrace(PTRACE_CONT, f.thread, 0, SIGUSR2) != 0 ||
		    waitid(P_PID, (id_t)f.thread, &si,
			   WEXITED | WNOWAIT | __WALL) != 0)
			_exit(2);
		scn_write_full(done[1], "x", 1);
		if (how == ELSEWHERE_INTERRUPTED || how == ELSEWHERE_UNTRACED) {
			wait_until_waiting(getppid());
			kill(getppid(), SIGUSR1);
		}
		(void)!read(go[0], &c, 1);	/* until the printer is done */
		_exit(0);
	}
	close(done[1]);
	if (how == ELSEWHERE_INTERRUPTED || how == ELSEWHERE_UNTRACED)
		scn_handle(SIGUSR1, on_usr1_interrupt, 0);
	scn_check(scn_read_full(done[0], &c, 1));
	scn_say("-- Y traced T, which exited alone; Y does not reap it");
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	scn_say("-- N killed");
	kill(f.child, SIGKILL);
	scn_wait_state(f.child, "Z");
	/*
	 * Natively N's tracer is us. Inside ptvisor the host tracer (its
	 * TracerPid: README's limitations) reaps N's zombie first and hands
	 * it to us, its real parent: wait until it has, so that the wait
	 * below meets the same state in every run.
	 */
	for (;;) {
		unsigned long long tracer =
			scn_status_field(f.child, "TracerPid", 10);

		if (tracer == 0 || tracer == (unsigned long long)getpid())
			break;
		usleep(1000);
	}
	if (how == ELSEWHERE_NOHANG) {
		pt_wait_say(-1, WNOHANG, "wait(-1, WNOHANG)");
	} else {
		int status = 0;
		pid_t r;

		if (how == ELSEWHERE_CHILD_EXITS || how == ELSEWHERE_CHILD_STOPS) {
			/* (Its SIGCHLD, blocked, ends no sleep of ours.) */
			scn_say("-- SIGCHLD blocked; Z forked: it %s once we wait",
				how == ELSEWHERE_CHILD_EXITS ? "exits" : "stops");
			scn_block(SIGCHLD, true);
			z = scn_fork();
			if (z == 0) {
				wait_until_waiting(getppid());
				if (how == ELSEWHERE_CHILD_STOPS)
					raise(SIGSTOP);
				_exit(7);
			}
		}
		r = wait4(-1, &status,
			  how == ELSEWHERE_UNTRACED || how == ELSEWHERE_CHILD_STOPS
				  ? WUNTRACED : 0, NULL);
		if (r < 0)
			scn_say("wait(-1): %s", scn_errno(errno));
		else
			scn_say("wait(-1): %s %s", scn_pid(r), pt_status(status));
		if (how == ELSEWHERE_CHILD_STOPS) {
			kill(z, SIGCONT);
			pt_wait_say(z, 0, "wait(Z)");
		}
		if (how == ELSEWHERE_CHILD_EXITS || how == ELSEWHERE_CHILD_STOPS)
			scn_block(SIGCHLD, false);
		else
			scn_handle(SIGUSR1, on_usr1_interrupt, SA_RESTART);
	}
	scn_say("-- Y exits");
	close(go[1]);
	pt_wait_say(y, 0, "wait(Y)");
	pt_wait_say(f.child, 0, "wait(N)");
	if (z > 0 && waitpid(z, NULL, WNOHANG) == 0)
		scn_say("Z not reaped by the wait for -1");
	close(go[0]);
	close(done[0]);
	close_tid_pipe();
}

static void case_traced_leader_killed_thread_traced_elsewhere(void)
{
	traced_leader_killed_thread_traced_elsewhere(ELSEWHERE_NOHANG);
}

static void case_traced_leader_killed_thread_traced_elsewhere_blocking(void)
{
	traced_leader_killed_thread_traced_elsewhere(ELSEWHERE_INTERRUPTED);
}

static void case_traced_leader_killed_thread_traced_elsewhere_child_exits(void)
{
	traced_leader_killed_thread_traced_elsewhere(ELSEWHERE_CHILD_EXITS);
}

static void case_traced_leader_killed_thread_traced_elsewhere_untraced(void)
{
	traced_leader_killed_thread_traced_elsewhere(ELSEWHERE_UNTRACED);
}

static void case_traced_leader_killed_thread_traced_elsewhere_child_stops(void)
{
	traced_leader_killed_thread_traced_elsewhere(ELSEWHERE_CHILD_STOPS);
}

/* waitid(P_PID, child, WCONTINUED|WNOHANG), printed. */
static void say_waitid_continued(pid_t child)
{
	siginfo_t si;
	int r;

	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)child, &si, WCONTINUED | WNOHANG);
	scn_say("waitid(child, WCONTINUED|WNOHANG) = %d %s", r,
		r < 0 ? scn_errno(errno)
		      : si.si_pid == 0 ? "(none)"
				       : si.si_code == CLD_CONTINUED
						 ? "continued" : "other");
}

/*
 * N, traced by its real parent, exits alone (its SIGUSR2 handler) while T
 * lives on: a zombie for Linux, which its parent's wait without WEXITED or
 * WCONTINUED does not count (ECHILD), and whose group's continue it
 * reports ("Allow access to stopped/continued state via zombie by falling
 * through"). The host reports N's death to nobody while T lives (ptfuzz
 * seed 54).
 */
static void case_traced_leader_exits_alone(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	scn_say("-- tgkill(N, SIGUSR2): its handler ends N alone");
	syscall(SYS_tgkill, f.child, f.child, SIGUSR2);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, SIGUSR2);
	scn_wait_state(f.child, "Z");
	say_waitid_stopped(f.child, "N exited");
	scn_say("-- SIGSTOP to the process; T stops; SIGCONT");
	kill(f.child, SIGSTOP);
	scn_wait_state(f.thread, "Tt");
	kill(f.child, SIGCONT);
	scn_wait_state(f.thread, "S");
	say_waitid_continued(f.child);
	say_waitid_continued(f.child);
	say_waitid_stopped(f.child, "continued");
	end(&f);
}

/*
 * kernel/signal.c:prepare_signal(): "if (signal->flags & SIGNAL_GROUP_EXIT)
 * ... The process is in the middle of dying, drop the signal". A group
 * stopped, then killed (PTRACE_KILL of T, held at its PTRACE_EVENT_EXIT
 * stop): complete_signal() replaced SIGNAL_STOP_STOPPED with
 * SIGNAL_GROUP_EXIT, so a SIGCONT now continues nothing and the real
 * parent's WCONTINUED wait has nothing (ptfuzz seed 340, events mode,
 * step 1496). @leader_traced: N is its real parent's tracee too.
 */
static void sigcont_to_killed_group(bool leader_traced)
{
	struct family f;

	spawn(&f);
	if (leader_traced)
		pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	pt_say("PTRACE_SEIZE(T, TRACEEXIT)", PTRACE_SEIZE, f.thread, 0,
	       PTRACE_O_TRACEEXIT);
	if (leader_traced) {
		scn_say("-- SIGSTOP to N, which its tracer lets stop");
		syscall(SYS_tgkill, f.child, f.child, SIGSTOP);
		pt_wait_say(f.child, 0, "wait(N)");
		pt_must(PTRACE_CONT, f.child, 0, SIGSTOP);
		pt_wait_say(f.child, 0, "wait(N)");
	} else {
		scn_say("-- SIGSTOP to the process");
		kill(f.child, SIGSTOP);
	}
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_wait_state(f.child, "Tt");
	say_waitid_stopped(f.child, "stopped");
	scn_say("-- PTRACE_KILL(T): the group dies");
	pt_must(PTRACE_KILL, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	/*
	 * (N traced: whether it is a zombie yet, which a WSTOPPED wait tells
	 * by ECHILD, is a matter of timing.)
	 */
	if (!leader_traced)
		say_waitid_stopped(f.child, "killed");
	scn_say("-- SIGCONT to the process");
	kill(f.child, SIGCONT);
	say_waitid_continued(f.child);
	if (!leader_traced)
		say_waitid_stopped(f.child, "SIGCONT sent");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	end(&f);
}

static void case_sigcont_to_killed_group(void)
{
	sigcont_to_killed_group(false);
}

static void case_sigcont_to_killed_traced_group(void)
{
	sigcont_to_killed_group(true);
}

/*
 * As above, the SIGCONT sent right after the SIGKILL: complete_signal() set
 * SIGNAL_GROUP_EXIT in the kill(2) already, so no round reports a continue
 * (whether the child is a zombie by the wait, ECHILD, or not yet, 0, is a
 * matter of timing). Before, some rounds inside did: a few in a hundred
 * here, and 6 to 11 of 20 in a loop that slept 20 ms where this waits for
 * T's stop.
 */
static void case_sigcont_right_after_sigkill(void)
{
	for (int round = 0; round < 10; round++) {
		struct family f;
		siginfo_t si;
		int r;

		spawn(&f);
		pt_must(PTRACE_SEIZE, f.child, 0, 0);
		kill(f.child, SIGSTOP);
		scn_check(waitpid(f.child, NULL, 0) == f.child);
		pt_must(PTRACE_CONT, f.child, 0, SIGSTOP);
		scn_check(waitpid(f.child, NULL, 0) == f.child);
		scn_wait_state(f.thread, "Tt");
		kill(f.child, SIGKILL);
		kill(f.child, SIGCONT);
		memset(&si, 0, sizeof(si));
		r = waitid(P_PID, (id_t)f.child, &si, WCONTINUED | WNOHANG);
		scn_say("round %d: %s", round,
			r == 0 && si.si_pid == f.child &&
				si.si_code == CLD_CONTINUED
				? "continued" : "not continued");
		pt_wait_say(f.child, 0, "wait(child)");
		close_tid_pipe();
	}
}

/* The outcome of a WNOHANG waitid(2) of @options for @child, in a word. */
static const char *waitid_word(pid_t child, int options)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)child, &si, options | WNOHANG) < 0)
		return scn_errno(errno);
	if (si.si_pid == 0)
		return "(none)";
	return si.si_code == CLD_STOPPED     ? "stopped"
	       : si.si_code == CLD_CONTINUED ? "continued"
					     : "other";
}

/*
 * N, traced, has exited alone (as above). Once T is seen stopped, its
 * group-stop is complete (kernel/signal.c:do_signal_stop(): the last
 * thread sets SIGNAL_STOP_STOPPED), and a SIGCONT sent then is a continue
 * the real parent's wait reports. Under ptvisor a thread that dequeued
 * SIGSTOP first stops for the host's tracer (its state is 't' already),
 * and a SIGCONT sent before the supervisor delivers it would cancel the
 * stop (prepare_signal() clears JOBCTL_STOP_DEQUEUED). Rounds, to meet
 * that window.
 */
static void case_cont_after_stop_seen(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	syscall(SYS_tgkill, f.child, f.child, SIGUSR2);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, SIGUSR2);
	scn_wait_state(f.child, "Z");
	scn_say("-- N exited; 30 rounds: SIGSTOP; T seen stopped; SIGCONT; "
		"waitid(WCONTINUED)");
	for (int i = 0; i < 30; i++) {
		const char *cont;

		kill(f.child, SIGSTOP);
		scn_wait_state(f.thread, "Tt");
		kill(f.child, SIGCONT);
		cont = waitid_word(f.child, WCONTINUED);
		if (strcmp(cont, "continued") != 0)
			scn_say("round %d: %s", i, cont);
		scn_wait_state(f.thread, "S");
	}
	scn_say("-- rounds done");
	end(&f);
}

/*
 * N, in a stop while its group-stop is in effect, detached with SIGSTOP;
 * @sig sent to T, which is resumed (@request): T's next stop, then the end.
 */
static void detach_then_resume(struct family *f, int sig, long request)
{
	scn_say("-- N detached with SIGSTOP; tgkill(N, T, %s); T resumed",
		scn_sig(sig));
	pt_must(PTRACE_DETACH, f->child, 0, SIGSTOP);
	scn_wait_state(f->child, "Tt");
	syscall(SYS_tgkill, f->child, f->thread, sig);
	pt_must(request, f->thread, 0, 0);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	pt_say_siginfo(f->thread, "T");
	kill_and_end(f);
}

/*
 * The group stopped untraced; then both threads are attached (each re-traps
 * from its group-stop, its attach SIGSTOP pending), N is resumed, takes its
 * SIGSTOP and is detached with it. The group-stop is still in effect, so
 * the detach gives N JOBCTL_STOP_PENDING (kernel/ptrace.c:__ptrace_unlink(),
 * "Reinstate JOBCTL_STOP_PENDING if group stop is in effect"): N's SIGSTOP
 * joins that group-stop and begins no new one (do_signal_stop()). T,
 * resumed, takes its own pending signals: its attach's SIGSTOP first. The
 * host reinstates nothing: N's SIGSTOP there began a new group-stop, which
 * T stopped for again (ptfuzz seed 239 step 1432).
 */
static void case_attached_stopped_not_restopped(void)
{
	struct family f;

	spawn(&f);
	scn_say("-- tgkill(N, N, SIGSTOP): the group stops, untraced");
	syscall(SYS_tgkill, f.child, f.child, SIGSTOP);
	scn_wait_state(f.child, "Tt");
	scn_wait_state(f.thread, "Tt");
	pt_wait_say(f.child, WUNTRACED, "wait(child)");
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SYSCALL, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say_siginfo(f.child, "N");
	detach_then_resume(&f, SIGURG, PTRACE_SYSCALL);
}

/*
 * The same with both threads traced from the start: T begins the
 * group-stop (its tracer gives it SIGSTOP), N joins it, takes a SIGUSR1
 * and is detached from that stop with SIGSTOP, which joins the group-stop
 * still in effect. T, resumed from its group-stop, takes the SIGUSR2 sent
 * to it: it stops for no new group-stop (ptfuzz seed 108 step 1786).
 */
static void case_detached_joins_group_stop(void)
{
	struct family f;

	spawn(&f);
	attach_leader(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- T given SIGSTOP: the group stops");
	pt_must(PTRACE_CONT, f.thread, 0, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	scn_say("-- tgkill(N, N, SIGUSR1); N resumed");
	syscall(SYS_tgkill, f.child, f.child, SIGUSR1);
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	detach_then_resume(&f, SIGUSR2, PTRACE_CONT);
}

/*
 * kernel/signal.c: a SIGCONT sets the group's SIGNAL_STOP_CONTINUED, which
 * only a completed group-stop replaces (do_signal_stop(): SIGNAL_STOP_STOPPED
 * once the last thread stops). T, seized and held in its group-stop's
 * ptrace-stop, does not take part: N stopping again leaves the continue
 * reportable to the real parent. (Its order before a tracee's report, which
 * the model once lost at N's stop, is ptfuzz seeds 56 and 64: a scenario
 * for it depends on when the supervisor sees N stop.)
 */
static void case_continue_survives_partial_stop(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- SIGSTOP to the process: N stops, then T (its tracer hears)");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGCONT: N runs, T stays in its ptrace-stop; SIGSTOP again");
	kill(f.child, SIGCONT);
	scn_wait_state(f.child, "S");
	kill(f.child, SIGSTOP);
	scn_wait_state(f.child, "Tt");
	pt_wait_say(0, WCONTINUED | WNOHANG | __WALL,
		    "wait(0, WCONTINUED|WNOHANG|__WALL)");
	pt_wait_say(0, WCONTINUED | WNOHANG | __WALL,
		    "wait(0, WCONTINUED|WNOHANG|__WALL)");
	kill_and_end(&f);
}

/*
 * A SIGCONT sent to T itself does end its pause (signal_wake_up()): T,
 * attached and single-stepped, reports the call's exit as a step, then
 * stops for the SIGCONT (ptfuzz seed 110 step 887).
 */
static void case_sigcont_wakes_attached_named(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_SINGLESTEP, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- T single-stepped into pause(); tgkill(T, SIGCONT)");
	syscall(SYS_tgkill, f.child, f.thread, SIGCONT);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill_and_end(&f);
}

/*
 * A fatal signal whose task named is untraced kills the group at once
 * (kernel/signal.c:complete_signal()), but only once a thread wants it:
 * with T stopped for its group and N in a ptrace-stop, none does, and the
 * SIGTERM sent to T stays pending. N, attached, resumed, stops for it.
 * (Inside, the send was counted as killing the group: ptfuzz seed 6 step
 * 684.)
 */
static void case_fatal_to_stopped_group(void)
{
	struct family f;

	spawn(&f);
	scn_say("-- SIGSTOP to the process");
	kill(f.child, SIGSTOP);
	scn_wait_state(f.child, "Tt");
	scn_wait_state(f.thread, "Tt");
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	scn_say("-- SIGTERM to T's tid (kill(2)): no thread wants it");
	kill(f.thread, SIGTERM);
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	end(&f);
}

/*
 * SIGCONT to the process when the task named, N, is in a ptrace-stop: it
 * does not want it (kernel/signal.c:wants_signal()), so complete_signal()
 * wakes another thread that does: T, attached and single-stepped into
 * pause(), reports its call's exit as a step first, and takes the SIGCONT,
 * pending for the group, next. (Inside, the host's SIGCONT trap wakes T
 * too; T's step was taken for one that trap made, not reported, and T
 * reported the SIGCONT first: ptfuzz seed 143 step 2903.)
 */
static void case_sigcont_wakes_attached_other(void)
{
	struct family f;

	spawn(&f);
	attach_both(&f);
	pt_must(PTRACE_SINGLESTEP, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- N in its attach stop, T single-stepped into pause(); "
		"SIGCONT to the process");
	kill(f.child, SIGCONT);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	kill_and_end(&f);
}

/*
 * N, attached and single-stepped into pause(), is interrupted by a
 * group-stop: SIGSTOP to T's tid, which T, untraced, takes
 * (kernel/signal.c:do_signal_stop() wakes every thread). N's call ends
 * to be restarted, its step is reported (a SIGTRAP queued at the call's
 * exit), and N stops for the group first (get_signal() checks
 * JOBCTL_STOP_PENDING before it dequeues); resumed, N stops for the step.
 * (Inside, the step was taken for one the host's SIGCONT trap made, no
 * signal being pending, and not reported: ptfuzz seed 139 step 4480, at
 * 10000 steps.)
 */
static void case_step_interrupted_by_group_stop(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SINGLESTEP, f.child, 0, 0);
	scn_wait_syscall(f.child, SYS_pause);
	scn_say("-- N single-stepped into pause(); SIGSTOP to T's tid");
	kill(f.thread, SIGSTOP);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SINGLESTEP, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	end(&f);
}

/*
 * T, attached, stops its group (resumed from its attach stop with
 * PTRACE_SINGLESTEP and SIGSTOP), then is single-stepped out of that
 * group-stop: it restarts pause() under TF, with no step pending. SIGCONT
 * to the process wakes N, which takes it; T sleeps on and reports no step
 * until its own SIGUSR1 ends the call. (Inside, the host's SIGCONT trap
 * ended T's pause, and its step was taken for one a group-stop had ended,
 * by the stop T made when it was stepped before: ptfuzz seed 1268, step
 * 3134, at 10000 steps.)
 */
static void case_step_out_of_group_stop(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- T single-stepped with SIGSTOP: its group stops");
	pt_must(PTRACE_SINGLESTEP, f.thread, 0, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_wait_state(f.child, "Tt");	/* inside: held by the host's tracer */
	scn_say("-- T single-stepped out of its group-stop");
	pt_must(PTRACE_SINGLESTEP, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- SIGCONT to the process");
	sent_then_usr1(&f, f.child, SIGCONT, true);
}

/* Where N is when the SIGCONT is sent (sigcont_named_steps_first()). */
enum n_mode {
	N_IN_READ,	/* attached, asleep in read() */
	N_STOPPED,	/* attached, in its attach stop */
	N_UNTRACED,	/* not traced, asleep in read() */
};

/*
 * SIGCONT sent to T's tid (kill(2): to the process) wakes T, which wants
 * it (kernel/signal.c:complete_signal()): T, attached and single-stepped
 * into pause(), reports the call's exit as a step first (a SIGTRAP,
 * synchronous, is dequeued first) and leaves the SIGCONT pending for the
 * group. N, attached, asleep in read(), was not woken and does not take
 * it. (Inside, the host's SIGCONT trap wakes N, which dequeues it first;
 * it is sent on to T. If T's step was handled after N had dequeued it, the
 * step was taken for one the host's trap made and hidden, and T, in its
 * step's stop meanwhile, could not be given the SIGCONT: N took it;
 * ptfuzz seed 16 at 10000 steps, step 9958.)
 */
static void sigcont_named_steps_first(struct family *f, enum n_mode n)
{
	static const char *const n_says[] = {
		[N_IN_READ] = "in read()",
		[N_STOPPED] = "in its attach stop",
		[N_UNTRACED] = "untraced, in read()",
	};

	leader_answers = true;
	scn_pipe(answer_pipes[0], O_CLOEXEC);
	scn_pipe(answer_pipes[1], O_CLOEXEC);
	spawn(f);
	if (n != N_UNTRACED) {
		pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f->child, 0, 0);
		pt_wait_say(f->child, 0, "wait(N)");
	}
	if (n == N_IN_READ) {
		pt_must(PTRACE_CONT, f->child, 0, 0);
		scn_wait_syscall(f->child, SYS_read);
	}
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f->thread, 0, 0);
	pt_wait_say(f->thread, __WALL, "wait(T)");
	pt_must(PTRACE_SINGLESTEP, f->thread, 0, 0);
	scn_wait_syscall(f->thread, SYS_pause);
	scn_say("-- T single-stepped into pause(), N %s; SIGCONT to T's tid "
		"(kill(2))", n_says[n]);
	kill(f->thread, SIGCONT);
	pt_wait_say(f->thread, __WALL, "wait(T)");
}

/*
 * SIGCONT sent to T's tid (kill(2)), T seized: prepare_signal() trap-
 * notifies T first (ptrace_trap_notify() wakes it), so T, with a signal
 * pending by then, does not want it (kernel/signal.c:wants_signal():
 * "task_curr(p) || !task_signal_pending(p)"), and complete_signal() wakes
 * N, attached and single-stepped into pause(): N reports its call's end
 * as a step, then, resumed, stops for the SIGCONT pending for the group.
 * (Inside, the model gave it to T, N's step was taken for one the host's
 * trap made and hidden, and N stopped for the SIGCONT at once: ptfuzz seed
 * 536 in events mode, step 1734.) On one CPU, so that T, woken, cannot be
 * on a CPU when complete_signal() asks (with two, 1 run in 8 natively).
 */
static void case_sigcont_named_seized_wakes_other(void)
{
	struct family f;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	scn_check(sched_setaffinity(0, sizeof(one), &one) == 0);
	spawn(&f);
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SINGLESTEP, f.child, 0, 0);
	scn_wait_syscall(f.child, SYS_pause);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- N single-stepped into pause(), T seized, asleep; SIGCONT "
		"to T's tid (kill(2))");
	kill(f.thread, SIGCONT);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_wait_say(f.child, 0, "wait(N)");
	scn_say("-- N resumed");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say_siginfo(f.child, "N");
	kill_and_end(&f);
}

/* N's answer pipes closed, for the next family. */
static void end_answering(void)
{
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			close(answer_pipes[i][j]);
	leader_answers = false;
}

/*
 * N answers a byte, unless it stops first: it reads the byte, and would
 * take a signal pending for it on the way back from read(). Prints which.
 */
static void say_n_answers(struct family *f)
{
	struct timespec ms = { 0, 1000000 };
	int status;
	char c = 'a';

	scn_say("-- a byte to N");
	scn_write_full(answer_pipes[0][1], &c, 1);
	for (;;) {
		struct pollfd pfd = { answer_pipes[1][0], POLLIN, 0 };
		pid_t r = waitpid(f->child, &status, WNOHANG);

		if (r == f->child) {
			scn_say("wait(N): %s %s", scn_pid(f->child),
				pt_status(status));
			pt_say_siginfo(f->child, "N");
			pt_must(PTRACE_CONT, f->child, 0, 0);
			continue;
		}
		if (poll(&pfd, 1, 0) == 1) {
			scn_check(scn_read_full(answer_pipes[1][0], &c, 1));
			scn_say("N answers");
			return;
		}
		nanosleep(&ms, NULL);
	}
}

/*
 * T resumed: its next stop and its siginfo, or, with nothing pending for
 * it, its pause() again; then the end.
 */
static void resume_t_and_end(struct family *f)
{
	struct timespec ms = { 0, 1000000 };
	int status;

	scn_say("-- T resumed");
	pt_must(PTRACE_CONT, f->thread, 0, 0);
	for (;;) {
		if (waitpid(f->thread, &status, WNOHANG | __WALL) == f->thread) {
			scn_say("wait(T): %s %s", scn_pid(f->thread),
				pt_status(status));
			pt_say_siginfo(f->thread, "T");
			break;
		}
		if (scn_sleeps_in(f->thread, SYS_pause)) {
			scn_say("T sleeps in pause() again");
			break;
		}
		nanosleep(&ms, NULL);
	}
	kill_and_end(f);
	end_answering();
}

static void case_sigcont_named_steps_first(void)
{
	/* Inside, which of T's and N's host stops the loop handles first
	   varies: every round must pass. */
	for (int round = 0; round < 20; round++) {
		struct family f;

		scn_say("round %d", round);
		sigcont_named_steps_first(&f, N_IN_READ);
		say_n_answers(&f);
		resume_t_and_end(&f);
	}
}

/*
 * Then a second SIGCONT to the process: one is pending for the group
 * already, so Linux drops this one (kernel/signal.c:__send_signal_locked():
 * legacy_queue()) and wakes no thread. N goes on answering; T takes the
 * first one. (Inside, the first one was T's own on the host, sent on by
 * the supervisor, so the host queued the second for the group, and N took
 * it: ptfuzz seed 16 at 10000 steps, steps 9958 and 9969.)
 */
static void case_sigcont_pending_drops_next(void)
{
	struct family f;

	sigcont_named_steps_first(&f, N_IN_READ);
	/*
	 * N asleep in read() again, as it stayed natively: inside, the host's
	 * trap woke it, and it may still be on its way through the first
	 * SIGCONT's dequeue (README, Limitations).
	 */
	scn_wait_syscall(f.child, SYS_read);
	scn_say("-- SIGCONT to the process again");
	kill(f.child, SIGCONT);
	say_n_answers(&f);
	resume_t_and_end(&f);
}

/*
 * The same with N in its attach stop when the SIGCONT is sent: resumed
 * (ptrace_stop() recalculates its pending signals), N takes the SIGCONT
 * pending for the group before T is resumed; T then has nothing pending.
 */
static void case_sigcont_pending_taken_by_resumed(void)
{
	struct family f;

	sigcont_named_steps_first(&f, N_STOPPED);
	scn_say("-- N resumed");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	say_n_answers(&f);
	resume_t_and_end(&f);
}

/*
 * The same with N untraced in read() when the SIGCONT is sent, then seized,
 * then sent a SIGWINCH of its own (tgkill(2)): N stops for it first (its
 * own queue comes first), and, resumed with no signal, goes on in
 * get_signal() to the SIGCONT pending for the group and stops for it.
 * (Inside, the supervisor kept the SIGCONT for T, then for N after its
 * SIGWINCH, and could not send it on to N, its group having a seized
 * thread whose tracer would see the host's SIGCONT trap: N went back to
 * read() and the SIGCONT was lost; ptfuzz seed 950 at 10000 steps, step
 * 7103.)
 */
/* The SIGCONT kept for T; N, untraced in read(), then seized, stops for a
   SIGWINCH of its own. */
static void sigcont_kept_then_own_stop(struct family *f)
{
	sigcont_named_steps_first(f, N_UNTRACED);
	scn_wait_syscall(f->child, SYS_read);
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f->child, 0, 0);
	scn_say("-- tgkill(N, SIGWINCH)");
	syscall(SYS_tgkill, f->child, f->child, SIGWINCH);
	pt_wait_say(f->child, 0, "wait(N)");
}

static void sigcont_pending_taken_after_own(int sig, int resume)
{
	struct family f;

	sigcont_kept_then_own_stop(&f);
	scn_say("-- N %s with %s",
		resume == PTRACE_SINGLESTEP ? "single-stepped" : "resumed",
		sig ? scn_sig(sig) : "0");
	pt_must(resume, f.child, 0, sig);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say_siginfo(f.child, "N");
	if (resume == PTRACE_SINGLESTEP) {
		/* The frame's trap (signal_delivered()); then the SIGCONT. */
		scn_say("-- N resumed with SIGUSR2 (dropped there)");
		pt_must(PTRACE_CONT, f.child, 0, SIGUSR2);
		pt_wait_say(f.child, 0, "wait(N)");
		pt_say_siginfo(f.child, "N");
	}
	if (sig == SIGUSR1) {
		struct user_regs_struct regs;

		pt_must(PTRACE_GETREGS, f.child, 0, (unsigned long)&regs);
		scn_say("N at its SIGUSR1 handler: %s",
			regs.rip == (unsigned long)on_usr1 ? "yes" : "no");
		/*
		 * A signal given at the SIGCONT's stop is delivered: SIGUSR1,
		 * blocked in its handler, is queued (ptrace_signal()), and N
		 * stops for it once the handler returns.
		 */
		scn_say("-- N single-stepped with SIGUSR1");
		pt_must(PTRACE_SINGLESTEP, f.child, 0, SIGUSR1);
		pt_wait_say(f.child, 0, "wait(N)");
	}
	pt_must(PTRACE_CONT, f.child, 0, 0);
	say_n_answers(&f);
	resume_t_and_end(&f);
}

static void case_sigcont_pending_taken_after_own(void)
{
	sigcont_pending_taken_after_own(0, PTRACE_CONT);
}

/*
 * The same, N resumed with SIGUSR1, which has a handler: Linux sets up the
 * handler's frame, then get_signal() runs again (exit_to_user_mode_loop())
 * and N stops for the SIGCONT, at its handler's first instruction. (Inside,
 * the SIGCONT stayed kept and N never stopped for it, before the host
 * single-stepped N through the frame for that stop: ->sigcont_at_frame.)
 */
static void case_sigcont_pending_taken_after_handled(void)
{
	sigcont_pending_taken_after_own(SIGUSR1, PTRACE_CONT);
}

/*
 * The same, N single-stepped with SIGUSR1: its stop for the step comes
 * after the handler's frame (signal_delivered(): ptrace_notify(SIGTRAP),
 * which drops a signal given there), and, resumed, N stops for the SIGCONT
 * before the handler's first instruction. (Inside, the SIGCONT stayed
 * kept: N never stopped for it.)
 */
static void case_sigcont_pending_taken_after_handled_stepped(void)
{
	sigcont_pending_taken_after_own(SIGUSR1, PTRACE_SINGLESTEP);
}

/*
 * The same, N resumed with SIGUSR1, whose handler blocks SIGCONT (sa_mask):
 * the SIGCONT stays pending while the handler runs, and N stops for it once
 * rt_sigreturn(2) has unblocked it (set_current_blocked() recalculates its
 * pending signals), at that call's exit, past the handler. (Inside, the
 * SIGCONT stayed kept: N never stopped for it.)
 */
static void case_sigcont_pending_taken_after_masking_handler(void)
{
	struct family f;
	struct user_regs_struct regs;

	usr1_blocks_cont = true;
	sigcont_kept_then_own_stop(&f);
	scn_say("-- N resumed with SIGUSR1 (its handler blocks SIGCONT)");
	pt_must(PTRACE_CONT, f.child, 0, SIGUSR1);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say_siginfo(f.child, "N");
	pt_must(PTRACE_GETREGS, f.child, 0, (unsigned long)&regs);
	/* restore_sigcontext() sets orig_ax to -1. */
	scn_say("N at its SIGUSR1 handler: %s; orig_rax %lld",
		regs.rip == (unsigned long)on_usr1 ? "yes" : "no",
		(long long)regs.orig_rax);
	pt_must(PTRACE_CONT, f.child, 0, 0);
	say_n_answers(&f);
	resume_t_and_end(&f);
	usr1_blocks_cont = false;
}

/*
 * N, attached, at its read()'s syscall-enter-stop (PTRACE_SYSCALL), in an
 * orphaned process group; SIGCONT, then SIGTTIN, to the process: T takes
 * both, and get_signal() drops the SIGTTIN ("terminal-generated stop
 * signals are ignored in orphaned process groups"): no group-stop. N,
 * resumed with PTRACE_SYSEMU, runs its read() (syscall_trace_enter()
 * decided by the work flags it read before the stop) and stops at the
 * entry of its next call, the write() of its answer. (Inside, the host's
 * trap for the SIGCONT ends the read() at once, and its restart under
 * PTRACE_SYSEMU, which the supervisor runs unemulated unless a group-stop
 * is under way, was reported as a stop at read(): the supervisor took the
 * SIGTTIN for a stop in flight; ptfuzz seed 1072 at 10000 steps, step
 * 1768.)
 */
static void case_sysemu_call_runs_orphaned_ttin(void)
{
	struct family f;
	struct user_regs_struct regs;
	char c = 'a';

	leader_answers = true;
	child_setsid = true;
	scn_pipe(answer_pipes[0], O_CLOEXEC);
	scn_pipe(answer_pipes[1], O_CLOEXEC);
	spawn(&f);
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SYSCALL, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_GETREGS, f.child, 0, (unsigned long)&regs);
	scn_say("N at the entry of read(): %s",
		regs.orig_rax == SYS_read ? "yes" : "no");
	scn_say("-- SIGCONT, then SIGTTIN, to the process");
	kill(f.child, SIGCONT);
	scn_wait_syscall(f.thread, SYS_pause);
	kill(f.child, SIGTTIN);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("T sleeps in pause() again");
	scn_say("-- N resumed with PTRACE_SYSEMU");
	pt_must(PTRACE_SYSEMU, f.child, 0, 0);
	for (;;) {
		struct timespec ms = { 0, 1000000 };
		int status;

		if (waitpid(f.child, &status, WNOHANG) == f.child) {
			scn_say("wait(N): %s %s", scn_pid(f.child),
				pt_status(status));
			break;
		}
		if (scn_sleeps_in(f.child, SYS_read)) {
			scn_say("N sleeps in read(); a byte to N");
			scn_write_full(answer_pipes[0][1], &c, 1);
			pt_wait_say(f.child, 0, "wait(N)");
			break;
		}
		nanosleep(&ms, NULL);
	}
	pt_must(PTRACE_GETREGS, f.child, 0, (unsigned long)&regs);
	scn_say("N at the entry of %s",
		regs.orig_rax == SYS_write ? "write()" :
		regs.orig_rax == SYS_read ? "read()" : "another call");
	end(&f);
	end_answering();
	child_setsid = false;
}

/*
 * Then another signal to the process (kill(2)), which N wants: N, asleep in
 * read(), is woken (complete_signal()), and get_signal() dequeues the
 * group's SIGCONT before a SIGURG (next_signal(): the lowest), after a
 * SIGUSR1 (exit_to_user_mode_loop() calls it again while one is pending).
 * N, attached, stops for both in that order; untraced, it drops the
 * SIGCONT (ignored) and runs its SIGUSR1 handler. T, resumed, has nothing
 * pending.
 * (Inside, the supervisor kept the SIGCONT for T, to send on when T is
 * resumed (note 37): N stopped for the SIGURG first, and T for the
 * SIGCONT; ptfuzz seed 689 at 10000 steps, step 3300.)
 */
static void sigcont_pending_taken_with(enum n_mode n, int sig)
{
	struct family f;

	sigcont_named_steps_first(&f, n);
	/* Inside, the host's trap woke N: it sleeps again first. */
	scn_wait_syscall(f.child, SYS_read);
	scn_say("-- SIG%s to the process", sigabbrev_np(sig));
	kill(f.child, sig);
	if (n != N_UNTRACED) {
		pt_wait_say(f.child, 0, "wait(N)");
		pt_say_siginfo(f.child, "N");
		pt_must(PTRACE_CONT, f.child, 0, 0);
		pt_wait_say(f.child, 0, "wait(N)");
		pt_say_siginfo(f.child, "N");
		pt_must(PTRACE_CONT, f.child, 0, 0);
	}
	say_n_answers(&f);
	resume_t_and_end(&f);
}

static void case_sigcont_pending_taken_before_next(void)
{
	sigcont_pending_taken_with(N_IN_READ, SIGURG);
}

static void case_sigcont_pending_taken_after_next(void)
{
	sigcont_pending_taken_with(N_IN_READ, SIGUSR1);
}

static void case_sigcont_pending_taken_before_next_untraced(void)
{
	sigcont_pending_taken_with(N_UNTRACED, SIGUSR1);
}

/*
 * T, in its step's SIGTRAP stop with the SIGCONT pending for the group, is
 * resumed with SIGSTOP: ptrace_signal() set its JOBCTL_STOP_DEQUEUED as
 * it entered that stop, and no SIGCONT has been sent since to clear it, so
 * do_signal_stop() stops the group (kernel/signal.c). The SIGCONT stays
 * pending. (Inside, the supervisor sent the SIGCONT on to T while T was in
 * that stop, which cleared the flag on the host: T took the SIGCONT and
 * the group did not stop; ptfuzz seed 271 at 10000 steps, step 4652.)
 */
static void sigcont_named_steps_first_then_stop(enum n_mode n)
{
	struct family f;
	int status;

	sigcont_named_steps_first(&f, n);
	scn_say("-- T resumed with SIGSTOP");
	pt_must(PTRACE_CONT, f.thread, 0, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_say_siginfo(f.thread, "T");
	if (n == N_UNTRACED) {
		scn_check(waitpid(f.child, &status, WUNTRACED) == f.child);
		scn_say("waitpid(N, WUNTRACED): %s", pt_status(status));
	} else {
		pt_wait_say(f.child, 0, "wait(N)");
		pt_say_siginfo(f.child, "N");
	}
	kill_and_end(&f);
	end_answering();
}

/*
 * As sigcont-named-steps-first, and T, in its step's stop, is sent a
 * SIGTTIN of its own (tgkill(2)), which flushes the SIGCONT pending for
 * the group (prepare_signal()): resumed, T stops for the SIGTTIN, and
 * resumed again, for nothing more. (Inside, the SIGCONT the host gave N
 * was sent on to T as it was resumed, came first as the lower signal, and
 * flushed the SIGTTIN: ptfuzz seed 1507 at 10000 steps, step 3891.)
 */
static void case_sigcont_named_steps_first_then_own(void)
{
	struct family f;

	sigcont_named_steps_first(&f, N_IN_READ);
	scn_say("-- tgkill(T, SIGTTIN); T resumed, twice");
	syscall(SYS_tgkill, f.child, f.thread, SIGTTIN);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	sent_then_usr1(&f, f.thread, 0, false);
	end_answering();
}

static void case_sigcont_named_steps_first_then_stop(void)
{
	sigcont_named_steps_first_then_stop(N_IN_READ);
}

static void case_sigcont_named_steps_first_then_stop_untraced(void)
{
	sigcont_named_steps_first_then_stop(N_UNTRACED);
}

/*
 * A stop signal sent to the process flushes the SIGCONT pending for the
 * group (kernel/signal.c:prepare_signal()): N, attached, takes the SIGSTOP
 * (its tracer suppresses it), and T, resumed, has nothing pending. (Inside,
 * T kept the SIGCONT to be sent on when resumed, note 37.)
 */
static void case_sigcont_pending_flushed_by_stop(void)
{
	struct family f;

	sigcont_named_steps_first(&f, N_IN_READ);
	scn_say("-- SIGSTOP to the process");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	resume_t_and_end(&f);
}

/*
 * The same with the SIGSTOP of a PTRACE_ATTACH of N (untraced until then):
 * ptrace_attach() sends it with send_sig_info(), whose prepare_signal()
 * flushes the SIGCONT pending for the group. (Inside, T kept the SIGCONT
 * to be sent on when resumed, and stopped for it: ptfuzz seed 681 at
 * 10000 steps, step 4691.)
 */
static void case_sigcont_pending_flushed_by_attach(void)
{
	struct family f;

	sigcont_named_steps_first(&f, N_UNTRACED);
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, 0);
	resume_t_and_end(&f);
}

/*
 * A group's continue is not reported once the group dies: its flags become
 * SIGNAL_GROUP_EXIT (kernel/signal.c:do_group_exit()). N, attached, and T,
 * seized, in their group-stop; SIGCONT; SIGTERM, which T takes: T is its
 * tracer's zombie, N a zombie waiting for it, whose continue is no longer
 * reported (ptfuzz seed 127). The same when T calls exit_group(2) (seed
 * 187).
 */
static void continue_then_group_exit(bool by_exit_group)
{
	struct family f;

	usr2_ends_group = by_exit_group;

	spawn(&f);
	attach_leader(&f);
	pt_say("PTRACE_SEIZE(T)", PTRACE_SEIZE, f.thread, 0, 0);
	scn_say("-- SIGSTOP to the process: N takes it");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, SIGSTOP);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- SIGCONT to the process; T resumed");
	kill(f.child, SIGCONT);
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	if (by_exit_group) {
		scn_say("-- tgkill(T, SIGUSR2): its handler ends the group");
		syscall(SYS_tgkill, f.child, f.thread, SIGUSR2);
	} else {
		scn_say("-- SIGTERM to the process: T takes it");
		kill(f.child, SIGTERM);
	}
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, by_exit_group ? SIGUSR2 : SIGTERM);
	scn_wait_state(f.child, "Z");
	pt_wait_say(0, WUNTRACED | WCONTINUED | WNOHANG | __WALL,
		    "wait(0, WUNTRACED|WCONTINUED|WNOHANG|__WALL)");
	pt_wait_say(0, WUNTRACED | WCONTINUED | WNOHANG | __WALL,
		    "wait(0, WUNTRACED|WCONTINUED|WNOHANG|__WALL)");
	close_tid_pipe();
}

static void case_continue_dropped_by_group_exit(void)
{
	continue_then_group_exit(false);
}

static void case_continue_dropped_by_exit_group(void)
{
	continue_then_group_exit(true);
}

/*
 * A continue the real parent's wait has taken is not reported again to it
 * as the tracer of the leader, exited alone, attached after (ptfuzz seed
 * 127 step 244).
 */
static void case_continue_taken_before_attach(void)
{
	struct family f;

	spawn(&f);
	scn_say("-- SIGSTOP, SIGCONT to the process, untraced");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.child, WUNTRACED, "wait(child, WUNTRACED)");
	kill(f.child, SIGCONT);
	pt_wait_say(f.child, WCONTINUED | WNOHANG,
		    "wait(child, WCONTINUED|WNOHANG)");
	/*
	 * Back in pause(): inside, past the trap the SIGCONT made the host
	 * take (ptrace_trap_notify()), which a seize before it would take
	 * for its own PTRACE_EVENT_STOP.
	 */
	scn_wait_syscall(f.child, SYS_pause);
	scn_wait_state(f.child, "S");
	pt_say("PTRACE_SEIZE(N)", PTRACE_SEIZE, f.child, 0, 0);
	scn_say("-- tgkill(N, SIGUSR2): its handler ends N alone");
	syscall(SYS_tgkill, f.child, f.child, SIGUSR2);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_CONT, f.child, 0, SIGUSR2);
	scn_wait_state(f.child, "Z");
	say_waitid_continued(f.child);
	end(&f);
}

/*
 * A SIGCONT a tracer gives at a syscall stop is sent (kernel/ptrace.c:
 * ptrace_report_syscall(): send_sig()), and continues the group: T's
 * tracer hears of it (ptfuzz seed 205 step 634).
 */
static void case_sigcont_given_at_syscall_stop(void)
{
	struct family f;

	spawn(&f);
	pt_say("PTRACE_ATTACH(N)", PTRACE_ATTACH, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_must(PTRACE_SYSCALL, f.child, 0, 0);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_say("PTRACE_ATTACH(T)", PTRACE_ATTACH, f.thread, 0, 0);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, 0);
	scn_wait_syscall(f.thread, SYS_pause);
	scn_say("-- SIGSTOP to the process: T takes it, N is in its syscall stop");
	kill(f.child, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	pt_must(PTRACE_CONT, f.thread, 0, SIGSTOP);
	pt_wait_say(f.thread, __WALL, "wait(T)");
	scn_say("-- N resumed with SIGCONT from its syscall stop");
	pt_must(PTRACE_CONT, f.child, 0, SIGCONT);
	pt_wait_say(f.child, 0, "wait(N)");
	pt_wait_say(f.thread, WCONTINUED | WNOHANG | __WALL,
		    "wait(T, WCONTINUED|WNOHANG)");
	kill_and_end(&f);
}

static const struct pt_case cases[] = {
	{ "ignored-by-leader", case_ignored_by_leader },
	{ "named-traced-thread", case_named_traced_thread },
	{ "sigcont-ignored-by-leader", case_sigcont_ignored_by_leader },
	{ "sigcont-ignored-left-at-group-exit",
	  case_sigcont_ignored_left_at_group_exit },
	{ "sigcont-to-traced-leader", case_sigcont_to_traced_leader },
	{ "traced-thread-reaped", case_traced_thread_reaped },
	{ "group-stop-after-thread-exit", case_group_stop_after_thread_exit },
	{ "group-stop-at-thread-exit-stop", case_group_stop_at_thread_exit_stop },
	{ "sigcont-stop-in-progress", case_sigcont_stop_in_progress },
	{ "sigcont-taken-then-detached", case_sigcont_taken_then_detached },
	{ "group-signal-left-at-trapped-call",
	  case_group_signal_left_at_trapped_call },
	{ "group-signal-left-then-own-sent",
	  case_group_signal_left_then_own_sent },
	{ "group-signal-left-at-sigcont-trap",
	  case_group_signal_left_at_sigcont_trap },
	{ "group-signal-left-after-detach", case_group_signal_left_after_detach },
	{ "group-signal-left-at-ignored-sigcont-trap",
	  case_group_signal_left_at_ignored_sigcont_trap },
	{ "group-signal-left-then-taken-by-other",
	  case_group_signal_left_then_taken_by_other },
	{ "group-signal-left-then-taken-after-handler",
	  case_group_signal_left_then_taken_after_handler },
	{ "group-signal-left-then-taken-by-resumed",
	  case_group_signal_left_then_taken_by_resumed },
	{ "group-signal-left-then-lower-first-traced",
	  case_group_signal_left_then_lower_first_traced },
	{ "group-signal-left-then-lower-first-stop",
	  case_group_signal_left_then_lower_first_stop },
	{ "group-signal-left-then-lower-first-untraced",
	  case_group_signal_left_then_lower_first_untraced },
	{ "discarded-leaves-group-signal", case_discarded_leaves_group_signal },
	{ "fatal-to-group", case_fatal_to_group },
	{ "fatal-to-group-taken-by-leader",
	  case_fatal_to_group_taken_by_leader },
	{ "fatal-to-group-stepped", case_fatal_to_group_stepped },
	{ "fatal-to-group-syscall", case_fatal_to_group_syscall },
	{ "fatal-to-traced-tid", case_fatal_to_traced_tid },
	{ "fatal-given-at-syscall-stop", case_fatal_given_at_syscall_stop },
	{ "fatal-injected-blocked", case_fatal_injected_blocked },
	{ "injected-blocked-kept-for-group",
	  case_injected_blocked_kept_for_group },
	{ "sigcont-dropped-then-taken-by-resumed",
	  case_sigcont_dropped_then_taken_by_resumed },
	{ "fatal-to-stopped-group", case_fatal_to_stopped_group },
	{ "core-to-group", case_core_to_group },
	{ "discarded-wakes-nothing", case_discarded_wakes_nothing },
	{ "sigcont-wakes-no-attached", case_sigcont_wakes_no_attached },
	{ "sigcont-wakes-no-syscall-traced",
	  case_sigcont_wakes_no_syscall_traced },
	{ "sigcont-pending-ends-stepped-call",
	  case_sigcont_pending_ends_stepped_call },
	{ "sigcont-wakes-attached-named", case_sigcont_wakes_attached_named },
	{ "sigcont-wakes-attached-other", case_sigcont_wakes_attached_other },
	{ "step-interrupted-by-group-stop",
	  case_step_interrupted_by_group_stop },
	{ "step-out-of-group-stop", case_step_out_of_group_stop },
	{ "sigcont-named-steps-first", case_sigcont_named_steps_first },
	{ "sigcont-named-steps-first-then-stop",
	  case_sigcont_named_steps_first_then_stop },
	{ "sigcont-named-steps-first-then-own",
	  case_sigcont_named_steps_first_then_own },
	{ "sigcont-named-steps-first-then-stop-untraced",
	  case_sigcont_named_steps_first_then_stop_untraced },
	{ "sigcont-named-seized-wakes-other",
	  case_sigcont_named_seized_wakes_other },
	{ "sigcont-pending-flushed-by-attach",
	  case_sigcont_pending_flushed_by_attach },
	{ "sigcont-pending-flushed-by-stop",
	  case_sigcont_pending_flushed_by_stop },
	{ "sigcont-pending-drops-next", case_sigcont_pending_drops_next },
	{ "sigcont-pending-taken-by-resumed",
	  case_sigcont_pending_taken_by_resumed },
	{ "sigcont-pending-taken-after-own",
	  case_sigcont_pending_taken_after_own },
	{ "sigcont-pending-taken-after-handled",
	  case_sigcont_pending_taken_after_handled },
	{ "sigcont-pending-taken-after-handled-stepped",
	  case_sigcont_pending_taken_after_handled_stepped },
	{ "sigcont-pending-taken-after-masking-handler",
	  case_sigcont_pending_taken_after_masking_handler },
	{ "sysemu-call-runs-orphaned-ttin",
	  case_sysemu_call_runs_orphaned_ttin },
	{ "traced-zombie-leader", case_traced_zombie_leader },
	{ "traced-leader-killed-thread-unreaped",
	  case_traced_leader_killed_thread_unreaped },
	{ "traced-leader-killed-thread-unreaped-wider",
	  case_traced_leader_killed_thread_unreaped_wider },
	{ "traced-leader-reported-once-thread-reaped",
	  case_traced_leader_reported_once_thread_reaped },
	{ "detach-fatal-at-syscall-with-group-stop",
	  case_detach_fatal_at_syscall_with_group_stop },
	{ "detach-fatal-at-syscall-blocked",
	  case_detach_fatal_at_syscall_blocked },
	{ "traced-leader-killed-thread-traced-elsewhere",
	  case_traced_leader_killed_thread_traced_elsewhere },
	{ "traced-leader-killed-thread-traced-elsewhere-blocking",
	  case_traced_leader_killed_thread_traced_elsewhere_blocking },
	{ "traced-leader-killed-thread-traced-elsewhere-child-exits",
	  case_traced_leader_killed_thread_traced_elsewhere_child_exits },
	{ "traced-leader-killed-thread-traced-elsewhere-untraced",
	  case_traced_leader_killed_thread_traced_elsewhere_untraced },
	{ "traced-leader-killed-thread-traced-elsewhere-child-stops",
	  case_traced_leader_killed_thread_traced_elsewhere_child_stops },
	{ "traced-leader-exits-alone", case_traced_leader_exits_alone },
	{ "sigcont-to-killed-group", case_sigcont_to_killed_group },
	{ "sigcont-to-killed-traced-group",
	  case_sigcont_to_killed_traced_group },
	{ "sigcont-right-after-sigkill", case_sigcont_right_after_sigkill },
	{ "untraced-leader-killed-thread-unreaped",
	  case_untraced_leader_killed_thread_unreaped },
	{ "sigcont-wakes-no-sysemu", case_sigcont_wakes_no_sysemu },
	{ "sigcont-pending-taken-before-next",
	  case_sigcont_pending_taken_before_next },
	{ "sigcont-pending-taken-after-next",
	  case_sigcont_pending_taken_after_next },
	{ "sigcont-pending-taken-before-next-untraced",
	  case_sigcont_pending_taken_before_next_untraced },
	{ "group-stop-wakes-stopped-syscall",
	  case_group_stop_wakes_stopped_syscall },
	{ "group-stop-wakes-stopped-step", case_group_stop_wakes_stopped_step },
	{ "group-stop-wakes-stopped-sysemu",
	  case_group_stop_wakes_stopped_sysemu },
	{ "sigcont-tgkill-to-exited-leader",
	  case_sigcont_tgkill_to_exited_leader },
	{ "sigcont-tgkill-to-exited-leader-then-stop",
	  case_sigcont_tgkill_to_exited_leader_then_stop },
	{ "signals-to-killed-zombie-thread",
	  case_signals_to_killed_zombie_thread },
	{ "untrapped-signals-to-killed-zombie-thread",
	  case_untrapped_signals_to_killed_zombie_thread },
	{ "sigkill-to-exited-traced-thread",
	  case_sigkill_to_exited_traced_thread },
	{ "sigcont-discarded-wakes-no-stepped",
	  case_sigcont_discarded_wakes_no_stepped },
	{ "sigcont-discarded-leaves-group-signal",
	  case_sigcont_discarded_leaves_group_signal },
	{ "sigcont-discarded-cancels-stop", case_sigcont_discarded_cancels_stop },
	{ "continue-survives-partial-stop",
	  case_continue_survives_partial_stop },
	{ "continue-dropped-by-group-exit",
	  case_continue_dropped_by_group_exit },
	{ "continue-dropped-by-exit-group",
	  case_continue_dropped_by_exit_group },
	{ "continue-taken-before-attach", case_continue_taken_before_attach },
	{ "sigcont-given-at-syscall-stop", case_sigcont_given_at_syscall_stop },
	{ "cont-after-stop-seen", case_cont_after_stop_seen },
	{ "attached-stopped-not-restopped",
	  case_attached_stopped_not_restopped },
	{ "detached-joins-group-stop", case_detached_joins_group_stop },
};

int main(int argc, char **argv)
{
	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
