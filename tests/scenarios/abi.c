/*
 * The i386 (int 0x80) and x32 entry points cannot bypass the supervisor's
 * filter: each call the supervisor traps gives through them what it gives
 * through the x86_64 entry point in the same run. For ptrace, whose result
 * differs between a native run and ptvisor (until the virtual ptrace is
 * done, ptvisor answers EPERM), the transcript says only whether the two
 * entry points agree; a call that slipped past the filter would reach the
 * host's ptrace and differ (ESRCH for a task that is not ours).
 *
 * Where the kernel lacks an entry point the scenario says so, the same way
 * on both sides: x32 is often compiled out (ENOSYS), and IA-32 emulation may
 * be off (int 0x80 raises SIGSEGV).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "scenario.h"

#define PTRACE_GETEVENTMSG_REQ 0x4201

static const char *res(long r)
{
	static char buf[4][32];
	static unsigned next;

	return scn_raw_result(r, buf[next++ % 4]);
}

static void say_same(const char *what, long native64, long other)
{
	scn_say("%s: same as x86_64: %s", what, native64 == other ? "yes" : "no");
}

enum entry { X86_64, I386, X32 };

/* PTRACE_TRACEME in a fresh child each time: the result, as a status. */
static long traceme_in_child(enum entry entry)
{
	int status;
	pid_t child = scn_fork();

	if (child == 0) {
		long r = entry == I386 ? scn_int80(SCN_I386_ptrace, PTRACE_TRACEME, 0, 0, 0, 0)
			 : entry == X32 ? scn_raw_syscall(SCN_X32_BIT | SCN_X32_ptrace,
							  PTRACE_TRACEME, 0, 0, 0)
					: scn_raw_syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);

		_exit(r == 0 ? 0 : (int)-r);
	}
	scn_waitpid(child, &status, 0);
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -1000;
}

static void i386_calls(void)
{
	long x64, i32;
	int *status32;

	scn_say("== i386 (int 0x80) ==");
	if (!scn_have_int80()) {
		scn_say("int 0x80 is not available on this kernel");
		return;
	}
	status32 = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	scn_check(status32 != MAP_FAILED);
	x64 = scn_raw_syscall(SYS_ptrace, PTRACE_GETEVENTMSG_REQ, 1, 0, (long)status32);
	i32 = scn_int80(SCN_I386_ptrace, PTRACE_GETEVENTMSG_REQ, 1, 0, (long)status32, 0);
	say_same("ptrace(PTRACE_GETEVENTMSG, 1)", x64, i32);
	say_same("ptrace(PTRACE_TRACEME) in a child", traceme_in_child(X86_64),
		 traceme_in_child(I386));
	scn_say("waitpid(-1) without children: %s",
		res(scn_int80(SCN_I386_waitpid, -1, (long)status32, 0, 0, 0)));
	scn_say("wait4(-1) without children: %s",
		res(scn_int80(SCN_I386_wait4, -1, (long)status32, 0, 0, 0)));
	scn_say("waitid(P_ALL) without children: %s",
		res(scn_int80(SCN_I386_waitid, P_ALL, 0, (long)status32, WEXITED, 0)));
	scn_say("clone3 with a bad size: %s",
		res(scn_int80(SCN_I386_clone3, (long)status32, 1, 0, 0, 0)));
	scn_say("getppid same as x86_64: %s",
		scn_int80(SCN_I386_getppid, 0, 0, 0, 0, 0) == getppid() ? "yes" : "no");
}

static void x32_calls(void)
{
	long x64 = scn_raw_syscall(SYS_ptrace, PTRACE_GETEVENTMSG_REQ, 1, 0, 0);
	long x32 = scn_raw_syscall(SCN_X32_BIT | SCN_X32_ptrace,
				   PTRACE_GETEVENTMSG_REQ, 1, 0, 0);
	long probe = scn_raw_syscall(SCN_X32_BIT | SYS_getpid, 0, 0, 0, 0);

	scn_say("== x32 ==");
	if (probe == -ENOSYS) {
		/* Compiled out: every x32 call fails, trapped or not. */
		scn_say("x32 getpid: %s (x32 is not available on this kernel)",
			res(probe));
		scn_say("x32 ptrace: %s", res(x32));
		scn_say("x32 ptrace with the x86_64 number: %s",
			res(scn_raw_syscall(SCN_X32_BIT | SYS_ptrace, PTRACE_TRACEME, 0, 0, 0)));
		scn_say("x32 wait4: %s",
			res(scn_raw_syscall(SCN_X32_BIT | SYS_wait4, -1, 0, 0, 0)));
		scn_say("x32 clone3: %s",
			res(scn_raw_syscall(SCN_X32_BIT | SYS_clone3, 0, 0, 0, 0)));
		return;
	}
	say_same("x32 ptrace(PTRACE_GETEVENTMSG, 1)", x64, x32);
	say_same("x32 ptrace(PTRACE_TRACEME) in a child", traceme_in_child(X86_64),
		 traceme_in_child(X32));
	scn_say("x32 wait4(-1) without children: %s",
		res(scn_raw_syscall(SCN_X32_BIT | SYS_wait4, -1, 0, 0, 0)));
}

int main(void)
{
	scn_start(20);
	scn_say("x86_64 wait4(-1) without children: %s",
		res(scn_raw_syscall(SYS_wait4, -1, 0, 0, 0)));
	i386_calls();
	x32_calls();
	return 0;
}
