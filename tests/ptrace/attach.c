/*
 * Attaching and detaching (issue #3, item 4):
 *  - PTRACE_ATTACH: the tracee stops with a SIGSTOP whose siginfo is
 *    SI_KERNEL (SEND_SIG_PRIV); PTRACE_DETACH with a signal delivers it;
 *    the detached task gets its signals without stops;
 *  - PTRACE_SEIZE: no stop; addr != 0 and unknown options are EIO;
 *    PTRACE_INTERRUPT gives a PTRACE_EVENT_STOP (SIGTRAP), also when asked
 *    for during another stop;
 *  - group-stop under SEIZE: PTRACE_EVENT_STOP with the stop signal,
 *    PTRACE_LISTEN (requests other than INTERRUPT/KILL fail with ESRCH
 *    meanwhile), the re-trap on SIGCONT;
 *  - attaching to a task already in a group-stop (ATTACH and SEIZE);
 *  - detaching leaves a group-stopped task stopped: SIGCONT continues it
 *    and its real parent sees CLD_CONTINUED;
 *  - signals the task ignored while untraced are not seen by its tracer.
 * The tracer is also the real parent here; wait.c covers the other case.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static void end(struct pt_child *c)
{
	pt_child_command(c, 'x');
	pt_wait_say(c->pid, 0, "wait");
	pt_child_close(c);
}

/* waitid(P_PID, @pid, ...), or waitid(P_ALL, ...) for @pid 0. */
static void say_waitid(pid_t pid, int flags, const char *what)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(pid ? P_PID : P_ALL, (id_t)pid, &si, flags) < 0) {
		scn_say("waitid(%s) = -1 %s", what, scn_errno(errno));
		return;
	}
	if (si.si_pid == 0)
		scn_say("waitid(%s): nothing", what);
	else
		pt_say_info(what, &si);
}

