/*
 * A tracer changing system calls at its syscall-stops (issue #4), for the
 * calls the supervisor traps itself as well as plain ones: at the enter
 * stop orig_rax = -1 skips the call (-ENOSYS, or the rax the tracer set),
 * rewritten argument registers are the ones used; at the exit stop rax is
 * the result the tracee sees.
 *  - wait: wait4 and waitid on the tracee's own children (a zombie, a
 *    running child) skipped, given WNOHANG or another pid, their results
 *    replaced;
 *  - ptrace-clone3: ptrace and clone3 skipped and rewritten;
 *  - sigaction-seccomp: rt_sigaction(SIGCHLD) and seccomp(2) skipped and
 *    rewritten, then what the tracee's state shows (SIGCHLD's action, the
 *    filter in force, a child reaped normally).
 * The tracee makes raw system calls from a list; the tracer acts on each.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int rep[2];

enum act { NONE, SKIP, SKIP_INJECT, SET_ARG, SET_RESULT };

struct step {
	enum act act;
	int arg;	/* SET_ARG: which argument */
	long value;	/* the argument, injected rax or result */
};

struct call {
	long nr;
	long a[6];
};

#define MAX_CALLS 16

static struct call calls[MAX_CALLS];
static int ncalls;
static int zombie_status;
static siginfo_t waitid_info;

static void add(long nr, long a0, long a1, long a2, long a3, long a4)
{
	calls[ncalls++] = (struct call){ nr, { a0, a1, a2, a3, a4, 0 } };
}

static const char *nr_name(long nr)
{
	static char buf[4][24];
	static unsigned next;

	switch (nr) {
	case SYS_wait4:
		return "wait4";
	case SYS_waitid:
		return "waitid";
	case SYS_ptrace:
		return "ptrace";
	case SYS_clone3:
		return "clone3";
	case SYS_rt_sigaction:
		return "rt_sigaction";
	case SYS_seccomp:
		return "seccomp";
	case SYS_getppid:
		return "getppid";
	case -1:
		return "-1";
	}
	snprintf(buf[next % 4], 24, "nr %ld", nr);
	return buf[next++ % 4];
}

/* Calls whose positive result is a pid. */
static bool returns_pid(long nr)
{
	return nr == SYS_wait4 || nr == SYS_getppid || nr == SYS_clone3;
}

/* Argument @i of call @nr: pids are named, addresses hidden. */
static const char *arg_text(long nr, int i, uint64_t v, uint64_t a0)
{
	static char buf[6][24];
	static unsigned next;
	char *out = buf[next++ % 6];

	if (v > 0xffffffffULL && v < (1ULL << 47))
		return "addr";
	if ((long long)v > 0 && ((nr == SYS_wait4 && i == 0) ||
				 (nr == SYS_waitid && i == 1 && a0 == P_PID)))
		return scn_pid((pid_t)v);
	snprintf(out, 24, "%lld", (long long)v);
	return out;
}

static const char *result_text(long nr, long v, char *out)
{
	if (v < 0 && v >= -4095)
		return scn_raw_result(v, out);
	if (returns_pid(nr) && v > 0 && v < PT_MAGIC)
		return scn_pid((pid_t)v);
	snprintf(out, 32, "%ld", v);
	return out;
}

/* The child: its setup done, it stops, makes its calls and reports. */
static int run_calls(void)
{
	long results[MAX_CALLS];

	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	for (int i = 0; i < ncalls; i++) {
		const long *a = calls[i].a;

		results[i] = syscall(calls[i].nr, a[0], a[1], a[2], a[3], a[4],
				     a[5]);
		if (results[i] == -1)
			results[i] = -errno;
	}
	for (int i = 0; i < ncalls; i++) {
		long v = results[i];

		if (v < 0 && v >= -4095)
			scn_report(rep[1], "  child: %s = -%s", nr_name(calls[i].nr),
				   scn_errno((int)-v));
		else if (returns_pid(calls[i].nr) && v > 0 && v < PT_MAGIC)
			scn_report(rep[1], "  child: %s = {pid %ld}",
				   nr_name(calls[i].nr), v);
		else
			scn_report(rep[1], "  child: %s = %ld", nr_name(calls[i].nr),
				   v);
	}
	return 0;
}

/*
 * Follows the child through its calls, acting as @steps says, after
 * relaying @lines report lines of its setup.
 */
