/*
 * escape CASE VICTIM ANCESTOR [nobody]: one attempt by a guest to escape the
 * supervisor or to reach a process that is not a guest (README.md in this
 * directory has the security model and the table of attempts).
 *
 * The first guest's parent is the supervisor (natively: native-parent,
 * standing where ptvisor stands). VICTIM is an unrelated process the test
 * started outside ptvisor; ANCESTOR is the test driver's shell. With
 * "nobody" the guest drops to uid 65534 before the attempt.
 *
 * Each check prints "ok: ..." when the attack failed in the documented way
 * or "ESCAPED: ..." when it got through; the last line is "RESULT: BLOCKED"
 * (exit 0) or "RESULT: ESCAPED" (exit 3). A setup error is "FAIL: ..."
 * (exit 1), a stuck attempt "WATCHDOG" (exit 99). Lines starting with
 * "EXPECT-LOG:" give an extended regular expression that run.sh looks for
 * in the supervisor's log after the run. The verdicts that hinge on "still
 * traced by the supervisor" read TracerPid in /proc/PID/status: natively
 * it is never the stand-in parent, so those checks fail in a native run,
 * which run.sh verifies.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"
#include "filter.h"
#include "scenario.h"

#define NOBODY 65534
#define OTHER_UID 1000 /* owner of the setuid program */
#define PTV_DATA 0x7e50 /* the supervisor's SECCOMP_RET_DATA */

static pid_t sup;      /* the supervisor (natively: native-parent) */
static pid_t victim;   /* a process outside ptvisor */
static pid_t ancestor; /* the test driver's shell */
static int escapes;

static void say(const char *fmt, ...) SCN_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(STDOUT_FILENO, buf, (size_t)n);
}

#define ok(...) say("ok: " __VA_ARGS__)
#define escaped(...) (escapes++, say("ESCAPED: " __VA_ARGS__))

/* A failed call (-1, errno) must have failed with @e1 or @e2. */
static void expect_fail(const char *what, long r, int e1, int e2)
{
	int e = errno;

	if (r == -1 && (e == e1 || e == e2))
		ok("%s = -1 %s", what, scn_errno(e));
	else if (r == -1)
		escaped("%s = -1 %s, not %s", what, scn_errno(e), scn_errno(e1));
	else
		escaped("%s = %ld: it succeeded", what, r);
}

/* TracerPid of /proc/@tid/status; -1 when it cannot be read. */
static pid_t tracer_of(pid_t tid)
{
	char path[64], line[256];
	pid_t tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

/* Field @n (1-based) of the Uid: line: 2 is the effective uid. */
static long uid_field(pid_t tid, int n)
{
	char path[64], line[256];
	long u[4] = { -1, -1, -1, -1 };
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld %ld %ld %ld", &u[0], &u[1], &u[2],
			   &u[3]) == 4)
			break;
	fclose(f);
	return u[n - 1];
}

static void expect_supervised(const char *what, pid_t tid)
{
	pid_t t = tracer_of(tid);

	if (t == sup)
		ok("%s (%d) is traced by the supervisor", what, (int)tid);
	else
		escaped("%s (%d) has TracerPid %d, not the supervisor %d", what,
			(int)tid, (int)t, (int)sup);
}

static long raw_clone(unsigned long flags)
{
	return syscall(SYS_clone, flags, 0L, 0L, 0L, 0L);
}

