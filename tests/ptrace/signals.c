/*
 * PTRACE_TRACEME and signal-delivery-stops (issue #3, item 1).
 *
 * A child asks to be traced by its parent (the printer) and stops itself
 * with SIGSTOP. Then signals are sent to it while it sleeps in a command
 * loop, and the tracer resumes each signal-delivery-stop with:
 *  - 0: the signal is suppressed (no handler runs, the read restarts);
 *  - the same signal: it is delivered with its own siginfo;
 *  - another signal: it is delivered as SI_USER from the tracer
 *    (kernel/signal.c:ptrace_signal());
 *  - a siginfo rewritten with PTRACE_SETSIGINFO;
 *  - SIGSTOP: the child enters a group-stop, which a non-seized tracer sees
 *    as the same status, and where PTRACE_GETSIGINFO fails with EINVAL
 *    (PTRACE_SETSIGINFO too, after EFAULT for a bad address).
 * An ignored signal and a blocked one still stop a tracee (the latter when
 * it is unblocked). SIGKILL never stops: it kills a running tracee and one
 * held in a ptrace-stop.
 *
 * The child's handlers report the signal, si_code and si_pid they got.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int cmd_pipe[2], report_pipe[2];

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_code == SI_QUEUE)
		scn_report(report_pipe[1],
			   "  child handler: %s code %s pid {pid %d} value %d",
			   scn_sig(sig), scn_si_code(sig, si->si_code),
			   (int)si->si_pid, si->si_value.sival_int);
	else
		scn_report(report_pipe[1], "  child handler: %s code %s pid {pid %d}",
			   scn_sig(sig), scn_si_code(sig, si->si_code),
			   (int)si->si_pid);
}

/* The traced child: it obeys commands until the command pipe closes. */
static int child_main(void *arg)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	long r;

	(void)arg;
	close(cmd_pipe[1]);
	close(report_pipe[0]);
	scn_handle(SIGUSR1, on_signal, SA_RESTART);
	scn_handle(SIGUSR2, on_signal, SA_RESTART);
	sigaction(SIGHUP, &ign, NULL);
	r = pt_raw(PTRACE_TRACEME, 0, 0, 0);
	scn_report(report_pipe[1], "  child: PTRACE_TRACEME = %ld", r);
	kill(getpid(), SIGSTOP);
	scn_report(report_pipe[1], "  child: runs after its SIGSTOP");
	for (;;) {
		switch (pt_next_command(cmd_pipe[0])) {
		case 'p':
			scn_report(report_pipe[1], "  child: pong");
			break;
		case 'r':
			raise(SIGUSR2);
			break;
		case 'b':
			scn_block(SIGUSR2, true);
			scn_report(report_pipe[1], "  child: SIGUSR2 blocked");
			break;
		case 'u':
			scn_block(SIGUSR2, false);
			break;
		case 0:
			return 0;
		}
	}
}

/* A command, then every report up to the child's pong. */
static void command(pid_t child, char c)
{
	(void)child;
	scn_write_full(cmd_pipe[1], &c, 1);
	if (c == 'p')
		pt_relay_until(report_pipe[0], "  child: pong");
	if (c == 'b')
		pt_relay_until(report_pipe[0], "  child: SIGUSR2 blocked");
}

static void ping(pid_t child)
{
	command(child, 'p');
}

static void resume(pid_t child, int sig)
{
	char what[64];

	snprintf(what, sizeof(what), "PTRACE_CONT(%s)", sig ? scn_sig(sig) : "0");
	pt_say(what, PTRACE_CONT, child, 0, (unsigned long)sig);
}

/*
 * Starts the traced child and takes it through its first stop. With
 * @stop_again, the tracer first resumes that SIGSTOP with SIGSTOP.
 */
static pid_t start_child(bool stop_again)
{
	pid_t child;

	scn_pipe(cmd_pipe, O_CLOEXEC);
	scn_pipe(report_pipe, O_CLOEXEC);
	child = pt_spawn(child_main, NULL);
	scn_say("child is %s", scn_pid(child));
	pt_relay_until(report_pipe[0], "  child: PTRACE_TRACEME = 0");
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "tracer");
	if (stop_again) {
		scn_say("-- resumed with SIGSTOP: a group-stop, reported the same way");
		resume(child, SIGSTOP);
		pt_wait_say(child, 0, "wait");
		scn_say("state: %c", scn_proc_state(child));
		pt_say_siginfo(child, "tracer (in group-stop)");
		/* ptrace_request() copies the siginfo in before the EINVAL. */
		pt_say("PTRACE_SETSIGINFO(address 8, in group-stop)",
		       PTRACE_SETSIGINFO, child, 0, 8);
	}
	resume(child, 0);
	pt_relay_until(report_pipe[0], "  child: runs after its SIGSTOP");
	return child;
}

