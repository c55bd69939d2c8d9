/*
 * Signals between guests: what is sent (kill, sigqueue, tgkill, raise), what
 * arrives (siginfo fields, order of delivery, standard signals merged and
 * real-time ones queued), where it arrives (the thread that does not block a
 * process-directed signal), signalfd and sigwaitinfo, default actions
 * (terminate, ignore, abort) and the SIGCHLD the parent gets for each.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

#define MAX_RECORDED 16

/* What a handler saw, recorded async-signal-safely and reported later. */
static siginfo_t recorded[MAX_RECORDED];
static pid_t recorded_tid[MAX_RECORDED];
static volatile int nrecorded;

static void record(int sig, siginfo_t *info, void *ucontext)
{
	(void)sig;
	(void)ucontext;
	if (nrecorded < MAX_RECORDED) {
		recorded[nrecorded] = *info;
		recorded_tid[nrecorded] = gettid();
		nrecorded++;
	}
}

static const char *format_siginfo(char buf[static 160], const char *how,
				  const siginfo_t *si)
{
	char value[32] = "";

	if (si->si_code == SI_QUEUE)
		snprintf(value, sizeof(value), " value %d", si->si_value.sival_int);
	snprintf(buf, 160, "%s %s: code %s, from {pid %d}, uid %d%s", how,
		 scn_sig(si->si_signo), scn_si_code(si->si_signo, si->si_code),
		 (int)si->si_pid, (int)si->si_uid, value);
	return buf;
}

static void report_recorded(int fd)
{
	char buf[160];

	for (int i = 0; i < nrecorded; i++)
		scn_report(fd, "%s", format_siginfo(buf, "handled", &recorded[i]));
	nrecorded = 0;
}

static void sigqueue_or_die(pid_t pid, int sig, int value)
{
	if (sigqueue(pid, sig, (union sigval){ .sival_int = value }) < 0)
		scn_die("sigqueue");
}

/*
 * The parent sends while the child blocks everything, then the child
 * unblocks: standard signals first, lowest number first, one SIGUSR1 for
 * two sends; real-time signals each queued, in order.
 */
static void case_delivery_order(void)
{
	int ready[2], go[2], report[2];
	sigset_t all, pending;
	pid_t child;

	scn_say("== delivery order and siginfo ==");
	scn_pipe(ready, O_CLOEXEC);
	scn_pipe(go, O_CLOEXEC);
	scn_pipe(report, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		int handled[] = { SIGUSR1, SIGUSR2, SIGRTMIN, SIGRTMIN + 1 };
		char line[256] = "";

		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (int i = 0; i < 4; i++)
			scn_handle(handled[i], record, 0);
		scn_post(ready[1]);
		scn_take(go[0]);
		sigpending(&pending);
		for (int sig = 1; sig < NSIG; sig++)
			if (sigismember(&pending, sig) == 1)
				snprintf(line + strlen(line), sizeof(line) - strlen(line),
					 " %s", scn_sig(sig));
		scn_report(report[1], "pending:%s", line);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		report_recorded(report[1]);
		_exit(0);
	}
	close(report[1]);
	scn_take(ready[0]);
	scn_check(kill(child, SIGUSR1) == 0);
	scn_check(kill(child, SIGUSR1) == 0);
	sigqueue_or_die(child, SIGRTMIN + 1, 11);
	sigqueue_or_die(child, SIGRTMIN, 22);
	sigqueue_or_die(child, SIGRTMIN, 33);
	scn_check(syscall(SYS_tgkill, child, child, SIGUSR2) == 0);
	scn_post(go[1]);
	scn_relay(report[0]);
	scn_wait_and_say(child, "child");
	close(ready[0]);
	close(go[1]);
	close(report[0]);
}