static void drive(pid_t child, const struct step *steps, int n, int lines)
{
	struct user_regs_struct regs;
	char buf[32];
	int status;
	long nr;

	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_expect(child, 0x137f);
	while (lines-- > 0)
		scn_relay_line(rep[0]);
	pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	for (int i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		unsigned long long *argp[6];

		pt_must(PTRACE_SYSCALL, child, 0, 0);
		pt_wait_expect(child, 0x857f);
		pt_getregs(child, &regs);
		argp[0] = &regs.rdi;
		argp[1] = &regs.rsi;
		argp[2] = &regs.rdx;
		argp[3] = &regs.r10;
		argp[4] = &regs.r8;
		argp[5] = &regs.r9;
		nr = (long)regs.orig_rax;
		scn_say("enter %s(%s, %s, %s, %s, %s)", nr_name(nr),
			arg_text(nr, 0, regs.rdi, regs.rdi),
			arg_text(nr, 1, regs.rsi, regs.rdi),
			arg_text(nr, 2, regs.rdx, regs.rdi),
			arg_text(nr, 3, regs.r10, regs.rdi),
			arg_text(nr, 4, regs.r8, regs.rdi));
		switch (s->act) {
		case SKIP:
			regs.orig_rax = (unsigned long long)-1;
			scn_say("  SETREGS: orig_rax -1");
			break;
		case SKIP_INJECT:
			regs.orig_rax = (unsigned long long)-1;
			regs.rax = (unsigned long long)s->value;
			scn_say("  SETREGS: orig_rax -1, rax %s",
				result_text(nr, s->value, buf));
			break;
		case SET_ARG:
			*argp[s->arg] = (unsigned long long)s->value;
			scn_say("  SETREGS: argument %d = %s", s->arg,
				arg_text(nr, s->arg, (uint64_t)s->value, regs.rdi));
			break;
		default:
			break;
		}
		pt_setregs(child, &regs);
		pt_must(PTRACE_SYSCALL, child, 0, 0);
		pt_wait_expect(child, 0x857f);
		pt_getregs(child, &regs);
		scn_say("exit %s = %s", nr_name((long)regs.orig_rax),
			result_text(nr, (long)regs.rax, buf));
		if (s->act == SET_RESULT) {
			regs.rax = (unsigned long long)s->value;
			pt_setregs(child, &regs);
			scn_say("  SETREGS: rax %s", result_text(nr, s->value, buf));
		}
	}
	/* To the end, through the SIGCHLD stops of its own children. */
	do {
		pt_must(PTRACE_CONT, child, 0, 0);
		status = pt_wait_say(child, 0, "wait");
	} while (WIFSTOPPED(status));
	scn_relay(rep[0]);
	close(rep[0]);
}

static pid_t spawn(int (*body)(void *))
{
	pid_t child;

	ncalls = 0;
	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(body, NULL);
	close(rep[1]);
	scn_say("child is %s", scn_pid(child));
	return child;
}

