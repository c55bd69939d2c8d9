/*
 * Names for logs: one table each for ptrace requests, ptrace events,
 * syscalls ptvisor traps, signals and errno values. Unknown numbers come out
 * as decimal, so a log line never loses information.
 */
#ifndef PTV_COMMON_NAMES_H
#define PTV_COMMON_NAMES_H

/*
 * Each returns a static name, or formats the number into a static buffer
 * per function (so one log line may call each function once, and
 * ptv_signal_name() four times).
 */
const char *ptv_event_name(int event);
const char *ptv_request_name(long request);
const char *ptv_signal_name(int sig);
const char *ptv_errno_name(int err);
const char *ptv_syscall_name(int abi, long nr);

/* The ABIs a syscall can come from (DESIGN.md, invariant 4). */
enum ptv_abi {
	PTV_ABI_X86_64 = 0,
	PTV_ABI_I386 = 1,
	PTV_ABI_X32 = 2,
};
const char *ptv_abi_name(int abi);

#endif
