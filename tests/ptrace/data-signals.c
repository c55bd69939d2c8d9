/*
 * Signal data requests (issue #4):
 *  - setsiginfo: GETSIGINFO/SETSIGINFO at a signal-delivery-stop: a
 *    replaced siginfo reaches the tracee's SA_SIGINFO handler; a siginfo
 *    for another signal than the one the tracer injects is replaced by the
 *    kernel with SI_USER from the tracer (kernel/signal.c:ptrace_signal);
 *  - peeksiginfo: PTRACE_PEEKSIGINFO over several queued signals, the
 *    thread's and the process's (PTRACE_PEEKSIGINFO_SHARED) queues,
 *    offsets, counts (0, more than queued); peeksiginfo-errors: bad flags
 *    and counts (EINVAL), bad buffers (EFAULT); peeksiginfo-discarded:
 *    signals an untraced task ignores are discarded when sent, so a tracer
 *    that attaches later finds none pending (ptfuzz seed 111);
 *  - sigmask: GETSIGMASK/SETSIGMASK (size 8 only: EINVAL otherwise;
 *    SIGKILL and SIGSTOP cannot be blocked), the new mask seen by the
 *    tracee and unblocking a pending signal.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int rep[2];

/* A pid field: injected values (above any pid) print as numbers. */
static void pid_text(pid_t pid, char *buf, size_t size)
{
	if (pid >= PT_MAGIC || pid <= 0)
		snprintf(buf, size, "%d", (int)pid);
	else
		snprintf(buf, size, "{pid %d}", (int)pid);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	char pid[32];

	(void)uc;
	pid_text(si->si_pid, pid, sizeof(pid));
	scn_report(rep[1], "  child handler: %s, si_signo %s, code %s, pid %s, "
		   "uid %u, int %d", scn_sig(sig), scn_sig(si->si_signo),
		   scn_si_code(si->si_signo, si->si_code), pid,
		   (unsigned)si->si_uid, si->si_value.sival_int);
}

static void say_info(const char *who, const siginfo_t *si)
{
	char pid[32], named[64];

	pid_text(si->si_pid, pid, sizeof(pid));
	scn_name_pids(pid, named, sizeof(named));
	scn_say("%s: %s, code %s, pid %s, uid %u, int %d", who,
		scn_sig(si->si_signo), scn_si_code(si->si_signo, si->si_code),
		named, (unsigned)si->si_uid, si->si_value.sival_int);
}

static void get_say(pid_t child)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (pt_say("GETSIGINFO", PTRACE_GETSIGINFO, child, 0,
		   (unsigned long)&si) == 0)
		say_info("  siginfo", &si);
}

static int setsiginfo_child(void *arg)
{
	pid_t self = (pid_t)syscall(SYS_getpid);

	(void)arg;
	scn_handle(SIGUSR1, on_signal, 0);
	scn_handle(SIGUSR2, on_signal, 0);
	syscall(SYS_kill, self, SIGUSR1);
	syscall(SYS_tgkill, self, self, SIGUSR1);
	syscall(SYS_kill, self, SIGUSR1);
	scn_report(rep[1], "  child: end");
	return 0;
}