/* Child to parent: sigwaitinfo, then the SIGCHLD of each way to die. */
static void case_to_parent_and_sigchld(void)
{
	static const struct {
		const char *how;
		int sig; /* sent to the child; 0: it exits 42, -1: abort() */
	} deaths[] = { { "exit", 0 }, { "SIGTERM", SIGTERM }, { "abort", -1 } };
	char buf[160];
	sigset_t set;
	siginfo_t si;
	int ready[2];

	scn_say("== child to parent, SIGCHLD ==");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (size_t i = 0; i < sizeof(deaths) / sizeof(*deaths); i++) {
		pid_t child;

		scn_pipe(ready, O_CLOEXEC);
		child = scn_fork();
		if (child == 0) {
			sigqueue_or_die(getppid(), SIGUSR1, 44);
			/* No core file, whatever the limit. */
			prctl(PR_SET_DUMPABLE, 0);
			if (deaths[i].sig == -1)
				abort();
			if (deaths[i].sig == 0)
				_exit(42);
			scn_post(ready[1]);
			pause();
			_exit(1);
		}
		close(ready[1]);
		scn_check(sigwaitinfo(&set, &si) == SIGUSR1);
		scn_say("%s", format_siginfo(buf, "sigwaitinfo", &si));
		if (deaths[i].sig > 0) {
			scn_take(ready[0]);
			kill(child, deaths[i].sig);
		}
		scn_check(sigwaitinfo(&set, &si) == SIGCHLD);
		scn_say("%s: SIGCHLD code %s, from %s, status %s", deaths[i].how,
			scn_si_code(SIGCHLD, si.si_code), scn_pid(si.si_pid),
			si.si_code == CLD_EXITED ? "exit code" : scn_sig(si.si_status));
		if (si.si_code == CLD_EXITED)
			scn_say("%s: exit code %d", deaths[i].how, si.si_status);
		scn_wait_and_say(child, deaths[i].how);
		close(ready[0]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* An ignored SIGTERM does nothing; signalfd and raise() report siginfo. */
static void case_ignore_signalfd_raise(void)
{
	int ready[2], go[2], report[2];
	pid_t child;

	scn_say("== ignored, signalfd, raise ==");
	scn_pipe(ready, O_CLOEXEC);
	scn_pipe(go, O_CLOEXEC);
	scn_pipe(report, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		struct signalfd_siginfo ssi;
		sigset_t set;
		int sfd;

		signal(SIGTERM, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sfd = signalfd(-1, &set, SFD_CLOEXEC);
		scn_handle(SIGUSR1, record, 0);
		scn_post(ready[1]);
		scn_take(go[0]);
		scn_report(report[1], "alive after an ignored SIGTERM");
		scn_check(read(sfd, &ssi, sizeof(ssi)) == sizeof(ssi));
		scn_report(report[1], "signalfd: %s code %s from {pid %d}",
			   scn_sig((int)ssi.ssi_signo),
			   scn_si_code((int)ssi.ssi_signo, ssi.ssi_code),
			   (int)ssi.ssi_pid);
		raise(SIGUSR1);
		report_recorded(report[1]);
		_exit(0);
	}
	close(report[1]);
	scn_take(ready[0]);
	kill(child, SIGTERM);
	kill(child, SIGUSR2);
	scn_post(go[1]);
	scn_relay(report[0]);
	scn_wait_and_say(child, "child");
	close(ready[0]);
	close(go[1]);
	close(report[0]);
}

static int thread_ready[2];

static void *unblocked_thread(void *arg)
{
	char c;

	(void)arg;
	scn_block(SIGUSR1, false);
	scn_post(thread_ready[1]);
	/* Sleeps in read until the handler has run; the pipe never fills. */
	while (nrecorded == 0)
		(void)!read(*(int *)arg, &c, 1);
	return NULL;
}

/* A process-directed signal goes to the one thread that does not block it. */
static void case_thread_selection(void)
{
	int report[2], wake[2];
	pid_t child;

	scn_say("== thread selection ==");
	scn_pipe(report, O_CLOEXEC);
	scn_pipe(wake, O_CLOEXEC);
	scn_pipe(thread_ready, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		pthread_t thread;

		scn_handle(SIGUSR1, record, SA_RESTART);
		scn_block(SIGUSR1, true);
		scn_check(pthread_create(&thread, NULL, unblocked_thread,
					 &wake[0]) == 0);
		scn_take(thread_ready[0]);
		scn_report(report[1], "thread ready");
		while (nrecorded == 0)
			sched_yield();
		scn_report(report[1], "handled by the %s thread",
			   recorded_tid[0] == getpid() ? "main" : "other");
		scn_post(wake[1]);
		pthread_join(thread, NULL);
		_exit(0);
	}
	close(report[1]);
	scn_check(scn_relay_line(report[0]));
	kill(child, SIGUSR1);
	scn_relay(report[0]);
	scn_wait_and_say(child, "child");
	close(report[0]);
	close(wake[0]);
	close(wake[1]);
}

int main(void)
{
	scn_start(20);
	case_delivery_order();
	case_to_parent_and_sigchld();
	case_ignore_signalfd_raise();
	case_thread_selection();
	return 0;
}
