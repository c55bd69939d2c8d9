#ifndef PTV_SYSCALLS_CLONE_H
#define PTV_SYSCALLS_CLONE_H

#include "syscalls.h"

/*
 * clone(2) with CLONE_UNTRACED and clone3(2): the flag would give a child the
 * host tracer never sees (kernel/fork.c: kernel_clone), so it is cleared
 * before the call runs; the task remembers that the guest asked for it, for
 * the virtual tracer. Preconditions: as ptv_syscall_dispatch().
 */
void ptv_sys_clone_untraced(struct ptv_task *task, const struct ptv_syscall *call,
			    struct ptv_syscall_outcome *out);
void ptv_sys_clone3(struct ptv_task *task, const struct ptv_syscall *call,
		    struct ptv_syscall_outcome *out);

#endif