static void case_setsiginfo(void)
{
	pid_t child = pt_spawn_reporting(setsiginfo_child, rep);
	siginfo_t si;

	scn_say("-- the tracee's SIGSTOP: replaced by nothing");
	get_say(child);
	pt_must(PTRACE_CONT, child, 0, 0);

	scn_say("-- SIGUSR1 from kill(): siginfo replaced, SIGUSR1 injected");
	pt_wait_say(child, 0, "wait");
	get_say(child);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = PT_MAGIC;
	si.si_uid = 4242;
	si.si_value.sival_int = 77;
	pt_say("SETSIGINFO(SI_QUEUE, pid 5000001, uid 4242, int 77)",
	       PTRACE_SETSIGINFO, child, 0, (unsigned long)&si);
	get_say(child);
	pt_say("SETSIGINFO(from NULL)", PTRACE_SETSIGINFO, child, 0, 0);
	pt_say("GETSIGINFO(to NULL)", PTRACE_GETSIGINFO, child, 0, 0);
	pt_must(PTRACE_CONT, child, 0, SIGUSR1);

	scn_say("-- SIGUSR1 from tgkill(): siginfo of SIGUSR2, SIGUSR2 injected");
	pt_wait_say(child, 0, "wait");
	get_say(child);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR2;
	si.si_code = SI_QUEUE;
	si.si_pid = PT_MAGIC + 1;
	si.si_uid = 4343;
	si.si_value.sival_int = 88;
	pt_say("SETSIGINFO(SIGUSR2, SI_QUEUE, pid 5000002, int 88)",
	       PTRACE_SETSIGINFO, child, 0, (unsigned long)&si);
	pt_must(PTRACE_CONT, child, 0, SIGUSR2);

	scn_say("-- SIGUSR1 from kill(), SIGUSR2 injected: SI_USER from the "
		"tracer");
	pt_wait_say(child, 0, "wait");
	get_say(child);
	pt_must(PTRACE_CONT, child, 0, SIGUSR2);
	pt_finish_reporting(child, rep);
}

#ifndef PTRACE_PEEKSIGINFO_SHARED
#define PTRACE_PEEKSIGINFO_SHARED 1
#endif

static void peek_say(pid_t child, uint64_t off, uint32_t flags, int32_t nr)
{
	struct __ptrace_peeksiginfo_args args = { .off = off, .flags = flags,
						.nr = nr };
	siginfo_t si[16];
	char what[96];
	long r;

	memset(si, 0, sizeof(si));
	snprintf(what, sizeof(what), "PEEKSIGINFO(off %llu, flags %u, nr %d)",
		 (unsigned long long)off, flags, nr);
	r = pt_say(what, PTRACE_PEEKSIGINFO, child, (unsigned long)&args,
		   (unsigned long)si);
	for (long i = 0; i < r && i < 16; i++)
		say_info("  si", &si[i]);
}

static int peeksiginfo_child(void *arg)
{
	pid_t self = (pid_t)syscall(SYS_getpid);
	sigset_t set, old;
	siginfo_t si;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 1; i <= 3; i++) {
		memset(&si, 0, sizeof(si));
		si.si_signo = i < 3 ? SIGRTMIN : SIGRTMIN + 1;
		si.si_code = SI_QUEUE;
		si.si_pid = self;
		si.si_uid = getuid();
		si.si_value.sival_int = i;
		syscall(SYS_rt_tgsigqueueinfo, self, self, si.si_signo, &si);
	}
	syscall(SYS_tgkill, self, self, SIGUSR2);
	sigqueue(self, SIGRTMIN + 2, (union sigval){ .sival_int = 4 });
	syscall(SYS_kill, self, SIGUSR1);
	syscall(SYS_kill, self, SIGSTOP);
	sigprocmask(SIG_SETMASK, NULL, &old);
	scn_report(rep[1], "  child: SIGUSR1 blocked %d, SIGUSR2 blocked %d, "
		   "SIGRTMIN blocked %d",
		   sigismember(&old, SIGUSR1), sigismember(&old, SIGUSR2),
		   sigismember(&old, SIGRTMIN));
	sigprocmask(SIG_SETMASK, &(sigset_t){ 0 }, NULL);
	scn_report(rep[1], "  child: end");
	return 0;
}

/* Resumes with no signal through every signal-delivery-stop to the end. */
static void run_to_end(pid_t child)
{
	for (;;) {
		int status = pt_wait_say(child, 0, "wait");

		if (!WIFSTOPPED(status))
			break;
		pt_must(PTRACE_CONT, child, 0, 0);
	}
	scn_relay(rep[0]);
	close(rep[0]);
}

