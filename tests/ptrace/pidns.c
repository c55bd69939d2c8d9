/*
 * Tracers and tracees in pid namespaces below the first guest's (issue #3;
 * strace's --pidns-translation tests run strace so: "unshare -Urpf
 * strace"). Linux names every task by its pid in the namespace of the one
 * who asks (kernel/pid.c: pid_nr_ns()) and a task not in that namespace or
 * below it not at all: ptrace(2) finds tracees by the caller's pids
 * (find_get_task_by_vpid()); wait results, siginfo and event messages are
 * in the waiter's or tracer's namespace.
 *
 * Each case unshares a pid namespace in a child of the printer, whose
 * next child is that namespace's init (pid 1). Pids in a new namespace are
 * given in order, so the transcript prints them as numbers; pids of the
 * printer's namespace are named ({pid N}) as elsewhere.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int report_fd;

/*
 * A tracee that forks blocks SIGCHLD: its child's exit makes no
 * signal-delivery-stop for the transcript to wait out.
 */
static void block_sigchld(void)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
}

#define say(...) scn_report(report_fd, __VA_ARGS__)

/* Unshares a pid namespace; the next child is its init. */
static void unshare_pidns(void)
{
	if (unshare(CLONE_NEWPID) < 0)
		scn_die("unshare(CLONE_NEWPID): %s", scn_errno(errno));
}

/*
 * Runs @init as pid 1 of a new namespace and reports how it ended; if
 * @meanwhile, it is called with the init's pid before the wait.
 */
static void in_new_pidns_then(int (*init)(void), void (*meanwhile)(pid_t))
{
	pid_t pid;
	int status;

	unshare_pidns();
	pid = fork();
	if (pid < 0)
		scn_die("fork");
	if (pid == 0)
		_exit(init());
	if (meanwhile)
		meanwhile(pid);
	if (scn_waitpid(pid, &status, 0) != pid)
		scn_die("waitpid");
	say("namespace init: %s", pt_status(status));
}

static void in_new_pidns(int (*init)(void))
{
	in_new_pidns_then(init, NULL);
}

/* "ptrace(...) = R" or "= -1 ENAME", for the report pipe. */
static long try(const char *what, long request, pid_t pid, unsigned long data)
{
	return pt_report_call(report_fd, what, request, pid, data);
}

/*
 * Forks a tracee that runs @main(sync): PTRACE_TRACEME, a byte on @sync,
 * then its part. Returns its pid once it is a tracee.
 */
static pid_t fork_tracee(int (*main)(int sync))
{
	int sync[2];
	pid_t pid;

	scn_pipe(sync, O_CLOEXEC);
	pid = fork();
	if (pid < 0)
		scn_die("fork");
	if (pid == 0) {
		close(sync[0]);
		_exit(main(sync[1]));
	}
	close(sync[1]);
	scn_take(sync[0]);
	close(sync[0]);
	return pid;
}

/* wait4() in the namespace, reporting the pid and status it returns. */
static pid_t wait_say(pid_t pid, int flags, const char *what)
{
	return pt_report_wait4(report_fd, pid, flags, what, false);
}

/*
 * Tracee 2 (@a), in its first stop, gets @options (@what names them) and
 * goes on to its fork or clone: the event, its message (the new task's
 * pid, 3) and the new task's first stop are reported. Returns that pid.
 */
static pid_t follow_new_task(pid_t a, long options, const char *what)
{
	unsigned long msg = 0;

	try(what, PTRACE_SETOPTIONS, a, (unsigned long)options);
	try("CONT(2)", PTRACE_CONT, a, 0);
	wait_say(a, 0, "wait4(2)");
	pt_raw(PTRACE_GETEVENTMSG, a, 0, (unsigned long)&msg);
	say("GETEVENTMSG(2) = %lu", msg);
	wait_say((pid_t)msg, __WALL, "wait4(3, __WALL)");
	return (pid_t)msg;
}

static void say_waitid_info(const char *what, const siginfo_t *si)
{
	say("%s: si_pid %d, %s %d", what, si->si_pid,
	    scn_si_code(SIGCHLD, si->si_code), si->si_status);
}