/* Closes the command pipe: the child exits 0. */
static void end_child(pid_t child)
{
	close(cmd_pipe[1]);
	pt_wait_say(child, 0, "wait");
	close(cmd_pipe[0]);
	close(report_pipe[0]);
	close(report_pipe[1]);
}

static void case_traceme(void)
{
	end_child(start_child(true));
}

static void case_deliver(void)
{
	pid_t child = start_child(false);
	siginfo_t si;

	scn_say("-- SIGUSR1 suppressed");
	kill(child, SIGUSR1);
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "tracer");
	resume(child, 0);
	ping(child);

	scn_say("-- SIGUSR1 delivered");
	kill(child, SIGUSR1);
	pt_wait_say(child, 0, "wait");
	resume(child, SIGUSR1);
	ping(child);

	scn_say("-- SIGUSR1 replaced by SIGUSR2");
	kill(child, SIGUSR1);
	pt_wait_say(child, 0, "wait");
	resume(child, SIGUSR2);
	ping(child);

	scn_say("-- SIGUSR1 with a siginfo set by the tracer");
	kill(child, SIGUSR1);
	pt_wait_say(child, 0, "wait");
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = 0;
	si.si_value.sival_int = (int)PT_MAGIC;
	pt_say("PTRACE_SETSIGINFO", PTRACE_SETSIGINFO, child, 0,
	       (unsigned long)&si);
	pt_say_siginfo(child, "tracer");
	resume(child, SIGUSR1);
	ping(child);

	scn_say("-- the child raises SIGUSR2 itself");
	command(child, 'r');
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "tracer");
	resume(child, SIGUSR2);
	ping(child);
	end_child(child);
}

static void case_ignored_blocked(void)
{
	pid_t child = start_child(false);

	scn_say("-- an ignored SIGHUP still stops a tracee");
	kill(child, SIGHUP);
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "tracer");
	resume(child, SIGHUP);
	ping(child);

	scn_say("-- a blocked SIGUSR2 stops the tracee when unblocked");
	command(child, 'b');
	kill(child, SIGUSR2);
	ping(child);
	pt_wait_say(child, WNOHANG, "wait(WNOHANG)");
	command(child, 'u');
	pt_wait_say(child, 0, "wait");
	pt_say_siginfo(child, "tracer");
	resume(child, SIGUSR2);
	ping(child);
	end_child(child);
}

static int stopper_sync[2];

static int stopper_main(void *arg)
{
	(void)arg;
	close(stopper_sync[0]);
	pt_traceme_then_post(stopper_sync[1]);
	kill(getpid(), SIGSTOP);
	return 4;
}

static pid_t start_stopper(void)
{
	pid_t pid;

	scn_pipe(stopper_sync, O_CLOEXEC);
	pid = pt_spawn(stopper_main, NULL);
	close(stopper_sync[1]);
	scn_take(stopper_sync[0]);
	close(stopper_sync[0]);
	return pid;
}

static void case_sigkill(void)
{
	pid_t child = start_child(false);

	scn_say("-- SIGKILL to a running tracee: no stop");
	scn_wait_syscall(child, 0 /* read */);
	kill(child, SIGKILL);
	pt_wait_say(child, 0, "wait");
	close(cmd_pipe[1]);

	scn_say("-- SIGKILL to a tracee held in a signal-delivery-stop");
	child = start_stopper();
	pt_wait_say(child, 0, "wait");
	kill(child, SIGKILL);
	pt_wait_say(child, 0, "wait");
	pt_say("PTRACE_CONT(reaped)", PTRACE_CONT, child, 0, 0);

	/* The SIGKILL ends the stop at once: requests fail before the wait. */
	scn_say("-- requests just after a SIGKILL ended the stop");
	child = start_stopper();
	pt_wait_say(child, 0, "wait");
	kill(child, SIGKILL);
	pt_say("PTRACE_SETOPTIONS", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	pt_say("PTRACE_SETOPTIONS(bad)", PTRACE_SETOPTIONS, child, 0, 1UL << 30);
	pt_say("PTRACE_CONT(bad signal)", PTRACE_CONT, child, 0, 4096);
	pt_say("PTRACE_CONT", PTRACE_CONT, child, 0, 0);
	pt_say("PTRACE_DETACH", PTRACE_DETACH, child, 0, 0);
	pt_wait_say(child, 0, "wait");

	scn_say("-- PTRACE_KILL to a tracee held in a signal-delivery-stop");
	child = start_stopper();
	pt_wait_say(child, 0, "wait");
	pt_say("PTRACE_KILL", PTRACE_KILL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
}

static const struct pt_case cases[] = {
	{ "traceme", case_traceme },
	{ "deliver", case_deliver },
	{ "ignored-blocked", case_ignored_blocked },
	{ "sigkill", case_sigkill },
};

int main(int argc, char **argv)
{
	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