static void case_peeksiginfo(void)
{
	pid_t child = pt_spawn_reporting(peeksiginfo_child, rep);
	uint64_t mask;

	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	scn_say("-- the thread's queue");
	peek_say(child, 0, 0, 16);
	peek_say(child, 1, 0, 2);
	peek_say(child, 3, 0, 16);
	peek_say(child, 4, 0, 16);
	peek_say(child, 1000, 0, 16);
	peek_say(child, 0, 0, 0);
	scn_say("-- the process's queue");
	peek_say(child, 0, PTRACE_PEEKSIGINFO_SHARED, 16);
	peek_say(child, 1, PTRACE_PEEKSIGINFO_SHARED, 1);
	scn_say("-- the mask, and SIGUSR2 unblocked");
	if (pt_say("GETSIGMASK(8)", PTRACE_GETSIGMASK, child, 8,
		   (unsigned long)&mask) == 0)
		scn_say("  mask %llx", (unsigned long long)mask);
	mask &= ~(1ULL << (SIGUSR2 - 1));
	pt_say("SETSIGMASK(8, without SIGUSR2)", PTRACE_SETSIGMASK, child, 8,
	       (unsigned long)&mask);
	pt_must(PTRACE_CONT, child, 0, 0);
	run_to_end(child);
}

/* Seizes and interrupts @pid, then shows both its queues. */
static void seize_and_peek(pid_t pid, const char *what)
{
	pt_say(what, PTRACE_SEIZE, pid, 0, 0);
	pt_must(PTRACE_INTERRUPT, pid, 0, 0);
	pt_wait_say(pid, 0, "wait");
	peek_say(pid, 0, 0, 16);
	peek_say(pid, 0, PTRACE_PEEKSIGINFO_SHARED, 16);
}

static void case_peeksiginfo_discarded(void)
{
	pid_t child = scn_fork();

	if (child == 0)
		for (;;)
			pause();
	kill(child, SIGSTOP);
	pt_wait_say(child, WUNTRACED, "wait(WUNTRACED)");
	scn_say("-- SIGWINCH (tgkill) and SIGURG (kill): ignored, untraced");
	syscall(SYS_tgkill, child, child, SIGWINCH);
	kill(child, SIGURG);
	seize_and_peek(child, "PTRACE_SEIZE");
	kill(child, SIGKILL);
	pt_wait_say(child, 0, "wait");
}

/*
 * Waits until @child's stop has told its stopped parent @parent. Natively
 * 'T' shows the group-stop complete, and the CLD_STOPPED sent (and
 * discarded) with it. Inside ptvisor (the parent has a host tracer: its
 * TracerPid, README's limitations) 't' shows already in the child's
 * host signal-delivery-stop, before its group-stop; there the host keeps
 * the SIGCHLD pending for the parent (the supervisor hides it from the
 * parent's tracers): wait for it.
 */
static void wait_cld_stopped_sent(pid_t child, pid_t parent)
{
	const unsigned long long chld = 1ULL << (SIGCHLD - 1);

	scn_wait_state(child, "Tt");
	if (scn_status_field(parent, "TracerPid", 10) == 0)
		return;
	while (!((scn_status_field(parent, "ShdPnd", 16) |
		  scn_status_field(parent, "SigPnd", 16)) & chld))
		usleep(1000);
}

/*
 * The kernel's own SIGCHLD: a child's group-stop tells its untraced,
 * stopped parent (CLD_STOPPED), which ignores SIGCHLD by default, so Linux
 * discards it as it is sent; the host, whose tracer the parent is, keeps it
 * (ptfuzz seed 58 at 10000 steps).
 */
static void case_peeksiginfo_discarded_sigchld(void)
{
	int p[2];
	pid_t parent, child;

	scn_pipe(p, O_CLOEXEC);
	parent = scn_fork();
	if (parent == 0) {
		pid_t c = scn_fork();

		if (c == 0)
			for (;;)
				pause();
		scn_write_full(p[1], &c, sizeof(c));
		for (;;)
			pause();
	}
	if (!scn_read_full(p[0], &child, sizeof(child)))
		scn_die("the grandchild's pid");
	close(p[0]);
	close(p[1]);
	kill(parent, SIGSTOP);
	pt_wait_say(parent, WUNTRACED, "wait(WUNTRACED)");
	scn_say("-- its child stops: CLD_STOPPED to the stopped parent");
	kill(child, SIGSTOP);
	wait_cld_stopped_sent(child, parent);
	seize_and_peek(parent, "PTRACE_SEIZE(parent)");
	kill(child, SIGKILL);
	kill(parent, SIGKILL);
	pt_wait_say(parent, 0, "wait");
}

