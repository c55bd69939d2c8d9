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
 *    CONT, SYSCALL) work.
 * Where IA-32 emulation is off (int 0x80 raises SIGSEGV) each case says
 * so, the same way on both sides.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
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

static const struct pt_case cases[] = {
	{ "words", case_words },
	{ "checks", case_checks },
};

int main(int argc, char **argv)
{
	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