/* A child's body: wait for a byte (or EOF) on @fd, then exit. */
static void __attribute__((noreturn)) hold(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* A held child made by raw clone(@flags); *@release lets it go. */
static long spawn_held(unsigned long flags, int *release)
{
	int p[2];
	long r;

	scn_pipe(p, O_CLOEXEC);
	r = raw_clone(flags);
	if (r == 0) {
		close(p[1]);
		hold(p[0]);
	}
	close(p[0]);
	if (r < 0) {
		close(p[1]);
		return -1;
	}
	*release = p[1];
	return r;
}

static void release_and_reap(pid_t pid, int release)
{
	int status;

	(void)!write(release, "x", 1);
	close(release);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

static void become(uid_t uid)
{
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		scn_die("dropping to uid %d", (int)uid);
	/* The uid change made us non-dumpable; be what a uid-@uid program is. */
	prctl(PR_SET_DUMPABLE, 1);
}

/* Undoes a native attach that succeeded (native runs only). */
static void undo_attach(pid_t pid, bool seized)
{
	if (seized)
		ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
}

static void attach_both(const char *who, pid_t pid)
{
	char what[128];
	long r;

	snprintf(what, sizeof(what), "ptrace(PTRACE_ATTACH, %s)", who);
	r = ptrace(PTRACE_ATTACH, pid, 0, 0);
	expect_fail(what, r, EPERM, ESRCH);
	if (r == 0)
		undo_attach(pid, false);
	snprintf(what, sizeof(what), "ptrace(PTRACE_SEIZE, %s)", who);
	r = ptrace(PTRACE_SEIZE, pid, 0, 0);
	expect_fail(what, r, EPERM, ESRCH);
	if (r == 0)
		undo_attach(pid, true);
}

/* The parent of @pid from /proc/PID/stat; 0 when unknown. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, ppid = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/* ------------------------------------------------------------------ */
/* 1. ptrace ATTACH/SEIZE of non-guests                               */

static void case_attach_supervisor(void)
{
	attach_both("the supervisor", sup);
}

/* Every ancestor of the supervisor up to (not including) init. */
static void case_attach_ancestors(void)
{
	int n = 0;

	for (pid_t p = parent_of(sup); p > 1 && n < 64; p = parent_of(p), n++) {
		char who[64];
		long r;

		snprintf(who, sizeof(who), "ancestor %d%s", (int)p,
			 p == ancestor ? " (the test driver)" : "");
		r = ptrace(PTRACE_ATTACH, p, 0, 0);
		{
			char what[128];

			snprintf(what, sizeof(what), "ptrace(PTRACE_ATTACH, %s)", who);
			expect_fail(what, r, EPERM, ESRCH);
		}
		if (r == 0) {
			undo_attach(p, false);
			return; /* natively: one is enough to prove the point */
		}
	}
	if (n == 0)
		scn_die("the supervisor has no ancestor below init");
}

static void case_attach_unrelated(void)
{
	int status;
	pid_t gone = fork();

	attach_both("an unrelated process", victim);
	if (gone == 0)
		_exit(0);
	waitpid(gone, &status, 0);
	/* As natively, a pid that names no process at all: ESRCH. */
	expect_fail("ptrace(PTRACE_ATTACH, a reaped child)",
		    ptrace(PTRACE_ATTACH, gone, 0, 0), ESRCH, ESRCH);
}

/* ------------------------------------------------------------------ */
/* 2. Memory, descriptors and signals of non-guests                    */

static void memory_attacks(const char *who, pid_t pid)
{
	char local[16] = { 0 }, what[128], path[64];
	struct iovec l = { local, sizeof(local) };
	/* An unmapped page: a permitted access fails with EFAULT, not EPERM. */
	struct iovec rem = { (void *)0x1000, sizeof(local) };
	long pidfd, r;

	snprintf(what, sizeof(what), "process_vm_readv(%s)", who);
	expect_fail(what, process_vm_readv(pid, &l, 1, &rem, 1, 0), EPERM, ESRCH);
	snprintf(what, sizeof(what), "process_vm_writev(%s)", who);
	expect_fail(what, process_vm_writev(pid, &l, 1, &rem, 1, 0), EPERM, ESRCH);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	snprintf(what, sizeof(what), "open(/proc/%s/mem, O_RDONLY)", who);
	r = open(path, O_RDONLY | O_CLOEXEC);
	expect_fail(what, r, EACCES, EPERM);
	if (r >= 0)
		close((int)r);
	snprintf(what, sizeof(what), "open(/proc/%s/mem, O_RDWR)", who);
	r = open(path, O_RDWR | O_CLOEXEC);
	expect_fail(what, r, EACCES, EPERM);
	if (r >= 0)
		close((int)r);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		ok("pidfd_open(%s) = -1 %s", who, scn_errno(errno));
		return;
	}
	snprintf(what, sizeof(what), "pidfd_getfd(pidfd of %s, 0)", who);
	r = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	expect_fail(what, r, EPERM, ESRCH);
	if (r >= 0)
		close((int)r);
	close((int)pidfd);
}

static void case_reach_supervisor(void)
{
	memory_attacks("the supervisor", sup);
}

static void case_reach_unrelated(void)
{
	memory_attacks("an unrelated process", victim);
	expect_fail("kill(an unrelated process, 0)", kill(victim, 0), EPERM, ESRCH);
	expect_fail("kill(an unrelated process, SIGCONT)", kill(victim, SIGCONT),
		    EPERM, ESRCH);
}

/* ------------------------------------------------------------------ */
/* 3. Detaching or stopping the host tracer from inside                */

static void case_detach(void)
{
	int rel_a, rep[2];
	long a = spawn_held(SIGCHLD, &rel_a), b;

	if (a < 0)
		scn_die("clone");
	expect_fail("ptrace(PTRACE_DETACH, self)", ptrace(PTRACE_DETACH, getpid(), 0, 0),
		    ESRCH, ESRCH);
	expect_fail("ptrace(PTRACE_DETACH, child)", ptrace(PTRACE_DETACH, a, 0, 0),
		    ESRCH, ESRCH);
	/* A sibling detaches the other sibling, then itself. */
	scn_pipe(rep, O_CLOEXEC);
	b = fork();
	if (b == 0) {
		long r1 = ptrace(PTRACE_DETACH, a, 0, 0);
		int e1 = errno;
		long r2 = ptrace(PTRACE_DETACH, getpid(), 0, SIGKILL);
		int e2 = errno;
		char buf[64];

		snprintf(buf, sizeof(buf), "%ld %d %ld %d", r1, e1, r2, e2);
		(void)!write(rep[1], buf, strlen(buf));
		_exit(0);
	}
	close(rep[1]);
	{
		char buf[64] = { 0 };
		long r1 = 0, r2 = 0;
		int e1 = 0, e2 = 0;

		if (read(rep[0], buf, sizeof(buf) - 1) <= 0 ||
		    sscanf(buf, "%ld %d %ld %d", &r1, &e1, &r2, &e2) != 4)
			scn_die("sibling report");
		errno = e1;
		expect_fail("ptrace(PTRACE_DETACH, sibling) from a sibling", r1, ESRCH, ESRCH);
		errno = e2;
		expect_fail("ptrace(PTRACE_DETACH, self) from a sibling", r2, ESRCH, ESRCH);
	}
	waitpid(b, NULL, 0);
	expect_supervised("the first guest", getpid());
	expect_supervised("the child", (pid_t)a);
	release_and_reap((pid_t)a, rel_a);
}

static void case_traceme(void)
{
	int go[2], rep[2];
	pid_t c;
	int status;

	scn_pipe(go, O_CLOEXEC);
	scn_pipe(rep, O_CLOEXEC);
	c = fork();
	if (c == 0) {
		long r1 = ptrace(PTRACE_TRACEME, 0, 0, 0);
		int e1 = errno;
		long r2 = ptrace(PTRACE_TRACEME, 0, 0, 0);
		int e2 = errno;
		char buf[64];

		snprintf(buf, sizeof(buf), "%ld %d %ld %d", r1, e1, r2, e2);
		(void)!write(rep[1], buf, strlen(buf));
		close(go[1]);
		hold(go[0]);
	}
	close(rep[1]);
	close(go[0]);
	{
		char buf[64] = { 0 };
		long r1 = 0, r2 = 0;
		int e1 = 0, e2 = 0;

		if (read(rep[0], buf, sizeof(buf) - 1) <= 0 ||
		    sscanf(buf, "%ld %d %ld %d", &r1, &e1, &r2, &e2) != 4)
			scn_die("child report");
		if (r1 == 0)
			ok("PTRACE_TRACEME in a child = 0 (its parent, a guest, traces it)");
		else
			scn_die("first PTRACE_TRACEME failed: %s", scn_errno(e1));
		errno = e2;
		expect_fail("PTRACE_TRACEME again", r2, EPERM, EPERM);
	}
	expect_supervised("the child that asked to be traced twice", c);
	close(go[1]);
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status))
		scn_die("child status %#x", status);
}

/*
 * kill(supervisor, SIGKILL): the supervisor dies, and with it every guest
 * (PTRACE_O_EXITKILL). Survivors would be untraced. run.sh checks that no
 * process of the run is left and that ptvisor died of SIGKILL.
 */
static void case_kill_supervisor(void)
{
	int rel1, rel3;
	long c1 = spawn_held(SIGCHLD, &rel1);
	long c2, c3;

	c2 = fork();
	if (c2 == 0) {
		/* A new session and a grandchild: nothing that a group kill hits. */
		setsid();
		if (fork() == 0)
			pause();
		pause();
		_exit(0);
	}
	c3 = spawn_held(CLONE_UNTRACED | SIGCHLD, &rel3);
	if (c1 < 0 || c2 < 0 || c3 < 0)
		scn_die("fork");
	say("killing the supervisor %d with SIGKILL", (int)sup);
	if (kill(sup, SIGKILL) < 0)
		scn_die("kill(supervisor, SIGKILL)");
	/* Dead by EXITKILL before the kernel reparents us, or else escaped. */
	while (getppid() == sup)
		sched_yield();
	escaped("the first guest outlived the supervisor (now child of %d)",
		(int)getppid());
	/* Its children are left on purpose: run.sh counts them. */
	_exit(3);
}

