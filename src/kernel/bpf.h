/*
 * A classic-BPF interpreter for seccomp filters (the instruction subset
 * kernel/seccomp.c:seccomp_check_filter() accepts), so that the supervisor
 * can tell what a guest's own filters return for a trapped call.
 */
#ifndef PTV_KERNEL_BPF_H
#define PTV_KERNEL_BPF_H

#include <stddef.h>
#include <stdint.h>

/* struct sock_filter (linux/filter.h) */
struct ptv_bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

/* struct seccomp_data (linux/seccomp.h) */
struct ptv_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

/*
 * Runs @prog on @data; returns the filter's 32-bit result, or
 * SECCOMP_RET_KILL_THREAD (0) for a program the kernel would have refused.
 */
uint32_t ptv_bpf_run(const struct ptv_bpf_insn *prog, size_t len,
		     const struct ptv_seccomp_data *data);

#endif
