/*
 * Memory data requests (issue #4): PEEKTEXT/PEEKDATA/PEEKUSER and
 * POKETEXT/POKEDATA/POKEUSER on a tracee in a signal-delivery-stop.
 *  - peek-poke: words of data, text and read-only data, unaligned reads,
 *    a write into .rodata (FOLL_FORCE breaks the copy-on-write);
 *  - user: PEEKUSER of every general register against GETREGS, the
 *    non-register words of struct user (0), POKEUSER's checks (cs, fs_base,
 *    eflags), offsets unaligned or out of range (EIO), rip and rsp moved to
 *    another function;
 *  - breakpoint: an int3 written into the text, which fires (SIGTRAP,
 *    SI_KERNEL, rip one past it), restored, single-stepped over, set again
 *    and hit a second time;
 *  - errors: tracee addresses that are NULL, non-canonical, kernel, half
 *    mapped, PROT_NONE, shared read-only; result pointers the tracer cannot
 *    write.
 * The tracee is forked from the tracer, so its globals and functions are at
 * the tracer's own addresses.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int rep[2];
static volatile long data_words[2] = { 1234567, 7654321 };
static const long ro_word = 424242;
static char *prot_none_page, *half_page, *shared_ro_page;

static PT_ONE_COPY int target(int x)
{
	scn_report(rep[1], "  child: in target(%d)", x);
	return x + 1;
}
static int (*volatile target_ptr)(int) = target;

/* A report pipe to the next child; the child's end is closed here. */
static void open_report(void)
{
	scn_pipe(rep, O_CLOEXEC);
}

static pid_t spawn(int (*body)(void *))
{
	pid_t child = pt_spawn_stopped(body, NULL);

	close(rep[1]);
	scn_say("child is %s, in its SIGSTOP stop", scn_pid(child));
	return child;
}

/* PEEK* through the raw call: prints "@what = 0, word W" or the errno. */
static long peek_say(const char *what, long request, pid_t pid,
		     unsigned long addr, unsigned long *word)
{
	long r;

	*word = 0;
	r = pt_raw(request, pid, addr, (unsigned long)word);
	if (r < 0)
		scn_say("%s = -1 %s", what, scn_errno(errno));
	else
		scn_say("%s = %ld, word %ld", what, r, (long)*word);
	return r;
}

static int peek_poke_child(void *arg)
{
	(void)arg;
	scn_report(rep[1], "  child: data_words %ld %ld, ro_word %ld",
		   data_words[0], data_words[1], *(volatile const long *)&ro_word);
	return 0;
}

static void case_peek_poke(void)
{
	unsigned long w, addr = (unsigned long)&data_words[0];
	unsigned long text = (unsigned long)(void *)target;
	pid_t child;

	open_report();
	child = spawn(peek_poke_child);
	peek_say("PEEKDATA(data_words[0])", PTRACE_PEEKDATA, child, addr, &w);
	peek_say("PEEKTEXT(data_words[1])", PTRACE_PEEKTEXT, child, addr + 8, &w);
	peek_say("PEEKDATA(data_words[0] + 3)", PTRACE_PEEKDATA, child, addr + 3,
		 &w);
	scn_say("  = (data_words[0] >> 24) | data_words[1] << 40: %s",
		w == ((1234567UL >> 24) | (7654321UL << 40)) ? "yes" : "no");
	if (peek_say("PEEKTEXT(target)", PTRACE_PEEKTEXT, child, text, &w) == 0)
		scn_say("  same as the tracer's own text: %s",
			memcmp(&w, (void *)text, 8) == 0 ? "yes" : "no");
	peek_say("PEEKDATA(ro_word)", PTRACE_PEEKDATA, child,
		 (unsigned long)&ro_word, &w);
	pt_say("POKEDATA(data_words[0], 111)", PTRACE_POKEDATA, child, addr, 111);
	pt_say("POKETEXT(data_words[1], 222)", PTRACE_POKETEXT, child, addr + 8,
	       222);
	pt_say("POKEDATA(ro_word, 333): read-only data", PTRACE_POKEDATA, child,
	       (unsigned long)&ro_word, 333);
	peek_say("PEEKDATA(data_words[0])", PTRACE_PEEKDATA, child, addr, &w);
	peek_say("PEEKDATA(ro_word)", PTRACE_PEEKDATA, child,
		 (unsigned long)&ro_word, &w);
	scn_say("tracer's own: data_words %ld %ld, ro_word %ld", data_words[0],
		data_words[1], *(volatile const long *)&ro_word);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static int landing_child(void *arg)
{
	(void)arg;
	scn_report(rep[1], "  child: not moved");
	return 0;
}

static void __attribute__((noreturn, used)) landing(void)
{
	scn_report(rep[1], "  child: landed");
	_exit(5);
}

/* The tracer's fs_base, which its forked child shares. */
static unsigned long long own_fs_base(void)
{
	unsigned long fs = 0;

	syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs);
	return fs;
}