static void case_stop_supervisor(void)
{
	int go[2], rep[2], status;
	pid_t c1, g = 0;
	char state = 0;

	scn_pipe(go, O_CLOEXEC);
	scn_pipe(rep, O_CLOEXEC);
	c1 = fork();
	if (c1 == 0) {
		int rel;
		long gc;

		close(go[1]);
		scn_take(go[0]);
		gc = spawn_held(SIGCHLD, &rel); /* held at its fork event stop */
		(void)!write(rep[1], &gc, sizeof(gc));
		scn_take(go[0]);
		release_and_reap((pid_t)gc, rel);
		_exit(0);
	}
	close(go[0]);
	close(rep[1]);
	if (kill(sup, SIGSTOP) < 0)
		scn_die("kill(supervisor, SIGSTOP)");
	scn_wait_state(sup, "T");
	ok("the supervisor is stopped (state T)");
	scn_post(go[1]);
	/* The child's fork event waits for the stopped supervisor. */
	for (int i = 0; i < 2000 && state != 't'; i++) {
		struct timespec ts = { 0, 1000 * 1000 };

		state = scn_proc_state(c1);
		nanosleep(&ts, NULL);
	}
	if (state == 't')
		ok("a guest that forks waits in a ptrace-stop for the stopped supervisor");
	else
		say("note: the forking guest is in state %c", state ? state : '0');
	expect_supervised("the forking guest", c1);
	if (kill(sup, SIGCONT) < 0)
		scn_die("kill(supervisor, SIGCONT)");
	{
		long gc;

		if (!scn_read_full(rep[0], &gc, sizeof(gc)) || gc <= 0)
			scn_die("grandchild pid");
		g = (pid_t)gc;
	}
	expect_supervised("the child forked while the supervisor was stopped", g);
	scn_post(go[1]);
	if (waitpid(c1, &status, 0) != c1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		scn_die("child status %#x", status);
}

/* ------------------------------------------------------------------ */
/* 4. PTRACE_O_SUSPEND_SECCOMP                                         */

static void case_suspend_seccomp(void)
{
	int go[2], rep[2], status;
	pid_t c;
	long g, r;

	scn_pipe(go, O_CLOEXEC);
	scn_pipe(rep, O_CLOEXEC);
	c = fork();
	if (c == 0) {
		int rel;

		/* No signal-delivery-stops for the tracer to handle. */
		scn_block(SIGCHLD, true);
		close(go[1]);
		scn_take(go[0]);
		/* The filter is suspended, if anything: try to get out. */
		g = spawn_held(CLONE_UNTRACED | SIGCHLD, &rel);
		(void)!write(rep[1], &g, sizeof(g));
		scn_take(go[0]);
		release_and_reap((pid_t)g, rel);
		r = syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
		(void)!write(rep[1], &r, sizeof(r));
		_exit(0);
	}
	close(go[0]);
	close(rep[1]);
	r = ptrace(PTRACE_SEIZE, c, 0, PTRACE_O_SUSPEND_SECCOMP);
	if (r < 0)
		say("note: PTRACE_SEIZE with PTRACE_O_SUSPEND_SECCOMP = -1 %s",
		    scn_errno(errno));
	else
		ok("PTRACE_SEIZE with PTRACE_O_SUSPEND_SECCOMP = 0 (accepted, root)");
	scn_post(go[1]);
	if (!scn_read_full(rep[0], &g, sizeof(g)) || g <= 0)
		scn_die("CLONE_UNTRACED child of the suspended tracee");
	expect_supervised("the suspended tracee", c);
	expect_supervised("its CLONE_UNTRACED child", (pid_t)g);
	scn_post(go[1]);
	if (!scn_read_full(rep[0], &r, sizeof(r)))
		scn_die("wait4 result");
	/* The tracee's wait4 still went through the supervisor. */
	say("EXPECT-LOG: \\[%d\\] wait4 -> (runs natively|returns)", (int)c);
	while (waitpid(c, &status, __WALL) == c && !WIFEXITED(status) &&
	       !WIFSIGNALED(status))
		ptrace(PTRACE_CONT, c, 0, WIFSTOPPED(status) &&
		       WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0);
}

/* ------------------------------------------------------------------ */
/* 5. Guest seccomp filters                                            */

static void untraced_child_check(const char *what)
{
	int rel;
	long c = spawn_held(CLONE_UNTRACED | SIGCHLD, &rel);

	if (c < 0) {
		ok("%s: clone(CLONE_UNTRACED) = -1 %s (no child)", what,
		   scn_errno(errno));
		return;
	}
	expect_supervised(what, (pid_t)c);
	release_and_reap((pid_t)c, rel);
}

static void case_seccomp_allow_all(void)
{
	if (scn_install_filter(NULL, 0, 0) < 0)
		scn_die("installing an allow-all filter");
	ok("installed a filter that allows everything");
	untraced_child_check("a CLONE_UNTRACED child under an allow-all filter");
	expect_fail("ptrace(PTRACE_SEIZE, the supervisor)",
		    ptrace(PTRACE_SEIZE, sup, 0, 0), EPERM, ESRCH);
}

struct notif_ctx {
	int listener;
	int served;
	int go[2];	/* the listener is ready */
};

static void *continue_everything(void *arg)
{
	struct notif_ctx *ctx = arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	scn_take(ctx->go[0]);
	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(ctx->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(ctx->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		__atomic_add_fetch(&ctx->served, 1, __ATOMIC_SEQ_CST);
	}
}

static void case_seccomp_notif_continue(void)
{
	static struct notif_ctx ctx;
	struct scn_rule rule = { AUDIT_ARCH_X86_64, SYS_clone,
				 SECCOMP_RET_USER_NOTIF };
	pthread_t th;
	long fd;

	/*
	 * The listener is answered by another thread, made before the filter
	 * (pthread_create uses clone3, which ptvisor runs as clone).
	 */
	scn_pipe(ctx.go, O_CLOEXEC);
	if (pthread_create(&th, NULL, continue_everything, &ctx) != 0)
		scn_die("pthread_create");
	fd = scn_install_filter(&rule, 1, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	if (fd < 0)
		scn_die("installing a USER_NOTIF filter on clone");
	ctx.listener = (int)fd;
	scn_post(ctx.go[1]);
	ok("installed a filter sending clone to user notification, answered "
	   "with SECCOMP_USER_NOTIF_FLAG_CONTINUE");
	untraced_child_check("a CLONE_UNTRACED child made through USER_NOTIF CONTINUE");
	say("note: %d notification(s) answered",
	    __atomic_load_n(&ctx.served, __ATOMIC_SEQ_CST));
}

static void case_seccomp_errno(void)
{
	struct scn_rule rules[] = {
		{ AUDIT_ARCH_X86_64, SYS_ptrace, SCN_ERRNO(ENOTSUP) },
		{ AUDIT_ARCH_X86_64, SYS_wait4, SCN_ERRNO(ENOTSUP) },
		{ AUDIT_ARCH_X86_64, SYS_waitid, SCN_ERRNO(ENOTSUP) },
	};
	int rel;
	long c;

	if (scn_install_filter(rules, 3, 0) < 0)
		scn_die("installing an ERRNO filter");
	ok("installed a filter returning ENOTSUP for ptrace, wait4 and waitid");
	expect_fail("ptrace(PTRACE_SEIZE, the supervisor)",
		    ptrace(PTRACE_SEIZE, sup, 0, 0), ENOTSUP, ENOTSUP);
	c = spawn_held(SIGCHLD, &rel);
	if (c < 0)
		scn_die("fork");
	expect_supervised("a child forked after it", (pid_t)c);
	untraced_child_check("a CLONE_UNTRACED child after it");
	expect_fail("wait4 under the guest's ERRNO filter",
		    syscall(SYS_wait4, -1, NULL, WNOHANG, NULL), ENOTSUP, ENOTSUP);
	(void)!write(rel, "x", 1);
	close(rel);
	/* The child cannot be reaped by us now; the supervisor reaps it. */
}

/* Without a (virtual) tracer, a guest RET_TRACE is ENOSYS (seccomp(2)). */
static void case_seccomp_trace_magic(void)
{
	struct scn_rule rules[] = {
		{ AUDIT_ARCH_X86_64, SYS_clone, SCN_TRACE(PTV_DATA) },
		{ AUDIT_ARCH_X86_64, SYS_ptrace, SCN_TRACE(PTV_DATA) },
		{ AUDIT_ARCH_X86_64, SYS_clone3, SCN_TRACE(PTV_DATA) },
	};
	struct clone_args args = { .flags = CLONE_UNTRACED, .exit_signal = SIGCHLD };
	long r;

	if (scn_install_filter(rules, 3, 0) < 0)
		scn_die("installing a RET_TRACE filter");
	ok("installed a filter returning SECCOMP_RET_TRACE|0x7e50 for clone, clone3, ptrace");
	untraced_child_check("a CLONE_UNTRACED child behind a forged RET_TRACE");
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0)
		pause();
	if (r > 0) {
		expect_supervised("a clone3 CLONE_UNTRACED child behind a forged RET_TRACE",
				  (pid_t)r);
		kill((pid_t)r, SIGKILL);
		waitpid((pid_t)r, NULL, __WALL);
	} else {
		ok("clone3(CLONE_UNTRACED) = -1 %s", scn_errno(errno));
	}
	expect_fail("ptrace(PTRACE_SEIZE, an unrelated process)",
		    ptrace(PTRACE_SEIZE, victim, 0, 0), ENOSYS, EPERM);
}

/* A system call a tracee makes, and what its tracer may turn it into. */
struct call {
	long nr;
	long args[5];
	long to;	/* the tracer's rewrite: -1 none */
	long to_args[5];
};

/*
 * The tracee's part of the RET_TRACE-with-a-tracer and orig_rax cases: it
 * makes each call in turn and reports {result, errno}. A result of 0 is a
 * new child (a clone the tracer made of the call), which holds until @end
 * reaches EOF.
 */
static void __attribute__((noreturn))
tracee_calls(int rep, int end, const struct call *calls, int ncalls)
{
	for (int i = 0; i < ncalls; i++) {
		const long *a = calls[i].args;
		long r = syscall(calls[i].nr, a[0], a[1], a[2], a[3], a[4]);
		long msg[2] = { r, r < 0 ? errno : 0 };

		/* 0 from a call that became clone: the new child. */
		if (r == 0 && (calls[i].nr == SYS_clone || calls[i].to == SYS_clone))
			hold(end);
		(void)!write(rep, msg, sizeof(msg));
	}
	_exit(0);
}

/* Applies the rewrite of the call now in orig_rax, if it has one. */
static void apply_rewrite(pid_t c, const struct call *calls, int ncalls)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, c, 0, &regs) < 0)
		return;
	for (int i = 0; i < ncalls; i++) {
		if ((long)regs.orig_rax != calls[i].nr || calls[i].to < 0)
			continue;
		regs.orig_rax = (unsigned long long)calls[i].to;
		regs.rdi = (unsigned long long)calls[i].to_args[0];
		regs.rsi = (unsigned long long)calls[i].to_args[1];
		regs.rdx = (unsigned long long)calls[i].to_args[2];
		regs.r10 = (unsigned long long)calls[i].to_args[3];
		regs.r8 = (unsigned long long)calls[i].to_args[4];
		ptrace(PTRACE_SETREGS, c, 0, &regs);
		return;
	}
}

