/*
 * A tracer's exit (issue #3, item 7). The printer forks a target T and a
 * tracer X, siblings; X traces T on the printer's commands and exits; the
 * printer, T's real parent, then checks what became of T
 * (kernel/ptrace.c:exit_ptrace()):
 *  - a running tracee is detached and runs on; its signals no longer stop;
 *  - a tracee left in a signal-delivery-stop the tracer had reported
 *    (wait cleared its exit_code) runs on without the signal; one the
 *    tracer had not waited for gets the signal (SIGSTOP: a group-stop);
 *  - a tracee in a group-stop stays stopped until SIGCONT;
 *  - PTRACE_O_EXITKILL: the tracee is killed;
 *  - a tracee that exited and that the tracer did not reap goes to its
 *    real parent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

struct tracer_cmd {
	char op;		/* 'a' ATTACH, 's' SEIZE(arg), 'w' wait,
				   'n' waitid(WEXITED|WNOWAIT), 'c' CONT(arg),
				   'x' exit */
	unsigned long arg;
};

static int tracer_cmd_pipe[2], tracer_report[2];
static pid_t tracer_pid;

static void __attribute__((noreturn)) tracer_loop(pid_t target)
{
	struct tracer_cmd c;
	int status;
	long r;
	pid_t w;

	close(tracer_cmd_pipe[1]);
	close(tracer_report[0]);
	while (scn_read_full(tracer_cmd_pipe[0], &c, sizeof(c))) {
		switch (c.op) {
		case 'a':
			r = pt_raw(PTRACE_ATTACH, target, 0, 0);
			scn_report(tracer_report[1], "  tracer: PTRACE_ATTACH = %ld %s",
				   r, r < 0 ? scn_errno(errno) : "");
			break;
		case 's':
			r = pt_raw(PTRACE_SEIZE, target, 0, c.arg);
			scn_report(tracer_report[1], "  tracer: PTRACE_SEIZE = %ld %s",
				   r, r < 0 ? scn_errno(errno) : "");
			break;
		case 'c':
			r = pt_raw(PTRACE_CONT, target, 0, c.arg);
			scn_report(tracer_report[1], "  tracer: PTRACE_CONT(%s) = %ld %s",
				   c.arg ? scn_sig((int)c.arg) : "0", r,
				   r < 0 ? scn_errno(errno) : "");
			break;
		case 'w':
			do
				w = waitpid(target, &status, __WALL);
			while (w < 0 && errno == EINTR);
			if (w < 0)
				scn_report(tracer_report[1], "  tracer: waitpid = -1 %s",
					   scn_errno(errno));
			else
				scn_report(tracer_report[1], "  tracer: waitpid = {pid %d} %s",
					   (int)w, pt_status(status));
			break;
		case 'n': {
			siginfo_t si;

			memset(&si, 0, sizeof(si));
			r = waitid(P_PID, (id_t)target, &si, WEXITED | WNOWAIT);
			scn_report(tracer_report[1],
				   "  tracer: waitid(WEXITED|WNOWAIT) = %ld %s: %s {pid %d} status %d",
				   r, r < 0 ? scn_errno(errno) : "",
				   scn_si_code(SIGCHLD, si.si_code), (int)si.si_pid,
				   si.si_status);
			break;
		}
		case 'x':
			_exit(0);
		}
	}
	_exit(0);
}

static void tracer_start(pid_t target)
{
	scn_pipe(tracer_cmd_pipe, O_CLOEXEC);
	scn_pipe(tracer_report, O_CLOEXEC);
	tracer_pid = scn_fork();
	if (tracer_pid == 0)
		tracer_loop(target);
	close(tracer_cmd_pipe[0]);
	close(tracer_report[1]);
	scn_say("tracer is %s", scn_pid(tracer_pid));
}

/* A command to the tracer and its report (none for 'x'). */
static void tracer_do(char op, unsigned long arg)
{
	struct tracer_cmd c = { .op = op, .arg = arg };

	scn_write_full(tracer_cmd_pipe[1], &c, sizeof(c));
	if (op != 'x')
		scn_check(scn_relay_line(tracer_report[0]));
}

static void tracer_exit(void)
{
	tracer_do('x', 0);
	pt_wait_say(tracer_pid, 0, "wait(tracer)");
	close(tracer_cmd_pipe[1]);
	close(tracer_report[0]);
}

static void target_end(struct pt_child *t)
{
	pt_child_command(t, 'x');
	pt_wait_say(t->pid, 0, "wait(target)");
	pt_child_close(t);
}

