/*
 * SECCOMP_RET_TRAP in a guest's own filter: the SIGSYS handler gets
 * si_code SYS_SECCOMP, si_errno = the filter's data, si_syscall, si_arch and
 * si_call_addr (just after the syscall instruction), and what it writes in
 * the saved rax becomes the call's result. Also for calls the supervisor
 * traps (RET_TRAP outranks its RET_TRACE), over a RET_ERRNO of another
 * filter, and with SIGSYS left at its default action or blocked (the
 * process dies of SIGSYS).
 *
 * Under ptvisor the SIGSYS comes through a signal-delivery-stop; its siginfo
 * must reach the handler untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "abi.h"
#include "filter.h"
#include "scenario.h"

/* long trap_syscall(nr, arg1): a syscall whose return address we know. */
long trap_syscall(long nr, long arg1);
extern const char trap_syscall_ret[];
__asm__(".text\n"
	".type trap_syscall, @function\n"
	"trap_syscall:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	syscall\n"
	"trap_syscall_ret:\n"
	"	ret\n");

static siginfo_t seen;
static volatile int nseen;

static void on_sigsys(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;

	(void)sig;
	seen = *info;
	nseen++;
	uc->uc_mcontext.gregs[REG_RAX] = 4321;
}

static void report_seen(int report, long result)
{
	scn_report(report, "  result %ld, SIGSYS handled %d time(s)", result, nseen);
	if (nseen == 0)
		return;
	scn_report(report, "  %s, %s, si_errno %#x, si_syscall %d, si_arch %s, "
		   "call address after the syscall instruction: %s",
		   scn_sig(seen.si_signo), scn_si_code(seen.si_signo, seen.si_code),
		   seen.si_errno, seen.si_syscall, scn_arch_name(seen.si_arch),
		   seen.si_call_addr == trap_syscall_ret ? "yes" : "no");
	nseen = 0;
}

static void trap_calls(int report)
{
	static const struct scn_rule rules[] = {
		{ AUDIT_ARCH_X86_64, SYS_getppid, SCN_TRAP(0x42) },
		{ AUDIT_ARCH_X86_64, SYS_ptrace, SCN_TRAP(0x7e50) },
		{ AUDIT_ARCH_X86_64, SYS_wait4, SCN_TRAP(0xffff) },
		{ AUDIT_ARCH_X86_64, SYS_clone3, SCN_TRAP(3) },
	};
	static const long calls[] = { SYS_getppid, SYS_ptrace, SYS_wait4, SYS_clone3 };

	scn_handle(SIGSYS, on_sigsys, 0);
	scn_check(scn_install_filter(rules, 4, 0) == 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++) {
		scn_report(report, "syscall %ld:", calls[i]);
		report_seen(report, trap_syscall(calls[i], 0));
	}
}

static void trap_over_errno(int report)
{
	static const struct scn_rule trap[] = {
		{ AUDIT_ARCH_X86_64, SYS_getsid, SCN_TRAP(1) },
	};
	static const struct scn_rule err[] = {
		{ AUDIT_ARCH_X86_64, SYS_getsid, SCN_ERRNO(EPERM) },
	};

	scn_handle(SIGSYS, on_sigsys, 0);
	scn_check(scn_install_filter(trap, 1, 0) == 0);
	scn_check(scn_install_filter(err, 1, 0) == 0);
	report_seen(report, trap_syscall(SYS_getsid, 0));
}

static void trap_i386(int report)
{
	static const struct scn_rule rules[] = {
		{ AUDIT_ARCH_I386, SCN_I386_getpid, SCN_TRAP(0x386) },
	};
	long r;

	if (!scn_have_int80()) {
		scn_report(report, "int 0x80 is not available on this kernel");
		return;
	}
	scn_handle(SIGSYS, on_sigsys, 0);
	scn_check(scn_install_filter(rules, 1, 0) == 0);
	r = scn_int80(SCN_I386_getpid, 0, 0, 0, 0, 0);
	scn_report(report, "  result %ld; %s, si_errno %#x, si_syscall %d, si_arch %s",
		   r, scn_si_code(SIGSYS, seen.si_code), seen.si_errno,
		   seen.si_syscall, scn_arch_name(seen.si_arch));
}

static void trap_unhandled(int report, bool blocked)
{
	static const struct scn_rule rules[] = {
		{ AUDIT_ARCH_X86_64, SYS_getppid, SCN_TRAP(0) },
	};

	prctl(PR_SET_DUMPABLE, 0); /* no core file */
	if (blocked) {
		scn_handle(SIGSYS, on_sigsys, 0);
		scn_block(SIGSYS, true);
	}
	scn_check(scn_install_filter(rules, 1, 0) == 0);
	trap_syscall(SYS_getppid, 0);
	scn_report(report, "still alive");
}

static void trap_default(int report)
{
	trap_unhandled(report, false);
}

static void trap_blocked(int report)
{
	trap_unhandled(report, true);
}

int main(void)
{
	scn_start(20);
	scn_in_child("RET_TRAP with a SIGSYS handler", trap_calls);
	scn_in_child("RET_TRAP over another filter's RET_ERRNO", trap_over_errno);
	scn_in_child("RET_TRAP on the i386 entry point", trap_i386);
	scn_in_child("RET_TRAP, SIGSYS at its default action", trap_default);
	scn_in_child("RET_TRAP, SIGSYS blocked", trap_blocked);
	return 0;
}