#define USER_OFF(f) offsetof(struct user, f)
#define REG_OFF(f) offsetof(struct user, regs.f)

static void case_user(void)
{
	struct user_regs_struct regs;
	unsigned long w;
	int match = 0;
	pid_t child;

	open_report();
	child = spawn(landing_child);
	pt_getregs(child, &regs);
	for (size_t off = 0; off < sizeof(regs); off += 8) {
		errno = 0;
		if (pt_raw(PTRACE_PEEKUSER, child, off, (unsigned long)&w) == 0 &&
		    memcmp(&w, (char *)&regs + off, 8) == 0)
			match++;
	}
	scn_say("PEEKUSER of the %zu register words: %d equal to GETREGS",
		sizeof(regs) / 8, match);
	peek_say("PEEKUSER(orig_rax)", PTRACE_PEEKUSER, child, REG_OFF(orig_rax),
		 &w);
	peek_say("PEEKUSER(rax)", PTRACE_PEEKUSER, child, REG_OFF(rax), &w);
	peek_say("PEEKUSER(u_fpvalid)", PTRACE_PEEKUSER, child,
		 USER_OFF(u_fpvalid), &w);
	peek_say("PEEKUSER(u_tsize)", PTRACE_PEEKUSER, child, USER_OFF(u_tsize),
		 &w);
	peek_say("PEEKUSER(magic)", PTRACE_PEEKUSER, child, USER_OFF(magic), &w);
	peek_say("PEEKUSER(u_comm)", PTRACE_PEEKUSER, child, USER_OFF(u_comm),
		 &w);
	peek_say("PEEKUSER(u_debugreg[7])", PTRACE_PEEKUSER, child,
		 USER_OFF(u_debugreg[7]), &w);
	/* The kernel's struct user ends with error_code and fault_address. */
	peek_say("PEEKUSER(error_code)", PTRACE_PEEKUSER, child,
		 sizeof(struct user), &w);
	peek_say("PEEKUSER(fault_address)", PTRACE_PEEKUSER, child,
		 sizeof(struct user) + 8, &w);
	peek_say("PEEKUSER(kernel's sizeof(struct user))", PTRACE_PEEKUSER,
		 child, sizeof(struct user) + 16, &w);
	peek_say("PEEKUSER(rip + 4)", PTRACE_PEEKUSER, child, REG_OFF(rip) + 4,
		 &w);
	peek_say("PEEKUSER(-8)", PTRACE_PEEKUSER, child, (unsigned long)-8, &w);
	pt_say("POKEUSER(rip + 1)", PTRACE_POKEUSER, child, REG_OFF(rip) + 1, 0);
	pt_say("POKEUSER(error_code)", PTRACE_POKEUSER, child,
	       sizeof(struct user), 0);
	pt_say("POKEUSER(kernel's sizeof(struct user))", PTRACE_POKEUSER, child,
	       sizeof(struct user) + 16, 0);
	pt_say("POKEUSER(u_tsize)", PTRACE_POKEUSER, child, USER_OFF(u_tsize), 1);
	pt_say("POKEUSER(magic)", PTRACE_POKEUSER, child, USER_OFF(magic), 1);
	pt_say("POKEUSER(cs, 0x1234): RPL 0", PTRACE_POKEUSER, child,
	       REG_OFF(cs), 0x1234);
	pt_say("POKEUSER(ss, 0)", PTRACE_POKEUSER, child, REG_OFF(ss), 0);
	pt_say("POKEUSER(fs_base, 1 << 63)", PTRACE_POKEUSER, child,
	       REG_OFF(fs_base), 1UL << 63);
	pt_say("POKEUSER(gs_base, 1 << 47)", PTRACE_POKEUSER, child,
	       REG_OFF(gs_base), 1UL << 47);
	pt_say("POKEUSER(r12, 5000001)", PTRACE_POKEUSER, child, REG_OFF(r12),
	       PT_MAGIC);
	pt_say("POKEUSER(eflags, eflags | CF | 1 << 21)", PTRACE_POKEUSER, child,
	       REG_OFF(eflags), regs.eflags | 1 | 1UL << 21);
	pt_getregs(child, &regs);
	scn_say("GETREGS: r12 %lld, cs %llx, ss %llx, fs_base same: %s, "
		"gs_base %llx, eflags CF %llu ID %llu",
		regs.r12, regs.cs, regs.ss,
		regs.fs_base == own_fs_base()
			? "yes" : "no",
		regs.gs_base, regs.eflags & 1, (regs.eflags >> 21) & 1);
	pt_say("POKEUSER(rsp, aligned)", PTRACE_POKEUSER, child, REG_OFF(rsp),
	       ((regs.rsp - 256) & ~15UL) - 8);
	pt_say("POKEUSER(rip, landing)", PTRACE_POKEUSER, child, REG_OFF(rip),
	       (unsigned long)(void *)landing);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static int breakpoint_child(void *arg)
{
	(void)arg;
	target_ptr(1);
	target_ptr(2);
	target_ptr(3);
	return 0;
}

/* A SIGTRAP's siginfo: si_addr is an address, not a pid. */
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

static void case_breakpoint(void)
{
	unsigned long text = (unsigned long)(void *)target, saved, w;
	struct user_regs_struct regs;
	pid_t child;

	open_report();
	child = spawn(breakpoint_child);
	peek_say("PEEKTEXT(target)", PTRACE_PEEKTEXT, child, text, &saved);
	pt_say("POKETEXT(target, int3)", PTRACE_POKETEXT, child, text,
	       (saved & ~0xffUL) | 0xcc);
	if (pt_raw(PTRACE_PEEKTEXT, child, text, (unsigned long)&w) == 0)
		scn_say("PEEKTEXT(target): first byte %#lx, rest unchanged: %s",
			w & 0xff, (w >> 8) == (saved >> 8) ? "yes" : "no");
	scn_say("tracer's own first byte: %#x", *(unsigned char *)text);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	say_trap(child);
	pt_getregs(child, &regs);
	scn_say("  rip = target + %lld, rdi %lld", (long long)(regs.rip - text),
		regs.rdi);
	scn_say("-- restore, rip back, single-step over it, set it again");
	pt_say("POKETEXT(target, saved)", PTRACE_POKETEXT, child, text, saved);
	regs.rip = text;
	pt_setregs(child, &regs);
	pt_say("PTRACE_SINGLESTEP", PTRACE_SINGLESTEP, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	say_trap(child);
	pt_getregs(child, &regs);
	scn_say("  rip past target: %s", regs.rip > text ? "yes" : "no");
	pt_say("POKETEXT(target, int3)", PTRACE_POKETEXT, child, text,
	       (saved & ~0xffUL) | 0xcc);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_getregs(child, &regs);
	scn_say("  rip = target + %lld, rdi %lld", (long long)(regs.rip - text),
		regs.rdi);
	pt_say("POKETEXT(target, saved)", PTRACE_POKETEXT, child, text, saved);
	regs.rip = text;
	pt_setregs(child, &regs);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static int plain_child(void *arg)
{
	(void)arg;
	scn_report(rep[1], "  child: done");
	return 0;
}

static void case_errors(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *ro_result = mmap(NULL, (size_t)page, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none_result = mmap(NULL, (size_t)page, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long w;
	pid_t child;
	int fd;

	scn_check(ro_result != MAP_FAILED && none_result != MAP_FAILED);
	prot_none_page = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	scn_check(prot_none_page != MAP_FAILED);
	memset(prot_none_page, 7, (size_t)page);
	scn_check(mprotect(prot_none_page, (size_t)page, PROT_NONE) == 0);
	fd = open("data-mem.file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	scn_check(fd >= 0 && ftruncate(fd, page) == 0);
	close(fd);
	fd = open("data-mem.file", O_RDONLY);
	shared_ro_page = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	scn_check(shared_ro_page != MAP_FAILED);
	close(fd);
	/* Last: a later mapping could fill the hole. */
	half_page = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	scn_check(half_page != MAP_FAILED);
	memset(half_page, 5, (size_t)page);
	scn_check(munmap(half_page + page, (size_t)page) == 0);

	open_report();
	child = spawn(plain_child);
	peek_say("PEEKDATA(NULL)", PTRACE_PEEKDATA, child, 0, &w);
	peek_say("PEEKDATA(1 << 47: non-canonical)", PTRACE_PEEKDATA, child,
		 1UL << 47, &w);
	peek_say("PEEKDATA(kernel address)", PTRACE_PEEKDATA, child,
		 0xffffffff81000000UL, &w);
	peek_say("PEEKTEXT(-8)", PTRACE_PEEKTEXT, child, (unsigned long)-8, &w);
	peek_say("PEEKDATA(PROT_NONE page)", PTRACE_PEEKDATA, child,
		 (unsigned long)prot_none_page, &w);
	pt_say("POKEDATA(PROT_NONE page, 9)", PTRACE_POKEDATA, child,
	       (unsigned long)prot_none_page, 9);
	peek_say("PEEKDATA(PROT_NONE page)", PTRACE_PEEKDATA, child,
		 (unsigned long)prot_none_page, &w);
	peek_say("PEEKDATA(last 4 bytes before a hole)", PTRACE_PEEKDATA, child,
		 (unsigned long)half_page + page - 4, &w);
	pt_say("POKEDATA(last 4 bytes before a hole)", PTRACE_POKEDATA, child,
	       (unsigned long)half_page + page - 4, 1);
	peek_say("PEEKDATA(the hole)", PTRACE_PEEKDATA, child,
		 (unsigned long)half_page + page, &w);
	peek_say("PEEKDATA(shared read-only file page)", PTRACE_PEEKDATA, child,
		 (unsigned long)shared_ro_page, &w);
	pt_say("POKEDATA(shared read-only file page)", PTRACE_POKEDATA, child,
	       (unsigned long)shared_ro_page, 1);
	pt_say("POKEDATA(NULL)", PTRACE_POKEDATA, child, 0, 1);
	pt_say("POKETEXT(kernel address)", PTRACE_POKETEXT, child,
	       0xffffffff81000000UL, 1);
	scn_say("-- the result pointer");
	pt_say("PEEKDATA(data_words, result to read-only page)", PTRACE_PEEKDATA,
	       child, (unsigned long)&data_words[0], (unsigned long)ro_result);
	pt_say("PEEKDATA(data_words, result to PROT_NONE page)", PTRACE_PEEKDATA,
	       child, (unsigned long)&data_words[0], (unsigned long)none_result);
	pt_say("PEEKUSER(rip, result to read-only page)", PTRACE_PEEKUSER, child,
	       REG_OFF(rip), (unsigned long)ro_result);
	pt_say("PEEKDATA(NULL, result to NULL)", PTRACE_PEEKDATA, child, 0, 0);
	pt_say("PEEKDATA(data_words, result to text)", PTRACE_PEEKDATA, child,
	       (unsigned long)&data_words[0], (unsigned long)(void *)target);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "peek-poke", case_peek_poke },
		{ "user", case_user },
		{ "breakpoint", case_breakpoint },
		{ "errors", case_errors },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
