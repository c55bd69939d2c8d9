/*
 * Guest seccomp filters in raw BPF (no libseccomp in guests): a list of
 * rules "this system call of this architecture gets this action", anything
 * else allowed.
 */
#ifndef PTV_TESTS_FILTER_H
#define PTV_TESTS_FILTER_H

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#define SCN_MAX_RULES 16

struct scn_rule {
	uint32_t arch; /* AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 */
	uint32_t nr;   /* for x32, with __X32_SYSCALL_BIT */
	uint32_t action;
};

/* SECCOMP_RET_* with its data, e.g. SCN_ERRNO(EXDEV). */
#define SCN_ERRNO(e) (SECCOMP_RET_ERRNO | ((uint32_t)(e) & SECCOMP_RET_DATA))
#define SCN_TRAP(d) (SECCOMP_RET_TRAP | ((uint32_t)(d) & SECCOMP_RET_DATA))
#define SCN_TRACE(d) (SECCOMP_RET_TRACE | ((uint32_t)(d) & SECCOMP_RET_DATA))

/*
 * Installs a filter made of @rules with seccomp(SECCOMP_SET_MODE_FILTER,
 * @flags), after PR_SET_NO_NEW_PRIVS (so that it works without root too).
 * Returns the call's result (a listener fd with NEW_LISTENER); -1 and errno
 * on failure.
 */
long scn_install_filter(const struct scn_rule *rules, size_t nrules,
			unsigned int flags);

/* "AUDIT_ARCH_X86_64", "AUDIT_ARCH_I386", or a number. */
const char *scn_arch_name(uint32_t arch);

#endif
