/* Guest memory: reads and writes through process_vm_readv/writev. */
#ifndef PTV_PLATFORM_MEM_H
#define PTV_PLATFORM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copies exactly @len bytes; returns 0, -EFAULT for a partial copy, or -errno. */
int ptv_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
int ptv_mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len);

/*
 * Reads (@write false) or writes exactly @len bytes of a task the
 * supervisor traces through /proc/@tid/mem, which, like ptrace's
 * PEEKDATA/POKEDATA (kernel/ptrace.c:ptrace_access_vm(), FOLL_FORCE),
 * reads pages without PROT_READ and writes read-only text. Returns 0 or
 * -EIO.
 */
int ptv_mem_access_forced(pid_t tid, uint64_t addr, void *buf, size_t len,
			  bool write);

#endif