static void case_attach(void)
{
	struct pt_child c;

	pt_child_start(&c, false);
	scn_wait_syscall(c.pid, SYS_read);
	pt_say("PTRACE_ATTACH", PTRACE_ATTACH, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	scn_say("-- a signal-delivery-stop, then PTRACE_DETACH with another signal");
	kill(c.pid, SIGUSR1);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_DETACH(SIGUSR2)", PTRACE_DETACH, c.pid, 0, SIGUSR2);
	pt_child_ping(&c);
	scn_say("-- detached: signals are delivered without stops");
	kill(c.pid, SIGUSR1);
	pt_child_ping(&c);
	pt_wait_say(c.pid, WNOHANG, "wait(WNOHANG)");
	pt_say("PTRACE_CONT(detached)", PTRACE_CONT, c.pid, 0, 0);
	scn_say("-- PTRACE_DETACH from a signal-delivery-stop with 0 suppresses it");
	pt_say("PTRACE_ATTACH", PTRACE_ATTACH, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_must(PTRACE_CONT, c.pid, 0, 0);
	kill(c.pid, SIGUSR1);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_DETACH(0)", PTRACE_DETACH, c.pid, 0, 0);
	pt_child_ping(&c);
	end(&c);
}

static void case_seize(void)
{
	struct pt_child c;

	pt_child_start(&c, false);
	scn_wait_syscall(c.pid, SYS_read);
	pt_say("PTRACE_SEIZE(addr 1)", PTRACE_SEIZE, c.pid, 1, 0);
	pt_say("PTRACE_SEIZE(options 0x400)", PTRACE_SEIZE, c.pid, 0, 0x400);
	pt_say("PTRACE_SEIZE(options 1<<31)", PTRACE_SEIZE, c.pid, 0, 1ul << 31);
	pt_say("PTRACE_SEIZE(TRACESYSGOOD)", PTRACE_SEIZE, c.pid, 0,
	       PTRACE_O_TRACESYSGOOD);
	pt_say("PTRACE_SEIZE(again)", PTRACE_SEIZE, c.pid, 0, 0);
	pt_wait_say(c.pid, WNOHANG, "wait(WNOHANG)");
	pt_say("PTRACE_GETEVENTMSG(running)", PTRACE_GETEVENTMSG, c.pid, 0, 0);
	pt_child_ping(&c);
	scn_say("-- PTRACE_INTERRUPT");
	pt_say("PTRACE_INTERRUPT", PTRACE_INTERRUPT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	scn_say("  GETEVENTMSG: %lu", pt_eventmsg(c.pid));
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	scn_say("-- PTRACE_INTERRUPT during a signal-delivery-stop");
	kill(c.pid, SIGUSR1);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_INTERRUPT", PTRACE_INTERRUPT, c.pid, 0, 0);
	pt_say("PTRACE_CONT(SIGUSR1)", PTRACE_CONT, c.pid, 0, SIGUSR1);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	pt_wait_say(c.pid, WNOHANG, "wait(WNOHANG)");
	end(&c);
}

/* A seized child that was sent SIGSTOP, up to its group-stop. */
static void seize_and_group_stop(struct pt_child *c)
{
	pt_child_start(c, false);
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, c->pid, 0, 0);
	kill(c->pid, SIGSTOP);
	pt_wait_say(c->pid, 0, "wait");
	pt_say_siginfo(c->pid, "tracer");
	pt_say("PTRACE_CONT(SIGSTOP)", PTRACE_CONT, c->pid, 0, SIGSTOP);
	pt_wait_say(c->pid, 0, "wait");
	pt_say_siginfo(c->pid, "tracer (group-stop)");
}

static void case_group_stop(void)
{
	struct user_regs_struct regs;
	struct pt_child c;

	seize_and_group_stop(&c);
	pt_say("PTRACE_LISTEN", PTRACE_LISTEN, c.pid, 0, 0);
	pt_wait_say(c.pid, WNOHANG, "wait(WNOHANG)");
	pt_say("PTRACE_GETREGS(listening)", PTRACE_GETREGS, c.pid, 0,
	       (unsigned long)&regs);
	pt_say("PTRACE_CONT(listening)", PTRACE_CONT, c.pid, 0, 0);
	scn_say("-- PTRACE_INTERRUPT while listening");
	pt_say("PTRACE_INTERRUPT", PTRACE_INTERRUPT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_LISTEN", PTRACE_LISTEN, c.pid, 0, 0);
	scn_say("-- SIGCONT: the listening tracee re-traps");
	kill(c.pid, SIGCONT);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT(SIGCONT)", PTRACE_CONT, c.pid, 0, SIGCONT);
	pt_child_ping(&c);
	scn_say("-- PTRACE_LISTEN outside a group-stop's EVENT_STOP");
	kill(c.pid, SIGUSR1);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_LISTEN(signal-delivery-stop)", PTRACE_LISTEN, c.pid, 0, 0);
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	end(&c);
}

static void case_attach_stopped(void)
{
	struct pt_child c;

	scn_say("-- PTRACE_ATTACH to a stopped task");
	pt_child_start(&c, false);
	pt_child_command(&c, 's');
	pt_wait_say(c.pid, WUNTRACED, "wait(WUNTRACED)");
	pt_say("PTRACE_ATTACH", PTRACE_ATTACH, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	end(&c);
}

static void case_seize_stopped(void)
{
	struct pt_child c;

	alarm(5);	/* a hang here is a failure; do not wait 20 s */

	scn_say("-- PTRACE_SEIZE of a stopped task");
	pt_child_start(&c, false);
	pt_child_command(&c, 's');
	pt_wait_say(c.pid, WUNTRACED, "wait(WUNTRACED)");
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	scn_say("-- PTRACE_CONT from a seized group-stop: it runs");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	scn_say("-- SIGCONT: a trap for the end of the group-stop, then the signal");
	kill(c.pid, SIGCONT);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT(SIGCONT)", PTRACE_CONT, c.pid, 0, SIGCONT);
	pt_child_ping(&c);
	end(&c);
}

/*
 * kernel/signal.c:sig_ignored(): a signal an untraced task ignores (and
 * does not block) is discarded when it is sent, so a tracer that attaches
 * later never sees it; one sent once the task is traced stops it.
 */
static void case_ignored_before_attach(void)
{
	struct pt_child c;

	alarm(5);
	scn_say("-- SIGURG and SIGWINCH (ignored by default) to a stopped task");
	pt_child_start(&c, false);
	pt_child_command(&c, 's');
	pt_wait_say(c.pid, WUNTRACED, "wait(WUNTRACED)");
	kill(c.pid, SIGURG);
	kill(c.pid, SIGWINCH);
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	pt_wait_say(c.pid, WNOHANG, "wait(WNOHANG): no signal-delivery-stop");
	scn_say("-- SIGURG once traced: a signal-delivery-stop");
	kill(c.pid, SIGURG);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	end(&c);
}

/*
 * A signal a tracer gives at a syscall stop is sent to the tracee then
 * (ptrace_report_syscall(): send_sig()), and Linux keeps it, the tracee
 * being traced, though it ignores it (SIGURG). Left pending (the step's
 * SIGTRAP comes first), it is still pending after a detach and a seize,
 * and the tracee stops for it. (Inside, the seize took it for one Linux
 * had discarded, sent while the task was untraced: ptfuzz seed 61 step
 * 8325, at 10000 steps.)
 */
static void case_kept_given_at_syscall_stop(void)
{
	struct pt_child c;

	alarm(5);
	pt_child_start(&c, false);
	pt_say("PTRACE_ATTACH", PTRACE_ATTACH, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_SYSCALL", PTRACE_SYSCALL, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait: read()'s syscall-enter-stop");
	scn_write_full(c.cmd, "n", 1);	/* a command it ignores */
	scn_say("-- SIGURG given at the syscall-enter-stop; read() returns");
	pt_say("PTRACE_SINGLESTEP(SIGURG)", PTRACE_SINGLESTEP, c.pid, 0,
	       SIGURG);
	pt_wait_say(c.pid, 0, "wait: the step, SIGURG still pending");
	pt_say("PTRACE_DETACH(SIGSTOP)", PTRACE_DETACH, c.pid, 0, SIGSTOP);
	pt_wait_say(c.pid, WUNTRACED, "wait(WUNTRACED)");
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait: SIGURG");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_child_ping(&c);
	end(&c);
}

/* kernel/signal.c:prepare_signal(): SIGCONT calls ptrace_trap_notify(). */
static void case_sigcont_seized(void)
{
	struct pt_child c;

	alarm(5);	/* a hang here is a failure; do not wait 20 s */

	pt_child_start(&c, false);
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, c.pid, 0, 0);
	scn_wait_syscall(c.pid, SYS_read);
	scn_say("-- SIGCONT to a running seized tracee: a trap, then the signal");
	kill(c.pid, SIGCONT);
	pt_wait_say(c.pid, 0, "wait");
	pt_say_siginfo(c.pid, "tracer");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_CONT(SIGCONT)", PTRACE_CONT, c.pid, 0, SIGCONT);
	pt_child_ping(&c);
	end(&c);
}

/* SIGCONT continues the detached, stopped child; its real parent sees it. */
static void continue_and_end(struct pt_child *c)
{
	scn_say("-- SIGCONT continues it");
	kill(c->pid, SIGCONT);
	pt_relay_until(c->report, "  child handler: SIGCONT code SI_USER pid P0");
	pt_wait_say(c->pid, WCONTINUED, "wait(WCONTINUED)");
	pt_child_ping(c);
	end(c);
}

static void case_detach_stopped(void)
{
	struct pt_child c;

	seize_and_group_stop(&c);
	pt_say("PTRACE_DETACH", PTRACE_DETACH, c.pid, 0, 0);
	scn_wait_state(c.pid, "Tt");
	say_waitid(c.pid, WSTOPPED | WNOHANG | WNOWAIT, "waitid(WSTOPPED|WNOHANG)");
	pt_wait_say(c.pid, WUNTRACED | WNOHANG, "wait(WUNTRACED|WNOHANG)");
	continue_and_end(&c);
}

/*
 * The group-stop stays in effect while its tracer runs the task, and a
 * SIGCONT sent before it began does not end it when the task dequeues it:
 * sending continues a group, dequeuing does nothing
 * (kernel/signal.c:prepare_signal()). So the detach puts the task back in
 * its group-stop (__ptrace_unlink(): SIGNAL_STOP_STOPPED), reported with
 * the group's SIGSTOP (ptfuzz seed 48 at 10000 steps).
 */
static void case_detach_after_sigcont_dequeued(void)
{
	struct pt_child c;
	char state = 0;

	pt_child_start(&c, false);
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, c.pid, 0, 0);
	kill(c.pid, SIGUSR1);
	pt_wait_say(c.pid, 0, "wait");
	scn_say("-- SIGCHLD and SIGCONT sent during the stop stay pending");
	kill(c.pid, SIGCHLD);
	kill(c.pid, SIGCONT);
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	scn_say("-- SIGSTOP given at the SIGCHLD stop: a group-stop");
	pt_say("PTRACE_CONT(SIGSTOP)", PTRACE_CONT, c.pid, 0, SIGSTOP);
	pt_wait_say(c.pid, 0, "wait");
	scn_say("-- resumed, it dequeues the SIGCONT");
	pt_say("PTRACE_CONT", PTRACE_CONT, c.pid, 0, 0);
	pt_wait_say(c.pid, 0, "wait");
	pt_say("PTRACE_DETACH", PTRACE_DETACH, c.pid, 0, 0);
	/*
	 * Natively it stops at once; allow 2 s before saying it runs. ('t'
	 * inside ptvisor, whose host stop it is: README, Limitations.)
	 */
	for (int i = 0; i < 200 && state != 'T' && state != 't'; i++) {
		state = scn_proc_state(c.pid);
		if (state != 'T' && state != 't')
			usleep(10000);
	}
	scn_say("detached: %s",
		state == 'T' || state == 't' ? "stopped" : "running");
	pt_wait_say(c.pid, WUNTRACED | WNOHANG, "wait(WUNTRACED|WNOHANG)");
	continue_and_end(&c);
}

/*
 * The tracer is the real parent: the group-stop of its tracee is reported
 * to it as the tracee's ptrace-stop alone, and a WNOWAIT waitid does not
 * show it again; after a detach the group-stop is reported once
 * (kernel/exit.c:wait_consider_task() hides it while the real parent's
 * group traces the child).
 */
static void case_wnowait_group_stop(void)
{
	struct pt_child c;

	seize_and_group_stop(&c);
	say_waitid(c.pid, WSTOPPED | WNOHANG | WNOWAIT,
		   "P_PID, WSTOPPED|WNOHANG|WNOWAIT");
	say_waitid(0, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL,
		   "P_ALL, WEXITED|WSTOPPED|WNOHANG|WNOWAIT|__WALL");
	say_waitid(c.pid, WSTOPPED | WNOHANG, "P_PID, WSTOPPED|WNOHANG");
	pt_say("PTRACE_DETACH", PTRACE_DETACH, c.pid, 0, 0);
	scn_wait_state(c.pid, "Tt");
	say_waitid(c.pid, WSTOPPED | WNOHANG | WNOWAIT,
		   "P_PID, WSTOPPED|WNOHANG|WNOWAIT");
	say_waitid(0, WSTOPPED | WNOHANG, "P_ALL, WSTOPPED|WNOHANG");
	say_waitid(0, WSTOPPED | WNOHANG, "P_ALL, WSTOPPED|WNOHANG");
	continue_and_end(&c);
}

/*
 * The same hidden group-stop, waited for with a bad status pointer: Linux
 * finds nothing (0), where a report would have given EFAULT (ptfuzz seed
 * 13 step 1651).
 */
static void case_bad_status_group_stop(void)
{
	struct pt_child c;
	long r;

	seize_and_group_stop(&c);
	r = syscall(SYS_wait4, c.pid, (void *)8, WUNTRACED | WNOHANG, NULL);
	scn_say("wait4(child, bad status, WUNTRACED|WNOHANG) = %ld %s", r,
		r < 0 ? scn_errno(errno) : "");
	r = syscall(SYS_waitid, P_PID, c.pid, (void *)8, WSTOPPED | WNOHANG,
		    NULL);
	scn_say("waitid(P_PID, child, bad infop, WSTOPPED|WNOHANG) = %ld %s", r,
		r < 0 ? scn_errno(errno) : "");
	pt_say("PTRACE_DETACH", PTRACE_DETACH, c.pid, 0, 0);
	scn_wait_state(c.pid, "Tt");
	r = syscall(SYS_wait4, c.pid, (void *)8, WUNTRACED | WNOHANG, NULL);
	scn_say("wait4(child, bad status, WUNTRACED|WNOHANG) = %ld %s",
		r > 0 ? 1L : r, r < 0 ? scn_errno(errno) : "");
	say_waitid(c.pid, WSTOPPED | WNOHANG, "P_PID, WSTOPPED|WNOHANG");
	continue_and_end(&c);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "attach", case_attach },
		{ "seize", case_seize },
		{ "group-stop", case_group_stop },
		{ "attach-stopped", case_attach_stopped },
		{ "seize-stopped", case_seize_stopped },
		{ "sigcont-seized", case_sigcont_seized },
		{ "detach-stopped", case_detach_stopped },
		{ "detach-after-sigcont-dequeued",
		  case_detach_after_sigcont_dequeued },
		{ "ignored-before-attach", case_ignored_before_attach },
		{ "kept-given-at-syscall-stop",
		  case_kept_given_at_syscall_stop },
		{ "wnowait-group-stop", case_wnowait_group_stop },
		{ "bad-status-group-stop", case_bad_status_group_stop },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