static void case_running(void)
{
	struct pt_child t;

	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('s', 0);
	tracer_exit();
	scn_say("-- the tracee runs on, detached");
	pt_child_ping(&t);
	kill(t.pid, SIGUSR1);
	pt_child_ping(&t);
	target_end(&t);
}

static void case_stopped(void)
{
	struct pt_child t;

	scn_say("-- left in a signal-delivery-stop the tracer waited for");
	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('a', 0);
	tracer_do('w', 0);
	tracer_exit();
	pt_child_ping(&t);
	pt_wait_say(t.pid, WUNTRACED | WNOHANG, "wait(target, WUNTRACED|WNOHANG)");
	target_end(&t);

	scn_say("-- left in a SIGUSR1 signal-delivery-stop the tracer waited for");
	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('s', 0);
	kill(t.pid, SIGUSR1);
	tracer_do('w', 0);
	tracer_exit();
	pt_child_ping(&t);
	target_end(&t);

	scn_say("-- left in a SIGUSR1 signal-delivery-stop not waited for");
	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('s', 0);
	kill(t.pid, SIGUSR1);
	scn_wait_state(t.pid, "t");
	tracer_exit();
	pt_child_ping(&t);
	target_end(&t);

	scn_say("-- attached, its SIGSTOP not waited for");
	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('a', 0);
	scn_wait_state(t.pid, "t");
	tracer_exit();
	pt_wait_say(t.pid, WUNTRACED, "wait(target, WUNTRACED)");
	kill(t.pid, SIGCONT);
	pt_wait_say(t.pid, WCONTINUED, "wait(target, WCONTINUED)");
	pt_child_ping(&t);
	target_end(&t);
}

static void case_group_stopped(void)
{
	struct pt_child t;

	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('s', 0);
	kill(t.pid, SIGSTOP);
	tracer_do('w', 0);
	tracer_do('c', SIGSTOP);
	tracer_do('w', 0);
	pt_wait_say(t.pid, WUNTRACED, "wait(target, WUNTRACED)");
	tracer_exit();
	scn_say("-- the tracee stays in its group-stop until SIGCONT");
	pt_wait_say(t.pid, WNOHANG | WCONTINUED, "wait(target, WCONTINUED|WNOHANG)");
	kill(t.pid, SIGCONT);
	pt_relay_until(t.report, "  child handler: SIGCONT code SI_USER pid P0");
	pt_wait_say(t.pid, WCONTINUED, "wait(target, WCONTINUED)");
	pt_child_ping(&t);
	target_end(&t);
}

static void case_exitkill(void)
{
	struct pt_child t;

	scn_say("-- a running tracee");
	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('s', PTRACE_O_EXITKILL);
	tracer_exit();
	pt_wait_say(t.pid, 0, "wait(target)");
	pt_child_close(&t);

	scn_say("-- a tracee in a group-stop");
	pt_child_start(&t, false);
	tracer_start(t.pid);
	tracer_do('s', PTRACE_O_EXITKILL);
	kill(t.pid, SIGSTOP);
	tracer_do('w', 0);
	tracer_do('c', SIGSTOP);
	tracer_do('w', 0);
	tracer_exit();
	pt_wait_say(t.pid, 0, "wait(target)");
	pt_child_close(&t);
}

/* With @attach, the tracer attaches and lets the first stop go first. */
static void zombie(bool attach)
{
	struct pt_child t;

	pt_child_start(&t, false);
	tracer_start(t.pid);
	if (attach) {
		tracer_do('a', 0);
		tracer_do('w', 0);
		tracer_do('c', 0);
	} else {
		scn_wait_syscall(t.pid, SYS_read);
		tracer_do('s', 0);
	}
	scn_say("-- the tracee exits; the tracer sees it and does not reap it");
	pt_child_command(&t, 'x');
	tracer_do('n', 0);
	{
		siginfo_t si;

		/* The printer cannot see it before the tracer lets it go. */
		memset(&si, 0, sizeof(si));
		scn_result("waitid(target, WEXITED|WNOHANG|WNOWAIT)",
			   waitid(P_PID, (id_t)t.pid, &si,
				  WEXITED | WNOHANG | WNOWAIT));
		scn_say("  si_pid: %s", scn_pid(si.si_pid));
	}
	tracer_exit();
	pt_wait_say(t.pid, 0, "wait(target)");
	pt_child_close(&t);
}

static void case_zombie(void)
{
	zombie(false);
}

static void case_zombie_attached(void)
{
	zombie(true);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "running", case_running },
		{ "stopped", case_stopped },
		{ "group-stopped", case_group_stopped },
		{ "exitkill", case_exitkill },
		{ "zombie", case_zombie },
		{ "zombie-attached", case_zombie_attached },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
