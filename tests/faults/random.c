/*
 * Faults at random points (issue 6, "Faults"): where timing decides the
 * outcome, the invariants are checked instead of a transcript. Each case
 * loops many iterations with a fixed seed; an iteration's guests are in a
 * process group of their own, and the printer P0 is a child subreaper, so
 * every orphan comes back to it. After each iteration:
 *  - every guest ended as Linux allows (exit statuses checked below);
 *  - none was left stopped forever: the printer keeps sending SIGCONT to
 *    the group while it waits, and gives up after 10 s;
 *  - every exit was reported exactly once to its real parent (a pid the
 *    printer reaps twice fails) and at most once to a tracer (the tracers
 *    count), and nothing is left: wait says ECHILD and the group is empty.
 * The printer prints only "N iterations: invariants held" (compared with the
 * native run); the outcomes' counts, which vary, are "figure:" lines.
 *
 * Cases: kill-tracer (a tracer SIGKILLed at a random time or at a random
 * point: holding a stop, in its wait, after LISTEN, during its tracee's
 * vfork), exec-attach (a tracee execs itself in a loop, from its leader or
 * from another thread, while another guest attaches), exit-together (a
 * tracer and its tracee exit at once, in four ways).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt.h"

static unsigned long rng_state;
static int iteration;

static void rng_seed(unsigned long seed)
{
	rng_state = seed * 2654435761UL + 1;
}

/* A number in [0, @n) (xorshift64*: the same sequence on both sides). */
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 2685821657736338717UL) >> 33) % n;
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	scn_die("iteration %d: %s", iteration, buf);
}

static void sleep_us(unsigned us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- reaping: exactly once, nothing stopped forever, nothing left ---- */

struct reaped {
	pid_t pid;
	int status;
	bool seen;
};

/*
 * Prints, on standard error, the processes of group @pgid still there
 * (pid, state, parent), for a failure to name them.
 */
static void say_group(pid_t pgid)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	while (proc && (d = readdir(proc))) {
		char path[64], buf[512], state;
		int pid, ppid, group;
		const char *close_paren;
		FILE *f;

		if (sscanf(d->d_name, "%d", &pid) != 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		close_paren = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (close_paren &&
		    sscanf(close_paren + 1, " %c %d %d", &state, &ppid,
			   &group) == 3 && group == pgid)
			fprintf(stderr, "left in group %d: pid %d state %c "
				"parent %d\n", (int)pgid, pid, state, ppid);
	}
	if (proc)
		closedir(proc);
}

/*
 * Reaps every child until each of @want (@n of them) has been reported and
 * nothing of group @pgid is left. Once @want[@tracer] is reaped (so nothing
 * in the group is traced; -1: at once. A SIGCONT would make a ptrace-stop nobody
 * handles), it sends the group SIGCONT every 10 ms, so that a guest left in
 * a group-stop ends. With @pgid 0, it waits for the one @want only.
 * Returns the number of orphans (other pids) reaped.
 */
static int collect(pid_t pgid, struct reaped *want, int n, int tracer)
{
	int orphans = 0, status;

	for (int ms = 0; ms < 10000; ms++) {
		pid_t w = waitpid(pgid ? -1 : want[0].pid, &status, __WALL | WNOHANG);
		bool all = true;

		if (w > 0) {
			int i;

			for (i = 0; i < n && want[i].pid != w; i++)
				;
			if (i == n) {
				orphans++;
				continue;
			}
			if (want[i].seen)
				fail("pid %d reported twice", (int)w);
			want[i].seen = true;
			want[i].status = status;
			continue;
		}
		if (w < 0 && errno != ECHILD && errno != EINTR)
			fail("waitpid: %s", scn_errno(errno));
		for (int i = 0; i < n; i++)
			all = all && want[i].seen;
		if (all && pgid == 0)
			return orphans;
		if (w < 0 && errno == ECHILD) {
			if (!all)
				fail("a guest was never reported (ECHILD)");
			if (kill(-pgid, 0) < 0 && errno == ESRCH)
				return orphans;
		}
		if (ms % 10 == 0 && pgid != 0 && (tracer < 0 || want[tracer].seen))
			kill(-pgid, SIGCONT);
		sleep_us(1000);
	}
	for (int i = 0; i < n; i++)
		if (!want[i].seen)
			fail("guest %d (#%d) never ended (state %c)",
			     (int)want[i].pid, i, scn_proc_state(want[i].pid) ?: '0');
	say_group(pgid);
	fail("group %d not empty after 10 s", (int)pgid);
}

static void expect_status(const char *who, int status, int expected)
{
	char a[64], b[64];

	if (status != expected)
		fail("%s: %s, expected %s", who, scn_wstatus(status, a),
		     scn_wstatus(expected, b));
}

#define EXITED(code) ((code) << 8)
#define KILLED(sig) (sig)

/* Reads one byte with a limit of @ms; -1 on timeout or EOF. */
static int read_byte_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, ms) <= 0 || read(fd, &c, 1) != 1)
		return -1;
	return (unsigned char)c;
}