/*
 * A guest tracer drives a tracee through @calls and collects their
 * {result, errno} in @results. With @seccomp_data >= 0 the tracee first
 * installs a filter returning SECCOMP_RET_TRACE with that data for every
 * call in @calls, and the tracer (PTRACE_O_TRACESECCOMP) continues each
 * seccomp stop after its rewrite; otherwise the tracer rewrites at
 * syscall-enter-stops. Returns the descriptor whose closing lets the
 * children made by the calls go.
 */
static int traced_calls(long seccomp_data, const struct call *calls, int ncalls,
			long results[][2])
{
	int go[2], rep[2], end[2], status;
	pid_t c;
	long opts = seccomp_data >= 0 ? PTRACE_O_TRACESECCOMP
				      : PTRACE_O_TRACESYSGOOD;

	scn_pipe(go, O_CLOEXEC);
	scn_pipe(rep, O_CLOEXEC);
	scn_pipe(end, O_CLOEXEC);
	c = fork();
	if (c == 0) {
		close(go[1]);
		close(rep[0]);
		close(end[1]);
		scn_take(go[0]);
		if (seccomp_data >= 0) {
			struct scn_rule rules[SCN_MAX_RULES];

			for (int i = 0; i < ncalls; i++)
				rules[i] = (struct scn_rule){ AUDIT_ARCH_X86_64,
					(uint32_t)calls[i].nr, SCN_TRACE(seccomp_data) };
			if (scn_install_filter(rules, (size_t)ncalls, 0) < 0)
				_exit(9);
		}
		tracee_calls(rep[1], end[0], calls, ncalls);
	}
	close(go[0]);
	close(rep[1]);
	close(end[0]);
	if (ptrace(PTRACE_SEIZE, c, 0, opts) < 0 ||
	    ptrace(PTRACE_INTERRUPT, c, 0, 0) < 0)
		scn_die("PTRACE_SEIZE");
	scn_post(go[1]);
	for (;;) {
		int sig = 0;

		if (waitpid(c, &status, __WALL) != c)
			scn_die("waitpid");
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			apply_rewrite(c, calls, ncalls);
		} else if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info info;

			if (ptrace(PTRACE_GET_SYSCALL_INFO, c, sizeof(info), &info) > 0 &&
			    info.op == PTRACE_SYSCALL_INFO_ENTRY)
				apply_rewrite(c, calls, ncalls);
		} else if (status >> 16 == 0) {
			sig = WSTOPSIG(status);
		}
		ptrace(seccomp_data >= 0 ? PTRACE_CONT : PTRACE_SYSCALL, c, 0, sig);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 9)
		scn_die("the tracee could not install its filter");
	for (int i = 0; i < ncalls; i++)
		if (!scn_read_full(rep[0], results[i], sizeof(results[i])))
			scn_die("tracee report %d", i);
	close(rep[0]);
	return end[1];
}

