/*
 * Register requests (issue #4):
 *  - getregs: GETREGS/SETREGS changing a syscall's return value at its
 *    exit stop, a SETREGS the kernel refuses half way (cs), rip and rsp
 *    moved at a signal-delivery-stop;
 *  - fpregs: GETFPREGS/SETFPREGS: the tracee's xmm7 read at a stop and
 *    replaced, which the tracee prints back; an mxcsr with reserved bits
 *    (EINVAL);
 *  - regset: GETREGSET/SETREGSET with NT_PRSTATUS (full, partial, too
 *    long, not a multiple of 8: iov_len updated), NT_PRFPREG, NT_X86_XSTATE
 *    (sizes and feature masks, never addresses), an unknown type (EINVAL),
 *    bad iovecs (EFAULT);
 *  - regset-empty-beyond: empty iovecs at and above the user half's end;
 *  - arch-prctl: PTRACE_ARCH_PRCTL ARCH_GET_FS/GET_GS/SET_GS and errors;
 *  - thread-area: PTRACE_GET_THREAD_AREA/SET_THREAD_AREA, whatever the
 *    kernel says of them on x86_64.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static int rep[2];

static void __attribute__((noreturn, used)) landing(void)
{
	scn_report(rep[1], "  child: landed");
	_exit(6);
}

static int getregs_child(void *arg)
{
	long r;

	(void)arg;
	r = syscall(SYS_getppid);
	scn_report(rep[1], "  child: getppid() = %ld", r);
	syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1);
	scn_report(rep[1], "  child: not moved");
	return 0;
}

static void case_getregs(void)
{
	struct user_regs_struct regs, bad;
	pid_t child = pt_spawn_reporting(getregs_child, rep);

	pt_must(PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_getregs(child, &regs);
	scn_say("  entry: orig_rax %lld, rax %lld", regs.orig_rax, regs.rax);
	pt_must(PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_getregs(child, &regs);
	scn_say("  exit: orig_rax %lld, rax is the parent: %s", regs.orig_rax,
		regs.rax == (unsigned long long)getpid() ? "yes" : "no");
	bad = regs;
	bad.r12 = PT_MAGIC;
	bad.rax = PT_MAGIC + 1;
	bad.cs = 0x1234;
	pt_say("SETREGS(r12 5000001, rax 5000002, cs with RPL 0)", PTRACE_SETREGS,
	       child, 0, (unsigned long)&bad);
	pt_getregs(child, &bad);
	scn_say("  GETREGS: r12 %lld, rax %lld, cs %llx", bad.r12, bad.rax, bad.cs);
	regs.rax = PT_MAGIC;
	pt_say("SETREGS(rax 5000001)", PTRACE_SETREGS, child, 0,
	       (unsigned long)&regs);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_getregs(child, &regs);
	regs.rsp = ((regs.rsp - 256) & ~15ULL) - 8;
	regs.rip = (unsigned long)(void *)landing;
	pt_say("SETREGS(rip landing, rsp aligned)", PTRACE_SETREGS, child, 0,
	       (unsigned long)&regs);
	pt_say("PTRACE_CONT(0): SIGUSR1 suppressed", PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static const uint32_t xmm_in[4] = { 1, 2, 3, 4 };

static int fpregs_child(void *arg)
{
	uint32_t out[4];
	pid_t self = (pid_t)syscall(SYS_getpid);

	(void)arg;
	/* xmm7 is loaded, kept across a stop (kill) and stored, in one block. */
	__asm__ volatile("movdqu (%[in]), %%xmm7\n\t"
			 "mov %[nr], %%eax\n\t"
			 "mov %[pid], %%edi\n\t"
			 "mov %[sig], %%esi\n\t"
			 "syscall\n\t"
			 "movdqu %%xmm7, (%[out])"
			 :
			 : [in] "r"(xmm_in), [out] "r"(out),
			   [nr] "i"(SYS_kill), [pid] "r"(self), [sig] "i"(SIGSTOP)
			 : "rax", "rdi", "rsi", "rcx", "r11", "xmm7", "memory");
	scn_report(rep[1], "  child: xmm7 = %u %u %u %u", out[0], out[1], out[2],
		   out[3]);
	return 0;
}

