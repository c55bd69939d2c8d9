/*
 * The other system call entry points of an x86_64 process: i386 through
 * int 0x80 (pointers must lie below 4 GiB: mmap with MAP_32BIT), and x32
 * (x86_64's syscall instruction with __X32_SYSCALL_BIT in the number).
 */
#ifndef PTV_TESTS_ABI_H
#define PTV_TESTS_ABI_H

#include <signal.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCN_X32_BIT 0x40000000L

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
	SCN_I386_exit = 1,
	SCN_I386_waitpid = 7,
	SCN_I386_signal = 48,
	SCN_I386_getpid = 20,
	SCN_I386_ptrace = 26,
	SCN_I386_getppid = 64,
	SCN_I386_wait4 = 114,
	SCN_I386_clone = 120,
	SCN_I386_prctl = 172,
	SCN_I386_waitid = 284,
	SCN_I386_clone3 = 435,
};

/* x32 numbers (syscall_64.tbl): ptrace is one of the x32-only entries. */
enum {
	SCN_X32_ptrace = 521,
};

/* An i386 system call with up to five arguments; returns -errno on error. */
static inline long scn_int80(long nr, long a1, long a2, long a3, long a4, long a5)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
			 : "memory", "r8", "r9", "r10", "r11");
	return (long)(int)r;
}

/*
 * Whether int 0x80 works here: a kernel without IA-32 emulation (or with it
 * off, as on some hypervisors) answers it with SIGSEGV. Tried in a child.
 */
static inline bool scn_have_int80(void)
{
	int status;
	pid_t child = fork();

	if (child == 0)
		_exit(scn_int80(SCN_I386_getpid, 0, 0, 0, 0, 0) > 0 ? 0 : 1);
	if (child < 0 || waitpid(child, &status, 0) != child)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A raw x86_64-instruction system call; returns -errno on error. */
static inline long scn_raw_syscall(long nr, long a1, long a2, long a3, long a4)
{
	long r;
	register long r10 __asm__("r10") = a4;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
			 : "memory", "rcx", "r11");
	return r;
}

#endif