static int wait_child(void *arg)
{
	int hold[2], st = 0;
	pid_t zombie, running;
	siginfo_t si;

	(void)arg;
	/* No SIGCHLD stops: wait4 needs no signal. */
	scn_block(SIGCHLD, true);
	scn_pipe(hold, O_CLOEXEC);
	zombie = fork();
	if (zombie == 0)
		_exit(7);
	running = fork();
	if (running == 0) {
		char c;

		close(hold[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(8);
	}
	close(hold[0]);
	scn_report(rep[1], "  child: children {pid %d} (exits 7), {pid %d}",
		   zombie, running);
	/* A zombie, not reaped. */
	waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT);
	add(SYS_wait4, zombie, (long)&zombie_status, 0, 0, 0);
	add(SYS_wait4, zombie, (long)&zombie_status, 0, 0, 0);
	add(SYS_wait4, running, (long)&zombie_status, 0, 0, 0);
	add(SYS_wait4, running, (long)&zombie_status, WNOHANG, 0, 0);
	add(SYS_wait4, -1, 0, WNOHANG, 0, 0);
	add(SYS_waitid, P_ALL, 0, (long)&waitid_info, WEXITED | WNOHANG, 0);
	add(SYS_waitid, P_PID, running, (long)&waitid_info, WEXITED, 0);
	run_calls();
	scn_report(rep[1], "  child: last wait4 status %#x", zombie_status);
	close(hold[1]);
	if (waitpid(running, &st, 0) == running)
		scn_report(rep[1], "  child: reaped {pid %d}, status %#x", running,
			   st);
	return 0;
}

static void case_wait(void)
{
	static const struct step steps[] = {
		{ SKIP, 0, 0 },
		{ SKIP_INJECT, 0, PT_MAGIC },
		{ SET_ARG, 2, WNOHANG },
		{ SET_ARG, 0, -1 },
		{ SET_RESULT, 0, PT_MAGIC + 1 },
		{ SKIP, 0, 0 },
		{ SET_ARG, 3, WEXITED | WNOHANG },
	};
	pid_t child = spawn(wait_child);

	drive(child, steps, PT_NCASES(steps), 1);
}

static struct clone_args clone_args = { .exit_signal = SIGCHLD };

static int ptrace_clone3_child(void *arg)
{
	(void)arg;
	add(SYS_ptrace, PTRACE_GETREGS, PT_MAGIC, 0, 0, 0);
	add(SYS_ptrace, PTRACE_GETREGS, PT_MAGIC, 0, 0, 0);
	add(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0, 0);
	add(SYS_clone3, (long)&clone_args, sizeof(clone_args), 0, 0, 0);
	add(SYS_wait4, -1, 0, WNOHANG, 0, 0);
	add(SYS_clone3, (long)&clone_args, sizeof(clone_args), 0, 0, 0);
	run_calls();
	return 0;
}

static void case_ptrace_clone3(void)
{
	static const struct step steps[] = {
		{ SKIP, 0, 0 },
		{ SET_RESULT, 0, 0 },
		{ SET_ARG, 0, 0x999 },
		{ SKIP, 0, 0 },
		{ NONE, 0, 0 },
		{ SET_ARG, 1, 1 },
	};
	pid_t child = spawn(ptrace_clone3_child);

	drive(child, steps, PT_NCASES(steps), 0);
}

static struct sock_filter deny_getppid[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static struct sock_fprog deny_prog = { PT_NCASES(deny_getppid), deny_getppid };

/* The kernel's struct sigaction for rt_sigaction(2). */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
static struct ksigaction act_ign = { SIG_IGN, 0, NULL, 0 };
static struct ksigaction old_chld, old_usr1;

static const char *handler_name(void (*h)(int))
{
	return h == SIG_DFL ? "SIG_DFL" : h == SIG_IGN ? "SIG_IGN" : "a handler";
}

static int sigaction_seccomp_child(void *arg)
{
	pid_t kid;
	int st = 0;

	(void)arg;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	add(SYS_rt_sigaction, SIGCHLD, (long)&act_ign, 0, 8, 0);
	add(SYS_rt_sigaction, SIGCHLD, (long)&act_ign, 0, 8, 0);
	add(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&deny_prog, 0, 0);
	add(SYS_getppid, 0, 0, 0, 0, 0);
	add(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&deny_prog, 0, 0);
	add(SYS_getppid, 0, 0, 0, 0, 0);
	add(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&deny_prog, 0, 0);
	add(SYS_getppid, 0, 0, 0, 0, 0);
	run_calls();
	syscall(SYS_rt_sigaction, SIGCHLD, NULL, &old_chld, 8);
	syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old_usr1, 8);
	scn_report(rep[1], "  child: SIGCHLD %s, SIGUSR1 %s",
		   handler_name(old_chld.handler), handler_name(old_usr1.handler));
	kid = fork();
	if (kid == 0)
		_exit(3);
	if (waitpid(kid, &st, 0) == kid)
		scn_report(rep[1], "  child: reaped a child, status %#x", st);
	else
		scn_report(rep[1], "  child: waitpid = -1 %s", scn_errno(errno));
	return 0;
}

static void case_sigaction_seccomp(void)
{
	static const struct step steps[] = {
		{ SKIP, 0, 0 },
		{ SET_ARG, 0, SIGUSR1 },
		{ SKIP, 0, 0 },
		{ NONE, 0, 0 },
		{ SET_ARG, 1, 0x40000000 },
		{ NONE, 0, 0 },
		{ SET_RESULT, 0, -EINVAL },
		{ NONE, 0, 0 },
	};
	pid_t child = spawn(sigaction_seccomp_child);

	drive(child, steps, PT_NCASES(steps), 0);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "wait", case_wait },
		{ "ptrace-clone3", case_ptrace_clone3 },
		{ "sigaction-seccomp", case_sigaction_seccomp },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
