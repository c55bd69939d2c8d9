/*
 * ptrace(2) through the i386 entry point (int 0x80) of a 64-bit tracer:
 * compat_sys_ptrace() (kernel/ptrace.c) makes the x86_64 call's checks,
 * in its order, then compat_arch_ptrace() carries the request out; the
 * word requests move a compat_ulong_t, 32 bits (compat_ptrace_request()).
 *  - words: PEEKDATA, POKEDATA and GETEVENTMSG move 32 bits; a peek of
 *    an unmapped address is EIO, a bad result pointer EFAULT;
 *  - checks: ESRCH for a task that is not a tracee or not stopped, EIO
 *    for a bad request or signal, INTERRUPT of a tracee not seized, and
 *    the requests whose layout is the x86_64 one (SETOPTIONS, GETSIGMASK,
 *    CONT, SYSCALL) work;
 *  - regs: GETREGS, SETREGS, PEEKUSER and POKEUSER in struct user32's
 *    layout (the low 32 bits of each register; a write zeroes the high
 *    ones; debug registers at 252; other fields read 0), GETREGSET and
 *    SETREGSET with a compat iovec and the tracee's own (x86_64) regset;
 *  - siginfo: GETSIGINFO, SETSIGINFO and PEEKSIGINFO in compat_siginfo's
 *    layout (fields at 12; 32-bit pointers, longs and clock_t, which grow
 *    by sign extension but for pointers);
 *  - fpu: GETFPREGS and SETFPREGS in the FSAVE layout (the full tag word
 *    computed from FXSAVE's), GETFPXREGS and SETFPXREGS (FXSAVE's).
 * Where IA-32 emulation is off (int 0x80 raises SIGSEGV) each case says
 * so, the same way on both sides.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "pt.h"

/* Below 4 GiB, where an i386 call's pointers can reach. */
struct low {
	uint64_t value;		/* in the tracee */
	uint32_t word;		/* the tracer's results */
	uint64_t mask;
};

static struct low *low;

/* ptrace(2) through int 0x80, its result printed as the raw call's. */
static long say32(const char *what, long request, pid_t pid, unsigned long addr,
		  unsigned long data)
{
	char buf[32];
	long r = scn_int80(SCN_I386_ptrace, request, pid, (long)addr,
			   (long)data, 0);

	scn_say("i386 %s = %s", what, scn_raw_result(r, buf));
	return r;
}

/*
 * A child that stops itself, traced by the printer (TRACEME); false if
 * there is no int 0x80 here.
 */
static bool start(pid_t *child)
{
	if (!scn_have_int80()) {
		scn_say("int 0x80 is not available on this kernel");
		return false;
	}
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	scn_check(low != MAP_FAILED);
	low->value = 0x1122334455667788ULL;
	*child = scn_fork();
	if (*child == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(7);
	}
	pt_wait_say(*child, 0, "wait(child)");
	return true;
}