/* ---- kill-tracer ---- */

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

/* vfork() a child that exits 4; its own frame, so nothing is clobbered. */
static pid_t __attribute__((noinline)) vfork_exit4(void)
{
	pid_t c = vfork();

	if (c == 0)
		syscall(SYS_exit, 4);
	return c;
}

/*
 * The tracee: getppid, vfork a child that exits 4, SIGUSR1 to itself, now
 * and then SIGSTOP to itself, until a byte (or EOF) on @cmd. Exits 7 when
 * it reaped each vfork child once with status 4 and has no child left.
 */
static void __attribute__((noreturn)) busy_target(int cmd)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	unsigned vforks = 0, good = 0;
	int status;
	pid_t c;
	char byte;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	for (unsigned n = 0;; n++) {
		ssize_t r = read(cmd, &byte, 1);

		if (r >= 0 || (errno != EAGAIN && errno != EINTR))
			break;
		syscall(SYS_getppid);
		if (n % 16 == 3) {
			c = vfork_exit4();
			if (c > 0) {
				vforks++;
				while (waitpid(c, &status, __WALL) < 0 && errno == EINTR)
					;
				good += WIFEXITED(status) && WEXITSTATUS(status) == 4;
			}
		} else if (n % 16 == 7) {
			kill(getpid(), SIGUSR1);
		} else if (n % 64 == 11) {
			kill(getpid(), SIGSTOP);
		}
	}
	if (waitpid(-1, &status, __WALL | WNOHANG) >= 0 || errno != ECHILD)
		_exit(9);
	_exit(vforks == good ? 7 : 8);
}

static void point(int fd, char kind)
{
	(void)!write(fd, &kind, 1);	/* non-blocking: a full pipe drops it */
}

/*
 * The tracer: attaches to @t (@seize, with @opts) and handles every stop
 * at random until it is killed, announcing its points on @points: 'a'
 * attached, 'w' about to wait, 's' holding a stop, 'l' after LISTEN, 'v'
 * after its tracee's vfork event.
 */
