/*
 * Syscall-stops (issue #3, item 2): PTRACE_SYSCALL with and without
 * PTRACE_O_TRACESYSGOOD (status 0x57f vs 0x857f, the siginfo's si_code),
 * PTRACE_GETEVENTMSG (PTRACE_EVENTMSG_SYSCALL_ENTRY/EXIT, Linux 5.3) and
 * PTRACE_GET_SYSCALL_INFO at the stops, orig_rax and rax from
 * PTRACE_GETREGS (rax is -ENOSYS at entry), and a tracer changing a call:
 * getpid rewritten into getppid at entry, a call skipped with orig_rax = -1
 * with and without an injected rax, a result replaced at exit. And the
 * stepping resumptions: PTRACE_SINGLESTEP and PTRACE_SINGLEBLOCK (x86 branch
 * stepping) counted over the same code. And the emulating resumptions:
 * PTRACE_SYSEMU (results injected, exit-stops only under PTRACE_SYSCALL,
 * a call that runs when given at a PTRACE_SYSCALL entry-stop) and
 * PTRACE_SYSEMU_SINGLESTEP.
 *
 * The child makes raw system calls only, so that the stops the tracer sees
 * are exactly the calls listed here.
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int report_pipe[2], sync_pipe[2];

static pid_t start_child(const long *nrs);
static void finish(pid_t child);

static const char *syscall_name(long nr)
{
	static char buf[4][24];
	static unsigned next;

	switch (nr) {
	case SYS_getpid:
		return "getpid";
	case SYS_getppid:
		return "getppid";
	case SYS_gettid:
		return "gettid";
	case SYS_kill:
		return "kill";
	case SYS_getuid:
		return "getuid";
	case -1:
		return "-1";
	}
	snprintf(buf[next % 4], sizeof(buf[0]), "syscall %ld", nr);
	return buf[next++ % 4];
}

static const char *arch_name(uint32_t arch)
{
	return arch == AUDIT_ARCH_X86_64 ? "x86_64"
	       : arch == 0		 ? "arch 0"
					 : "another arch";
}

/* A value in rax: an errno, a pid (of the calls that return one), a number. */
static const char *value_of(long nr, long v)
{
	static char buf[4][32];
	static unsigned next;
	char *out = buf[next++ % 4];

	if (v < 0 && v >= -4095)
		return scn_raw_result(v, out);
	if ((nr == SYS_getpid || nr == SYS_getppid || nr == SYS_gettid) &&
	    v > 0 && v < PT_MAGIC)
		return scn_pid((pid_t)v);
	snprintf(out, 32, "%ld", v);
	return out;
}

/*
 * Waits for the next stop and prints it with what the tracer can read at
 * it; returns the registers.
 */
static struct user_regs_struct stop_info(pid_t child, bool siginfo);

static struct user_regs_struct next_stop(pid_t child, bool siginfo)
{
	pt_wait_say(child, 0, "wait");
	return stop_info(child, siginfo);
}

/* The stop's information read again (after a change). */
static void next_stop_again(pid_t child)
{
	stop_info(child, true);
}

static struct user_regs_struct stop_info(pid_t child, bool siginfo)
{
	struct __ptrace_syscall_info info;
	struct user_regs_struct regs;
	long n;

	scn_say("  GETEVENTMSG: %lu", pt_eventmsg(child));
	pt_getregs(child, &regs);
	scn_say("  regs: orig_rax %s, rax %s", syscall_name((long)regs.orig_rax),
		value_of((long)regs.orig_rax, (long)regs.rax));
	memset(&info, 0, sizeof(info));
	n = pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info),
		   (unsigned long)&info);
	if (n < 0)
		scn_say("  GET_SYSCALL_INFO = -1 %s", scn_errno(errno));
	else if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
		scn_say("  GET_SYSCALL_INFO = %ld: entry, %s, nr %s", n,
			arch_name(info.arch), syscall_name((long)info.entry.nr));
	else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
		scn_say("  GET_SYSCALL_INFO = %ld: exit, %s, rval %s, is_error %u",
			n, arch_name(info.arch),
			value_of((long)regs.orig_rax, (long)info.exit.rval),
			(unsigned)info.exit.is_error);
	else
		scn_say("  GET_SYSCALL_INFO = %ld: op %u, %s", n,
			(unsigned)info.op, arch_name(info.arch));
	if (siginfo)
		pt_say_siginfo(child, "  tracer");
	return regs;
}

