#include "names.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

struct name_entry {
	long value;
	const char *name;
};

#define ENTRY(v, n) { (v), (n) }

static const struct name_entry event_names[] = {
	ENTRY(1, "PTRACE_EVENT_FORK"),	 ENTRY(2, "PTRACE_EVENT_VFORK"),
	ENTRY(3, "PTRACE_EVENT_CLONE"),	 ENTRY(4, "PTRACE_EVENT_EXEC"),
	ENTRY(5, "PTRACE_EVENT_VFORK_DONE"), ENTRY(6, "PTRACE_EVENT_EXIT"),
	ENTRY(7, "PTRACE_EVENT_SECCOMP"), ENTRY(128, "PTRACE_EVENT_STOP"),
};

static const struct name_entry request_names[] = {
	ENTRY(0, "PTRACE_TRACEME"),	ENTRY(1, "PTRACE_PEEKTEXT"),
	ENTRY(2, "PTRACE_PEEKDATA"),	ENTRY(3, "PTRACE_PEEKUSER"),
	ENTRY(4, "PTRACE_POKETEXT"),	ENTRY(5, "PTRACE_POKEDATA"),
	ENTRY(6, "PTRACE_POKEUSER"),	ENTRY(7, "PTRACE_CONT"),
	ENTRY(8, "PTRACE_KILL"),	ENTRY(9, "PTRACE_SINGLESTEP"),
	ENTRY(12, "PTRACE_GETREGS"),	ENTRY(13, "PTRACE_SETREGS"),
	ENTRY(14, "PTRACE_GETFPREGS"),	ENTRY(15, "PTRACE_SETFPREGS"),
	ENTRY(16, "PTRACE_ATTACH"),	ENTRY(17, "PTRACE_DETACH"),
	ENTRY(18, "PTRACE_GETFPXREGS"), ENTRY(19, "PTRACE_SETFPXREGS"),
	ENTRY(24, "PTRACE_SYSCALL"),	ENTRY(25, "PTRACE_GET_THREAD_AREA"),
	ENTRY(26, "PTRACE_SET_THREAD_AREA"), ENTRY(30, "PTRACE_ARCH_PRCTL"),
	ENTRY(31, "PTRACE_SYSEMU"),	ENTRY(32, "PTRACE_SYSEMU_SINGLESTEP"),
	ENTRY(33, "PTRACE_SINGLEBLOCK"), ENTRY(0x4200, "PTRACE_SETOPTIONS"),
	ENTRY(0x4201, "PTRACE_GETEVENTMSG"), ENTRY(0x4202, "PTRACE_GETSIGINFO"),
	ENTRY(0x4203, "PTRACE_SETSIGINFO"), ENTRY(0x4204, "PTRACE_GETREGSET"),
	ENTRY(0x4205, "PTRACE_SETREGSET"), ENTRY(0x4206, "PTRACE_SEIZE"),
	ENTRY(0x4207, "PTRACE_INTERRUPT"), ENTRY(0x4208, "PTRACE_LISTEN"),
	ENTRY(0x4209, "PTRACE_PEEKSIGINFO"), ENTRY(0x420a, "PTRACE_GETSIGMASK"),
	ENTRY(0x420b, "PTRACE_SETSIGMASK"), ENTRY(0x420c, "PTRACE_SECCOMP_GET_FILTER"),
	ENTRY(0x420d, "PTRACE_SECCOMP_GET_METADATA"),
	ENTRY(0x420e, "PTRACE_GET_SYSCALL_INFO"),
	ENTRY(0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"),
	ENTRY(0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG"),
	ENTRY(0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG"),
	ENTRY(0x4212, "PTRACE_SET_SYSCALL_INFO"),
};

/* The syscalls ptvisor traps or inspects, per ABI (asm/unistd_{64,32}.h). */
static const struct name_entry syscall_names_x86_64[] = {
	ENTRY(56, "clone"),	ENTRY(57, "fork"),	ENTRY(58, "vfork"),
	ENTRY(59, "execve"),	ENTRY(61, "wait4"),	ENTRY(101, "ptrace"),
	ENTRY(157, "prctl"),	ENTRY(247, "waitid"),	ENTRY(317, "seccomp"),
	ENTRY(322, "execveat"), ENTRY(435, "clone3"),
};

static const struct name_entry syscall_names_i386[] = {
	ENTRY(2, "fork"),	ENTRY(7, "waitpid"),	ENTRY(11, "execve"),
	ENTRY(26, "ptrace"),	ENTRY(114, "wait4"),	ENTRY(120, "clone"),
	ENTRY(172, "prctl"),	ENTRY(190, "vfork"),	ENTRY(284, "waitid"),
	ENTRY(354, "seccomp"),	ENTRY(358, "execveat"), ENTRY(435, "clone3"),
};

#define LOOKUP(table, value)                                                  \
	lookup((table), sizeof(table) / sizeof((table)[0]), (value))

static const char *lookup(const struct name_entry *table, size_t n, long value)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return NULL;
}

const char *ptv_event_name(int event)
{
	static char buf[32];
	const char *name = LOOKUP(event_names, event);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "event %d", event);
	return buf;
}

const char *ptv_request_name(long request)
{
	static char buf[32];
	const char *name = LOOKUP(request_names, request);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "request %#lx", request);
	return buf;
}

const char *ptv_signal_name(int sig)
{
	/* A few in turn: one log line may name several signals. */
	static char bufs[4][16];
	static unsigned int next;
	char *buf = bufs[next++ % 4];
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (sig == 0)
		return "0";
	if (abbrev)
		snprintf(buf, sizeof(bufs[0]), "SIG%s", abbrev);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, sizeof(bufs[0]), "SIGRT_%d", sig - SIGRTMIN);
	else
		snprintf(buf, sizeof(bufs[0]), "signal %d", sig);
	return buf;
}

const char *ptv_errno_name(int err)
{
	static char buf[16];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

const char *ptv_syscall_name(int abi, long nr)
{
	static char buf[48];
	const char *name = NULL;

	if (abi == PTV_ABI_X86_64)
		name = LOOKUP(syscall_names_x86_64, nr);
	else if (abi == PTV_ABI_X32)
		name = LOOKUP(syscall_names_x86_64, nr & ~0x40000000L);
	else if (abi == PTV_ABI_I386)
		name = LOOKUP(syscall_names_i386, nr);
	if (name && abi == PTV_ABI_X86_64)
		return name;
	if (name)
		snprintf(buf, sizeof(buf), "%s:%s", ptv_abi_name(abi), name);
	else
		snprintf(buf, sizeof(buf), "%s:syscall %ld", ptv_abi_name(abi), nr);
	return buf;
}

const char *ptv_abi_name(int abi)
{
	switch (abi) {
	case PTV_ABI_X86_64:
		return "x86_64";
	case PTV_ABI_I386:
		return "i386";
	case PTV_ABI_X32:
		return "x32";
	}
	return "unknown-abi";
}