/* The result of a call that may have made a child. */
static void check_made_child(const char *what, const long res[2])
{
	if (res[0] > 0) {
		expect_supervised(what, (pid_t)res[0]);
		return;
	}
	ok("%s: no child (%ld %s)", what, res[0], res[0] < 0 ? scn_errno((int)res[1]) : "");
}

/*
 * A guest filter's SECCOMP_RET_TRACE goes to the guest's tracer; when the
 * tracer continues, the kernel re-runs the filters and lets
 * SECCOMP_RET_TRACE through ("We've been put in this state by the ptracer
 * already", kernel/seccomp.c:__seccomp_filter).
 */
static void run_trace_tracer(long data)
{
	const struct call calls[] = {
		{ SYS_clone, { CLONE_UNTRACED | SIGCHLD }, -1, { 0 } },
		{ SYS_ptrace, { PTRACE_SEIZE, victim }, -1, { 0 } },
		{ SYS_getpid, { 0 }, SYS_clone, { CLONE_UNTRACED | SIGCHLD } },
	};
	long results[3][2];
	int end = traced_calls(data, calls, 3, results);

	check_made_child("clone(CLONE_UNTRACED) continued from its guest RET_TRACE stop",
			 results[0]);
	errno = (int)results[1][1];
	expect_fail("ptrace(PTRACE_SEIZE, an unrelated process) continued from its "
		    "guest RET_TRACE stop", results[1][0], EPERM, ESRCH);
	check_made_child("getpid turned into clone(CLONE_UNTRACED) at its guest "
			 "RET_TRACE stop", results[2]);
	close(end);
}

static void case_seccomp_trace_tracer(void)
{
	run_trace_tracer(1);
}

static void case_seccomp_trace_tracer_magic(void)
{
	run_trace_tracer(PTV_DATA);
}

/* ------------------------------------------------------------------ */
/* 6. Other system call entry points                                   */

static void case_int80(void)
{
	int status;
	pid_t c;

	if (!scn_have_int80()) {
		ok("IA-32 emulation is off: int 0x80 raises SIGSEGV (no way "
		   "through; entry point absent)");
		c = fork();
		if (c == 0) {
			scn_int80(SCN_I386_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);
			_exit(0);
		}
		waitpid(c, &status, 0);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
			ok("int 0x80 clone(CLONE_UNTRACED): killed by SIGSEGV");
		else
			escaped("int 0x80 clone(CLONE_UNTRACED) did not raise SIGSEGV "
				"(status %#x)", status);
		return;
	}
	{
		int p[2];
		long r;

		scn_pipe(p, O_CLOEXEC);
		r = scn_int80(SCN_I386_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);
		if (r == 0) {
			close(p[1]);
			hold(p[0]);
		}
		close(p[0]);
		if (r > 0) {
			expect_supervised("an int 0x80 CLONE_UNTRACED child", (pid_t)r);
			close(p[1]);
			waitpid((pid_t)r, NULL, __WALL);
		} else {
			ok("int 0x80 clone(CLONE_UNTRACED) = %ld", r);
		}
		r = scn_int80(SCN_I386_ptrace, PTRACE_SEIZE, sup, 0, 0, 0);
		errno = (int)-r;
		expect_fail("int 0x80 ptrace(PTRACE_SEIZE, the supervisor)",
			    r < 0 ? -1 : r, EPERM, ESRCH);
	}
}

static void case_x32(void)
{
	long r = scn_raw_syscall(SCN_X32_BIT | SYS_getpid, 0, 0, 0, 0);
	int p[2];

	if (r == -ENOSYS)
		ok("x32 is not configured: x32 getpid = -ENOSYS");
	r = scn_raw_syscall(SCN_X32_BIT | SCN_X32_ptrace, PTRACE_SEIZE, sup, 0, 0);
	errno = (int)-r;
	expect_fail("x32 ptrace(PTRACE_SEIZE, the supervisor)", r < 0 ? -1 : r,
		    EPERM, r == -ENOSYS ? ENOSYS : ESRCH);
	scn_pipe(p, O_CLOEXEC);
	r = scn_raw_syscall(SCN_X32_BIT | SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0);
	if (r == 0) {
		close(p[1]);
		hold(p[0]);
	}
	close(p[0]);
	if (r > 0) {
		expect_supervised("an x32 CLONE_UNTRACED child", (pid_t)r);
		close(p[1]);
		waitpid((pid_t)r, NULL, __WALL);
	} else {
		close(p[1]);
		errno = (int)-r;
		expect_fail("x32 clone(CLONE_UNTRACED)", -1, ENOSYS, ENOSYS);
	}
}

#define VSYSCALL_TIME 0xffffffffff600400UL