static void say_fp(const char *who, const struct user_fpregs_struct *fp)
{
	scn_say("%s: cwd %x, swd %x, mxcsr %x, mxcr_mask %x, xmm7 %u %u %u %u",
		who, fp->cwd, fp->swd, fp->mxcsr, fp->mxcr_mask,
		fp->xmm_space[28], fp->xmm_space[29], fp->xmm_space[30],
		fp->xmm_space[31]);
}

static void case_fpregs(void)
{
	struct user_fpregs_struct fp, bad;
	pid_t child = pt_spawn_reporting(fpregs_child, rep);

	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	memset(&fp, 0, sizeof(fp));
	pt_say("GETFPREGS", PTRACE_GETFPREGS, child, 0, (unsigned long)&fp);
	say_fp("  tracer", &fp);
	bad = fp;
	bad.mxcsr = 0xffffffff;
	pt_say("SETFPREGS(mxcsr all ones)", PTRACE_SETFPREGS, child, 0,
	       (unsigned long)&bad);
	fp.xmm_space[28] = PT_MAGIC;
	fp.xmm_space[29] = 6;
	fp.xmm_space[30] = 7;
	fp.xmm_space[31] = 8;
	fp.mxcsr |= 0x6000; /* rounding toward zero */
	pt_say("SETFPREGS(xmm7 5000001 6 7 8, mxcsr RC 11)", PTRACE_SETFPREGS,
	       child, 0, (unsigned long)&fp);
	memset(&fp, 0, sizeof(fp));
	pt_say("GETFPREGS", PTRACE_GETFPREGS, child, 0, (unsigned long)&fp);
	say_fp("  tracer", &fp);
	pt_say("GETFPREGS(to NULL)", PTRACE_GETFPREGS, child, 0, 0);
	pt_say("SETFPREGS(from NULL)", PTRACE_SETFPREGS, child, 0, 0);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

/* GETREGSET/SETREGSET with an iovec of @len bytes of @buf. */
static long regset_say(const char *what, long request, pid_t child, long type,
		       void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	long r = pt_raw(request, child, (unsigned long)type, (unsigned long)&iov);

	if (r < 0)
		scn_say("%s = -1 %s, iov_len %zu", what, scn_errno(errno),
			iov.iov_len);
	else
		scn_say("%s = %ld, iov_len %zu", what, r, iov.iov_len);
	return r;
}

static int plain_child(void *arg)
{
	(void)arg;
	scn_report(rep[1], "  child: done");
	return 0;
}

static void case_regset(void)
{
	static unsigned char buf[16384];
	struct user_regs_struct regs;
	struct user_fpregs_struct fp;
	struct iovec iov;
	pid_t child = pt_spawn_reporting(plain_child, rep);
	uint64_t bv, xcr0;
	size_t n;

	pt_getregs(child, &regs);
	scn_say("-- NT_PRSTATUS");
	memset(buf, 0xaa, sizeof(buf));
	regset_say("GETREGSET(NT_PRSTATUS, 216)", PTRACE_GETREGSET, child,
		   NT_PRSTATUS, buf, sizeof(regs));
	scn_say("  same as GETREGS: %s",
		memcmp(buf, &regs, sizeof(regs)) == 0 ? "yes" : "no");
	memset(buf, 0xaa, sizeof(buf));
	regset_say("GETREGSET(NT_PRSTATUS, 24)", PTRACE_GETREGSET, child,
		   NT_PRSTATUS, buf, 24);
	scn_say("  r15 r14 r13 as GETREGS: %s, the rest untouched: %s",
		memcmp(buf, &regs, 24) == 0 ? "yes" : "no",
		buf[24] == 0xaa && buf[215] == 0xaa ? "yes" : "no");
	regset_say("GETREGSET(NT_PRSTATUS, 4096)", PTRACE_GETREGSET, child,
		   NT_PRSTATUS, buf, 4096);
	regset_say("GETREGSET(NT_PRSTATUS, 12)", PTRACE_GETREGSET, child,
		   NT_PRSTATUS, buf, 12);
	regset_say("GETREGSET(NT_PRSTATUS, 0)", PTRACE_GETREGSET, child,
		   NT_PRSTATUS, buf, 0);
	regset_say("GETREGSET(NT_PRSTATUS, 216, iov_base NULL)",
		   PTRACE_GETREGSET, child, NT_PRSTATUS, NULL, 216);
	pt_say("GETREGSET(NT_PRSTATUS, iovec at NULL)", PTRACE_GETREGSET, child,
	       NT_PRSTATUS, 0);
	regset_say("GETREGSET(type 0x999)", PTRACE_GETREGSET, child, 0x999, buf,
		   216);
	regset_say("SETREGSET(type 0x999)", PTRACE_SETREGSET, child, 0x999, buf,
		   216);
	{
		unsigned long long r15 = PT_MAGIC;

		regset_say("SETREGSET(NT_PRSTATUS, 8: r15 5000001)",
			   PTRACE_SETREGSET, child, NT_PRSTATUS, &r15, 8);
	}
	pt_getregs(child, &regs);
	scn_say("  r15 %lld", regs.r15);
	{
		/*
		 * The iovec in a read-only page: both requests write iov_len
		 * back (ptrace_request()), which fails after the registers
		 * were set or read.
		 */
		struct iovec *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned long long r15 = PT_MAGIC + 2;

		if (ro == MAP_FAILED)
			scn_die("mmap");
		*ro = (struct iovec){ .iov_base = &r15, .iov_len = 8 };
		mprotect(ro, 4096, PROT_READ);
		pt_say("SETREGSET(NT_PRSTATUS, 8: r15, iovec read-only)",
		       PTRACE_SETREGSET, child, NT_PRSTATUS, (unsigned long)ro);
		pt_getregs(child, &regs);
		scn_say("  r15 %lld", regs.r15);
		pt_say("GETREGSET(NT_PRSTATUS, 8, iovec read-only)",
		       PTRACE_GETREGSET, child, NT_PRSTATUS, (unsigned long)ro);
		scn_say("  read into the buffer: %s",
			r15 == regs.r15 ? "yes" : "no");
		munmap(ro, 4096);
	}
	memcpy(buf, &regs, sizeof(regs));
	((struct user_regs_struct *)buf)->r14 = PT_MAGIC + 1;
	((struct user_regs_struct *)buf)->cs = 0x1234;
	regset_say("SETREGSET(NT_PRSTATUS, r14 5000002, cs with RPL 0)",
		   PTRACE_SETREGSET, child, NT_PRSTATUS, buf, sizeof(regs));
	pt_getregs(child, &regs);
	scn_say("  r14 %lld, cs %llx", regs.r14, regs.cs);

	scn_say("-- NT_PRFPREG");
	memset(&fp, 0, sizeof(fp));
	pt_must(PTRACE_GETFPREGS, child, 0, (unsigned long)&fp);
	regset_say("GETREGSET(NT_PRFPREG, 4096)", PTRACE_GETREGSET, child,
		   NT_PRFPREG, buf, 4096);
	scn_say("  same as GETFPREGS: %s",
		memcmp(buf, &fp, sizeof(fp)) == 0 ? "yes" : "no");
	((struct user_fpregs_struct *)buf)->xmm_space[0] = PT_MAGIC;
	regset_say("SETREGSET(NT_PRFPREG, 512: xmm0 5000001)", PTRACE_SETREGSET,
		   child, NT_PRFPREG, buf, 512);
	pt_must(PTRACE_GETFPREGS, child, 0, (unsigned long)&fp);
	scn_say("  GETFPREGS xmm0[0] %u", fp.xmm_space[0]);
	/* xfpregs_set() refuses a partial write before it copies: EINVAL. */
	regset_say("SETREGSET(NT_PRFPREG, 216 at NULL)", PTRACE_SETREGSET,
		   child, NT_PRFPREG, NULL, 216);
	regset_say("SETREGSET(NT_PRFPREG, 512 at NULL)", PTRACE_SETREGSET,
		   child, NT_PRFPREG, NULL, 512);
	regset_say("SETREGSET(NT_PRSTATUS, 216 at NULL)", PTRACE_SETREGSET,
		   child, NT_PRSTATUS, NULL, 216);
	/* copy_regset_from_user() checks access_ok() before set(): EFAULT. */
	regset_say("SETREGSET(NT_PRFPREG, 8 at a kernel address)",
		   PTRACE_SETREGSET, child, NT_PRFPREG,
		   (void *)0xffff880000000000UL, 8);
	regset_say("SETREGSET(NT_PRFPREG, 8 past the user half)",
		   PTRACE_SETREGSET, child, NT_PRFPREG,
		   (void *)0x7ffffffff000UL, 8);

	scn_say("-- NT_X86_XSTATE");
	memset(buf, 0, sizeof(buf));
	if (regset_say("GETREGSET(NT_X86_XSTATE, 16384)", PTRACE_GETREGSET,
		       child, NT_X86_XSTATE, buf, sizeof(buf)) == 0) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		pt_raw(PTRACE_GETREGSET, child, NT_X86_XSTATE,
		       (unsigned long)&iov);
		n = iov.iov_len;
		/* asm/user.h: ptrace puts XCR0 in the first sw_reserved word. */
		memcpy(&xcr0, buf + 464, 8);
		memcpy(&bv, buf + 512, 8);
		scn_say("  sw_reserved xcr0 %llx, header xstate_bv %llx",
			(unsigned long long)xcr0, (unsigned long long)bv);
		scn_say("  legacy area same as GETFPREGS: %s",
			memcmp(buf, &fp, 160) == 0 ? "yes" : "no");
		regset_say("GETREGSET(NT_X86_XSTATE, 512)", PTRACE_GETREGSET,
			   child, NT_X86_XSTATE, buf + 8192, 512);
		regset_say("GETREGSET(NT_X86_XSTATE, 100)", PTRACE_GETREGSET,
			   child, NT_X86_XSTATE, buf + 8192, 100);
		regset_say("SETREGSET(NT_X86_XSTATE, as read)", PTRACE_SETREGSET,
			   child, NT_X86_XSTATE, buf, n);
		bv |= 1ULL << 62;
		memcpy(buf + 512, &bv, 8);
		regset_say("SETREGSET(NT_X86_XSTATE, xstate_bv bit 62)",
			   PTRACE_SETREGSET, child, NT_X86_XSTATE, buf, n);
	}
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

/*
 * Empty iovecs at the edge of the user half and beyond: SETREGSET's
 * copy_regset_from_user() checks access_ok(base, 0), which fails at a
 * kernel address even though nothing is copied (EFAULT) and passes at the
 * end of the user half; GETREGSET copies nothing out and succeeds (ptfuzz
 * seed 232 at 10000 steps, step 9086).
 */
static void case_regset_empty_beyond(void)
{
	static const struct {
		const char *what;
		long type;
		unsigned long base;
	} iovs[] = {
		{ "NT_PRSTATUS, 0 at a kernel address", NT_PRSTATUS,
		  0xffff880000000000UL },
		{ "NT_PRSTATUS, 0 past the user half", NT_PRSTATUS,
		  0x7ffffffff000UL },
		{ "NT_PRSTATUS, 0 just below", NT_PRSTATUS, 0x7fffffffeff8UL },
		{ "NT_PRFPREG, 0 at a kernel address", NT_PRFPREG,
		  0xffff880000000000UL },
		{ "NT_PRSTATUS, 0 at NULL", NT_PRSTATUS, 0 },
		{ "type 0x999, 0 at a kernel address", 0x999,
		  0xffff880000000000UL },
	};
	pid_t child = pt_spawn_reporting(plain_child, rep);
	char what[96];

	for (size_t i = 0; i < sizeof(iovs) / sizeof(*iovs); i++) {
		snprintf(what, sizeof(what), "GETREGSET(%s)", iovs[i].what);
		regset_say(what, PTRACE_GETREGSET, child, iovs[i].type,
			   (void *)iovs[i].base, 0);
		snprintf(what, sizeof(what), "SETREGSET(%s)", iovs[i].what);
		regset_say(what, PTRACE_SETREGSET, child, iovs[i].type,
			   (void *)iovs[i].base, 0);
	}
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

static void case_arch_prctl(void)
{
	unsigned long v = 0, own = 0;
	pid_t child = pt_spawn_reporting(plain_child, rep);

	syscall(SYS_arch_prctl, ARCH_GET_FS, &own);
	if (pt_say("ARCH_PRCTL(ARCH_GET_FS)", PTRACE_ARCH_PRCTL, child,
		   (unsigned long)&v, ARCH_GET_FS) == 0)
		scn_say("  fs_base same as the tracer's own: %s",
			v == own ? "yes" : "no");
	v = 1;
	pt_say("ARCH_PRCTL(ARCH_GET_GS)", PTRACE_ARCH_PRCTL, child,
	       (unsigned long)&v, ARCH_GET_GS);
	scn_say("  gs_base %lu", v);
	pt_say("ARCH_PRCTL(ARCH_SET_GS, 4096)", PTRACE_ARCH_PRCTL, child, 4096,
	       ARCH_SET_GS);
	pt_say("ARCH_PRCTL(ARCH_GET_GS)", PTRACE_ARCH_PRCTL, child,
	       (unsigned long)&v, ARCH_GET_GS);
	scn_say("  gs_base %lu", v);
	if (pt_raw(PTRACE_PEEKUSER, child, offsetof(struct user, regs.gs_base),
		   (unsigned long)&v) == 0)
		scn_say("  PEEKUSER(gs_base) %lu", v);
	pt_say("ARCH_PRCTL(ARCH_SET_GS, kernel address)", PTRACE_ARCH_PRCTL,
	       child, 0xffffffff81000000UL, ARCH_SET_GS);
	pt_say("ARCH_PRCTL(ARCH_SET_FS, 1 << 47)", PTRACE_ARCH_PRCTL, child,
	       1UL << 47, ARCH_SET_FS);
	pt_say("ARCH_PRCTL(ARCH_GET_FS, result to address 8)", PTRACE_ARCH_PRCTL,
	       child, 8, ARCH_GET_FS);
	pt_say("ARCH_PRCTL(ARCH_GET_FS, result to NULL)", PTRACE_ARCH_PRCTL,
	       child, 0, ARCH_GET_FS);
	pt_say("ARCH_PRCTL(code 0x1011: ARCH_GET_CPUID)", PTRACE_ARCH_PRCTL,
	       child, (unsigned long)&v, 0x1011);
	pt_say("ARCH_PRCTL(code 0x9999)", PTRACE_ARCH_PRCTL, child,
	       (unsigned long)&v, 0x9999);
	pt_say("ARCH_PRCTL(ARCH_SET_GS, 0)", PTRACE_ARCH_PRCTL, child, 0,
	       ARCH_SET_GS);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

/* struct user_desc of asm/ldt.h: 16 bytes. */
struct desc {
	uint32_t entry_number, base_addr, limit, flags;
};

static void case_thread_area(void)
{
	struct desc d;
	pid_t child = pt_spawn_reporting(plain_child, rep);
	static const long entries[] = { 0, 6, 12, 13, 14, 15, -1 };

	for (size_t i = 0; i < sizeof(entries) / sizeof(*entries); i++) {
		char what[64];

		memset(&d, 0x55, sizeof(d));
		snprintf(what, sizeof(what), "GET_THREAD_AREA(%ld)", entries[i]);
		if (pt_say(what, PTRACE_GET_THREAD_AREA, child,
			   (unsigned long)entries[i], (unsigned long)&d) == 0)
			scn_say("  entry %u, base %x, limit %x, flags %x",
				d.entry_number, d.base_addr, d.limit, d.flags);
	}
	pt_say("GET_THREAD_AREA(12, to NULL)", PTRACE_GET_THREAD_AREA, child, 12,
	       0);
	memset(&d, 0, sizeof(d));
	d.entry_number = 12;
	d.base_addr = 0x1000;
	d.limit = 0xfff;
	d.flags = 0x51; /* seg_32bit, limit_in_pages, useable */
	pt_say("SET_THREAD_AREA(12, base 0x1000)", PTRACE_SET_THREAD_AREA, child,
	       12, (unsigned long)&d);
	memset(&d, 0, sizeof(d));
	if (pt_say("GET_THREAD_AREA(12)", PTRACE_GET_THREAD_AREA, child, 12,
		   (unsigned long)&d) == 0)
		scn_say("  entry %u, base %x, limit %x, flags %x",
			d.entry_number, d.base_addr, d.limit, d.flags);
	d.entry_number = 3;
	pt_say("SET_THREAD_AREA(3)", PTRACE_SET_THREAD_AREA, child, 3,
	       (unsigned long)&d);
	pt_say("SET_THREAD_AREA(12, from NULL)", PTRACE_SET_THREAD_AREA, child,
	       12, 0);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_finish_reporting(child, rep);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "getregs", case_getregs },
		{ "fpregs", case_fpregs },
		{ "regset", case_regset },
		{ "regset-empty-beyond", case_regset_empty_beyond },
		{ "arch-prctl", case_arch_prctl },
		{ "thread-area", case_thread_area },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