/* The same tracee, and PEEKSIGINFO's errors. */
static void case_peeksiginfo_errors(void)
{
	struct __ptrace_peeksiginfo_args args = { .off = 0, .flags = 0, .nr = 4 };
	pid_t child = pt_spawn_reporting(peeksiginfo_child, rep);

	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	scn_say("-- errors");
	peek_say(child, 0, 2, 16);
	peek_say(child, 0, 0x80000000u, 16);
	peek_say(child, 0, 0, -1);
	peek_say(child, 1ULL << 63, 0, 1);
	pt_say("PEEKSIGINFO(args at NULL)", PTRACE_PEEKSIGINFO, child, 0, 0);
	pt_say("PEEKSIGINFO(nr 4, buffer NULL)", PTRACE_PEEKSIGINFO, child,
	       (unsigned long)&args, 0);
	{
		long page = sysconf(_SC_PAGESIZE);
		char *two = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		scn_check(two != MAP_FAILED);
		scn_check(mprotect(two + page, (size_t)page, PROT_NONE) == 0);
		pt_say("PEEKSIGINFO(nr 4, room for 1 before a PROT_NONE page)",
		       PTRACE_PEEKSIGINFO, child, (unsigned long)&args,
		       (unsigned long)(two + page - sizeof(siginfo_t)));
		munmap(two, 2 * (size_t)page);
	}
	args.nr = 0;
	pt_say("PEEKSIGINFO(nr 0, buffer NULL)", PTRACE_PEEKSIGINFO, child,
	       (unsigned long)&args, 0);
	pt_must(PTRACE_CONT, child, 0, 0);
	run_to_end(child);
}

static int sigmask_child(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	sigprocmask(SIG_SETMASK, NULL, &set);
	scn_report(rep[1], "  child: blocked SIGUSR1 %d, SIGUSR2 %d, SIGKILL %d, "
		   "SIGSTOP %d, SIGRTMAX %d",
		   sigismember(&set, SIGUSR1), sigismember(&set, SIGUSR2),
		   sigismember(&set, SIGKILL), sigismember(&set, SIGSTOP),
		   sigismember(&set, SIGRTMAX));
	return 0;
}

static void case_sigmask(void)
{
	pid_t child = pt_spawn_reporting(sigmask_child, rep);
	uint64_t mask[2] = { 0, 0 };

	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	if (pt_say("GETSIGMASK(8)", PTRACE_GETSIGMASK, child, 8,
		   (unsigned long)mask) == 0)
		scn_say("  mask %llx", (unsigned long long)mask[0]);
	pt_say("GETSIGMASK(16)", PTRACE_GETSIGMASK, child, 16,
	       (unsigned long)mask);
	pt_say("GETSIGMASK(0)", PTRACE_GETSIGMASK, child, 0, (unsigned long)mask);
	pt_say("GETSIGMASK(8, to NULL)", PTRACE_GETSIGMASK, child, 8, 0);
	mask[0] = 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGKILL - 1) |
		  1ULL << (SIGSTOP - 1) | 1ULL << (64 - 1);
	pt_say("SETSIGMASK(7)", PTRACE_SETSIGMASK, child, 7, (unsigned long)mask);
	pt_say("SETSIGMASK(8, from NULL)", PTRACE_SETSIGMASK, child, 8, 0);
	pt_say("SETSIGMASK(8, SIGUSR1 SIGKILL SIGSTOP SIGRTMAX)",
	       PTRACE_SETSIGMASK, child, 8, (unsigned long)mask);
	if (pt_say("GETSIGMASK(8)", PTRACE_GETSIGMASK, child, 8,
		   (unsigned long)mask) == 0)
		scn_say("  mask %llx", (unsigned long long)mask[0]);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "setsiginfo", case_setsiginfo },
		{ "peeksiginfo", case_peeksiginfo },
		{ "peeksiginfo-discarded", case_peeksiginfo_discarded },
		{ "peeksiginfo-discarded-sigchld",
		  case_peeksiginfo_discarded_sigchld },
		{ "peeksiginfo-errors", case_peeksiginfo_errors },
		{ "sigmask", case_sigmask },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