static void resume_syscall(pid_t child)
{
	pt_must(PTRACE_SYSCALL, child, 0, 0);
}

static void set_regs_say(pid_t child, const struct user_regs_struct *regs,
			 const char *what)
{
	scn_say("  SETREGS: %s", what);
	pt_setregs(child, regs);
}

static void case_modify(void)
{
	static const long nrs[] = { SYS_getpid, SYS_getpid, SYS_gettid,
				    SYS_getppid, SYS_getuid, 0 };
	pid_t child = start_child(nrs);
	struct user_regs_struct regs;

	pt_say("PTRACE_SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	scn_say("-- getpid rewritten into getppid at entry");
	resume_syscall(child);
	regs = next_stop(child, false);
	regs.orig_rax = SYS_getppid;
	set_regs_say(child, &regs, "orig_rax getppid");
	resume_syscall(child);
	next_stop(child, false);

	scn_say("-- getpid's result replaced at exit");
	resume_syscall(child);
	next_stop(child, false);
	resume_syscall(child);
	regs = next_stop(child, false);
	regs.rax = (unsigned long long)PT_MAGIC;
	set_regs_say(child, &regs, "rax 5000001");

	scn_say("-- gettid skipped (orig_rax -1) with rax injected at entry");
	resume_syscall(child);
	regs = next_stop(child, false);
	regs.orig_rax = (unsigned long long)-1;
	regs.rax = (unsigned long long)PT_MAGIC + 1;
	set_regs_say(child, &regs, "orig_rax -1, rax 5000002");
	resume_syscall(child);
	next_stop(child, false);

	scn_say("-- getppid skipped (orig_rax -1), rax left alone");
	resume_syscall(child);
	regs = next_stop(child, false);
	regs.orig_rax = (unsigned long long)-1;
	set_regs_say(child, &regs, "orig_rax -1");
	resume_syscall(child);
	next_stop(child, false);

	scn_say("-- getuid turned into an error at exit");
	resume_syscall(child);
	next_stop(child, false);
	resume_syscall(child);
	regs = next_stop(child, false);
	regs.rax = (unsigned long long)-EPERM;
	set_regs_say(child, &regs, "rax -EPERM");
	finish(child);
}

/*
 * TRACEME, its own SIGSTOP, then the calls of @arg (a list ending in 0); it
 * reports their results once its tracer has let it run on.
 */
static int child_main(void *arg)
{
	const long *nrs = arg;
	long results[8];
	size_t n;

	close(report_pipe[0]);
	close(sync_pipe[0]);
	pt_traceme_then_post(sync_pipe[1]);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	for (n = 0; nrs[n] != 0; n++) {
		results[n] = syscall(nrs[n]);
		if (results[n] == -1)
			results[n] = -errno;
	}
	for (n = 0; nrs[n] != 0; n++) {
		long v = results[n];

		if (v < 0 && v >= -4095)
			scn_report(report_pipe[1], "  child: %s() = -%s",
				   syscall_name(nrs[n]), scn_errno((int)-v));
		else if (v > 0 && v < PT_MAGIC)
			scn_report(report_pipe[1], "  child: %s() = {pid %ld}",
				   syscall_name(nrs[n]), v);
		else
			scn_report(report_pipe[1], "  child: %s() = %ld",
				   syscall_name(nrs[n]), v);
	}
	return 0;
}

static pid_t start_child(const long *nrs)
{
	pid_t child;

	scn_pipe(report_pipe, O_CLOEXEC);
	scn_pipe(sync_pipe, O_CLOEXEC);
	child = pt_spawn(child_main, (void *)nrs);
	scn_say("child is %s", scn_pid(child));
	close(sync_pipe[1]);
	scn_take(sync_pipe[0]);
	close(sync_pipe[0]);
	pt_wait_say(child, 0, "wait");
	return child;
}

/* Lets the child run to its end and relays its report. */
static void finish(pid_t child)
{
	scn_say("-- PTRACE_CONT to the end");
	pt_must(PTRACE_CONT, child, 0, 0);
	close(report_pipe[1]);
	pt_wait_say(child, 0, "wait");
	scn_relay(report_pipe[0]);
	close(report_pipe[0]);
}

/* Two syscall-stop pairs, before and after PTRACE_O_TRACESYSGOOD. */
static void case_no_sysgood(void)
{
	static const long nrs[] = { SYS_getpid, SYS_getppid, 0 };
	pid_t child = start_child(nrs);

	scn_say("-- without PTRACE_O_TRACESYSGOOD");
	resume_syscall(child);
	next_stop(child, true);
	resume_syscall(child);
	next_stop(child, true);
	scn_say("-- with PTRACE_O_TRACESYSGOOD");
	pt_say("PTRACE_SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	resume_syscall(child);
	next_stop(child, true);
	resume_syscall(child);
	next_stop(child, true);
	finish(child);
}

/*
 * PTRACE_SETSIGINFO at a syscall stop replaces the stop's siginfo, whose
 * si_code PTRACE_GETSIGINFO then shows and PTRACE_GET_SYSCALL_INFO decides
 * by (kernel/ptrace.c: ptrace_get_syscall_info(): entry or exit only for
 * SIGTRAP | 0x80): a zeroed siginfo reads back zeroed, op NONE; one with
 * SIGTRAP | 0x80 makes a stop without TRACESYSGOOD an entry. (Inside,
 * GETSIGINFO showed the stop's own si_code: ptfuzz seed 306 step 3444, at
 * 10000 steps.)
 */
static void case_setsiginfo(void)
{
	static const long nrs[] = { SYS_getpid, SYS_getppid, 0 };
	pid_t child = start_child(nrs);
	siginfo_t si;

	scn_say("-- without PTRACE_O_TRACESYSGOOD");
	resume_syscall(child);
	next_stop(child, true);
	memset(&si, 0, sizeof(si));
	pt_say("SETSIGINFO(zeroed)", PTRACE_SETSIGINFO, child, 0,
	       (unsigned long)&si);
	pt_say_siginfo(child, "  tracer");
	si.si_signo = SIGTRAP;
	si.si_code = SIGTRAP | 0x80;
	pt_say("SETSIGINFO(SIGTRAP, SIGTRAP|0x80)", PTRACE_SETSIGINFO, child, 0,
	       (unsigned long)&si);
	next_stop_again(child);
	resume_syscall(child);
	next_stop(child, true);
	scn_say("-- with PTRACE_O_TRACESYSGOOD");
	pt_say("PTRACE_SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	resume_syscall(child);
	next_stop(child, true);
	si.si_code = SIGTRAP;
	pt_say("SETSIGINFO(SIGTRAP, SIGTRAP)", PTRACE_SETSIGINFO, child, 0,
	       (unsigned long)&si);
	next_stop_again(child);
	finish(child);
}

static void case_sysgood(void)
{
	static const long nrs[] = { SYS_getpid, SYS_getppid, 0 };
	pid_t child = start_child(nrs);

	pt_say("PTRACE_SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	for (int i = 0; i < 4; i++) {
		resume_syscall(child);
		next_stop(child, true);
	}
	finish(child);
}

/* TRACEME, SIGSTOP, a fixed loop, then exit_group: the code stepped over. */
static int stepped_main(void *arg)
{
	volatile long sum = 0;

	(void)arg;
	close(sync_pipe[0]);
	pt_traceme_then_post(sync_pipe[1]);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	for (int i = 0; i < 10; i++)
		sum += i;
	syscall(SYS_exit_group, (long)sum);
	return 1;
}

/* stepped_main()'s child, in the signal-delivery-stop of its SIGSTOP. */
static pid_t spawn_stepped(void)
{
	pid_t child;

	scn_pipe(sync_pipe, O_CLOEXEC);
	child = pt_spawn(stepped_main, NULL);
	close(sync_pipe[1]);
	scn_take(sync_pipe[0]);
	close(sync_pipe[0]);
	pt_wait_expect(child, 0x137f);
	return child;
}

/* Resumes the stopped child with @request until it exits; counts the traps. */
static void step_to_end(long request, const char *name)
{
	pid_t child = spawn_stepped();
	long traps = 0;
	int status;

	for (;;) {
		if (pt_raw(request, child, 0, 0) < 0) {
			scn_say("%s = -1 %s", name, scn_errno(errno));
			pt_must(PTRACE_KILL, child, 0, 0);
			pt_wait(child, &status, 0);
			return;
		}
		pt_wait(child, &status, 0);
		if (!WIFSTOPPED(status))
			break;
		if (status != 0x57f) {
			scn_say("%s: unexpected %s", name, pt_status(status));
			break;
		}
		traps++;
	}
	scn_say("%s: %ld SIGTRAP stops, then %s", name, traps,
		pt_status(status));
	if (WIFSTOPPED(status)) {
		pt_must(PTRACE_KILL, child, 0, 0);
		pt_wait(child, &status, 0);
	}
}

/*
 * Branch stepping stops at fewer places than instruction stepping where the
 * CPU's DEBUGCTL.BTF works; this machine's hypervisor ignores it, and the two
 * counts are equal natively too.
 */
static void case_step(void)
{
	step_to_end(PTRACE_SINGLESTEP, "PTRACE_SINGLESTEP");
	step_to_end(PTRACE_SINGLEBLOCK, "PTRACE_SINGLEBLOCK");
}

/*
 * PTRACE_SYSEMU (arch/x86, kernel/entry/common.c:syscall_trace_enter()):
 * the tracee stops at each call's entry and the call is not made; what
 * the tracer left in rax is its result, and no syscall-exit-stop follows
 * unless PTRACE_SYSCALL resumes it (syscall_exit_work() reads the work
 * flags again). Whether a call is emulated is decided by the flags read
 * before its entry-stop: PTRACE_SYSEMU given at an entry-stop that
 * PTRACE_SYSCALL made lets that call run, and makes no exit-stop.
 */
static void case_sysemu(void)
{
	static const long nrs[] = { SYS_getpid, SYS_getppid, SYS_gettid,
				    SYS_getuid, 0 };
	pid_t child = start_child(nrs);
	struct user_regs_struct regs;

	pt_say("PTRACE_SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	scn_say("-- PTRACE_SYSEMU: getpid's entry, its result injected");
	pt_must(PTRACE_SYSEMU, child, 0, 0);
	regs = next_stop(child, true);
	regs.rax = (unsigned long long)PT_MAGIC;
	set_regs_say(child, &regs, "rax 5000001");
	scn_say("-- PTRACE_SYSEMU: getppid's entry, no exit-stop before it");
	pt_must(PTRACE_SYSEMU, child, 0, 0);
	next_stop(child, true);
	scn_say("-- PTRACE_SYSCALL from it: the emulated call's exit-stop");
	resume_syscall(child);
	next_stop(child, true);
	scn_say("-- PTRACE_SYSCALL: gettid's entry");
	resume_syscall(child);
	next_stop(child, false);
	scn_say("-- PTRACE_SYSEMU from it: gettid runs, getuid's entry next");
	pt_must(PTRACE_SYSEMU, child, 0, 0);
	next_stop(child, true);
	finish(child);
}

/*
 * PTRACE_SYSEMU_SINGLESTEP: single steps, and a call's entry stops as
 * PTRACE_SYSEMU's do, without the call (here exit_group, which the child
 * then survives: it returns and _exits with 1); PTRACE_CONT from that
 * stop does not make the call either.
 */
static void case_sysemu_singlestep(void)
{
	struct __ptrace_syscall_info info;
	pid_t child = spawn_stepped();
	long steps = 0;
	int status;

	pt_must(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD);
	for (;;) {
		pt_must(PTRACE_SYSEMU_SINGLESTEP, child, 0, 0);
		pt_wait(child, &status, 0);
		if (status != 0x57f)
			break;
		steps++;
	}
	scn_say("PTRACE_SYSEMU_SINGLESTEP: %ld SIGTRAP stops, then %s", steps,
		pt_status(status));
	if (!WIFSTOPPED(status))
		return;
	memset(&info, 0, sizeof(info));
	if (pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info),
		   (unsigned long)&info) < 0)
		scn_say("  GET_SYSCALL_INFO = -1 %s", scn_errno(errno));
	else
		scn_say("  GET_SYSCALL_INFO: op %s, nr %s",
			info.op == PTRACE_SYSCALL_INFO_ENTRY ? "entry" : "other",
			info.entry.nr == SYS_exit_group ? "exit_group" : "other");
	pt_say_siginfo(child, "  tracer");
	scn_say("-- PTRACE_CONT");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "sysgood", case_sysgood },
		{ "no-sysgood", case_no_sysgood },
		{ "modify", case_modify },
		{ "step", case_step },
		{ "setsiginfo", case_setsiginfo },
		{ "sysemu", case_sysemu },
		{ "sysemu-singlestep", case_sysemu_singlestep },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
