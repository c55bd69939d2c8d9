/*
 * Debug registers through PEEKUSER/POKEUSER of struct user's u_debugreg[]
 * (issue #4):
 *  - exec-bp: dr0 on a function, enabled in dr7: the tracee stops with
 *    SIGTRAP, si_code TRAP_HWBKPT, dr6 naming dr0, rip on the function;
 *    resumed with eflags.RF it runs on and hits it again;
 *  - watch: a write watchpoint (dr1) and a read/write one (dr2) on words
 *    of data, which fire after the access;
 *  - invalid: dr7 values the kernel refuses (I/O breakpoints, an execution
 *    breakpoint longer than 1, a misaligned watchpoint), dr4/dr5, kernel
 *    addresses, reserved bits; each followed by what reads back.
 * Register values are printed in hex without "0x" (compare.sh would mask
 * the long ones as addresses); addresses only relative to known symbols.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int rep[2];
static volatile long watched_word, read_word = 5;

static PT_ONE_COPY int target(int x)
{
	scn_report(rep[1], "  child: in target(%d)", x);
	return x + 1;
}
static int (*volatile target_ptr)(int) = target;

#define DR_OFF(i) offsetof(struct user, u_debugreg[i])

/* An address in dr0-3, named by the symbol it points into. */
static const char *symbol(unsigned long v)
{
	static char buf[4][48];
	static unsigned next;
	static const struct {
		const char *name;
		unsigned long addr;
	} syms[] = {
		{ "target", (unsigned long)(void *)target },
		{ "&watched_word", (unsigned long)&watched_word },
		{ "&read_word", (unsigned long)&read_word },
	};
	char *out = buf[next++ % 4];

	if (v == 0)
		return "0";
	for (size_t i = 0; i < sizeof(syms) / sizeof(*syms); i++)
		if (v - syms[i].addr < 8) {
			snprintf(out, 48, "%s+%lu", syms[i].name, v - syms[i].addr);
			return out;
		}
	return "(another address)";
}

/* Prints "drN = hex" for each register of @which, "-1 E" on failure. */
static void say_drs(pid_t child, const char *which)
{
	char line[256] = "  ";
	size_t len = 2;

	for (const char *p = which; *p; p++) {
		int i = *p - '0';
		unsigned long v = 0;

		if (pt_raw(PTRACE_PEEKUSER, child, DR_OFF(i), (unsigned long)&v) < 0)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						"dr%d -1 %s  ", i, scn_errno(errno));
		else if (i < 4)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						"dr%d %s  ", i, symbol(v));
		else
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						"dr%d %lx  ", i, v);
	}
	scn_say("%s", line);
}

static long poke_dr(pid_t child, int i, unsigned long v, const char *what)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "POKEUSER(dr%d, %s)", i, what);
	return pt_say(buf, PTRACE_POKEUSER, child, DR_OFF(i), v);
}

/*
 * Waits for the hardware breakpoint's stop. Where the machine does not
 * deliver debug exceptions (some hypervisors), the child runs to its end:
 * say so (the same way on both sides) and return false.
 */
static bool wait_hw_stop(pid_t child)
{
	int status = pt_wait_say(child, 0, "wait");

	if (WIFSTOPPED(status))
		return true;
	scn_say("no debug exception: this machine does not deliver them");
	scn_relay(rep[0]);
	close(rep[0]);
	return false;
}

static void say_trap(pid_t child)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (pt_raw(PTRACE_GETSIGINFO, child, 0, (unsigned long)&si) != 0)
		scn_say("  GETSIGINFO = -1 %s", scn_errno(errno));
	else
		scn_say("  siginfo %s code %s (%d)", scn_sig(si.si_signo),
			scn_si_code(si.si_signo, si.si_code), si.si_code);
}

static int exec_child(void *arg)
{
	(void)arg;
	target_ptr(1);
	target_ptr(2);
	target_ptr(3);
	return 0;
}