/* The tracee: its own process group, TRACEME, SIGSTOP; forks a child. */
static int tracee_main(int sync)
{
	pid_t child;
	int status;

	setpgid(0, 0);
	block_sigchld();
	pt_traceme_then_post(sync);
	kill(getpid(), SIGSTOP);
	child = fork();
	if (child == 0)
		_exit(7);
	if (child < 0 || waitpid(child, &status, 0) != child)
		_exit(1);
	return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 5 : 2;
}

static pid_t outer_pid;

/*
 * Pid 1 of its namespace traces its child A (2), which forks B (3): wait
 * results, GETEVENTMSG, GETSIGINFO, SIGCHLD's siginfo (sigwaitinfo) and
 * waitid's, by pid, process group and -1; a pid of another namespace.
 */
static int tracer_init(void)
{
	sigset_t chld;
	siginfo_t si;
	unsigned long msg = 0;
	pid_t a, b;

	say("tracer: getpid = %d, getppid = %d", getpid(), getppid());
	block_sigchld();
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	a = fork_tracee(tracee_main);
	wait_say(-1, 0, "wait4(-1)");
	memset(&si, 0, sizeof(si));
	if (sigwaitinfo(&chld, &si) == SIGCHLD)
		say_waitid_info("SIGCHLD", &si);
	memset(&si, 0, sizeof(si));
	pt_raw(PTRACE_GETSIGINFO, a, 0, (unsigned long)&si);
	say("GETSIGINFO: %s si_pid %d", scn_sig(si.si_signo), si.si_pid);
	b = follow_new_task(a, PTRACE_O_TRACEFORK, "SETOPTIONS(2, TRACEFORK)");
	/* Others: itself, one of another namespace, one that is not. */
	try("ATTACH(1)", PTRACE_ATTACH, 1, 0);
	try("ATTACH(the printer's child, by its outer pid)", PTRACE_ATTACH,
	    outer_pid, 0);
	try("ATTACH(99)", PTRACE_ATTACH, 99, 0);
	try("GETEVENTMSG(99)", PTRACE_GETEVENTMSG, 99, (unsigned long)&msg);
	try("CONT(3)", PTRACE_CONT, b, 0);
	try("CONT(2)", PTRACE_CONT, a, 0);
	wait_say(-a, __WALL, "wait4(-2, __WALL)");
	memset(&si, 0, sizeof(si));
	if (waitid(P_PGID, (id_t)a, &si, WEXITED) < 0)
		say("waitid(P_PGID, 2) = -1 %s", scn_errno(errno));
	else
		say_waitid_info("waitid(P_PGID, 2)", &si);
	wait_say(0, WNOHANG, "wait4(0, WNOHANG)");
	return 0;
}

static void case_tracer_inside(int fd)
{
	report_fd = fd;
	outer_pid = getpid();
	in_new_pidns(tracer_init);
}

/* A thread of the tracee execs: the event's message is its former tid. */
static void *exec_thread(void *unused)
{
	static char *const argv[] = { "true", NULL };

	(void)unused;
	execv("/bin/true", argv);
	_exit(127);
}

static int exec_tracee_main(int sync)
{
	pthread_t thread;

	pt_traceme_then_post(sync);
	kill(getpid(), SIGSTOP);
	if (pthread_create(&thread, NULL, exec_thread, NULL) != 0)
		_exit(1);
	pthread_join(thread, NULL);
	_exit(2);
}

static int exec_tracer_init(void)
{
	unsigned long msg = 0;
	pid_t a = fork_tracee(exec_tracee_main), t;

	wait_say(a, 0, "wait4(2)");
	t = follow_new_task(a, PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC,
			    "SETOPTIONS(2, TRACECLONE|TRACEEXEC)");
	/* The leader first: the thread's exec ends it (de_thread()). */
	try("CONT(2)", PTRACE_CONT, a, 0);
	try("CONT(3)", PTRACE_CONT, t, 0);
	/* The thread's exec: its event comes with the leader's pid. */
	wait_say(a, __WALL, "wait4(2, __WALL)");
	msg = 0;
	pt_raw(PTRACE_GETEVENTMSG, a, 0, (unsigned long)&msg);
	say("GETEVENTMSG(2) = %lu (the former tid)", msg);
	try("CONT(2)", PTRACE_CONT, a, 0);
	wait_say(a, __WALL, "wait4(2, __WALL)");
	return 0;
}