/* The child continued to its exit event, then to its end. */
static void finish(pid_t child)
{
	pt_must(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACEEXIT);
	say32("PTRACE_CONT", PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait(child)");
	low->word = 0;
	say32("PTRACE_GETEVENTMSG(child, word)", PTRACE_GETEVENTMSG, child, 0,
	      (unsigned long)&low->word);
	scn_say("word = %#x", low->word);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait(child)");
}

static void case_words(void)
{
	pid_t child;

	if (!start(&child))
		return;
	say32("PTRACE_PEEKDATA(child, &value, &word)", PTRACE_PEEKDATA, child,
	      (unsigned long)&low->value, (unsigned long)&low->word);
	scn_say("word = %#x", low->word);
	say32("PTRACE_PEEKDATA(child, 0x1000, &word)", PTRACE_PEEKDATA, child,
	      0x1000, (unsigned long)&low->word);
	say32("PTRACE_PEEKDATA(child, &value, 0x10)", PTRACE_PEEKDATA, child,
	      (unsigned long)&low->value, 0x10);
	say32("PTRACE_POKEDATA(child, &value, 0xdeadbeef)", PTRACE_POKEDATA,
	      child, (unsigned long)&low->value, 0xdeadbeef);
	say32("PTRACE_POKEDATA(child, 0x1000, 1)", PTRACE_POKEDATA, child,
	      0x1000, 1);
	errno = 0;
	scn_say("x86_64 PTRACE_PEEKDATA(child, &value) = %#lx",
		ptrace(PTRACE_PEEKDATA, child, &low->value, 0));
	say32("PTRACE_GETEVENTMSG(child, 0x10)", PTRACE_GETEVENTMSG, child, 0,
	      0x10);
	finish(child);
}

static void case_checks(void)
{
	pid_t child;

	if (!start(&child))
		return;
	say32("PTRACE_PEEKDATA(1, &value, &word)", PTRACE_PEEKDATA, 1,
	      (unsigned long)&low->value, (unsigned long)&low->word);
	say32("PTRACE_GETEVENTMSG(1, 0, &word)", PTRACE_GETEVENTMSG, 1, 0,
	      (unsigned long)&low->word);
	say32("PTRACE_GETREGS(1, 0, &word)", PTRACE_GETREGS, 1, 0,
	      (unsigned long)&low->word);
	say32("request 0x7777 (child)", 0x7777, child, 0, 0);
	say32("PTRACE_INTERRUPT(child)", PTRACE_INTERRUPT, child, 0, 0);
	say32("PTRACE_CONT(child, 0, 100)", PTRACE_CONT, child, 0, 100);
	say32("PTRACE_SETOPTIONS(child, 0, 1 << 30)", PTRACE_SETOPTIONS, child,
	      0, 1UL << 30);
	say32("PTRACE_SETOPTIONS(child, 0, TRACESYSGOOD)", PTRACE_SETOPTIONS,
	      child, 0, PTRACE_O_TRACESYSGOOD);
	low->mask = 0;
	say32("PTRACE_GETSIGMASK(child, 8, &mask)", PTRACE_GETSIGMASK, child,
	      8, (unsigned long)&low->mask);
	scn_say("mask = %#llx", (unsigned long long)low->mask);
	say32("PTRACE_SYSCALL(child)", PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait(child)");
	finish(child);
}

/* Registers (x86_64 view) as a 32-bit slot array says them. */
static const size_t slot_field[17] = {
	offsetof(struct user_regs_struct, rbx),
	offsetof(struct user_regs_struct, rcx),
	offsetof(struct user_regs_struct, rdx),
	offsetof(struct user_regs_struct, rsi),
	offsetof(struct user_regs_struct, rdi),
	offsetof(struct user_regs_struct, rbp),
	offsetof(struct user_regs_struct, rax),
	offsetof(struct user_regs_struct, ds),
	offsetof(struct user_regs_struct, es),
	offsetof(struct user_regs_struct, fs),
	offsetof(struct user_regs_struct, gs),
	offsetof(struct user_regs_struct, orig_rax),
	offsetof(struct user_regs_struct, rip),
	offsetof(struct user_regs_struct, cs),
	offsetof(struct user_regs_struct, eflags),
	offsetof(struct user_regs_struct, rsp),
	offsetof(struct user_regs_struct, ss),
};

static uint64_t field(const struct user_regs_struct *r, unsigned slot)
{
	return *(const uint64_t *)((const char *)r + slot_field[slot]);
}

/* How many of the 17 slots hold the low 32 bits of @r's registers. */
static unsigned slots_matching(const uint32_t *slots,
			       const struct user_regs_struct *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 17; i++)
		n += slots[i] == (uint32_t)field(r, i);
	return n;
}

static void case_regs(void)
{
	struct user_regs_struct r64, now;
	uint32_t *slots;
	pid_t child;

	if (!start(&child))
		return;
	slots = (uint32_t *)(low + 1);
	pt_must(PTRACE_GETREGS, child, 0, (unsigned long)&r64);
	say32("PTRACE_GETREGS(child, slots)", PTRACE_GETREGS, child, 0,
	      (unsigned long)slots);
	scn_say("slots holding x86_64's low 32 bits: %u of 17",
		slots_matching(slots, &r64));
	say32("PTRACE_GETREGS(child, 0x10)", PTRACE_GETREGS, child, 0, 0x10);
	say32("PTRACE_PEEKUSER(child, 4 (ecx), &word)", PTRACE_PEEKUSER, child,
	      4, (unsigned long)&low->word);
	scn_say("word is ecx's: %s",
		low->word == (uint32_t)r64.rcx ? "yes" : "no");
	say32("PTRACE_PEEKUSER(child, 2)", PTRACE_PEEKUSER, child, 2,
	      (unsigned long)&low->word);
	low->word = 7;
	say32("PTRACE_PEEKUSER(child, 200 (a dummy field))", PTRACE_PEEKUSER,
	      child, 200, (unsigned long)&low->word);
	scn_say("word = %#x", low->word);
	say32("PTRACE_PEEKUSER(child, 284 (the size))", PTRACE_PEEKUSER, child,
	      284, (unsigned long)&low->word);
	say32("PTRACE_PEEKUSER(child, 288)", PTRACE_PEEKUSER, child, 288,
	      (unsigned long)&low->word);
	say32("PTRACE_POKEUSER(child, 0 (ebx), 0x12345678)", PTRACE_POKEUSER,
	      child, 0, 0x12345678);
	say32("PTRACE_POKEUSER(child, 252 (dr0), 0x1000)", PTRACE_POKEUSER, child,
	      252, 0x1000);
	say32("PTRACE_PEEKUSER(child, 252 (dr0), &word)", PTRACE_PEEKUSER, child,
	      252, (unsigned long)&low->word);
	scn_say("word = %#x", low->word);
	say32("PTRACE_POKEUSER(child, 200 (a dummy field), 1)", PTRACE_POKEUSER,
	      child, 200, 1);
	slots[1] = 0xabcdef01;		/* ecx */
	say32("PTRACE_SETREGS(child, slots with ecx 0xabcdef01)",
	      PTRACE_SETREGS, child, 0, (unsigned long)slots);
	pt_must(PTRACE_GETREGS, child, 0, (unsigned long)&now);
	scn_say("x86_64 rcx %#llx; rbx, rdx as the slots say: %s",
		(unsigned long long)now.rcx,
		now.rbx == slots[0] && now.rdx == slots[2] ? "yes" : "no");
	say32("PTRACE_SETREGS(child, 0x10)", PTRACE_SETREGS, child, 0, 0x10);
	pt_must(PTRACE_SETREGS, child, 0, (unsigned long)&r64);
	pt_must(PTRACE_POKEUSER, child,
		offsetof(struct user, u_debugreg), 0);
	/* A compat iovec: base, length. */
	slots[20] = (uint32_t)(uintptr_t)&slots[24];
	slots[21] = sizeof(r64);
	say32("PTRACE_GETREGSET(child, NT_PRSTATUS, iovec32)",
	      PTRACE_GETREGSET, child, NT_PRSTATUS, (unsigned long)&slots[20]);
	scn_say("length %u; the x86_64 layout, as x86_64's GETREGS: %s",
		slots[21], memcmp(&slots[24], &r64, sizeof(r64)) == 0 ? "yes"
								      : "no");
	slots[21] = 8;
	say32("PTRACE_SETREGSET(child, NT_PRSTATUS, iovec32 of 8)",
	      PTRACE_SETREGSET, child, NT_PRSTATUS, (unsigned long)&slots[20]);
	scn_say("length %u", slots[21]);
	finish(child);
}

/* A 32-bit field of an i386 siginfo at byte @off. */
static uint32_t at(const uint32_t *si32, unsigned off)
{
	return si32[off / 4];
}

static void case_siginfo(void)
{
	struct __ptrace_peeksiginfo_args *args;
	uint32_t *si32;
	siginfo_t si;
	pid_t child;

	if (!start(&child))
		return;
	si32 = (uint32_t *)(low + 1);
	args = (struct __ptrace_peeksiginfo_args *)&si32[64];
	say32("PTRACE_GETSIGINFO(child, si32)", PTRACE_GETSIGINFO, child, 0,
	      (unsigned long)si32);
	scn_say("signo %s code %d; pid (at 12) is the child's: %s; uid (at 16) "
		"ours: %s", sigabbrev_np((int)at(si32, 0)), (int)at(si32, 8),
		at(si32, 12) == (uint32_t)child ? "yes" : "no",
		at(si32, 16) == getuid() ? "yes" : "no");
	say32("PTRACE_GETSIGINFO(child, 0x10)", PTRACE_GETSIGINFO, child, 0,
	      0x10);

	memset(si32, 0, 128);
	si32[0] = SIGUSR1;
	si32[2] = (uint32_t)SI_QUEUE;
	si32[3] = 5000001;	/* pid */
	si32[4] = 7;		/* uid */
	si32[5] = 0x1234;	/* sigval */
	say32("PTRACE_SETSIGINFO(child, SIGUSR1 SI_QUEUE)", PTRACE_SETSIGINFO,
	      child, 0, (unsigned long)si32);
	pt_must(PTRACE_GETSIGINFO, child, 0, (unsigned long)&si);
	scn_say("x86_64: signo %s code %d pid %d uid %u int %#x",
		sigabbrev_np(si.si_signo), si.si_code, (int)si.si_pid,
		(unsigned)si.si_uid, (unsigned)si.si_value.sival_int);

	memset(si32, 0, 128);
	si32[0] = SIGCHLD;
	si32[2] = CLD_EXITED;
	si32[3] = 5000002;	/* pid */
	si32[5] = 3;		/* status */
	si32[6] = 0xffffffff;	/* utime: -1 */
	si32[7] = 5;		/* stime */
	say32("PTRACE_SETSIGINFO(child, SIGCHLD CLD_EXITED)", PTRACE_SETSIGINFO,
	      child, 0, (unsigned long)si32);
	pt_must(PTRACE_GETSIGINFO, child, 0, (unsigned long)&si);
	scn_say("x86_64: pid %d status %d utime %ld stime %ld", (int)si.si_pid,
		si.si_status, (long)si.si_utime, (long)si.si_stime);
	memset(si32, 0xaa, 128);
	say32("PTRACE_GETSIGINFO(child, si32)", PTRACE_GETSIGINFO, child, 0,
	      (unsigned long)si32);
	scn_say("i386: pid %u status %u utime %#x stime %u; byte 32 %#x",
		at(si32, 12), at(si32, 20), at(si32, 24), at(si32, 28),
		(unsigned)((unsigned char *)si32)[32]);

	memset(si32, 0, 128);
	si32[0] = SIGSEGV;
	si32[2] = SEGV_MAPERR;
	si32[3] = 0xdeadbeef;	/* addr */
	say32("PTRACE_SETSIGINFO(child, SIGSEGV SEGV_MAPERR)", PTRACE_SETSIGINFO,
	      child, 0, (unsigned long)si32);
	pt_must(PTRACE_GETSIGINFO, child, 0, (unsigned long)&si);
	scn_say("x86_64: addr %p", si.si_addr);
	say32("PTRACE_SETSIGINFO(child, 0x10)", PTRACE_SETSIGINFO, child, 0,
	      0x10);

	scn_say("-- tgkill(child, SIGUSR2): pending");
	syscall(SYS_tgkill, child, child, SIGUSR2);
	args->off = 0;
	args->flags = 0;
	args->nr = 4;
	memset(si32, 0, 128);
	say32("PTRACE_PEEKSIGINFO(child, {0, 0, 4}, si32)", PTRACE_PEEKSIGINFO,
	      child, (unsigned long)args, (unsigned long)si32);
	scn_say("signo %s code %d; pid (at 12) ours: %s",
		sigabbrev_np((int)at(si32, 0)), (int)at(si32, 8),
		at(si32, 12) == (uint32_t)getpid() ? "yes" : "no");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait(child)");
	finish(child);
}

/* struct user_i387_ia32_struct: 7 words, then 8 registers of 10 bytes. */
struct i387 {
	uint32_t cwd, swd, twd, fip, fcs, foo, fos;
	unsigned char st[80];
};

static void case_fpu(void)
{
	struct user_fpregs_struct fx, now;
	struct user_regs_struct r64;
	struct i387 *env;
	unsigned char *fxsr;
	bool same_st = true;
	pid_t child;

	if (!start(&child))
		return;
	env = (struct i387 *)(low + 1);
	fxsr = (unsigned char *)(env + 1);
	pt_must(PTRACE_GETFPREGS, child, 0, (unsigned long)&fx);
	pt_must(PTRACE_GETREGS, child, 0, (unsigned long)&r64);
	say32("PTRACE_GETFPREGS(child, env)", PTRACE_GETFPREGS, child, 0,
	      (unsigned long)env);
	for (unsigned i = 0; i < 8; i++)
		same_st &= memcmp(env->st + 10 * i,
				  (char *)fx.st_space + 16 * i, 10) == 0;
	scn_say("cwd %#x swd %s twd %#x; fip, foo the low 32 bits of "
		"x86_64's: %s; fcs cs, fos ds: %s; registers: %s", env->cwd,
		env->swd == (fx.swd | 0xffff0000u) ? "as x86_64's" : "differs",
		env->twd,
		env->fip == (uint32_t)fx.rip && env->foo == (uint32_t)fx.rdp ?
			"yes" : "no",
		env->fcs == (uint32_t)r64.cs &&
			env->fos == ((uint32_t)r64.ds | 0xffff0000u) ? "yes"
								     : "no",
		same_st ? "the same" : "differ");
	env->cwd = 0x27f;
	env->twd = 0xfffc;	/* st0 valid, the rest empty */
	say32("PTRACE_SETFPREGS(child, env with cwd 0x27f, st0 valid)",
	      PTRACE_SETFPREGS, child, 0, (unsigned long)env);
	pt_must(PTRACE_GETFPREGS, child, 0, (unsigned long)&now);
	scn_say("x86_64: cwd %#x ftw %#x; mxcsr kept: %s", now.cwd, now.ftw,
		now.mxcsr == fx.mxcsr ? "yes" : "no");
	memcpy(env->st, "\x01\0\0\0\0\0\0\x80\xff\x3f", 10);	/* 1.0 */
	say32("PTRACE_SETFPREGS(child, env with st0 1.0)", PTRACE_SETFPREGS,
	      child, 0, (unsigned long)env);
	env->twd = 0;
	say32("PTRACE_GETFPREGS(child, env)", PTRACE_GETFPREGS, child, 0,
	      (unsigned long)env);
	scn_say("twd %#x (st0 valid)", env->twd);
	memset(env->st, 0, 10);
	say32("PTRACE_SETFPREGS(child, env with st0 0)", PTRACE_SETFPREGS,
	      child, 0, (unsigned long)env);
	say32("PTRACE_GETFPREGS(child, env)", PTRACE_GETFPREGS, child, 0,
	      (unsigned long)env);
	scn_say("twd %#x (st0 zero)", env->twd);
	say32("PTRACE_GETFPXREGS(child, fxsr)", PTRACE_GETFPXREGS, child, 0,
	      (unsigned long)fxsr);
	scn_say("the FXSAVE area, as x86_64's GETFPREGS: %s",
		memcmp(fxsr, &now, sizeof(now)) == 0 ? "yes" : "no");
	memcpy(fxsr, &fx, sizeof(fx));
	say32("PTRACE_SETFPXREGS(child, the first FXSAVE area)",
	      PTRACE_SETFPXREGS, child, 0, (unsigned long)fxsr);
	pt_must(PTRACE_GETFPREGS, child, 0, (unsigned long)&now);
	scn_say("x86_64: cwd %#x; as at first: %s", now.cwd,
		memcmp(&now, &fx, sizeof(fx)) == 0 ? "yes" : "no");
	say32("PTRACE_GETFPREGS(child, 0x10)", PTRACE_GETFPREGS, child, 0, 0x10);
	say32("PTRACE_SETFPXREGS(child, 0x10)", PTRACE_SETFPXREGS, child, 0,
	      0x10);
	finish(child);
}

static void say_sigchld_pending(const char *when)
{
	sigset_t pending;

	sigpending(&pending);
	scn_say("%s: SIGCHLD pending: %s", when,
		sigismember(&pending, SIGCHLD) ? "yes" : "no");
}

/*
 * i386's signal(2) sets an action as sigaction does: SIGCHLD's SIG_IGN
 * means a child's stop is not told to its tracer, blocked or not
 * (kernel/signal.c:do_notify_parent_cldstop()); a traced child's exit is
 * (do_notify_parent()).
 */
static void case_signal_sigchld(void)
{
	pid_t child;
	int status;

	if (!scn_have_int80()) {
		scn_say("int 0x80 is not available on this kernel");
		return;
	}
	scn_block(SIGCHLD, true);
	scn_say("signal(SIGCHLD, SIG_IGN) = %s",
		scn_int80(SCN_I386_signal, SIGCHLD, (long)SIG_IGN, 0, 0, 0) ==
				(long)SIG_DFL
			? "SIG_DFL"
			: "another handler");
	child = scn_fork();
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(7);
	}
	pt_wait_say(child, 0, "wait(child)");
	say_sigchld_pending("at its stop");
	pt_must(PTRACE_CONT, child, 0, 0);
	if (waitpid(child, &status, 0) != child)
		scn_die("waitpid");
	scn_say("child exited %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	say_sigchld_pending("at its exit");
	signal(SIGCHLD, SIG_DFL);
	scn_block(SIGCHLD, false);
}

static const struct pt_case cases[] = {
	{ "words", case_words },
	{ "checks", case_checks },
	{ "regs", case_regs },
	{ "siginfo", case_siginfo },
	{ "fpu", case_fpu },
	{ "signal-sigchld", case_signal_sigchld },
};

int main(int argc, char **argv)
{
	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