static void case_exec_bp(void)
{
	unsigned long text = (unsigned long)(void *)target;
	struct user_regs_struct regs;
	pid_t child = pt_spawn_reporting(exec_child, rep);

	scn_say("-- at the start");
	say_drs(child, "01234567");
	poke_dr(child, 0, text, "target");
	poke_dr(child, 7, 0x1, "L0, execute, length 1");
	say_drs(child, "067");
	pt_must(PTRACE_CONT, child, 0, 0);
	if (!wait_hw_stop(child))
		return;
	say_trap(child);
	pt_getregs(child, &regs);
	scn_say("  rip = target + %lld, rdi %lld", (long long)(regs.rip - text),
		regs.rdi);
	say_drs(child, "67");
	scn_say("-- clear dr6, resume with eflags.RF: runs on to the next call");
	poke_dr(child, 6, 0, "0");
	say_drs(child, "6");
	regs.eflags |= 0x10000;
	pt_setregs(child, &regs);
	pt_must(PTRACE_CONT, child, 0, 0);
	if (!wait_hw_stop(child))
		return;
	say_trap(child);
	pt_getregs(child, &regs);
	scn_say("  rip = target + %lld, rdi %lld", (long long)(regs.rip - text),
		regs.rdi);
	say_drs(child, "67");
	scn_say("-- dr7 cleared: no more stops");
	poke_dr(child, 7, 0, "0");
	say_drs(child, "07");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static int watch_child(void *arg)
{
	long r;

	(void)arg;
	watched_word = 42;
	r = read_word;
	scn_report(rep[1], "  child: watched_word %ld, read_word %ld",
		   watched_word, r);
	return 0;
}

static void case_watch(void)
{
	unsigned long w;
	pid_t child = pt_spawn_reporting(watch_child, rep);

	/* L1, RW1 = 01 (write), LEN1 = 11 (8 bytes); L2, RW2 = 11, LEN2 = 11. */
	poke_dr(child, 1, (unsigned long)&watched_word, "&watched_word");
	poke_dr(child, 2, (unsigned long)&read_word, "&read_word");
	poke_dr(child, 7, 0x4 | 0x1UL << 20 | 0x3UL << 22,
		"L1, write, length 8");
	say_drs(child, "127");
	pt_must(PTRACE_CONT, child, 0, 0);
	if (!wait_hw_stop(child))
		return;
	say_trap(child);
	say_drs(child, "6");
	if (pt_raw(PTRACE_PEEKDATA, child, (unsigned long)&watched_word,
		   (unsigned long)&w) == 0)
		scn_say("  watched_word already %ld", (long)w);
	scn_say("-- dr7: L2 read/write only");
	poke_dr(child, 6, 0, "0");
	poke_dr(child, 7, 0x10 | 0x3UL << 24 | 0x3UL << 26,
		"L2, read/write, length 8");
	say_drs(child, "67");
	pt_must(PTRACE_CONT, child, 0, 0);
	if (!wait_hw_stop(child))
		return;
	say_trap(child);
	say_drs(child, "6");
	poke_dr(child, 7, 0, "0");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static int plain_child(void *arg)
{
	(void)arg;
	scn_report(rep[1], "  child: done");
	return 0;
}

static void case_invalid(void)
{
	unsigned long var = (unsigned long)&watched_word;
	pid_t child = pt_spawn_reporting(plain_child, rep);

	poke_dr(child, 0, var, "&watched_word");
	poke_dr(child, 7, 0x1 | 0x2UL << 16, "L0, I/O breakpoint");
	say_drs(child, "07");
	poke_dr(child, 7, 0x1 | 0x3UL << 18, "L0, execute, length 4");
	say_drs(child, "07");
	poke_dr(child, 7, 0x1 | 0x1UL << 16 | 0x2UL << 18, "L0, write, length 8");
	say_drs(child, "07");
	poke_dr(child, 0, var + 4, "&watched_word + 4: misaligned for length 8");
	say_drs(child, "07");
	poke_dr(child, 7, 0, "0");
	poke_dr(child, 0, var + 4, "&watched_word + 4, disabled");
	poke_dr(child, 7, 0x1 | 0x1UL << 16 | 0x2UL << 18,
		"L0, write, length 8: misaligned");
	say_drs(child, "07");
	poke_dr(child, 7, 0, "0");
	poke_dr(child, 1, 0xffffffff81000000UL, "a kernel address");
	poke_dr(child, 1, 1UL << 47, "non-canonical");
	poke_dr(child, 1, 1UL << 47 | 0xffff000000000000UL, "-(1 << 47)");
	say_drs(child, "17");
	poke_dr(child, 2, var, "&watched_word");
	poke_dr(child, 7, 0x20, "G2 only");
	say_drs(child, "27");
	poke_dr(child, 7, 0x10 | 0x300, "L2, LE, GE");
	say_drs(child, "27");
	poke_dr(child, 7, 0x10 | 0x2000, "L2, GD");
	say_drs(child, "27");
	poke_dr(child, 7, 0x10 | 0x400, "L2, reserved bit 10");
	say_drs(child, "27");
	poke_dr(child, 7, 0x10 | 0xffffffffUL << 32, "L2, high 32 bits");
	say_drs(child, "27");
	poke_dr(child, 4, 1, "1");
	poke_dr(child, 5, 1, "1");
	poke_dr(child, 6, 0xffffffffffffffffUL, "all ones");
	say_drs(child, "4567");
	poke_dr(child, 7, 0, "0");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "exec-bp", case_exec_bp },
		{ "watch", case_watch },
		{ "invalid", case_invalid },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
