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

/*
 * A clone3 run as clone (see clone.c): gives @t back clone3's argument
 * registers. Preconditions: @t is in a host stop: the parent's syscall-exit
 * stop, or the child's first stop (before it runs).
 */
void ptv_clone3_fixup(struct ptv_task *t);
/* The child of such a call starts with its parent's registers. */
void ptv_clone3_inherit(struct ptv_task *child, const struct ptv_task *parent);

#endif