static void case_exec_by_thread(int fd)
{
	report_fd = fd;
	in_new_pidns(exec_tracer_init);
}

/*
 * The init exits while it traces a thread of its child, dead in its
 * group's exit, that it has not reaped: exit_notify() detaches the thread
 * (released: exit_ptrace()) before the init waits for its namespace to
 * empty (zap_pid_ns_processes()). Inside, the supervisor held the thread at
 * its exit for its tracer until the init's death, which never came: the
 * init's SIGKILL to the exiting group woke nobody (ptfuzz seed 28 in a
 * namespace, at its watchdog's exit).
 */
static void *pausing_thread(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

static int group_exit_tracee_main(int sync)
{
	pthread_t thread;

	pt_traceme_then_post(sync);
	kill(getpid(), SIGSTOP);
	if (pthread_create(&thread, NULL, pausing_thread, NULL) != 0)
		_exit(1);
	_exit(3);
}

static int init_exits_tracing(void)
{
	pid_t a = fork_tracee(group_exit_tracee_main), t;
	siginfo_t si;

	wait_say(a, 0, "wait4(2)");
	t = follow_new_task(a, PTRACE_O_TRACECLONE,
			    "SETOPTIONS(2, TRACECLONE)");
	try("CONT(3)", PTRACE_CONT, t, 0);
	try("CONT(2)", PTRACE_CONT, a, 0);
	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)t, &si, WEXITED | WNOWAIT | __WALL) < 0 &&
	       errno == EINTR)
		;
	say("waitid(3, WEXITED|WNOWAIT|__WALL): %s %d",
	    scn_si_code(SIGCHLD, si.si_code), si.si_status);
	say("the init exits, 3 unreaped");
	return 6;
}

static void case_init_exits_tracing(int fd)
{
	report_fd = fd;
	in_new_pidns(init_exits_tracing);
}

/*
 * The same, but the init is killed (SIGKILL from the namespace above).
 * (It hung inside as well before the fix: the host still stops it at its
 * exit event, the SIGKILL being dequeued by then.)
 */
static int killed_pipe[2];

static int init_killed_tracing(void)
{
	init_exits_tracing();
	scn_post(killed_pipe[1]);
	for (;;)
		pause();
	return 0;
}

/* Once the init is ready, it is killed. */
static void kill_init(pid_t init)
{
	scn_take(killed_pipe[0]);
	say("kill(the init, SIGKILL) = %d", kill(init, SIGKILL));
}

static void case_init_killed_tracing(int fd)
{
	report_fd = fd;
	scn_pipe(killed_pipe, O_CLOEXEC);
	in_new_pidns_then(init_killed_tracing, kill_init);
}

/*
 * Two levels: pid 1 of the first namespace attaches to V, pid 1 of a
 * second one below (its pid 3 in the first), and follows its fork. V sees
 * nobody above it.
 */
static int go_pipe[2], v_pipe[2];