static void case_vsyscall(void)
{
	char line[256];
	bool mapped = false;
	FILE *f = fopen("/proc/self/maps", "re");
	int status;
	pid_t c;

	if (f == NULL)
		scn_die("/proc/self/maps");
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vsyscall]"))
			mapped = true;
	fclose(f);
	ok("vsyscall page %s", mapped ? "mapped" : "absent (vsyscall=none)");
	/* The page's entries make gettimeofday, time, getcpu and nothing else. */
	c = fork();
	if (c == 0) {
		time_t (*vtime)(time_t *) = (time_t (*)(time_t *))VSYSCALL_TIME;
		time_t t = vtime(NULL);

		_exit(t > 0 ? 0 : 1);
	}
	waitpid(c, &status, 0);
	say("note: vsyscall time(): %s", WIFEXITED(status) ? "returns" : "SIGSEGV");
	/* Any other address in the page (with rax = clone) is refused. */
	c = fork();
	if (c == 0) {
		register long rax __asm__("rax") = SYS_clone;
		register long rdi __asm__("rdi") = CLONE_UNTRACED | SIGCHLD;

		__asm__ volatile("call *%2"
				 : "+r"(rax)
				 : "r"(rdi), "r"(0xffffffffff600010UL)
				 : "memory", "rcx", "r11");
		_exit(rax == 0 ? 4 : 5);
	}
	waitpid(c, &status, 0);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		ok("a call into the vsyscall page off its entries: SIGSEGV");
	else
		escaped("a call into the vsyscall page off its entries: status %#x",
			status);
	reap_all();
}

/* ------------------------------------------------------------------ */
/* 7. orig_rax rewritten at a syscall-enter-stop                        */

static void case_orig_rax(void)
{
	/* wait4 first: with no child yet, unchanged it would fail ECHILD. */
	const struct call calls[] = {
		{ SYS_wait4, { -1, 0, WNOHANG, 0 }, SYS_clone, { CLONE_UNTRACED | SIGCHLD } },
		{ SYS_getpid, { 0 }, SYS_clone, { CLONE_UNTRACED | SIGCHLD } },
		{ SYS_getppid, { 0 }, SYS_ptrace, { PTRACE_SEIZE, victim } },
	};
	long results[3][2];
	int end = traced_calls(-1, calls, 3, results);

	check_made_child("wait4 turned into clone(CLONE_UNTRACED) at its enter stop",
			 results[0]);
	check_made_child("getpid turned into clone(CLONE_UNTRACED) at its enter stop",
			 results[1]);
	errno = (int)results[2][1];
	expect_fail("getppid turned into ptrace(PTRACE_SEIZE, an unrelated process)",
		    results[2][0], EPERM, ESRCH);
	close(end);
}

/* ------------------------------------------------------------------ */
/* 8. TOCTOU on clone3's flags                                          */

static struct clone_args race_args;
static volatile int race_stop;

static void *flip_untraced(void *arg)
{
	(void)arg;
	while (!race_stop)
		__atomic_or_fetch(&race_args.flags, (uint64_t)CLONE_UNTRACED,
				  __ATOMIC_RELAXED);
	return NULL;
}

static void case_toctou_clone3(void)
{
	pthread_t th;
	int tries = 0, found = 0;

	race_args.flags = CLONE_UNTRACED;
	race_args.exit_signal = SIGCHLD;
	if (pthread_create(&th, NULL, flip_untraced, NULL) != 0)
		scn_die("pthread_create");
	for (tries = 0; tries < 300 && !found; tries++) {
		int p[2];
		long r;

		scn_pipe(p, O_CLOEXEC);
		r = syscall(SYS_clone3, &race_args, sizeof(race_args));
		if (r == 0) {
			close(p[1]);
			hold(p[0]);
		}
		close(p[0]);
		if (r < 0)
			scn_die("clone3");
		if (tracer_of((pid_t)r) != sup) {
			found = 1;
			expect_supervised("a clone3 child whose CLONE_UNTRACED was set "
					  "again by another thread", (pid_t)r);
		}
		close(p[1]);
		waitpid((pid_t)r, NULL, __WALL);
	}
	race_stop = 1;
	pthread_join(th, NULL);
	if (!found)
		ok("%d clone3 calls raced by a thread setting CLONE_UNTRACED: every "
		   "child traced by the supervisor", tries);
}

/* ------------------------------------------------------------------ */
/* 9. A tracee execs a setuid program                                  */

/* Makes @fd the exec'd program's descriptor 3 (dup2 of 3 onto 3 would
   keep close-on-exec). */
static void give_fd3(int fd)
{
	if (fd == 3)
		fcntl(3, F_SETFD, 0);
	else
		dup2(fd, 3);
}

static void suid_target(void)
{
	/* The setuid copy: hold until fd 3 (a pipe) says go. */
	hold(3);
}