static void __attribute__((noreturn)) random_tracer(pid_t t, bool seize,
						    unsigned long opts, int points)
{
	bool first_stop = !seize;
	int status;

	if (pt_raw(seize ? PTRACE_SEIZE : PTRACE_ATTACH, t, 0, seize ? opts : 0) < 0)
		_exit(3);
	point(points, 'a');
	for (;;) {
		int sig, event, inject = 0;
		long req = rnd(2) ? PTRACE_SYSCALL : PTRACE_CONT;
		pid_t w;

		point(points, 'w');
		w = waitpid(-1, &status, __WALL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(4);
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		event = status >> 16;
		if (w == t && first_stop && sig == SIGSTOP) {
			first_stop = false;
			pt_raw(PTRACE_SETOPTIONS, t, 0, opts);
			sig = 0;
		}
		point(points, 's');
		if (rnd(4) == 0)
			sleep_us(rnd(500));
		if (event == PTRACE_EVENT_STOP) {
			if (seize && sig != SIGTRAP && rnd(2)) {
				pt_raw(PTRACE_LISTEN, w, 0, 0);
				point(points, 'l');
				continue;
			}
		} else if (event == PTRACE_EVENT_VFORK) {
			pt_raw(req, w, 0, 0);
			point(points, 'v');
			continue;
		} else if (event == 0 && sig != (SIGTRAP | 0x80)) {
			/* A new child's first SIGSTOP is not passed on. */
			inject = sig == SIGSTOP && w != t ? 0 : sig;
		}
		pt_raw(req, w, 0, (unsigned long)inject);
	}
}

struct kill_figures {
	unsigned kind[5], reached[5], exitkill, orphans;
};

static void kill_tracer_once(struct kill_figures *f)
{
	static const char kinds[] = "twslv";
	int cmd[2], points[2];
	bool seize = rnd(2);
	unsigned long opts = PTRACE_O_TRACESYSGOOD;
	unsigned kind = rnd(5);
	struct reaped want[2] = { { 0 } };
	pid_t t, x;
	int c;

	if (rnd(2))
		opts |= PTRACE_O_TRACEVFORK | PTRACE_O_TRACEFORK |
			PTRACE_O_TRACEVFORKDONE;
	if (seize && rnd(5) == 0)
		opts |= PTRACE_O_EXITKILL;
	scn_pipe(cmd, O_CLOEXEC);
	scn_pipe(points, O_CLOEXEC);
	t = scn_fork();
	if (t == 0) {
		setpgid(0, 0);
		close(cmd[1]);
		fcntl(cmd[0], F_SETFL, O_NONBLOCK);
		busy_target(cmd[0]);
	}
	setpgid(t, t);
	close(cmd[0]);
	x = scn_fork();
	if (x == 0) {
		setpgid(0, t);
		close(points[0]);
		fcntl(points[1], F_SETFL, O_NONBLOCK);
		random_tracer(t, seize, opts, points[1]);
	}
	setpgid(x, t);
	close(points[1]);
	if (read_byte_within(points[0], 5000) != 'a')
		fail("the tracer did not attach");
	f->kind[kind]++;
	if (kinds[kind] == 't') {
		sleep_us(rnd(3000));
		f->reached[kind]++;
	} else {
		/* Up to 50 ms for the point (a LISTEN needs a group-stop). */
		for (int i = 0; i < 50; i++) {
			c = read_byte_within(points[0], 1);
			if (c == kinds[kind]) {
				f->reached[kind]++;
				break;
			}
		}
	}
	kill(x, SIGKILL);
	close(points[0]);
	/* X first: its death detaches (or, EXITKILL, kills) T before T is told. */
	want[0].pid = x;
	f->orphans += (unsigned)collect(0, want, 1, 0);
	expect_status("tracer", want[0].status, KILLED(SIGKILL));
	(void)!write(cmd[1], "x", 1);	/* EPIPE when EXITKILL killed it */
	close(cmd[1]);
	want[1].pid = t;
	f->orphans += (unsigned)collect(t, want + 1, 1, -1);
	if (opts & PTRACE_O_EXITKILL) {
		expect_status("tracee (EXITKILL)", want[1].status, KILLED(SIGKILL));
		f->exitkill++;
	} else {
		expect_status("tracee", want[1].status, EXITED(7));
	}
}

static void case_kill_tracer(void)
{
	static const char *const names[] = { "random time", "in wait",
					     "holding a stop", "after LISTEN",
					     "during vfork" };
	struct kill_figures f;
	const int n = 150;

	memset(&f, 0, sizeof(f));

	rng_seed(1);
	for (iteration = 0; iteration < n; iteration++)
		kill_tracer_once(&f);
	scn_say("%d iterations: invariants held", n);
	for (int k = 0; k < 5; k++)
		scn_say("figure: kill-tracer: %s: %u kills, %u at the point",
			names[k], f.kind[k], f.reached[k]);
	scn_say("figure: kill-tracer: %u with EXITKILL, %u orphans reaped",
		f.exitkill, f.orphans);
}

/* ---- kill-in-trap ---- */

/*
 * A tracer that makes trapped calls back to back (wait4 WNOHANG on its
 * seized tracee: each one a stop of the supervisor's) is SIGKILLed at a
 * random time, so that the kill often lands while it is held in such a stop.
 */
static void case_kill_in_trap(void)
{
	const int n = 600;
	unsigned in_wait4 = 0;

	rng_seed(3);
	for (iteration = 0; iteration < n; iteration++) {
		struct reaped want[2] = { { 0 } };
		int cmd[2], ready[2], status;
		pid_t t, x;
		char byte;

		scn_pipe(cmd, O_CLOEXEC);
		scn_pipe(ready, O_CLOEXEC);
		t = scn_fork();
		if (t == 0) {
			setpgid(0, 0);
			close(cmd[1]);
			(void)!read(cmd[0], &byte, 1);
			_exit(7);
		}
		setpgid(t, t);
		x = scn_fork();
		if (x == 0) {
			setpgid(0, t);
			if (pt_raw(PTRACE_SEIZE, t, 0, 0) < 0)
				_exit(3);
			scn_post(ready[1]);
			for (;;)
				syscall(SYS_wait4, t, &status, __WALL | WNOHANG, NULL);
		}
		setpgid(x, t);
		scn_take(ready[0]);
		sleep_us(rnd(2000));
		in_wait4 += scn_proc_state(x) == 't';
		kill(x, SIGKILL);
		want[0].pid = x;
		collect(0, want, 1, 0);
		expect_status("tracer", want[0].status, KILLED(SIGKILL));
		scn_post(cmd[1]);
		want[1].pid = t;
		collect(t, want + 1, 1, -1);
		expect_status("tracee", want[1].status, EXITED(7));
		close(cmd[0]);
		close(cmd[1]);
		close(ready[0]);
		close(ready[1]);
	}
	scn_say("%d iterations: invariants held", n);
	scn_say("figure: kill-in-trap: %u of %d tracers seen in a host stop just before the kill",
		in_wait4, n);
}

/* ---- exec-attach ---- */

static char **exec_argv;

static void *exec_thread(void *arg)
{
	(void)arg;
	execv("/proc/self/exe", exec_argv);
	_exit(12);
}

/*
 * "--exec-loop N MODE": exec this program again with N-1, from the leader
 * (MODE "leader") or from a second thread ("thread"); exit 7 at 0, 40 +
 * the error number when the thread cannot be made.
 */
static void __attribute__((noreturn)) exec_loop(int argc, char **argv)
{
	static char count[16];
	pthread_t th;
	int left;

	if (argc < 4)
		_exit(11);
	left = atoi(argv[2]);
	if (left <= 0)
		_exit(7);
	snprintf(count, sizeof(count), "%d", left - 1);
	argv[2] = count;
	exec_argv = argv;
	if (strcmp(argv[3], "thread") == 0) {
		int err = pthread_create(&th, NULL, exec_thread, NULL);

		if (err != 0)	/* 40 + the error number, for the report */
			_exit(40 + (err & 0x3f));
		for (;;)
			pause();
	}
	exec_thread(NULL);
	_exit(12);
}

/*
 * The attacher: SEIZE (with or without TRACEEXEC) or ATTACH, then resumes
 * every stop (SIGSTOP and SIGTRAP not passed on) until @t's exit, ECHILD, or
 * @t's pid is gone.
 * Exits 0 after one exit report of status 7, 2 when the attach found the
 * tracee gone, 6 when it never saw the exit, 5 for a wrong or second exit.
 */
static void __attribute__((noreturn)) exec_attacher(pid_t t, unsigned how)
{
	int exits = 0, status;
	long r;

	alarm(20);
	if (how == 0)
		r = pt_raw(PTRACE_ATTACH, t, 0, 0);
	else
		r = pt_raw(PTRACE_SEIZE, t, 0, how == 2 ? PTRACE_O_TRACEEXEC : 0);
	if (r < 0)
		_exit(errno == ESRCH || errno == EPERM ? 2 : 1);
	for (;;) {
		pid_t w = waitpid(t, &status, __WALL | WNOHANG);
		int sig;

		if (w < 0 && errno == ECHILD)
			break;
		if (w < 0)
			_exit(1);
		if (w == 0) {
			/*
			 * Polled: a blocking wait can miss the wake-up when a
			 * thread's exec releases the traced leader (natively
			 * too). A tracee is never reaped by its real parent
			 * first, so a vanished pid is no longer ours.
			 */
			if (kill(t, 0) < 0 && errno == ESRCH &&
			    waitpid(t, &status, __WALL | WNOHANG) == 0)
				break;
			sleep_us(200);
			continue;
		}
		if (!WIFSTOPPED(status)) {
			exits++;
			if (exits > 1 || status != EXITED(7))
				_exit(5);
			continue;
		}
		sig = WSTOPSIG(status);
		if ((status >> 16) != 0 || sig == SIGSTOP || sig == SIGTRAP)
			sig = 0;
		pt_raw(PTRACE_CONT, w, 0, (unsigned long)sig);
	}
	_exit(exits == 1 ? 0 : 6);
}

static void case_exec_attach(void)
{
	static const char *const hows[] = { "ATTACH", "SEIZE", "SEIZE+TRACEEXEC" };
	unsigned outcome[2][3][3] = { { { 0 } } }; /* [thread][how][0/2/6] */
	const int n = 100;

	rng_seed(2);
	for (iteration = 0; iteration < n; iteration++) {
		bool thread = rnd(2);
		unsigned how = rnd(3), delay = rnd(3000);
		struct reaped want[2] = { { 0 } };
		pid_t t, x;
		int code;

		t = scn_fork();
		if (t == 0) {
			char *argv[] = { "faults-random", "--exec-loop", "6",
					 thread ? "thread" : "leader", NULL };

			setpgid(0, 0);
			execv("/proc/self/exe", argv);
			_exit(12);
		}
		setpgid(t, t);
		x = scn_fork();
		if (x == 0) {
			setpgid(0, t);
			sleep_us(delay);
			exec_attacher(t, how);
		}
		setpgid(x, t);
		want[0].pid = t;
		want[1].pid = x;
		collect(t, want, 2, 1);
		expect_status("tracee", want[0].status, EXITED(7));
		if (!WIFEXITED(want[1].status))
			fail("attacher: %s", pt_status(want[1].status));
		code = WEXITSTATUS(want[1].status);
		/* Without a thread the pid never changes: the exit is seen. */
		if (code != 0 && code != 2 && !(code == 6 && thread))
			fail("attacher (%s, %s) exited %d", hows[how],
			     thread ? "thread" : "leader", code);
		outcome[thread][how][code == 0 ? 0 : code == 2 ? 1 : 2]++;
	}
	scn_say("%d iterations: invariants held", n);
	for (int th = 0; th < 2; th++)
		for (int h = 0; h < 3; h++)
			scn_say("figure: exec-attach: exec from %s, %s: %u saw the exit,"
				" %u too late, %u exit not seen",
				th ? "a thread" : "the leader", hows[h],
				outcome[th][h][0], outcome[th][h][1], outcome[th][h][2]);
}

/* ---- exit-together ---- */

/*
 * Variant 0: X seizes its sibling T; both exit when the go pipe closes.
 * 1: X waits for T; the printer SIGKILLs their group.
 * 2: X forks T and seizes it; both exit on go (T's exit reaches the printer,
 *    its subreaper, once, whoever goes first).
 * 3: as 0 with TRACEEXIT|EXITKILL: T exits 7 or is killed.
 */
static void exit_together_once(unsigned variant, unsigned *killed)
{
	int go[2], info[2];
	struct reaped want[2] = { { 0 } };
	unsigned long opts = variant == 3 ? PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL : 0;
	pid_t t = 0, x, pg;
	char byte;

	scn_pipe(go, O_CLOEXEC);
	scn_pipe(info, O_CLOEXEC);
	if (variant != 2) {
		t = scn_fork();
		if (t == 0) {
			setpgid(0, 0);
			close(go[1]);
			if (variant == 1)
				for (;;)
					syscall(SYS_getppid);
			(void)!read(go[0], &byte, 1);
			_exit(7);
		}
		setpgid(t, t);
	}
	pg = t;
	x = scn_fork();
	if (x == 0) {
		close(info[0]);
		if (variant == 2) {
			setpgid(0, 0);
			t = fork();
			if (t == 0) {
				close(go[1]);
				(void)!read(go[0], &byte, 1);
				_exit(7);
			}
		} else {
			setpgid(0, pg);
		}
		close(go[1]);
		if (t < 0 || pt_raw(PTRACE_SEIZE, t, 0, opts) < 0)
			_exit(3);
		scn_write_full(info[1], &t, sizeof(t));
		if (variant == 1) {
			int status;

			for (;;)
				waitpid(t, &status, __WALL);
		}
		(void)!read(go[0], &byte, 1);
		_exit(0);
	}
	if (variant == 2) {
		setpgid(x, x);
		pg = x;
	} else {
		setpgid(x, pg);
	}
	close(go[0]);
	close(info[1]);
	if (!scn_read_full(info[0], &t, sizeof(t)))
		fail("the tracer did not seize");
	close(info[0]);
	if (variant == 1) {
		kill(-pg, SIGKILL);
	}
	close(go[1]);
	want[0].pid = x;
	want[1].pid = t;
	collect(pg, want, 2, 0);
	if (variant == 1) {
		expect_status("tracer", want[0].status, KILLED(SIGKILL));
		expect_status("tracee", want[1].status, KILLED(SIGKILL));
		return;
	}
	expect_status("tracer", want[0].status, EXITED(0));
	if (variant == 3 && want[1].status == KILLED(SIGKILL))
		(*killed)++;
	else
		expect_status("tracee", want[1].status, EXITED(7));
}

static void case_exit_together(void)
{
	const int n = 200;
	unsigned killed = 0;

	for (iteration = 0; iteration < n; iteration++)
		exit_together_once((unsigned)iteration % 4, &killed);
	scn_say("%d iterations: invariants held", n);
	scn_say("figure: exit-together: EXITKILL: %u of %d tracees killed, the rest exited 7",
		killed, n / 4);
}

/* ---- kill-forker ---- */

/*
 * A process forks or vforks children that exit at once, in a loop, until
 * it is SIGKILLed at a random time: a fatal signal skips its clone event
 * (kernel/ptrace.c: no ptrace_stop() with one pending), and the last child
 * is orphaned to the printer (a subreaper). Inside, that child's first
 * host stop may come after its parent's death: it must start, not wait for
 * the event for ever (until session 34 it did, 2 runs in 4 of 300
 * rounds; faults-kill-tracer in a CI run). Every child ends, exits 4.
 */
static void kill_forker_once(unsigned *orphans)
{
	bool use_vfork = rnd(2);
	pid_t p = scn_fork();

	if (p == 0) {
		setpgid(0, 0);
		for (;;) {
			pid_t c = use_vfork ? vfork() : fork();

			if (c == 0)
				syscall(SYS_exit, 4);
			if (c > 0)
				waitpid(c, NULL, __WALL);
		}
	}
	setpgid(p, p);
	sleep_us(rnd(3000));
	kill(p, SIGKILL);
	/* Not collect(): its SIGCONTs to the group would wake a stuck one. */
	for (int ms = 0;; ms++) {
		int status;
		pid_t w = waitpid(-1, &status, __WALL | WNOHANG);

		if (w == p)
			expect_status("forker", status, KILLED(SIGKILL));
		else if (w > 0)
			(*orphans)++;
		if (w > 0)
			continue;
		if (w < 0 && errno == ECHILD)
			break;
		if (w < 0 && errno != EINTR)
			fail("waitpid: %s", scn_errno(errno));
		if (ms == 5000) {
			say_group(p);
			fail("group %d not empty after 5 s", (int)p);
		}
		sleep_us(1000);
	}
}

static void case_kill_forker(void)
{
	const int n = 300;
	unsigned orphans = 0;

	rng_seed(2);
	for (iteration = 0; iteration < n; iteration++)
		kill_forker_once(&orphans);
	scn_say("%d iterations: invariants held", n);
	scn_say("figure: kill-forker: %u orphans reaped", orphans);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "kill-tracer", case_kill_tracer },
		{ "kill-in-trap", case_kill_in_trap },
		{ "exec-attach", case_exec_attach },
		{ "exit-together", case_exit_together },
		{ "kill-forker", case_kill_forker },
	};

	if (argc > 1 && strcmp(argv[1], "--exec-loop") == 0)
		exec_loop(argc, argv);
	/* Orphans come back to the printer, which must reap them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		scn_die("PR_SET_CHILD_SUBREAPER");
	signal(SIGPIPE, SIG_IGN);
	return pt_main(argc, argv, cases, PT_NCASES(cases), 100);
}