static int inner_init(void)
{
	pid_t w;
	int status;
	char c;

	close(go_pipe[1]);
	block_sigchld();
	while (read(go_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	say("V: getpid = %d, getppid = %d", getpid(), getppid());
	try("V: ATTACH(3)", PTRACE_ATTACH, 3, 0);
	w = fork();
	if (w == 0)
		_exit(0);
	if (w < 0 || waitpid(w, &status, 0) != w)
		return 1;
	/* Not said: the tracer reports meanwhile. */
	return w == 2 && status == 0 ? 4 : 1;
}

static int middle_main(void)
{
	pid_t v;

	close(v_pipe[0]);
	unshare_pidns();
	v = fork();
	if (v == 0)
		_exit(inner_init());
	scn_write_full(v_pipe[1], &v, sizeof(v));
	close(v_pipe[1]);
	close(go_pipe[0]);
	close(go_pipe[1]);
	if (v < 0 || waitpid(v, NULL, 0) != v)
		return 1;
	return 0;
}

static int two_level_init(void)
{
	unsigned long msg = 0;
	pid_t u, v;

	scn_pipe(go_pipe, O_CLOEXEC);
	scn_pipe(v_pipe, O_CLOEXEC);
	u = fork();
	if (u == 0)
		_exit(middle_main());
	close(v_pipe[1]);
	close(go_pipe[0]);
	if (!scn_read_full(v_pipe[0], &v, sizeof(v)))
		scn_die("no pid from the middle");
	say("U (%d) made V, %d here", u, v);
	try("ATTACH(V)", PTRACE_ATTACH, v, 0);
	wait_say(v, 0, "wait4(V)");
	try("SETOPTIONS(V, TRACEFORK)", PTRACE_SETOPTIONS, v, PTRACE_O_TRACEFORK);
	try("CONT(V)", PTRACE_CONT, v, 0);
	scn_post(go_pipe[1]);
	close(go_pipe[1]);
	wait_say(v, 0, "wait4(V)");
	pt_raw(PTRACE_GETEVENTMSG, v, 0, (unsigned long)&msg);
	say("GETEVENTMSG(V) = %lu", msg);
	wait_say((pid_t)msg, __WALL, "wait4(W, __WALL)");
	try("CONT(W)", PTRACE_CONT, (pid_t)msg, 0);
	try("CONT(V)", PTRACE_CONT, v, 0);
	wait_say((pid_t)msg, __WALL, "wait4(W, __WALL)");
	wait_say(v, __WALL, "wait4(V, __WALL)");
	wait_say(u, 0, "wait4(U)");
	return 0;
}

static void case_two_levels(int fd)
{
	report_fd = fd;
	in_new_pidns(two_level_init);
}

/*
 * The tracer outside, its tracee init of a namespace below: pids are the
 * tracer's (the printer's namespace), the tracee's own are its.
 */
static int seized_pipe[2];

static int outside_tracee_init(void)
{
	pid_t child;
	int status;

	close(seized_pipe[1]);
	block_sigchld();
	scn_take(seized_pipe[0]);
	say("A: getpid = %d, getppid = %d", getpid(), getppid());
	raise(SIGSTOP);
	child = fork();
	if (child == 0)
		_exit(0);
	if (child < 0 || waitpid(child, &status, 0) != child)
		return 1;
	/* Not said: the tracer reports meanwhile. */
	return child == 2 && status == 0 ? 6 : 1;
}

static void case_tracer_outside(int fd)
{
	unsigned long msg = 0;
	pid_t a;
	int status;

	report_fd = fd;
	scn_pipe(seized_pipe, O_CLOEXEC);
	unshare_pidns();
	a = fork();
	if (a == 0)
		_exit(outside_tracee_init());
	close(seized_pipe[0]);
	scn_report(fd, "A is {pid %d}", a);
	try("SEIZE(A, TRACEFORK)", PTRACE_SEIZE, a, PTRACE_O_TRACEFORK);
	scn_post(seized_pipe[1]);
	if (pt_wait(a, &status, WUNTRACED) != a)
		scn_die("wait");
	say("A: %s", pt_status(status));
	try("CONT(A)", PTRACE_CONT, a, 0);
	if (pt_wait(a, &status, 0) != a)
		scn_die("wait");
	say("A: %s", pt_status(status));
	pt_raw(PTRACE_GETEVENTMSG, a, 0, (unsigned long)&msg);
	scn_report(fd, "GETEVENTMSG(A) = {pid %lu}", msg);
	if (pt_wait((pid_t)msg, &status, __WALL) != (pid_t)msg)
		scn_die("wait");
	scn_report(fd, "{pid %lu}: %s", msg, pt_status(status));
	try("CONT(its child)", PTRACE_CONT, (pid_t)msg, 0);
	try("CONT(A)", PTRACE_CONT, a, 0);
	if (pt_wait((pid_t)msg, &status, __WALL) != (pid_t)msg)
		scn_die("wait");
	scn_report(fd, "{pid %lu}: %s", msg, pt_status(status));
	if (pt_wait(a, &status, __WALL) != a)
		scn_die("wait");
	say("A: %s", pt_status(status));
}

/*
 * An orphan's new parent is its namespace's init (kernel/exit.c:
 * find_new_reaper(): the child_reaper; the supervisor, a subreaper above
 * the namespace, is not looked at). Pid 1 traces A (2) with TRACEFORK; A
 * forks B (3) and exits; B, its tracee, is now its child too: its exit is
 * reported once (strace as a namespace's init saw it twice).
 */
static int orphan_tracee_main(int sync)
{
	pt_traceme_then_post(sync);
	kill(getpid(), SIGSTOP);
	if (fork() == 0) {
		/* B: stopped at birth; exits once let go. */
		_exit(9);
	}
	return 4;
}

static int orphan_init(void)
{
	pid_t a, b;

	block_sigchld();
	a = fork_tracee(orphan_tracee_main);
	wait_say(a, 0, "wait4(2)");
	b = follow_new_task(a, PTRACE_O_TRACEFORK, "SETOPTIONS(2, TRACEFORK)");
	try("CONT(2)", PTRACE_CONT, a, 0);
	wait_say(a, 0, "wait4(2)");
	/*
	 * B's parent is gone (exit_notify() reparented B before A became a
	 * zombie): B, still in its first stop, is the init's child now.
	 */
	try("CONT(3)", PTRACE_CONT, b, 0);
	wait_say(-1, __WALL, "wait4(-1, __WALL)");
	wait_say(-1, __WALL | WNOHANG, "wait4(-1, __WALL|WNOHANG)");
	return 0;
}

static void case_orphan_to_init(int fd)
{
	report_fd = fd;
	in_new_pidns(orphan_init);
}

/*
 * Signals a guest below sends name tasks by its pids too: pid 1 seizes A
 * (2), which stops itself; A's group-stop, LISTEN, then SIGCONT sent by
 * the tracer (kill) re-traps it; its real parent sees the continue.
 */
static int listen_tracee_main(int sync)
{
	char c;

	while (read(sync, &c, 1) < 0 && errno == EINTR)
		;
	kill(getpid(), SIGSTOP);
	return 3;
}

static int sigcont_init(void)
{
	int sync[2];
	pid_t a;

	block_sigchld();
	scn_pipe(sync, O_CLOEXEC);
	a = fork();
	if (a == 0) {
		close(sync[1]);
		_exit(listen_tracee_main(sync[0]));
	}
	close(sync[0]);
	try("SEIZE(2)", PTRACE_SEIZE, a, 0);
	scn_post(sync[1]);
	wait_say(a, 0, "wait4(2)");
	try("CONT(2, SIGSTOP)", PTRACE_CONT, a, SIGSTOP);
	wait_say(a, 0, "wait4(2)");
	try("LISTEN(2)", PTRACE_LISTEN, a, 0);
	say("kill(2, SIGCONT) = %d", kill(a, SIGCONT));
	wait_say(a, 0, "wait4(2)");
	try("CONT(2)", PTRACE_CONT, a, 0);
	/* Its stop for the SIGCONT first: the continue is still owed. */
	wait_say(a, 0, "wait4(2)");
	wait_say(a, WCONTINUED | WNOHANG, "wait4(2, WCONTINUED|WNOHANG)");
	try("CONT(2, SIGCONT)", PTRACE_CONT, a, SIGCONT);
	wait_say(a, 0, "wait4(2)");
	return 0;
}

static void case_sigcont_listen(int fd)
{
	report_fd = fd;
	in_new_pidns(sigcont_init);
}

/* A namespace's init that faults dies of the fault (no core file). */
static int faulting_init(void)
{
	struct rlimit none = { 0, 0 };
	/* An address the compiler cannot prove bad: it is only at run time. */
	static volatile uintptr_t nowhere = 16;

	setrlimit(RLIMIT_CORE, &none);
	*(volatile int *)nowhere = 1;
	return 0;
}

static void case_init_fault(int fd)
{
	report_fd = fd;
	in_new_pidns(faulting_init);
}

/* A SIGCHLD's or waitid(2)'s siginfo about @init's death. */
static void say_death_info(const char *what, const siginfo_t *si, pid_t init)
{
	say("%s: %s %s status %s", what, scn_si_code(SIGCHLD, si->si_code),
	    si->si_pid == init ? "the init" : scn_pid(si->si_pid),
	    scn_sig(si->si_status));
}

/* Forks a faulting init in a new namespace, SIGCHLD blocked. */
static pid_t fork_faulting_init(void)
{
	sigset_t chld;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	unshare_pidns();
	pid = scn_fork();
	if (pid == 0)
		_exit(faulting_init());
	return pid;
}

/*
 * The same death told by waitid(2), WNOWAIT first, and by the SIGCHLD
 * that sigwaitinfo(2) takes (kernel/signal.c:do_notify_parent(): the
 * group's exit code).
 */
static void case_init_fault_waitid(int fd)
{
	sigset_t chld;
	siginfo_t si;
	pid_t pid;

	report_fd = fd;
	pid = fork_faulting_init();
	for (int flags = WEXITED | WNOWAIT; ; flags = WEXITED) {
		memset(&si, 0, sizeof(si));
		while (waitid(P_PID, (id_t)pid, &si, flags) < 0)
			if (errno != EINTR)
				scn_die("waitid: %s", scn_errno(errno));
		say_death_info(flags & WNOWAIT ? "waitid(WNOWAIT)" : "waitid",
			       &si, pid);
		if (!(flags & WNOWAIT))
			break;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	memset(&si, 0, sizeof(si));
	while (sigwaitinfo(&chld, &si) < 0)
		if (errno != EINTR)
			scn_die("sigwaitinfo: %s", scn_errno(errno));
	say_death_info("sigwaitinfo", &si, pid);
}

static siginfo_t chld_info;

static void on_sigchld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_info = *si;
}

/* ... and by a SIGCHLD handler's siginfo (its signal-delivery-stop). */
static void case_init_fault_handler(int fd)
{
	struct sigaction sa = { .sa_sigaction = on_sigchld,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	sigset_t none;
	int status;
	pid_t pid;

	report_fd = fd;
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork_faulting_init();
	if (scn_waitpid(pid, &status, 0) != pid)
		scn_die("waitpid");
	say("namespace init: %s", pt_status(status));
	/* Pending, blocked: the handler runs as the mask lets it go. */
	sigemptyset(&none);
	sigsuspend(&none);
	say_death_info("SIGCHLD handler", &chld_info, pid);
}

static void tracer_inside(void)
{
	scn_in_child("tracer in a pid namespace of its own", case_tracer_inside);
}

static void exec_by_thread(void)
{
	scn_in_child("exec by a thread, in a pid namespace", case_exec_by_thread);
}

static void orphan_to_init(void)
{
	scn_in_child("an orphan's reaper is its namespace's init",
		     case_orphan_to_init);
}

static void sigcont_listen(void)
{
	scn_in_child("SIGCONT to a listening tracee, in a pid namespace",
		     case_sigcont_listen);
}

static void init_fault(void)
{
	scn_in_child("a namespace's init faults", case_init_fault);
}

static void init_fault_waitid(void)
{
	scn_in_child("a namespace's init faults: waitid and sigwaitinfo",
		     case_init_fault_waitid);
}

static void init_fault_handler(void)
{
	scn_in_child("a namespace's init faults: a SIGCHLD handler",
		     case_init_fault_handler);
}

static void init_exits_tracing_case(void)
{
	scn_in_child("a namespace's init exits, its tracee's thread unreaped",
		     case_init_exits_tracing);
}

static void init_killed_tracing_case(void)
{
	scn_in_child("a namespace's init killed, its tracee's thread unreaped",
		     case_init_killed_tracing);
}

static void two_levels(void)
{
	scn_in_child("two levels of pid namespaces", case_two_levels);
}

static void tracer_outside(void)
{
	scn_in_child("tracee in a pid namespace below its tracer's",
		     case_tracer_outside);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "tracer-inside", tracer_inside },
		{ "exec-by-thread", exec_by_thread },
		{ "two-levels", two_levels },
		{ "orphan-to-init", orphan_to_init },
		{ "sigcont-listen", sigcont_listen },
		{ "init-fault", init_fault },
		{ "init-fault-waitid", init_fault_waitid },
		{ "init-fault-handler", init_fault_handler },
		{ "init-exits-tracing", init_exits_tracing_case },
		{ "init-killed-tracing", init_killed_tracing_case },
		{ "tracer-outside", tracer_outside },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