static void case_setuid_exec(void)
{
	char path[4096], self[4096];
	int go[2], end[2], status, in, out;
	ssize_t n;
	pid_t c, ctl;
	long euid;

	/* A setuid copy of this program, owned by another uid. */
	if (getcwd(path, sizeof(path) - 32) == NULL)
		scn_die("getcwd");
	strcat(path, "/suid-target");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		scn_die("readlink");
	self[n] = '\0';
	in = open(self, O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		scn_die("copying %s", self);
	for (char buf[65536]; (n = read(in, buf, sizeof(buf))) > 0;)
		scn_write_full(out, buf, (size_t)n);
	close(in);
	close(out);
	if (chown(path, OTHER_UID, OTHER_UID) < 0 || chmod(path, 04755) < 0)
		scn_die("chown/chmod %s", path);
	become(NOBODY);

	/* Control: untraced by a guest, the setuid bit takes effect. */
	scn_pipe(end, O_CLOEXEC);
	ctl = fork();
	if (ctl == 0) {
		give_fd3(end[0]);
		execl(path, path, "suid-target", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 2000 && uid_field(ctl, 2) != OTHER_UID; i++)
		usleep(1000);
	if (uid_field(ctl, 2) != OTHER_UID)
		scn_die("control: the setuid copy runs with euid %ld, not %d "
			"(nosuid mount? no_new_privs?)", uid_field(ctl, 2), OTHER_UID);
	ok("control: the setuid copy, not traced by a guest, runs with euid %d",
	   OTHER_UID);
	close(end[1]);
	waitpid(ctl, &status, 0);

	/* The attempt: a guest (uid 65534) traces a child that execs it. */
	scn_pipe(go, O_CLOEXEC);
	scn_pipe(end, O_CLOEXEC);
	c = fork();
	if (c == 0) {
		close(go[1]);
		scn_take(go[0]);
		give_fd3(end[0]);
		execl(path, path, "suid-target", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, c, 0, PTRACE_O_TRACEEXEC) < 0)
		scn_die("PTRACE_SEIZE");
	scn_post(go[1]);
	if (waitpid(c, &status, __WALL) != c ||
	    status >> 8 != (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
		scn_die("no exec event (status %#x)", status);
	euid = uid_field(c, 2);
	{
		struct user_regs_struct regs;
		long r = ptrace(PTRACE_GETREGS, c, 0, &regs);
		long word = 0;

		errno = 0;
		if (r == 0)
			word = ptrace(PTRACE_PEEKDATA, c, regs.rsp, 0);
		if (euid != OTHER_UID)
			ok("traced by a guest, the setuid bit is ignored (euid %ld), "
			   "as Linux does for an unprivileged tracer", euid);
		else if (r < 0 || errno != 0)
			ok("the setuid program runs with euid %d and its guest tracer "
			   "lost power over it (-1 %s)", OTHER_UID, scn_errno(errno));
		else
			escaped("a uid %d guest tracer controls a process running "
				"setuid with euid %d (GETREGS and PEEKDATA work)",
				NOBODY, OTHER_UID);
		(void)word;
	}
	ptrace(PTRACE_DETACH, c, 0, 0);
	close(end[1]);
	waitpid(c, &status, __WALL);
}

/* ------------------------------------------------------------------ */
/* 10. CLONE_UNTRACED and CLONE_PTRACE                                  */

static volatile pid_t seen_tracer;

static int report_tracer(void *arg)
{
	(void)arg;
	seen_tracer = tracer_of((pid_t)syscall(SYS_gettid));
	return 0;
}

static void case_untraced_fork(void)
{
	struct clone_args args = { .flags = CLONE_UNTRACED, .exit_signal = SIGCHLD };
	char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	int p[2];
	long r;

	untraced_child_check("a clone(CLONE_UNTRACED) child");
	{
		int rel;
		long c = spawn_held(CLONE_UNTRACED | CLONE_PTRACE | SIGCHLD, &rel);

		if (c < 0)
			scn_die("clone");
		expect_supervised("a clone(CLONE_UNTRACED|CLONE_PTRACE) child", (pid_t)c);
		release_and_reap((pid_t)c, rel);
	}
	scn_pipe(p, O_CLOEXEC);
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0) {
		close(p[1]);
		hold(p[0]);
	}
	close(p[0]);
	if (r < 0)
		scn_die("clone3");
	expect_supervised("a clone3(CLONE_UNTRACED) child", (pid_t)r);
	close(p[1]);
	waitpid((pid_t)r, NULL, __WALL);
	if (stack == MAP_FAILED)
		scn_die("mmap");
	seen_tracer = -2;
	r = clone(report_tracer, stack + 65536,
		  CLONE_VM | CLONE_VFORK | CLONE_UNTRACED | SIGCHLD, NULL);
	if (r < 0)
		scn_die("clone(CLONE_VFORK)");
	waitpid((pid_t)r, NULL, __WALL);
	if (seen_tracer == sup)
		ok("a vfork(CLONE_UNTRACED) child saw itself traced by the supervisor");
	else
		escaped("a vfork(CLONE_UNTRACED) child saw TracerPid %d", (int)seen_tracer);
}

static void case_untraced_thread(void)
{
	char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	static pid_t ctid;
	long r;

	if (stack == MAP_FAILED)
		scn_die("mmap");
	seen_tracer = -2;
	ctid = 1;
	r = clone(report_tracer, stack + 65536,
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		  CLONE_SYSVSEM | CLONE_UNTRACED | CLONE_CHILD_CLEARTID |
		  CLONE_CHILD_SETTID, NULL, NULL, NULL, &ctid);
	if (r < 0)
		scn_die("clone(CLONE_THREAD|CLONE_UNTRACED)");
	/* CLONE_CHILD_CLEARTID: ctid becomes 0 when the thread is gone. */
	while (__atomic_load_n(&ctid, __ATOMIC_SEQ_CST) != 0)
		syscall(SYS_futex, &ctid, FUTEX_WAIT, r, NULL, NULL, 0);
	if (seen_tracer == sup)
		ok("a CLONE_THREAD|CLONE_UNTRACED thread saw itself traced by the "
		   "supervisor");
	else
		escaped("a CLONE_THREAD|CLONE_UNTRACED thread saw TracerPid %d",
			(int)seen_tracer);
}

/* ------------------------------------------------------------------ */
/* 11. Exhausting the supervisor                                       */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A small tracer session that must work: SEIZE, INTERRUPT, CONT, reap. */
static void tracer_session(const char *when)
{
	int rel, status = 0;
	long c = spawn_held(SIGCHLD, &rel);

	if (c < 0)
		scn_die("fork %s", when);
	if (ptrace(PTRACE_SEIZE, c, 0, 0) < 0 ||
	    ptrace(PTRACE_INTERRUPT, c, 0, 0) < 0 ||
	    waitpid((pid_t)c, &status, __WALL) != c ||
	    status >> 16 != PTRACE_EVENT_STOP || ptrace(PTRACE_CONT, c, 0, 0) < 0)
		scn_die("tracer session %s (status %#x)", when, status);
	expect_supervised("a tracee", (pid_t)c);
	release_and_reap((pid_t)c, rel);
	ok("a guest tracer works %s", when);
}

static void case_exhaust_ptrace(void)
{
	const pid_t pids[] = { sup, victim, ancestor, 1, 0, -1, INT32_MIN, 0x3fffffff };
	long successes = 0, calls = 20000;

	for (long i = 0; i < calls; i++) {
		long request = (long)(next_random() & 0xffffffffu);
		pid_t pid = pids[next_random() % (sizeof(pids) / sizeof(*pids))];
		uint64_t addr = next_random(), data = next_random();

		if (i % 2)
			request &= 0x43ff; /* near the real requests */
		/* TRACEME would make our parent our tracer: not an attack. */
		if (request == PTRACE_TRACEME)
			continue;
		if (syscall(SYS_ptrace, request, (long)pid, addr, data) >= 0) {
			successes++;
			escaped("ptrace(%#lx, %d, %#llx, %#llx) succeeded", request,
				(int)pid, (unsigned long long)addr,
				(unsigned long long)data);
			if (request == PTRACE_ATTACH || request == PTRACE_SEIZE)
				undo_attach(pid, request == PTRACE_SEIZE);
		}
	}
	if (successes == 0)
		ok("%ld ptrace calls with random requests, pids and arguments: all "
		   "failed", calls);
	if (kill(sup, 0) < 0 && errno == ESRCH)
		escaped("the supervisor is gone");
	expect_supervised("the first guest", getpid());
	tracer_session("afterwards");
}

/* A thread that ends (the thread only) at EOF on its descriptor. */
static void *block_until_eof(void *arg)
{
	char c;

	while (read((int)(intptr_t)arg, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void case_exhaust_tasks(void)
{
	int gate[2], tgate[2], peer_go[2], peer_rep[2], status;
	long procs = 0, threads = 0, fds = 0;
	pid_t peer, kids[256];
	struct rlimit lim = { 48, 48 };
	pthread_attr_t attr;

	/* Another guest (root) keeps working as a tracer meanwhile. */
	scn_pipe(peer_go, O_CLOEXEC);
	scn_pipe(peer_rep, O_CLOEXEC);
	peer = fork();
	if (peer == 0) {
		close(peer_go[1]);
		scn_take(peer_go[0]);
		for (int i = 0; i < 20; i++) {
			int rel, st;
			long c = spawn_held(SIGCHLD, &rel);

			if (c < 0 || ptrace(PTRACE_SEIZE, c, 0, 0) < 0 ||
			    ptrace(PTRACE_INTERRUPT, c, 0, 0) < 0 ||
			    waitpid((pid_t)c, &st, __WALL) != c ||
			    ptrace(PTRACE_CONT, c, 0, 0) < 0)
				_exit(1);
			release_and_reap((pid_t)c, rel);
		}
		(void)!write(peer_rep[1], "k", 1);
		_exit(0);
	}
	close(peer_go[0]);
	close(peer_rep[1]);
	become(NOBODY);
	if (setrlimit(RLIMIT_NPROC, &lim) < 0)
		scn_die("setrlimit(RLIMIT_NPROC)");
	scn_pipe(gate, O_CLOEXEC);
	scn_pipe(tgate, O_CLOEXEC);
	scn_post(peer_go[1]);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 65536);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Half the limit in threads, the rest in processes, then both fail. */
	for (; threads < 24; threads++) {
		pthread_t th;
		int e = pthread_create(&th, &attr, block_until_eof,
				       (void *)(intptr_t)tgate[0]);

		if (e != 0)
			scn_die("pthread_create: %s", scn_errno(e));
	}
	ok("%ld threads", threads);
	for (; procs < 256; procs++) {
		pid_t c = fork();

		if (c == 0) {
			close(gate[1]);
			hold(gate[0]);
		}
		if (c < 0) {
			if (errno != EAGAIN)
				scn_die("fork stopped with %s", scn_errno(errno));
			break;
		}
		kids[procs] = c;
	}
	if (procs == 0 || procs == 256)
		scn_die("fork: %ld children under RLIMIT_NPROC 48", procs);
	ok("fork up to RLIMIT_NPROC: %ld children, then EAGAIN", procs);
	{
		pthread_t th;
		int e = pthread_create(&th, &attr, block_until_eof,
				       (void *)(intptr_t)tgate[0]);

		if (e == 0)
			scn_die("a thread beyond RLIMIT_NPROC");
		ok("one more thread: %s", scn_errno(e));
	}
	{
		struct rlimit nofile = { 256, 256 };

		setrlimit(RLIMIT_NOFILE, &nofile);
		while (open("/dev/null", O_RDONLY) >= 0)
			fds++;
		if (errno != EMFILE)
			scn_die("open stopped with %s", scn_errno(errno));
		ok("open up to RLIMIT_NOFILE: %ld more descriptors, then EMFILE", fds);
		for (int fd = 3; fd < 256; fd++)
			if (fd != gate[0] && fd != gate[1] && fd != tgate[0] &&
			    fd != tgate[1] && fd != peer_go[1] && fd != peer_rep[0])
				close(fd);
	}
	/* Meanwhile: thousands of bad ptrace calls. */
	for (int i = 0; i < 3000; i++)
		if (syscall(SYS_ptrace, PTRACE_PEEKDATA, kids[i % procs],
			    next_random(), 0) >= 0)
			escaped("PEEKDATA of a child that is not our tracee");
	{
		char k;

		if (read(peer_rep[0], &k, 1) != 1)
			escaped("another guest's tracer session failed meanwhile");
		else
			ok("another guest's tracer sessions worked meanwhile");
		waitpid(peer, &status, 0);
	}
	if (access("/proc/self/status", R_OK) == 0 && tracer_of(getpid()) != sup)
		escaped("the first guest is no longer traced by the supervisor");
	close(gate[1]);
	close(tgate[1]);
	for (long i = 0; i < procs; i++)
		waitpid(kids[i], &status, 0);
	/* Detached threads leave RLIMIT_NPROC's count as they end. */
	{
		int rel;
		long c = -1;

		for (int i = 0; i < 1000; i++) {
			c = spawn_held(SIGCHLD, &rel);
			if (c >= 0)
				break;
			usleep(1000);
		}
		if (c < 0)
			scn_die("fork after the children exited");
		expect_supervised("a child forked after the exhaustion", (pid_t)c);
		release_and_reap((pid_t)c, rel);
	}
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "attach-supervisor", case_attach_supervisor },
	{ "attach-ancestors", case_attach_ancestors },
	{ "attach-unrelated", case_attach_unrelated },
	{ "reach-supervisor", case_reach_supervisor },
	{ "reach-unrelated", case_reach_unrelated },
	{ "detach", case_detach },
	{ "traceme", case_traceme },
	{ "kill-supervisor", case_kill_supervisor },
	{ "stop-supervisor", case_stop_supervisor },
	{ "suspend-seccomp", case_suspend_seccomp },
	{ "seccomp-allow-all", case_seccomp_allow_all },
	{ "seccomp-notif-continue", case_seccomp_notif_continue },
	{ "seccomp-errno", case_seccomp_errno },
	{ "seccomp-trace-magic", case_seccomp_trace_magic },
	{ "seccomp-trace-tracer", case_seccomp_trace_tracer },
	{ "seccomp-trace-tracer-magic", case_seccomp_trace_tracer_magic },
	{ "int80", case_int80 },
	{ "x32", case_x32 },
	{ "vsyscall", case_vsyscall },
	{ "orig-rax", case_orig_rax },
	{ "toctou-clone3", case_toctou_clone3 },
	{ "setuid-exec", case_setuid_exec },
	{ "untraced-fork", case_untraced_fork },
	{ "untraced-thread", case_untraced_thread },
	{ "exhaust-ptrace", case_exhaust_ptrace },
	{ "exhaust-tasks", case_exhaust_tasks },
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "suid-target") == 0)
		suid_target();
	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "nobody") == 0)) {
		fprintf(stderr, "usage: escape CASE VICTIM-PID ANCESTOR-PID [nobody]\n");
		return 2;
	}
	sup = getppid();
	victim = atoi(argv[2]);
	ancestor = atoi(argv[3]);
	scn_start(25);
	if (argc == 5)
		become(NOBODY); /* an unprivileged guest of a root supervisor */
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (strcmp(argv[1], cases[i].name) != 0)
			continue;
		say("== %s (supervisor %d, victim %d, uid %d) ==", argv[1], (int)sup,
		    (int)victim, (int)getuid());
		cases[i].run();
		if (escapes) {
			say("RESULT: ESCAPED (%d)", escapes);
			return 3;
		}
		say("RESULT: BLOCKED");
		return 0;
	}
	fprintf(stderr, "escape: unknown case %s\n", argv[1]);
	return 2;
}
